"""The report as Markdown: headings for the parts and sections, one paragraph per paragraph."""

from __future__ import annotations

import html
import re

from tracker.reports.builder import Paragraph, Report, Section

_SPECIAL = re.compile(r"([\\`*_\[\]<>|])")
_LINE_START = re.compile(r"^(\s*)(#|>|[-+]\s|\d+[.)]\s)")


def escape(text: str) -> str:
    """Keep Markdown from reading the text as markup."""
    text = _SPECIAL.sub(r"\\\1", text)
    return _LINE_START.sub(lambda m: m.group(1) + "\\" + m.group(2), text)


def _paragraph(paragraph: Paragraph) -> str:
    lead = f"**{escape(paragraph.lead)}**" if paragraph.lead else ""
    return lead + escape(paragraph.text)


def _section(section: Section, lines: list[str]) -> None:
    paragraphs = list(section.paragraphs)
    if not (paragraphs and paragraphs[0].lead):
        lines += [f"{'###' if section.depth == 1 else '####'} {escape(section.heading)}", ""]
    for paragraph in paragraphs:
        lines += [_paragraph(paragraph), ""]
    for sub in section.subsections:
        _section(sub, lines)


def render_md(report: Report) -> str:
    """The report as Markdown text."""
    lines = [f"# {escape(report.title)}", ""]
    if report.addressee_line:
        lines += [escape(report.addressee_line), ""]
    for part in report.all_parts():
        if part.number:
            lines += [f"## {escape(part.heading)}", ""]
        for paragraph in part.paragraphs:
            lines += [_paragraph(paragraph), ""]
        for section in part.sections:
            _section(section, lines)
    lines += [
        f'<p align="right">{html.escape(report.signatory)}<br>'
        f"{html.escape(report.signed_on_text)}</p>",
        "",
    ]
    return "\n".join(lines)
