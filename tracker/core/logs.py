"""Logging set-up: plain text lines, or one JSON object per line for log collectors.

Whatever a message carries (a typed login name, a path) cannot forge a line: control
characters (newline, carriage return, ESC, …) are written escaped (`\\n`, `\\x1b`). Secret
tokens in addresses (the calendar feed's) are masked, in the application's log and in the
access logs of the development server (werkzeug) and gunicorn (`GunicornLogger`).
"""

from __future__ import annotations

import json
import logging
import re
from datetime import UTC, datetime

TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
#: Address segments that are credentials: /calendar/<token>.ics
_SECRET_PATHS = re.compile(r"(/calendar/)[^/\s\"?]+(\.ics)")
MASK = "***"


_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape_char(match: re.Match) -> str:
    char = match.group()
    if char in _NAMED:
        return _NAMED[char]
    return f"\\x{ord(char):02x}" if ord(char) < 0x100 else f"\\u{ord(char):04x}"


def safe_text(text: str) -> str:
    """`text` on one line with no control characters and no secret tokens."""
    return _SECRET_PATHS.sub(rf"\1{MASK}\2", _CONTROL.sub(_escape_char, text))


def _safe_message(record: logging.LogRecord) -> str:
    try:
        message = record.getMessage()
    except Exception:  # noqa: BLE001 - a bad format string still gets logged
        message = f"{record.msg!r} {record.args!r}"
    return safe_text(message)


class SafeFormatter(logging.Formatter):
    """The text format, with the message escaped and masked (tracebacks stay multi-line)."""

    def formatMessage(self, record: logging.LogRecord) -> str:  # noqa: N802 - logging's name
        record.message = _safe_message(record)
        return super().formatMessage(record)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time (UTC, ISO 8601), level, logger, message, exception."""

    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": _safe_message(record),
            "process": record.process,
        }
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, ensure_ascii=False)


def configure_logging(level: str, log_format: str = "text") -> None:
    """Configure the root logger once (as logging.basicConfig does) in the chosen format."""
    root = logging.getLogger()
    if root.handlers:  # configured already (by the server, the test runner or a first app)
        return
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter() if log_format == "json" else SafeFormatter(TEXT_FORMAT))
    root.addHandler(handler)
    root.setLevel(level)


def mask_access_logs() -> None:
    """Mask secret tokens in the development server's request lines (werkzeug logs through
    the root handler's formatter too, but a handler of its own may be added)."""
    logger = logging.getLogger("werkzeug")
    if not any(isinstance(f, _MaskingFilter) for f in logger.filters):
        logger.addFilter(_MaskingFilter())


class _MaskingFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = _safe_message(record)
        record.args = None
        return True


try:  # gunicorn is installed in production only (the `prod` extra)
    from gunicorn.glogging import Logger as _GunicornLogger
except ImportError:  # pragma: no cover - development and tests without gunicorn
    _GunicornLogger = None

if _GunicornLogger is not None:

    class GunicornLogger(_GunicornLogger):
        """gunicorn's logger (`--logger-class tracker.core.logs.GunicornLogger`): its access
        log lines name the calendar feed as /calendar/***.ics and escape control characters."""

        def atoms(self, resp, req, environ, request_time):
            atoms = super().atoms(resp, req, environ, request_time)
            for key in ("r", "U", "q", "f", "a"):
                if isinstance(atoms.get(key), str):
                    atoms[key] = safe_text(atoms[key])
            for key in list(atoms):
                if key.startswith("{") and isinstance(atoms[key], str):
                    atoms[key] = safe_text(atoms[key])
            return atoms
