"""brief verify BRIEFING.json: the share of points passing each check."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from briefing.cli import cli


def point(text: str, *checks: str, model: str | None = None) -> dict:
    flags = [{"check": c, "en": f"{c} failed", "ar": "ملاحظة"} for c in checks]
    return {"text": text, "citations": ["a1"], "flags": flags, "model_check": model}


def test_verify_prints_the_share_passing_each_check(tmp_path: Path) -> None:
    briefing = {
        "schema": "brief.briefing/1",
        "stories": [
            {"sections": [{"lang": "en", "points": [
                point("One.", model="supported"),
                point("Two.", "number", "parity", model="partly"),
                point("Three.", "number"),
                point("Four."),
            ]}]},
        ],
    }  # fmt: skip
    path = tmp_path / "b.json"
    path.write_text(json.dumps(briefing), encoding="utf-8")
    out = CliRunner().invoke(cli, ["verify", str(path)])
    assert out.exit_code == 0, out.output
    lines = {line.split()[0]: line.split()[1:] for line in out.output.splitlines()[2:-1]}
    assert lines["number"] == ["2/4", "50.0%"] and lines["parity"] == ["3/4", "75.0%"]
    assert lines["citation"] == ["4/4", "100.0%"]
    assert lines["all"] == ["checks", "2/4", "50.0%"]  # points with no flag at all
    assert "checked by the model: 2 of 4 (2 not checked by the model)" in out.output


def test_verify_names_a_file_that_is_not_a_briefing(tmp_path: Path) -> None:
    bad = tmp_path / "notes.json"
    bad.write_text("{not json", encoding="utf-8")
    out = CliRunner().invoke(cli, ["verify", str(bad)])
    assert out.exit_code == 1 and "notes.json is not JSON" in out.output
    other = tmp_path / "other.json"
    other.write_text('{"a": 1}', encoding="utf-8")
    out = CliRunner().invoke(cli, ["verify", str(other)])
    assert out.exit_code == 1 and "not a brief briefing" in out.output
