"""The backfill: history into the lake as independent hour tasks, on any engine.

cli.py    python -m acme_gen.backfill: arguments -> BackfillPlan -> run -> summary line
plan.py   the plan, its manifest, and the refusal of bad input before anything is written
run.py    the driver: manifest, dimension tables, missing hours, Glue partitions
task.py   HourTask, the unit of work: one hour partition, the same bytes on every engine
pool.py   engine: a process pool on this machine
spark.py  engine: Apache Spark executors (extra 'spark')
"""

from acme_gen.backfill.cli import build_parser, main, resolve
from acme_gen.backfill.plan import BackfillPlan
from acme_gen.backfill.run import run
from acme_gen.cli import UsageError
from acme_gen.schema import MANIFEST

__all__ = ["MANIFEST", "BackfillPlan", "UsageError", "build_parser", "main", "resolve", "run"]
