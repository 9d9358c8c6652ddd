"""Read Duban's settings from TRACKER_* environment variables, with defaults in code."""

from __future__ import annotations

import hashlib
import math
import os
import secrets
from collections import Counter
from datetime import timedelta
from pathlib import Path

#: Secret keys that must never be used outside development (documentation examples, old defaults).
KNOWN_SECRET_KEYS = frozenset({"", "dev", "secret", "changeme", "change-me", "duban", "duban-demo"})


class ConfigError(RuntimeError):
    """A setting is missing or unsafe; the message names it."""


def _bool(value: str | None, default: bool) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _text(name: str, default: str = "") -> str:
    """The variable without surrounding spaces; `default` when it is unset or blank."""
    return os.environ.get(name, "").strip() or default


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        return int(raw)
    except ValueError as exc:
        raise ConfigError(f"{name} must be a whole number, got {raw!r}") from exc


#: Every TRACKER_* variable: (name, default shown in the README, meaning). The README table is
#: checked against this list by the tests, so the two cannot drift apart.
SETTINGS_DOC: list[tuple[str, str, str]] = [
    (
        "TRACKER_ENV",
        "development",
        "`development` or `production`; production refuses weak secrets",
    ),
    (
        "TRACKER_DATABASE_URL",
        "sqlite:///instance/duban.sqlite3",
        "SQLAlchemy URL; PostgreSQL as `postgresql+psycopg://user@host/db`",
    ),
    (
        "TRACKER_SECRET_KEY",
        "(generated in development)",
        "session signing key; required in production: at least 32 characters and random "
        "(few distinct characters, repetitions or a known value are refused)",
    ),
    ("TRACKER_INSTANCE_DIR", "instance/", "where the SQLite file, dev secret and locks live"),
    ("TRACKER_EVIDENCE_DIR", "instance/evidence/", "where evidence files are stored"),
    (
        "TRACKER_EVIDENCE_STORE",
        "filesystem",
        "evidence store backend (`filesystem`: files under `TRACKER_EVIDENCE_DIR`, local or NFS)",
    ),
    ("TRACKER_MAX_UPLOAD_MB", "50", "largest evidence file accepted, in megabytes"),
    ("TRACKER_API_RATE_LIMIT", "120", "API requests a personal access token may make a minute"),
    ("TRACKER_TIMEZONE", "Asia/Shanghai", "the bureau's time zone for dates and deadlines"),
    (
        "TRACKER_DEFAULT_LOCALE",
        "zh_Hans_CN",
        "UI language for users who chose none (`zh_Hans_CN` or `en`)",
    ),
    ("TRACKER_DEMO_MODE", "true in development", "show the demo accounts on the login page"),
    (
        "TRACKER_BASE_URL",
        "http://127.0.0.1:5000",
        "the address users open (scheme, host, any path prefix): links in e-mails, digests, "
        "briefings and calendar feeds, and links built outside a request",
    ),
    (
        "TRACKER_LOGIN_MAX_FAILURES",
        "5",
        "failed logins that lock a username *from that client address* (not from others)",
    ),
    ("TRACKER_LOGIN_FAILURE_WINDOW_MINUTES", "15", "window in which failures are counted"),
    ("TRACKER_LOCKOUT_MINUTES", "15", "how long a username stays locked from that address"),
    (
        "TRACKER_LOGIN_ADDRESS_MAX_ATTEMPTS",
        "30",
        "failed login attempts one client address may make (over all usernames) per window; "
        "beyond it the login page answers 429 with Retry-After",
    ),
    ("TRACKER_LOGIN_ADDRESS_WINDOW_MINUTES", "5", "window of the per-address limit"),
    (
        "TRACKER_TRUSTED_PROXIES",
        "0",
        "reverse proxies in front of the app (1 behind the nginx of deploy/): the client "
        "address is then read from X-Forwarded-For, the scheme from X-Forwarded-Proto",
    ),
    ("TRACKER_SESSION_IDLE_MINUTES", "30", "a session ends after this much inactivity"),
    ("TRACKER_SESSION_MAX_HOURS", "12", "a session ends this long after login, whatever happens"),
    (
        "TRACKER_SECURE_COOKIES",
        "false",
        "force the Secure flag (it is set anyway on HTTPS requests)",
    ),
    ("TRACKER_LOG_LEVEL", "INFO", "Python logging level"),
    (
        "TRACKER_LIGHT_ORANGE_PERCENT",
        "15",
        "orange light when at most this % of a task's time is left",
    ),
    (
        "TRACKER_LIGHT_YELLOW_PERCENT",
        "30",
        "yellow light when at most this % of a task's time is left",
    ),
    (
        "TRACKER_LIGHT_YELLOW_WORKDAYS",
        "5",
        "yellow light also when at most this many working days are left",
    ),
    (
        "TRACKER_SMTP_HOST",
        "(empty)",
        "SMTP server for e-mail; empty: development writes `.eml` files to `instance/mail/`, "
        "production keeps e-mails pending",
    ),
    ("TRACKER_SMTP_PORT", "25", "SMTP port (usually 25, or 587 with STARTTLS)"),
    ("TRACKER_SMTP_USER", "(empty)", "SMTP login; empty sends without authentication"),
    ("TRACKER_SMTP_PASSWORD", "(empty)", "SMTP password"),
    ("TRACKER_SMTP_STARTTLS", "false", "upgrade the SMTP connection with STARTTLS"),
    ("TRACKER_SMTP_FROM", "督办 <duban@localhost>", "sender of every e-mail"),
    ("TRACKER_SMTP_TIMEOUT", "10", "seconds before an SMTP connection attempt gives up"),
    (
        "TRACKER_MAIL_PICKUP_DIR",
        "instance/mail/ in development",
        "with no SMTP host, e-mails are written here as `.eml` files instead of sent",
    ),
    ("TRACKER_OUTBOX_MAX_ATTEMPTS", "8", "failed deliveries before an e-mail is marked dead"),
    (
        "TRACKER_ROBOT_TIMEOUT",
        "10",
        "seconds before a post to a work-chat group robot (钉钉, 企业微信, 飞书) gives up",
    ),
    (
        "TRACKER_ROBOT_PROXY",
        "(empty)",
        "HTTP proxy for posts to work-chat robots, e.g. `http://proxy.intranet:3128`; "
        "empty: direct (environment proxies are ignored)",
    ),
    (
        "TRACKER_SCHEDULER_STANDBY_SECONDS",
        "15",
        "how often a standby scheduler checks whether the active one has gone",
    ),
    (
        "TRACKER_BACKUP_DIR",
        "(empty)",
        "where the scheduler writes a nightly backup at 02:30; empty: no nightly backup",
    ),
    ("TRACKER_BACKUP_KEEP", "14", "how many nightly backups to keep (older ones are deleted)"),
    ("TRACKER_LOG_FORMAT", "text", "`text`, or `json` for one JSON object per log line"),
    (
        "TRACKER_AUDIT_KEY",
        "(derived from the secret key in development)",
        "HMAC key that seals the audit chain; kept outside the database; required in "
        "production, at least 32 characters (see SECURITY.md)",
    ),
    (
        "TRACKER_LDAP_URL",
        "(empty)",
        "directory login (LDAP / Active Directory), e.g. `ldaps://dc.mzj.example:636`; empty: "
        "local accounts only (see Directory login)",
    ),
    (
        "TRACKER_LDAP_BIND_DN",
        "(empty)",
        "the account Duban searches the directory with; empty: anonymous search",
    ),
    ("TRACKER_LDAP_BIND_PASSWORD", "(empty)", "that account's password"),
    ("TRACKER_LDAP_BASE_DN", "(empty)", "where people are searched, e.g. `dc=mzj,dc=example`"),
    (
        "TRACKER_LDAP_USER_FILTER",
        "(uid={username})",
        "finds the person by the typed name; Active Directory: `(sAMAccountName={username})`",
    ),
    ("TRACKER_LDAP_NAME_ATTRIBUTE", "displayName", "attribute with the person's full name"),
    ("TRACKER_LDAP_EMAIL_ATTRIBUTE", "mail", "attribute with the e-mail address"),
    (
        "TRACKER_LDAP_UNIT_ATTRIBUTE",
        "departmentNumber",
        "attribute naming the person's unit, matched by `department` mapping rules "
        "(Active Directory: `department`)",
    ),
    (
        "TRACKER_LDAP_GROUP_ATTRIBUTE",
        "memberOf",
        "attribute listing the person's groups, matched by `group` mapping rules",
    ),
    ("TRACKER_LDAP_STARTTLS", "false", "upgrade an `ldap://` connection with StartTLS"),
    (
        "TRACKER_LDAP_CA_FILE",
        "(empty)",
        "CA certificates (PEM) that sign the directory's certificate; empty: the system's",
    ),
    ("TRACKER_LDAP_TIMEOUT", "5", "seconds before the directory counts as unreachable"),
    (
        "TRACKER_AUDIT_CHECKPOINTS",
        "instance/audit-checkpoints.jsonl",
        "append-only file where `tracker audit checkpoint` (daily by the scheduler) records the "
        "chain's head; keep it off the database host if you can",
    ),
]


#: Least Shannon entropy of a production secret key, in bits over the whole key (a random
#: 32-character hex key has about 125; "abcd" * 8 has 64), and least distinct characters.
MIN_SECRET_BITS = 96
MIN_SECRET_DISTINCT = 10


def secret_key_problem(secret: str) -> str | None:
    """Why `secret` is not fit for production, or None."""
    if secret.strip().lower() in KNOWN_SECRET_KEYS:
        return "is empty or a published example"
    if len(secret) < 32:
        return f"has only {len(secret)} characters"
    counts = Counter(secret)
    if len(counts) < MIN_SECRET_DISTINCT:
        return f"uses only {len(counts)} distinct characters"
    bits = -sum(n * math.log2(n / len(secret)) for n in counts.values())
    if bits < MIN_SECRET_BITS:
        return f"is not random enough (about {bits:.0f} bits of entropy)"
    for size in range(1, len(secret) // 2 + 1):  # "abcdefghijklmnop" twice, and the like
        if len(secret) % size == 0 and secret == secret[:size] * (len(secret) // size):
            return "repeats a shorter pattern"
    steps = sum(abs(ord(b) - ord(a)) <= 1 for a, b in zip(secret, secret[1:], strict=False))
    if steps > len(secret) // 2:  # "abcdefghijklmnopqrstuvwxyz012345", "aabbccdd…"
        return "is mostly a run of neighbouring characters"
    return None


def _instance_dir() -> Path:
    return Path(os.environ.get("TRACKER_INSTANCE_DIR") or Path.cwd() / "instance").resolve()


def _development_secret(instance_dir: Path) -> str:
    """Return the development secret kept under instance/, creating it once."""
    path = instance_dir / "dev-secret-key"
    if path.exists():
        return path.read_text(encoding="ascii").strip()
    instance_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    path.write_text(key, encoding="ascii")
    path.chmod(0o600)
    return key


def _audit_key(env: str, overrides: dict, secret: str) -> str:
    """The key that seals the audit chain (HMAC-SHA256). It must not live in the database, so
    whoever owns the database cannot re-seal a rewritten chain. Production requires it; in
    development and tests it is derived from the secret key (changing that key then makes the
    existing chain fail `tracker audit verify`)."""
    key = overrides.get("AUDIT_KEY") or os.environ.get("TRACKER_AUDIT_KEY", "")
    if env == "production":
        if len(key.strip()) < 32 or key.strip().lower() in KNOWN_SECRET_KEYS:
            raise ConfigError(
                "TRACKER_AUDIT_KEY must be set to a random value of at least 32 characters in "
                "production, kept outside the database (see SECURITY.md)"
            )
        return key
    return key or hashlib.sha256(f"duban-audit-key:{secret}".encode()).hexdigest()


def load_config(overrides: dict | None = None) -> dict:
    """Build the settings mapping from the environment (`overrides` may supply the secret)."""
    overrides = overrides or {}
    env = (
        (overrides.get("ENV_NAME") or os.environ.get("TRACKER_ENV", "development")).strip().lower()
    )
    if env not in {"development", "production"}:
        raise ConfigError(f"TRACKER_ENV must be 'development' or 'production', got {env!r}")
    instance_dir = Path(overrides.get("INSTANCE_DIR") or _instance_dir())
    secret = overrides.get("SECRET_KEY") or os.environ.get("TRACKER_SECRET_KEY", "")
    if env == "production":
        problem = secret_key_problem(secret)
        if problem:
            raise ConfigError(
                f"TRACKER_SECRET_KEY {problem}; production needs a random value of at least 32 "
                "characters (python -c 'import secrets; print(secrets.token_urlsafe(48))')"
            )
    elif not secret:
        secret = _development_secret(instance_dir)

    audit_key = _audit_key(env, overrides, secret)
    database_url = os.environ.get("TRACKER_DATABASE_URL") or (
        f"sqlite:///{instance_dir / 'duban.sqlite3'}"
    )
    return {
        "ENV_NAME": env,
        "SECRET_KEY": secret,
        "INSTANCE_DIR": str(instance_dir),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "EVIDENCE_DIR": os.environ.get("TRACKER_EVIDENCE_DIR") or str(instance_dir / "evidence"),
        "EVIDENCE_STORE": os.environ.get("TRACKER_EVIDENCE_STORE") or "filesystem",
        "MAX_UPLOAD_MB": _int("TRACKER_MAX_UPLOAD_MB", 50),
        "API_RATE_LIMIT": _int("TRACKER_API_RATE_LIMIT", 120),
        "TIMEZONE": os.environ.get("TRACKER_TIMEZONE", "Asia/Shanghai"),
        "BABEL_DEFAULT_LOCALE": os.environ.get("TRACKER_DEFAULT_LOCALE", "zh_Hans_CN"),
        "BABEL_DEFAULT_TIMEZONE": os.environ.get("TRACKER_TIMEZONE", "Asia/Shanghai"),
        "DEMO_MODE": _bool(os.environ.get("TRACKER_DEMO_MODE"), env == "development"),
        "BASE_URL": os.environ.get("TRACKER_BASE_URL", "http://127.0.0.1:5000"),
        "LOGIN_MAX_FAILURES": _int("TRACKER_LOGIN_MAX_FAILURES", 5),
        "LOGIN_FAILURE_WINDOW": timedelta(minutes=_int("TRACKER_LOGIN_FAILURE_WINDOW_MINUTES", 15)),
        "LOCKOUT_DURATION": timedelta(minutes=_int("TRACKER_LOCKOUT_MINUTES", 15)),
        "LOGIN_ADDRESS_MAX_ATTEMPTS": _int("TRACKER_LOGIN_ADDRESS_MAX_ATTEMPTS", 30),
        "LOGIN_ADDRESS_WINDOW": timedelta(minutes=_int("TRACKER_LOGIN_ADDRESS_WINDOW_MINUTES", 5)),
        "TRUSTED_PROXIES": _int("TRACKER_TRUSTED_PROXIES", 0),
        "SESSION_IDLE_TIMEOUT": timedelta(minutes=_int("TRACKER_SESSION_IDLE_MINUTES", 30)),
        "SESSION_MAX_AGE": timedelta(hours=_int("TRACKER_SESSION_MAX_HOURS", 12)),
        "SESSION_COOKIE_SECURE": _bool(os.environ.get("TRACKER_SECURE_COOKIES"), False),
        "LOG_LEVEL": os.environ.get("TRACKER_LOG_LEVEL", "INFO"),
        "LIGHT_ORANGE_PERCENT": _int("TRACKER_LIGHT_ORANGE_PERCENT", 15),
        "LIGHT_YELLOW_PERCENT": _int("TRACKER_LIGHT_YELLOW_PERCENT", 30),
        "LIGHT_YELLOW_WORKDAYS": _int("TRACKER_LIGHT_YELLOW_WORKDAYS", 5),
        "SMTP_HOST": os.environ.get("TRACKER_SMTP_HOST", "").strip(),
        "SMTP_PORT": _int("TRACKER_SMTP_PORT", 25),
        "SMTP_USER": os.environ.get("TRACKER_SMTP_USER", ""),
        "SMTP_PASSWORD": os.environ.get("TRACKER_SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(os.environ.get("TRACKER_SMTP_STARTTLS"), False),
        "SMTP_FROM": os.environ.get("TRACKER_SMTP_FROM", "督办 <duban@localhost>"),
        "SMTP_TIMEOUT": _int("TRACKER_SMTP_TIMEOUT", 10),
        "MAIL_PICKUP_DIR": os.environ.get("TRACKER_MAIL_PICKUP_DIR")
        or (str(instance_dir / "mail") if env == "development" else ""),
        "OUTBOX_MAX_ATTEMPTS": _int("TRACKER_OUTBOX_MAX_ATTEMPTS", 8),
        "ROBOT_TIMEOUT": _int("TRACKER_ROBOT_TIMEOUT", 10),
        "ROBOT_PROXY": os.environ.get("TRACKER_ROBOT_PROXY", "").strip(),
        "SCHEDULER_STANDBY_SECONDS": _int("TRACKER_SCHEDULER_STANDBY_SECONDS", 15),
        "BACKUP_DIR": os.environ.get("TRACKER_BACKUP_DIR", "").strip(),
        "BACKUP_KEEP": _int("TRACKER_BACKUP_KEEP", 14),
        # a plan with more tasks than this gets its workbook from a background job
        "EXPORT_BACKGROUND_TASKS": _int("TRACKER_EXPORT_BACKGROUND_TASKS", 5000),
        "EXPORT_DIR": os.environ.get("TRACKER_EXPORT_DIR") or str(instance_dir / "exports"),
        "EXPORT_KEEP_DAYS": _int("TRACKER_EXPORT_KEEP_DAYS", 7),
        "LOG_FORMAT": os.environ.get("TRACKER_LOG_FORMAT", "text").strip().lower() or "text",
        "AUDIT_KEY": audit_key,
        "LDAP_URL": _text("TRACKER_LDAP_URL"),
        "LDAP_BIND_DN": _text("TRACKER_LDAP_BIND_DN"),
        "LDAP_BIND_PASSWORD": os.environ.get("TRACKER_LDAP_BIND_PASSWORD", ""),
        "LDAP_BASE_DN": _text("TRACKER_LDAP_BASE_DN"),
        "LDAP_USER_FILTER": _text("TRACKER_LDAP_USER_FILTER", "(uid={username})"),
        "LDAP_NAME_ATTRIBUTE": _text("TRACKER_LDAP_NAME_ATTRIBUTE", "displayName"),
        "LDAP_EMAIL_ATTRIBUTE": _text("TRACKER_LDAP_EMAIL_ATTRIBUTE", "mail"),
        "LDAP_UNIT_ATTRIBUTE": _text("TRACKER_LDAP_UNIT_ATTRIBUTE", "departmentNumber"),
        "LDAP_GROUP_ATTRIBUTE": _text("TRACKER_LDAP_GROUP_ATTRIBUTE", "memberOf"),
        "LDAP_STARTTLS": _bool(os.environ.get("TRACKER_LDAP_STARTTLS"), False),
        "LDAP_CA_FILE": _text("TRACKER_LDAP_CA_FILE"),
        "LDAP_TIMEOUT": _int("TRACKER_LDAP_TIMEOUT", 5),
        "AUDIT_CHECKPOINTS": os.environ.get("TRACKER_AUDIT_CHECKPOINTS", "").strip()
        or str(instance_dir / "audit-checkpoints.jsonl"),
    }


#: Settings that never come from the environment.
FIXED = {
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "SESSION_COOKIE_NAME": "duban_session",
    "WTF_CSRF_ENABLED": True,
    "WTF_CSRF_TIME_LIMIT": None,  # the session's own lifetime bounds the token
    "SQLALCHEMY_TRACK_MODIFICATIONS": False,
    "BABEL_TRANSLATION_DIRECTORIES": "translations",
    "LANGUAGES": {"zh_Hans_CN": "简体中文", "en": "English"},
}
