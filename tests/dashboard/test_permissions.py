"""The dashboard's named actions for every role, and the unit scope of a chief."""

import pytest

from tracker.core.permissions import can

ROLES = ["admin", "coordinator", "principal", "leader", "chief", "staff", "viewer"]

EXPECTED = {
    "dashboard.view": {"admin", "coordinator", "principal", "leader", "chief", "viewer"},
    "duties.view": {"admin", "coordinator", "principal", "leader", "viewer"},
    "briefing.view": {"admin", "coordinator", "principal", "leader", "viewer"},
}


@pytest.mark.parametrize("action", sorted(EXPECTED))
def test_roles(org, action):
    assert {r for r in ROLES if can(getattr(org.users, r), action)} == EXPECTED[action]


def test_a_chief_views_the_own_unit_subtree_only(org):
    chief = org.users.chief
    assert can(chief, "dashboard.view", org.relief)
    assert can(chief, "dashboard.view", org.relief_team)
    assert not can(chief, "dashboard.view", org.elderly)
    assert not can(chief, "dashboard.view", org.bureau)


def test_bureau_wide_roles_stay_in_their_bureau(org):
    for role in ("coordinator", "leader", "viewer", "admin"):
        user = getattr(org.users, role)
        assert can(user, "dashboard.view", org.elderly), role
        assert not can(user, "dashboard.view", org.other_section), role
