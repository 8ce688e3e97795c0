"""Answers files made to hurt (issue 17): aliases that expand without end, numbers of thousands of digits,
dates that do not exist, nesting thousands deep, huge files. Each is refused at once with a message that says
what is wrong, exit code 2, and nothing is computed from it."""

from __future__ import annotations

import tracemalloc
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "malawi.yaml"
BOMB = """questionnaire_version: "1"
country: MWI
answers:
  a: &a ["x","x","x","x","x","x","x","x","x"]
  b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
  c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
  d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
  e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
  f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
  g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
  h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
  agencies: [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def write(tmp_path: Path, name: str, text: str) -> str:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return str(path)


def refused(result: Result, *words: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stderr[-500:])
    assert "Traceback" not in result.stderr and result.stdout == ""
    for word in words:
        assert word in result.stderr, (word, result.stderr[-500:])


def test_an_alias_bomb_is_refused_at_once_without_expanding_it(
    cer: Callable[..., Result], tmp_path: Path
) -> None:
    path = write(tmp_path, "bomb.yaml", BOMB)
    tracemalloc.start()
    result = cer("diagnose", path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    refused(result, "line 5", "aliases")
    assert peak < 100 * 2**20  # the 9⁹ strings were never made


@pytest.mark.parametrize(
    ("name", "text", "words"),
    [
        ("long.yaml", "answers:\n  resident_agencies: " + "9" * 5000 + "\n", ("line 2", "too many digits")),
        ("long.json", '{"answers": {"resident_agencies": ' + "9" * 5000 + "}}", ("too many digits",)),
        ("date.yaml", EXAMPLE.read_text().replace("'2027-07-01'", "2027-13-45"), ("next_cycle_start",)),
        ("deep.json", "[" * 100_000 + "]" * 100_000, ("nested too deeply",)),
        ("deep.yaml", "answers: " + "[" * 60 + "]" * 60 + "\n", ("line 1", "nested too deeply")),
        ("deeper.yaml", "answers: " + "[" * 5_000 + "]" * 5_000 + "\n", ("line 1", "nesting depth")),
    ],
)
def test_numbers_dates_and_nesting_beyond_reason_are_named(
    cer: Callable[..., Result], tmp_path: Path, name: str, text: str, words: tuple[str, ...]
) -> None:
    refused(cer("diagnose", write(tmp_path, name, text)), *words)


def test_a_huge_file_is_refused_before_it_is_read(cer: Callable[..., Result], tmp_path: Path) -> None:
    path = tmp_path / "huge.yaml"
    path.write_bytes(EXAMPLE.read_bytes() + b"# padding\n" * 300_000)
    refused(cer("diagnose", str(path)), "larger than")


def test_the_examples_still_diagnose(cer: Callable[..., Result]) -> None:
    assert cer("diagnose", str(EXAMPLE)).exit_code == 0
