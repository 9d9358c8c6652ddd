"""Simplified Chinese by default and complete; English on request; catalog in step with code."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from tests.conftest import Auth

ROOT = Path(__file__).resolve().parent.parent
CATALOG = ROOT / "tracker/translations/zh_Hans_CN/LC_MESSAGES/messages.po"


@pytest.fixture
def app_config(app_config):
    app_config["BABEL_DEFAULT_LOCALE"] = "zh_Hans_CN"
    return app_config


def test_login_and_home_are_in_chinese_by_default(org, client):
    login = client.get("/login")
    assert 'lang="zh-CN"' in login.text
    assert "登录督办系统" in login.text and "用户名" in login.text
    Auth(client).login("office")
    home = client.get("/")
    assert "我的工作" in home.text and "审计日志" in home.text
    assert "My work" not in home.text


def test_user_switches_to_english_and_it_is_remembered(org, client, app, db):
    auth = Auth(client)
    auth.login("office")
    response = auth.post("/language", {"locale": "en", "next": "/"})
    assert response.status_code == 302
    assert "My work" in client.get("/").text
    # remembered on the account: a new login elsewhere is in English too
    other = app.test_client()
    Auth(other).login("office")
    assert "My work" in other.get("/").text


def test_unknown_language_is_ignored(org, client):
    auth = Auth(client)
    auth.login("office")
    auth.post("/language", {"locale": "xx", "next": "/"})
    assert "我的工作" in client.get("/").text


def _extract(tmp_path) -> Path:
    pot = tmp_path / "messages.pot"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "babel.messages.frontend",
            "-q",
            "extract",
            "-F",
            "babel.cfg",
            "-k",
            "_l",
            "-k",
            "lazy_gettext",
            "-k",
            "lazy_pgettext:1c,2",
            "-o",
            str(pot),
            ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return pot


def test_catalog_is_complete_and_up_to_date(tmp_path):
    with open(_extract(tmp_path), "rb") as handle:
        template = read_po(handle)
    with open(CATALOG, "rb") as handle:
        catalog = read_po(handle, locale="zh_Hans_CN")
    source_ids = {(m.context, m.id) for m in template if m.id}
    catalog_ids = {(m.context, m.id) for m in catalog if m.id}
    missing = source_ids - catalog_ids
    first_missing = sorted(missing, key=str)[:10]
    assert not missing, f"run `make translations-update` and translate: {first_missing}"
    untranslated = [m.id for m in catalog if m.id and (not m.string or m.fuzzy)]
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:10]}"


def test_counts_and_lists_of_names_read_right_in_both_languages(org, client):
    """One task says "1 task", not "1 tasks"; names run 办公室、养老服务科 in Chinese and
    "办公室, 养老服务科" in English (a 、 in an English sentence is a slip)."""
    from tests.factories import task_in_status

    task = task_in_status(org, "assigned", co_units=[org.office, org.elderly])
    auth = Auth(client)
    auth.login("chief-relief")
    chinese = client.get("/").text
    assert "本页有 1 项任务待签收。" in chinese and "共 1 项任务" in chinese
    assert "办公室、养老服务科" in chinese
    assert "办公室、养老服务科" in client.get(f"/tasks/{task.id}").text

    auth.post("/language", {"locale": "en", "next": "/"})
    english = client.get("/").text
    assert "1 task on this page waits to be claimed." in english
    assert "1 task</p>" in english and "1 tasks" not in english
    assert "办公室, 养老服务科" in english and "、" not in english.split("<main", 1)[1]
    assert "办公室, 养老服务科" in client.get(f"/tasks/{task.id}").text
