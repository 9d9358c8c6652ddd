"""Signals between features: a feature announces what happened, others subscribe in their own
package (a `subscribers.py`, imported by create_app), so no feature reaches into another.

Every signal is sent with the object it is about as the sender and keyword arguments; the
receivers are plain functions that take the sender positionally and the keywords by name.
Receivers run in no particular order (blinker keeps them in a set): a receiver must not rely on
another one having run.

Checks that may refuse a step (`task_submitting`, `task_accepting`, `unit_deactivating`) veto by
*returning* a message — the reason, ready for the user — and None when they have no objection;
they never raise. The sender asks `veto(signal, sender, ...)` for the first message and turns it
into a `DomainError` (or its own subclass), so the refusal looks the same wherever it came from.
Which message wins when several receivers refuse is not defined (today's checks never refuse
the same step together: a decision with open steps is itself a record, i.e. proof).
"""

from __future__ import annotations

from blinker import Namespace

_signals = Namespace()

# -- core -------------------------------------------------------------------------------------

#: `require()` refused `action` on `obj` to `user`: sender is the user, kwargs `action`, `obj`.
#: The audit feature records the denial in a transaction of its own (it survives the 403).
access_denied = _signals.signal("access-denied")

#: core.workdays needs the admin overrides of the calendar: sender None; receivers return a
#: mapping date → is a working day (the holidays feature keeps them), merged into one.
workday_overrides = _signals.signal("workday-overrides")

#: A task list is about to draw a page of tasks: sender the page's tasks. What a row shows per
#: bureau or plan (its calendar, reminder rules, 催办 counts) is read here for all the rows at
#: once; a city office's page holds the tasks of twenty bureaus, and each read once per bureau
#: was three statements a bureau.
tasks_listed = _signals.signal("tasks-listed")

#: A user's credentials stopped being trustworthy: sender the user, kwargs `actor`, `reason`
#: ("password_changed", "disabled"). The API revokes the user's personal access tokens.
credentials_revoked = _signals.signal("credentials-revoked")

# -- units ------------------------------------------------------------------------------------

#: A unit is about to be deactivated: sender the unit; receivers return why not (a message) or
#: None — accounts refuses while active users still belong to it.
unit_deactivating = _signals.signal("unit-deactivating")

#: A unit was saved (created or edited): sender the unit; receivers return warnings for the
#: admin (messages ready for the user; the unit stays saved) — plans reports aliases the plan
#: importer could confuse with another unit's.
unit_saved = _signals.signal("unit-saved")

# -- plans ------------------------------------------------------------------------------------

#: A draft plan became active, before its tasks are assigned: sender the plan, kwarg `actor`.
#: Receivers may return a list of tasks they added to the plan, assigned and announced with the
#: plan's own (reports: the office's task to submit and publish the year's report).
plan_published = _signals.signal("plan-published")

#: Every task of a newly published plan is assigned: sender the plan, kwargs `actor`, `tasks`
#: (the top-level tasks just assigned). Reminders tell each lead unit's chief.
plan_assigned = _signals.signal("plan-assigned")

#: A plan is being copied into next year's draft: sender the plan; receivers return the ids of
#: tasks (a list or a subquery) that are not to be copied (reports: its reporting tasks).
plan_copying = _signals.signal("plan-copying")

#: A plan's annual report is being built: sender the plan, kwarg `today`; receivers return a
#: list of sentences about data beyond the plan for the report's opening (upward: a city's
#: plan gets its bureaus' figures — tasks done, reports submitted on time and published).
report_wider_sentences = _signals.signal("report-wider-sentences")

# -- records ----------------------------------------------------------------------------------

#: Which evidence proves a ledger record: sender the record; receivers return its current
#: evidence, newest first (the evidence feature), so a decision's steps can point at it.
record_evidence = _signals.signal("record-evidence")

# -- tasks ------------------------------------------------------------------------------------

#: 申请办结 is about to happen: sender the task; receivers return why not, or None
#: (records: open statutory steps of a major decision; evidence: no proof at all).
task_submitting = _signals.signal("task-submitting")

#: 办结 is about to happen: sender the task; receivers return why not, or None
#: (evidence: pieces still waiting for review).
task_accepting = _signals.signal("task-accepting")

#: A task took a workflow step: sender the task, kwargs `actor`, `action` (claim, submit,
#: accept, return, cancel) and `note`. Reminders notify the people concerned.
task_transitioned = _signals.signal("task-transitioned")

#: The task page is being drawn: sender the task; receivers return a dict of template values
#: for their panels (records: the ledger's records of the task; reminders: the notices sent).
task_page = _signals.signal("task-page")

#: The task's timeline is being drawn: sender the task; receivers return entries of their own,
#: each a dict with `at`, `who` (a person's display name), `kind` and optional `title`, `note`
#: (evidence: added, reviewed, withdrawn).
task_timeline = _signals.signal("task-timeline")

#: A task's dates are about to change through its form: sender the task, kwargs `due_date` and
#: `is_continuous` (the new ones); receivers return why not, or None (cascade: a task
#: decomposing a city item may not be due after it without the city office's consent).
task_dates_changing = _signals.signal("task-dates-changing")

#: A task's status or progress changed, or it was deleted: sender the task (already flushed;
#: when deleted, no longer in the database). The cascade brings the city item the task
#: decomposes up to date (its progress and status follow its bureaus' tasks).
task_changed = _signals.signal("task-changed")

#: A task's person responsible changed: sender the task, kwargs `actor`, `owner` (None when
#: the task has nobody named any more). Reminders tell the new owner.
task_owner_assigned = _signals.signal("task-owner-assigned")


# -- reminders --------------------------------------------------------------------------------

#: The reminder sweep is choosing the open tasks to remind about: sender None; receivers return
#: a select of task ids whose deadline was met another way, so no due-soon, overdue or
#: escalation notice is due for them (upward: the reporting task of a bureau whose annual
#: report the city office has received; a report returned for revision is reminded again).
reminders_settled = _signals.signal("reminders-settled")


def veto(signal, sender, **kwargs) -> str | None:
    """Send a check signal; return the first refusal a receiver gave, or None."""
    for _receiver, message in signal.send(sender, **kwargs):
        if message:
            return message
    return None


def merged(signal, sender, **kwargs) -> dict:
    """Send `signal` and return the receivers' answers, each a dict, merged into one."""
    values: dict = {}
    for _receiver, answer in signal.send(sender, **kwargs):
        if answer:
            values.update(answer)
    return values


def collect(signal, sender, **kwargs) -> list:
    """Send `signal` and return the receivers' non-empty answers, each a list, concatenated."""
    answers: list = []
    for _receiver, answer in signal.send(sender, **kwargs):
        if answer:
            answers.extend(answer)
    return answers
