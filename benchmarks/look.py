"""Render briefings and turn them into pictures, to look at them as a reader would.

    python benchmarks/look.py OUT_DIR [--day ../shared/data/ant_events_dev.jsonl] [--dpi 70]

Makes, in OUT_DIR/<case>/: the briefing in every format, the Word file converted to PDF
by LibreOffice (``soffice --headless --convert-to pdf``) and to one PNG per page
(``pdftoppm``), and a full-page screenshot of the HTML (headless Chromium). Cases:

- ``seeds``: the bundled fixtures, offline extractive engine;
- ``seeds-llm``: the same through the LLM engine, answered by the local fake server
  (``tests/fake_openai.py``) with answers built from the articles' own sentences;
- ``several-llm``: four stories (the seeds and three English events), LLM engine, --top 3,
  so that one story is a one-line entry; ``several-llm-ar``: the same in Arabic only with
  --top 2, so the English titles of the one-line entries are machine-translated;
- ``sample``: the renderer tests' sample (flags, evidence, an update, a failed story,
  a quarantined passage, a ``javascript:`` URL);
- ``day``: a real day (``--day``), defaults, and ``day-top0`` with every story in full.

Prints the page count of each Word file. Needs LibreOffice, poppler-utils and Chromium
(``apt-get install libreoffice-writer poppler-utils chromium fonts-noto-core``); a tool
that is missing is skipped with a note.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from datetime import date
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from briefing import config  # noqa: E402
from briefing.pipeline import MakeOptions, make  # noqa: E402
from briefing.render import docx, html, md  # noqa: E402
from briefing.render import json as render_json  # noqa: E402
from briefing.render.common import Layout  # noqa: E402

ENGLISH = [
    ("Floods hit Valencia", "Floods hit Valencia overnight, officials said, and 40 people were "
     "rescued. Rivers burst their banks after two days of rain."),
    ("Valencia floods: 40 rescued", "Rescuers saved 40 people in Valencia as rivers burst "
     "their banks overnight, the regional government said."),
    ("Nairobi climate summit opens", "Leaders met in Nairobi for the climate summit on "
     "Tuesday, with 30 countries sending heads of government."),
    ("30 countries at Nairobi summit", "The Nairobi climate summit opened on Tuesday; 30 "
     "countries sent leaders, the hosts said."),
    ("Lumina to build Ohio chip plant", "Chipmaker Lumina announced a new factory in Ohio "
     "costing 8 billion dollars, creating 3,000 jobs."),
    ("Lumina picks Ohio", "Lumina will build an 8 billion dollar chip factory in Ohio, the "
     "company said on Monday."),
]  # fmt: skip


def tool(name: str) -> str | None:
    return shutil.which(name)


def pictures(folder: Path, dpi: int) -> int | None:
    """PDF and PNG pages of the .docx, a screenshot of the .html; the Word page count."""
    pages = None
    docx_file = next(folder.glob("*.docx"), None)
    if docx_file and tool("soffice"):
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder),
             str(docx_file)],
            check=True, capture_output=True, timeout=600,
        )  # fmt: skip
        pdf = docx_file.with_suffix(".pdf")
        if tool("pdfinfo"):
            info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
            found = re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE)
            pages = int(found.group(1)) if found else None
        if tool("pdftoppm"):
            subprocess.run(
                ["pdftoppm", "-png", "-r", str(dpi), str(pdf), str(folder / "page")], check=True
            )
    html_file = next(folder.glob("*.html"), None)
    browser = tool("chromium") or tool("chromium-browser") or tool("google-chrome")
    if html_file and browser:
        subprocess.run(
            [browser, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             f"--screenshot={folder / 'html.png'}", "--window-size=1000,2400",
             html_file.resolve().as_uri()],
            capture_output=True, timeout=120,
        )  # fmt: skip
    return pages


def run_case(name: str, out: Path, paths: list[str], **options: Any) -> Path:
    folder = out / name
    shutil.rmtree(folder, ignore_errors=True)
    settings = options.pop("settings", None) or config.load(None, {})
    result = make(
        MakeOptions(
            paths=tuple(paths),
            out_dir=str(folder),
            formats=("md", "docx", "html", "json"),
            settings=settings,
            today=date(2026, 3, 4),
            use_cache=False,
            **options,
        )
    )
    assert result.briefing is not None
    return folder


def answer(body: dict[str, Any]) -> Any:
    """A plausible model answer made of the request's own article sentences."""
    from fake_openai import Reply

    system = body["messages"][0]["content"]
    user = body["messages"][-1]["content"]
    if "opening overview" in system:
        numbers = sorted({int(n) for n in re.findall(r"\[(\d+)\] \(", user)})
        return Reply(json.dumps({
            "ar": "أبرز ما في هذا الموجز: انضمام سوريا إلى التحالف الدولي ضد داعش، وفيضانات "
                  "فالنسيا، وقمة نيروبي للمناخ.",
            "en": "Syria joined the international coalition against ISIS; floods hit "
                  "Valencia; leaders met in Nairobi for a climate summit.",
            "stories": numbers,
        }, ensure_ascii=False))  # fmt: skip
    if "translate news headlines" in system:
        numbers = re.findall(r"^\[(\d+)\] (.*)$", user, re.MULTILINE)
        return Reply(json.dumps({"headlines": [
            {"n": int(n), "text": f"ترجمة: {t[:60]}"} for n, t in numbers
        ]}, ensure_ascii=False))  # fmt: skip
    blocks = [
        (i, re.sub(r"^Title:.*\n", "", text))
        for i, text in re.findall(
            r"<<<ARTICLE id=(A\d+)[^>]*>>>\n(.*?)\n<<<END \1>>>", user, re.DOTALL
        )
    ]
    ids = [i for i, _ in blocks]
    sentences = {
        i: [s.strip() for s in re.split(r"(?<=[.!؟?])\s+", text) if len(s.split()) > 5]
        for i, text in blocks
    }
    arabic = any(re.search("[\u0600-\u06ff]", t) for _, t in blocks)
    first = sentences[ids[0]] or ["—"]
    points = [
        {"text": (sentences[i] or first)[0][:300], "citations": [i, *ids[:1]]} for i in ids[:4]
    ]
    quote_src = next((i for i in ids if len(sentences[i]) > 1), ids[0])
    quote = (sentences[quote_src] or first)[-1][:200]
    english = {
        "headline": "Syria joins the coalition against ISIS as its 90th member"
        if arabic else first[0][:90],
        "summary": "Outlets report the same event; the points below give what they say, "
        "each with its sources.",
        "key_points": [
            {"text": f"What outlet {n} reports about the event, in one sentence.",
             "citations": [i]} for n, i in enumerate(ids[:4], start=1)
        ],
        "quotes": [] if arabic else [
            {"text": quote, "article": quote_src, "speaker": "an official"}
        ],
    }  # fmt: skip
    arabic_part = {
        "headline": "سوريا تنضم إلى التحالف الدولي ضد داعش بوصفها العضو رقم 90"
        if arabic else "عنوان الخبر بالعربية",
        "summary": "تتناول المصادر الحدث نفسه، وتعرض النقاط أدناه ما تقوله مع الإحالة إليها.",
        "key_points": points if arabic else [
            {"text": f"ما يورده المصدر {n} عن الحدث في جملة واحدة.", "citations": [i]}
            for n, i in enumerate(ids[:4], start=1)
        ],
        "quotes": [{"text": quote, "article": quote_src, "speaker": "مسؤول"}] if arabic else [],
    }  # fmt: skip
    disagreements = []
    if len(ids) > 1:
        disagreements.append({
            "ar": "تختلف المصادر في توصيف الدور المنتظر.",
            "en": "Outlets differ on the role expected.",
            "citations": ids[:2],
        })  # fmt: skip
    return Reply(json.dumps(
        {"ar": arabic_part, "en": english, "disagreements": disagreements}, ensure_ascii=False
    ))  # fmt: skip


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--day", help="a day's articles, e.g. ../shared/data/ant_events_dev.jsonl")
    parser.add_argument("--dpi", type=int, default=70)
    args = parser.parse_args()
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    for missing in [t for t in ("soffice", "pdftoppm", "chromium") if not tool(t)]:
        print(f"note: {missing} not found; its pictures are skipped", file=sys.stderr)

    folders: list[Path] = [run_case("seeds", out, [str(ROOT / "fixtures")], engine="extractive")]

    from briefing_samples import sample_briefing

    sample = out / "sample"
    shutil.rmtree(sample, ignore_errors=True)
    sample.mkdir()
    b = sample_briefing()
    (sample / "sample.md").write_text(md.render(b, Layout()), encoding="utf-8")
    (sample / "sample.html").write_text(html.render(b, Layout()), encoding="utf-8")
    (sample / "sample.json").write_text(render_json.render(b, Layout()), encoding="utf-8")
    (sample / "sample.docx").write_bytes(docx.render(b, Layout()))
    folders.append(sample)

    from fake_openai import FakeOpenAI

    with tempfile.TemporaryDirectory() as tmp, FakeOpenAI(default=answer) as server:
        os.environ["BRIEF_DATA_DIR"] = tmp
        settings = config.load(None, {"base_url": server.base_url})
        folders.append(run_case("seeds-llm", out, [str(ROOT / "fixtures")], settings=settings))
        english = Path(tmp) / "english.jsonl"
        english.write_text(
            "\n".join(
                json.dumps({"id": f"en{i}", "title": t, "text": x, "lang": "en",
                            "source": ["Reuters", "AP", "BBC"][i % 3],
                            "url": f"https://example.com/news/{i}",
                            "published": "2026-02-10"})
                for i, (t, x) in enumerate(ENGLISH)
            ) + "\n", encoding="utf-8",
        )  # fmt: skip
        folders.append(
            run_case(
                "several-llm",
                out,
                [str(ROOT / "fixtures"), str(english)],
                settings=settings,
                top=3,
            )
        )
        folders.append(
            run_case(
                "several-llm-ar",
                out,
                [str(ROOT / "fixtures"), str(english)],
                settings=settings,
                top=2,
                langs=("ar",),
            )
        )
    if args.day:
        folders.append(run_case("day", out, [args.day], engine="extractive"))
        folders.append(run_case("day-top0", out, [args.day], engine="extractive", top=0))
    for folder in folders:
        pages = pictures(folder, args.dpi)
        print(f"{folder.name}: Word pages {pages if pages is not None else '?'} -> {folder}")


if __name__ == "__main__":
    main()
