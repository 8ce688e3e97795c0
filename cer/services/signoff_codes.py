"""One-time sign-off codes: a step signed off by an account in Prefect's UI, which has no sign-in of ours.

A coordinator asks for a code for one step of one country's workstream (the flows page, `cer signoff --code`);
typed into the form of the run waiting for that step, it signs the step off as that coordinator, once, within
VALID. A wrong, used, expired or other step's code is refused and nothing is recorded. Only the code's SHA-256
is kept."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from dataclasses import dataclass

from sqlmodel import Session, col, select

from cer.db.tables import SignOffCodeRow, utcnow
from cer.services import workflow
from cer.services.access import Action, Principal, require
from cer.services.plans import get_plan
from cer.services.workflow import SignOff
from workstreams.errors import N_, InvalidRequest
from workstreams.framework import Framework

VALID = dt.timedelta(hours=24)
ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I: read aloud or copied from a screen


@dataclass(frozen=True)
class Issued:
    """A code just made (shown this once: only its digest is kept), what it signs off, as whom, until when."""

    code: str
    row: SignOffCodeRow


def issue(*, session: Session, who: Principal, country: str, workstream: str, step: int) -> Issued:
    """A new code signing `step` of the country's `workstream` off as `who` (a coordinator there)."""
    require(who, Action.sign_off, country)
    raw = "".join(secrets.choice(ALPHABET) for _ in range(10))
    code = f"{raw[:5]}-{raw[5:]}"
    now = utcnow()
    row = SignOffCodeRow(
        code_hash=_digest(code), country_code=country.strip().upper(), workstream=workstream.strip().upper(),
        step=step, username=who.username, created_at=now, expires_at=now + VALID,
    )  # fmt: skip
    session.add(row)
    session.commit()
    session.refresh(row)
    return Issued(code, row)


def holder(*, session: Session, code: str, country: str, workstream: str, step: int) -> SignOffCodeRow:
    """The code's row, if it is valid for this step now; otherwise InvalidRequest (the same words for every
    kind of wrong code: a guess learns nothing)."""
    found = session.exec(select(SignOffCodeRow).where(col(SignOffCodeRow.code_hash) == _digest(code))).first()
    right = found is not None and (found.country_code, found.workstream, found.step) == (
        country.strip().upper(),
        workstream.strip().upper(),
        step,
    )
    if not right or found is None or found.used_at is not None or _aware(found.expires_at) <= utcnow():
        raise InvalidRequest(
            N_(
                "that sign-off code is not valid for this step: get one on the plan's Flows page or with "
                "`cer signoff %(country)s %(workstream)s --step %(step)s --code`"
            ),
            country=country,
            workstream=workstream,
            step=step,
        )
    return found


def used(*, session: Session, row: SignOffCodeRow) -> None:
    row.used_at = utcnow()
    session.add(row)
    session.commit()


def _digest(code: str) -> str:
    return hashlib.sha256(code.strip().upper().encode()).hexdigest()


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)


def sign_off_by_code(
    *,
    session: Session,
    country: str,
    workstream: str,
    step: int,
    code: str,
    note: str | None,
    framework: Framework,
    flow_run_id: str | None,
) -> SignOff:
    """Sign a step off through a waiting run's form: as the account the code was made for; a step already
    signed off (on the website or the command line, which resumed the run) needs no code."""
    plan = get_plan(session=session, country=country)
    signed = workflow.signed_steps(session=session, plan_id=plan.id or 0, code=workstream.strip().upper())
    if step in signed:
        return SignOff(signed[step], already=True)
    row = holder(session=session, code=code, country=plan.country_code, workstream=workstream, step=step)
    done = workflow.sign_off(
        session=session, country=country, code=workstream, step=step, by=row.username, note=note,
        framework=framework, flow_run_id=flow_run_id,
    )  # fmt: skip
    used(session=session, row=row)
    return done
