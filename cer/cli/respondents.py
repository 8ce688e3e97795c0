"""Several respondents per country: `cer respondents MWI` shows their answers side by side; the
coordinator decides a tie (`--decide dq05=no --why "…"`) and diagnoses the consensus (`--diagnose`).

Like `cer users`, it works on this server's database directly, as its operator."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from cer.cli.app import AsUser, CountryArg, JsonOpt, acting_user, app, cli_errors, content, emit, invalid

if TYPE_CHECKING:
    from cer.services.access import Principal
    from cer.services.consensus import ConsensusDiagnosis, SideBySide

DecideOpt = Annotated[
    str | None,
    typer.Option(
        "--decide", help="QUESTION=ANSWER: the consensus's answer (several choices: a,b; none: withdraw)."
    ),
]
WhyOpt = Annotated[str | None, typer.Option("--why", help="Why this answer, with --decide.")]
DiagnoseOpt = Annotated[bool, typer.Option("--diagnose", help="Diagnose the consensus and store it.")]
DraftOpt = Annotated[bool, typer.Option("--draft", help="With --diagnose: accept unanswered questions.")]


@app.command("respondents")
@cli_errors
def respondents(
    country: CountryArg,
    decide: DecideOpt = None,
    why: WhyOpt = None,
    diagnose: DiagnoseOpt = False,
    draft: DraftOpt = False,
    as_: AsUser = None,
    json_: JsonOpt = False,
) -> None:
    """A country's respondents: per question the spread ("4 of 6 said no"), ties marked for a decision."""
    from cer.services.access import local_operator
    from cer.views import render_respondents as rr

    known = content(json_)
    shown = _act(local_operator(acting_user(as_)), country, decide, why, diagnose, draft)
    emit(
        lambda: rr.shown_json(shown, country.upper(), known),
        json_,
        lambda: rr.shown_text(shown, country.upper(), known),
    )


def _act(
    who: Principal, country: str, decide: str | None, why: str | None, diagnose: bool, draft: bool
) -> SideBySide | ConsensusDiagnosis:
    from cer.cli.app import stored_content
    from cer.runtime.config import get_settings
    from cer.services import consensus
    from cer.services.database import session_for

    known = stored_content()
    with session_for(get_settings()) as session:
        if decide is not None:
            question, equals, value = decide.partition("=")
            if not equals:
                raise invalid("--decide %(given)s: write QUESTION=ANSWER, e.g. dq05=no", given=decide)
            qid, answer = question.strip(), value.strip() or None
            consensus.decide(
                session=session, who=who, content=known, country=country, question=qid, value=answer, why=why
            )
        if diagnose:
            return consensus.diagnose_consensus(
                session=session, who=who, content=known, country=country, draft=draft
            )
        return consensus.side_by_side(session=session, who=who, content=known, country=country)
