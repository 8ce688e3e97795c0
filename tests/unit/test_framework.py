"""Framework models and lookups, without any file."""

from __future__ import annotations

from typing import Any

import pytest
from pydantic import ValidationError

from cer.content import Content
from workstreams.errors import NotFound
from workstreams.models import Action, Step


def action(**overrides: Any) -> dict[str, Any]:
    return {
        "id": "7.1",
        "name": "Set up a group",
        "workstreams": ["A"],
        "source": "read",
        "scope": "shared",
    } | overrides


def test_unknown_keys_are_refused_by_every_model() -> None:
    with pytest.raises(ValidationError, match="Extra inputs are not permitted"):
        Action.model_validate(action(colour="blue"))


def test_an_action_id_must_look_like_step_dot_number() -> None:
    with pytest.raises(ValidationError, match="id"):
        Action.model_validate(action(id="7-1"))


def test_timing_each_takes_no_step_and_the_others_need_one() -> None:
    Action.model_validate(action(timing={"when": "each", "note": "at each step"}))
    with pytest.raises(ValidationError, match="needs a step"):
        Action.model_validate(action(timing={"when": "at", "note": "at the time of Step 1"}))
    with pytest.raises(ValidationError, match="takes no step"):
        Action.model_validate(action(timing={"when": "each", "step": 2, "note": "x"}))


def test_an_action_listed_under_another_step_is_refused() -> None:
    step = {"number": 6, "name": "Implement", "kind": "sequential", "tagline": "Do it.", "objectives": ["x"]}
    with pytest.raises(ValidationError, match=r"action 7\.1 is listed under step 6"):
        Step.model_validate(step | {"source": "read", "actions": [action()]})


def test_lookups_find_steps_actions_and_workstreams(content: Content) -> None:
    fw = content.framework
    assert fw.step(4).name == "Plan organisation changes"
    assert fw.action("4.3").step == 4
    assert fw.workstream(" d ").code == "D"


def test_unknown_lookups_say_what_exists(content: Content) -> None:
    fw = content.framework
    with pytest.raises(NotFound, match=r"unknown step 10; known: 1, 2, 3, 4, 5, 6, 7, 8, 9"):
        fw.step(10)
    with pytest.raises(NotFound, match=r"unknown workstream 'H'; known: A, B, C, D, E, F, G"):
        fw.workstream("H")
    with pytest.raises(NotFound, match=r"unknown action '4\.9'"):
        fw.action("4.9")


def test_a_workstreams_actions_come_in_step_order(content: Content) -> None:
    ids = [a.id for a in content.framework.actions_for("D")]
    assert ids == sorted(ids, key=lambda i: tuple(map(int, i.split("."))))
    assert "2.4" in ids and "8.1" not in ids
