"""The 通报 as an .xlsx: one row per bureau, its rank, each indicator's points, the total
(through the shared formula-safe writer)."""

from __future__ import annotations

import io

from flask_babel import gettext

from tracker.core.spreadsheets import INT, NUMBER, TEXT, Column, WorkbookWriter
from tracker.upward.models import AssessmentScheme


def ranking_xlsx(scheme: AssessmentScheme, rows, author: str) -> bytes:
    buffer = io.BytesIO()
    writer = WorkbookWriter(buffer, title=scheme.title, author=author)
    try:
        columns = [Column(gettext("Rank"), INT), Column(gettext("Bureau"), TEXT, 28)]
        columns += [Column(f"{i['name']} ({i['weight']:g})", NUMBER) for i in scheme.indicators]
        columns.append(Column(gettext("Total"), NUMBER))
        sheet = writer.sheet(f"{scheme.year} v{scheme.version}", columns)
        for row in rows:
            points = [
                row.scores[i["key"]].score if i["key"] in row.scores else None
                for i in scheme.indicators
            ]
            sheet.append([row.rank, row.bureau.name, *points, row.total], ref=row.bureau.name)
        sheet.close()
    finally:
        writer.close()
    return buffer.getvalue()
