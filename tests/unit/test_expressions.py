"""The safe condition language (a subset of ODK XPath): what it accepts, what it refuses, and how it treats
missing answers."""

from __future__ import annotations

import datetime as dt

import pytest

from diagnostics.expressions import ExpressionError, parse


@pytest.mark.parametrize(
    ("text", "answers", "current", "expected"),
    [
        ("${a} = 'no'", {"a": "no"}, None, True),
        ("${a} != 'no'", {"a": "no"}, None, False),
        ("${n} >= 5 and ${n} < 10", {"n": 7}, None, True),
        ("${n} >= 5 and ${n} < 10", {"n": 10}, None, False),
        ("not(${a} = 'yes' or ${b} = 'yes')", {"a": "no", "b": "no"}, None, True),
        ("not (${a} = 'yes') and ${b} = 'no'", {"a": "no", "b": "no"}, None, True),
        ("selected(${m}, 'omt')", {"m": ["uncg", "omt"]}, None, True),
        ("count-selected(${m}) <= ${n}", {"m": ["x", "y", "z"], "n": 2}, None, False),
        ("string-length(${a}) > 0", {}, None, False),
        ("string-length(${a}) = 3", {"a": "abc"}, None, True),
        ("string-length(${m}) = 7", {"m": ["uncg", "x", "y"]}, None, False),  # 'uncg x y': 8
        ("selected(${m}, 'omt')", {"m": "uncg omt"}, None, True),  # as ODK writes a multiple choice answer
        (". >= 1 and . <= 60", {}, 61, False),
        (". >= date('2027-01-01')", {}, dt.date(2027, 1, 1), True),
        ("${d} < date('2027-01-01')", {"d": dt.date(2026, 12, 31)}, None, True),
        ("${d} = '2026-12-31'", {"d": dt.date(2026, 12, 31)}, None, True),
        ("${n} = '4'", {"n": 4}, None, True),
        ("today() >= date('2026-01-01')", {}, None, True),
        ("${x} = 1.5", {"x": 1.5}, None, True),
        ("true() and not(false())", {}, None, True),
    ],
)
def test_expressions_evaluate_against_answers(
    text: str, answers: dict, current: object, expected: bool
) -> None:
    assert parse(text).evaluate(answers, current) is expected


def test_a_missing_answer_is_the_empty_text_as_in_odk() -> None:
    assert parse("${a} = ''").evaluate({})
    assert parse("${a} = ${b}").evaluate({})
    assert not parse("${a} != ''").evaluate({})
    assert not parse("${a} = 'no'").evaluate({})
    assert parse("${a} != 'none'").evaluate({})  # ODK: '' != 'none'
    assert not parse("${a} != '' and ${a} != 'none'").evaluate({})  # "answered, and not none"
    assert parse("${a} != 'none'").evaluate({"a": "one_fund"})
    assert parse("${a} != ''").evaluate({"a": "one_fund"})
    assert not parse("${n} < 5").evaluate({})
    assert not parse("${n} >= 5").evaluate({})
    assert parse("${n} != 5").evaluate({})
    assert parse("count-selected(${m}) = 0 and string-length(${m}) = 0").evaluate({})


def test_negative_numbers_and_only_ascii_digits() -> None:
    assert parse("${n} > -1").evaluate({"n": 0})
    with pytest.raises(ExpressionError, match="unexpected character"):
        parse("${n} > \u0663")  # an Arabic-Indic digit three


def test_deep_nesting_and_huge_inputs_are_refused_not_crashing() -> None:
    with pytest.raises(ExpressionError, match="nested more than 40 deep"):
        parse("(" * 100 + "${a}" + ")" * 100)
    with pytest.raises(ExpressionError, match="nested more than 40 deep"):
        parse("not(" * 100 + "${a}" + ")" * 100)
    with pytest.raises(ExpressionError, match="longer than 2000 characters"):
        parse("${a} = 1 and " * 400 + "${a} = 1")
    with pytest.raises(ExpressionError, match="unexpected character"):
        parse("${a} > " + "9" * 40)  # more digits than any answer needs


def test_values_of_different_kinds_are_not_ordered() -> None:
    assert not parse("${a} > 3").evaluate({"a": "yes"})
    assert not parse("${a} > ${b}").evaluate({"a": "b", "b": "a"})  # XPath orders numbers, not text
    assert not parse("${flag} > 0").evaluate({"flag": True})


def test_references_name_every_question_read() -> None:
    expr = parse("${a} = 'x' and (selected(${b}, 'y') or count-selected(${c}) > 1)")
    assert expr.references == {"a", "b", "c"}
    assert not expr.uses_current()
    assert parse(". > 1").uses_current()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("__import__('os').system('ls')", "unexpected character '_'"),
        ("open('/etc/passwd')", "unknown function 'open'"),
        ("${a}.__class__", "unexpected character '_'"),
        ("${a} == 1", "unexpected '='"),
        ("${a} = ", "expression ends too early"),
        ("${a} = 'x' and", "expression ends too early"),
        ("(${a} = 'x'", "expected ')'"),
        ("${a} = 'x')", "unexpected ')'"),
        ("selected(${a})", "selected() takes 2 argument(s), got 1"),
        ("date('tomorrow')", "date() takes a quoted 'YYYY-MM-DD'"),
        ("date(${a})", "date() takes a quoted 'YYYY-MM-DD'"),
        ("${a} + 1", "unexpected character '+'"),
        ("lambda: 1", "unexpected character ':'"),
        ("", "empty expression"),
        ("${a} = 'x' ; ${b}", "unexpected character ';'"),
    ],
)
def test_anything_outside_the_grammar_is_refused_with_its_position(text: str, message: str) -> None:
    with pytest.raises(ExpressionError, match="at position") as caught:
        parse(text)
    assert message in str(caught.value)
