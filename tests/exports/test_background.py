"""A plan too large to export within a request: the page queues its workbook, the scheduler's
job writes it with its progress on the job, the user downloads it (audited); failures and
permissions as for a direct export."""

from __future__ import annotations

import sqlalchemy as sa

from tests.exports.conftest import load_workbook, rows_by_header
from tracker.audit.models import AuditEvent
from tracker.exports import background, jobs
from tracker.exports.models import ExportJob
from tracker.extensions import db


def _queue(app, auth, org, work):
    app.config["EXPORT_BACKGROUND_TASKS"] = 1  # the test plan's few tasks count as "large"
    auth.login(org.users.coordinator.username)
    response = auth.client.get(f"/plans/{work.plan.id}/export.xlsx")
    assert response.status_code == 302
    job_id = db.session.scalar(sa.select(ExportJob.id))
    assert response.headers["Location"].endswith(f"/exports/jobs/{job_id}")
    # the test's own transaction ends, as a request's does (on SQLite an open one would hold
    # the write lock the job needs)
    db.session.commit()
    return job_id


def _run(app):
    db.session.commit()
    return jobs.run_queued(app)


def test_a_large_plan_is_exported_in_the_background_and_downloaded(app, auth, org, work, tmp_path):
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    job_id = _queue(app, auth, org, work)
    page = auth.client.get(f"/exports/jobs/{job_id}")
    assert page.status_code == 200 and 'data-status="queued"' in page.text
    # asking again while it waits gives the same job
    auth.client.get(f"/plans/{work.plan.id}/export.xlsx")
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ExportJob)) == 1
    db.session.commit()

    assert _run(app) == {"written": 1, "removed": 0}
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job.status == "done" and job.size > 0 and len(job.sha256) == 64
    assert job.sheets_done == background.expected_sheets()
    db.session.commit()
    page = auth.client.get(f"/exports/jobs/{job_id}")
    assert 'data-status="done"' in page.text and "hx-get" not in page.text
    download = auth.client.get(f"/exports/jobs/{job_id}/download", buffered=True)
    assert download.status_code == 200
    data = download.data
    download.close()
    tasks = rows_by_header(load_workbook(data)["Tasks"])
    assert len(tasks) == 4  # the plan's three tasks and its reporting task
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    # each request is recorded (the second found the first job waiting), then the download
    assert actions.count("export.xlsx_requested") == 2 and actions[-1] == "export.xlsx"
    db.session.commit()
    # nothing left to do on the next run
    assert _run(app) == {"written": 0, "removed": 0}


def test_progress_is_visible_while_the_workbook_is_written(app, auth, org, work, tmp_path):
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    job_id = _queue(app, auth, org, work)
    seen = []
    writer = background._progress_writer(job_id)

    def spy(sheet, sheets_done, rows_done):
        writer(sheet, sheets_done, rows_done)
        with db.engine.connect() as connection:  # what the page's request would read
            seen.append(
                connection.execute(
                    sa.select(ExportJob.status, ExportJob.sheet).where(ExportJob.id == job_id)
                ).one()
            )

    original = background._progress_writer
    background._progress_writer = lambda _job_id: spy
    try:
        _run(app)
    finally:
        background._progress_writer = original
    assert ("running", "Tasks") in [tuple(row) for row in seen]
    assert len(seen) >= 8


def test_a_failed_workbook_says_why_and_leaves_no_file(app, auth, org, work, tmp_path, monkeypatch):
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    job_id = _queue(app, auth, org, work)

    def broken(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(background, "write_plan_workbook", broken)
    _run(app)
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    assert job.status == "failed" and "disk full" in job.error
    db.session.commit()
    assert not list((tmp_path / "exports").iterdir())
    assert auth.client.get(f"/exports/jobs/{job_id}/download").status_code == 404
    assert "disk full" in auth.client.get(f"/exports/jobs/{job_id}").text


def test_only_those_who_may_export_see_the_job(app, auth, org, work, tmp_path):
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    job_id = _queue(app, auth, org, work)
    auth.logout()
    auth.login(org.users.chief.username)
    assert auth.client.get(f"/exports/jobs/{job_id}").status_code == 403
    assert auth.client.get(f"/exports/jobs/{job_id}/download").status_code == 403


def test_a_queued_workbook_keeps_the_day_its_statuses_are_judged_at(app, auth, org, work, tmp_path):
    app.config["EXPORT_DIR"] = str(tmp_path / "exports")
    app.config["EXPORT_BACKGROUND_TASKS"] = 1
    auth.login(org.users.coordinator.username)
    assert auth.client.get(f"/plans/{work.plan.id}/export.xlsx?as_of=2026-03-31").status_code == 302
    # the same plan as of another day (or the default day) is another workbook, not this one
    assert auth.client.get(f"/plans/{work.plan.id}/export.xlsx").status_code == 302
    jobs_made = db.session.scalars(sa.select(ExportJob).order_by(ExportJob.id)).all()
    assert [str(j.as_of) if j.as_of else None for j in jobs_made] == ["2026-03-31", None]
    db.session.commit()
    assert _run(app)["written"] >= 1
    db.session.commit()
    _run(app)
    db.session.expire_all()
    first = db.session.get(ExportJob, jobs_made[0].id)
    db.session.commit()
    download = auth.client.get(f"/exports/jobs/{first.id}/download", buffered=True)
    about = load_workbook(download.data)["About"]
    download.close()
    values = {row[0]: row[1] for row in about.iter_rows(values_only=True) if row and row[0]}
    assert str(values["Statuses as of"])[:10] == "2026-03-31"
