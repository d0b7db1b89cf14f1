"""ingest: every input format, and unusable files reported without losing the others."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest

from briefing.sources.ingest import ingest


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def test_seed_folder_reads_five_arabic_articles(seeds_dir: Path) -> None:
    result = ingest([seeds_dir])
    assert len(result.articles) == 5
    assert result.problems == ()
    assert [Path(i.path).name for i in result.inputs] == sorted(p.name for p in seeds_dir.iterdir())
    assert all(len(i.sha256) == 64 and i.articles == 1 for i in result.inputs)
    first = result.articles[0]
    assert first.title.startswith("باراك: مشاركة سوريا")
    assert first.id.startswith("a-") and len(first.id) == 14


def test_txt_first_line_is_title_and_leaves_body(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "\n\nShort headline\nBody sentence one. Body two.\n")
    (article,) = ingest([f]).articles
    assert article.title == "Short headline"
    assert article.text == "Body sentence one. Body two."
    assert article.origin == str(f)


def test_txt_lede_as_first_line_stays_in_body(tmp_path: Path) -> None:
    lede = (
        "The coalition met in Riyadh on Monday and welcomed Syria as its ninetieth member, "
        "officials said."
    )
    f = write(tmp_path / "a.txt", f"{lede}\nSecond paragraph here.\n")
    (article,) = ingest([f]).articles
    assert article.title == lede
    assert article.text.startswith(lede)


def test_md_front_matter_sets_metadata(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.md",
        "---\ntitle: From front matter\nsource: Reuters\nurl: https://example.org/x\n"
        "published: 2026-02-10\nlang: en\nauthor: ignored\n---\nThe body line.\n",
    )
    (article,) = ingest([f]).articles
    assert (article.title, article.source, article.url, article.published, article.lang) == (
        "From front matter",
        "Reuters",
        "https://example.org/x",
        "2026-02-10",
        "en",
    )
    assert article.text == "The body line."


def test_front_matter_arabic_date_is_parsed(tmp_path: Path) -> None:
    f = write(tmp_path / "a.md", "---\npublished: ١٠ شباط ٢٠٢٦\n---\nعنوان\nنص الخبر.\n")
    (article,) = ingest([f]).articles
    assert article.published == "2026-02-10"


def test_bad_front_matter_names_file(tmp_path: Path) -> None:
    bad = write(tmp_path / "bad.md", "---\ntitle: [unclosed\n---\nbody\n")
    good = write(tmp_path / "good.txt", "Title\nBody.\n")
    result = ingest([bad, good])
    assert [a.title for a in result.articles] == ["Title"]
    (problem,) = result.problems
    assert problem.where == str(bad) and "YAML" in problem.message


@pytest.mark.parametrize(
    "payload, count",
    [
        ({"id": "x1", "title": "T", "text": "Body."}, 1),
        ([{"id": "x1", "title": "T", "text": "B."}, {"id": "x2", "title": "U", "text": "C."}], 2),
        ({"articles": [{"title": "T", "body": "aliased body"}]}, 1),
    ],
)
def test_json_shapes(tmp_path: Path, payload: object, count: int) -> None:
    f = write(tmp_path / "a.json", json.dumps(payload, ensure_ascii=False))
    result = ingest([f])
    assert len(result.articles) == count and result.problems == ()


def test_json_keeps_given_ids_and_fields(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.json",
        json.dumps(
            {
                "id": 42,
                "title": "T",
                "text": "Body.",
                "outlet": "BBC",
                "link": "https://b",
                "published": "2026-02-10T08:30:00+03:00",
                "language": "English",
            }
        ),
    )
    (a,) = ingest([f]).articles
    assert (a.id, a.source, a.url, a.published, a.lang) == (
        "42",
        "BBC",
        "https://b",
        "2026-02-10T08:30:00+03:00",
        "en",
    )
    assert a.published_date == "2026-02-10"


def test_jsonl_bad_line_is_reported_with_line_number(tmp_path: Path) -> None:
    f = write(
        tmp_path / "a.jsonl",
        '{"id": "1", "title": "One", "text": "First."}\n{not json\n\n'
        '{"id": "3", "title": "Three", "text": "Third."}\n{"id": "4", "title": 5}\n',
    )
    result = ingest([f])
    assert [a.id for a in result.articles] == ["1", "3"]
    assert [p.where for p in result.problems] == [f"{f}:2", f"{f}:5"]
    assert "title" in result.problems[1].message
    assert result.inputs[0].articles == 2


def test_record_without_text_is_a_problem(tmp_path: Path) -> None:
    f = write(tmp_path / "a.jsonl", '{"id": "1"}\n{"id": "2", "text": "ok body"}\n')
    result = ingest([f])
    assert [a.id for a in result.articles] == ["2"]
    assert result.problems[0].where == f"{f}:1" and "text" in result.problems[0].message


def test_stable_hash_id_is_content_based_and_a_repeat_is_read_once(tmp_path: Path) -> None:
    a = write(tmp_path / "one" / "a.txt", "Title\nSame body.\n")
    b = write(tmp_path / "two" / "b.txt", "Title\nSame  body.\n")
    c = write(tmp_path / "three" / "c.txt", "Title\nOther body.\n")
    result = ingest([a, b, c])
    ids = [x.id for x in result.articles]
    assert len(ids) == 2 and ids[0] != ids[1]  # the same text twice is the same article
    assert ingest([a]).articles[0].id == ids[0]  # the same on every run and machine
    assert result.problems[0].where == str(b) and "already read" in result.problems[0].message


def test_duplicate_ids_are_made_unique_and_reported(tmp_path: Path) -> None:
    f = write(tmp_path / "a.jsonl", '{"id": "x", "text": "one"}\n{"id": "x", "text": "two"}\n')
    result = ingest([f])
    assert [a.id for a in result.articles] == ["x", "x~2"]
    assert "x~2" in result.problems[0].message and "different article" in result.problems[0].message


def test_unknown_extension_and_unreadable_file_do_not_stop_others(tmp_path: Path) -> None:
    write(tmp_path / "good.txt", "Good title\nGood body.\n")
    write(tmp_path / "image.png", b"\x89PNG\r\n")
    secret = write(tmp_path / "secret.txt", "Secret\nbody\n")
    write(tmp_path / "binary.txt", b"abc\x00\x01\x02")
    write(tmp_path / "empty.md", "   \n")
    write(tmp_path / ".hidden" / "skip.txt", "Hidden\nbody\n")
    os.chmod(secret, 0)
    try:
        result = ingest([tmp_path])
    finally:
        os.chmod(secret, 0o644)
    assert [a.title for a in result.articles][:1] == ["Good title"]
    messages = {Path(p.where).name: p.message for p in result.problems}
    assert "unsupported file type '.png'" in messages["image.png"]
    assert "binary" in messages["binary.txt"]
    assert "empty" in messages["empty.md"]
    if os.geteuid() != 0:  # root can read a 000 file
        assert "permission" in messages["secret.txt"]
    assert "skip.txt" not in messages and all("Hidden" != a.title for a in result.articles)


def test_missing_path_is_an_error_problem(tmp_path: Path) -> None:
    result = ingest([tmp_path / "nope"])
    assert result.articles == ()
    assert result.problems[0].severity == "error" and "does not exist" in result.problems[0].message


def test_windows_1256_arabic_is_decoded_with_a_warning(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "عنوان الخبر\nنص الخبر هنا.\n".encode("cp1256"))
    result = ingest([f])
    assert result.articles[0].title == "عنوان الخبر"
    assert "Windows-1256" in result.problems[0].message


def test_utf8_bom_is_ignored(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "\ufeffTitle\nBody.\n".encode())
    assert ingest([f]).articles[0].title == "Title"


def test_gzipped_jsonl_is_read(tmp_path: Path) -> None:
    import gzip

    f = tmp_path / "a.jsonl.gz"
    f.write_bytes(gzip.compress(b'{"id": "g1", "title": "T", "text": "Body."}\n'))
    broken = write(tmp_path / "b.json.gz", b"not gzip at all")
    result = ingest([f, broken])
    assert [a.id for a in result.articles] == ["g1"]
    assert "gzip" in result.problems[0].message and result.problems[0].where == str(broken)


def test_random_bytes_are_not_read_as_arabic(tmp_path: Path) -> None:
    import random

    rng = random.Random(7)  # Arabic letters in cp1256, among control bytes: binary, not text
    pool = list(range(0xC1, 0xDB)) + list(range(1, 9)) + list(range(14, 32))
    noise = bytes(rng.choice(pool) for _ in range(4000))
    f = write(tmp_path / "noise.txt", noise)
    result = ingest([f])
    assert result.articles == () and "UTF-8" in result.problems[0].message


@pytest.mark.parametrize(
    "name, content, message",
    [
        ("trunc16.txt", b"\xff\xfe" + "عنوان".encode("utf-16-le") + b"\x41", "UTF-16"),
        ("deep.json", b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    ],
)
def test_malformed_files_are_problems_not_crashes(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    bad = write(tmp_path / name, content)
    good = write(tmp_path / "good.txt", "Title\nBody.\n")
    result = ingest([bad, good])
    assert [a.title for a in result.articles] == ["Title"]
    assert result.problems[0].where == str(bad) and message in result.problems[0].message


def test_gzip_that_unpacks_too_large_is_refused(tmp_path: Path, monkeypatch) -> None:
    import gzip

    from briefing.sources import ingest as ingest_module

    monkeypatch.setattr(ingest_module, "MAX_FILE_BYTES", 1000)
    f = write(tmp_path / "bomb.json.gz", gzip.compress(b" " * 100_000))
    assert "unpacks to more than" in ingest([f]).problems[0].message


def test_compact_iso_date_is_normalised(tmp_path: Path) -> None:
    f = write(tmp_path / "a.json", '{"title": "T", "text": "B.", "published": "20260210"}')
    assert ingest([f]).articles[0].published == "2026-02-10"


def test_unreadable_published_date_is_a_problem_and_left_empty(tmp_path: Path) -> None:
    f = write(tmp_path / "a.jsonl", '{"id": "1", "text": "Body.", "published": "last Tuesday"}\n')
    result = ingest([f])
    assert result.articles[0].published is None
    assert result.problems[0].where == f"{f}:1" and "YYYY-MM-DD" in result.problems[0].message


# --- decoding, honestly and per file ----------------------------------------------------

ARABIC = "السعودية تستضيف اجتماع التحالف الدولي لهزيمة داعش في الرياض.\n" * 20


def test_utf8_with_a_few_bad_bytes_stays_utf8_and_names_the_offsets(tmp_path: Path) -> None:
    data = ("عنوان الخبر\n" + ARABIC).encode()
    broken = data[:100] + b"\xff" + data[100:500] + b"\xc3\x28" + data[500:]
    f = write(tmp_path / "a.txt", broken)
    result = ingest([f])
    (article,) = result.articles
    assert article.title == "عنوان الخبر"
    assert "تستضيف اجتماع التحالف" in article.text and "\ufffd" in article.text
    assert "ط£" not in article.text  # no Windows-1256 mojibake
    (problem,) = result.problems
    assert "UTF-8" in problem.message and "100" in problem.message and "501" in problem.message


@pytest.mark.parametrize("encoding", ["utf-16-le", "utf-16-be"])
@pytest.mark.parametrize(
    "text", ["عنوان الخبر\n" + ARABIC, "A headline\n" + "Plain English text. " * 50]
)
def test_utf16_without_bom_is_detected(tmp_path: Path, encoding: str, text: str) -> None:
    f = write(tmp_path / "a.txt", text.encode(encoding))
    result = ingest([f])
    (article,) = result.articles
    assert article.title == text.splitlines()[0]
    assert "UTF-16" in result.problems[0].message


def test_western_legacy_text_is_read_as_windows_1252(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", "Café “news”\nThe résumé was sent — twice.\n".encode("cp1252"))
    result = ingest([f])
    assert result.articles[0].title == "Café “news”"
    assert "Windows-1252" in result.problems[0].message


def test_a_legacy_code_page_is_not_used_when_it_reads_garbage(tmp_path: Path) -> None:
    f = write(tmp_path / "a.txt", bytes(range(0x80, 0x100)) * 20)
    result = ingest([f])
    assert result.articles == () and "not UTF-8" in result.problems[0].message


# --- paths ------------------------------------------------------------------------------


def test_every_path_problem_is_named_and_the_rest_is_read(tmp_path: Path) -> None:
    good = write(tmp_path / "in" / "good.txt", "Good title\nGood body.\n")
    os.mkfifo(tmp_path / "in" / "pipe.txt")
    (tmp_path / "in" / "loop.txt").symlink_to("loop.txt")
    (tmp_path / "in" / "broken.txt").symlink_to("nowhere.txt")
    (tmp_path / "in" / "again").symlink_to(tmp_path / "in")
    result = ingest([tmp_path / "in", tmp_path / "missing.txt", "/dev/null", good])
    assert [a.title for a in result.articles] == ["Good title"]
    messages = {Path(p.where).name: p.message for p in result.problems}
    assert "named pipe" in messages["pipe.txt"]
    assert "loop" in messages["loop.txt"]
    assert "broken symbolic link" in messages["broken.txt"]
    assert "already being read" in messages["again"]
    assert "does not exist" in messages["missing.txt"]
    assert "device" in messages["null"]
    assert "already read" in messages["good.txt"]


def test_unreadable_folder_and_file_are_warnings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Simulated in-process (root reads anything); test_hostile runs the real thing."""
    write(tmp_path / "in" / "good.txt", "Good title\nGood body.\n")
    secret = write(tmp_path / "in" / "secret.txt", "Secret\nbody\n")
    write(tmp_path / "in" / "locked" / "inner.txt", "Inner\nbody\n")
    real_open, real_scandir = open, os.scandir

    def guarded_open(file, *args, **kwargs):  # type: ignore[no-untyped-def]
        if str(file) == str(secret):
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    def guarded_scandir(path):  # type: ignore[no-untyped-def]
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr("builtins.open", guarded_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)
    result = ingest([tmp_path / "in"])
    assert [a.title for a in result.articles] == ["Good title"]
    messages = {Path(p.where).name: p.message for p in result.problems}
    assert "permission denied" in messages["secret.txt"]
    assert "folder that cannot be read" in messages["locked"]


def test_control_and_bidi_characters_in_names_are_made_visible(tmp_path: Path) -> None:
    f = write(tmp_path / "evil\nbrief: error: forged\u202e.txt", "Title\nBody.\n")
    (article,) = ingest([f]).articles
    assert "\n" not in article.origin and "\u202e" not in article.origin
    assert article.origin.endswith("evil\\nbrief: error: forged\\u202e.txt")


# --- own outputs ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, content",
    [
        ("briefing-2026-02-10.json", '{\n  "schema": "brief.briefing/1",\n  "stories": []\n}'),
        ("briefing-2026-02-10.md", "# Briefing\n\n## Provenance\n- **Tool version:** 0.1.0\n"
         "- **Engine:** extractive 1\n"),
        ("briefing-2026-02-10.html", "<html><h2>Provenance</h2><td>Tool version</td>"
         "<td>0.1.0</td><td>Engine</td></html>"),
    ],
)  # fmt: skip
def test_own_briefings_are_skipped_unless_asked(tmp_path: Path, name: str, content: str) -> None:
    own = write(tmp_path / name, content)
    write(tmp_path / "good.txt", "Good title\nGood body.\n")
    result = ingest([tmp_path])
    assert [a.title for a in result.articles] == ["Good title"]
    assert any(p.where == str(own) and "brief wrote" in p.message for p in result.problems)
    included = ingest([tmp_path], include_briefings=True)
    assert not any("brief wrote" in p.message for p in included.problems)


def test_a_file_merely_named_like_a_briefing_is_read(tmp_path: Path) -> None:
    f = write(tmp_path / "briefing-2026-02-10.md", "Someone else's briefing\nIts body.\n")
    assert [a.title for a in ingest([f]).articles] == ["Someone else's briefing"]


# --- JSONL, streamed ---------------------------------------------------------------------


def test_jsonl_has_no_file_size_limit_only_a_line_limit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.sources import ingest as ingest_module

    monkeypatch.setattr(ingest_module, "MAX_FILE_BYTES", 2000)
    lines = [
        json.dumps({"id": f"n{i}", "title": f"T{i}", "text": f"Body {i}."}) for i in range(200)
    ]
    lines.insert(50, json.dumps({"id": "big", "text": "x " * 5000}))
    f = write(tmp_path / "a.jsonl", "\n".join(lines) + "\n")
    result = ingest([f])
    assert len(result.articles) == 200
    assert result.problems[0].where == f"{f}:51" and "limit" in result.problems[0].message
    assert result.inputs[0].sha256 == __import__("hashlib").sha256(f.read_bytes()).hexdigest()


def test_jsonl_bad_bytes_keep_the_line_and_name_the_offset(tmp_path: Path) -> None:
    good = json.dumps({"id": "1", "text": "نص الخبر هنا"}, ensure_ascii=False).encode()
    bad = b'{"id": "2", "text": "\xd9\x86\xff\xd8\xb5"}'
    f = write(tmp_path / "a.jsonl", good + b"\n" + bad + b"\n")
    result = ingest([f])
    assert [a.id for a in result.articles] == ["1", "2"]
    assert "\ufffd" in result.articles[1].text
    offset = len(good) + 1 + bad.index(b"\xff")
    assert str(offset) in result.problems[0].message and "line(s) 2" in result.problems[0].message


def test_truncated_gzip_jsonl_keeps_the_lines_before(tmp_path: Path) -> None:
    import gzip

    lines = "".join(
        json.dumps({"id": f"n{i}", "text": f"Body {i} " * 50}) + "\n" for i in range(300)
    )
    data = gzip.compress(lines.encode())
    f = write(tmp_path / "a.jsonl.gz", data[: len(data) // 2])
    result = ingest([f])
    assert 0 < len(result.articles) < 300
    assert "could be read only up to line" in result.problems[-1].message


def test_many_records_sharing_one_id_are_numbered_in_order(tmp_path: Path) -> None:
    lines = [json.dumps({"id": "x", "text": f"Body {i}."}) for i in range(2000)]
    f = write(tmp_path / "a.jsonl", "\n".join(lines))
    ids = [a.id for a in ingest([f]).articles]
    assert ids[:3] == ["x", "x~2", "x~3"] and ids[-1] == "x~2000" and len(set(ids)) == 2000


def test_article_fields_are_masked_and_cleaned_at_ingest(tmp_path: Path) -> None:
    key = "sk-proj-" + "Ab3dEf5GhIj7KlMn9OpQr1StUv3WxYz5"
    record = {
        "id": "e1",
        "title": "Evil\u202e title\nsecond line",
        "text": f"The leaked key {key} was posted.\u2066",
        "source": "Outlet\u200b",
        "url": "javascript://%0Aalert(document.domain)",
    }
    f = write(tmp_path / "a.json", json.dumps(record))
    result = ingest([f])
    (article,) = result.articles
    assert article.title == "Evil title second line"
    assert key not in article.text and "sk-***" in article.text and "\u2066" not in article.text
    assert article.source == "Outlet" and article.url is None
    assert "not a web address" in result.problems[0].message


@pytest.mark.parametrize("seed", range(5))
def test_content_ids_do_not_depend_on_how_a_long_text_is_cut(
    seed: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The content hash is computed piecewise (bounded memory); it must equal the hash of
    the whole normalised text, which ids have always been."""
    import hashlib
    import random

    from briefing.sources import ingest as ingest_module
    from briefing.text import normalize

    rng = random.Random(seed)
    alphabet = list("abc ABC\n\t  ١٢٣أإآىةؤئ\u064b\u0640ﻻ\u00a0ß.,")
    monkeypatch.setattr(ingest_module, "_CHUNK", 7)
    for _ in range(300):
        text = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
        whole = hashlib.sha256(f"{normalize('T')}\n{normalize(text)}".encode()).hexdigest()
        ingest_module._content_digest.cache_clear()
        assert ingest_module._content_digest("T", text) == whole


def test_a_gzip_bomb_is_stopped_keeping_the_lines_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import zlib

    from briefing.sources import ingest as ingest_module

    monkeypatch.setattr(ingest_module, "_RATIO_FLOOR", 4 << 20)  # 256 MiB: a slow test
    packer = zlib.compressobj(9, zlib.DEFLATED, 31)
    f = tmp_path / "bomb.jsonl.gz"
    with open(f, "wb") as handle:
        handle.write(packer.compress(b'{"id": "1", "text": "A body."}\n'))
        for _ in range(60):  # 60 MiB of spaces, about 60 KB packed
            handle.write(packer.compress(b" " * (1 << 20)))
        handle.write(packer.flush())
    result = ingest([f])
    assert [a.id for a in result.articles] == ["1"]
    assert "gzip bomb" in result.problems[-1].message and "line 2" in result.problems[-1].message


@pytest.mark.parametrize(
    "name, content",
    [
        ("big.json", '{"id": ' + "1" * 5000 + ', "text": "x"}'),
        ("big.jsonl", '{"id": ' + "1" * 5000 + ', "text": "x"}\n'),
    ],
)
def test_numbers_too_long_to_convert_are_problems(tmp_path: Path, name: str, content: str) -> None:
    bad = write(tmp_path / name, content)
    write(tmp_path / "good.txt", "Title\nBody.\n")
    result = ingest([tmp_path])
    assert [a.title for a in result.articles] == ["Title"]
    assert result.problems[0].where.startswith(str(bad)) and "JSON" in result.problems[0].message


@pytest.mark.parametrize(
    "given, lang",
    [("ar", "ar"), ("en-US", "en"), ("Arabic", "ar"), ("fra", "fra"),
     ('en" onload="alert(1)', "und"), ("<b>en</b>", "und"), ("12", "und")],
)  # fmt: skip
def test_only_a_language_code_is_kept_as_the_language(
    tmp_path: Path, given: str, lang: str
) -> None:
    f = write(tmp_path / "a.json", json.dumps({"text": "Body text.", "lang": given}))
    assert ingest([f]).articles[0].lang == lang


def test_a_parser_library_crashing_on_one_file_loses_only_that_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from briefing.sources import web

    class ParserBug(Exception):
        pass

    def crash(data: bytes) -> dict:
        raise ParserBug("lxml said no")

    monkeypatch.setattr(web, "parse_page", crash)
    page = write(tmp_path / "page.html", "<html><body><p>text</p></body></html>")
    write(tmp_path / "good.txt", "Title\nBody.\n")
    result = ingest([tmp_path])
    assert [a.title for a in result.articles] == ["Title"]
    assert result.problems[0].where == str(page)
    assert "ParserBug: lxml said no" in result.problems[0].message


# --- the body is stripped by hand, as pydantic would have ----------------------------------


def _by_pydantic(raw: dict) -> object:
    """What ``_record`` gave when pydantic validated every field: the record, or the
    message of the first error."""
    from pydantic import ValidationError

    from briefing.sources.ingest import _ALIASES, ArticleRecord

    data = {_ALIASES.get(k, k): v for k, v in raw.items()}
    try:
        return ArticleRecord.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        return f"field '{'.'.join(map(str, first['loc']))}': {first['msg']}."


def _by_record(raw: dict) -> object:
    from briefing.errors import ArticleError
    from briefing.sources.ingest import _record

    try:
        return _record(raw, "x")
    except ArticleError as exc:
        return exc.problem


_SPACES = [
    chr(cp)
    for cp in range(0x3001)
    if chr(cp).isspace() or unicodedata.category(chr(cp))[0] in "ZC"
    if not 0xD800 <= cp <= 0xDFFF
]


@pytest.mark.parametrize(
    "raw",
    [
        {"text": "  body  "},
        {"text": "\x1c body \x1f"},  # str.strip() would take these, pydantic does not
        {"text": "\u3000\u2028 نص \xa0\u200b"},
        {"text": ""},
        {"text": " \n "},
        {"text": "a\ud83db"},  # a lone surrogate: pydantic's error
        {"text": "a\ud83db", "title": ["x"]},  # the first error stays the first
        {"text": "body", "title": ["x"]},
        {"text": "a\udcff", "lang": 3},
        {"text": 42},
        {"text": None, "title": " t "},
        {"body": " b ", "text": " t "},
        {"id": 7, "text": " x ", "published": True},
    ],
)
def test_a_record_is_what_pydantic_alone_made(raw: dict) -> None:
    assert repr(_by_record(raw)) == repr(_by_pydantic(raw))


def test_the_body_is_stripped_of_what_pydantic_strips() -> None:
    """Every space, separator and control character below U+3001, at either end."""
    for c in _SPACES:
        raw = {"text": f"{c}{c}a{c}b{c}"}
        assert repr(_by_record(raw)) == repr(_by_pydantic(raw)), hex(ord(c))
