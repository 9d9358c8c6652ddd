"""`tracker doctor`, the health page, job heartbeats and the administrators' alert e-mail."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import stamp

from tests.conftest import Auth, count
from tracker.core import clock
from tracker.extensions import db
from tracker.ops import alerts, doctor, heartbeat
from tracker.ops.models import JobHeartbeat
from tracker.reminders.models import OutboxEmail
from tracker.reminders.outbox import queue_email

SHANGHAI = clock.ZoneInfo("Asia/Shanghai")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=SHANGHAI)


def beat(job_id: str, at: datetime, error: Exception | None = None) -> None:
    with clock.frozen_at(at):
        heartbeat.record_run(job_id, at, error)
    db.session.commit()


@pytest.fixture
def healthy(app, org):
    """An installation at the migration head whose jobs ran a minute ago (Wednesday 10:00)."""
    stamp()
    now = local(2026, 3, 11, 10, 0)
    beat("reminders.sweep", now - timedelta(minutes=90))
    beat("outbox.deliver", now - timedelta(minutes=1))
    with clock.frozen_at(now):
        yield now


def by_name(checks) -> dict:
    return {check.name: check for check in checks}


def test_every_check_reports_once_in_order(healthy):
    checks = doctor.run_checks()
    assert [c.name for c in checks] == list(doctor.CHECK_LABELS)
    statuses = {c.name: c.status for c in checks}
    assert doctor.FAIL not in statuses.values(), checks
    assert statuses["database.migrations"] == "ok"
    assert statuses["scheduler.sweep"] == statuses["scheduler.delivery"] == "ok"


def test_command_prints_one_line_per_check_and_exits_0(healthy, runner):
    result = runner.invoke(args=["doctor"])
    assert result.exit_code == 0, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == len(doctor.CHECK_LABELS)
    assert lines[0].split()[:2] == ["WARN", "config.secret"]  # development key
    assert any(line.startswith("OK    audit.chain") for line in lines)


def test_json_format_and_exit_1_on_a_failure(healthy, runner):
    db.session.execute(sa.text("DELETE FROM alembic_version"))
    db.session.commit()
    result = runner.invoke(args=["doctor", "--format", "json"])
    assert result.exit_code == 1
    report = json.loads(result.output)
    assert report["status"] == "fail"
    migrations = {c["name"]: c for c in report["checks"]}["database.migrations"]
    assert migrations["status"] == "fail" and "tracker db upgrade" in migrations["message"]


def test_production_settings_are_checked(healthy, app):
    app.config.update(ENV_NAME="production", MAIL_PICKUP_DIR="", SMTP_HOST="")
    checks = by_name(doctor.run_checks())
    assert checks["config.secret"].status == "ok"
    assert checks["config.base_url"].status == "fail"  # still http://127.0.0.1:5000
    assert checks["config.smtp"].status == "fail"
    assert checks["config.https"].status == "warn"
    app.config.update(
        BASE_URL="https://duban.bureau.gov.cn",
        SMTP_HOST="mail.bureau.gov.cn",
        SESSION_COOKIE_SECURE=True,
    )
    checks = by_name(doctor.run_checks())
    assert {checks[n].status for n in ("config.base_url", "config.smtp", "config.https")} == {"ok"}


def test_sweep_is_stale_after_a_whole_working_day_without_one(app):
    friday = local(2026, 3, 6, 8, 30)
    # the weekend is not a working day: Monday is fine, Tuesday is not
    assert not doctor.sweep_is_stale(friday, local(2026, 3, 9, 23, 0))
    assert doctor.sweep_is_stale(friday, local(2026, 3, 10, 0, 5))
    assert not doctor.sweep_is_stale(None, local(2026, 3, 10))
    # the Spring Festival holiday of 2026 (15–23 February) is not a working day, but the
    # make-up Saturday before it (14 February) is
    assert not doctor.sweep_is_stale(local(2026, 2, 14, 14, 0), local(2026, 2, 24, 9, 0))
    assert doctor.sweep_is_stale(local(2026, 2, 13, 14, 0), local(2026, 2, 15, 9, 0))


def test_stale_sweep_and_failing_job_show(healthy, app):
    beat("reminders.sweep_afternoon", healthy, RuntimeError("SMTP down"))
    checks = by_name(doctor.run_checks())
    assert checks["scheduler.sweep"].status == "warn"
    assert "SMTP down" in checks["scheduler.sweep"].message
    with clock.frozen_at(healthy + timedelta(days=2)):  # Friday: Thursday had no sweep
        checks = by_name(doctor.run_checks())
    assert checks["scheduler.sweep"].status == "fail"
    assert checks["scheduler.delivery"].status == "fail"


def test_audit_head_is_reported(healthy, app):
    from tracker.audit.models import AuditEvent

    check = by_name(doctor.run_checks())["audit.chain"]
    assert check.status == "ok"
    assert check.details["head_id"] == check.details["events"] == count(AuditEvent) > 0


def test_missing_evidence_blob_fails(healthy, app, org):
    from tests.evidence import samples
    from tests.factories import task_in_status
    from tracker.core import storage
    from tracker.evidence import service

    task = task_in_status(org, "in_progress")
    evidence = service.add_file(
        org.users.chief, task, filename="报告.pdf", stream=io.BytesIO(samples.pdf())
    )
    db.session.commit()
    assert by_name(doctor.run_checks())["evidence.consistent"].status == "ok"
    path = storage.blob_path(evidence.sha256)
    path.chmod(0o600)
    path.unlink()
    check = by_name(doctor.run_checks())["evidence.consistent"]
    assert check.status == "fail" and check.details["missing"] == [evidence.sha256]


def test_outbox_stuck_alerts_each_admin_once(healthy, app, org):
    org.users.admin.email = "admin@example.org"
    with clock.frozen_at(healthy - timedelta(hours=2)):
        queue_email(db.session, recipient=org.users.coordinator, subject="s", text="t")
        org.users.coordinator.email = "office@example.org"
        queue_email(db.session, recipient=org.users.coordinator, subject="s", text="t")
    db.session.commit()
    checks = by_name(doctor.run_checks())
    assert checks["outbox.backlog"].status == "fail"
    assert alerts.send_alerts() == 1
    db.session.commit()
    assert alerts.send_alerts() == 0  # once per incident
    alert = db.session.scalar(sa.select(OutboxEmail).where(OutboxEmail.kind == "alert"))
    assert alert.to_address == "admin@example.org"
    assert "outbox" in alert.subject.lower() or "发件箱" in alert.subject


def test_stale_sweep_alert_through_the_command(healthy, app, org, runner):
    org.users.admin.email = "admin@example.org"
    db.session.commit()
    with clock.frozen_at(healthy + timedelta(days=2, hours=1)):
        result = runner.invoke(args=["doctor", "--alert"])
        again = runner.invoke(args=["doctor", "--alert"])
    assert result.exit_code == 1
    assert "alerts queued: 1" in result.output
    assert "alerts queued: 0" in again.output
    assert count(OutboxEmail) == 1


def test_with_heartbeat_records_success_and_failure(app):
    def works(app):
        return {"done": 1}

    def breaks(app):
        raise RuntimeError("boom")

    moment = datetime(2026, 3, 11, 2, 0, tzinfo=UTC)
    with clock.frozen_at(moment):
        assert heartbeat.with_heartbeat("demo.works", works)(app) == {"done": 1}
        with pytest.raises(RuntimeError):
            heartbeat.with_heartbeat("demo.breaks", breaks)(app)
    db.session.expire_all()
    ok = db.session.get(JobHeartbeat, "demo.works")
    failed = db.session.get(JobHeartbeat, "demo.breaks")
    assert ok.last_success_at == moment and ok.run_count == 1 and not ok.is_failing
    assert failed.is_failing and failed.last_error == "RuntimeError: boom"


def test_every_scheduled_job_leaves_a_heartbeat(app):
    from tracker.scheduler import build_scheduler, job_registry

    scheduler = build_scheduler(app)
    ids = {spec.id for spec in job_registry()}
    assert {job.id for job in scheduler.get_jobs()} == ids
    assert "ops.watch" in ids
    delivery = scheduler.get_job("outbox.deliver")
    with clock.frozen_at(datetime(2026, 3, 11, 2, 0, tzinfo=UTC)):
        delivery.func(*delivery.args, **delivery.kwargs)
    db.session.expire_all()
    assert db.session.get(JobHeartbeat, "outbox.deliver").run_count == 1


def test_health_page_for_admins_only_and_in_chinese(healthy, app, client):
    auth = Auth(client)
    auth.login("office")
    assert client.get("/admin/health/").status_code == 403
    auth.logout()
    auth.login("admin")
    page = client.get("/admin/health/")
    assert page.status_code == 200
    assert 'data-check="audit.chain"' in page.text and "Disk space" in page.text
    app.config["BABEL_DEFAULT_LOCALE"] = "zh_Hans_CN"
    assert "磁盘空间" in client.get("/admin/health/").text


def test_a_server_without_libmagic_fails_the_upload_check(healthy, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_magic(name, *args, **kwargs):
        if name == "magic":
            raise ImportError("failed to find libmagic")
        return real_import(name, *args, **kwargs)

    assert by_name(doctor.run_checks())["evidence.file_types"].status == doctor.OK
    monkeypatch.setattr(builtins, "__import__", no_magic)
    check = by_name(doctor.run_checks())["evidence.file_types"]
    assert check.status == doctor.FAIL and "libmagic1" in check.message
