"""The production kit under deploy/ agrees with the settings: upload limit, log retention,
hardened services."""

import re
from pathlib import Path

from tracker.config import load_config

DEPLOY = Path(__file__).resolve().parent.parent / "deploy"


def test_nginx_upload_limit_covers_the_default_upload_size(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_MAX_UPLOAD_MB", raising=False)
    upload_mb = load_config({"INSTANCE_DIR": str(tmp_path)})["MAX_UPLOAD_MB"]
    config = (DEPLOY / "nginx" / "duban.conf").read_text()
    limit = int(re.search(r"client_max_body_size (\d+)m;", config).group(1))
    assert upload_mb < limit <= upload_mb + 5
    assert "Strict-Transport-Security" in config and "ssl_protocols TLSv1.2 TLSv1.3" in config


def test_logs_are_kept_at_least_180_days():
    rotate = (DEPLOY / "logrotate" / "duban").read_text()
    assert "daily" in rotate
    assert int(re.search(r"rotate (\d+)", rotate).group(1)) >= 180


def test_services_are_hardened():
    for name in ("duban-web.service", "duban-scheduler.service"):
        unit = (DEPLOY / "systemd" / name).read_text()
        for line in ("User=duban", "ProtectSystem=strict", "PrivateTmp=true", "NoNewPrivileges"):
            assert line in unit, (name, line)
        assert re.search(r"^Restart=(always|on-failure)$", unit, re.M), name
