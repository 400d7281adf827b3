"""What every command shares: one line for the errors a user meets on the way in (bad flags,
no region, no credentials, a server that does not answer, a missing stream, bucket or table)
instead of a traceback; --help that keeps the usage examples' layout and shows the defaults;
and the generation flags, turned into a GeneratorConfig in one place."""

from __future__ import annotations

import argparse
import functools
import math
import os
import signal
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any, NoReturn, ParamSpec

from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    EndpointConnectionError,
    NoCredentialsError,
    NoRegionError,
)

from acme_gen.config import TRAFFIC_SHAPES, GeneratorConfig
from acme_gen.scenario import FaultRates, Incident, SpecError

_P = ParamSpec("_P")


class UsageError(Exception):
    """Bad input: one `error: ...` line on stderr and exit code 2, before anything is written."""


class SetupError(Exception):
    """The machine lacks something the command needs (an optional extra, say): one line."""


# What a command catches around its AWS and lake calls: reported in one line, exit code 2.
SETUP_ERRORS: tuple[type[BaseException], ...] = (BotoCoreError, ClientError, OSError, SetupError)


class Stopped(KeyboardInterrupt):
    """SIGTERM, raised where the program is, as Ctrl-C raises KeyboardInterrupt: the same
    clean-up runs for both, and the exit code is 128 + the signal's number, as shells do."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


def interrupt_exit_code(exc: KeyboardInterrupt) -> int:
    """130 for Ctrl-C, 143 for SIGTERM."""
    return 128 + int(getattr(exc, "signum", signal.SIGINT))


def _stop_once(signum: int, frame: object) -> None:
    """The first Ctrl-C or SIGTERM raises; any after it is ignored, so that the clean-up it
    starts (ending workers, clearing staging) runs to the end."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt if signum == signal.SIGINT else Stopped(signum)


def command(main: Callable[_P, int]) -> Callable[_P, int]:
    """A command's main: a UsageError raised anywhere in it (argparse's included), and a
    setup error it does not handle itself, is one `error: ...` line and exit code 2; output
    into a closed pipe ends quietly with exit code 0; Ctrl-C and SIGTERM it does not handle
    itself are one `interrupted` line and exit code 130 or 143, without a traceback."""

    @functools.wraps(main)
    def run(*args: _P.args, **kwargs: _P.kwargs) -> int:
        in_main_thread = threading.current_thread() is threading.main_thread()
        previous = (
            [signal.signal(s, _stop_once) for s in (signal.SIGINT, signal.SIGTERM)]
            if in_main_thread
            else []
        )
        try:
            code = main(*args, **kwargs)
            sys.stdout.flush()  # inside the try: a closed pipe shows here if not before
            return code
        except BrokenPipeError:
            # The reader went away (`| head`): end quietly, as Unix tools do. Point stdout at
            # /dev/null so that the interpreter's own flush at exit does not fail again.
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
        except UsageError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2
        except SETUP_ERRORS as exc:
            print(f"error: {one_line(exc)}", file=sys.stderr)
            return 2
        except KeyboardInterrupt as exc:
            print("interrupted", file=sys.stderr)
            return interrupt_exit_code(exc)
        finally:
            # After a stop signal, stay deaf to the next until the exit: a second Ctrl-C is
            # clean however late it comes.
            if signal.getsignal(signal.SIGINT) is not signal.SIG_IGN:
                for number, handler in zip((signal.SIGINT, signal.SIGTERM), previous, strict=False):
                    signal.signal(number, handler)

    return run


def process_exit(code: int) -> str:
    """How a child process ended, from its exit code: `exit code 3` or `killed by SIGKILL`."""
    if code > 0:
        return f"exit code {code}"
    try:
        return f"killed by {signal.Signals(-code).name}"
    except ValueError:  # a real-time signal has no name
        return f"killed by signal {-code}"


def one_line(exc: BaseException) -> str:
    """The error as one line a user can act on."""
    if isinstance(exc, NoRegionError):
        return "no AWS region: pass --region or set AWS_DEFAULT_REGION"
    if isinstance(exc, NoCredentialsError):
        return (
            "no AWS credentials: set AWS_PROFILE or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY "
            "(any dummy keys do for a local server)"
        )
    if isinstance(exc, EndpointConnectionError):
        return f"cannot reach {exc.kwargs.get('endpoint_url', 'the endpoint')}: is it running?"
    if isinstance(exc, ClientError):
        error = exc.response.get("Error", {})
        return f"{error.get('Code', 'error')}: {error.get('Message', '')}".rstrip(": ")
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__


REGION_HELP = "AWS region (default: the environment's, as boto3 finds it)"


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """Usage examples as written, and `(default: ...)` after each option that has one."""

    def _get_help_string(self, action: argparse.Action) -> str:
        text = action.help or ""
        shown = action.default not in (None, False, argparse.SUPPRESS) and "default" not in text
        return f"{text} (default: %(default)s)" if shown and action.option_strings else text


class Parser(argparse.ArgumentParser):
    """An argument parser whose errors raise UsageError (a @command's one line, exit code 2),
    and whose --help keeps the description's layout and shows defaults."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", HelpFormatter)
        super().__init__(**kwargs)

    def error(self, message: str) -> NoReturn:
        raise UsageError(message)


# Flag values: a bad one is argparse's one-line error (exit code 2).


def int_at_least(minimum: int) -> Callable[[str], int]:
    def parse(text: str) -> int:
        try:
            value = int(text.replace("_", ""))
        except ValueError:
            raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
        if value < minimum:
            rule = "must be positive" if minimum == 1 else f"must be at least {minimum}"
            if minimum == 0:
                rule = "must not be negative"
            raise argparse.ArgumentTypeError(f"{rule}, got {value}")
        return value

    return parse


positive_int = int_at_least(1)
non_negative_int = int_at_least(0)


def positive_number(suffix: str = "", example: str = "") -> Callable[[str], float]:
    """A finite number > 0, optionally written with a unit suffix (100/s, 10x)."""

    def parse(text: str) -> float:
        try:
            value = float(text.removesuffix(suffix)) if suffix else float(text)
        except ValueError:
            like = f" like {example}" if example else ""
            raise argparse.ArgumentTypeError(f"{text!r} is not a number{like}") from None
        if not value > 0 or math.isinf(value):
            raise argparse.ArgumentTypeError(f"must be positive, got {text}")
        return value

    return parse


def parse_instant(text: str) -> datetime:
    """A date (midnight UTC) or an ISO 8601 date-time; naive times are UTC."""
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{text!r} is not a date (YYYY-MM-DD or YYYY-MM-DDTHH:MM[:SS][Z])"
        ) from None
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def instant_ms(text: str, name: str) -> int:
    """parse_instant for a value that did not come through argparse (a manifest's, say)."""
    try:
        return int(parse_instant(text).timestamp() * 1000)
    except argparse.ArgumentTypeError as exc:
        raise UsageError(f"{name}: {exc}") from None


def fault_rates(text: str) -> FaultRates:
    try:
        return FaultRates.parse(text)
    except SpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def incident(text: str) -> Incident:
    try:
        return Incident.parse(text)
    except SpecError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def add_generator_flags(parser: argparse.ArgumentParser, *, stream: bool) -> None:
    """The flags every generating command shares, with GeneratorConfig's own defaults: the
    world (--customers, --titles, --campaigns, --seed), --shape, --faults and --incident.
    generator_config() turns them into the configuration."""
    fields = GeneratorConfig.model_fields
    parser.add_argument("--customers", type=positive_int, default=None,
                        help="customers in the world (default: sized to the volume, about 2 h "
                        "of viewing per active subscriber-day); too few for the volume is "
                        "refused, naming the minimum")  # fmt: skip
    for name in ("titles", "campaigns"):
        parser.add_argument(f"--{name}", type=positive_int, default=fields[name].default,
                            help=f"{fields[name].description}")  # fmt: skip
    parser.add_argument("--seed", type=non_negative_int, default=fields["seed"].default,
                        help=fields["seed"].description)  # fmt: skip
    parser.add_argument(
        "--shape",
        dest="traffic_shape",
        choices=TRAFFIC_SHAPES,
        default=fields["traffic_shape"].default,
        help="traffic over the day: diurnal, the local-time curve; flat, a constant rate",
    )
    _add_scenario_flags(parser, stream=stream)


WorldSize = Callable[[GeneratorConfig, bool], GeneratorConfig]


def generator_config(
    args: argparse.Namespace, *, size: WorldSize | None = None, **fields: Any
) -> GeneratorConfig:
    """The configuration add_generator_flags' flags describe, with `fields` (events_per_day,
    say) on top, its world sized by `size` (acme_gen.core.sizing.with_world_size: sized to the
    volume, or --customers checked); a value the model or the sizing refuses is a
    UsageError."""
    flags = {
        name: getattr(args, name) for name in GeneratorConfig.model_fields if hasattr(args, name)
    }
    try:
        config = GeneratorConfig.from_values({**flags, **fields})
        return config if size is None else size(config, flags.get("customers") is not None)
    except ValueError as exc:  # ConfigError, WorldTooSmall
        raise UsageError(str(exc)) from None


def _add_scenario_flags(parser: argparse.ArgumentParser, *, stream: bool) -> None:
    """--faults and --incident, as the backfill and the stream take them."""
    kinds = "duplicate, drop, late, skew, malformed" + (", out_of_order" if stream else "")
    parser.add_argument(
        "--faults",
        type=fault_rates,
        default=FaultRates(),
        metavar="KIND=R,...",
        help=f"inject faults, each kind's share of events in [0, 1); kinds: {kinds}, e.g. "
        "duplicate=0.01,late=0.02; "
        + (
            "a stream writes no truth: reconcile with the same --faults explains them"
            if stream
            else "the truth goes to <lake>/_truth/"
        )
        + "; none by default",
    )
    parser.add_argument(
        "--incident",
        type=incident,
        action="append",
        default=[],
        dest="incidents",
        metavar="TYPE:SCOPE@START/DURATION",
        help="an incident (repeatable): isp-outage:ISP, cdn-degradation:COUNTRY, "
        "bad-release:APP_VERSION or premiere:TITLE_ID, e.g. "
        "'isp-outage:Comcast Xfinity@2026-01-15T20:00/60m'",
    )
