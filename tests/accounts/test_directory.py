"""Directory login against a real slapd (tests/accounts/conftest.py): first login provisions the
account where the mapping rules say, later logins reuse it, wrong passwords lock as for local
accounts, the unmapped and the unknown are refused, a directory that is down says so, and local
administrators log in whatever the directory does."""

from __future__ import annotations

import json
import socket
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask.testing import FlaskClient

from tests.accounts.conftest import BASE_DN, DIRECTORY_PASSWORD, free_port
from tests.conftest import PASSWORD, FrozenClock, count, csrf_from
from tracker.accounts import directory, service
from tracker.accounts.models import NO_LOCAL_PASSWORD, DirectoryRule, LoginAttempt, User
from tracker.audit.models import AuditEvent
from tracker.extensions import db

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
GENERIC = "Invalid username or password."
UNMAPPED = "no rule of Duban says which unit and role it has"
DOWN = "The directory cannot be reached"


@pytest.fixture
def app_config(app_config, slapd):
    app_config.update(slapd.settings())
    return app_config


@pytest.fixture
def rules(org):
    """法制科 members → coordinators of 办公室; 社会救助科 → its staff; the whole of 养老服务科 (a
    group named by its full DN) → chiefs there. 殡葬管理科 has no rule."""
    admin = org.users.admin
    made = [
        service.create_directory_rule(
            admin, position=10, match="group", value="法制科", unit=org.office, role="coordinator"
        ),
        service.create_directory_rule(
            admin,
            position=20,
            match="department",
            value="社会救助科",
            unit=org.relief,
            role="staff",
        ),
        service.create_directory_rule(
            admin,
            position=30,
            match="group",
            value=f"CN=养老服务科全体, OU=groups,{BASE_DN}".replace(", ", ","),
            unit=org.elderly,
            role="chief",
        ),
    ]
    db.session.commit()
    return made


def user_named(username: str) -> User | None:
    db.session.expire_all()
    return db.session.scalar(sa.select(User).where(User.username == username))


def events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


@pytest.fixture
def directory_calls(monkeypatch):
    """Every question put to the directory (the real one still answers)."""
    calls = []
    real = directory.authenticate

    def spy(config, username, password):
        calls.append(username)
        return real(config, username, password)

    monkeypatch.setattr(directory, "authenticate", spy)
    return calls


def test_first_login_provisions_the_account_where_the_rules_say(org, rules, auth, client):
    response = auth.login("zhangsan", DIRECTORY_PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/"
    user = user_named("zhangsan")
    assert (user.auth_source, user.role, user.unit_id) == ("ldap", "staff", org.relief.id)
    assert user.display_name == "张三" and user.email == "zhangsan@mzj.example"
    # the Chinese name from the directory is who the pages greet
    assert "张三" in client.get("/").text
    # the directory password is kept nowhere: no hash of it, nothing in the audit trail
    assert user.password_hash == NO_LOCAL_PASSWORD
    everything = db.session.scalars(sa.select(AuditEvent)).all()
    trail = json.dumps([[e.before, e.after] for e in everything], ensure_ascii=False)
    assert DIRECTORY_PASSWORD not in trail
    created = events("user.create")[-1]
    assert created.actor_name == "directory" and created.object_id == str(user.id)
    assert created.after["directory_rule_id"] == rules[1].id
    assert created.after["dn"] == f"uid=zhangsan,ou=people,{BASE_DN}"
    login = events("auth.login")[-1]
    assert login.actor_id == user.id and login.after["source"] == "ldap"


def test_the_first_matching_rule_wins(org, rules, auth):
    # 李四 is in 社会救助科 and in the 法制科 group: the group rule comes first
    assert auth.login("lisi", DIRECTORY_PASSWORD).status_code == 302
    lisi = user_named("lisi")
    assert (lisi.role, lisi.unit_id) == ("coordinator", org.office.id)
    auth.logout()
    # 赵六's group is named by its DN in another spelling (case, spaces)
    assert auth.login("zhaoliu", DIRECTORY_PASSWORD).status_code == 302
    zhaoliu = user_named("zhaoliu")
    assert (zhaoliu.role, zhaoliu.unit_id, zhaoliu.display_name) == (
        "chief",
        org.elderly.id,
        "赵六",
    )


def test_a_rule_on_a_deactivated_unit_is_skipped(org, rules, auth):
    org.office.is_active = False
    db.session.commit()
    assert auth.login("lisi", DIRECTORY_PASSWORD).status_code == 302
    assert user_named("lisi").unit_id == org.relief.id  # the next rule placed 李四


def test_a_second_login_reuses_the_account_and_refreshes_name_and_email(org, rules, auth):
    assert auth.login("zhangsan", DIRECTORY_PASSWORD).status_code == 302
    auth.logout()
    user = user_named("zhangsan")
    # an administrator moved 张三 since; the stale name was edited by hand
    service.update_user(
        org.users.admin,
        user,
        display_name="旧名字",
        role="chief",
        unit=org.relief,
        email="old@mzj.example",
        title="科长",
        is_principal=False,
    )
    db.session.commit()
    users_before = count(User)
    assert auth.login("ZhangSan", DIRECTORY_PASSWORD).status_code == 302
    again = user_named("zhangsan")
    assert count(User) == users_before and again.id == user.id
    # the directory owns name and e-mail; unit and role stay as the administrator set them
    assert (again.display_name, again.email) == ("张三", "zhangsan@mzj.example")
    assert (again.role, again.title) == ("chief", "科长")
    refresh = events("user.update")[-1]
    assert refresh.actor_name == "directory"
    assert refresh.after == {"display_name": "张三", "email": "zhangsan@mzj.example"}


def test_first_logins_at_the_same_moment_make_one_account(org, rules, app):
    """Two windows of the same person log in at once (on PostgreSQL the two transactions really
    overlap): both get in, with one account."""
    windows = 4
    barrier = threading.Barrier(windows)
    statuses = [0] * windows

    def log_in(index: int) -> None:
        browser = FlaskClient(app, app.response_class, use_cookies=True)
        token = csrf_from(browser.get("/login").text)
        barrier.wait()
        form = {"username": "zhangsan", "password": DIRECTORY_PASSWORD, "csrf_token": token}
        statuses[index] = browser.post("/login", data=form).status_code

    db.session.commit()
    threads = [threading.Thread(target=log_in, args=(i,)) for i in range(windows)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert statuses == [302] * windows
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count()).where(User.username == "zhangsan")) == 1
    assert len(events("user.create")) == len(org.users.__dict__) + 1
    assert len(events("auth.login")) == windows


def test_an_email_the_directory_does_not_have_is_kept(org, rules, auth):
    service.create_directory_rule(
        org.users.admin,
        position=50,
        match="department",
        value="殡葬管理科",
        unit=org.elderly,
        role="staff",
    )
    db.session.commit()
    assert auth.login("wangwu", DIRECTORY_PASSWORD).status_code == 302
    auth.logout()
    wangwu = user_named("wangwu")
    assert (wangwu.display_name, wangwu.email) == ("王五", None)
    wangwu.email = "wangwu@mzj.example"  # entered by an administrator
    db.session.commit()
    assert auth.login("wangwu", DIRECTORY_PASSWORD).status_code == 302
    assert user_named("wangwu").email == "wangwu@mzj.example"


def test_wrong_directory_passwords_lock_the_name_as_for_local_accounts(
    org, rules, auth, directory_calls
):
    with FrozenClock(T0) as frozen:
        for _ in range(5):
            response = auth.login("zhangsan", "not-my-password")
            assert response.status_code == 422 and GENERIC in response.text
            frozen.shift(timedelta(minutes=1))
        failed = events("auth.login_failed")
        assert len(failed) == 5
        assert failed[-1].after == {
            "reason": "wrong_password",
            "address": "127.0.0.1",
            "source": "ldap",
        }
        assert len(events("auth.lockout")) == 1
        assert count(LoginAttempt) == 5
        # locked: even the right password is refused, and not sent to the directory at all
        asked = len(directory_calls)
        locked = auth.login("zhangsan", DIRECTORY_PASSWORD)
        assert locked.status_code == 422 and GENERIC in locked.text
        assert len(directory_calls) == asked
        assert events("auth.login_refused_locked")[-1].actor_name == "zhangsan"
        assert user_named("zhangsan") is None  # nobody was provisioned by failures
        frozen.shift(timedelta(minutes=16))
        assert auth.login("zhangsan", DIRECTORY_PASSWORD).status_code == 302
    assert user_named("zhangsan").auth_source == "ldap"


def test_an_unmapped_person_is_refused_with_a_clear_message(org, rules, auth):
    response = auth.login("wangwu", DIRECTORY_PASSWORD)
    assert response.status_code == 422
    assert UNMAPPED in response.text and "wangwu" in response.text
    assert user_named("wangwu") is None
    refused = events("auth.login_refused_unmapped")[-1]
    assert refused.outcome == "denied" and refused.actor_name == "wangwu"
    assert refused.after["departments"] == ["殡葬管理科"]
    assert refused.after["reason"] == "no_rule"
    # the password was right: nothing counts towards a lock
    assert count(LoginAttempt) == 0


def test_with_no_rules_at_all_every_directory_login_is_refused(org, auth):
    assert UNMAPPED in auth.login("zhangsan", DIRECTORY_PASSWORD).text
    assert user_named("zhangsan") is None


def test_unknown_names_and_filter_tricks_get_the_generic_message(org, rules, auth):
    for name in ("nobody", "zhang*", "*)(uid=*"):
        response = auth.login(name, DIRECTORY_PASSWORD)
        assert response.status_code == 422 and GENERIC in response.text, name
    reasons = [e.after["reason"] for e in events("auth.login_failed")]
    assert reasons == ["unknown_user"] * 3
    assert count(User) == 10  # the org's accounts only


def test_a_local_administrator_never_asks_the_directory(org, rules, auth, directory_calls):
    # the directory has an "admin" too, with another password: the local account is not it
    assert GENERIC in auth.login("admin", DIRECTORY_PASSWORD).text
    assert auth.login("admin", PASSWORD).status_code == 302
    assert directory_calls == []
    assert user_named("admin").auth_source == "local"


def test_directory_down_says_so_and_local_administrators_still_log_in(org, rules, app, auth, slapd):
    assert auth.login("zhangsan", DIRECTORY_PASSWORD).status_code == 302
    auth.logout()
    app.config["LDAP_URL"] = f"ldap://127.0.0.1:{free_port()}"  # nothing listens there
    for name in ("zhangsan", "lisi"):  # a provisioned account, and a first login
        response = auth.login(name, DIRECTORY_PASSWORD)
        assert response.status_code == 422 and DOWN in response.text, name
    down = events("auth.directory_unavailable")
    assert [e.actor_name for e in down] == ["zhangsan", "lisi"]
    assert down[0].outcome == "failure" and down[0].object_id == str(user_named("zhangsan").id)
    assert count(LoginAttempt) == 0  # an outage locks nobody out
    assert auth.login("admin", PASSWORD).status_code == 302


def test_a_directory_that_does_not_answer_times_out(org, rules, app, auth):
    with socket.socket() as silent:  # accepts connections and never says a word
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        app.config["LDAP_URL"] = f"ldap://127.0.0.1:{silent.getsockname()[1]}"
        app.config["LDAP_TIMEOUT"] = 1
        response = auth.login("zhangsan", DIRECTORY_PASSWORD)
    assert response.status_code == 422 and DOWN in response.text
    assert len(events("auth.directory_unavailable")) == 1


def test_a_refused_search_account_counts_as_the_directory_being_down(org, rules, app, auth):
    app.config["LDAP_BIND_PASSWORD"] = "not-the-search-password"
    assert DOWN in auth.login("zhangsan", DIRECTORY_PASSWORD).text
    assert len(events("auth.directory_unavailable")) == 1


def test_a_directory_account_with_the_directory_switched_off(org, rules, app, auth):
    assert auth.login("zhangsan", DIRECTORY_PASSWORD).status_code == 302
    auth.logout()
    app.config["LDAP_URL"] = ""
    assert DOWN in auth.login("zhangsan", DIRECTORY_PASSWORD).text
    # and a name Duban does not know is simply unknown: no directory to ask
    assert GENERIC in auth.login("lisi", DIRECTORY_PASSWORD).text


def test_a_directory_account_has_no_local_password(org, rules, auth, client):
    assert auth.login("zhangsan", DIRECTORY_PASSWORD).status_code == 302
    page = client.get("/account")
    assert "change it there, not in Duban" in page.text
    refused = auth.post(
        "/account",
        {
            "current_password": DIRECTORY_PASSWORD,
            "password": "a-new-local-password",
            "confirm": "a-new-local-password",
        },
    )
    assert refused.status_code == 422 and "it is changed in the directory" in refused.text
    auth.logout()
    assert auth.login("admin").status_code == 302
    user = user_named("zhangsan")
    edit = client.get(f"/admin/users/{user.id}/edit")
    assert "logs in with its directory password" in edit.text
    reset = client.post(
        f"/admin/users/{user.id}/password",
        data={"reset-password": "a-new-local-password", "reset-csrf_token": csrf_from(edit.text)},
    )
    assert reset.status_code == 422 and "it is changed in the directory" in reset.text
    assert user_named("zhangsan").password_hash == NO_LOCAL_PASSWORD
    assert "directory" in client.get("/admin/users").text


def test_the_users_list_command_tells_directory_accounts(org, rules, auth, runner):
    assert auth.login("zhangsan", DIRECTORY_PASSWORD).status_code == 302
    listed = runner.invoke(args=["users", "list", "--format", "json"])
    sources = {row["username"]: row["auth_source"] for row in json.loads(listed.output)}
    assert (sources["zhangsan"], sources["admin"]) == ("ldap", "local")
    text = runner.invoke(args=["users", "list"]).output
    assert any(line.startswith("zhangsan") and "directory" in line for line in text.splitlines())


def test_a_disabled_directory_account_is_refused(org, rules, auth):
    assert auth.login("zhangsan", DIRECTORY_PASSWORD).status_code == 302
    auth.logout()
    service.set_disabled(org.users.admin, user_named("zhangsan"), True)
    db.session.commit()
    response = auth.login("zhangsan", DIRECTORY_PASSWORD)
    assert response.status_code == 422 and "This account is disabled." in response.text


# -- the administrator's page of mapping rules --------------------------------------------------


def rule_rows() -> list[tuple]:
    db.session.expire_all()
    return [
        (r.position, r.match, r.value, r.unit_id, r.role)
        for r in db.session.scalars(
            sa.select(DirectoryRule).order_by(DirectoryRule.position, DirectoryRule.id)
        )
    ]


def test_the_administrator_adds_edits_and_removes_rules(org, rules, auth, client, slapd):
    assert auth.login("admin").status_code == 302
    page = client.get("/admin/directory")
    assert page.status_code == 200
    assert slapd.url in page.text
    assert (
        page.text.index("法制科")
        < page.text.index("社会救助科")
        < page.text.index("养老服务科全体")
    )
    form = client.get("/admin/directory/rules/new")
    assert 'value="administrator"' not in form.text.lower()
    assert 'value="admin"' not in form.text  # administrators are always local accounts
    token = csrf_from(form.text)
    added = client.post(
        "/admin/directory/rules/new",
        data={
            "csrf_token": token,
            "position": "5",
            "match": "department",
            "value": "  殡葬管理科 ",
            "unit_id": str(org.elderly.id),
            "role": "viewer",
        },
    )
    assert added.status_code == 302
    assert rule_rows()[0] == (5, "department", "殡葬管理科", org.elderly.id, "viewer")
    new_rule = db.session.scalar(sa.select(DirectoryRule).where(DirectoryRule.position == 5))
    assert events("directory_rule.create")[-1].after["value"] == "殡葬管理科"
    # now 王五 of 殡葬管理科 gets in
    auth.logout()
    assert auth.login("wangwu", DIRECTORY_PASSWORD).status_code == 302
    assert (user_named("wangwu").role, user_named("wangwu").unit_id) == ("viewer", org.elderly.id)
    auth.logout()
    assert auth.login("admin").status_code == 302
    edit_url = f"/admin/directory/rules/{new_rule.id}/edit"
    token = csrf_from(client.get(edit_url).text)
    edited = client.post(
        edit_url,
        data={
            "csrf_token": token,
            "position": "40",
            "match": "department",
            "value": "殡葬管理科",
            "unit_id": str(org.elderly.id),
            "role": "staff",
        },
    )
    assert edited.status_code == 302
    assert rule_rows()[-1] == (40, "department", "殡葬管理科", org.elderly.id, "staff")
    change = events("directory_rule.update")[-1]
    assert change.before == {"position": 5, "role": "viewer"}
    assert change.after == {"position": 40, "role": "staff"}
    removed = client.post(
        f"/admin/directory/rules/{new_rule.id}/delete", data={"csrf_token": token}
    )
    assert removed.status_code == 302 and len(rule_rows()) == 3
    assert events("directory_rule.delete")[-1].before["value"] == "殡葬管理科"
    # the account made by the removed rule stays
    assert user_named("wangwu") is not None


def test_a_bad_rule_is_shown_again_with_its_message(org, rules, auth, client):
    assert auth.login("admin").status_code == 302
    token = csrf_from(client.get("/admin/directory/rules/new").text)
    data = {
        "csrf_token": token,
        "position": "7",
        "match": "group",
        "value": "   ",
        "unit_id": str(org.relief.id),
        "role": "staff",
    }
    response = client.post("/admin/directory/rules/new", data=data)
    assert response.status_code == 422 and 'value="7"' in response.text
    # a role outside the list (administrator) is refused
    response = client.post(
        "/admin/directory/rules/new", data={**data, "value": "法制科", "role": "admin"}
    )
    assert response.status_code == 422 and "Not a valid choice" in response.text
    # a unit of another bureau is not the administrator's to seat people in
    response = client.post(
        "/admin/directory/rules/new",
        data={**data, "value": "法制科", "unit_id": str(org.other_section.id)},
    )
    assert response.status_code == 422 and "Not a valid choice" in response.text
    assert len(rule_rows()) == 3


def test_the_page_tells_when_no_directory_is_configured(org, app, auth, client):
    app.config["LDAP_URL"] = ""
    assert auth.login("admin").status_code == 302
    page = client.get("/admin/directory")
    assert page.status_code == 200 and "No directory is configured" in page.text
    assert "No mapping rules yet" in page.text


def test_only_administrators_see_the_rules(org, rules, auth, client):
    assert auth.login("office").status_code == 302
    assert client.get("/admin/directory").status_code == 403
    assert events("access.denied")[-1].after["permission"] == "directory.manage"
