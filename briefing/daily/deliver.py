"""Delivering a briefing: by mail (the Word file attached, the HTML briefing as the body)
and as copies in shared folders.

Every delivery is first written to an *outbox* (a folder next to the article store): the
whole mail as an ``.eml`` file and a small JSON note of what is still to do. A delivery
that fails stays there and is tried again at the next run, so a mail server that is down
at 06:30 never loses the morning's briefing, and never stops its files being written.

SMTP: implicit TLS with ``smtp_ssl``; otherwise STARTTLS when ``smtp_starttls`` is true
(required, except by a relay on this machine: nothing crosses the network), unset (used
when the server offers it; a login over a plain connection to another machine is
refused) or false (never). The password comes only from
``BRIEF_SMTP_PASSWORD``.
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import smtplib
import ssl
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from ..config import DeliverSettings
from ..errors import ConfigError, DeliveryError
from ..models import Briefing

log = logging.getLogger(__name__)

DOCX_TYPE = ("application", "vnd.openxmlformats-officedocument.wordprocessingml.document")


def check(settings: DeliverSettings) -> None:
    """Raise ``ConfigError`` naming the missing ``[deliver]`` key when mail is half set up."""
    if not settings.email_to:
        return
    for key in ("email_from", "smtp_host"):
        if not getattr(settings, key):
            raise ConfigError(
                f"[deliver] has email_to but no {key}: add {key} = ... to brief.toml, or "
                "remove email_to."
            )
    bad = [a for a in (*settings.email_to, settings.email_from or "") if "@" not in a]
    if bad:
        raise ConfigError(f"[deliver] address {bad[0]!r} is not an e-mail address; fix it.")


def language(briefing: Briefing) -> str:
    """The briefing's language: that of most of its articles (Arabic on a tie)."""
    counts = Counter(a.lang for a in briefing.sources if a.lang in ("ar", "en"))
    return "en" if counts["en"] > counts["ar"] else "ar"


def subject(briefing: Briefing) -> str:
    """The date and the top headline, in the briefing's language."""
    lang = language(briefing)
    headline = ""
    for digest in briefing.stories:
        if digest.status != "ok":
            continue
        for section in (digest.section(lang), *digest.sections):
            if section is not None and section.headline is not None:
                headline = " ".join(section.headline.text.split())
                break
        if headline:
            break
    if len(headline) > 140:
        headline = headline[:139].rstrip() + "…"
    label = "الموجز الإخباري" if lang == "ar" else "News briefing"
    return f"{label} {briefing.date}" + (f" — {headline}" if headline else "")


def compose(
    briefing: Briefing,
    settings: DeliverSettings,
    *,
    html: str,
    text: str,
    docx: bytes,
    docx_name: str,
) -> EmailMessage:
    """The mail: plain text and HTML alternatives of the briefing, the .docx attached."""
    message = EmailMessage()
    message["Subject"] = subject(briefing)
    message["From"] = settings.email_from or ""
    message["To"] = ", ".join(settings.email_to)
    message["Date"] = format_datetime(datetime.now(UTC))
    domain = (settings.email_from or "brief.local").rpartition("@")[2] or None
    message["Message-ID"] = make_msgid("brief", domain=domain)
    message["Content-Language"] = language(briefing)
    message.set_content(text)
    message.add_alternative(html, subtype="html")
    message.add_attachment(docx, maintype=DOCX_TYPE[0], subtype=DOCX_TYPE[1], filename=docx_name)
    return message


def send(message: EmailMessage, settings: DeliverSettings, password: str | None) -> None:
    """Send one mail; raise ``DeliveryError`` naming the server and what to check."""
    host, port = settings.smtp_host or "", settings.smtp_port
    where = f"SMTP server {host}:{port}"
    try:
        if settings.smtp_ssl:
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                host, port, timeout=settings.smtp_timeout, context=ssl.create_default_context()
            )
        else:
            smtp = smtplib.SMTP(host, port, timeout=settings.smtp_timeout)
        with smtp:
            smtp.ehlo()
            secure = settings.smtp_ssl
            if not settings.smtp_ssl and settings.smtp_starttls is not False:
                if smtp.has_extn("starttls"):
                    smtp.starttls(context=ssl.create_default_context())
                    smtp.ehlo()
                    secure = True
                elif settings.smtp_starttls and _loopback(host):
                    log.warning(
                        "the %s offers no STARTTLS; sending without it, as the mail does not "
                        "leave this machine",
                        where,
                    )
                elif settings.smtp_starttls:
                    raise DeliveryError(
                        f"The {where} does not offer STARTTLS, and smtp_starttls = true asks "
                        "for it. Use the server's submission port (587), or set smtp_ssl = "
                        "true for port 465, or smtp_starttls = false on a trusted network."
                    )
            if settings.smtp_user and not smtp.has_extn("auth"):
                log.warning(
                    "the %s offers no login (AUTH); sending without logging in as %r",
                    where,
                    settings.smtp_user,
                )
            elif settings.smtp_user:
                if not password:
                    raise DeliveryError(
                        f"[deliver] smtp_user is {settings.smtp_user!r} but BRIEF_SMTP_PASSWORD "
                        "is not set: set it in the environment of the scheduled job."
                    )
                if not secure and settings.smtp_starttls is None and not _loopback(host):
                    raise DeliveryError(
                        f"The {where} offers no STARTTLS; the password would cross the network "
                        "in clear. Use smtp_ssl = true, or set smtp_starttls = false if the "
                        "network is trusted."
                    )
                _login(smtp, settings.smtp_user, password)
            refused = smtp.send_message(message)
    except DeliveryError:
        raise
    except smtplib.SMTPAuthenticationError as exc:
        raise DeliveryError(
            f"The {where} refused the login for {settings.smtp_user!r} ({_reply(exc)}): check "
            "smtp_user in brief.toml and BRIEF_SMTP_PASSWORD."
        ) from exc
    except smtplib.SMTPNotSupportedError as exc:
        raise DeliveryError(
            f"The {where} does not support {exc}: remove smtp_user if it needs no login, or "
            "check smtp_starttls / smtp_ssl."
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DeliveryError(
            f"The {where} refused every recipient ({', '.join(exc.recipients)}): check "
            "email_to in brief.toml."
        ) from exc
    except smtplib.SMTPSenderRefused as exc:
        raise DeliveryError(
            f"The {where} refused the sender {settings.email_from!r} ({_reply(exc)}): check "
            "email_from in brief.toml."
        ) from exc
    except smtplib.SMTPException as exc:
        raise DeliveryError(
            f"The {where} failed ({_reply(exc)}); the briefing is kept and will be sent on "
            "the next run."
        ) from exc
    except ssl.SSLError as exc:
        raise DeliveryError(
            f"TLS with the {where} failed ({exc.reason or exc}); check smtp_port, smtp_ssl "
            "and smtp_starttls."
        ) from exc
    except (TimeoutError, OSError) as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise DeliveryError(
            f"Could not reach the {where} ({reason}); the briefing is kept and will be "
            "sent on the next run."
        ) from exc
    if refused:
        log.warning("the %s refused %s", where, ", ".join(refused))


def _login(smtp: smtplib.SMTP, user: str, password: str) -> None:
    """Log in with one mechanism the server offers (PLAIN, else LOGIN, else CRAM-MD5).
    smtplib's ``login`` tries each in turn after a refusal, and some servers hang on the
    second try instead of refusing again: one clear refusal is better."""
    if not smtp.has_extn("auth"):
        raise smtplib.SMTPNotSupportedError("AUTH (a login)")
    offered = smtp.esmtp_features["auth"].upper().split()
    mechanism = next((m for m in ("PLAIN", "LOGIN", "CRAM-MD5") if m in offered), None)
    if mechanism is None:
        smtp.login(user, password)  # let smtplib say what it can do
        return
    smtp.user, smtp.password = user, password
    method = getattr(smtp, "auth_" + mechanism.lower().replace("-", "_"))
    smtp.auth(mechanism, method, initial_response_ok=True)


def _reply(exc: Exception) -> str:
    code = getattr(exc, "smtp_code", None)
    error = getattr(exc, "smtp_error", b"")
    text = error.decode("utf-8", "replace") if isinstance(error, bytes) else str(error)
    return f"{code} {text}".strip() if code else (str(exc) or type(exc).__name__)


def _loopback(host: str) -> bool:
    return host in ("localhost", "::1") or host.startswith("127.")


def copy(files: Sequence[Path], folder: Path) -> None:
    """Copy the briefing's files into ``folder`` atomically (temp name, then rename)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for path in files:
            tmp = folder / f".{path.name}.{uuid.uuid4().hex[:8]}.tmp"
            shutil.copyfile(path, tmp)
            os.replace(tmp, folder / path.name)
    except OSError as exc:
        raise DeliveryError(
            f"Could not copy the briefing to {folder} ({exc.strerror or exc}); check that the "
            "folder is mounted and writable. It will be copied on the next run."
        ) from exc


# --- the outbox -----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Pending:
    """One delivery still to do: a mail (saved whole) and/or copies to folders."""

    id: str
    mail: Path | None  # the .eml file, None once sent or when mail is not configured
    files: tuple[str, ...]
    copy_to: tuple[str, ...]
    created: str


@dataclass(frozen=True, slots=True)
class Outcome:
    sent: tuple[str, ...] = ()  # ids whose mail went out
    copied: tuple[str, ...] = ()  # folder names copied to
    errors: tuple[str, ...] = ()
    pending: int = 0


class Outbox:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def add(
        self, message: EmailMessage | None, files: Sequence[Path], copy_to: Sequence[str]
    ) -> Pending:
        self.folder.mkdir(parents=True, exist_ok=True)
        stamp = datetime.now(UTC)
        ident = f"{stamp.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:6]}"
        mail = None
        if message is not None:
            mail = self.folder / f"{ident}.eml"
            from email import policy

            _write(mail, message.as_bytes(policy=policy.SMTP))
        pending = Pending(
            ident,
            mail,
            tuple(str(p) for p in files),
            tuple(copy_to),
            stamp.isoformat(timespec="seconds"),
        )
        self._save(pending)
        return pending

    def pending(self) -> list[Pending]:
        found = []
        for note in sorted(self.folder.glob("*.json")) if self.folder.is_dir() else []:
            try:
                data = json.loads(note.read_text(encoding="utf-8"))
                mail = self.folder / data["mail"] if data.get("mail") else None
                found.append(
                    Pending(
                        note.stem,
                        mail,
                        tuple(data.get("files", ())),
                        tuple(data.get("copy_to", ())),
                        str(data.get("created", "")),
                    )
                )
            except (OSError, ValueError, KeyError, TypeError) as exc:
                log.warning("outbox note %s is unreadable (%s); it is skipped", note, exc)
        return found

    def deliver(
        self, settings: DeliverSettings, password: str | None, resolve: Callable[[str], Path]
    ) -> Outcome:
        """Try every pending delivery, oldest first; keep what fails for next time."""
        sent, copied, errors = [], [], []
        left = 0
        for item in self.pending():
            mail = item.mail
            if mail is not None:
                try:
                    if not settings.email_to:
                        raise DeliveryError("mail is no longer configured ([deliver] email_to)")
                    from email import message_from_bytes, policy

                    message = message_from_bytes(mail.read_bytes(), policy=policy.SMTP)
                    send(message, settings, password)  # type: ignore[arg-type]
                    mail.unlink(missing_ok=True)
                    sent.append(item.id)
                    mail = None
                except DeliveryError as exc:
                    errors.append(str(exc))
                except OSError as exc:
                    errors.append(f"The saved mail {mail} cannot be read ({exc}); it is dropped.")
                    mail = None
            folders = []
            for folder in item.copy_to:
                existing = [Path(f) for f in item.files if Path(f).exists()]
                try:
                    copy(existing, resolve(folder))
                    copied.append(folder)
                except DeliveryError as exc:
                    errors.append(str(exc))
                    folders.append(folder)
            remaining = Pending(item.id, mail, item.files, tuple(folders), item.created)
            if remaining.mail is None and not remaining.copy_to:
                (self.folder / f"{item.id}.json").unlink(missing_ok=True)
            else:
                self._save(remaining)
                left += 1
        return Outcome(tuple(sent), tuple(copied), tuple(errors), left)

    def _save(self, item: Pending) -> None:
        data = {
            "mail": item.mail.name if item.mail else None,
            "files": list(item.files),
            "copy_to": list(item.copy_to),
            "created": item.created,
        }
        _write(self.folder / f"{item.id}.json", json.dumps(data, indent=2).encode("utf-8"))


def _write(path: Path, data: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
