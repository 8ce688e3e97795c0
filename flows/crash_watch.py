"""Runs whose worker died are marked crashed: an automation on the Prefect server, set up by every worker.

A running flow run sends a heartbeat event every `CER_RUN_HEARTBEAT_SECONDS` (30 by default; Prefect's
`PREFECT_FLOWS_HEARTBEAT_FREQUENCY`, passed to the worker and so to each run's process). When a worker dies
(killed, its machine gone) its runs stop sending them but stay "running" in Prefect for ever. The
automation below — Prefect's own remedy for such "zombie" runs, evaluated by the server — sets a run to
CRASHED when twice that time passes after a heartbeat with neither another heartbeat nor a state that ends
or suspends the run. A run suspended for a sign-off sends none and is left alone. The website, the API and
`cer runs` then say "stopped unexpectedly", and the workstream can be started again (cer.services.claims).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

NAME = "cer-toolkit: mark runs whose worker died as crashed"
# After a heartbeat, any of these within the window means the run is alive, over, or waiting on purpose.
_ALIVE_OR_ENDED = {
    "prefect.flow-run.heartbeat",
    *(
        f"prefect.flow-run.{state}"
        for state in ("Completed", "Failed", "Cancelled", "Cancelling", "Crashed", "Paused", "Suspended")
    ),
}


def silence(heartbeat_seconds: int) -> dt.timedelta:
    """How long a run may go without a heartbeat before it counts as crashed."""
    return dt.timedelta(seconds=2 * heartbeat_seconds)


def automation(heartbeat_seconds: int) -> Any:
    """The automation, as Prefect's client takes it."""
    from prefect.client.schemas.objects import StateType
    from prefect.events.actions import ChangeFlowRunState
    from prefect.events.schemas.automations import AutomationCore, EventTrigger, Posture
    from prefect.events.schemas.events import ResourceSpecification

    window = silence(heartbeat_seconds)
    return AutomationCore(
        name=NAME,
        description="Set up by cer-toolkit's worker (flows/crash_watch.py).",
        trigger=EventTrigger(
            match=ResourceSpecification({"prefect.resource.id": ["prefect.flow-run.*"]}),
            after={"prefect.flow-run.heartbeat"},
            expect=_ALIVE_OR_ENDED,
            for_each={"prefect.resource.id"},
            posture=Posture.Proactive,
            threshold=1,
            within=window,
        ),
        actions=[
            ChangeFlowRunState(
                state=StateType.CRASHED,
                message=f"No heartbeat for {int(window.total_seconds())} s: its worker stopped.",
            )
        ],
    )


def ensure(heartbeat_seconds: int) -> None:
    """Create the automation on the configured Prefect server, or replace it if its window differs; call
    inside `flows.launch.connected`."""
    from prefect.client.orchestration import get_client

    wanted = automation(heartbeat_seconds)
    with get_client(sync_client=True) as client:
        found = client.read_automations_by_name(NAME)
        if any(_same(a, wanted) for a in found) and len(found) == 1:
            return
        for old in found:
            client.delete_automation(old.id)
        client.create_automation(wanted)


def _same(found: Any, wanted: Any) -> bool:
    return bool(found.enabled and found.trigger.within == wanted.trigger.within)
