"""The rows of an imported action plan, read as tasks: which column is which, and what each cell says.

Pure: a table (cer.services.sheet_reader) and a mapping in, rows and problems out — every problem with its
row and column, as the spreadsheet numbers them. Headers are recognised in English, French and Spanish;
free-text statuses ("ongoing", "done", "en cours", "terminé"…) map to ours and the mapping is shown; a row
with a single cell filled is a section heading, carried into the description of the rows below it.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from dataclasses import dataclass, field

from cer.services.sheet_reader import Table
from workstreams.errors import N_, InvalidRequest, Message
from workstreams.framework import Framework
from workstreams.status import TaskStatus

FIELDS = {  # what a column can be, in the order the mapping form shows them
    "ref": "Reference number",
    "title": "Key action",
    "sub_actions": "Sub-actions",
    "lead": "Lead",
    "contributing": "Contributing",
    "lead_and_contributing": "Lead and contributing (one column)",
    "start": "Start",
    "due": "Due",
    "status": "Status",
    "progress": "Progress",
    "workstream": "Workstream",
    "step": "Step",
    "action": "Toolkit action",
}
_HEADERS = {  # normalised header words → field; the longest match wins
    "ref": ["no", "n", "nr", "num", "number", "ref", "reference", "id", "#", "no.", "n°", "numero", "número"],
    "title": ["key action", "key actions", "action", "actions", "activity", "title", "task", "accion clave",
              "action cle", "actions cles", "activite", "tache", "actividad", "tarea", "titulo", "titre"],
    "sub_actions": ["sub-actions", "sub actions", "sub-activities", "subactivities", "details",
                    "sous-actions",
                    "sub-acciones", "detalles"],
    "lead": ["lead", "lead agency", "lead responsibility", "responsible", "chef de file", "responsable",
             "lider", "agence chef de file"],
    "contributing": ["contributing", "contributors", "contributing agencies", "support", "supporting",
                     "contributeurs", "contribution", "apoyo", "contribuyentes", "participants"],
    "lead_and_contributing": ["lead and contributing responsibilities", "lead and contributing",
                              "responsibilities", "responsabilites", "responsabilidades"],
    "start": ["start", "start date", "begin", "from", "debut", "date de debut", "inicio", "fecha de inicio"],
    "due": ["due", "due date", "deadline", "end", "end date", "by", "timeline", "echeance", "date limite",
            "fin", "plazo", "fecha limite", "fecha de fin"],
    "status": ["status", "state", "statut", "etat", "estado"],
    "progress": ["progress", "progress to date", "comments", "remarks", "notes", "progres", "avancement",
                 "commentaires", "progreso", "avance", "comentarios"],
    "workstream": ["workstream", "work stream", "pillar", "axe", "volet", "linea de trabajo", "eje"],
    "step": ["step", "etape", "paso"],
    "action": ["toolkit action", "cer action", "main action", "action du toolkit", "accion del toolkit"],
}  # fmt: skip
STATUS_WORDS = {
    TaskStatus.not_started: ["not started", "to do", "todo", "planned", "pending", "not yet started", "open",
                             "new", "non commence", "a faire", "prevu", "no iniciado", "pendiente",
                             "planificado"],
    TaskStatus.in_progress: ["ongoing", "in progress", "started", "on track", "delayed", "behind schedule",
                             "underway", "under way", "active", "en cours", "en retard", "commence",
                             "en curso", "en progreso", "retrasado", "iniciado"],
    TaskStatus.completed: ["done", "completed", "complete", "finished", "achieved", "closed", "termine",
                           "acheve", "realise", "fait", "completado", "terminado", "finalizado", "hecho"],
    TaskStatus.blocked: ["blocked", "on hold", "stalled", "stuck", "bloque", "en attente", "suspendu",
                         "bloqueado", "en espera", "suspendido"],
    TaskStatus.dropped: ["dropped", "cancelled", "canceled", "abandoned", "not applicable", "n/a", "na",
                         "annule", "abandonne", "cancelado", "abandonado", "no aplica"],
}  # fmt: skip
_STATUS = {word: status for status, words in STATUS_WORDS.items() for word in words}
_MONTHS = {name: n for n, names in enumerate(
    [("january", "jan", "janvier", "janv", "enero", "ene"), ("february", "feb", "fevrier", "fevr", "febrero"),
     ("march", "mar", "mars", "marzo"), ("april", "apr", "avril", "avr", "abril", "abr"),
     ("may", "mai", "mayo"), ("june", "jun", "juin", "junio"), ("july", "jul", "juillet", "juil", "julio"),
     ("august", "aug", "aout", "agosto", "ago"), ("september", "sep", "sept", "septembre", "septiembre"),
     ("october", "oct", "octobre", "octubre"), ("november", "nov", "novembre", "noviembre"),
     ("december", "dec", "decembre", "diciembre", "dic")], start=1) for name in names}  # fmt: skip
_SPLIT = re.compile(r"\s*(?:[,;/\n]|\band\b|\bet\b|\by\b)\s*")


@dataclass(frozen=True)
class Problem:
    row: int
    column: str  # 'F (Due)', or '' for the whole row
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}, column {self.column}" if self.column else f"row {self.row}"
        return f"{where}: {self.message}"


@dataclass
class ImportedLine:
    row: int
    ref: str
    title: str
    description: str = ""
    lead: str = ""
    contributors: list[str] = field(default_factory=list)
    start: dt.date | None = None
    due: dt.date | None = None
    status: TaskStatus | None = None
    progress: str = ""
    workstreams: list[str] = field(default_factory=list)
    step: int | None = None
    action: str | None = None


def normal(text: str) -> str:
    """Lower case, accents and extra spaces gone: how headers and statuses are compared."""
    plain = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return " ".join(plain.lower().replace(":", " ").split())


def guess_mapping(headers: list[str]) -> dict[str, int]:
    """Field → column index, from the header words; each column used once, the closest match first."""
    found: dict[str, int] = {}
    scores = []
    for index, header in enumerate(headers):
        words = normal(header)
        for name, known in _HEADERS.items():
            for word in known:
                if words == word:
                    scores.append((2, len(word), name, index))
                elif len(word) > 3 and word in words:
                    scores.append((1, len(word), name, index))
    used: set[int] = set()
    for _, _, name, index in sorted(scores, reverse=True):
        if name not in found and index not in used:
            found[name] = index
            used.add(index)
    if "lead_and_contributing" in found and ("lead" in found or "contributing" in found):
        del found["lead_and_contributing"]
    return found


def resolve_mapping(table: Table, given: dict[str, str] | None) -> dict[str, int]:
    """The columns to read: the guess from the headers, changed by `given` (field → a column letter such as
    'C', its number, or its header as written; '' leaves the field unmapped). InvalidRequest names a field
    or column that does not exist."""
    mapping = guess_mapping(table.headers)
    for name, column in (given or {}).items():
        if name not in FIELDS:
            raise InvalidRequest(
                N_("%(name)s is not something to import: one of %(fields)s"),
                name=repr(name),
                fields=list(FIELDS),
            )
        mapping.pop(name, None)
        if column.strip():
            mapping[name] = _column(table, column.strip())
    return mapping


def _column(table: Table, column: str) -> int:
    letters = [table.column_name(i).split(" ", 1)[0] for i in range(len(table.headers))]
    if column.upper() in letters:
        return letters.index(column.upper())
    if column.isdigit() and 1 <= int(column) <= len(table.headers):
        return int(column) - 1
    headers = [normal(h) for h in table.headers]
    if normal(column) in headers:
        return headers.index(normal(column))
    known = ", ".join(table.column_name(i) for i in range(len(table.headers)))
    raise InvalidRequest(
        N_("the file has no column %(column)s: its columns are %(known)s"), column=repr(column), known=known
    )


def status_of(text: str) -> TaskStatus | None:
    return _STATUS.get(normal(text).strip(" .!"))


def interpret(
    table: Table, mapping: dict[str, int], framework: Framework
) -> tuple[list[ImportedLine], list[Problem], dict[str, str]]:
    """The table's rows as tasks to import, the problems found (nothing is imported while there is one) and
    how each status written in the file maps to ours."""
    problems: list[Problem] = []
    if "ref" not in mapping:
        said = N_(
            "no column is mapped to the reference number: a re-import updates the tasks it names, so each "
            "row needs one"
        )
        problems.append(Problem(table.header_row, "", Message(said)))
    if "title" not in mapping:
        problems.append(
            Problem(table.header_row, "", Message(N_("no column is mapped to the key action (the title)")))
        )
    if problems:
        return [], problems, {}
    rows: list[ImportedLine] = []
    statuses: dict[str, str] = {}
    seen: dict[str, int] = {}
    section = ""
    for number, cells in table.rows:
        filled = [c for c in cells if c]
        get = {name: cells[i] if i < len(cells) else "" for name, i in mapping.items()}
        if len(filled) == 1 and not (get["ref"] and get["title"]):
            section = filled[0].replace("\n", " ")  # a section heading: it describes the rows below it
            continue
        row, found = _row(number, get, section, framework, table, mapping, statuses)
        problems += found
        if row.ref in seen:
            problems.append(Problem(number, table.column_name(mapping["ref"]),
                                    Message(N_("%(ref)s appears again (first in row %(row)s)"),
                                            ref=row.ref, row=seen[row.ref])))  # fmt: skip
        seen.setdefault(row.ref, number)
        rows.append(row)
    if not rows:
        problems.append(Problem(table.header_row, "", Message(N_("no row below the header names a task"))))
    return rows, problems, statuses


def _row(
    number: int,
    get: dict[str, str],
    section: str,
    framework: Framework,
    table: Table,
    mapping: dict[str, int],
    statuses: dict[str, str],
) -> tuple[ImportedLine, list[Problem]]:
    problems: list[Problem] = []

    def problem(name: str, message: str, /, **values: object) -> None:
        problems.append(Problem(number, table.column_name(mapping[name]), Message(message, **values)))

    ref, title = get["ref"].replace("\n", " ").strip(), " ".join(get["title"].split())
    if not ref:
        problem("ref", N_("empty: give each row a reference number (e.g. 2.1)"))
    elif len(ref) > 60:
        problem("ref", N_("%(count)s characters: a reference number has at most 60"), count=len(ref))
    if not title:
        problem("title", N_("empty: each row needs a key action"))
    elif len(title) > 300:
        problem(
            "title",
            N_("%(count)s characters: at most 300 (put the rest in the sub-actions)"),
            count=len(title),
        )
    row = ImportedLine(number, ref, title[:300])
    row.description = "\n".join(filter(None, [section and f"{section}.", get.get("sub_actions", "")]))
    lead, contributors = get.get("lead", ""), _names(get.get("contributing", ""))
    if "lead_and_contributing" in get:
        names = _names(get["lead_and_contributing"])
        lead, contributors = (names[0], names[1:]) if names else ("", [])
    row.lead, row.contributors = " ".join(lead.split()).removesuffix("(lead)").strip(), contributors
    for name, limit in (("lead", 120), ("lead_and_contributing", 120)):
        if name in get and len(row.lead) > limit:
            problem(
                name,
                N_("the lead is %(count)s characters: name a unit or agency (at most %(limit)s)"),
                count=len(row.lead),
                limit=limit,
            )
    for name in ("start", "due"):
        if get.get(name):
            day = parse_day(get[name], end=name == "due")
            if day is None:
                problem(
                    name,
                    N_("%(text)s is not a date (write e.g. 2027-03-31 or 31/03/2027)"),
                    text=repr(get[name]),
                )
            elif not dt.date(2000, 1, 1) <= day <= dt.date(2100, 12, 31):
                problem(name, N_("%(day)s is outside 2000–2100"), day=day)
            else:
                setattr(row, name, day)
    if row.start and row.due and row.due < row.start:
        problem("due", N_("due %(due)s is before the start %(start)s"), due=row.due, start=row.start)
    if get.get("status"):
        row.status = status_of(get["status"])
        if row.status is None:
            words = ", ".join(f"'{w}'" for w in ("not started", "ongoing", "completed", "on hold", "dropped"))
            problem(
                "status",
                N_("%(text)s is not a status we know: write one of %(words)s"),
                text=repr(get["status"]),
                words=words,
            )
        else:
            statuses[get["status"]] = row.status.value
    row.progress = get.get("progress", "").strip()
    _toolkit(row, get, framework, problem)
    return row, problems


def _toolkit(row: ImportedLine, get: dict[str, str], framework: Framework, problem: object) -> None:
    """Workstreams, step and toolkit action, checked against the framework."""
    assert callable(problem)
    codes = {w.code: w for w in framework.workstreams}
    for part in filter(None, _SPLIT.split(get.get("workstream", ""))):
        letter = part.strip()[:1].upper()
        by_name = [c for c, w in codes.items() if normal(w.name).startswith(normal(part)[:12])]
        code = letter if letter in codes and (len(part.strip()) == 1 or part[1:2] in " .-:") else None
        code = code or (by_name[0] if by_name else None)
        if code is None:
            problem(
                "workstream",
                N_("%(text)s is not a workstream: write a letter A–G or its name"),
                text=repr(part),
            )
        elif code not in row.workstreams:
            row.workstreams.append(code)
    if get.get("step"):
        digits = re.sub(r"[^0-9]", "", get["step"])
        if digits and 1 <= int(digits) <= 9:
            row.step = int(digits)
        else:
            problem("step", N_("%(text)s is not a step: write 1 to 9"), text=repr(get["step"]))
    if get.get("action"):
        action = get["action"].strip()
        known = {a.id: a for a in framework.actions}
        if action not in known:
            problem("action", N_("%(text)s is not a toolkit action (e.g. 4.1): leave it empty for a task of "
                                 "your own"), text=repr(action))  # fmt: skip
        else:
            row.action, row.step = action, row.step or known[action].step


def _names(text: str) -> list[str]:
    names = [" ".join(n.split()) for n in _SPLIT.split(text or "")]
    return [n for i, n in enumerate(names) if n and n not in names[:i]]


def parse_day(text: str, *, end: bool = False) -> dt.date | None:
    """2027-03-31, 31/03/2027, 31.03.2027, 31 March 2027, March 2027 (the month's first day, or its last
    when `end`); None when it is none of these or no such day."""
    text = normal(text).replace(",", " ")
    try:
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?: .*)?", text):
            return dt.date(int(m[1]), int(m[2]), int(m[3]))
        if m := re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", text):  # day first, as UN offices write
            return dt.date(int(m[3]), int(m[2]), int(m[1]))
        if m := re.fullmatch(r"(\d{1,2}) ([a-z]+)\.? (\d{4})", text):
            return dt.date(int(m[3]), _MONTHS[m[2]], int(m[1])) if m[2] in _MONTHS else None
        if m := re.fullmatch(r"([a-z]+)\.? (\d{4})", text):
            if m[1] not in _MONTHS:
                return None
            first = dt.date(int(m[2]), _MONTHS[m[1]], 1)
            following = (first.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            return following - dt.timedelta(days=1) if end else first
    except ValueError:
        return None
    return None
