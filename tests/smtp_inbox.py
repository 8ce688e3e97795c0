"""A real SMTP server on this machine (aiosmtpd), for the tests of what we e-mail: its port and the messages
it received."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import EmailMessage


@contextmanager
def smtp_inbox() -> Iterator[tuple[int, list[EmailMessage]]]:
    """A local SMTP server: its port and the messages it received."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Message

    received: list[EmailMessage] = []

    class Inbox(Message):
        def handle_message(self, message: EmailMessage) -> None:  # type: ignore[override]
            received.append(message)

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    controller = Controller(Inbox(message_class=EmailMessage), hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield port, received
    finally:
        controller.stop()
