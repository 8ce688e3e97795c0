"""Pages of a list: the query parameters every list takes, and the answer's shape."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Query

from cer.views.public import Page

PAGE_SIZE = 25
PageNumber = Annotated[int, Query(ge=1, le=100_000, description="Page number, from 1")]
PerPage = Annotated[int, Query(ge=1, le=500, description="Items per page")]


def offset(page: int, per_page: int) -> int:
    return (page - 1) * per_page


def page_of(items: list[Any], total: int, page: int, per_page: int) -> Page[Any]:
    return Page[Any](total=total, page=page, per_page=per_page, items=items)
