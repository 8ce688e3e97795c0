"""The framework as one object: steps, main actions and workstreams, with lookups by id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from workstreams.errors import NotFound
from workstreams.models import Action, Step, Workstream


@dataclass(frozen=True)
class Framework:
    steps: Sequence[Step]
    workstreams: Sequence[Workstream]
    _actions: dict[str, Action] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        actions = {a.id: a for s in self.steps for a in s.actions}
        object.__setattr__(self, "_actions", actions)

    @property
    def actions(self) -> list[Action]:
        return list(self._actions.values())

    def step(self, number: int) -> Step:
        for step in self.steps:
            if step.number == number:
                return step
        raise NotFound("step", number, [s.number for s in self.steps])

    def action(self, action_id: str) -> Action:
        try:
            return self._actions[action_id]
        except KeyError:
            raise NotFound("action", action_id, self._actions) from None

    def workstream(self, code: str) -> Workstream:
        wanted = code.strip().upper()
        for ws in self.workstreams:
            if ws.code == wanted:
                return ws
        raise NotFound("workstream", code, [w.code for w in self.workstreams])

    def actions_for(self, code: str) -> list[Action]:
        """The main actions of one workstream, in step order."""
        ws = self.workstream(code)
        return [a for a in self._actions.values() if ws.code in a.workstreams]
