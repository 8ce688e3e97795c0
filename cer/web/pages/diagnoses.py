"""A stored diagnosis: its result (workstreams, actions and tools with the reasons for each, summed up at the
top, long lists folded), each decision changed in place by a coordinator with a justification (a new
diagnosis, back at the item with a notice; with htmx, the result re-rendered in place), and the plan made
from it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response

from cer.content import Content
from cer.services import consensus, planning
from cer.services.access import Principal
from cer.services.answers import diagnosis_with_plan
from cer.services.diagnoses import Superseded, override_decision
from cer.services.errors import InvalidFields
from cer.views.error_words import by_field_in, in_language
from cer.views.error_words import in_words as in_words_of
from cer.views.i18n import N_
from cer.views.public import DiagnosisPublic
from cer.views.reason_words import in_words
from cer.views.render_diagnosis import Decisions, anchor, item_name, overridden
from cer.views.render_spread import cited
from cer.views.schedule import report_lines
from cer.web.deps import DB, CurrentUser, RowId, Today, content, language, stored_content
from cer.web.notices import redirect_with_notice
from cer.web.templating import is_fragment, render, tr
from diagnostics.answers import AnswersError
from workstreams.dates import Day

PLAN_CREATED = N_("The plan was created from the diagnosis.")
PLAN_MERGED = N_("The diagnosis was merged into the plan: see History for what changed.")
router = APIRouter(include_in_schema=False)  # pages; the API documents /api only


JUSTIFICATION = 2000  # characters: the textarea's maxlength too


@dataclass
class DecisionForm:
    """What a decision's form posts: the item (hidden fields beside it in the result, or `item` chosen from
    the select of what the result leaves out, e.g. `tool:T054`, `action:4.1@D`), the decision and why; `at`
    is where in the page the form is (`ws-D`; none or `more`: the form "Include something else")."""

    target: Annotated[str, Form(max_length=40)] = ""
    id: Annotated[str, Form(max_length=40)] = ""
    workstream: Annotated[str, Form(max_length=40)] = ""
    item: Annotated[str, Form(max_length=80)] = ""
    decision: Annotated[str, Form(max_length=40)] = ""
    justification: Annotated[str, Form(max_length=JUSTIFICATION)] = ""
    at: Annotated[str, Form(max_length=40)] = ""

    def fields(self) -> dict[str, str]:
        """The override's own fields, as the service takes them."""
        target, item, workstream = self.target, self.id, self.workstream
        if self.item:
            target, _, rest = self.item.partition(":")
            item, _, workstream = rest.partition("@")
        fields = {
            "target": target,
            "id": item,
            "decision": self.decision,
            "justification": self.justification,
        }
        return fields | ({"workstream": workstream} if workstream else {})


@dataclass(frozen=True)
class Refused:
    """A decision refused: its errors by field, in the page's language, beside the form that was posted."""

    errors: dict[str, str]
    form: DecisionForm


FIELD_LABELS = {  # the decision forms' fields as the page names them
    "target": N_("What"),
    "id": N_("Which"),
    "item": N_("What to include"),
    "workstream": N_("Workstream"),
    "decision": N_("Decision"),
    "justification": N_("Justification"),
}
INCLUDED = N_("Included: %(item)s. The reasons show your justification (diagnosis %(number)s).")
EXCLUDED = N_("Excluded: %(item)s. The reasons show your justification (diagnosis %(number)s).")


def _result_page(
    request: Request,
    session: DB,
    who: Principal,
    diagnosis_id: int,
    today: dt.date,
    refused: Refused | None = None,
    status_code: int | None = None,
    **more: Any,
) -> HTMLResponse:
    """The diagnosis' result; with `refused`, a decision refused (422) beside what was typed."""
    c = content(request)
    found = diagnosis_with_plan(session=session, who=who, content=c, diagnosis_id=diagnosis_id, today=today)
    result = DiagnosisPublic.of(found.report).model_dump(mode="json")
    return render(
        request,
        "diagnosis.html",
        status_code or (422 if refused else 200),
        title=tr(request, "Diagnosis for %(country)s", country=found.report.country.name),
        row=found.row,
        report=found.report,
        result=result,
        schedule=report_lines(found.report, language(request)),
        framework=c.framework,
        catalogue=c.catalogue,
        reason_words=_reasons_in_words(session, diagnosis_id, c),
        plan=found.plan,
        decisions=Decisions(result, c),
        anchor=anchor,
        overridden=overridden,
        refused=refused,
        field_labels={k: tr(request, v) for k, v in FIELD_LABELS.items()},
        today=today.isoformat(),
        **more,
    )


def _reasons_in_words(session: DB, diagnosis_id: int, c: Content) -> Callable[[Any], str]:
    """A reason in the page's language; for a diagnosis of several respondents' consensus, with the spread
    of the answers it quotes ("4 of 6 agencies answered “No”")."""
    spread = consensus.diagnosis_spread(session=session, diagnosis_id=diagnosis_id)
    if spread is None:
        return lambda reason: in_words(reason, c)
    spreads, word = spread
    return lambda reason: cited(reason, spreads, word, c)


@router.get("/diagnoses/{diagnosis_id}", response_class=HTMLResponse)
def show_diagnosis(
    request: Request, diagnosis_id: RowId, session: DB, who: CurrentUser, today: Today
) -> HTMLResponse:
    """A diagnosis, if the user may read its country's plan."""
    return _result_page(request, session, who, diagnosis_id, today)


def _override_errors(exc: InvalidFields | AnswersError, form: DecisionForm, lang: str) -> dict[str, str]:
    """Each refused field of an override, by the form's field name, in the page's language (the item chosen
    from a list: its one field `item`)."""
    if isinstance(exc, InvalidFields):
        found = {("target" if k == "form" else k): m for k, m in by_field_in(exc, lang).items()}
    else:
        found = {
            p.where.rpartition(".")[2] or "id": in_language(p.message, lang) for p in reversed(exc.problems)
        }
    if not form.item:
        return found
    chosen = {k: m for k, m in found.items() if k in ("target", "id", "workstream")}  # all one select's
    return {k: m for k, m in found.items() if k not in chosen} | (
        {"item": next(iter(chosen.values()))} if chosen else {}
    )


def _decided(
    request: Request, session: DB, who: Principal, number: int, form: DecisionForm, today: dt.date
) -> Response:
    """Back to the item just decided, in the new diagnosis, saying what was done: the page (a notice held on
    the server) or, for htmx, the result in place of the old one."""
    fields = form.fields()
    item = item_name(content(request), fields["target"], fields["id"])
    said = tr(request, INCLUDED if fields["decision"] == "include" else EXCLUDED, item=item, number=number)
    place = anchor(fields["target"], fields["id"], fields.get("workstream"))
    if not is_fragment(request):
        return redirect_with_notice(request, f"/diagnoses/{number}#{place}", said)
    page = _result_page(request, session, who, number, today, extra_notices=[said])
    page.headers["HX-Push-Url"] = f"/diagnoses/{number}#{place}"
    page.headers["HX-Reswap"] = f"innerHTML show:#{place}:top"  # the item decided in sight
    return page


@router.post("/diagnoses/{diagnosis_id}/overrides", response_class=HTMLResponse)
def add_override(
    request: Request,
    diagnosis_id: RowId,
    session: DB,
    who: CurrentUser,
    today: Today,
    form: Annotated[DecisionForm, Depends()],
) -> Response:
    """Include or exclude one workstream, action or tool, with a justification: a new diagnosis, shown at
    the item decided."""
    try:
        stored = override_decision(
            session=session, who=who, content=stored_content(request), diagnosis_id=diagnosis_id,
            fields=form.fields(),
        )  # fmt: skip
    except (InvalidFields, AnswersError, Superseded) as exc:
        return _not_decided(request, session, who, diagnosis_id, today, form, exc)
    return _decided(request, session, who, stored.id or diagnosis_id, form, today)


def _not_decided(
    request: Request,
    session: DB,
    who: Principal,
    diagnosis_id: int,
    today: dt.date,
    form: DecisionForm,
    exc: InvalidFields | AnswersError | Superseded,
) -> HTMLResponse:
    """A decision refused: beside the form posted (422); or, posted on a diagnosis a newer one builds on, the
    newest shown instead, saying so (409), its forms to decide again."""
    if not isinstance(exc, Superseded):
        refused = Refused(_override_errors(exc, form, language(request)), form)
        return _result_page(request, session, who, diagnosis_id, today, refused)
    said = in_words_of(exc, language(request))
    page = _result_page(request, session, who, exc.newest, today, status_code=409, extra_notices=[said])
    page.headers["HX-Push-Url"] = f"/diagnoses/{exc.newest}"
    return page


@router.post("/diagnoses/{diagnosis_id}/plan", response_class=HTMLResponse)
def create_plan(
    request: Request,
    diagnosis_id: RowId,
    session: DB,
    who: CurrentUser,
    start: Annotated[Day | None, Form()] = None,
    finish_by: Annotated[Day | None, Form()] = None,
) -> Response:
    """Create the country's plan from this diagnosis, or merge it into the plan the country has; backward
    from `finish_by` (by default the next programme cycle's start, when the answers give it)."""
    adopted = planning.adopt_diagnosis(
        session=session, who=who, diagnosis_id=diagnosis_id, content=stored_content(request), start=start,
        finish_by=finish_by,
    )  # fmt: skip
    done = (
        PLAN_MERGED if adopted.what == "merged" else PLAN_CREATED
    )  # (not inside tr(): Babel would take "merged")
    said = tr(request, done)
    return redirect_with_notice(request, f"/countries/{adopted.plan.country_code}", said)
