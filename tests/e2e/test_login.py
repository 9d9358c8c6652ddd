"""A person logs in with a demo account and sees the home page in Chinese."""

import pytest

pytestmark = pytest.mark.e2e


def test_login_shows_the_chinese_home_page(live_server, page):
    page.goto(f"{live_server}/")
    assert "/login" in page.url
    assert page.locator("h1").inner_text() == "登录督办系统"
    assert "duban-demo" in page.locator(".demo-accounts").inner_text()

    page.fill("#username", "office")
    page.fill("#password", "duban-demo")
    page.click("button[type=submit]")

    page.wait_for_url(f"{live_server}/")
    assert page.locator("h1").inner_text() == "我的工作"
    assert "王晓燕" in page.locator("main").inner_text()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.locator("nav").get_by_text("审计日志").is_visible()


def test_wrong_password_keeps_the_username_and_says_why(live_server, page):
    page.goto(f"{live_server}/login")
    page.fill("#username", "office")
    page.fill("#password", "not-the-password")
    page.click("button[type=submit]")
    assert "用户名或密码错误" in page.locator(".alert-danger").inner_text()
    assert page.input_value("#username") == "office"


def test_switching_language_and_logging_out(live_server, page):
    page.goto(f"{live_server}/login")
    page.fill("#username", "director")
    page.fill("#password", "duban-demo")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server}/")
    with page.expect_navigation():
        page.select_option("#language-select", "en")  # the form submits itself on change
    assert page.locator("h1").inner_text() == "My work"
    page.get_by_role("button", name="李建国").click()
    page.get_by_role("button", name="Log out").click()
    page.wait_for_url("**/login")
    assert "You have logged out." in page.locator(".alert-success").inner_text()
