"""One run per workstream of a country at a time, decided by the database: a start first takes the
workstream's claim (a row under a unique constraint), so of two starts at the same moment one makes the run
and the other answers with it. A claim whose run is over (finished, failed, crashed, cancelled, or gone from
Prefect) is released by the next start; one never given a run (its start died) after STALE."""

from __future__ import annotations

import datetime as dt
import time
from typing import Protocol

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, delete, select

from cer.db.tables import RunClaimRow, utcnow
from cer.services.errors import Conflict
from workstreams.errors import N_


class Launcher(Protocol):
    """What a claim needs of Prefect (cer.services.runs.Launcher has it): the states of runs."""

    def states(self, run_ids: list[str]) -> dict[str, tuple[str, int | None]] | None: ...


ACTIVE = frozenset({"SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CANCELLING"})  # Prefect's state types
STALE = dt.timedelta(minutes=2)  # a claim without a run for this long: its start died
WAIT_SECONDS = 30.0  # how long a start waits for the run of a start made at the same moment


def take(*, session: Session, country: str, workstream: str, by: str, launcher: Launcher) -> str | None:
    """Claim the workstream for a new run (None), or the id of its run that is still going."""
    deadline = time.monotonic() + WAIT_SECONDS
    while True:
        try:
            session.add(RunClaimRow(country_code=country, workstream=workstream, claimed_by=by))
            session.commit()
            return None
        except IntegrityError:
            session.rollback()
        held = _held(session, country, workstream)
        if held is None:
            continue  # released meanwhile: claim it
        if held.flow_run_id is not None and _going(launcher, held.flow_run_id):
            return held.flow_run_id
        if held.flow_run_id is None and utcnow() - _aware(held.claimed_at) < STALE:
            if time.monotonic() > deadline:
                raise Conflict(
                    N_(
                        "%(user)s is starting workstream %(workstream)s of %(country)s right now: "
                        "see `cer runs %(country)s` or the plan's Flows page in a moment"
                    ),
                    user=held.claimed_by,
                    workstream=workstream,
                    country=country,
                )
            time.sleep(0.25)  # the other start is making its run
            continue
        release(session=session, country=country, workstream=workstream, only=held.id)


def give(*, session: Session, country: str, workstream: str, run_id: str) -> None:
    """The claim's run, once Prefect has made it (committed with the run's record)."""
    held = _held(session, country, workstream)
    if held is not None:
        held.flow_run_id = run_id
        session.add(held)


def release(*, session: Session, country: str, workstream: str, only: int | None = None) -> None:
    """Let the workstream be started again (a start that failed; a run that is over)."""
    where = [col(RunClaimRow.country_code) == country, col(RunClaimRow.workstream) == workstream]
    if only is not None:
        where.append(col(RunClaimRow.id) == only)
    session.rollback()
    session.exec(delete(RunClaimRow).where(*where))
    session.commit()


def _held(session: Session, country: str, workstream: str) -> RunClaimRow | None:
    session.expire_all()
    query = select(RunClaimRow).where(
        RunClaimRow.country_code == country, RunClaimRow.workstream == workstream
    )
    return session.exec(query).first()


def _going(launcher: Launcher, run_id: str) -> bool:
    """Whether the run is still going; when Prefect does not answer, it is taken to be (no second run)."""
    states = launcher.states([run_id])
    if states is None:
        return True
    state = states.get(run_id)
    return state is not None and state[0] in ACTIVE


def _aware(when: dt.datetime) -> dt.datetime:
    return when if when.tzinfo else when.replace(tzinfo=dt.UTC)
