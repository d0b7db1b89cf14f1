"""The planted-error suite: scripted model answers, each carrying one kind of mistake,
replayed through the real LLM engine (openai client, fake server on 127.0.0.1), beside
honest answers that must come through unflagged. Three stories: the Arabic seeds plus
an article carrying a prompt injection, three English reports (one injected), and the
seeds mixed with two English reports. See tests/faithfulness.py and
tests/data/faithfulness/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from faithfulness import CASES, answer_text, caught, flagged, manifest, replay

PLANTED = [(case, entry["kind"], entry["file"]) for case in CASES for entry in manifest(case)]


@pytest.fixture(scope="module")
def honest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    data = tmp_path_factory.mktemp("honest")
    return {case: replay(CASES[case], answer_text(case, "honest.json"), data_dir=data)
            for case in CASES}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_honest_answers_come_through_unflagged(case: str, honest: dict) -> None:
    run = honest[case]
    assert run.digest.status == "ok" and run.requests == 1  # valid at the first ask
    assert flagged(run.digest) == []
    assert not [p for p in run.problems if "left out" in p.message]
    for section in run.digest.sections:
        for point in section.points:
            assert point.evidence, f"no evidence for {point.text}"


@pytest.mark.parametrize("case, kind, name", PLANTED, ids=[f"{c}-{k}" for c, k, _ in PLANTED])
def test_every_planted_error_is_flagged_or_removed(
    case: str, kind: str, name: str, honest: dict, tmp_path: Path
) -> None:
    planted = replay(CASES[case], answer_text(case, name), data_dir=tmp_path)
    assert caught(honest[case], planted), f"{case}: planted {kind} came through unflagged"


def test_a_number_error_is_flagged_on_the_point_itself_in_both_languages(
    honest: dict, tmp_path: Path
) -> None:
    planted = replay(CASES["ar"], answer_text("ar", "planted_number_ar.json"), data_dir=tmp_path)
    entry = next(e for e in manifest("ar") if e["kind"] == "number_ar")
    point = planted.digest.section("ar").points[entry["key_point_index"]]
    number = next(f for f in point.flags if f.check == "number")
    assert "95" in number.en and "95" in number.ar and "رقم" in number.ar
    assert point.evidence  # the reader is shown what it rests on


def test_injection_is_quarantined_and_a_point_obeying_it_flagged(
    honest: dict, tmp_path: Path
) -> None:
    planted = replay(CASES["ar"], answer_text("ar", "planted_injection.json"), data_dir=tmp_path)
    obeying = [p for _, _, p in flagged(planted.digest) if "أُلغي" in p.text or "cancel" in p.text]
    assert obeying and all(any(f.check == "injection" for f in p.flags) for p in obeying)


def test_model_check_verdicts_become_flags(tmp_path: Path) -> None:
    def unsupported_first(body: dict) -> str:
        ids = json.loads(
            body["messages"][-1]["content"]
            .split("evidence sentences):\n\n", 1)[1]
            .rsplit("\n\nCheck every point", 1)[0]
        )
        reasons = [("unsupported", "Not in A2.4.", "ليست في A2.4.")] + [("supported", "", "")] * 99
        verdicts = [
            {"id": p["id"], "verdict": v, "reason_en": en, "reason_ar": ar}
            for p, (v, en, ar) in zip(ids, reasons, strict=False)
        ]
        return json.dumps({"points": verdicts}, ensure_ascii=False)

    run = replay(
        CASES["ar"], answer_text("ar", "honest.json"), check=unsupported_first, data_dir=tmp_path
    )
    every = [
        p
        for s in run.digest.sections
        for p in (s.headline, s.summary, *s.points, *s.disagreements)
        if p is not None and p.quote_of is None
    ]
    assert all(p.model_check in {"supported", "unsupported"} for p in every)
    first = every[0]  # P1: the Arabic headline, sent first
    assert first is run.digest.sections[0].headline and first.model_check == "unsupported"
    model = next(f for f in first.flags if f.check == "model")
    assert "Not in A2.4" in model.en and "ليست في A2.4" in model.ar
    assert [p for p in every[1:] if p.flags] == []


def test_a_failed_model_check_leaves_points_not_checked(tmp_path: Path) -> None:
    run = replay(
        CASES["ar"], answer_text("ar", "honest.json"), check=lambda body: "no JSON here",
        data_dir=tmp_path,
    )  # fmt: skip
    assert run.digest.status == "ok"
    points = [p for s in run.digest.sections for p in s.points]
    assert points and all(p.model_check is None for p in points)
    assert flagged(run.digest) == []  # not checked is said once, not flagged per point
