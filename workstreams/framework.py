"""The framework as one object: steps, main actions and workstreams, with lookups by id."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from workstreams.errors import N_, NotFound
from workstreams.models import Action, Step, Workstream


@dataclass(frozen=True)
class Framework:
    steps: Sequence[Step]
    workstreams: Sequence[Workstream]
    _actions: dict[str, Action] = field(init=False, repr=False, compare=False)
    _steps: dict[int, Step] = field(init=False, repr=False, compare=False)
    _workstreams: dict[str, Workstream] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_actions", {a.id: a for s in self.steps for a in s.actions})
        object.__setattr__(self, "_steps", {s.number: s for s in self.steps})
        object.__setattr__(self, "_workstreams", {w.code: w for w in self.workstreams})

    @property
    def actions(self) -> list[Action]:
        return list(self._actions.values())

    def step(self, number: int) -> Step:
        try:
            return self._steps[number]
        except KeyError:
            raise NotFound(N_("step"), number, self._steps) from None

    def action(self, action_id: str) -> Action:
        try:
            return self._actions[action_id]
        except KeyError:
            raise NotFound(N_("action"), action_id, self._actions) from None

    def workstream(self, code: str) -> Workstream:
        found = self._workstreams.get(code) or self._workstreams.get(code.strip().upper())
        if found is None:
            raise NotFound(N_("workstream"), code, self._workstreams)
        return found

    def actions_for(self, code: str) -> list[Action]:
        """The main actions of one workstream, in step order."""
        ws = self.workstream(code)
        return [a for a in self._actions.values() if ws.code in a.workstreams]
