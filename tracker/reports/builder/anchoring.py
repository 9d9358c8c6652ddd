"""Anchoring figures to sentences: tie each fact to the sentence that writes its figure, write
a sentence for the facts no text cites, and list the numbers nothing backs."""

from __future__ import annotations

from collections import defaultdict

from .document import Figure, Sentence
from .facts import Fact
from .spans import clause_score, figure_spans, find_figure, number_spans, written_numbers
from .statements import mentions


def anchor_facts(sentences: list[Sentence], facts: list[Fact]) -> list[Fact]:
    """Tie each fact to the sentence that writes its main figure (where several do, the one
    whose clause reads most like the figure's label); return the facts no sentence writes.
    Secondary figures are kept only where that sentence writes them too."""
    taken: dict[int, set[int]] = defaultdict(set)
    left: list[Fact] = []
    for fact in facts:
        best = None
        for index, sentence in enumerate(sentences):
            for span in figure_spans(sentence.text, fact.primary):
                if span[0] in taken[index]:
                    continue
                score = clause_score(sentence.text, span[0], fact.keywords)
                if best is None or score > best[0]:
                    best = (score, index, span)
        if best is None:
            left.append(fact)
            continue
        _best_score, index, span = best
        sentence = sentences[index]
        taken[index].add(span[0])
        placed = [_placed(fact.primary, sentence, span)]
        for figure in fact.figures[1:]:
            other = find_figure(sentence.text, figure, taken[index])
            if other is not None:
                taken[index].add(other[0])
                placed.append(_placed(figure, sentence, other))
        fact.placed = {f.label for f in placed}
        sentence.figures.extend(placed)
        sentence.add_sources(**Fact(placed, "").sources())
    return left


def _placed(figure: Figure, sentence: Sentence, span: tuple[int, int] | None) -> Figure:
    copy = Figure(**{**figure.__dict__})
    copy.span = span
    copy.text = sentence.text
    return copy


def place_figures(sentence: Sentence, figures: list[Figure]) -> None:
    """Add figures to a sentence written for them, each at its own place in the text; a figure
    the wording only implies (均通过网络公开: all of them) is not cited as a number."""
    taken = {f.span[0] for f in sentence.figures if f.span}
    for figure in figures:
        span = find_figure(sentence.text, figure, taken)
        if span is not None:
            taken.add(span[0])
            sentence.figures.append(_placed(figure, sentence, span))


def fact_sentence(fact: Fact, said: str = "") -> Sentence:
    """The sentence a fact writes when the text does not cite it; briefer when the paragraph
    (`said`) already says part of it."""
    text = fact.sentence
    for phrase, briefer in fact.briefer:
        if mentions(said, phrase):
            text = briefer
            break
    sentence = Sentence(text, origin="generated")
    place_figures(sentence, fact.figures)
    sentence.add_sources(**fact.sources())
    return sentence


def complement_sentence(fact: Fact, said: str) -> Sentence | None:
    """What the text that cites a fact left out of it, as a sentence of its own."""
    text = fact.complement(said)
    if not text:
        return None
    sentence = Sentence(text, origin="generated")
    place_figures(sentence, [f for f in fact.figures if f.label not in fact.placed])
    sentence.add_sources(**Fact(sentence.figures, "").sources())
    return sentence


def join_sentences(first: Sentence, second: Sentence, separator: str = "，") -> None:
    """Make `second` a clause of `first` ("健全法律顾问制度，全年咨询法律顾问6次…")."""
    first.text = first.text.rstrip("。") + separator
    offset = len(first.text)
    first.text += second.text
    for figure in second.figures:
        span = (figure.span[0] + offset, figure.span[1] + offset) if figure.span else None
        first.figures.append(_placed(figure, first, span))
    for figure in first.figures:
        figure.text = first.text
    first.add_sources(
        task_ids=second.task_ids,
        record_ids=second.record_ids,
        evidence_ids=second.evidence_ids,
        metric_ids=second.metric_ids,
    )


def mark_unsourced(sentence: Sentence) -> None:
    """List the numbers the sentence writes that none of its figures accounts for."""
    covered = []
    for figure in sentence.figures:
        if figure.span:
            covered.append(figure.span)
        if figure.baseline_value is not None:
            for start, end in number_spans(sentence.text, figure.baseline_value):
                covered.append((start, end))
    sentence.unsourced = [
        sentence.text[start:end]
        for start, end in written_numbers(sentence.text)
        if not any(a <= start < b for a, b in covered)
    ]
