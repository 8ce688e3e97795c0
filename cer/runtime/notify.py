"""E-mail for reminders and escalations, when an SMTP server is configured (`CER_SMTP_HOST`).

A recipient that is an e-mail address gets the message; one that is a name (an agency, a person without an
address on file) goes to `CER_SMTP_TO`, the mailbox of whoever coordinates the change (the RC Office, say).
Nothing is sent, and nothing is marked sent, while no SMTP server is configured.
"""

from __future__ import annotations

import smtplib
from collections.abc import Callable, Iterable
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
    with smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=30) as smtp:
        if settings.smtp_starttls:
            smtp.starttls()
        if settings.smtp_user:
            smtp.login(settings.smtp_user, settings.smtp_password or "")
        for note in notifications:
            to = address_for(note.recipient, settings)
            if to is None:
                continue
            message = EmailMessage()
            message["From"] = settings.smtp_from
            message["To"] = to
            subject, body = words(note) if words else (note.subject, f"For: {note.recipient}\n\n{note.body}")
            message["Subject"] = f"[cer-toolkit] {subject}"
            message.set_content(f"{body}\n")
            smtp.send_message(message)
            sent.append(note.id or 0)
    return sent
