"""Group-robot message formats for work-chat reminders (钉钉, 企业微信, 飞书).

Pure functions only: build the request (URL and JSON body) a robot expects, signed when a secret
is set, and read a robot's answer. Sending belongs to the outbox's delivery loop (not yet wired).

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
import json
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import parse_qsl, quote_plus, urlencode, urlsplit, urlunsplit

KINDS = ("dingtalk", "wecom", "feishu")


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


def build(kind: str, url: str, secret: str, title: str, text: str, now: datetime) -> RobotRequest:
    """The request for one message; `text` is Markdown for DingTalk and WeCom, plain for Feishu."""
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
        body = {"msg_type": "text", "content": {"text": f"{title}\n{text}"}}
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
