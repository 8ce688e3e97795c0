"""The catalogue as one object: tools and support providers, with lookups and browse filters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from tools_catalog.models import SupportProvider, Tool, ToolType
from tools_catalog.search import SearchIndex, SearchResult
from tools_catalog.text import compact
from workstreams.errors import N_, InvalidRequest, NotFound


@dataclass(frozen=True)
class ToolFilter:
    """Browse facets; each one given narrows the list (AND)."""

    workstream: str | None = None
    step: int | None = None
    type: ToolType | None = None
    country: str | None = None
    action: str | None = None


@dataclass(frozen=True)
class Catalogue:
    tools: Sequence[Tool]
    providers: Sequence[SupportProvider]
    _by_id: dict[str, Tool] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_by_id", {t.id: t for t in self.tools})

    def tool(self, tool_id: str) -> Tool:
        try:
            return self._by_id[tool_id.strip().upper()]
        except KeyError:
            raise NotFound(N_("tool"), tool_id, self._by_id) from None

    @cached_property
    def countries(self) -> list[str]:
        """Countries that examples come from, most examples first."""
        counts = Counter(c for t in self.tools for c in t.countries)
        return [c for c, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]

    def country(self, name: str) -> str:
        """The catalogue's spelling of a country typed in any case, with or without accents or spaces."""
        wanted = compact(name)
        for known in self.countries:
            if compact(known) == wanted:
                return known
        raise NotFound(N_("country"), name, sorted(self.countries))

    def filter(self, facets: ToolFilter) -> list[Tool]:
        country = self.country(facets.country) if facets.country else None
        return [
            t
            for t in self.tools
            if (facets.workstream is None or facets.workstream in t.workstreams)
            and (facets.step is None or facets.step in t.steps)
            and (facets.type is None or t.type is facets.type)
            and (country is None or country in t.countries)
            and (facets.action is None or facets.action in t.actions)
        ]

    def providers_for(self, workstream: str | None = None, step: int | None = None) -> list[SupportProvider]:
        return [
            p
            for p in self.providers
            if (workstream is None or workstream in p.workstreams) and (step is None or step in p.steps)
        ]

    @cached_property
    def by_action(self) -> dict[tuple[str, str], list[str]]:
        """Tool ids by (action, workstream): the tools that support an action within a workstream."""
        linked: dict[tuple[str, str], list[str]] = {}
        for tool in self.tools:
            for action in tool.actions:
                for code in tool.workstreams:
                    linked.setdefault((action, code), []).append(tool.id)
        return linked

    @cached_property
    def index(self) -> SearchIndex:
        return SearchIndex(self.tools)

    def search(self, query: str, limit: int = 10) -> SearchResult:
        if not query.strip():
            raise InvalidRequest(N_("give one or more words to search for"))
        return self.index.query(query, limit=limit)
