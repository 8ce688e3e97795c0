"""Finding a task by any name it has had: its key, the key or number of a per-workstream copy merged into it
(a shared action's tasks before migration 0010: 'MWI-B-1.1', '#57'), or a workstream's name for a shared
action it takes part in ('MWI-B-1.1' finds the shared task '1.1' when it serves B)."""

from __future__ import annotations

from sqlmodel import Session, col, select

from cer.db.tables import PlanRow, TaskAliasRow, TaskRow


def task_by_key(session: Session, country: str, key: str) -> TaskRow | None:
    """The task of `country`'s plan named `key`, 'B-1.1' or '1.1' alike; None when there is none."""
    task = session.exec(
        select(TaskRow).join(PlanRow).where(PlanRow.country_code == country, TaskRow.key == key)
    ).first()
    if task is not None:
        return task
    alias = session.exec(
        select(TaskRow)
        .join(TaskAliasRow, col(TaskAliasRow.task_id) == col(TaskRow.id))
        .join(PlanRow, col(PlanRow.id) == col(TaskRow.plan_id))
        .where(PlanRow.country_code == country, TaskAliasRow.key == key)
    ).first()
    if alias is not None:
        return alias
    code, dash, action = key.partition("-")
    if not dash or len(code) != 1 or "/" in action:
        return None
    shared = session.exec(
        select(TaskRow).join(PlanRow).where(PlanRow.country_code == country, TaskRow.key == action)
    ).first()
    return shared if shared is not None and code in shared.workstreams else None


def task_by_number(session: Session, number: int) -> TaskRow | None:
    """The task numbered `number`, or the one a task of that number was merged into."""
    task = session.get(TaskRow, number)
    if task is not None:
        return task
    return session.exec(
        select(TaskRow)
        .join(TaskAliasRow, col(TaskAliasRow.task_id) == col(TaskRow.id))
        .where(TaskAliasRow.old_task_id == number)
    ).first()
