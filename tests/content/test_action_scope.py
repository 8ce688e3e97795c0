"""Whether a main action is done once for the whole change (`shared`) or in each workstream: content, and
what it asks of the rest of the content."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest

from cer.content import Content, ContentError, load_content
from cer.db.migrate import MIGRATIONS
from workstreams.models import Scope, Source

PLANNING = "diagnostics/content/planning.yaml"


def test_actions_done_once_for_the_change_are_shared_and_plans_by_workstream_are_not(
    content: Content,
) -> None:
    scope = {a.id: a.scope for a in content.framework.actions}
    for shared in ("1.1", "1.2", "1.3", "1.4", "3.1", "7.1", "9.1", "9.2", "9.3"):
        assert scope[shared] is Scope.shared, shared
    for each in (
        "3.2",
        "5.1",
        "6.1",
    ):  # a results matrix, an implementation plan, its execution: per workstream
        assert scope[each] is Scope.per_workstream, each
    assert all(a.scope_source is Source.inferred for a in content.framework.actions)  # our reading, marked so


def test_a_shared_action_whose_workstreams_are_led_by_different_groups_names_its_lead(
    content_copy: Path,
) -> None:
    path = content_copy / PLANNING
    text = path.read_text(encoding="utf-8")
    assert '"4.1": omt, ' in text
    path.write_text(text.replace('"4.1": omt, ', ""), encoding="utf-8")
    with pytest.raises(ContentError) as caught:
        load_content(content_copy)
    assert [str(p) for p in caught.value.problems] == [
        f"{PLANNING}: leads.by_action: action 4.1 is one task shared by workstreams B, G, whose leads differ "
        "(omt, rc_office): name its lead here (or in leads.by_step.4)"
    ]


def test_migration_0010_merged_the_copies_of_exactly_the_actions_the_content_shares(content: Content) -> None:
    """A change of scope in the content changes the task keys of existing plans: it needs a migration."""
    spec = importlib.util.spec_from_file_location("m0010", MIGRATIONS / "versions" / "0010_shared_actions.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert {a.id for a in content.framework.actions if a.scope is Scope.shared} == module.SHARED
