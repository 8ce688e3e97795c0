"""What a phone, a screen reader and the design system need from the pages' HTML (issue 21, items 4 and 8):
the timeline as a dated list of links beside a chart without links, each date on a plan named, reports whose
every part lies in a landmark, wide tables in focusable named wrappers, and colours with enough contrast.
The browser tour (tests/e2e/test_every_page.py) checks the same pages laid out at 360 and 1280 px."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from fastapi.testclient import TestClient
from sqlmodel import select

from cer.content import Content
from cer.db.tables import PlanRow, TaskRow
from cer.web.templating import HERE
from tests.web.conftest import db_session, seed_plan

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}
LANDMARKS = {"header", "nav", "main", "footer", "aside"}


@dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = field(default_factory=list)

    def find_all(self, test: object) -> list[Node]:
        """Every element below this one that `test(node)` accepts, in document order."""
        found = []
        for child in self.children:
            if isinstance(child, Node):
                if test(child):  # type: ignore[operator]
                    found.append(child)
                found += child.find_all(test)
        return found

    def text(self) -> str:
        return " ".join(
            " ".join((c if isinstance(c, str) else c.text()).split()) for c in self.children
        ).strip()

    def classes(self) -> set[str]:
        return set(self.attrs.get("class", "").split())


class _Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.root = Node("#document", {})
        self.open = [self.root]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        node = Node(tag, {k: v or "" for k, v in attrs})
        self.open[-1].children.append(node)
        if tag not in VOID:
            self.open.append(node)

    def handle_endtag(self, tag: str) -> None:
        for i in range(len(self.open) - 1, 0, -1):
            if self.open[i].tag == tag:
                del self.open[i:]
                return

    def handle_data(self, data: str) -> None:
        self.open[-1].children.append(data)


def parsed(html: str) -> Node:
    tree = _Tree()
    tree.feed(html)
    return tree.root


def by_id(doc: Node, id_: str) -> Node:
    found = doc.find_all(lambda n: n.attrs.get("id") == id_)
    assert len(found) == 1, f"one element with id {id_!r}"
    return found[0]


def tasks_of(client: TestClient, code: str) -> list[TaskRow]:
    with db_session(client) as session:
        plan = session.exec(select(PlanRow).where(PlanRow.country_code == code)).one()
        return list(session.exec(select(TaskRow).where(TaskRow.plan_id == plan.id)).all())


def test_the_timeline_is_a_dated_list_of_links_beside_a_chart_without_links(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    tasks = {f"/countries/{code}/tasks/{t.id}": t for t in tasks_of(site, code) if t.status != "dropped"}
    doc = parsed(site.get(f"/countries/{code}/timeline").text)
    lists = doc.find_all(lambda n: n.tag == "ol" and "dated-list" in n.classes())
    dated = lists[0]
    assert by_id(doc, dated.attrs["aria-labelledby"]).text() == "The tasks by start date"
    items = dated.find_all(lambda n: n.tag == "li")
    assert len(items) == len(tasks)
    starts = []
    for item in items:
        link = item.find_all(lambda n: n.tag == "a")[0]
        task = tasks[link.attrs["href"]]
        times = [t.attrs["datetime"] for t in item.find_all(lambda n: n.tag == "time")]
        assert times == [task.start.isoformat(), task.due.isoformat()], item.text()
        assert "Start → due" in item.text() and task.status.replace("_", " ") in item.text()
        starts.append(task.start)
    assert starts == sorted(starts)  # by start date
    svg = doc.find_all(lambda n: n.tag == "svg")[0]
    assert svg.attrs["role"] == "img" and not svg.find_all(lambda n: n.tag == "a" or "tabindex" in n.attrs)


def test_every_date_of_a_plan_s_task_says_whether_it_is_the_start_or_the_due_date(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    tasks = {t.id: t for t in tasks_of(site, code)}
    doc = parsed(site.get(f"/countries/{code}").text)
    rows = doc.find_all(lambda n: n.tag == "tr" and n.attrs.get("id", "").startswith("t-"))
    assert len(rows) == len(tasks)
    for row in rows:
        task = tasks[int(row.attrs["id"][2:])]
        dates = [
            (cell.find_all(lambda n: "cell-label" in n.classes())[0].text(),
             cell.find_all(lambda n: n.tag == "time")[0].attrs["datetime"])
            for cell in row.find_all(lambda n: n.tag == "td" and "date" in n.classes())
        ]  # fmt: skip
        assert dates == [("Start", task.start.isoformat()), ("Due", task.due.isoformat())]


def _outside_landmarks(node: Node) -> list[str]:
    """The text and elements (headings, lists, tables…) not inside a landmark."""
    stray = []
    for child in node.children:
        if isinstance(child, str):
            stray += [child.strip()] if child.strip() else []
        elif child.tag in LANDMARKS or child.attrs.get("role") in {"main", "navigation", "banner"}:
            continue
        elif child.tag not in {"script", "style", "template"}:
            stray += [child.tag] if child.tag != "div" else _outside_landmarks(child)
    return stray


def test_reports_have_a_main_landmark_with_their_heading_and_nothing_outside_landmarks(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    for path in (f"/countries/{code}/report.html", "/portfolio/report.html", f"/countries/{code}/report"):
        doc = parsed(site.get(path).text)
        body = doc.find_all(lambda n: n.tag == "body")[0]
        mains = body.find_all(lambda n: n.tag == "main")
        assert len(mains) == 1, path
        assert mains[0].find_all(lambda n: n.tag == "h1"), f"{path}: the title is in <main>"
        stray = [s for s in _outside_landmarks(body) if s != "a"]  # the skip link is the one exception
        assert not stray, f"{path}: outside any landmark: {stray}"


def test_wide_tables_and_charts_scroll_in_a_wrapper_a_keyboard_reaches_and_a_screen_reader_names(
    site: TestClient, content: Content
) -> None:
    code = seed_plan(site, content)
    seed_plan(site, content, "somalia")
    pages = ["/portfolio", "/account", "/tasks?agency=UNDP", f"/countries/{code}/timeline"]
    pages += [f"/countries/{code}/report.html", "/portfolio/report.html"]
    for path in pages:
        doc = parsed(site.get(path).text)
        wrappers = doc.find_all(lambda n: n.classes() & {"table-scroll", "chart-scroll", "wide"})
        assert wrappers, path
        for wrapper in wrappers:
            assert wrapper.attrs.get("tabindex") == "0" and wrapper.attrs.get("role") == "region", path
            name = wrapper.attrs.get("aria-label") or by_id(doc, wrapper.attrs["aria-labelledby"]).text()
            assert name.strip(), f"{path}: a scrolling wrapper without a name"


def _contrast(one: str, other: str) -> float:
    def luminance(colour: str) -> float:
        rgb = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)] if len(colour) == 7 else [1.0] * 3
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_design_system_s_colours_have_aa_contrast() -> None:
    css = (HERE / "static" / "style.css").read_text()
    colours = dict(re.findall(r"--([\w-]+):\s*(#[0-9a-fA-F]{3,6})\b", css))
    colours["paper"] = "#ffffff"
    for text in ("ink", "muted", "link", "danger", "ok"):
        assert _contrast(colours[text], "#ffffff") >= 4.5, text
        assert _contrast(colours[text], colours["band"]) >= 4.5, f"{text} on the band"
    assert _contrast(colours["line"], "#ffffff") >= 3, "the borders of fields and controls"
    chips = [name.removesuffix("-ink") for name in colours if name.endswith("-ink")]
    assert {"not-started", "in-progress", "blocked", "completed", "overdue", "dropped"} <= set(chips)
    for chip in chips:
        assert _contrast(colours[f"{chip}-ink"], colours[f"{chip}-bg"]) >= 4.5, chip
    for size in ("--text-sm", "--text-md", "--text-lg", "--space-1", "--space-4", "--target"):
        assert f"{size}:" in css, f"the design system defines {size}"
    assert "@import" not in css and "url(" not in css, "nothing is fetched from elsewhere (fonts, CDN)"
