"""The server's SVG charts are pictures (issue 21, item 8): no link or other control inside them (a picture's
insides are one image to a screen reader: axe-core's `nested-interactive`), every colour visible against
white, and the portfolio's text after each bar never cut off by the drawing's edge."""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET

import pytest

from cer.web.charts import CHAR_W, STATUS_COLOURS, Bar, ProgressBar, progress_svg, timeline_svg

SVG = "{http://www.w3.org/2000/svg}"
INTERACTIVE_ROLES = {"button", "link", "checkbox", "img", "menuitem", "tab", "textbox"}


def interactive(element: ET.Element) -> bool:
    """Focusable or announced as one thing whose insides are not read: a link, a control, a picture."""
    tag = element.tag.removeprefix(SVG)
    return (
        (tag == "a" and bool(element.get("href")))
        or element.get("tabindex") is not None
        or element.get("role") in INTERACTIVE_ROLES
        or tag in {"button", "input", "select", "textarea", "foreignObject"}
    )


def nested_interactive(root: ET.Element) -> list[str]:
    """Each interactive element found inside another interactive element (its tag, and its parent's)."""
    found = []
    for outer in filter(interactive, root.iter()):
        found += [f"{e.tag} in {outer.tag}" for e in outer.iter() if e is not outer and interactive(e)]
    return found


def bars() -> list[Bar]:
    day, later = dt.date(2027, 1, 15), dt.date(2027, 2, 5)
    return [
        Bar("MWI-1.1", "Agree to proceed", day, dt.date(2027, 2, 4), "completed", True, (), "/t/1"),
        Bar("MWI-2.1", "Conduct the country analysis", later, dt.date(2027, 4, 5), "in_progress", True,
            ("MWI-1.1",), "/t/2"),
        Bar("MWI-8.3", "Agree key <messages> & more", day, dt.date(2027, 8, 3), "blocked", False, (), "/t/3"),
    ]  # fmt: skip


@pytest.mark.parametrize("zoom", ["month", "quarter"])
def test_the_timeline_is_one_picture_with_no_link_or_control_inside(zoom: str) -> None:
    svg = timeline_svg(bars(), dt.date(2027, 3, 1), "Timeline of Malawi's plan", zoom)
    root = ET.fromstring(svg)  # well-formed, every label escaped
    assert root.get("role") == "img" and root.find(f"{SVG}title") is not None
    assert nested_interactive(root) == []
    assert not [e for e in root.iter() if e.tag == f"{SVG}a" or e.get("tabindex") is not None]
    tips = [t.text or "" for t in root.iter(f"{SVG}title")]
    assert any("Agree key <messages> & more" in t for t in tips)  # each bar keeps its tooltip


def test_the_portfolio_chart_is_one_picture_whose_text_after_each_bar_fits_inside_it() -> None:
    rows = [
        ProgressBar("Malawi", "/countries/MWI", {"completed": 13, "in_progress": 7}, 5),
        ProgressBar("Democratic Republic of the Congo", "/countries/COD", {"not_started": 40}, 12345),
    ]
    svg = progress_svg(rows, "Share of tasks by status, per country")
    root = ET.fromstring(svg)
    assert root.get("role") == "img" and nested_interactive(root) == []
    width = float(root.get("width") or 0)
    texts = [t for t in root.iter(f"{SVG}text") if "overdue" in (t.text or "")]
    assert [t.text for t in texts] == ["65% · 5 overdue", "0% · 12,345 overdue"]
    for text in texts:
        assert float(text.get("x") or 0) + CHAR_W * len(text.text or "") <= width, text.text


def test_the_portfolio_chart_fits_its_words_in_french_too() -> None:
    rows = [ProgressBar("Malawi", "/countries/MWI", {"completed": 1, "blocked": 2}, 3)]
    root = ET.fromstring(progress_svg(rows, "Part des tâches", lang="fr"))
    width = float(root.get("width") or 0)
    for text in root.iter(f"{SVG}text"):
        assert float(text.get("x") or 0) + CHAR_W * len(text.text or "") <= width, text.text


def test_every_status_colour_stands_out_from_white_by_3_to_1() -> None:
    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    for status, colour in STATUS_COLOURS.items():
        if status != "dropped":  # a dropped task is not drawn
            assert 1.05 / (luminance(colour) + 0.05) >= 3, status
