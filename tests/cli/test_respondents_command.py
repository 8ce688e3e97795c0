"""`cer respondents`: the answers side by side ("2 of 3 respondents answered “No”"), a tie decided with why,
and the consensus diagnosed with the spread in its reasons; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from collections.abc import Callable

from typer.testing import Result

from cer.content import get_content
from cer.runtime.config import get_settings
from cer.services.access import local_operator
from cer.services.database import session_for
from cer.services.respondents import add_respondent
from tests.factories import make_answers


def test_a_coordinator_decides_the_tie_and_diagnoses_the_consensus(db: Callable[..., Result]) -> None:
    content = get_content()
    base, chidi = make_answers(content), local_operator("chidi")
    with session_for(get_settings()) as session:
        for label, said in (("UNDP", "no"), ("UNICEF", "yes"), ("WFP", "no"), ("WHO", "yes")):
            answers = {**base, "dq05": said, "dq01": "no" if label != "WHO" else "yes"}
            add_respondent(
                session=session, who=chidi, content=content, country="MWI", label=label, answers=answers
            )
    shown = db("respondents", "MWI")
    assert shown.exit_code == 0, shown.stderr
    assert "MWI, round 1 (open): 4 respondents: UNDP, UNICEF, WFP, WHO" in shown.stdout
    assert (
        "dq01  3 of 4 agencies answered “No”; 1 of 4 agencies answered “Yes”  → majority: no" in shown.stdout
    )
    assert "→ TIE: decide" in shown.stdout and "Ties to decide: dq05" in shown.stdout
    refused = db("respondents", "MWI", "--diagnose")
    assert refused.exit_code != 0 and "dq05" in refused.stderr
    decided = db("respondents", "MWI", "--decide", "dq05=no", "--why", "the staff survey")
    assert "decided no by tester — the staff survey" in decided.stdout
    done = db("respondents", "MWI", "--diagnose")
    assert done.exit_code == 0, done.stderr
    assert (
        "(2 of 4 agencies answered “No”; decided by tester)" in done.stdout
        and "(3 of 4 agencies answered “No”)" in done.stdout
    )
    data = json.loads(db("respondents", "MWI", "--json").stdout)
    assert data["undecided"] == [] and data["answers"]["dq05"] == "no"
    bad = db("respondents", "MWI", "--decide", "dq05")
    assert bad.exit_code != 0 and "QUESTION=ANSWER" in bad.stderr
