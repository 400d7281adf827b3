"""python -m acme_gen.reconcile: did everything sent land, exactly once, or as the declared
faults say it would?

    cli.py      the command: flags, where the configuration comes from, the report
    run.py      the window hour by hour: regenerate, apply the faults, compare
    expect.py   what the declared faults make of the expected events, and what they explain
    compare.py  the differences between an hour's expected and landed rows, classified
"""

from acme_gen.reconcile.cli import main
from acme_gen.reconcile.compare import HourReport, compare
from acme_gen.reconcile.run import reconcile

__all__ = ["HourReport", "compare", "main", "reconcile"]
