"""The error answers the API can give, declared in the OpenAPI document with their one shape."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field


class FieldError(BaseModel):
    field: str | None = Field(description="The field the message is about (dotted path), or none")
    message: str = Field(description="What was wrong, in words a person acts on")


class Errors(BaseModel):
    """Every error answer: one or more messages, each with the field it is about."""

    errors: list[FieldError]


WHY = {
    401: "No token, or one that is not valid (Authorization: Bearer <token>)",
    403: "The token's user has no role that allows it in this country",
    404: "Nothing with that id or code",
    409: "Changed meanwhile: nothing was written (reload and try again)",
    413: "The request body is larger than 2 MB",
    422: "A bad value, each bad field named",
}


def errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a router: these statuses, with the errors shape."""
    return {status: {"model": Errors, "description": WHY[status]} for status in statuses}


PUBLIC = errors(404, 422)  # the toolkit's content: no token needed
PERSONAL = errors(401, 403, 404, 409, 413, 422)  # everything about a country
