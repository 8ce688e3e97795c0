"""The plan's downloads from the country page: the CSV in words with a BOM, or in codes with `?codes=1`."""

from __future__ import annotations

import csv
import io

from fastapi.testclient import TestClient

from cer.content import Content
from tests.web.conftest import seed_plan


def test_the_csv_download_has_a_bom_and_words_or_codes_when_asked(site: TestClient, content: Content) -> None:
    code = seed_plan(site, content)
    words = site.get(f"/countries/{code}/export.csv")
    codes = site.get(f"/countries/{code}/export.csv?codes=1")
    assert words.content.startswith(b"\xef\xbb\xbf") and codes.content.startswith(b"\xef\xbb\xbf")
    assert words.headers["content-type"] == "text/csv; charset=utf-8"
    in_words = list(csv.DictReader(io.StringIO(words.content.decode("utf-8-sig"))))
    in_codes = list(csv.DictReader(io.StringIO(codes.content.decode("utf-8-sig"))))
    assert {r["status"] for r in in_words} == {"Not started"}
    assert {r["status"] for r in in_codes} == {"not_started"}
    assert site.get(f"/countries/{code}/export.xlsx?codes=1").content[:2] == b"PK"
