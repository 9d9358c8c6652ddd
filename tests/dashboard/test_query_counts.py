"""Every dashboard page issues as many SQL statements for 2,000 tasks as for 10."""

from __future__ import annotations

import pytest

from tests.test_query_counts import add_tasks, big_plan, statements_for  # noqa: F401 - fixture

URLS = [
    "/dashboard",
    "/dashboard?sort=overdue",
    "/dashboard?unit={unit}",
    "/dashboard?plan={plan}&section={section}",
    "/dashboard/ranking",
    "/dashboard/ranking.xlsx",
    "/dashboard/yoy",
    "/duties",
    "/briefing",
]


@pytest.mark.parametrize("username", ["office", "director", "chief-relief"])
def test_statements_do_not_grow_with_tasks(org, auth, big_plan, username):  # noqa: F811
    plan, sections = big_plan
    allowed = {
        "chief-relief": [u for u in URLS if not u.startswith(("/duties", "/briefing"))],
    }.get(username, URLS)
    urls = [u.format(plan=plan.id, section=sections[0].id, unit=org.relief.id) for u in allowed]
    add_tasks(org, plan, sections, 10, start=1)
    auth.login(username)
    few = {url: statements_for(auth.client, url) for url in urls}
    add_tasks(org, plan, sections, 1990, start=11)
    for url in urls:
        many = statements_for(auth.client, url)
        assert len(many) == len(few[url]), f"{url}\n\n" + "\n\n".join(many)
    total = int(auth.client.get("/dashboard").text.split('data-total="total">')[1].split("<")[0])
    assert total > (1000 if username == "chief-relief" else 2000)  # all of them were counted
