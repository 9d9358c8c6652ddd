"""Build the outline tree from the body's paragraphs: each numbered paragraph opens a node; a
kind of number seen before closes the nodes opened since (any level may be absent)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tracker.plans.importer.frame import Break
from tracker.plans.importer.layout import Paragraph
from tracker.plans.importer.outline import RANK, Marker, match_marker
from tracker.plans.importer.readers import Table


@dataclass
class TableRef:
    table: Table
    caption: str | None = None
    #: The table stands after a signature or attachment mark (an annex such as 任务分工表).
    annex: bool = False


@dataclass
class Node:
    marker: Marker | None  # None for the root
    #: Unnumbered paragraphs that follow the node's own line.
    body: list[str] = field(default_factory=list)
    children: list[Node | TableRef] = field(default_factory=list)

    @property
    def kind(self) -> str:
        return self.marker.kind if self.marker else "root"

    @property
    def head(self) -> str:
        return self.marker.rest if self.marker else ""

    @property
    def number(self) -> str:
        return self.marker.number if self.marker else ""

    @property
    def nodes(self) -> list[Node]:
        return [c for c in self.children if isinstance(c, Node)]

    @property
    def tables(self) -> list[TableRef]:
        return [c for c in self.children if isinstance(c, TableRef)]

    @property
    def own_text(self) -> str:
        return "\n".join(t for t in [self.head, *self.body] if t)

    def full_text(self) -> str:
        parts = [self.own_text] if self.own_text else []
        for child in self.nodes:
            parts.append(f"{child.marker.text if child.marker else ''}{child.full_text()}")
        return "\n".join(parts)


def _heading_only(node: Node) -> bool:
    head = node.head.strip().rstrip("。：:")
    return not node.body and len(head) <= 60 and not re.search(r"[。；;！？（(〔【]", head)


def build_tree(items: list[Paragraph | Table | Break], captions: dict[int, str]) -> Node:
    root = Node(None)
    stack: list[Node] = []  # open nodes, outermost first
    after_break = False
    for position, item in enumerate(items):
        if isinstance(item, Break):
            if not item.reason.startswith("caption:"):
                stack = []
                after_break = True
            continue
        if isinstance(item, Table):
            # a table after an item with text of its own belongs to the item's section; after a
            # heading (二、重点任务及分工) to that heading
            while stack and not _heading_only(stack[-1]):
                stack.pop()
            parent = stack[-1] if stack else root
            parent.children.append(TableRef(item, captions.get(position), annex=after_break))
            continue
        marker = match_marker(item.text)
        if marker is None:
            (stack[-1] if stack else root).body.append(item.text)
            continue
        node = Node(marker)
        kinds = [n.kind for n in stack]
        if marker.kind in kinds:
            del stack[kinds.index(marker.kind) :]
        else:
            rank = RANK.get(marker.kind, 9)
            while stack and RANK.get(stack[-1].kind, 9) > rank:
                stack.pop()
        (stack[-1] if stack else root).children.append(node)
        stack.append(node)
        after_break = False
    return root
