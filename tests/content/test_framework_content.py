"""The shipped framework content: the facts the toolkit gives, encoded exactly."""

from __future__ import annotations

from cer.content import Content
from workstreams.models import Source, StepKind


def test_there_are_nine_steps_six_in_sequence_then_three_alongside(content: Content) -> None:
    kinds = [(s.number, s.kind) for s in content.framework.steps]
    assert kinds == [(n, StepKind.sequential) for n in range(1, 7)] + [
        (n, StepKind.continuous) for n in range(7, 10)
    ]


def test_all_35_main_actions_are_there_numbered_within_their_step(content: Content) -> None:
    per_step = {s.number: [a.id for a in s.actions] for s in content.framework.steps}
    assert {n: len(ids) for n, ids in per_step.items()} == {
        1: 7,
        2: 4,
        3: 4,
        4: 5,
        5: 1,
        6: 3,
        7: 4,
        8: 4,
        9: 3,
    }
    for number, ids in per_step.items():
        assert ids == [f"{number}.{i}" for i in range(1, len(ids) + 1)]


def test_workstreams_have_the_toolkits_own_letters_and_names(content: Content) -> None:
    assert [(w.code, w.name) for w in content.framework.workstreams] == [
        ("A", "UN Programme"),
        ("B", "Common Services and Harmonized Business Practices"),
        ("C", "Joint Communications"),
        ("D", "Common Premises"),
        ("E", "Joint Resource Mobilization"),
        ("F", "Common Budgetary Framework"),
        ("G", "Organizational Change"),
    ]


def test_common_premises_says_when_it_may_not_apply(content: Content) -> None:
    premises = content.framework.workstream("D")
    assert premises.qualifier == "(where feasible)"
    conditions = " ".join(premises.may_not_apply_when).lower()
    assert "security" in conditions
    assert "building" in conditions
    assert premises.may_not_apply_source is Source.read


def test_every_workstream_has_a_scope_and_actions(content: Content) -> None:
    for ws in content.framework.workstreams:
        assert len(ws.scope) > 60
        assert content.framework.actions_for(ws.code), ws.code


def test_reconstructed_steps_and_actions_keep_their_inferred_marker(content: Content) -> None:
    fw = content.framework
    assert {s.number for s in fw.steps if s.source is Source.inferred} == {2, 6, 8}
    for number in (2, 6, 8):
        assert all(a.source is Source.inferred for a in fw.step(number).actions)
    # Step 3's objectives were read, its actions were not.
    assert fw.step(3).source is Source.read
    assert all(a.source is Source.inferred for a in fw.step(3).actions)
    assert all(a.source is Source.read for a in fw.step(4).actions)


def test_monitoring_and_coordination_actions_are_anchored_to_the_sequential_steps(content: Content) -> None:
    fw = content.framework
    anchors = {a.id: (a.timing.when, a.timing.step) for a in fw.actions if a.timing}
    assert anchors["7.1"] == ("at", 1)
    assert anchors["7.2"] == ("at", 3)
    assert anchors["7.3"] == ("at", 5)
    assert anchors["7.4"] == ("during", 6)
    assert anchors["9.1"] == ("from", 1)
    assert anchors["9.3"] == ("each", None)
