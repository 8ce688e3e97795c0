"""Reports rendered with Jinja2 templates (`cer/templates/reports/`): HTML is escaped, Markdown is not."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from cer.content import Content
from cer.db.tables import TaskRow
from cer.services.reports import CountryReport, PortfolioReport
from workstreams.status import task_reference

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"
FORMATS = ("html", "md")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(["html"]),
        undefined=StrictUndefined,
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_cell
    return env


def md_cell(value: object) -> str:
    """People's words in a Markdown table cell or list item: no cell breaks, no line breaks, no raw HTML."""
    text = str(value)
    for old, new in (
        ("&", "&amp;"),
        ("<", "&lt;"),
        (">", "&gt;"),
        ("|", "\\|"),
        ("\r\n", " "),
        ("\n", " "),
        ("\r", " "),
    ):
        text = text.replace(old, new)
    return text


def render_country(report: CountryReport, content: Content, fmt: str) -> str:
    progress = report.progress
    fw = content.framework

    def ref(task: TaskRow) -> str:
        return task_reference(progress.country, task.key)

    return (
        _environment()
        .get_template(f"reports/country.{fmt}")
        .render(
            r=report,
            plan=progress.plan,
            selected=progress.plan.selected,
            overall=progress.overall,
            by_workstream=sorted(progress.by_workstream.items()),
            by_step=sorted(progress.by_step.items()),
            tasks=sorted(progress.tasks, key=lambda t: (t.workstream, t.step, t.key)),
            ws_names={w.code: w.name for w in fw.workstreams},
            step_names={s.number: s.name for s in fw.steps},
            ref=ref,
        )
    )


def render_portfolio(report: PortfolioReport, content: Content, fmt: str) -> str:
    fw = content.framework
    return (
        _environment()
        .get_template(f"reports/portfolio.{fmt}")
        .render(
            r=report,
            ws_names={w.code: w.name for w in fw.workstreams},
            step_names={s.number: s.name for s in fw.steps},
        )
    )
