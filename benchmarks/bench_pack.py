"""Tokens sent for the seed story against the naive concatenation, and facts kept.

    python benchmarks/bench_pack.py [--budget N] [--model NAME]

Naive = the five seed files concatenated as given (boilerplate included), counted with
the same tokenizer. Facts = the distinct facts a reader of the seeds would list, each
found by a pattern; a fact present in the naive text must still be in what is sent.
Goal (issue #3): at most 0.6x naive, no fact lost.
"""

from __future__ import annotations

import argparse
import re
import sys
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from briefing.digest.pack import pack  # noqa: E402
from briefing.digest.tokens import counter_for  # noqa: E402
from briefing.models import Story  # noqa: E402
from briefing.sources.clean import clean  # noqa: E402
from briefing.sources.ingest import ingest  # noqa: E402
from briefing.text import normalize  # noqa: E402

# (fact, pattern on normalised text: digits ASCII, alef/ya/ta-marbuta folded, no diacritics)
FACTS = [
    ("meeting hosted by Saudi Arabia", r"(استضافت|استضافه|استضافتها).{0,40}(السعوديه|المملكه)"),
    ("held Monday 9 February", r"(الاثنين|الاثنين) 9 شباط"),
    ("Syria joins as 90th member", r"(رقم 90|العضو التسعين)"),
    ("Barrack: a new chapter in collective security", r"فصلا جديدا في الامن الجماعي"),
    ("co-chaired by deputy FM al-Khuraiji", r"الخريجي"),
    ("Shaibani and intelligence chief Salama attended", r"حسين السلامه"),
    ("agreement between government and SDF", r"(الاتفاق الشامل|بالاتفاق الشامل)"),
    ("permanent ceasefire", r"وقف اطلاق (النار|نار) (الدائم|دائم)"),
    ("Syria to lead national counter-ISIS effort", r"القياده الوطنيه"),
    ("families from al-Hol and Roj camps", r"الهول"),
    ("repatriating third-country nationals", r"(رعايا الدول الثالثه|دول ثالثه)"),
    ("thanks to Iraq for leading the campaign", r"(شكر|الشكر).{0,30}(العراق|العراقيه)"),
    ("transfer of detainees to Iraq's custody", r"(عهده العراق|من سوريا الي العراق)"),
    ("Syria takes over detention facilities and camps", r"مرافق الاحتجاز"),
    ("states must take back their nationals", r"(استعاده مواطنيها|استعاده رعاياها)"),
    ("Shaibani: Syria regains the initiative", r"زمام المبادره"),
    ("Shaibani: constructive and fruitful meeting", r"بناء ومثمر"),
    ("SDF sacrifices acknowledged", r"التضحيات"),
    (
        "coordination of diplomatic and military tracks",
        r"(الدبلوماسي والعسكري|الدبلوماسيه والعسكريه)",
    ),
    ("Syria joined in November 2025", r"تشرين الثاني.{0,12}2025"),
    ("Sharaa met Trump at the White House", r"ترامب"),
    ("political cooperation without military commitments", r"التزامات عسكريه"),
    ("joint operations dismantled cells", r"تفكيك خلايا"),
    ("first time since the coalition's founding in 2014", r"2014"),
    ("statement published by SPA on Tuesday 10 February", r"واس"),
    ("foreign ministry's December commitment", r"كانون الاول"),
    ("Barrack posted on X", r"منصه .?x"),
    ("defence officials / briefings on the campaign", r"احاطات"),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--budget", type=int, default=8000)
    parser.add_argument("--model", default="gpt-4o-mini")
    args = parser.parse_args()
    fixtures = ROOT / "fixtures"
    counter = counter_for(args.model)
    raw = "\n\n".join(p.read_text(encoding="utf-8") for p in sorted(fixtures.iterdir()))
    naive = counter.count(raw)
    articles = clean(ingest([fixtures]).articles, reference=date(2026, 11, 23))
    packed = pack(Story("seeds", articles), args.budget, counter.count, counter.name)
    sent = "\n".join(p.block for p in packed.articles)
    present = [(name, pat) for name, pat in FACTS if re.search(pat, normalize(raw))]
    lost = [name for name, pat in present if not re.search(pat, normalize(sent))]
    print(f"tokenizer: {counter.name}")
    print(f"budget: {args.budget} tokens; parts: {len(packed.parts)}")
    print(f"naive concatenation: {naive} tokens")
    print(
        f"cleaned, nothing removed: {packed.full_tokens} tokens "
        f"({packed.full_tokens / naive:.2f}x naive)"
    )
    print(f"sent: {packed.tokens} tokens ({packed.tokens / naive:.2f}x naive)")
    print("articles cut: " + ", ".join(f"{a} {p}%" for a, p in packed.trimmed))
    print(
        f"facts kept: {len(present) - len(lost)}/{len(present)}"
        + (f"; lost: {', '.join(lost)}" if lost else "")
    )


if __name__ == "__main__":
    main()
