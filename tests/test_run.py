"""`brief run`, `brief fetch`, `brief make --since` and `brief config check`, against
feeds and pages served on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from feed_server import FeedServer, Reply, page, rss, seed_items

from briefing import config
from briefing.pipeline import MakeOptions
from briefing.pipeline import daily as daily_run

ENGLISH = [
    "The central bank raised its main interest rate by half a point on Tuesday, citing "
    "inflation that has stayed above its target for a year.",
    "The governor said further increases were possible if prices kept rising, and that the "
    "bank would watch wages and energy costs closely in the coming months.",
    "Markets had expected the move; the currency rose slightly after the announcement and "
    "bond yields climbed to their highest level since the spring.",
]


def brief(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "briefing.cli", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
    )


class Site:
    """A news site on 127.0.0.1: an abstract-only RSS feed of the seed articles (as many
    as ``publish`` says) and their pages; each change of the feed gets a new ETag."""

    def __init__(self, server: FeedServer, seeds: Path) -> None:
        self.server = server
        self.items = seed_items(seeds, server.url("").rstrip("/"), server)
        self.version = 0

    def publish(self, items: list[dict[str, str]]) -> None:
        self.version += 1
        self.server.route(
            "/rss.xml", Reply(rss(items, title="الإخبارية"), "application/rss+xml",
                              etag=f'"v{self.version}"')
        )  # fmt: skip

    @property
    def feed(self) -> str:
        return self.server.url("/rss.xml")


@pytest.fixture
def site(seeds_dir):
    with FeedServer() as server:
        yield Site(server, seeds_dir)


def write_config(folder: Path, feeds: list[str], extra: str = "") -> Path:
    listed = ", ".join(json.dumps(f) for f in feeds)
    path = folder / "brief.toml"
    head = 'output = "out"\nformats = ["md", "docx", "json"]\n'
    path.write_text(f"{head}{extra}\n[sources]\nfeeds = [{listed}]\n", encoding="utf-8")
    return path


def run_once(path: Path, **options) -> daily_run.RunResult:
    settings = config.load(str(path))
    out = str(path.parent / settings.output)
    settings = settings.model_copy(update={"output": out})
    make = MakeOptions(paths=(), out_dir=out, formats=tuple(settings.formats), settings=settings)
    return daily_run.run(settings, daily_run.RunOptions(options=make, **options))


def status(folder: Path) -> dict:
    return json.loads((folder / "out" / "status.json").read_text(encoding="utf-8"))


def test_two_runs_the_second_refetches_nothing_and_writes_nothing(site, tmp_path):
    site.publish(site.items)
    first = brief("run", "--config", str(write_config(tmp_path, [site.feed])), cwd=tmp_path)
    assert first.returncode == 0, first.stderr
    written = [Path(p) for p in first.stdout.split()]
    assert [p.suffix for p in written] == [".md", ".docx", ".json"]
    out = tmp_path / "out"
    for fmt in ("md", "docx", "json"):
        assert (out / f"briefing-latest.{fmt}").read_bytes() == (out / written[0].with_suffix(
            f".{fmt}").name).read_bytes()  # fmt: skip
    s = status(tmp_path)
    assert s["outcome"] == "written" and s["exit_code"] == 0
    assert s["counts"]["pages_fetched"] == 5 and s["counts"]["articles_new"] == 5
    assert s["counts"]["stories"] == 1 and s["briefing"].endswith(".docx")
    before = sorted(p.name for p in out.iterdir())
    requests = len(site.server.requests)

    second = brief("run", "--config", str(tmp_path / "brief.toml"), cwd=tmp_path)
    assert second.returncode == 0, second.stderr
    assert second.stdout == "" and "Nothing new" in second.stderr
    assert sorted(p.name for p in out.iterdir()) == before
    assert len(site.server.requests) == requests + 1  # the feed, answered 304
    s = status(tmp_path)
    assert s["outcome"] == "nothing-new" and s["counts"]["feeds_not_modified"] == 1
    assert s["counts"]["pages_fetched"] == 0 and s["briefing"] == str(written[1])


def test_a_continuing_story_is_an_update_and_a_told_story_is_not_repeated(site, tmp_path):
    path = write_config(tmp_path, [site.feed])
    site.publish(site.items[:3])
    first = run_once(path)
    assert first.status.outcome == "written" and len(first.briefing.stories) == 1
    told = {a.id for a in first.briefing.stories[0].story.articles}
    headline = first.briefing.stories[0].sections[0].headline.text

    site.publish(site.items)  # two more articles on the same story
    second = run_once(path)
    assert second.status.outcome == "written"
    (story,) = second.briefing.stories
    assert story.update is not None
    assert story.update.previous_headline == headline
    assert len(story.update.new_article_ids) == 2 and not told & set(story.update.new_article_ids)
    assert second.status.counts["stories_updated"] == 1

    english = site.server.route("/news/en.html", Reply(page("Bank raises rates", ENGLISH, "en")))
    site.publish(
        site.items
        + [
            {
                "title": "Central bank raises rates",
                "link": english,
                "description": "The bank raised rates.",
                "guid": english,
            }
        ]
    )
    third = run_once(path)
    (only,) = third.briefing.stories  # the Arabic story had nothing new: left out
    assert [a.url for a in only.story.articles] == [english] and only.update is None
    assert third.status.counts["stories_repeated_left_out"] == 1


def test_a_feed_repeating_yesterdays_items_brings_only_the_new_one(site, tmp_path):
    path = write_config(tmp_path, [site.feed])
    site.publish(site.items[:4])
    run_once(path)
    site.publish(site.items)  # the same four again, plus one
    second = run_once(path)
    assert second.status.counts["articles_new"] == 1
    assert second.status.counts["articles_unchanged"] == 4
    assert second.collected.pages_fetched == 1


def test_a_failed_run_leaves_latest_and_says_why(site, tmp_path):
    site.publish(site.items)
    path = write_config(tmp_path, [site.feed])
    assert brief("run", "--config", str(path), cwd=tmp_path).returncode == 0
    latest = (tmp_path / "out" / "briefing-latest.docx").read_bytes()
    write_config(tmp_path, [site.server.url("/gone.xml")])
    failed = brief("run", "--config", str(path), cwd=tmp_path)
    assert failed.returncode == 1
    assert "gone.xml" in failed.stderr and "Every source failed" in failed.stderr
    assert (tmp_path / "out" / "briefing-latest.docx").read_bytes() == latest
    s = status(tmp_path)
    assert s["outcome"] == "error" and s["exit_code"] == 1 and not s["ok"]
    assert s["failures"][0]["where"].endswith("gone.xml")


def test_one_bad_feed_never_stops_the_others(site, tmp_path):
    site.publish(site.items)
    server = site.server
    server.route("/broken.xml", Reply(b"<html>not a feed</html>", "text/html"))
    feeds = [server.url("/broken.xml"), server.url("/missing.xml"), site.feed]
    done = brief("run", "--config", str(write_config(tmp_path, feeds)), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "broken.xml" in done.stderr and "missing.xml: HTTP 404" in done.stderr
    s = status(tmp_path)
    assert s["counts"]["feeds_failed"] == 2 and s["counts"]["feeds_ok"] == 1
    assert {f["where"] for f in s["failures"] if f["severity"] == "error"} == {
        f"feed {server.url('/broken.xml')}",
        f"feed {server.url('/missing.xml')}",
    }


def test_a_run_holding_the_lock_makes_the_second_exit_1_naming_it(site, tmp_path):
    site.publish(site.items)
    path = write_config(tmp_path, [site.feed])
    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from pathlib import Path; "
         "from briefing.daily.lock import hold\n"
         "with hold(Path(sys.argv[1]), 'brief run'):\n print('held', flush=True); time.sleep(30)",
         str(tmp_path / "out")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        assert holder.stdout.readline().strip() == "held"
        second = brief("run", "--config", str(path), cwd=tmp_path)
    finally:
        holder.kill()
        holder.wait()
    assert second.returncode == 1
    assert f"pid {holder.pid}" in second.stderr and "brief run" in second.stderr
    assert not (tmp_path / "out" / "status.json").exists()


def test_two_runs_started_together_leave_one_good_briefing(site, tmp_path):
    site.publish(site.items)
    path = write_config(tmp_path, [site.feed])
    runs = [
        subprocess.Popen([sys.executable, "-m", "briefing.cli", "run", "--config", str(path)],
                         cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]  # fmt: skip
    results = [(r.wait(120), r.stderr.read()) for r in runs]
    for r in runs:
        r.stdout.close()
        r.stderr.close()
    codes = sorted(code for code, _ in results)
    assert codes in ([0, 0], [0, 1]), results
    if codes == [0, 1]:
        assert any("in use by" in err for code, err in results if code == 1)
    s = status(tmp_path)  # valid JSON, from a run that finished
    assert s["outcome"] in ("written", "nothing-new")
    briefings = sorted((tmp_path / "out").glob("briefing-2*.json"))
    assert len(briefings) == 1
    json.loads(briefings[0].read_text(encoding="utf-8"))


def test_since_overrides_the_last_run(site, tmp_path):
    site.publish(site.items)
    path = write_config(tmp_path, [site.feed])
    run_once(path)
    again = run_once(path, since="24h")
    assert again.status.outcome in ("written", "nothing-new")
    assert again.status.counts["articles_briefed"] == 5


def test_fetch_then_make_since(site, tmp_path):
    site.publish(site.items)
    path = write_config(tmp_path, [site.feed])
    fetched = brief("fetch", "--config", str(path), cwd=tmp_path)
    assert fetched.returncode == 0, fetched.stderr
    assert "5 new" in fetched.stderr and "5 pages fetched" in fetched.stderr
    made = brief("make", "--since", "24h", "--config", str(path), "-o", "-", "--format", "json",
                 cwd=tmp_path)  # fmt: skip
    assert made.returncode == 0, made.stderr
    briefing = json.loads(made.stdout)
    assert len(briefing["stories"]) == 1 and len(briefing["sources"]) == 5
    none = brief("make", "--since", "2999-01-01", "--config", str(path), cwd=tmp_path)
    assert none.returncode == 1 and "no article first seen since" in none.stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("make",), "Give PATHS"),
        (("make", "fixtures", "--since", "24h"), "not both"),
        (("make", "--since", "yesterday"), "neither a span nor a date"),
    ],
)
def test_make_since_usage(tmp_path, args, message):
    done = brief(*args, cwd=tmp_path)
    assert done.returncode in (1, 2) and message in done.stderr


def test_folders_are_collected_too(tmp_path, seeds_dir):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for path in sorted(seeds_dir.glob("*.txt"))[:2]:
        (inbox / path.name).write_bytes(path.read_bytes())
    (tmp_path / "brief.toml").write_text('output = "out"\n[sources]\nfolders = ["inbox"]\n')
    first = run_once(tmp_path / "brief.toml")
    assert first.status.counts["articles_new"] == 2 and first.status.outcome == "written"
    second = run_once(tmp_path / "brief.toml")
    assert second.status.outcome == "nothing-new"  # the folder is not briefed again


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        ("[deliver]\nsmtp_password = 'x'\n", "'deliver.smtp_password'"),
        ("[sources]\nfeedz = []\n", "sources.feedz"),
        ("[sources]\nfeeds = [{url = 'https://a/rss', name = 'A', langue = 'ar'}]\n", "langue"),
        ("[sources]\nfeeds = ['ftp://a/rss']\n", "not an http(s) URL"),
        ("[sources]\nopml = 'missing.opml'\n", "missing.opml"),
        ("keep_days = 0\n", "keep_days"),
        ("[deliver]\nemail_to = ['a@b.org']\n", "email_from"),
        ("[deliver]\nsmtp_port = 'x'\n", "smtp_port"),
    ],
)
def test_config_check_names_the_bad_key(tmp_path, toml, message):
    (tmp_path / "brief.toml").write_text(toml)
    done = brief("config", "check", cwd=tmp_path)
    assert done.returncode == 1 and message in done.stderr
    assert "Traceback" not in done.stderr


def test_config_check_says_what_is_set_up(tmp_path):
    (tmp_path / "feeds.opml").write_text(
        '<opml><body><outline text="A" xmlUrl="https://a.example/rss"/></body></opml>'
    )
    (tmp_path / "brief.toml").write_text(
        "keep_days = 7\n[sources]\nfeeds = ['https://b.example/rss', "
        "{url = 'https://c.example/atom', name = 'C', lang = 'ar'}]\nopml = 'feeds.opml'\n"
        "[deliver]\nemail_to = ['desk@example.org']\nemail_from = 'b@example.org'\n"
        "smtp_host = 'smtp.example.org'\nsmtp_user = 'briefing'\n"
    )
    done = brief("config", "check", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "feeds: 3" in done.stdout and "keep_days = 7" in done.stdout
    assert "smtp.example.org:587" in done.stdout and "BRIEF_SMTP_PASSWORD" in done.stdout


def test_llm_calls_are_counted_and_a_second_run_makes_none(site, tmp_path, monkeypatch):
    from fake_openai import FakeOpenAI
    from llm_answers import answering

    site.publish(site.items)
    path = write_config(tmp_path, [site.feed])
    with FakeOpenAI(default=answering) as llm:
        monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
        first = run_once(path)
        calls = len(llm.requests)
        second = run_once(path)
    assert first.status.outcome == "written" and first.briefing.provenance.engine == "llm"
    assert first.status.counts["llm_calls"] == calls >= 1
    assert second.status.outcome == "nothing-new" and second.status.counts["llm_calls"] == 0
    assert len(llm.requests) == calls


def test_every_story_failing_exits_3_and_leaves_latest(site, tmp_path, monkeypatch):
    from fake_openai import FakeOpenAI, Reply

    site.publish(site.items[:3])
    path = write_config(tmp_path, [site.feed])
    assert brief("run", "--config", str(path), cwd=tmp_path).returncode == 0  # extractive
    latest = (tmp_path / "out" / "briefing-latest.json").read_bytes()
    site.publish(site.items)
    with FakeOpenAI(default=Reply("this is not JSON")) as llm:
        monkeypatch.setenv("OPENAI_BASE_URL", llm.base_url)
        failed = brief("run", "--config", str(path), cwd=tmp_path)
    assert failed.returncode == 3, failed.stderr
    assert (tmp_path / "out" / "briefing-latest.json").read_bytes() == latest
    s = status(tmp_path)
    assert s["outcome"] == "all-stories-failed" and s["exit_code"] == 3
    assert s["counts"]["stories_failed"] == s["counts"]["stories"] == 1
    monkeypatch.delenv("OPENAI_BASE_URL")
    again = brief("run", "--config", str(path), cwd=tmp_path)  # the failed run is not "done"
    assert again.returncode == 0 and status(tmp_path)["counts"]["articles_briefed"] == 2


def test_feeds_from_an_opml_list_are_fetched(site, tmp_path):
    site.publish(site.items)
    (tmp_path / "feeds.opml").write_text(
        f'<opml version="2.0"><body><outline text="الإخبارية" xmlUrl="{site.feed}"/></body></opml>',
        encoding="utf-8",
    )
    (tmp_path / "brief.toml").write_text('output = "out"\n[sources]\nopml = "feeds.opml"\n')
    result = run_once(tmp_path / "brief.toml")
    assert result.status.outcome == "written" and result.status.counts["articles_new"] == 5
    assert {a.source for a in result.briefing.sources} == {"الإخبارية"}


def test_single_values_are_read_as_lists(tmp_path):
    (tmp_path / "brief.toml").write_text(
        "[sources]\nfeeds = 'https://a.example/rss'\nfolders = 'inbox'\n"
        "[deliver]\nemail_to = 'desk@example.org, chief@example.org'\ncopy_to = '/srv/x'\n"
    )
    settings = config.load(str(tmp_path / "brief.toml"))
    assert [f.url for f in settings.sources.feeds] == ["https://a.example/rss"]
    assert settings.sources.folders == ["inbox"] and settings.deliver.copy_to == ["/srv/x"]
    assert settings.deliver.email_to == ["desk@example.org", "chief@example.org"]


@pytest.mark.parametrize(
    ("value", "hours_back"),
    [("24h", 24), ("90m", 1.5), ("7d", 168), ("2w", 336), ("1.5h", 1.5), (" 3 H ", 3)],
)
def test_since_spans(value, hours_back):
    from datetime import UTC, datetime

    from briefing.daily.run import parse_since

    now = datetime(2026, 2, 10, 6, 0, tzinfo=UTC)
    assert parse_since(value, now) == now.timestamp() - hours_back * 3600


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2026-02-09T06:00+03:00", "2026-02-09T03:00:00+00:00"),
        ("2026-02-09T06:00Z", "2026-02-09T06:00:00+00:00"),
    ],
)
def test_since_dates(value, expected):
    from briefing.daily.run import iso, parse_since

    assert iso(parse_since(value)) == expected


def test_since_without_zone_is_local_time():
    from datetime import datetime

    from briefing.daily.run import parse_since

    assert parse_since("2026-02-09T06:00") == datetime(2026, 2, 9, 6, 0).timestamp()


def test_continuing_marks_updates_and_leaves_out_repeats():
    from briefing.daily.run import continuing
    from briefing.models import Article, Story

    def a(n: str) -> Article:
        return Article(id=n, title=n, text=n, origin="o")

    told = {"a1": ("2026-02-09", "H1"), "a2": ("2026-02-09", "H1"), "a3": ("2026-02-09", "H3")}
    stories = [
        Story("s1", (a("a1"), a("a2"), a("b1"))),  # continues H1 with b1
        Story("s2", (a("a3"),)),  # told, nothing new
        Story("s3", (a("b2"),)),  # new
    ]
    kept, updates, repeated = continuing(stories, told)
    assert [s.id for s in kept] == ["s1", "s3"] and repeated == 1
    assert updates["s1"].previous_headline == "H1" and updates["s1"].new_article_ids == ("b1",)
    assert updates["s1"].previous_date == "2026-02-09" and "s3" not in updates


def test_a_second_run_the_same_day_never_replaces_the_first_files(tmp_path):
    from datetime import datetime

    from briefing.daily.run import file_stem

    clock = datetime(2026, 2, 10, 14, 5, 9)
    assert file_stem(tmp_path, "2026-02-10", ["md"], clock) == "briefing-2026-02-10"
    (tmp_path / "briefing-2026-02-10.md").write_text("x")
    assert file_stem(tmp_path, "2026-02-10", ["md"], clock) == "briefing-2026-02-10-140509"


def test_a_lock_left_by_a_dead_run_is_taken_over_with_a_note(site, tmp_path):
    site.publish(site.items)
    path = write_config(tmp_path, [site.feed])
    out = tmp_path / "out"
    out.mkdir()
    dead = {
        "pid": 999999,
        "since": "2026-02-10T03:30:00+00:00",
        "host": "h",
        "command": "brief run",
    }
    (out / ".brief.lock").write_text(json.dumps(dead))  # filled, but nobody holds it
    result = run_once(path)
    assert result.status.outcome == "written"
    assert any("pid 999999" in f["message"] for f in result.status.failures)
