"""The Inputs and Outputs tables of each Terraform module's README, from its variables.tf and
outputs.tf, so the READMEs cannot drift from the code.

    python scripts/tf_docs.py            # rewrite the tables
    python scripts/tf_docs.py --check    # exit 1 naming each stale README (make tf-check)

A small reader for the one-attribute-per-line style `terraform fmt` leaves (description,
type and default of each variable; description of each output), not a general HCL parser.
"""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

MODULES = Path(__file__).resolve().parents[1] / "terraform" / "modules"
_BLOCK = re.compile(r'^(variable|output) "([^"]+)" \{\n(.*?)^\}', re.M | re.S)
_TABLES = re.compile(r"## Inputs\n.*?(?=\n## Tests|\Z)", re.S)


def _attribute(body: str, name: str) -> str | None:
    """The attribute's expression, joined onto one line when brackets span several."""
    match = re.search(rf"^  {name}\s*=\s*(.*)$", body, re.M)
    if match is None:
        return None
    lines = [match.group(1)]
    rest = body[match.end() :].splitlines()[1:]

    def open_brackets() -> int:
        return sum(line.count(o) - line.count(c) for line in lines for o, c in ("[]", "{}", "()"))

    while open_brackets() > 0 and rest:
        lines.append(rest.pop(0).strip())
    return " ".join(part.strip() for part in lines)


def _description(body: str) -> str:
    text = _attribute(body, "description") or '""'
    return text.strip('"').replace("|", "\\|")


def render(module: Path) -> str:
    variables = _BLOCK.findall((module / "variables.tf").read_text())
    outputs = _BLOCK.findall((module / "outputs.tf").read_text())
    lines = ["## Inputs", "", "| name | description | type | default |"]
    lines.append("| --- | --- | --- | --- |")
    for _, name, body in variables:
        default = _attribute(body, "default")
        shown = "required" if default is None else f"`{default}`"
        kind = _attribute(body, "type")
        lines.append(f"| `{name}` | {_description(body)} | `{kind}` | {shown} |")
    lines += ["", "## Outputs", "", "| name | description |", "| --- | --- |"]
    lines += [f"| `{name}` | {_description(body)} |" for _, name, body in outputs]
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--check", action="store_true", help="only report stale READMEs")
    args = parser.parse_args(argv)
    stale = []
    for module in sorted(p for p in MODULES.iterdir() if (p / "variables.tf").exists()):
        readme = module / "README.md"
        text = readme.read_text()
        if not _TABLES.search(text):
            print(f"error: {readme} has no '## Inputs' section", file=sys.stderr)
            return 2
        found = _TABLES.search(text)
        assert found is not None
        updated = text[: found.start()] + render(module) + text[found.end() :]
        if updated != text:
            stale.append(str(readme))
            if not args.check:
                readme.write_text(updated)
    if args.check and stale:
        print(f"stale module READMEs (run python scripts/tf_docs.py): {', '.join(stale)}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
