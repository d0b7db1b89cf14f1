"""Shared test fixtures: a clean environment per test, and paths to the bundled fixtures."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No test sees the developer's keys, endpoints or data directory."""
    for name in list(os.environ):
        if name.startswith(("OPENAI_", "BRIEF_", "AZURE_OPENAI_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEF_DATA_DIR", str(tmp_path / "brief-data"))


@pytest.fixture
def seeds_dir() -> Path:
    return FIXTURES


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--update-golden",
        action="store_true",
        default=False,
        help="Rewrite the golden files under tests/golden/ from the current output.",
    )
