"""The MSEL as files: XLSX (openpyxl, write-only: rows stream to disk, memory stays flat)
and CSV (streamed to the response line by line)."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from jobs.results.msel import COLUMNS

EXCEL_ROWS = 1_048_576  # a worksheet's limit, header included
NOTICE = "SYNTHETIC EXERCISE DATA - not real patients"


def write_xlsx(
    rows: Iterable[dict[str, str]], target: IO[bytes], about: list[tuple[str, str]]
) -> int:
    """The MSEL workbook into `target`: sheet "MSEL" (a header row, then one row per
    inject, at most Excel's limit) and sheet "About" (`about` pairs, the notice).
    Returns the number of injects written."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet("MSEL")
    for i, (_, _, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(i)].width = width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="1F3A5F")
    header = []
    for _, title, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=title)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        header.append(cell)
    sheet.append(header)
    written = 0
    for row in rows:
        if written >= EXCEL_ROWS - 1:
            break
        values: list[object] = [row[key] for key, _, _ in COLUMNS]
        values[0] = int(row["serial"])
        sheet.append(values)
        written += 1
    info = book.create_sheet("About")
    info.append(["MedGen Master Scenario Events List"])
    info.append([NOTICE])
    for key, value in about:
        info.append([key, value])
    if written >= EXCEL_ROWS - 1:
        info.append(["Note", "Excel holds 1,048,575 rows: the CSV has every inject."])
    book.save(target)
    return written


def csv_lines(rows: Iterable[dict[str, str]]) -> Iterator[bytes]:
    """The MSEL as CSV (UTF-8 with BOM, so Excel reads the accents), line by line."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([title for _, title, _ in COLUMNS])
    yield ("\ufeff" + buffer.getvalue()).encode()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([row[key] for key, _, _ in COLUMNS])
        yield buffer.getvalue().encode()
