"""Writes malawi_action_plan.xlsx: a made-up action plan in the shape country teams keep theirs (seed 000):
a title above the header row, section headings across the row, numbered key actions with sub-actions on
several lines, a lead written once for two rows (merged), dates typed as dates or as text, progress in words.

    python examples/plans/make_malawi_action_plan.py   (run it again after changing the rows below)

`cer plan import MWI examples/plans/malawi_action_plan.xlsx --dry-run` shows what it would do.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

HEADERS = ["No.", "Key actions", "Sub-actions", "Lead", "Contributing", "Start", "Due", "Status",
           "Progress to date", "Toolkit action", "Workstream"]  # fmt: skip
ROWS: list[list[object] | str] = [
    "Joint communications",
    ["1", "Agree the UNCT's key messages for the Cooperation Framework launch",
     "1.1 Draft the messages with the communications group\n1.2 Validate with heads of agency", "UNICEF",
     "WFP, UNDP", dt.date(2027, 2, 1), dt.date(2027, 3, 31), "Ongoing",
     "Draft messages circulated to the communications group on 15 February.", "", "C"],
    ["2", "Publish a joint UN newsletter every quarter", "", "RCO", "UNICEF; UNFPA", "01/04/2027",
     "30/06/2027", "Not started", "", "", "C Joint Communications"],
    "Common services and business operations",
    ["2.1", "Run the stocktake of common services", "Procurement, ICT and security services",
     "OMT", "WFP, UNHCR", dt.date(2027, 1, 18), dt.date(2027, 4, 30), "Delayed",
     "Two agencies have still to send their data.", "2.4", "B"],
    ["2.10", "Agree long-term agreements for fuel and travel", "", "", "UNDP", "May 2027", "September 2027",
     "Not started", "", "", "B"],
    ["3", "Set up the M&E working group for the change process", "Terms of reference, members, first meeting",
     "RCO", "All agencies", dt.date(2027, 1, 18), dt.date(2027, 2, 26), "Done",
     "The group met on 24 February; terms of reference adopted.", "", ""],
]  # fmt: skip


def build(path: Path) -> None:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Action plan"
    sheet.append(["UN Country Team Malawi — action plan for coherence (made-up example)"])
    sheet.append(["Progress as of March 2027"])
    sheet.append([])
    sheet.append(HEADERS)
    for cell in sheet[4]:
        cell.font = Font(bold=True)
    for row in ROWS:
        if isinstance(row, str):
            sheet.append([row])
            sheet.merge_cells(start_row=sheet.max_row, start_column=1, end_row=sheet.max_row, end_column=11)
            sheet.cell(sheet.max_row, 1).font = Font(bold=True, italic=True)
            continue
        sheet.append(row)
        for cell in sheet[sheet.max_row]:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD/MM/YYYY"
    for cell in sheet["A"]:
        cell.number_format = "@"  # "2.10" stays 2.10
    lead = HEADERS.index("Lead") + 1
    two = [r for r in range(1, sheet.max_row + 1) if sheet.cell(r, 1).value in ("2.1", "2.10")]
    sheet.merge_cells(start_row=two[0], start_column=lead, end_row=two[1], end_column=lead)  # OMT leads both
    for letter, width in zip("ABCDEFGHIJK", (6, 48, 40, 10, 18, 12, 12, 12, 48, 10, 12), strict=True):
        sheet.column_dimensions[letter].width = width
    book.save(path)


if __name__ == "__main__":
    build(Path(__file__).with_name("malawi_action_plan.xlsx"))
