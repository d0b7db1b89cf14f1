"""The README's commands are the contract .ci/run checks: keep them identical."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.DOTALL)]


def test_quick_start_has_install_and_test_commands() -> None:
    install, test = quick_start_commands()
    assert 'pip install -e ".[dev]"' in install and "brief make fixtures/" in install
    assert test == ".venv/bin/python -m pytest -q"


def test_ci_runs_exactly_the_readme_test_command_after_the_readme_install() -> None:
    install, test = quick_start_commands()
    ci = [
        line
        for line in (ROOT / ".ci" / "run").read_text().splitlines()
        if line and not line.startswith("#")
    ]
    assert ci[-1] == test
    assert "python3 -m venv .venv" in ci and '.venv/bin/pip install --quiet -e ".[dev]"' in ci
    assert install.startswith('python3 -m venv .venv && .venv/bin/pip install -e ".[dev]"')
