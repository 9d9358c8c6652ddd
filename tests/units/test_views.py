"""Unit administration: create, rename, move, deactivate — each audited, the tree consistent."""

import sqlalchemy as sa

from tests.conftest import count
from tracker.audit.models import AuditEvent
from tracker.extensions import db
from tracker.units.models import Unit


def unit_form(name, parent, **changes):
    data = {
        "name": name,
        "aliases": "",
        "kind": "section",
        "parent_id": str(parent.id),
        "sort_order": "50",
    }
    data.update(changes)
    return data


def test_create_unit(org, auth):
    auth.login("admin")
    response = auth.post(
        "/admin/units/new",
        unit_form("儿童福利科", org.bureau, aliases="儿童科"),
        token_from="/admin/units/new",
    )
    assert response.status_code == 302
    unit = db.session.scalar(sa.select(Unit).where(Unit.name == "儿童福利科"))
    assert unit.path == f"{org.bureau.path}{unit.id}/" and unit.bureau_id == org.bureau.id
    assert unit.alias_list == ["儿童科"]
    assert "儿童福利科" in auth.client.get("/admin/units/").text


def test_duplicate_name_under_same_parent_is_refused_and_input_kept(org, auth):
    auth.login("admin")
    before = count(Unit)
    response = auth.post(
        "/admin/units/new",
        unit_form("办公室", org.bureau, aliases="保留别名"),
        token_from="/admin/units/new",
    )
    assert response.status_code == 422
    assert "already a unit named" in response.text
    assert 'value="保留别名"' in response.text
    assert count(Unit) == before


def test_rename_and_move_with_descendants(org, auth):
    auth.login("admin")
    team = org.relief_team
    response = auth.post(
        f"/admin/units/{org.relief.id}/edit",
        unit_form("社会救助科（新）", org.elderly),
        token_from=f"/admin/units/{org.relief.id}/edit",
    )
    assert response.status_code == 302
    relief = db.session.get(Unit, org.relief.id)
    team = db.session.get(Unit, team.id)
    assert relief.name == "社会救助科（新）" and relief.parent_id == org.elderly.id
    assert relief.path == f"{org.elderly.path}{relief.id}/"
    assert team.path == f"{relief.path}{team.id}/"
    event = db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id.desc())).first()
    assert event.action == "unit.update"
    assert event.before["parent_id"] == org.bureau.id and event.after["parent_id"] == org.elderly.id


def test_cannot_move_a_unit_below_itself(org, auth):
    auth.login("admin")
    response = auth.post(
        f"/admin/units/{org.relief.id}/edit",
        unit_form("社会救助科", org.relief_team),
        token_from=f"/admin/units/{org.relief.id}/edit",
    )
    assert response.status_code == 422
    assert db.session.get(Unit, org.relief.id).parent_id == org.bureau.id


def test_deactivate_refused_while_people_or_children_remain(org, auth):
    auth.login("admin")
    auth.post(f"/admin/units/{org.relief.id}/deactivate")
    assert db.session.get(Unit, org.relief.id).is_active  # has a sub-unit and users
    auth.post(f"/admin/units/{org.relief_team.id}/deactivate")
    assert not db.session.get(Unit, org.relief_team.id).is_active
    page = auth.client.get("/admin/users/new").text
    assert f'<option value="{org.relief_team.id}"' not in page  # no longer offered
    auth.post(f"/admin/units/{org.relief_team.id}/activate")
    assert db.session.get(Unit, org.relief_team.id).is_active


def test_aliases_that_could_collide_are_reported_on_save_and_kept(org, auth):
    auth.login("admin")
    response = auth.post(
        f"/admin/units/{org.elderly.id}/edit",
        unit_form("养老服务科", org.bureau, aliases="养老科,救助科,局,法制"),
        token_from=f"/admin/units/{org.elderly.id}/edit",
    )
    assert response.status_code == 302
    page = auth.client.get(response.headers["Location"]).text
    assert "The alias 救助科 is also a name or alias of 社会救助科" in page
    assert "The alias 局 is a generic word" in page
    assert "The alias 法制 is part of the name or an alias of 办公室" in page
    assert "The alias 养老科" not in page  # its own short name, nobody else's
    # saved all the same: the admin decides
    assert db.session.get(Unit, org.elderly.id).alias_list == ["养老科", "救助科", "局", "法制"]


def test_a_unit_named_like_another_of_the_bureau_is_reported(org, auth):
    auth.login("admin")
    response = auth.post(
        "/admin/units/new",
        unit_form("办公室", org.relief, kind="subordinate"),
        token_from="/admin/units/new",
    )
    assert response.status_code == 302
    page = auth.client.get(response.headers["Location"]).text
    assert "Another unit of the bureau is also named 办公室." in page


def test_aliases_without_collision_save_quietly(org, auth):
    auth.login("admin")
    response = auth.post(
        f"/admin/units/{org.elderly.id}/edit",
        unit_form("养老服务科", org.bureau, aliases="老龄科"),
        token_from=f"/admin/units/{org.elderly.id}/edit",
    )
    page = auth.client.get(response.headers["Location"]).text
    assert "Unit 养老服务科 saved." in page
    assert "The alias" not in page and "plan importer" not in page
