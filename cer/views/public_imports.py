"""What the JSON API answers about importing a plan file (see cer.views.public, which re-exports it)."""

from __future__ import annotations

from pydantic import Field

from cer.services.import_rows import FIELDS
from cer.services.plan_import import ImportCheck
from cer.views.error_words import in_language
from cer.views.public_base import Public


class ImportProblemPublic(Public):
    row: int = Field(description="The row, as the spreadsheet numbers it")
    column: str = Field(description="e.g. 'G (Due)'; '' for the whole row")
    message: str = Field(description="The problem, in the answer's language (Content-Language)")


class ImportRowPublic(Public):
    row: int
    ref: str = Field(description="The row's reference in the file, e.g. '2.1'")
    title: str
    what: str = Field(description="'add' (a task of your own), 'update' or 'unchanged'")
    task: str = Field(description="The task's reference in the plan, once it has one, e.g. 'MWI-B-2.4'")
    changes: list[str] = Field(description="What the import changes on it: 'due', 'status', …")


class ImportPublic(Public):
    country: str
    filename: str
    header_row: int
    mapping: dict[str, str] = Field(description="What each column is read as: field → 'C (Lead)'")
    statuses: dict[str, str] = Field(description="Each status as the file writes it → ours")
    rows: list[ImportRowPublic]
    problems: list[ImportProblemPublic] = Field(description="Nothing is imported while there is one")
    added: int
    updated: int
    unchanged: int
    imported: bool = Field(description="False for a dry run")

    @classmethod
    def of(cls, checked: ImportCheck, imported: bool, lang: str = "en") -> ImportPublic:
        """The check (and import) said with its problems in `lang` (the request's, the command line's)."""
        table = checked.table
        return cls(
            country=checked.country,
            filename=checked.filename,
            header_row=table.header_row,
            mapping={name: table.column_name(i) for name, i in sorted(checked.mapping.items(), key=_order)},
            statuses=checked.statuses,
            rows=[
                ImportRowPublic(
                    row=p.row.row,
                    ref=p.row.ref,
                    title=p.row.title,
                    what=p.what,
                    task=p.ref,
                    changes=p.changed,
                )  # fmt: skip
                for p in checked.planned
            ],
            problems=[
                ImportProblemPublic(row=p.row, column=p.column, message=in_language(p.message, lang))
                for p in checked.problems
            ],
            added=checked.count("add"),
            updated=checked.count("update"),
            unchanged=checked.count("unchanged"),
            imported=imported,
        )


def _order(item: tuple[str, int]) -> int:
    return list(FIELDS).index(item[0])
