"""Prefect for the services (`cer.services.runs.Launcher`): start and resume flow runs, read their states.

The services validate parameters first, so a bad value never creates a run. Everything here points Prefect at
the configured server and refuses clearly when none answers.

Prefect reads its settings once, when it is first imported. A process that imported it before the
configured server was known (the website imports `flows` in its routes) would otherwise find no API address
and start a throwaway server of its own; so every call here runs inside `connected()`, which gives Prefect
the configured address and forbids that throwaway server, whatever was imported when.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from cer.runtime.prefect_env import PrefectSettings, server_is_up, use_prefect
from cer.services.runs import LaunchedRun
from workstreams.errors import InvalidRequest

DEPLOYMENT = "cer"  # every flow is deployed under this name: "workstream-b/cer"


def prefect_or_refuse() -> PrefectSettings:
    """Point Prefect at the configured server; refuse clearly when it is not running."""
    settings = use_prefect()
    if not server_is_up(settings):
        raise InvalidRequest(
            f"no Prefect server answers at {settings.api_url}: start it with `make run` (cer up)"
        )
    return settings


@contextmanager
def connected(settings: PrefectSettings) -> Iterator[None]:
    """Prefect calls inside talk to `settings.api_url` and never start a server of their own."""
    from prefect.settings import (
        PREFECT_API_AUTH_STRING,
        PREFECT_API_URL,
        PREFECT_SERVER_EPHEMERAL_ENABLED,
        temporary_settings,
    )

    updates: dict[Any, Any] = {PREFECT_API_URL: settings.api_url, PREFECT_SERVER_EPHEMERAL_ENABLED: False}
    if settings.auth:
        updates[PREFECT_API_AUTH_STRING] = settings.auth  # the secret of the server `cer up` started
    with temporary_settings(updates=updates):
        yield


class PrefectLauncher:
    """`cer.services.runs.Launcher` on the configured Prefect server (`cer.runtime.prefect_env`)."""

    def start(self, flow: str, parameters: dict[str, Any], name: str | None = None) -> LaunchedRun:
        """Create a run of a served deployment, named `name`; the worker starts it. Refused when nothing
        can take it."""
        settings = prefect_or_refuse()
        from prefect.deployments import run_deployment
        from prefect.exceptions import ObjectNotFound

        try:
            with connected(settings):
                run = run_deployment(
                    f"{flow}/{DEPLOYMENT}",
                    parameters=parameters,
                    timeout=0,
                    as_subflow=False,
                    flow_run_name=name,
                )
        except ObjectNotFound:
            raise InvalidRequest(
                f"the Prefect server has no deployment {flow}/{DEPLOYMENT}: start `cer worker`"
            ) from None
        run_id = str(run.id)  # type: ignore[union-attr]
        return LaunchedRun(run_id, str(run.name), f"{settings.ui_url}/runs/flow-run/{run_id}")  # type: ignore[union-attr]

    def describe(self, run_id: str) -> LaunchedRun:
        """A run's name and page in Prefect's UI; its id as its name when Prefect does not answer."""
        settings = use_prefect()
        page = f"{settings.ui_url}/runs/flow-run/{run_id}"
        if not server_is_up(settings):
            return LaunchedRun(run_id, run_id, page)
        from flows.signoff import run_name

        with connected(settings):
            return LaunchedRun(run_id, run_name(run_id) or run_id, page)

    def resume_signed(self, country: str, workstream: str) -> tuple[list[str], str | None]:
        """Resume the run waiting for a sign-off; without a Prefect server, say so (monitor-plans will)."""
        settings = use_prefect()
        if not server_is_up(settings):
            return (
                [],
                f"no Prefect server at {settings.api_url}: "
                "a waiting run resumes when monitor-plans next runs",
            )
        from flows.signoff import resume_signed_runs

        with connected(settings):
            return [r.flow_run_id for r in resume_signed_runs(country=country, workstream=workstream)], None

    def states(self, run_ids: list[str]) -> dict[str, tuple[str, int | None]] | None:
        return run_states(run_ids)


def run_states(run_ids: list[str]) -> dict[str, tuple[str, int | None]] | None:
    """(state, step it waits for) of each run on the Prefect server; None when no server answers."""
    settings = use_prefect()
    if not run_ids or not server_is_up(settings):
        return None if run_ids else {}
    from flows.signoff import run_state

    states: dict[str, tuple[str, int | None]] = {}
    with connected(settings):
        for run_id in run_ids:
            try:
                state, _, step = run_state(run_id)
            except Exception:  # noqa: BLE001  (a run deleted from Prefect: shown as unknown)
                state, step = "UNKNOWN", None
            states[run_id] = (state, step)
    return states
