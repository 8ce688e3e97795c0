"""The JSON API under /api: tools, questionnaire, diagnoses, plans, tasks, flow runs and sign-offs.

Lists are paginated (`page`, `per_page`; the answer says `total`). Every error body is
`{"errors": [{"field": ..., "message": ...}]}`: 401 no or a bad token, 403 the role or country does not
allow it, 404 unknown ids, 409 a change made meanwhile, 422 bad input. Request bodies are pydantic models
that refuse unknown fields (cer.views.requests); every answer is one of cer.views.public's models, which the
OpenAPI document (/api/openapi.json) describes.

The toolkit's content and questionnaire are public. Everything about a country needs a personal token
(`Authorization: Bearer cer_…`, from `cer tokens create` or the Account page) of a user with a role there;
lists show only the countries the user has a role in. Changes are recorded as made by the token's user.
"""

from __future__ import annotations

from cer.web.api import content, diagnoses, plans, respondents, runs, tasks

MODULES = (content, diagnoses, plans, tasks, runs, respondents)  # each has its `router`, under /api
