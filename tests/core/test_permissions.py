"""The permission checker, tested directly for every role, action and scope."""

from types import SimpleNamespace

import pytest

from tracker.core.permissions import RULES, can, scope_unit


def task_like(org, lead, co=(), owner=None):
    """An object shaped like a task: lead unit, co-units, owner."""
    return SimpleNamespace(lead_unit=lead, co_units=list(co), owner_id=owner.id if owner else None)


ROLES_ORDER = ["admin", "coordinator", "principal", "leader", "chief", "staff", "viewer"]

#: action -> roles (by org.users attribute) allowed on a relief-section task owned by staff.
EXPECTED_ON_RELIEF_TASK = {
    "task.read": {"admin", "coordinator", "principal", "leader", "chief", "staff", "viewer"},
    "task.edit": {"coordinator"},
    "task.claim": {"chief", "staff"},
    "task.update": {"coordinator", "chief", "staff"},
    "task.assign_owner": {"coordinator", "chief"},
    "task.submit": {"chief", "staff"},
    "task.accept": {"coordinator"},
    "task.return": {"coordinator"},
    "task.cancel": {"coordinator"},
    "evidence.read": {"admin", "coordinator", "principal", "leader", "chief", "staff", "viewer"},
    "evidence.add": {"coordinator", "chief", "staff"},
    "evidence.review": {"coordinator"},
    "record.edit": {"coordinator", "chief", "staff"},
    "task.urge": {"coordinator"},
    "supervision.issue": {"coordinator"},
    # the 督办单 of the relief section's task: the bureau's readers and that unit's chief
    "supervision.read": {"admin", "coordinator", "principal", "leader", "chief", "viewer"},
}

#: actions without an object -> roles allowed.
EXPECTED_GLOBAL = {
    "admin.access": {"admin"},
    "unit.manage": {"admin"},
    "user.manage": {"admin"},
    "settings.manage": {"admin"},
    "calendar.manage": {"admin"},
    "audit.read": {"admin", "coordinator"},
    "plan.create": {"coordinator"},
    "plan.import": {"coordinator"},
    "plan.publish": {"coordinator"},
    "report.view": {"admin", "coordinator", "principal", "leader", "viewer"},
    "report.edit": {"coordinator"},
    "report.settings": {"admin", "coordinator"},
    "export.read": {"coordinator", "principal", "leader", "viewer"},
    "calendar.subscribe": set(ROLES_ORDER),
    "dashboard.view": {"admin", "coordinator", "principal", "leader", "viewer", "chief"},
    "duties.view": {"admin", "coordinator", "principal", "leader", "viewer"},
    "briefing.view": {"admin", "coordinator", "principal", "leader", "viewer"},
    "outbox.manage": {"admin"},
    "robots.manage": {"admin"},
    "directory.manage": {"admin"},
    "advisor.manage": {"coordinator"},
    "task.export_list": set(ROLES_ORDER),
    "review.queue": {"coordinator"},
    # the city level: a bureau's own acts; the city office's actions need a seat at a city
    # node (tests/upward/test_permissions.py), which nobody of this bureau has
    "upward.submit": {"coordinator"},
    "upward.view": {"admin", "coordinator", "principal", "leader", "viewer"},
    "upward.publish": {"coordinator"},
    "upward.review": set(),
    "upward.office": set(),
    "assessment.manage": set(),
    "assessment.view": set(),
    # the cascade: a bureau's own inbox; the office's answers need a seat at a city node
    # (tests/cascade)
    "cascade.inbox": {"coordinator", "principal", "leader"},
    "cascade.decompose": {"coordinator"},
    "cascade.decline": {"coordinator"},
    "cascade.resolve": set(),
    "cascade.consent": set(),
}


@pytest.mark.parametrize("action", sorted(EXPECTED_ON_RELIEF_TASK))
def test_task_actions_for_every_role(org, action):
    task = task_like(org, org.relief, owner=org.users.staff)
    allowed = {r for r in ROLES_ORDER if can(getattr(org.users, r), action, task)}
    assert allowed == EXPECTED_ON_RELIEF_TASK[action]


@pytest.mark.parametrize("action", sorted(EXPECTED_GLOBAL))
def test_global_actions_for_every_role(org, action):
    allowed = {r for r in ROLES_ORDER if can(getattr(org.users, r), action)}
    assert allowed == EXPECTED_GLOBAL[action]


def test_every_action_is_tested():
    tested = set(EXPECTED_ON_RELIEF_TASK) | set(EXPECTED_GLOBAL)
    untested = (
        set(RULES) - tested - {"unit.read", "plan.read", "plan.edit", "plan.close", "record.read"}
    )
    assert not untested, f"add expectations for {sorted(untested)}"


def test_chief_of_other_section_can_neither_read_nor_work(org):
    task = task_like(org, org.relief, owner=org.users.staff)
    chief = org.users.chief_elderly
    assert not can(chief, "task.read", task)
    assert not can(chief, "task.update", task)
    assert not can(chief, "evidence.read", task)
    assert not can(chief, "supervision.read", task)


def test_chief_reads_task_where_unit_is_only_co_unit(org):
    task = task_like(org, org.elderly, co=[org.relief])
    assert can(org.users.chief, "task.read", task)
    # but only the lead unit's chief works on it
    assert not can(org.users.chief, "task.update", task)
    assert can(org.users.chief_elderly, "task.update", task)


def test_chief_scope_includes_units_below(org):
    task = task_like(org, org.relief_team)
    assert can(org.users.chief, "task.update", task)


def test_staff_works_only_on_tasks_assigned_to_them(org):
    mine = task_like(org, org.relief, owner=org.users.staff)
    colleague = task_like(org, org.relief, owner=org.users.chief)
    assert can(org.users.staff, "task.update", mine)
    assert not can(org.users.staff, "task.update", colleague)
    assert can(org.users.staff, "task.read", colleague)  # same unit: may read


def test_other_bureau_is_out_of_scope_for_bureau_wide_roles(org):
    foreign = task_like(org, org.other_section)
    for role in ("admin", "coordinator", "principal", "leader", "viewer"):
        assert not can(getattr(org.users, role), "task.read", foreign), role
    assert can(org.users.outsider, "task.read", foreign)
    assert not can(org.users.outsider, "task.read", task_like(org, org.relief))


def test_admin_manages_units_and_users_only_in_own_bureau(org):
    assert can(org.users.admin, "unit.manage", org.relief)
    assert can(org.users.admin, "user.manage", org.users.chief)
    assert not can(org.users.admin, "unit.manage", org.other_section)
    assert not can(org.users.admin, "user.manage", org.users.outsider)


def test_scope_unit(org):
    assert scope_unit(org.users.coordinator) == org.bureau
    assert scope_unit(org.users.viewer) == org.bureau
    assert scope_unit(org.users.chief) == org.relief


def test_disabled_and_anonymous_users_may_do_nothing(org):
    org.users.coordinator.is_disabled = True
    assert not can(org.users.coordinator, "plan.create")
    assert not can(None, "task.read")


def test_unknown_action_is_a_programming_error(org):
    with pytest.raises(KeyError):
        can(org.users.admin, "task.teleport")
