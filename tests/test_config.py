"""Settings: production refuses weak secrets; the README documents every variable."""

from pathlib import Path

import pytest

from tracker import create_app
from tracker.config import SETTINGS_DOC, ConfigError, load_config

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.mark.parametrize(
    "secret",
    [
        None,
        "",
        "dev",
        "changeme",
        "short-but-random",
        "a" * 32,  # long enough, one character
        "abcd" * 8,  # few distinct characters
        "0123456789abcdef" * 2,  # a repeated pattern
        "abcdefghijklmnopqrstuvwxyz012345",  # a run
        "k" * 20 + "a-random-enough-tail-0123",  # mostly one character
    ],
)
def test_production_refuses_missing_or_weak_secret(monkeypatch, tmp_path, secret):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path))
    if secret is None:
        monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    else:
        monkeypatch.setenv("TRACKER_SECRET_KEY", secret)
    with pytest.raises(ConfigError, match="TRACKER_SECRET_KEY"):
        create_app()


def test_production_starts_with_a_real_secret(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_ENV", "production")
    monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("TRACKER_SECRET_KEY", "77zk0hDbkfXxb6MlIieNtIUGe0zGA3ltWxpOaP_NnRW1")
    monkeypatch.setenv("TRACKER_AUDIT_KEY", "an-audit-key-kept-outside-the-database-42")
    monkeypatch.setenv("TRACKER_DATABASE_URL", f"sqlite:///{tmp_path}/p.sqlite3")
    app = create_app()
    assert app.config["DEMO_MODE"] is False


def test_development_generates_and_keeps_a_secret(monkeypatch, tmp_path):
    monkeypatch.delenv("TRACKER_SECRET_KEY", raising=False)
    monkeypatch.setenv("TRACKER_ENV", "development")
    monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path))
    first = load_config()["SECRET_KEY"]
    assert len(first) >= 40
    assert load_config()["SECRET_KEY"] == first
    assert (tmp_path / "dev-secret-key").stat().st_mode & 0o077 == 0


def test_bad_numbers_are_reported_by_name(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path))
    monkeypatch.setenv("TRACKER_LOCKOUT_MINUTES", "fifteen")
    with pytest.raises(ConfigError, match="TRACKER_LOCKOUT_MINUTES"):
        load_config()


def test_readme_documents_every_setting():
    text = README.read_text(encoding="utf-8")
    for name, default, _meaning in SETTINGS_DOC:
        assert f"| `{name}` | {default} |" in text, name


def test_readme_starts_with_the_two_commands():
    text = README.read_text(encoding="utf-8")
    assert text.index("make run") < text.index("make test") < text.index("## ")


def test_directory_login_is_off_unless_configured(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_INSTANCE_DIR", str(tmp_path))
    for name, _default, _meaning in SETTINGS_DOC:
        if name.startswith("TRACKER_LDAP_"):
            monkeypatch.delenv(name, raising=False)
    config = load_config()
    assert config["LDAP_URL"] == ""
    assert config["LDAP_USER_FILTER"] == "(uid={username})"
    monkeypatch.setenv("TRACKER_LDAP_URL", " ldaps://dc1.mzj.example:636 ")
    monkeypatch.setenv("TRACKER_LDAP_USER_FILTER", "(sAMAccountName={username})")
    monkeypatch.setenv("TRACKER_LDAP_UNIT_ATTRIBUTE", "department")
    monkeypatch.setenv("TRACKER_LDAP_STARTTLS", "yes")
    monkeypatch.setenv("TRACKER_LDAP_TIMEOUT", "3")
    config = load_config()
    assert config["LDAP_URL"] == "ldaps://dc1.mzj.example:636"
    assert config["LDAP_USER_FILTER"] == "(sAMAccountName={username})"
    assert config["LDAP_UNIT_ATTRIBUTE"] == "department"
    assert config["LDAP_GROUP_ATTRIBUTE"] == "memberOf"
    assert (config["LDAP_STARTTLS"], config["LDAP_TIMEOUT"]) == (True, 3)
