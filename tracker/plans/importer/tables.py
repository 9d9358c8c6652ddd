"""Task-division tables (任务分工表): which column holds the task, the lead and co-units, the
deadline, and the categories that group the rows."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.plans.importer.outline import match_marker
from tracker.plans.importer.patterns import compact

_ROLES = [
    ("number", re.compile(r"^(?:序号|编号|序|no|NO|No)$")),
    (
        "ignored",
        re.compile(r"备注|领导|责任人|联系人|标准|成果|评价|分值|考核|完成情况|进展|说明|依据"),
    ),
    ("lead", re.compile(r"牵头")),
    ("co", re.compile(r"配合|协办|参与|协同|协助|协作")),
    ("responsible", re.compile(r"责任|实施主体|承办|落实单位|主体|单位|部门|科室|处室")),
    ("deadline", re.compile(r"时限|时间|节点|期限|进度|完成日期")),
    (
        "text",
        re.compile(r"任务|内容|措施|事项|举措|要点|工作|目标|指标|项目|类别|领域|方面|板块|名称"),
    ),
]


@dataclass
class TableRow:
    number: str
    categories: list[str]
    text: str
    lead: str = ""
    co: str = ""
    responsible: str = ""
    deadline: str = ""


@dataclass
class TaskTable:
    category_headers: list[str] = field(default_factory=list)
    rows: list[TableRow] = field(default_factory=list)


def _role(header: str) -> str | None:
    header = compact(header)
    if not header:
        return None
    for role, pattern in _ROLES:
        if pattern.search(header):
            return role
    return None


def _is_caption_row(row: list[str]) -> bool:
    filled = [c for c in row if c.strip()]
    return len(set(filled)) <= 1


def read_task_table(rows: list[list[str]]) -> TaskTable | None:
    """The table as task rows, or None when it is not a task-division table."""
    rows = [[c.strip() for c in row] for row in rows if any(c.strip() for c in row)]
    header_at = 0
    while header_at < min(len(rows), 3) and _is_caption_row(rows[header_at]):
        header_at += 1
    if header_at >= len(rows):
        return None
    header = list(rows[header_at])
    if header_at + 1 < len(rows):
        # a two-row header: 责任单位 spanning 牵头单位 | 配合单位 below it
        below = rows[header_at + 1]
        below_roles = [_role(c) for c in below]
        if any(r in ("lead", "co") for r in below_roles) and all(
            not c.strip() or r is not None for c, r in zip(below, below_roles, strict=False)
        ):
            for index, cell in enumerate(below[: len(header)]):
                if cell.strip():
                    header[index] = cell
            header_at += 1
    roles = [_role(h) for h in header]
    text_columns = [i for i, r in enumerate(roles) if r == "text"]
    if not text_columns:
        return None
    if not any(r in ("lead", "responsible", "deadline", "co") for r in roles):
        return None
    task_column = text_columns[-1]
    category_columns = text_columns[:-1]
    column = {
        role: roles.index(role)
        for role in ("number", "lead", "co", "responsible", "deadline")
        if role in roles
    }
    table = TaskTable(category_headers=[header[i] for i in category_columns])
    categories = [""] * len(category_columns)
    for row in rows[header_at + 1 :]:
        cells = row + [""] * (len(header) - len(row))
        if [compact(c) for c in cells[: len(header)]] == [compact(h) for h in header]:
            continue  # the header repeated on a new page
        filled = [c for c in cells if c.strip()]
        only_heading = (
            len(filled) == 1
            and (marker := match_marker(filled[0])) is not None
            and marker.kind in ("part", "cn", "cnp")
            and len(filled[0]) <= 40
            and "。" not in filled[0]
        )
        if only_heading or (
            len(set(filled)) == 1
            and len(filled) >= 1
            and (len(filled) > 1 or not cells[task_column])
        ):
            # a row merged across the table: a category heading such as 一、加强政府立法
            if category_columns:
                categories = [filled[0]] + [""] * (len(category_columns) - 1)
            else:
                table.category_headers = ["_"]
                category_columns = []
                categories = [filled[0]]
            continue
        for level, index in enumerate(category_columns):
            if cells[index].strip():
                categories[level] = cells[index].strip()
                for deeper in range(level + 1, len(categories)):
                    if not cells[category_columns[deeper]].strip():
                        categories[deeper] = ""
        text = cells[task_column].strip()
        if not text:
            continue
        table.rows.append(
            TableRow(
                number=cells[column["number"]].strip() if "number" in column else "",
                categories=list(categories),
                text=text,
                lead=cells[column["lead"]] if "lead" in column else "",
                co=cells[column["co"]] if "co" in column else "",
                responsible=cells[column["responsible"]] if "responsible" in column else "",
                deadline=cells[column["deadline"]] if "deadline" in column else "",
            )
        )
    return table if table.rows else None


def split_category(text: str) -> tuple[str, str]:
    """(number, title) of a category cell such as （一）依法全面履行政府职能."""
    marker = match_marker(text)
    if marker:
        return marker.number, marker.rest.strip().rstrip("。")
    return "", text.strip().rstrip("。")
