"""The three shipped examples give plans a country team would recognize: a span of a year to two, and no
date on a holiday every UN office keeps (25 December, 1 January)."""

from __future__ import annotations

import datetime as dt

import pytest

from cer.content import Content
from cer.services.diagnosis import read_answers, run
from tests.conftest import REPO

EXAMPLES = ["malawi", "somalia", "viet_nam"]
STARTS = [dt.date(2027, 1, 15), dt.date(2027, 11, 1), dt.date(2028, 12, 20)]  # over several year ends


@pytest.mark.parametrize("start", STARTS)
@pytest.mark.parametrize("example", EXAMPLES)
def test_an_example_plan_spans_a_year_to_two_and_skips_christmas_and_new_year(
    content: Content, example: str, start: dt.date
) -> None:
    answers = read_answers(REPO / "examples" / f"{example}.yaml")
    plan = run(content, answers, country=None, start=start, draft=False).plan
    months = (plan.end - plan.start).days / 30.44
    assert 12 <= months <= 24, f"{example}: {plan.start} to {plan.end} is {months:.1f} months"
    days = {d for t in plan.tasks for d in (t.start, t.due)}
    assert not {d for d in days if (d.month, d.day) in {(12, 25), (1, 1)}}
