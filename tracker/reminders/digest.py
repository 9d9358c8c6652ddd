"""The reminder digest e-mail: one per user per sweep, grouped by light, text and HTML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask import render_template
from flask_babel import gettext, ngettext

from tracker.core import clock
from tracker.core.urls import external_url, site_origin
from tracker.tasks.lights import LIGHT_LABELS, LightPolicy, light_of

GROUP_ORDER = ("red", "orange", "yellow", "green", "other")

#: The notices an e-mail names per light, most urgent first; the rest are counted, with a link
#: to the list that holds them (a chief whose unit has thousands of overdue tasks gets an
#: e-mail that a mail client shows whole, not thousands of lines).
ITEMS_PER_LIGHT = 20


@dataclass(frozen=True)
class DigestItem:
    title: str
    body: str
    url: str
    created_at: datetime


@dataclass(frozen=True)
class Section:
    light: str
    label: str
    items: list[DigestItem]  # the first ITEMS_PER_LIGHT
    count: int  # all of this light's notices
    more_url: str  # where the rest are listed

    @property
    def more(self) -> int:
        return self.count - len(self.items)


@dataclass(frozen=True)
class Content:
    subject: str
    text: str
    html: str


def _light(notice, policy: LightPolicy) -> str:
    # A notice from an action (assigned, returned…) carries no light: take the task's own now.
    light = notice.light or (light_of(notice.task, policy) if notice.task is not None else "")
    return light if light in GROUP_ORDER else "other"


def group_label(light: str) -> str:
    if light == "other":
        return gettext("Other notices")
    return str(LIGHT_LABELS[light])


def _more_url(light: str) -> str:
    # the user's own list filtered by the light; notices without one are in the inbox
    if light == "other":
        return external_url("reminders.inbox")
    return external_url("home.index", light=light)


def render(user, notices, now: datetime) -> Content:
    """The digest for `user` (call inside force_locale for the user's language); `notices`
    most urgent first (see ITEMS_PER_LIGHT)."""
    origin = site_origin()  # stored links are paths that hold any prefix of TRACKER_BASE_URL
    policy = LightPolicy.current(clock.to_local(now).date())
    groups: dict[str, list] = {light: [] for light in GROUP_ORDER}
    for notice in notices:
        groups[_light(notice, policy)].append(notice)

    def item(notice) -> DigestItem:
        url = (
            origin + notice.link
            if notice.link
            else external_url("reminders.open_notification", notification_id=notice.id)
        )
        return DigestItem(notice.title, notice.body, url, notice.created_at)

    sections = [
        Section(
            light,
            group_label(light),
            [item(notice) for notice in groups[light][:ITEMS_PER_LIGHT]],
            len(groups[light]),
            _more_url(light),
        )
        for light in GROUP_ORDER
        if groups[light]
    ]
    overdue = len(groups["red"])
    count = len(notices)
    if overdue:
        subject = ngettext(
            "[Duban] %(num)d reminder for you (%(overdue)d overdue)",
            "[Duban] %(num)d reminders for you (%(overdue)d overdue)",
            count,
            overdue=overdue,
        )
    else:
        subject = ngettext(
            "[Duban] %(num)d reminder for you", "[Duban] %(num)d reminders for you", count
        )
    context = {
        "user": user,
        "sections": sections,
        "count": count,
        "inbox_url": external_url("reminders.inbox"),
        "settings_url": external_url("accounts.account"),
        "local_now": clock.to_local(now),
    }
    return Content(
        subject=subject,
        text=render_template("reminders/email/digest.txt", **context),
        html=render_template("reminders/email/digest.html", **context),
    )
