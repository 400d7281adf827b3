"""python -m acme_gen.stream: live (or replayed) events to a Kinesis stream, paced against the
wall clock, from one or several processes.

    cli.py      the command: flags, checks, the live line and the summary
    share.py    one process's share of the sessions: timeline -> JSON -> PutRecords, paced
    workers.py  --workers N: the processes, their start barrier, progress and totals
"""

from acme_gen.stream.cli import main
from acme_gen.stream.share import StreamSettings, StreamTotals, stream_share

__all__ = ["StreamSettings", "StreamTotals", "main", "stream_share"]
