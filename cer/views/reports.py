"""Reports rendered with Jinja2 templates (`cer/templates/reports/`): HTML is escaped, Markdown is not."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from itertools import groupby
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from jinja2.ext import _make_new_gettext, _make_new_ngettext

from cer.content import Content
from cer.db.tables import TaskRow
from cer.services.reports import CountryReport, PortfolioReport
from cer.views import task_words
from cer.views.formats import format_date, format_datetime, format_number, format_percent, text_direction
from cer.views.i18n import translations
from cer.views.report_words import Words, language
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
        extensions=["jinja2.ext.i18n"],
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]  # `_("%(n)s tasks", n=3)`, escaped in HTML
    env.policies["ext.i18n.trimmed"] = True  # `{% trans %}` looked up as the extractor writes it
    env.filters["md"] = md_cell
    env.filters["md_text"] = md_text
    env.filters["paragraphs"] = paragraphs
    return env


@cache
def _gettext(lang: str) -> tuple[Callable[..., str], Callable[..., str]]:
    t = translations(lang)
    return _make_new_gettext(t.gettext), _make_new_ngettext(t.ngettext)


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


def md_text(value: object) -> str:
    """People's paragraphs in Markdown: no raw HTML; line breaks kept."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n")
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def paragraphs(value: object) -> list[str]:
    """Text split where a blank line separates paragraphs."""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").strip()
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def _number(task: TaskRow) -> tuple[int, ...]:
    """'5.10' after '5.9': a task's action number as numbers (a custom task's, without one, last)."""
    parts = [int(p) for p in re.findall(r"\d+", task.action)]
    return tuple(parts) if parts else (task.step, 999)


def key_actions(tasks: list[TaskRow]) -> list[tuple[int, list[TaskRow]]]:
    """The plan's tasks by step, each step's in the order of their action numbers."""
    ordered = sorted(tasks, key=lambda t: (t.step, _number(t), t.key))
    return [(step, list(rows)) for step, rows in groupby(ordered, key=lambda t: t.step)]


def render_country(report: CountryReport, content: Content, fmt: str, lang: str | None = None) -> str:
    """The report to send, as HTML (a document of its own, printable on A4) or Markdown, in `lang`."""
    progress = report.progress
    fw = content.framework
    words = Words(language(lang), content)

    def ref(task: TaskRow) -> str:
        return task_reference(progress.country, task.key)

    context: dict[str, Any] = {
        "r": report,
        "plan": progress.plan,
        "selected": progress.plan.selected,
        "overall": progress.overall,
        "by_workstream": sorted(progress.by_workstream.items()),
        "by_step": sorted(progress.by_step.items()),
        "groups": key_actions(progress.tasks),
        "ws_names": {w.code: w.title for w in fw.workstreams},  # D: "(where feasible)" kept
        "step_names": {s.number: s.name for s in fw.steps},
        "ref": ref,
        "title": lambda task: task_words.title(task, content),
        "w": words,
        **_language(words.lang),
    }
    return _environment().get_template(f"reports/country.{fmt}").render(context)


def _language(lang: str) -> dict[str, Any]:
    """What a report's template needs to speak `lang`: its messages, its direction (Arabic is right to left)
    and its dates and numbers as the reader writes them."""
    gettext, ngettext = _gettext(lang)
    return {
        "lang": lang,
        "direction": text_direction(lang),
        "_": gettext,
        "gettext": gettext,
        "ngettext": ngettext,
        "date": lambda value: format_date(value, lang),
        "moment": lambda value: format_datetime(value, lang),
        "number": lambda value: format_number(value, lang),
        "percent": lambda value: format_percent(value / 100, lang),
    }


def render_portfolio(report: PortfolioReport, content: Content, fmt: str, lang: str | None = None) -> str:
    """Every country's progress, as HTML or Markdown, in `lang`."""
    fw = content.framework
    words = Words(language(lang))
    return (
        _environment()
        .get_template(f"reports/portfolio.{fmt}")
        .render(
            r=report,
            ws_names={w.code: w.title for w in fw.workstreams},
            step_names={s.number: s.name for s in fw.steps},
            title=lambda task: task_words.title(task, content),
            named=lambda name: task_words.who(name, content),
            w=words,
            **_language(words.lang),
        )
    )
