"""Turning command-line or query-string facet values into a checked `ToolFilter`.

An unknown workstream, step or country raises `NotFound`, which entry points turn into exit code 2 / HTTP 404.
"""

from __future__ import annotations

from cer.content import Content
from tools_catalog.catalogue import ToolFilter
from tools_catalog.models import ToolType


def checked_workstream(content: Content, code: str | None) -> str | None:
    return content.framework.workstream(code).code if code is not None else None


def checked_step(content: Content, number: int | None) -> int | None:
    return content.framework.step(number).number if number is not None else None


def tool_filter(
    content: Content, workstream: str | None, step: int | None, type_: str | None, country: str | None
) -> ToolFilter:
    return ToolFilter(
        workstream=checked_workstream(content, workstream),
        step=checked_step(content, step),
        type=ToolType(type_.lower()) if type_ is not None else None,
        country=content.catalogue.country(country) if country is not None else None,
    )
