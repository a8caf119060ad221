"""Results that tell the truth in the page and the add-in: paging, weak matches, chips, small UI items."""
import urllib.parse

import httpx
from playwright.sync_api import expect

DOC = "街道党工委书记抓基层党建工作述职报告"  # 38 paragraphs in corpus/


def open_page(new_page, base, **params):
    page = new_page(base)
    page.goto(f"{base}/?{urllib.parse.urlencode(params)}")
    expect(page.locator("#results")).to_have_attribute("data-state", "done")
    return page


def click_more(page):
    count = page.locator("#results > .hit").count()
    page.click("#more-results")
    expect(page.locator("#results > .hit")).not_to_have_count(count)
    expect(page.locator("#results")).to_have_attribute("data-state", "done")


def weak_doc(base) -> str:
    """A report in which a search for 作风 finds no paragraph about it (the API says weak)."""
    for doc in httpx.get(f"{base}/api/documents").json()["documents"]:
        if httpx.get(f"{base}/api/search", params={"q": "作风", "k": 5, "doc": doc["id"]}).json()["weak"]:
            return doc["id"]
    raise AssertionError("every report mentions 作风: no weak case in this corpus")


def test_more_results_pages_past_ten(live_server, new_page):
    page = open_page(new_page, live_server, q="党员教育")
    expect(page.locator("#results > .hit")).to_have_count(10)
    click_more(page)
    ids = page.locator("#results > .hit").evaluate_all("nodes => nodes.map(n => n.dataset.id)")
    assert len(ids) == 20 and len(set(ids)) == 20
    assert "k=20" in page.url
    expect(page.locator(".hit .score").first).to_contain_text("相关度")


def test_document_filter_reaches_every_paragraph(live_server, new_page):
    page = open_page(new_page, live_server, q="党建", doc=DOC)
    while page.locator("#more-results").count():
        click_more(page)
    ids = page.locator("#results > .hit").evaluate_all("nodes => nodes.map(n => n.dataset.id)")
    assert len(set(ids)) == 38
    expect(page.locator("#message")).to_contain_text("找到 38 个段落")


def test_weak_match_notice_and_nonsense(live_server, new_page):
    page = open_page(new_page, live_server, q="作风", doc=weak_doc(live_server))
    expect(page.locator("#message")).to_contain_text("未找到与“作风”直接相关的段落，以下是最接近的段落")
    expect(page.locator("#message")).to_have_attribute("data-kind", "warn")
    expect(page.locator(".hit .score").first).to_have_text("相关度 低")
    page.goto(f"{live_server}/?q=asdfgh%20qwerty")
    expect(page.locator("#results")).to_have_attribute("data-state", "empty")


def test_chips_show_the_roles_applied(live_server, new_page):
    page = open_page(new_page, live_server, q="问题原因 党建业务融合")
    chips = page.locator("#view-search .chip")
    expect(chips).to_have_count(7)
    expect(page.locator('.chip[data-role="closing"]')).to_have_text("结尾")
    for role, pressed in (("", "false"), ("problems", "true"), ("causes", "true"), ("plans", "false")):
        expect(page.locator(f'#view-search .chip[data-role="{role}"]')).to_have_attribute("aria-pressed", pressed)
    expect(page.locator("#role-note")).to_contain_text("按检索词")
    page.click('#view-search .chip[data-role="plans"]')
    expect(page.locator('#view-search .chip[data-role="problems"]')).to_have_attribute("aria-pressed", "false")
    expect(page.locator('#view-search .chip[data-role="plans"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#role-note")).to_contain_text("替换检索词中的段落类型")
    expect(page.locator("#results")).to_have_attribute("data-state", "done")
    roles = page.locator("#results > .hit").evaluate_all("nodes => nodes.map(n => n.dataset.role)")
    assert set(roles) == {"plans"}


def test_small_items_footer_docs_table_addin_link_length(live_server, new_page):
    page = new_page(live_server)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server}/#docs")
    expect(page.locator(".doc-table tbody tr")).to_have_count(5)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    expect(page.locator("#site-footer")).to_be_hidden()
    page.click("#tab-search")
    expect(page.locator("#site-footer")).to_be_visible()
    assert page.locator('a.addin-link').get_attribute("href") == "addin/"
    limit = httpx.get(f"{live_server}/api/health").json()["limits"]["max_query_chars"]
    page.fill("#q", "党" * (limit - 5))
    expect(page.locator("#q-limit")).to_contain_text("接近上限")
    page.fill("#q", "党" * (limit + 1))
    expect(page.locator("#q-limit")).to_contain_text("超过 %d 字上限" % limit)
    page.goto(f"{live_server}/addin/")
    expect(page.locator("#install-steps")).to_have_text("安装步骤")


def test_addin_weak_notice_and_connection_result(live_server, new_page):
    page = new_page(live_server)
    page.goto(f"{live_server}/addin/taskpane.html")
    page.fill("#query", "存在问题 积分制")
    page.press("#query", "Enter")
    expect(page.locator("#results")).to_have_attribute("data-state", "done")
    expect(page.locator('#roleChips .chip[data-role="problems"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator('#roleChips .chip[data-role=""]')).to_have_attribute("aria-pressed", "false")
    # No opening paragraph mentions 积分制: the pane must say the hits are only the nearest.
    page.click('#roleChips .chip[data-role="opening"]')
    expect(page.locator("#message")).to_contain_text("直接相关的段落，以下是最接近的段落")
    page.click("#settings summary")
    page.click("#testConnection")
    expect(page.locator("#connectionResult")).to_contain_text("连接成功")
