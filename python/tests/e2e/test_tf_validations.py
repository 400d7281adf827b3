"""terraform/modules/generator's var.faults refuses what the CLI refuses, and each refusal
comes from the one validation that names it. `terraform test` (make tf-check) shows that a
plan fails; it cannot tell which validation failed, so this asks `terraform console`, which
checks the variables as a plan does and names the rule that refused."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from acme_gen.scenario import FaultRates, SpecError

from ..conftest import skip_unless_required
from ..terraform_env import REPO, cli_config

MODULE = REPO / "terraform" / "modules" / "generator"
# The module's inputs without a default (their values do not matter to var.faults).
REQUIRED = ("prefix", "generator_function_name", "producer_function_name", "delivery_stream_name",
            "package_path", "stream_name", "stream_arn", "kms_key_arn")  # fmt: skip
FORM = 'faults must be "KIND=R,..."'
ONCE = "each fault kind may be given once"
SUM = "the fault rates must add up to less than 1"


@pytest.fixture(scope="module")
def module(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, str]]:
    terraform = shutil.which("terraform")
    if terraform is None:
        skip_unless_required("no terraform CLI on PATH")
    work = tmp_path_factory.mktemp("generator")
    copy = work / "generator"
    shutil.copytree(MODULE, copy, ignore=shutil.ignore_patterns(".terraform*", "tests"))
    env = {**os.environ, "TF_IN_AUTOMATION": "1", "CHECKPOINT_DISABLE": "1"}
    config = cli_config(work)
    if config is not None:
        env["TF_CLI_CONFIG_FILE"] = str(config)
    subprocess.run(["terraform", "init", "-backend=false", "-input=false", "-no-color"],
                   cwd=copy, env=env, check=True, capture_output=True, timeout=300)  # fmt: skip
    return copy, env


def _refusals(module: tuple[Path, dict[str, str]], faults: str) -> list[str]:
    """The messages of the validations that refuse `faults`, each with its rule's line."""
    copy, env = module
    args = [f"-var={name}=x" for name in REQUIRED]
    done = subprocess.run(["terraform", "console", "-no-color", f"-var=faults={faults}", *args],
                          cwd=copy, env=env, input="var.faults\n", capture_output=True,
                          text=True, timeout=120)  # fmt: skip
    errors = done.stderr.split("Error: ")[1:]
    assert all(e.startswith("Invalid value for variable") for e in errors), done.stderr
    # Each error: its title, the variable's block and value, then the message and the rule.
    return [" ".join(re.split(r"var\.faults is .*\n", e)[-1].split()) for e in errors]


def _rule_lines() -> dict[str, int]:
    """Each of var.faults' messages -> the line of its validation block in variables.tf."""
    text = (MODULE / "variables.tf").read_text()
    block = text[text.index('variable "faults"') :]
    block = block[: block.index("\nvariable ")]
    first = text[: text.index('variable "faults"')].count("\n") + 1
    lines = {}
    for match in re.finditer(r"  validation \{.*?error_message = \"(.*?)\"\n", block, re.S):
        message = match[1].replace('\\"', '"')
        lines[message] = first + block[: match.start()].count("\n")
    return lines


@pytest.mark.parametrize(
    ("faults", "named_by"),
    [
        ("drop=0.1.2", FORM),  # a malformed rate
        ("duplicate=0.01,drop=-0.1", FORM),  # a negative one
        ("drop=1", FORM),  # one of 1
        ("skew=1.5", FORM),  # and above
        ("dupe=0.01", FORM),  # no such fault
        ("late=0.01", FORM),  # a fault of the stream's only (the CLI takes it)
        ("drop=0.01, drop=0.02", ONCE),
        ("drop=0.6,duplicate=0.6", SUM),
        ("drop=0.5,duplicate=0.5", SUM),  # exactly 1
    ],
)
def test_each_bad_fault_spec_is_refused_by_the_validation_that_names_it(
    module: tuple[Path, dict[str, str]], faults: str, named_by: str
) -> None:
    refusals = _refusals(module, faults)
    assert len(refusals) == 1, refusals
    assert refusals[0].startswith(named_by), refusals
    rules = [line for message, line in _rule_lines().items() if message.startswith(named_by)]
    assert len(rules) == 1 and f"validation rule at variables.tf:{rules[0]}," in refusals[0]
    if not faults.startswith("late"):
        with pytest.raises(SpecError):  # the CLI refuses it too
            FaultRates.parse(faults)


@pytest.mark.parametrize("faults", ["", "drop=0.5,duplicate=0.49", "skew=.001, malformed=0"])
def test_good_fault_specs_pass(module: tuple[Path, dict[str, str]], faults: str) -> None:
    assert _refusals(module, faults) == []
    FaultRates.parse(faults)
