"""Delivery by mail to a local SMTP server (aiosmtpd), copies to folders, and retries."""

from __future__ import annotations

import json
import socket
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from feed_server import FeedServer, Reply, rss, seed_items
from test_run import run_once, status, write_config

from briefing.config import DeliverSettings
from briefing.daily import deliver
from briefing.errors import DeliveryError

controller_module = pytest.importorskip("aiosmtpd.controller")
smtp_module = pytest.importorskip("aiosmtpd.smtp")
pytestmark = pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")


class Inbox:
    def __init__(self) -> None:
        self.mails: list[tuple[str, list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        self.mails.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class SMTPServer:
    """aiosmtpd on 127.0.0.1, plain (no STARTTLS), optionally asking for a login."""

    def __init__(self, port: int | None = None, password: str | None = None) -> None:
        self.inbox = Inbox()
        self.port = port or free_port()
        kwargs = {}
        if password is not None:

            def check(server, session, envelope, mechanism, auth_data):
                ok = auth_data.login == b"briefing" and auth_data.password == password.encode()
                return smtp_module.AuthResult(success=ok, handled=False)

            kwargs = {"authenticator": check, "auth_require_tls": False, "auth_required": True}
        self.controller = controller_module.Controller(
            self.inbox, hostname="127.0.0.1", port=self.port, **kwargs
        )

    def __enter__(self) -> SMTPServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()


def deliver_toml(port: int, user: bool = False, extra: str = "") -> str:
    login = 'smtp_user = "briefing"\n' if user else ""
    return (
        '[deliver]\nemail_to = ["desk@example.org", "chief@example.org"]\n'
        f'email_from = "briefing@example.org"\nsmtp_host = "127.0.0.1"\nsmtp_port = {port}\n'
        f"smtp_starttls = false\n{login}{extra}"
    )


@pytest.fixture
def site(seeds_dir):
    with FeedServer() as server:
        items = seed_items(seeds_dir, server.url("").rstrip("/"), server)
        server.route("/rss.xml", Reply(rss(items, title="الإخبارية"), "application/rss+xml",
                                       etag='"v1"'))  # fmt: skip
        yield server


def config_with(tmp_path: Path, site: FeedServer, deliver_part: str) -> Path:
    path = write_config(tmp_path, [site.url("/rss.xml")])
    text = path.read_text(encoding="utf-8")
    sources = text.index("[sources]")
    path.write_text(text[:sources] + deliver_part + "\n" + text[sources:], encoding="utf-8")
    return path


def test_the_mail_arrives_with_the_word_file_and_the_html_briefing(tmp_path, site):
    with SMTPServer() as smtp:
        result = run_once(config_with(tmp_path, site, deliver_toml(smtp.port)))
    assert result.status.outcome == "written"
    assert result.status.delivery.outcome == "sent" and not result.delivery_errors
    ((sender, to, raw),) = smtp.inbox.mails
    assert sender == "briefing@example.org"
    assert to == ["desk@example.org", "chief@example.org"]
    mail = message_from_bytes(raw, policy=policy.default)
    subject = str(mail["Subject"])
    assert subject.startswith("الموجز الإخباري " + result.briefing.date)
    headline = result.briefing.stories[0].sections[0].headline.text
    assert headline[:40] in subject  # the top headline, in the briefing's language
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_filename().endswith(".docx")
    docx = Path(result.status.briefing).read_bytes()
    assert attachment.get_content() == docx
    html = mail.get_body(("html",)).get_content()
    assert "<html" in html and 'dir="rtl"' in html
    assert mail.get_body(("plain",)) is not None
    assert not list((tmp_path / "out" / ".outbox").glob("*.json"))


def test_a_login_is_sent_with_the_password_from_the_environment(tmp_path, site, monkeypatch):
    monkeypatch.setenv("BRIEF_SMTP_PASSWORD", "s3cret")
    with SMTPServer(password="s3cret") as smtp:
        result = run_once(config_with(tmp_path, site, deliver_toml(smtp.port, user=True)))
    assert result.status.delivery.outcome == "sent" and len(smtp.inbox.mails) == 1


def test_a_refused_login_is_one_line_naming_the_server(tmp_path, site, monkeypatch):
    monkeypatch.setenv("BRIEF_SMTP_PASSWORD", "wrong")
    with SMTPServer(password="s3cret") as smtp:
        result = run_once(config_with(tmp_path, site, deliver_toml(smtp.port, user=True)))
    assert result.status.outcome == "written" and Path(result.status.briefing).exists()
    (error,) = result.delivery_errors
    assert f"127.0.0.1:{smtp.port}" in error and "refused the login" in error
    assert "BRIEF_SMTP_PASSWORD" in error and "wrong" not in error
    assert status(tmp_path)["delivery"]["outcome"] == "failed"


def test_smtp_down_the_briefing_is_written_and_the_mail_is_sent_next_run(tmp_path, site):
    port = free_port()
    path = config_with(tmp_path, site, deliver_toml(port))
    first = run_once(path)
    assert first.status.outcome == "written" and first.status.exit_code == 0
    assert (tmp_path / "out" / "briefing-latest.docx").exists()
    (error,) = first.delivery_errors
    assert f"127.0.0.1:{port}" in error and "next run" in error
    s = status(tmp_path)
    assert s["delivery"]["outcome"] == "failed" and s["delivery"]["pending"] == 1
    with SMTPServer(port=port) as smtp:
        second = run_once(path)  # nothing new, but the kept mail goes out
    assert second.status.outcome == "nothing-new"
    assert second.status.delivery.outcome == "sent" and second.status.delivery.retried == 1
    ((_, _, raw),) = smtp.inbox.mails
    mail = message_from_bytes(raw, policy=policy.default)
    (attachment,) = list(mail.iter_attachments())
    assert attachment.get_content() == Path(first.status.briefing).read_bytes()


def test_no_deliver_skips_it(tmp_path, site):
    with SMTPServer() as smtp:
        result = run_once(config_with(tmp_path, site, deliver_toml(smtp.port)), deliver=False)
    assert result.status.delivery.outcome == "skipped" and smtp.inbox.mails == []


def test_copies_go_to_each_folder(tmp_path, site):
    share = tmp_path / "share"
    result = run_once(
        config_with(tmp_path, site, f"[deliver]\ncopy_to = [{json.dumps(str(share))}]")
    )
    assert result.status.delivery.outcome == "sent"
    assert sorted(p.name for p in share.iterdir()) == sorted(p.name for p in result.written)


def test_a_copy_that_fails_is_retried(tmp_path, site):
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    path = config_with(tmp_path, site, f'[deliver]\ncopy_to = ["{blocker}"]')
    first = run_once(path)
    assert first.status.delivery.outcome == "failed" and str(blocker) in first.delivery_errors[0]
    blocker.unlink()
    second = run_once(path)
    assert second.status.delivery.outcome == "sent" and blocker.is_dir()
    assert len(list(blocker.iterdir())) == len(first.written)


def settings(port: int, **kw) -> DeliverSettings:
    base = {"email_to": ["a@example.org"], "email_from": "b@example.org",
            "smtp_host": "127.0.0.1", "smtp_port": port}  # fmt: skip
    return DeliverSettings(**{**base, **kw})


def test_starttls_required_but_not_offered_is_named(monkeypatch):
    monkeypatch.setattr(deliver, "_loopback", lambda host: False)  # as if on another machine
    with SMTPServer() as smtp:
        with pytest.raises(DeliveryError, match="does not offer STARTTLS"):
            deliver.send(_mail(), settings(smtp.port, smtp_starttls=True), None)
    assert smtp.inbox.mails == []


def test_a_relay_on_this_machine_without_starttls_still_gets_the_mail(caplog):
    with SMTPServer() as smtp:
        deliver.send(_mail(), settings(smtp.port, smtp_starttls=True), None)
    assert len(smtp.inbox.mails) == 1 and "offers no STARTTLS" in caplog.text


def test_a_server_without_login_gets_the_mail_even_with_smtp_user(caplog):
    with SMTPServer() as smtp:
        deliver.send(_mail(), settings(smtp.port, smtp_user="briefing"), None)
    assert len(smtp.inbox.mails) == 1 and "offers no login" in caplog.text


def test_a_user_without_password_is_told_where_to_set_it():
    with SMTPServer(password="pw") as smtp:
        with pytest.raises(DeliveryError, match="BRIEF_SMTP_PASSWORD is not set"):
            deliver.send(_mail(), settings(smtp.port, smtp_user="briefing"), None)


def test_starttls_when_offered_is_the_default_and_plain_works_without_it():
    with SMTPServer() as smtp:
        deliver.send(_mail(), settings(smtp.port), None)  # smtp_starttls unset
    assert len(smtp.inbox.mails) == 1


def test_a_password_over_plain_text_to_another_host_is_refused(monkeypatch):
    monkeypatch.setattr(deliver, "_loopback", lambda host: False)  # as if on another machine
    with SMTPServer(password="pw") as smtp:
        with pytest.raises(DeliveryError, match="in clear"):
            deliver.send(_mail(), settings(smtp.port, smtp_user="briefing"), "pw")
    assert smtp.inbox.mails == []


@pytest.mark.parametrize(
    ("langs", "label", "headline"),
    [
        (["ar", "ar", "en"], "الموجز الإخباري", "عنوان عربي"),
        (["en", "en", "ar"], "News briefing", "English headline"),
    ],
)
def test_subject_has_the_date_and_top_headline_in_the_briefings_language(langs, label, headline):
    from briefing.models import Article, Briefing, Point, Provenance, Section, Story, StoryDigest

    sources = tuple(
        Article(id=f"a{n}", title="t", text="x", origin="o", lang=lang)
        for n, lang in enumerate(langs)
    )
    sections = (
        Section("ar", Point("عنوان عربي", ("a0",))),
        Section("en", Point("English headline", ("a0",))),
    )
    failed = StoryDigest(Story("s0", sources[:1]), (), "extractive", status="failed")
    ok = StoryDigest(Story("s1", sources), sections, "extractive")
    provenance = Provenance("0", "extractive", "1", "2026-02-10T06:00:00+00:00", ())
    briefing = Briefing("2026-02-10", (failed, ok), sources, provenance)
    assert deliver.subject(briefing) == f"{label} 2026-02-10 — {headline}"


def _mail():
    from email.message import EmailMessage

    mail = EmailMessage()
    mail["Subject"], mail["From"], mail["To"] = "t", "b@example.org", "a@example.org"
    mail.set_content("body")
    return mail


def test_a_password_in_brief_toml_is_named_and_ignored_and_the_run_goes_on(
    tmp_path, site, monkeypatch
):
    import subprocess
    import sys

    monkeypatch.setenv("BRIEF_SMTP_PASSWORD", "s3cret")
    with SMTPServer(password="s3cret") as smtp:
        toml = deliver_toml(smtp.port, user=True, extra='smtp_password = "leaked"\n')
        path = config_with(tmp_path, site, toml)
        done = subprocess.run(
            [sys.executable, "-m", "briefing.cli", "run", "--config", str(path)],
            cwd=tmp_path, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "'deliver.smtp_password'" in done.stderr and "BRIEF_SMTP_PASSWORD" in done.stderr
    assert "leaked" not in done.stderr
    assert len(smtp.inbox.mails) == 1  # the password from the environment was used
    s = status(tmp_path)
    assert any(f["where"] == "brief.toml" for f in s["failures"])
    check = subprocess.run(
        [sys.executable, "-m", "briefing.cli", "config", "check", "--config", str(path)],
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert check.returncode == 1 and "'deliver.smtp_password'" in check.stderr
