"""Links come from the URL map: url_for in a request, TRACKER_BASE_URL outside one."""

from __future__ import annotations

import pytest

from tracker.core.urls import external_url, link_to, site_origin


def test_outside_a_request_links_follow_the_base_url(app):
    app.config["BASE_URL"] = "http://duban.test"
    assert link_to("tasks.show", task_id=5) == "/tasks/5"
    assert link_to("plans.show", plan_id=3, unit=4) == "/plans/3?unit=4"
    assert external_url("tasks.show", task_id=5) == "http://duban.test/tasks/5"
    assert site_origin() + link_to("tasks.show", task_id=5) == "http://duban.test/tasks/5"


def test_a_path_prefix_of_the_base_url_is_kept(app):
    app.config["BASE_URL"] = "https://gov.example.org:8443/duban/"
    assert link_to("tasks.show", task_id=5) == "/duban/tasks/5"
    assert external_url("reminders.inbox") == "https://gov.example.org:8443/duban/notifications/"
    assert site_origin() == "https://gov.example.org:8443"


def test_in_a_request_paths_follow_the_request_and_absolute_links_the_base_url(app):
    app.config["BASE_URL"] = "https://duban.example.org"
    with app.test_request_context("/", base_url="http://10.0.0.7:8000/pre"):
        assert link_to("tasks.show", task_id=5) == "/pre/tasks/5"
        assert external_url("tasks.show", task_id=5) == "https://duban.example.org/tasks/5"


@pytest.mark.parametrize("host", ["localhost", "duban.internal", "10.0.0.7:8000"])
def test_the_app_answers_on_any_host_name(app, host):
    assert app.config.get("SERVER_NAME") is None
    assert app.test_client().get("/login", base_url=f"http://{host}").status_code == 200
