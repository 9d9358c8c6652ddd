"""The README's curl examples for an OA system work: each line is expanded by bash as a shell
would, then replayed through the test client, and the values a system would read from the
answers ($TASK_ID, $ETAG) are read from them."""

from __future__ import annotations

import os
import re
import subprocess
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

from tests.api.conftest import token_for
from tests.conftest import FrozenClock
from tests.factories import make_plan, make_task
from tracker.extensions import db
from tracker.plans import service as plans
from tracker.tasks.models import Task

README = Path(__file__).resolve().parents[2] / "README.md"


def curl_lines() -> list[str]:
    text = README.read_text(encoding="utf-8")
    section = text.split("## The API for other systems", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    joined = block.replace("\\\n", " ")
    return [line.strip() for line in joined.splitlines() if line.strip().startswith("curl ")]


def argv_of(line: str, variables: dict) -> list[str]:
    """The arguments bash would give curl for `line`."""
    script = 'printf "%s\\0" ' + line.removeprefix("curl ")
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **variables}
    out = subprocess.run(["bash", "-c", script], env=env, capture_output=True, check=True)
    return out.stdout.decode("utf-8").split("\0")[:-1]


def replay(client, argv: list[str]):
    method, headers, data, url = "GET", {}, None, None
    args = iter(argv)
    for arg in args:
        if arg == "-X":
            method = next(args)
        elif arg == "-H":
            name, _sep, value = next(args).partition(":")
            headers[name.strip()] = value.strip()
        elif arg == "-d":
            data = next(args).encode("utf-8")
            method = "POST" if method == "GET" else method
        elif arg in ("-s", "-i"):
            continue
        else:
            url = arg
    parts = urlsplit(url)
    return client.open(
        parts.path, method=method, query_string=parts.query, headers=headers, data=data
    )


def test_readme_curl_examples_create_a_task_and_read_its_status(client, org):
    lines = curl_lines()
    assert len(lines) == 6
    token = token_for(org.users.coordinator, "write")  # after the password was set (real time)
    with FrozenClock(datetime(2026, 6, 1, 2, tzinfo=UTC)):
        plan = make_plan(org)
        make_task(org, plan)
        plans.publish_plan(org.users.coordinator, plan)
        db.session.commit()
        variables = {
            "DUBAN": "http://localhost",
            "TOKEN": token,
            "PLAN_ID": str(plan.id),
            "UNIT_ID": str(org.relief.id),
        }
        answers = []
        for line in lines:
            response = replay(client, argv_of(line, variables))
            assert response.status_code < 300, (line, response.json)
            answers.append(response)
            if response.headers.get("ETag"):
                variables["ETAG"] = response.headers["ETag"]
            if response.status_code == 201 and "plan_id" in response.json:
                variables["TASK_ID"] = str(response.json["id"])
    plans_answer, created, read, moved, urged, submitted = answers
    assert plan.id in [p["id"] for p in plans_answer.json]
    assert created.json["title"] == "开展行政执法案卷评查" and created.json["status"] == "assigned"
    assert read.json["lead_unit"]["name"] == "社会救助科"
    assert moved.json["due_date"] == "2026-12-15"
    assert db.session.get(Task, int(variables["TASK_ID"])).due_date.isoformat() == "2026-12-15"
    assert urged.status_code == 201 and urged.json["task_id"] == int(variables["TASK_ID"])
    assert submitted.json == [] and "X-Total-Count" in submitted.headers
