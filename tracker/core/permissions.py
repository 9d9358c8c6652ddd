"""Decide who may do what: named actions, role rules, and the unit-tree scope.

`can(user, action, obj)` is the only place that decides; views call `require()`, which aborts
with 403 and announces the denial (`access_denied`: the audit feature records it).

Scopes: admins, coordinators, leaders and viewers act on their whole bureau (the nearest bureau
above their unit); chiefs on their own unit's subtree; staff on what is assigned to them.
Users seated at a city node (the 依法治市办) have the whole city as their bureau: they read every
bureau's work but do none of it (`CITY_ON_BUREAU_ACTIONS`), and act on the city's own plan.
Objects describe themselves through a few optional attributes:
`unit` (a Unit), `lead_unit` / `co_units`, `owner_id`, or `access_units` (a list of Units).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort
from werkzeug.local import LocalProxy

from tracker.core.signals import access_denied

ROLES = ("admin", "coordinator", "leader", "chief", "staff", "viewer")
BUREAU_WIDE_ROLES = frozenset({"admin", "coordinator", "leader", "viewer"})

Rule = Callable[[Any, Any], bool]


def scope_unit(user):
    """The unit whose subtree bounds what `user` may see: the bureau, or the own unit."""
    return user.bureau if user.role in BUREAU_WIDE_ROLES else user.unit


def in_scope(user, unit) -> bool:
    """True when `unit` lies in the user's scope subtree."""
    return unit is not None and scope_unit(user).contains(unit)


def _units_of(obj) -> list:
    if obj is None:
        return []
    if hasattr(obj, "access_units"):
        return [u for u in obj.access_units if u is not None]
    units = []
    if getattr(obj, "lead_unit", None) is not None:
        units.append(obj.lead_unit)
    units.extend(getattr(obj, "co_units", None) or [])
    if not units and getattr(obj, "unit", None) is not None:
        units.append(obj.unit)
    if not units and obj.__class__.__name__ == "Unit":
        units.append(obj)
    if not units and getattr(obj, "plan", None) is not None:
        units.append(obj.plan.bureau)  # e.g. a principal duty with no lead unit
    return units


def _lead_unit(obj):
    return getattr(obj, "lead_unit", None) or getattr(obj, "unit", None)


def _home_unit(obj):
    """Where an item without a lead unit belongs: its plan's bureau."""
    plan = getattr(obj, "plan", None) or getattr(getattr(obj, "task", None), "plan", None)
    return plan.bureau if plan is not None else None


# -- rule builders ---------------------------------------------------------------------------


def roles(*allowed: str) -> Rule:
    """Any user of these roles, for objects in their scope (or no object)."""

    def rule(user, obj) -> bool:
        if user.role not in allowed:
            return False
        units = _units_of(obj)
        return not units or any(in_scope(user, u) for u in units)

    return rule


def bureau_members() -> Rule:
    """Anyone whose unit lies in the object's bureau (plans are read by every unit they task)."""

    def rule(user, obj) -> bool:
        unit = getattr(obj, "unit", None) if obj is not None else None
        return unit is None or unit.contains(user.unit) or in_scope(user, unit)

    return rule


def readers() -> Rule:
    """Bureau-wide roles read everything in their bureau; chiefs and staff what involves their
    unit (as lead or co-unit) or is assigned to them."""

    def rule(user, obj) -> bool:
        units = _units_of(obj)
        if user.role in BUREAU_WIDE_ROLES:
            return not units or any(in_scope(user, u) for u in units)
        if obj is not None and getattr(obj, "owner_id", None) == user.id:
            return True
        return not units or any(in_scope(user, u) for u in units)

    return rule


def workers(*, coordinator: bool = True, staff: bool = True) -> Rule:
    """Who may work on an item: the chief of its lead unit and (optionally) the staff member or
    leader it is assigned to and a coordinator of the bureau."""

    def rule(user, obj) -> bool:
        lead = _lead_unit(obj)
        if user.role == "coordinator":
            # The legal office works its own unit's tasks like a chief; elsewhere it coordinates.
            own_unit = lead is not None and user.unit.contains(lead)
            home = lead if lead is not None else _home_unit(obj)
            return own_unit or (coordinator and (home is None or in_scope(user, home)))
        if user.role == "chief":
            return lead is not None and in_scope(user, lead)
        if user.role in ("staff", "leader"):
            # staff work what is assigned to them; a leader works duties they own (第一责任人)
            return staff and obj is not None and getattr(obj, "owner_id", None) == user.id
        return False

    return rule


def city_office_of(*allowed: str) -> Rule:
    """Users of these roles seated at a city node (the 依法治市办: their bureau is the city), for
    objects in the city's subtree (or no object)."""

    def rule(user, obj) -> bool:
        if user.role not in allowed or user.bureau.kind != "city":
            return False
        units = _units_of(obj)
        return not units or any(in_scope(user, u) for u in units)

    return rule


def own_bureau_of(*allowed: str) -> Rule:
    """Users of these roles in the object's own bureau; never the city office above it (the
    bureau's own acts, e.g. 报送 of its report)."""
    inner = roles(*allowed)

    def rule(user, obj) -> bool:
        return user.bureau.kind != "city" and inner(user, obj)

    return rule


def calendar_keepers() -> Rule:
    """Administrators keep the working-day calendar: the whole deployment's days when seated at
    the top of the unit tree, else those of their own bureau (or city) and below."""

    def rule(user, obj) -> bool:
        if user.role != "admin":
            return False
        unit = getattr(obj, "unit", None) if obj is not None else None
        if obj is not None and unit is None:  # a deployment-wide day
            return scope_unit(user).parent_id is None
        return unit is None or in_scope(user, unit)

    return rule


def either_of(*rules: Rule) -> Rule:
    """Allowed when any of `rules` allows."""

    def rule(user, obj) -> bool:
        return any(r(user, obj) for r in rules)

    return rule


#: Every named action and who may perform it. Add an action here before using it anywhere.
RULES: dict[str, Rule] = {
    # administration
    "admin.access": roles("admin"),
    "unit.read": roles(*ROLES),
    "unit.manage": roles("admin"),
    "user.manage": roles("admin"),
    # directory login: the rules that seat a person at their first login (a unit and a role)
    "directory.manage": roles("admin"),
    "settings.manage": roles("admin"),
    # the working-day calendar's overrides (a day off, a make-up working day)
    "calendar.manage": calendar_keepers(),
    "audit.read": roles("admin", "coordinator"),
    # plans and tasks
    "plan.read": bureau_members(),
    "plan.create": roles("coordinator"),
    "plan.import": roles("coordinator"),  # 导入计划: like plan.create
    "plan.edit": roles("coordinator"),
    "plan.publish": roles("coordinator"),
    "plan.close": roles("coordinator"),
    "task.read": readers(),
    "task.edit": roles("coordinator"),
    "task.claim": workers(coordinator=False),  # 签收
    "task.update": workers(),  # 进展反馈
    "task.assign_owner": workers(staff=False),
    "task.submit": workers(coordinator=False),  # 申请办结
    "task.accept": roles("coordinator"),  # 办结
    "task.return": roles("coordinator"),  # 退回
    "task.cancel": roles("coordinator"),  # 撤销
    "task.urge": roles("coordinator"),  # 催办: the legal office chases the lead unit
    # 督办通知单: the legal office issues it; the unit addressed and the bureau read it
    "supervision.issue": roles("coordinator"),
    "supervision.read": roles("coordinator", "leader", "viewer", "admin", "chief"),
    # a task list as .xlsx/.csv: everyone, with the rows they may read (tasks.queries)
    "task.export_list": roles(*ROLES),
    # 待我审核: submitted tasks and evidence waiting for the legal office
    "review.queue": roles("coordinator"),
    # records and evidence
    "record.read": readers(),
    "record.edit": workers(),
    "evidence.read": readers(),
    "evidence.add": workers(),
    "evidence.review": roles("coordinator"),
    "advisor.manage": roles("coordinator"),
    # reports, exports, dashboards
    "report.view": roles("coordinator", "leader", "viewer", "admin"),  # annual report page
    "report.edit": roles("coordinator"),  # a part's text, the signature
    # how the bureau's reports speak (short name, 我局, framing, addressee, default signatory)
    "report.settings": roles("coordinator", "admin"),
    "export.read": roles("coordinator", "leader", "viewer"),
    # one's own secret calendar feed of task deadlines (exports.calendar)
    "calendar.subscribe": roles(*ROLES),
    # the leadership view (驾驶舱): a chief sees the own unit's subtree, the others the bureau
    "dashboard.view": roles("admin", "coordinator", "leader", "viewer", "chief"),
    "duties.view": roles("admin", "coordinator", "leader", "viewer"),  # 第一责任人职责清单
    "briefing.view": roles("admin", "coordinator", "leader", "viewer"),  # 每周简报
    "outbox.manage": roles("admin"),
    # work-chat group robots of the units in the administrator's scope (reminders to the chat)
    "robots.manage": roles("admin"),
    # the city level (tracker.upward): 报送 the annual report upward, its review, 公开, 考核
    "upward.submit": own_bureau_of("coordinator"),  # 报送 / resubmit the bureau's report
    "upward.view": either_of(  # a bureau's submission: its own readers and the city office
        own_bureau_of("coordinator", "leader", "viewer", "admin"),
        city_office_of("coordinator", "leader", "viewer", "admin"),
    ),
    "upward.publish": either_of(own_bureau_of("coordinator"), city_office_of("coordinator")),
    "upward.review": city_office_of("coordinator"),  # 退回修改 / 已接收
    "upward.office": city_office_of("coordinator", "leader", "viewer", "admin"),  # the city's list
    "assessment.manage": city_office_of("coordinator"),  # the scheme, scoring, manual items
    "assessment.view": city_office_of("coordinator", "leader", "viewer", "admin"),  # 通报
    # the cascade (tracker.cascade): a bureau's 上级交办 inbox of the city items naming it, their
    # decomposition into its own tasks, 申请不承担; the office's answer and deadline consent
    "cascade.inbox": own_bureau_of("coordinator", "leader"),
    "cascade.decompose": own_bureau_of("coordinator"),
    "cascade.decline": own_bureau_of("coordinator"),
    "cascade.resolve": city_office_of("coordinator"),
    "cascade.consent": city_office_of("coordinator"),
}


#: What the city office (users seated at a city node) may do on a bureau's own objects: read,
#: export and follow them. Every other action on a bureau's object is the bureau's to take;
#: the city office acts on its own city plan, and through its own actions (upward.*,
#: assessment.*), which have rules of their own.
CITY_ON_BUREAU_ACTIONS = frozenset(
    {
        "unit.read",
        "plan.read",
        "task.read",
        "task.export_list",
        "record.read",
        "evidence.read",
        "report.view",
        "export.read",
        "calendar.subscribe",
        "dashboard.view",
        "duties.view",
        "briefing.view",
        "supervision.read",
        "audit.read",
        # an administrator seated at the city administers the whole deployment (units,
        # accounts, settings, the outbox); a bureau's administrator only the bureau
        "admin.access",
        "unit.manage",
        "user.manage",
        "directory.manage",
        "settings.manage",
        "calendar.manage",
        "outbox.manage",
        "robots.manage",
    }
)


def _owning_bureau(obj):
    """The bureau or city whose work `obj` is: its plan's, else its units' nearest bureau."""
    if obj is None:
        return None
    if obj.__class__.__name__ == "Plan":
        return obj.bureau
    plan = getattr(obj, "plan", None) or getattr(getattr(obj, "task", None), "plan", None)
    if plan is not None:
        return plan.bureau
    for unit in _units_of(obj):
        return unit.bureau or unit
    return None


def _bureau_work_for_city_user(user, action: str, obj) -> bool:
    """True when a city-office user would act on a bureau's own object (not a reading)."""
    if action in CITY_ON_BUREAU_ACTIONS or user.bureau.kind != "city":
        return False
    owner = _owning_bureau(obj)
    return owner is not None and owner.kind != "city" and not action.startswith(CITY_LEVEL_PREFIXES)


#: What a bureau's users may do on the city's own objects (its plan and the items naming the
#: bureau): read them. The city's work is the city office's; the bureau answers an item through
#: the cascade's actions, which have rules of their own.
BUREAU_ON_CITY_ACTIONS = frozenset(
    {"unit.read", "plan.read", "task.read", "task.export_list", "record.read", "evidence.read"}
)
CITY_LEVEL_PREFIXES = ("upward.", "assessment.", "cascade.")


def _city_work_for_bureau_user(user, action: str, obj) -> bool:
    """True when a bureau's user would act on the city's own object (not a reading)."""
    if action in BUREAU_ON_CITY_ACTIONS or user.bureau.kind == "city":
        return False
    if action.startswith(CITY_LEVEL_PREFIXES):
        return False
    owner = _owning_bureau(obj)
    return owner is not None and owner.kind == "city"


def can(user, action: str, obj: Any = None) -> bool:
    """Return whether `user` may perform `action` on `obj`. Unknown actions are an error.
    The city office reads a bureau's work but never does it (CITY_ON_BUREAU_ACTIONS)."""
    try:
        rule = RULES[action]
    except KeyError:
        raise KeyError(f"unknown permission action {action!r}") from None
    if isinstance(user, LocalProxy):
        # flask_login's current_user: resolved once here, not on each of the dozen attribute
        # reads the rules make (each a lookup of the request's user through the proxy)
        user = user._get_current_object()
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if _bureau_work_for_city_user(user, action, obj) or _city_work_for_bureau_user(
        user, action, obj
    ):
        return False
    return rule(user, obj)


def require(user, action: str, obj: Any = None) -> None:
    """Abort with 403 unless `user` may perform `action`; record the denial in the audit trail."""
    if can(user, action, obj):
        return
    access_denied.send(user, action=action, obj=obj)
    abort(403)
