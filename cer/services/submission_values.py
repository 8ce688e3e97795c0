"""The values of a KoBo or ODK submission as an answers file writes them, and where it came from."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass
from typing import Any

from cer.services.submission_files import Value


@dataclass(frozen=True)
class Provenance:
    submission_id: str | None = None  # KoBo's `_id`, ODK's `__id`
    uuid: str | None = None  # the instance's uuid, without `uuid:`
    submitted_at: dt.datetime | None = None  # UTC
    submitter: str | None = None  # the account that submitted it, when the server knows one
    form_version: str | None = None  # the server's own version of the form (KoBo's ids, ODK's version)


def provenance_of(said: dict[str, Value]) -> Provenance:
    texts = {
        name: text_of(said[name])
        for name in ("submission_id", "uuid", "submitter", "form_version")
        if name in said
    }
    uuid = texts.get("uuid") or (
        texts.get("submission_id") if "uuid:" in texts.get("submission_id", "") else None
    )
    return Provenance(
        submission_id=texts.get("submission_id"),
        uuid=uuid.removeprefix("uuid:") if uuid else None,
        submitted_at=moment(said.get("submitted_at")),
        submitter=texts.get("submitter"),
        form_version=texts.get("form_version"),
    )


def moment(value: Value | None) -> dt.datetime | None:
    """KoBo's `_submission_time` (UTC, written without a zone) or ODK's `submissionDate` (`…Z`)."""
    if isinstance(value, str):
        try:
            value = dt.datetime.fromisoformat(value)
        except ValueError:
            return None
    if not isinstance(value, dt.datetime):
        return None
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


def date_text(value: Value) -> Any:
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        for parse in (dt.date.fromisoformat, dt.datetime.fromisoformat):
            try:
                found = parse(value)
            except ValueError:
                continue
            return (found.date() if isinstance(found, dt.datetime) else found).isoformat()
    return value


def segment(text: str, labels: dict[str, str]) -> list[str]:
    """A select_multiple's answer: values separated by spaces, or (a label export) labels separated by
    spaces, labels holding spaces themselves ("UN Women UNDP"); unknown words are kept, to be reported."""
    words = text.split()
    ways: dict[int, list[str]] = {0: []}
    for i in range(len(words)):
        if i in ways:
            for j in range(i + 1, len(words) + 1):
                value = labels.get(norm(" ".join(words[i:j])))
                if value is not None and j not in ways:
                    ways[j] = [*ways[i], value]
    return ways.get(len(words), words)


def text_of(value: Value) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def norm(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).split()).casefold()
