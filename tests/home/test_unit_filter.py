"""The home list's unit filter offers the units under the user's bureau; they are kept between
changes to the unit tree, and a unit added, renamed or closed shows on the next view."""

from __future__ import annotations

import re

from tests.conftest import FACTORY_ACTOR
from tracker.extensions import db
from tracker.units.service import create_unit, update_unit


def offered(auth) -> list[str]:
    page = auth.client.get("/").text
    select = page.split('name="unit"')[1].split("</select>")[0]
    return re.findall(r'<option value="\d+"[^>]*>([^<]+)</option>', select)


def test_the_unit_filter_follows_the_unit_tree(org, auth):
    auth.login("office")
    before = offered(auth)
    assert "社会救助科" in before and org.bureau.name not in before
    assert offered(auth) == before  # kept: the same on the next view
    added = create_unit(FACTORY_ACTOR, name="法制科", parent=org.bureau)
    db.session.commit()
    assert "法制科" in offered(auth)
    update_unit(
        FACTORY_ACTOR, added, name="法规科", kind=added.kind, parent=org.bureau,
        aliases=added.aliases, sort_order=added.sort_order,
    )  # fmt: skip
    db.session.commit()
    now = offered(auth)
    assert "法规科" in now and "法制科" not in now
