"""ingest: every input format, and unusable files reported without losing the others."""

from __future__ import annotations

import json
import os
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
