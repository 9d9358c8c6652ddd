"""Build the annual rule-of-law report (法治政府建设情况报告) from a plan's data.

Pure: plain data in (`ReportInput`, filled by `tracker.reports.queries`), a structured `Report`
out; no database, no Flask. The renderers (DOCX, HTML, PDF, Markdown) and the preview share it.

The structure is the one Art. 25 of the 2019 regulations on rule-of-law government supervision
prescribes (and the seed report follows):

    title, opening paragraph
    一、{year}年推进法治政府建设的主要举措和成效: one （一） per plan section, 一是… per done task
    二、存在的不足和原因: what was not achieved, from the data
    三、党政主要负责人履行推进法治建设第一责任人职责情况: principal duties, sessions chaired
    四、{year+1}年推进法治政府建设的主要安排: next year's plan, when one exists
    五、其他需要报告的情况: only when the coordinator writes it
    signature (bureau, date)

Every sentence keeps its provenance (task, record, evidence and metric ids). Figures come from
the ledger: a count of records ("对5份规范性文件进行了合法性审查") or a metric ("从2015年的2286元
提高到2020年的4778元"). A figure the task's result statement already cites is *anchored* there —
the number in the text is tied to the records that prove it; a figure the text does not cite gets
a sentence of its own. Numbers in the text that no record backs are reported as warnings, so the
person signing the report knows which figures are unverified.

The coordinator may replace the text of any part; the replacement is parsed back into sections,
paragraphs and sentences and the part's figures are anchored again in the new text. A
fingerprint of each generated part lets the page say "the data changed since this edit".
"""

from __future__ import annotations

from .context import BuildContext
from .document import (
    Edit,
    Figure,
    Paragraph,
    Part,
    Report,
    ReportWarning,
    Section,
    Sentence,
    part_plain_text,
)
from .edits import fingerprint, finish, parse_part_text
from .facts import Fact, record_facts
from .inputs import (
    PART_KEYS,
    AdvisorInfo,
    CauseInfo,
    IndicatorInfo,
    NextPlanInfo,
    PartEdit,
    RecordInfo,
    ReportInput,
    ReturnInfo,
    SectionInfo,
    TaskInfo,
)
from .parts.arrangements import build_arrangements, build_other
from .parts.measures import build_measures
from .parts.opening import build_opening
from .parts.principal import build_principal
from .parts.shortcomings import build_shortcomings
from .parts.statement import build_statement_report
from .spans import figure_spans, written_numbers
from .text import chinese_date, chinese_number, clean_number, number_text, ordinal, split_sentences
from .wording import STEP_WORDS

__all__ = [
    "PART_KEYS",
    "STEP_WORDS",
    "AdvisorInfo",
    "CauseInfo",
    "Edit",
    "Fact",
    "Figure",
    "IndicatorInfo",
    "NextPlanInfo",
    "Paragraph",
    "Part",
    "PartEdit",
    "RecordInfo",
    "Report",
    "ReportInput",
    "ReportWarning",
    "ReturnInfo",
    "Section",
    "SectionInfo",
    "Sentence",
    "TaskInfo",
    "build_report",
    "build_statement_report",
    "chinese_date",
    "chinese_number",
    "clean_number",
    "figure_spans",
    "fingerprint",
    "number_text",
    "ordinal",
    "parse_part_text",
    "part_plain_text",
    "record_facts",
    "split_sentences",
    "written_numbers",
]


def build_report(data: ReportInput) -> Report:
    """The annual report of one plan, with the coordinator's edits applied."""
    ctx = BuildContext(data)
    opening = finish(ctx, build_opening(ctx))
    parts = [
        finish(ctx, build_measures(ctx)),
        finish(ctx, build_shortcomings(ctx)),
        finish(ctx, build_principal(ctx)),
        finish(ctx, build_arrangements(ctx)),
        finish(ctx, build_other()),
    ]
    return Report(
        plan_id=data.plan_id,
        year=ctx.year,
        bureau=data.bureau,
        title=f"{data.bureau}{ctx.year}年度法治政府建设情况报告",
        opening=opening,
        parts=parts,
        signatory=data.signatory or data.bureau,
        signed_on=data.signed_on or data.today,
        warnings=ctx.warnings,
        addressee=data.addressee,
    )
