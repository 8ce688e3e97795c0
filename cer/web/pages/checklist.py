"""The toolkit's checklist by step and main action: generic, and per country with each task's status.

The page prints cleanly: its print stylesheet is inline, allowed by its hash alone (no other inline style)."""

from __future__ import annotations

import base64
import hashlib
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from cer.services import country_plans
from cer.views.report_checklist import StepTicks, checklist
from cer.web.deps import DB, CurrentUser, content
from cer.web.security import CSP
from cer.web.templating import render, tr

router = APIRouter(include_in_schema=False)  # pages; the API documents /api only
PRINT_CSS = (
    "@page { size: A4; margin: 14mm 14mm 16mm; }"
    " .checklist ul { list-style: none; padding-left: 0; margin: 0.2rem 0 0.6rem; }"
    " .checklist ul ul { padding-left: 1.7rem; }"
    " .checklist li { margin: 0.15rem 0; }"
    " .mark { display: inline-block; width: 1.5em; font-size: 1.1em; }"
    " .status-dropped { text-decoration: line-through; color: #666; }"
    " @media print { header, footer, .tabs, .skip, .screen { display: none; }"
    " body, main { margin: 0; padding: 0; font-size: 10pt; }"
    " h2 { break-after: avoid; } .checklist li { break-inside: avoid; } a { color: inherit; } }"
)
_HASH = base64.b64encode(hashlib.sha256(PRINT_CSS.encode()).digest()).decode()
PAGE_CSP = CSP.replace("style-src 'self'", f"style-src 'self' 'sha256-{_HASH}'")


def _page(request: Request, title: str, steps: list[StepTicks], **context: Any) -> HTMLResponse:
    page = render(request, "checklist.html", title=title, steps=steps, print_css=Markup(PRINT_CSS), **context)
    page.headers["Content-Security-Policy"] = PAGE_CSP
    return page


@router.get("/checklist", response_class=HTMLResponse)
def generic_checklist(request: Request) -> HTMLResponse:
    """Steps 1–9 and their main actions with boxes to tick: the toolkit's checklist, for anyone."""
    steps = checklist(content(request).framework)
    return _page(request, tr(request, "Checklist by main activity and step"), steps, plan=None)


@router.get("/countries/{code}/checklist", response_class=HTMLResponse)
def country_checklist(request: Request, code: str, session: DB, who: CurrentUser) -> HTMLResponse:
    """The checklist with each of the country's tasks ticked as far as it has gone (readers of the plan)."""
    found = country_plans.readable_tasks(session=session, who=who, country=code)
    steps = checklist(content(request).framework, found.plan.country_code, found.tasks)
    title = tr(request, "Checklist by main activity and step: %(country)s", country=found.name)
    return _page(request, title, steps, plan=found.plan)
