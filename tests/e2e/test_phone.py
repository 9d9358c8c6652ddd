"""Task lists on a phone (390 × 844): cards with a readable title, no column squeezed to one
character a line, no sideways scrolling; batch selection with 全选 works there too."""

import pytest

pytestmark = pytest.mark.e2e

PHONE = {"width": 390, "height": 844}


def login(page, base, username):
    page.goto(f"{base}/login")
    page.fill("#username", username)
    page.fill("#password", "duban-demo")
    with page.expect_navigation():
        page.click("main button[type=submit]")


def phone(browser):
    context = browser.new_context(viewport=PHONE, device_scale_factor=2, is_mobile=True)
    return context.new_page()


def no_sideways_scroll(page) -> None:
    widths = page.evaluate(
        "[document.documentElement.scrollWidth, document.documentElement.clientWidth]"
    )
    assert widths[0] <= widths[1], f"the page scrolls sideways: {widths}"


def assert_cards(page, table: str, *, at_least: int, lights: bool = True) -> None:
    cards = page.locator(f"{table} tbody tr:has(td.card-title-cell)")
    assert cards.count() >= at_least
    assert page.locator(f"{table} thead").is_hidden()
    for index in range(cards.count()):
        card = cards.nth(index)
        title = card.locator("td.card-title-cell").bounding_box()
        assert title["width"] > 250, f"card {index}: title box {title['width']:.0f} px wide"
        # the next field (the lead unit on task lists) takes the card's width too
        box = card.locator("td[data-label]").first.bounding_box()
        assert box["width"] > 250, box
        if lights:
            assert card.locator(".light-badge").count() == 1


def test_the_home_list_becomes_cards_on_a_phone(live_server, browser):
    page = phone(browser)
    login(page, live_server, "chief-jiuzhu")
    assert_cards(page, "table.task-table", at_least=3)
    no_sideways_scroll(page)
    # each value is introduced by its column's name ("牵头单位：社会救助科")
    labels = page.evaluate(
        """[...document.querySelectorAll('table.task-table tbody tr:first-child td[data-label]')]
           .map(td => getComputedStyle(td, '::before').content)"""
    )
    assert labels[:4] == ['"牵头单位："', '"责任人："', '"完成时限："', '"状态："']


def test_select_all_then_claim_them_in_one_action(live_server, browser):
    """The legal office works its own unit's tasks like a chief: 全选, 签收, one message."""
    desktop = browser.new_context(viewport={"width": 1366, "height": 768}).new_page()
    login(desktop, live_server, "office")
    boxes = desktop.locator("input[name=task]")
    assert boxes.count() >= 2
    desktop.check("input[data-select-all=task]:visible")
    assert desktop.locator("input[name=task]:checked").count() == boxes.count()
    desktop.uncheck("input[data-select-all=task]:visible")
    assert desktop.locator("input[name=task]:checked").count() == 0
    desktop.check("input[data-select-all=task]:visible")
    count = boxes.count()
    with desktop.expect_navigation():
        desktop.click("form.batch-form button[type=submit]")
    message = desktop.locator(".alert-success").inner_text()
    assert f"已签收 {count} 项任务" in message
    assert desktop.locator("input[name=task]").count() == 0
    # on a phone the checkbox sits inside the card, within the screen
    page = phone(browser)
    login(page, live_server, "chief-shezu")
    box = page.locator("input[name=task]").first.bounding_box()
    assert 0 <= box["x"] and box["x"] + box["width"] <= PHONE["width"]
    no_sideways_scroll(page)


def test_the_plan_page_and_the_review_queue_are_cards_too(live_server, browser):
    page = phone(browser)
    login(page, live_server, "office")
    page.goto(f"{live_server}/review")
    assert_cards(page, "table.queue-tasks", at_least=2)
    assert_cards(page, "table.queue-evidence", at_least=1, lights=False)
    no_sideways_scroll(page)
    page.goto(f"{live_server}/plans/")
    with page.expect_navigation():
        page.locator("main a[href*='/plans/']").filter(has_text="2026").first.click()
    assert_cards(page, "table.plan-outline", at_least=5)
    no_sideways_scroll(page)
