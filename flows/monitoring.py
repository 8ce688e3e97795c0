"""The continuous steps, on schedules: deadline monitoring (7, 9) and periodic progress reports (9.3).

`monitor-plans` (daily) writes reminders for overdue and due-soon tasks and escalates those left unchanged,
e-mails them when SMTP is configured, and resumes workstream runs whose step was signed off while they were
not yet waiting. `progress-report` (semi-annual by default) renders and stores every country's report and the
portfolio report under `var/reports/<date>/`.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from prefect import flow, get_run_logger, task

from cer.content import get_content
from cer.db.session import open_session
from cer.runtime import notify
from cer.runtime.config import get_settings
from cer.services import monitoring
from cer.services import reports as report_service
from cer.services.progress import portfolio_progress
from cer.views import notification_words
from cer.views import reports as render


@task(name="find-late-tasks", retries=2, retry_delay_seconds=1)
def find_late_tasks(today: dt.date, soon_days: int, escalate_after_days: int) -> dict[str, int]:
    settings = monitoring.MonitorSettings(soon_days=soon_days, escalate_after_days=escalate_after_days)
    with open_session(get_settings()) as session:
        new = monitoring.monitor_plans(session=session, today=today, settings=settings)
    counts = {"overdue": 0, "due_soon": 0, "escalation": 0}
    for n in new:
        counts[n.kind] += 1
    return counts


@task(name="send-notifications", retries=2, retry_delay_seconds=5)
def send_notifications() -> int:
    """E-mail what has not been sent; each is marked sent once the server took it."""
    settings = get_settings()
    if not settings.smtp_host:
        return 0
    with open_session(settings) as session:
        pending = monitoring.unsent_reminders(session=session)
        about = {note.id: (task, plan) for note, task, plan in pending}
        sent = notify.send(
            [note for note, _, _ in pending],
            settings,
            lambda note: notification_words.email(note, *about[note.id], settings.lang),
        )
        monitoring.mark_sent(session=session, ids=sent)
    return len(sent)


@flow(name="monitor-plans", flow_run_name="Monitor plans — {today}")
def monitor_plans(
    today: dt.date | None = None, soon_days: int = 14, escalate_after_days: int = 10
) -> dict[str, Any]:
    """Daily: reminders for overdue and due-soon tasks, escalations, e-mail, and stalled runs resumed."""
    from flows.signoff import resume_signed_runs

    day = today or dt.date.today()
    counts = find_late_tasks(day, soon_days, escalate_after_days)
    sent = send_notifications()
    resumed = resume_signed_runs()
    get_run_logger().info(
        "%s: %s new notification(s), %d e-mailed, %d run(s) resumed", day, counts, sent, len(resumed)
    )
    return {"today": day.isoformat(), "new": counts, "sent": sent, "resumed": resumed}


@task(name="write-reports")
def write_reports(today: dt.date, out_dir: Path, by: str) -> list[str]:
    """Each country's report and the portfolio report, HTML and Markdown; recorded once written."""
    content = get_content()
    folder = out_dir / today.isoformat()
    folder.mkdir(parents=True, exist_ok=True)
    written: list[str] = []
    with open_session(get_settings()) as session:
        for country in sorted(portfolio_progress(session=session, today=today)):
            data = report_service.country_report(session=session, country=country, today=today)
            for fmt in ("html", "md"):
                path = folder / f"{country}.{fmt}"
                path.write_text(render.render_country(data, content, fmt), encoding="utf-8")
                written.append(str(path))
            report_service.record_report(session=session, report=data, by=by, fmt="html")
        whole = report_service.portfolio_report(session=session, today=today)
        for fmt in ("html", "md"):
            path = folder / f"portfolio.{fmt}"
            path.write_text(render.render_portfolio(whole, content, fmt), encoding="utf-8")
            written.append(str(path))
        report_service.record_portfolio_report(session=session, report=whole, by=by, fmt="html")
    return written


@flow(name="progress-report", flow_run_name="Progress reports — {today}")
def progress_report(today: dt.date | None = None, by: str = "cer-toolkit") -> list[str]:
    """Periodic (semi-annual by default): store every country's progress report and the portfolio's."""
    day = today or dt.date.today()
    return write_reports(day, get_settings().var_dir / "reports", by)
