"""Group-robot message formats for work-chat reminders (钉钉, 企业微信, 飞书).

Build the request (URL and JSON body) a robot expects, signed when a secret is set, read a
robot's answer, and `post` one request (urllib, no redirects, no proxy unless configured); the
outbox's delivery loop (tracker/reminders/outbox.py) calls it.

- 钉钉 custom robot: `msgtype: markdown`; signing = HMAC-SHA256 keyed by the secret over
  "timestamp\\nsecret" (timestamp in ms), base64, URL-encoded, as `timestamp` and `sign` query
  parameters. Answers HTTP 200 with `errcode` ≠ 0 on failure.
- 企业微信 group robot: `msgtype: markdown`, key in the URL, no signing. Answers `errcode`.
- 飞书 custom bot: `msg_type: text`; signing = HMAC-SHA256 keyed by "timestamp\\nsecret"
  (timestamp in s) over an empty message, base64, as `timestamp` and `sign` in the body.
  Answers HTTP 200 with `code` ≠ 0 on failure.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import http.client
import json
import re
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

KINDS = ("dingtalk", "wecom", "feishu")
#: The most of a robot's answer read (its answers are a few dozen bytes).
ANSWER_LIMIT = 64 * 1024
#: Markdown beyond this many characters is cut (企业微信 takes at most 4096 bytes).
TEXT_LIMIT = 1200


class RobotError(Exception):
    """A post that did not reach the robot, or that the robot refused (the reason to record)."""


def url_problem(url: str) -> str | None:
    """Why `url` cannot be a robot's webhook (None when it can): http or https with a host."""
    try:
        parts = urlsplit(url.strip())
        parts.port  # noqa: B018 (raises ValueError on a port that is not a number)
    except ValueError:
        return "unreadable"
    if parts.scheme not in ("http", "https"):
        return "scheme"
    if not parts.hostname:
        return "host"
    return None


def masked_url(url: str) -> str:
    """The address without its secret parts (query values and a long last path segment, where
    the robots keep their tokens), for the audit trail and lists."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return "?"
    head, _slash, last = parts.path.rpartition("/")
    path = f"{head}/{last[:4]}…" if len(last) > 8 else parts.path
    query = "&".join(f"{name}=…" for name, _value in parse_qsl(parts.query))
    return urlunsplit(parts._replace(path=path, query=query, fragment=""))


@dataclass(frozen=True)
class RobotRequest:
    url: str
    body: dict

    def data(self) -> bytes:
        return json.dumps(self.body, ensure_ascii=False).encode("utf-8")


def _hmac_b64(key: str, message: str) -> str:
    digest = hmac.new(key.encode("utf-8"), message.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """The base64 signature (before URL-encoding) DingTalk checks."""
    return _hmac_b64(secret, f"{timestamp_ms}\n{secret}")


def feishu_sign(secret: str, timestamp_s: int) -> str:
    """The base64 signature Feishu checks: the key is "timestamp\\nsecret", the message empty."""
    return _hmac_b64(f"{timestamp_s}\n{secret}", "")


def _with_query(url: str, params: dict) -> str:
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True) + list(params.items())
    return urlunsplit(parts._replace(query=urlencode(query, quote_via=quote_plus)))


_LINK = re.compile(r"\[([^\]]*)\]\(([^)\s]*)\)")


def plain(text: str) -> str:
    """Markdown as plain text (飞书's text messages): links as "label url", no bold marks."""
    return _LINK.sub(r"\1 \2", text).replace("**", "")


def build(kind: str, url: str, secret: str, title: str, text: str, now: datetime) -> RobotRequest:
    """The request for one message; `text` is Markdown (Feishu gets it as plain text)."""
    if kind == "dingtalk":
        body = {
            "msgtype": "markdown",
            "markdown": {"title": title, "text": f"### {title}\n\n{text}"},
        }
        if secret:
            ts = int(now.timestamp() * 1000)
            url = _with_query(url, {"timestamp": str(ts), "sign": dingtalk_sign(secret, ts)})
        return RobotRequest(url, body)
    if kind == "wecom":
        return RobotRequest(
            url, {"msgtype": "markdown", "markdown": {"content": f"### {title}\n{text}"}}
        )
    if kind == "feishu":
        body = {"msg_type": "text", "content": {"text": f"{title}\n{plain(text)}"}}
        if secret:
            ts = int(now.timestamp())
            body = {"timestamp": str(ts), "sign": feishu_sign(secret, ts), **body}
        return RobotRequest(url, body)
    raise ValueError(f"unknown robot kind: {kind}")


def failure(kind: str, status: int, payload: bytes) -> str | None:
    """None when the robot accepted the message, else the reason to record.

    DingTalk and WeCom answer `errcode`, Feishu `code`; any value other than 0 is a failure even
    under HTTP 200.
    """
    if not 200 <= status < 300:
        return f"HTTP {status}"
    try:
        answer = json.loads(payload.decode("utf-8") or "{}")
    except (UnicodeDecodeError, ValueError):
        return "robot answered something other than JSON"
    if not isinstance(answer, dict):
        return "robot answered something other than a JSON object"
    code = answer.get("code" if kind == "feishu" else "errcode", 0)
    if code in (0, None):
        return None
    message = answer.get("msg" if kind == "feishu" else "errmsg", "")
    return f"{code}: {message}"


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A robot answers where it is asked; a redirect is a failure, never followed elsewhere."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        return None


def post(kind: str, request: RobotRequest, *, timeout: float, proxy: str = "") -> None:
    """POST one message; raises RobotError with the reason when it was not accepted."""
    proxies = {"http": proxy, "https": proxy} if proxy else {}
    opener = urllib.request.build_opener(urllib.request.ProxyHandler(proxies), _NoRedirect)
    http_request = urllib.request.Request(
        request.url,
        data=request.data(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        with opener.open(http_request, timeout=timeout) as response:
            status, payload = response.status, response.read(ANSWER_LIMIT)
    except urllib.error.HTTPError as exc:  # an answer, but not a 2xx one
        status, payload = exc.code, b""
        exc.close()
    except (OSError, http.client.HTTPException, ValueError) as exc:  # refused, timeout, …
        reason = getattr(exc, "reason", None) or exc
        raise RobotError(f"{type(exc).__name__}: {reason}") from exc
    reason = failure(kind, status, payload)
    if reason is not None:
        raise RobotError(reason)
