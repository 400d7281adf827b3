"""Did everything sent land, exactly once? Regenerate what a window should hold and compare it
with what landed, hour by hour.

    python -m acme_gen.reconcile --lake output                       # a backfilled lake
    python -m acme_gen.reconcile --lake s3://BUCKET --from-lambda acme-data-producer \\
        --start 2026-01-15T00:00 --end 2026-01-16                     # what the stream sent

The events of a window are a pure function of (configuration, seed, window), so the expected
events are regenerated, never stored. The configuration comes from the lake's manifest (a
backfill), from the deployed producer Lambda's environment (--from-lambda), or from flags.
Per hour: expected, landed, missing (expected, not landed), duplicated (ids landed more than
once), unexpected (ids never generated), errors (expected ids Firehose put under errors/),
mismatched (same id, other values). Declared faults (--faults/--incident, or the manifest's)
explain their differences: a dropped event missing, a duplicate twice, a malformed record
under errors/ ... (counted per kind under "explained"). Exit 0 when nothing is unexplained,
1 otherwise, 2 on bad input.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path
from typing import Any

from acme_gen.cli import (
    Parser,
    UsageError,
    add_generator_flags,
    command,
    generator_config,
    instant_ms,
    positive_number,
)
from acme_gen.config import ConfigError, GeneratorConfig
from acme_gen.lake.landed import LandedError
from acme_gen.lake.manifest import MANIFEST, read_manifest
from acme_gen.lake.store import Lake
from acme_gen.reconcile.compare import COUNTS, HourReport
from acme_gen.reconcile.run import reconcile, truth_check


def build_parser() -> argparse.ArgumentParser:
    parser = Parser(
        prog="python -m acme_gen.reconcile",
        description=__doc__,
    )
    parser.add_argument(
        "--lake", required=True, help="lake root: directory or s3://bucket[/prefix]"
    )
    parser.add_argument("--start", help="window start (default: the manifest's)")
    parser.add_argument("--end", help="window end, exclusive (default: the manifest's)")
    source = parser.add_mutually_exclusive_group()
    source.add_argument("--from-lambda", metavar="NAME", help="read the configuration from the "
                        "deployed generator or producer Lambda's environment")  # fmt: skip
    source.add_argument("--events-per-day", type=positive_number(),
                        help="the stream's mean daily volume")  # fmt: skip
    add_generator_flags(parser, stream=True)  # with --events-per-day: as the stream had them
    parser.add_argument("--endpoint-url", help="S3/Lambda endpoint, e.g. a local AWS server")
    parser.add_argument("--region", default=None)
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--brief", action="store_true", help="print only hours with differences")
    return parser


def resolve(args: argparse.Namespace, lake: Lake) -> tuple[GeneratorConfig, int, int]:
    """The configuration and window to reconcile, from the flags, a Lambda or the manifest."""
    manifest = read_manifest(lake) if args.events_per_day is None and not args.from_lambda else None
    try:
        if args.from_lambda:
            config = GeneratorConfig.from_env(_lambda_environment(args))
        elif args.events_per_day is not None:
            config = generator_config(args)
        elif isinstance(manifest, dict):
            config = GeneratorConfig.from_values(manifest["generator"])
        else:
            raise UsageError(
                f"{lake} has no {MANIFEST}: say what was generated with --events-per-day "
                "(and --seed ...) or --from-lambda NAME"
            )
    except ConfigError as exc:
        raise UsageError(str(exc)) from None
    start = args.start or (manifest or {}).get("start")
    end = args.end or (manifest or {}).get("end")
    if not start or not end:
        raise UsageError("--start and --end are needed when the lake has no backfill manifest")
    start_ms, end_ms = instant_ms(start, "--start"), instant_ms(end, "--end")
    if end_ms <= start_ms:
        raise UsageError(f"--end ({end}) must be after --start ({start})")
    return config, start_ms, end_ms


def _lambda_environment(args: argparse.Namespace) -> dict[str, str]:
    import boto3
    from botocore.exceptions import BotoCoreError, ClientError

    client = boto3.client("lambda", endpoint_url=args.endpoint_url, region_name=args.region)
    try:
        response = client.get_function_configuration(FunctionName=args.from_lambda)
    except (BotoCoreError, ClientError) as exc:
        raise UsageError(f"--from-lambda {args.from_lambda}: {str(exc).splitlines()[0]}") from None
    return dict(response.get("Environment", {}).get("Variables", {}))


def _print_text(reports: list[HourReport], totals: dict[str, int], brief: bool) -> None:
    print(f"{'hour':18}" + "".join(f"{c:>12}" for c in COUNTS))
    for r in reports:
        if brief and not r.unexplained:
            continue
        row = asdict(r)
        print(f"{r.hour:18}" + "".join(f"{row[c]:>12,}" for c in COUNTS))
        for kind, ids in r.examples.items():
            print(f"  {kind}: {', '.join(ids)}{' ...' if row[kind] > len(ids) else ''}")
    print(f"{'total':18}" + "".join(f"{totals[c]:>12,}" for c in COUNTS))
    explained = _explained(reports)
    if explained:
        kinds = ", ".join(f"{kind} {n:,}" for kind, n in sorted(explained.items()))
        print(f"explained by declared faults: {kinds}")


def _explained(reports: list[HourReport]) -> dict[str, int]:
    """Differences the declared faults explain, per kind, over the window."""
    total: Counter[str] = Counter()
    for r in reports:
        total.update(r.explained)
    return dict(sorted(total.items()))


def _verdict(reports: list[HourReport], totals: dict[str, int]) -> str:
    if totals["unexplained"] == 0 and _explained(reports):
        return (
            f"OK: {totals['expected']:,} expected events landed as the declared faults say, "
            f"and nothing else differs ({len(reports)} hours)"
        )
    if totals["unexplained"] == 0:
        return (
            f"OK: all {totals['expected']:,} expected events landed exactly once "
            f"({len(reports)} hours)"
        )
    parts = []
    for kind in COUNTS[2:]:
        hours = [r.hour for r in reports if getattr(r, kind)]
        if hours:
            where = ", ".join(hours[:3]) + (f" and {len(hours) - 3} more" if len(hours) > 3 else "")
            parts.append(f"{totals[kind]:,} {kind} ({where})")
    return "FAIL: " + "; ".join(parts)


@command
def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        lake = Lake(args.lake, args.endpoint_url, args.region)
        missing = lake.missing_bucket()
        if missing or not (lake.is_s3 or Path(args.lake).is_dir()):
            raise UsageError(
                f"no lake at {args.lake}"
                + (f": bucket {missing} does not exist" if missing else "")
            )
        config, start_ms, end_ms = resolve(args, lake)
        reports = list(reconcile(lake, config, start_ms, end_ms))
        truth = truth_check(lake, _explained(reports), start_ms, end_ms)
    except LandedError as exc:
        print(f"error: {str(exc).splitlines()[0]}", file=sys.stderr)
        return 2
    totals = {c: sum(getattr(r, c) for r in reports) for c in COUNTS}
    totals["unexplained"] = sum(r.unexplained for r in reports)
    ok = totals["unexplained"] == 0 and not (truth or "").startswith("differs")
    if args.json:
        hours: list[dict[str, Any]] = [{**asdict(r), "unexplained": r.unexplained} for r in reports]
        verdict = {**totals, "explained": _explained(reports), "truth": truth, "ok": ok}
        print(json.dumps({**verdict, "hours": hours}))
    else:
        _print_text(reports, totals, args.brief)
        if truth:
            print(f"truth: {truth}")
        print(_verdict(reports, totals) if ok or totals["unexplained"] else f"FAIL: truth {truth}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
