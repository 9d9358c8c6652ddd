"""The coordinator's edits: a part's text parsed back into sections, paragraphs and sentences,
the fingerprint that tells when the data changed since, and showing the edit in place of the
generated text."""

from __future__ import annotations

import hashlib
import json
import re

from .anchoring import anchor_facts, mark_unsourced
from .context import BuildContext
from .document import Edit, Paragraph, Part, ReportWarning, Section, Sentence
from .facts import Fact
from .text import keywords_of, split_sentences

_SECTION_LINE = re.compile(r"^(（[一二三四五六七八九十]+）)(.*)$")
_SUBSECTION_LINE = re.compile(r"^(\d+[.．])\s*(.*)$")


def _heading_split(rest: str) -> tuple[str, str]:
    """A heading line "title" or a run-in "title。text": (title, text)."""
    rest = rest.strip()
    cut = rest.find("。")
    if 0 <= cut < len(rest) - 1:
        return rest[: cut + 1], rest[cut + 1 :].strip()
    return rest.rstrip("。"), ""


def parse_part_text(text: str) -> tuple[list[Paragraph], list[Section]]:
    """The coordinator's text of a part as paragraphs and sections: a line "（一）标题" opens
    a section ("（一）标题。正文…" a run-in one), "1. 标题" a sub-section; other lines are
    paragraphs."""
    paragraphs: list[Paragraph] = []
    sections: list[Section] = []

    def paragraph(body: str, lead: str = "") -> Paragraph:
        body = body.strip()
        match = re.match(r"^([一二三四五六七八九十]+是)", body)
        number = match.group(1) if match else ""
        sentences = [Sentence(s, origin="edited") for s in split_sentences(body[len(number) :])]
        return Paragraph(sentences=sentences, ordinal=number, lead=lead)

    for raw in text.replace("\r\n", "\n").split("\n"):
        line = raw.strip()
        if not line:
            continue
        section_match = _SECTION_LINE.match(line)
        sub_match = _SUBSECTION_LINE.match(line) if sections else None
        if section_match:
            title, body = _heading_split(section_match.group(2))
            section = Section(number=section_match.group(1), title=title)
            if body:
                section.paragraphs.append(paragraph(body, lead=section.heading))
            sections.append(section)
        elif sub_match and len(_heading_split(sub_match.group(2))[0]) <= 60:
            title, body = _heading_split(sub_match.group(2))
            sub = Section(number=sub_match.group(1), title=title, depth=2)
            if body:
                sub.paragraphs.append(paragraph(body, lead=sub.heading))
            sections[-1].subsections.append(sub)
        else:
            target = sections[-1] if sections else None
            if target is not None and target.subsections:
                target = target.subsections[-1]
            (target.paragraphs if target is not None else paragraphs).append(paragraph(line))
    return paragraphs, sections


#: Wording that changes with the calendar, not with the data (已逾期12天 grows every day).
_CALENDAR_WORDING = re.compile(r"已逾期\d+天")


def fingerprint(paragraphs: list[Paragraph], sections: list[Section]) -> str:
    """A hash of a generated part's text and sources: it changes when its data does."""
    items = []
    for paragraph in [*paragraphs, *(p for s in sections for p in s.all_paragraphs())]:
        for sentence in paragraph.sentences:
            items.append(
                [
                    _CALENDAR_WORDING.sub("已逾期", sentence.text),
                    sorted(sentence.task_ids),
                    sorted(sentence.record_ids),
                    sorted(sentence.evidence_ids),
                ]
            )
    headings = [s.heading for s in sections] + [
        sub.heading for s in sections for sub in s.subsections
    ]
    payload = json.dumps([headings, items], ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(payload.encode("utf-8")).hexdigest()


def finish(ctx: BuildContext, part: Part) -> Part:
    """Fingerprint the generated part, then show the coordinator's text if there is one."""
    part.fingerprint = fingerprint(part.paragraphs, part.sections)
    part.generated_text = part.plain_text()
    edit = ctx.data.edits.get(part.key)
    if edit is not None and edit.text is not None:
        paragraphs, sections = parse_part_text(edit.text)
        sentences = [s for p in paragraphs for s in p.sentences] + [
            s for sec in sections for p in sec.all_paragraphs() for s in p.sentences
        ]
        facts = ctx.facts.get(part.key, [])
        if part.key == "opening":
            facts = [
                Fact([f], "", keywords_of(f.label)) for s in part.sentences() for f in s.figures
            ]
        left = anchor_facts(sentences, facts)
        part.paragraphs, part.sections = paragraphs, sections
        # what was said of the generated text no longer applies to the coordinator's
        ctx.warnings = [w for w in ctx.warnings if w.part_key != part.key]
        part.edit = Edit(
            revision_id=edit.revision_id,
            author=edit.author,
            created_at=edit.created_at,
            note=edit.note,
            base_text=edit.base_text,
            data_changed=bool(edit.fingerprint) and edit.fingerprint != part.fingerprint,
            dropped=[f for fact in left for f in fact.figures[:1]],
        )
        if part.edit.data_changed:
            ctx.warnings.append(ReportWarning("data_changed", part.key))
    heading = part.heading or "开头"  # the opening paragraph has no heading of its own
    for section in part.sections:
        for paragraph in section.all_paragraphs():
            for sentence in paragraph.sentences:
                for figure in sentence.figures:
                    figure.section = section.heading
    for sentence in part.sentences():
        mark_unsourced(sentence)
        for figure in sentence.figures:
            figure.part, figure.part_key = heading, part.key
            figure.text = sentence.text
    unsourced = [n for s in part.sentences() if s.origin != "placeholder" for n in s.unsourced]
    if unsourced:
        ctx.warnings.append(
            ReportWarning("unsourced_figures", part.key, {"figures": "、".join(unsourced)})
        )
    if any(s.origin == "placeholder" for s in part.sentences()) and not any(
        w.part_key == part.key for w in ctx.warnings
    ):
        ctx.warnings.append(ReportWarning("placeholder", part.key))
    return part
