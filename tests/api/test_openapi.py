"""The OpenAPI document is generated from the code, served with a browsable page, and the API
keeps to it: schemathesis sends generated requests (a bounded number per operation) and checks
that no answer is a 5xx and every answer conforms to the document."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.specs.openapi.checks import ignored_auth, positive_data_acceptance

from tests.api.conftest import token_for
from tests.factories import make_plan, make_task
from tracker.api.http import ENDPOINTS
from tracker.extensions import db
from tracker.plans import service as plans


def test_document_lists_every_endpoint_and_the_docs_page_uses_vendored_assets(
    api, auth, client, org
):
    caller = api.as_(org.users.viewer, "read")
    document = caller.get("/openapi.json").json
    assert document["openapi"] == "3.1.0"
    operations = {(path, method) for path, item in document["paths"].items() for method in item}
    assert len(operations) == len(ENDPOINTS)
    assert ("/api/v1/tasks/{task_id}/claim", "post") in operations
    claim = document["paths"]["/api/v1/tasks/{task_id}/claim"]["post"]
    assert {p["name"] for p in claim["parameters"]} == {"task_id", "If-Match"}
    assert {"412", "428", "429"} <= set(claim["responses"])
    assert "TaskIn" in document["components"]["schemas"]
    auth.login("viewer")
    page = client.get("/api/v1/docs")
    assert page.status_code == 200
    assert "/static/vendor/swagger-ui/swagger-ui-bundle.js" in page.text
    assert "http" not in page.text.split("<body", 1)[1].replace("http-equiv", "")
    with client.get("/static/vendor/swagger-ui/swagger-ui-bundle.js") as bundle:
        assert bundle.status_code == 200


#: ignored_auth replays a request through the auth provider, which puts the token back
#: (test_tokens.py checks that no token or a wrong one is 401); positive_data_acceptance wants
#: a 2xx for every well-formed request, but a well-formed request may name a stale version (412)
#: or be refused by a rule of the domain (422), as on the pages.
EXCLUDED = [ignored_auth, positive_data_acceptance]


def load_schema(app, secret: str):
    """The document as the app serves it, with requests that carry the token (an auth provider:
    schemathesis also tries them without it and with a wrong one, and expects 401)."""
    response = app.test_client().get(
        "/api/v1/openapi.json", headers={"Authorization": f"Bearer {secret}"}
    )
    schema = schemathesis.openapi.from_dict(response.json)
    schema.app = app

    @schema.auth()
    class Token:
        def get(self, case, context):
            return secret

        def set(self, case, data, context):
            case.headers = {**(case.headers or {}), "Authorization": f"Bearer {data}"}

    return schema


@pytest.mark.slow
def test_generated_requests_get_no_5xx_and_conform_to_the_document(app, org, monkeypatch):
    plan = make_plan(org)
    make_task(org, plan)
    plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    app.config["API_RATE_LIMIT"] = 1_000_000
    schema = load_schema(app, token_for(org.users.coordinator, "write"))
    failures = []
    for result in schema.get_all_operations():
        operation = result.ok()

        @settings(
            max_examples=20,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
        @given(case=operation.as_strategy())
        def check(case):
            case.call_and_validate(excluded_checks=EXCLUDED)

        try:
            check()
        except Exception as error:  # noqa: BLE001 - collect every operation's failure
            failures.append(f"{operation.label}: {error}")
            failures.extend(str(e) for e in getattr(error, "exceptions", []))
    assert not failures, "\n\n".join(failures)


@pytest.mark.slow
def test_stateful_links_create_get_and_act(app, org):
    """Schemathesis follows the document's links: create a task, read it, act on it with the
    ETag it read (If-Match), and checks every answer on the way."""
    plan = make_plan(org)
    make_task(org, plan)
    plans.publish_plan(org.users.coordinator, plan)
    db.session.commit()
    app.config["API_RATE_LIMIT"] = 1_000_000
    schema = load_schema(app, token_for(org.users.coordinator, "write"))
    document = schema.raw_schema
    created = document["paths"]["/api/v1/tasks"]["post"]["responses"]["201"]["links"]
    assert created["get"]["operationId"] == "get_task"
    read = document["paths"]["/api/v1/tasks/{task_id}"]["get"]["responses"]["200"]["links"]
    assert read["cancel"]["parameters"]["header.If-Match"] == "$response.header.ETag"

    class Machine(schema.as_state_machine()):
        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, excluded_checks=EXCLUDED)

    Machine.run(
        settings=settings(
            max_examples=10,
            stateful_step_count=5,
            deadline=None,
            database=None,
            derandomize=True,
            suppress_health_check=list(HealthCheck),
        )
    )
