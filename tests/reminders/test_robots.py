"""Robot message formats: each kind's body and signature, checked by recomputing them the way
the robot's server does, on a real HTTP receiver on loopback."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import threading
import urllib.request
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from tracker.reminders import robots

NOW = datetime(2026, 12, 4, 9, 30, tzinfo=UTC)
SECRET = "SECtestsecret"


@pytest.fixture
def receiver():
    """A threaded http.server on a free loopback port recording what arrives."""
    arrived: list[dict] = []
    answers: list[tuple[int, dict]] = []

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's naming)
            length = int(self.headers["Content-Length"])
            arrived.append({"path": self.path, "body": json.loads(self.rfile.read(length))})
            status, answer = answers.pop(0) if answers else (200, {"errcode": 0, "code": 0})
            data = json.dumps(answer).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    server.arrived, server.answers = arrived, answers
    server.base = f"http://127.0.0.1:{server.server_address[1]}"
    yield server
    server.shutdown()
    server.server_close()


def _post(request: robots.RobotRequest) -> tuple[int, bytes]:
    assert urlsplit(request.url).hostname == "127.0.0.1", "tests never leave the machine"
    http = urllib.request.Request(
        request.url, data=request.data(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(http, timeout=5) as answer:  # noqa: S310 (loopback only)
        return answer.status, answer.read()


def test_dingtalk_markdown_signed_in_query(receiver):
    request = robots.build(
        "dingtalk",
        f"{receiver.base}/robot/send?access_token=T",
        SECRET,
        "督办提醒",
        "**3** 项逾期",
        NOW,
    )
    status, payload = _post(request)
    assert robots.failure("dingtalk", status, payload) is None
    got = receiver.arrived[0]
    query = parse_qs(urlsplit(got["path"]).query)
    assert query["access_token"] == ["T"]
    ts = query["timestamp"][0]
    assert ts == str(int(NOW.timestamp() * 1000))
    expected = base64.b64encode(
        hmac.new(SECRET.encode(), f"{ts}\n{SECRET}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    assert got["body"]["msgtype"] == "markdown"
    assert got["body"]["markdown"]["title"] == "督办提醒"
    assert "**3** 项逾期" in got["body"]["markdown"]["text"]


def test_wecom_markdown_unsigned(receiver):
    request = robots.build(
        "wecom", f"{receiver.base}/cgi-bin/webhook/send?key=K", "", "督办提醒", "内容", NOW
    )
    _post(request)
    got = receiver.arrived[0]
    assert parse_qs(urlsplit(got["path"]).query) == {"key": ["K"]}
    assert got["body"] == {"msgtype": "markdown", "markdown": {"content": "### 督办提醒\n内容"}}


def test_feishu_text_signed_in_body(receiver):
    request = robots.build(
        "feishu", f"{receiver.base}/open-apis/bot/v2/hook/H", SECRET, "督办提醒", "内容", NOW
    )
    _post(request)
    body = receiver.arrived[0]["body"]
    assert body["msg_type"] == "text" and body["content"] == {"text": "督办提醒\n内容"}
    assert body["timestamp"] == str(int(NOW.timestamp()))
    key = f"{body['timestamp']}\n{SECRET}".encode()
    assert body["sign"] == base64.b64encode(hmac.new(key, b"", hashlib.sha256).digest()).decode()


def test_feishu_unsigned_has_no_sign():
    body = robots.build("feishu", "http://127.0.0.1/h", "", "t", "x", NOW).body
    assert "sign" not in body and "timestamp" not in body


@pytest.mark.parametrize(
    ("kind", "answer", "reason"),
    [
        ("dingtalk", {"errcode": 310000, "errmsg": "sign not match"}, "310000: sign not match"),
        (
            "wecom",
            {"errcode": 93000, "errmsg": "invalid webhook url"},
            "93000: invalid webhook url",
        ),
        ("feishu", {"code": 19021, "msg": "sign match fail"}, "19021: sign match fail"),
    ],
)
def test_error_code_under_http_200_is_a_failure(receiver, kind, answer, reason):
    receiver.answers.append((200, answer))
    status, payload = _post(robots.build(kind, f"{receiver.base}/x", "", "t", "x", NOW))
    assert status == 200
    assert robots.failure(kind, status, payload) == reason


def test_non_json_and_http_errors_are_failures():
    assert robots.failure("wecom", 502, b"") == "HTTP 502"
    assert robots.failure("feishu", 200, b"<html>") == "robot answered something other than JSON"


def test_unknown_kind_refused():
    with pytest.raises(ValueError):
        robots.build("slack", "http://127.0.0.1/", "", "t", "x", NOW)
