"""Order siblings by an integer `position`, moving one item up or down."""

from __future__ import annotations


def move_among(siblings: list, item, direction: str) -> bool:
    """Swap `item` with its neighbour in `siblings` (already in order) and renumber them all
    10, 20, 30 …; return False when it is already first (up) or last (down)."""
    index = siblings.index(item)
    other = index - 1 if direction == "up" else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for position, sibling in enumerate(siblings, start=1):
        sibling.position = position * 10
    return True
