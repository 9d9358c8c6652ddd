"""The plans feature's part in other features' steps: a unit's aliases are checked against the
plan importer's matcher when the unit is saved."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from tracker.core.signals import unit_saved
from tracker.units.queries import subtree

COLLISION_MESSAGES = {
    "generic": _l(
        "The alias %(alias)s is a generic word: the plan importer cannot tell which unit a "
        "document means by it."
    ),
    "equals": _l(
        "The alias %(alias)s is also a name or alias of %(other)s: a document that writes it "
        "cannot be matched to one unit."
    ),
    "inside": _l(
        "The alias %(alias)s is part of the name or an alias of %(other)s: the plan importer may "
        "read one for the other."
    ),
    "matched": _l(
        "The plan importer already reads %(alias)s as %(other)s (an abbreviation of its name)."
    ),
    "name": _l("Another unit of the bureau is also named %(alias)s."),
}


def _bureau_of(unit):
    while unit.parent is not None and unit.kind != "bureau":
        unit = unit.parent
    return unit


@unit_saved.connect
def _aliases_that_could_collide(unit) -> list[str]:
    # the importer's matcher loads when a unit is first saved, not in every web worker
    from tracker.plans.importer.collisions import alias_collisions

    others = [(u.name, u.alias_list) for u in subtree(_bureau_of(unit)) if u.id != unit.id]
    return [
        str(COLLISION_MESSAGES[c.kind]) % {"alias": c.alias, "other": c.other}
        for c in alias_collisions(unit.name, unit.alias_list, others)
    ]
