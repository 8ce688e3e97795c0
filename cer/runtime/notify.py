"""E-mail for reminders, escalations and invitations' links, when an SMTP server is configured
(`CER_SMTP_HOST`).

A recipient that is an e-mail address gets the message; one that is a name (an agency, a person without an
address on file) goes to `CER_SMTP_TO`, the mailbox of whoever coordinates the change (the RC Office, say).
Nothing is sent, and nothing is marked sent, while no SMTP server is configured.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from email.message import EmailMessage

from cer.db.tables import NotificationRow
from cer.runtime.config import Settings


def address_for(recipient: str, settings: Settings) -> str | None:
    if "@" in recipient and " " not in recipient.strip():
        return recipient.strip()
    return settings.smtp_to


Words = Callable[[NotificationRow], tuple[str, str]]


def send(
    notifications: Iterable[NotificationRow], settings: Settings, words: Words | None = None
) -> list[int]:
    """E-mail each notification; returns the ids sent. Sends nothing without CER_SMTP_HOST. `words` gives a
    notification's subject and body in the e-mails' language (`CER_LANG`); without it, as stored."""
    if not settings.smtp_host:
        return []
    sent: list[int] = []
    with _connected(settings) as smtp:
        for note in notifications:
            to = address_for(note.recipient, settings)
            if to is None:
                continue
            subject, body = words(note) if words else (note.subject, f"For: {note.recipient}\n\n{note.body}")
            smtp.send_message(_message(settings, to, subject, body))
            sent.append(note.id or 0)
    return sent


def send_email(to: str, subject: str, body: str, settings: Settings) -> bool:
    """E-mail one message (an invitation's link); False when it was not sent: no CER_SMTP_HOST, or the
    server refused it or could not be reached."""
    if not settings.smtp_host:
        return False
    try:
        with _connected(settings) as smtp:
            smtp.send_message(_message(settings, to, subject, body))
    except (OSError, smtplib.SMTPException):
        return False
    return True


@contextmanager
def _connected(settings: Settings) -> Iterator[smtplib.SMTP]:
    with smtplib.SMTP(settings.smtp_host or "", settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        yield smtp


def _message(settings: Settings, to: str, subject: str, body: str) -> EmailMessage:
    message = EmailMessage()
    message["From"] = settings.smtp_from
    message["To"] = to
    message["Subject"] = f"[cer-toolkit] {subject}"
    message.set_content(f"{body}\n")
    return message
