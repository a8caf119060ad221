"""The shared JS (service/web/api.js, hit.js, ui.js) in a real headless Chromium: one hit record
rendered the same by the page and the add-in pane, the highlight/placeholder overlap rule, and the
limits both read from GET /api/health instead of repeating them.

Fixtures from tests/conftest.py: live_server, new_page, chromium_browser. API answers are replaced
with page.route() where a test needs a fixed record or fixed limits.
"""
from __future__ import annotations

import json
import os
import re
import urllib.parse

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
]

FINAL_STATES = ["done", "empty", "error"]
TEXT = "二是XX单位党建与业务工作融合不好，XX方面还有差距。"
FIRST_X = TEXT.index("XX")
SECOND_X = TEXT.index("XX", FIRST_X + 2)
HIT = {
    "id": 424242, "text": TEXT, "score": 0.731, "doc": "test-doc", "title": "测试述职报告",
    "heading": "二、存在的问题 › （一）融合", "heading_path": ["二、存在的问题", "（一）融合"],
    "role": "problems", "role_label": "问题（接口）", "matched_terms": ["党建"],
    # the first highlight runs into the first slot; the second covers the second slot and more
    "highlights": [[FIRST_X - 1, FIRST_X + 1], [TEXT.index("党建"), TEXT.index("党建") + 2],
                   [SECOND_X - 1, SECOND_X + 4]],
    "placeholders": [[FIRST_X, FIRST_X + 2], [SECOND_X, SECOND_X + 2]],
}
SEARCH_REPLY = {"query": "党建", "roles": ["problems"], "terms": ["党建"], "hits": [HIT]}

# What a rendered .text element shows: its text, its marks, its slots, and per slot the marks in it.
DESCRIBE = """node => ({
    text: node.textContent,
    marks: [...node.querySelectorAll('mark')].map(m => m.textContent),
    slots: [...node.querySelectorAll('.slot')].map(s => s.textContent),
    slotMarks: [...node.querySelectorAll('.slot')].map(s => [...s.querySelectorAll('mark')].map(m => m.textContent)),
    slotTitles: [...node.querySelectorAll('.slot')].map(s => s.title),
    nestedSlots: node.querySelectorAll('mark .slot, .slot .slot, mark mark').length,
})"""


def fulfill_json(payload, status: int = 200, headers: dict | None = None):
    body = json.dumps(payload, ensure_ascii=False)
    return lambda route: route.fulfill(status=status, content_type="application/json; charset=utf-8",
                                       body=body, headers=headers or {})


def wait_results(page, previous: str) -> str:
    page.wait_for_function(
        """([prev, finals]) => {
            const r = document.querySelector('#results');
            return r && r.dataset.seq !== prev && finals.includes(r.dataset.state);
        }""", arg=[previous, FINAL_STATES])
    return page.locator("#results").get_attribute("data-state")


def search(page, field: str, query: str) -> str:
    previous = page.locator("#results").get_attribute("data-seq") or ""
    page.fill(field, query)
    page.press(field, "Enter")
    return wait_results(page, previous)


def rendered(card) -> dict:
    out = card.locator("p.text").first.evaluate(DESCRIBE)
    out["role"] = card.locator(".hit-head .role").inner_text()
    out["source"] = card.locator(".hit-head .source").inner_text()
    out["score"] = card.locator(".hit-head .score").inner_text()
    return out


def test_page_and_pane_render_a_hit_the_same(live_server, new_page):
    search_api = re.compile(r"/api/search(\?|$)")
    page = new_page(live_server)
    page.route(search_api, fulfill_json(SEARCH_REPLY))
    page.goto(live_server + "/")
    assert search(page, "#q", "党建") == "done"
    in_page = rendered(page.locator("#results > .hit").first)

    pane = new_page(live_server)
    pane.route(search_api, fulfill_json(SEARCH_REPLY))
    pane.goto(live_server + "/addin/taskpane.html")
    pane.wait_for_selector('#app[data-host="browser"]')
    assert search(pane, "#query", "党建") == "done"
    in_pane = rendered(pane.locator("#results .result").first)

    assert in_page == in_pane
    assert in_page["text"] == TEXT
    assert in_page["role"] == "问题（接口）", "the label comes from the record, not from a JS table"
    assert in_page["slots"] == ["XX", "XX"] and in_page["slotTitles"] == ["待填写", "待填写"]
    assert in_page["source"] == "测试述职报告 › 二、存在的问题 › （一）融合"
    assert in_page["score"] == "0.731"
    assert in_page["nestedSlots"] == 0


def test_overlap_rule(live_server, new_page):
    """A slot is atomic and never split; a highlight overlapping it is cut at its edges and the
    part inside is a <mark> inside the slot; overlapping placeholders are one slot."""
    page = new_page(live_server)
    page.goto(live_server + "/addin/taskpane.html")
    cases = [
        # (text, highlights, placeholders) -> (marks, slots, marks inside each slot)
        ("ABCDEFGH", [[1, 4]], [[3, 6]], ["BC", "D"], ["DEF"], [["D"]]),      # mark runs into a slot
        ("ABCDEFGH", [[4, 7]], [[2, 5]], ["E", "FG"], ["CDE"], [["E"]]),      # mark starts inside a slot
        ("ABCDEFGH", [[1, 7]], [[3, 5]], ["BC", "DE", "FG"], ["DE"], [["DE"]]),  # mark covers a slot
        ("ABCDEFGH", [[3, 4]], [[2, 6]], ["D"], ["CDEF"], [["D"]]),           # mark inside a slot
        ("ABCDEFGH", [], [[1, 4], [3, 6]], [], ["BCDEF"], [[]]),              # overlapping slots merge
        ("ABCDEFGH", [], [[1, 3], [3, 5]], [], ["BC", "DE"], [[], []]),       # touching slots stay two
        ("ABCDEFGH", [[0, 2], [2, 4], [3, 5]], [], ["ABCDE"], [], []),        # highlights merge
        ("ABC", [[2, 99], ["x", 1], [2, 1], [5]], [[-3, 1]], ["C"], ["A"], [[]]),  # bad spans: clipped or dropped
    ]
    for text, highlights, placeholders, marks, slots, slot_marks in cases:
        got = page.evaluate(
            """([text, h, p, describe]) => {
                const node = document.createElement('p');
                node.appendChild(FanwenHit.renderText(text, h, p));
                return (new Function('return ' + describe))()(node);
            }""", [text, highlights, placeholders, DESCRIBE])
        case = (text, highlights, placeholders)
        assert got["text"] == text, case
        assert got["marks"] == marks, (case, got)
        assert got["slots"] == slots, (case, got)
        assert got["slotMarks"] == slot_marks, (case, got)
        assert got["nestedSlots"] == 0, case
        # segments() is the same rule as data: its runs put the text back together
        runs = page.evaluate("([t, h, p]) => FanwenHit.segments(t, h, p)", [text, highlights, placeholders])
        assert "".join(r["text"] for r in runs) == text


def test_limits_come_from_health(live_server, new_page, tmp_path):
    from playwright.sync_api import expect

    limits = {"max_query_chars": 7, "max_k": 12, "max_check_chars": 20, "max_upload_bytes": 1000,
              "upload_types": [".txt"]}
    health = {"status": "ok", "documents": 1, "chunks": 20, "limits": limits}
    many = dict(SEARCH_REPLY, hits=[dict(HIT, id=HIT["id"] + i) for i in range(10)], more=True)
    page = new_page(live_server)
    page.route(re.compile(r"/api/health$"), fulfill_json(health))
    page.route(re.compile(r"/api/search(\?|$)"), fulfill_json(many))
    asked = []
    page.on("request", lambda r: "/api/search" in r.url and asked.append(urllib.parse.urlsplit(r.url).query))
    page.goto(live_server + "/")
    assert search(page, "#q", "党建") == "done"
    more = page.locator("#more-results")
    expect(more).to_be_visible()
    more.click()
    expect(page.locator("#results > .hit")).to_have_count(20)
    # the next page is asked by offset, within the server's max_k, and the URL keeps what is shown
    assert "offset=10" in asked[-1] and "k=10" in asked[-1]
    assert "k=20" in page.url

    page.click("#tab-docs")
    expect(page.locator("#upload-file")).to_have_attribute("accept", ".txt")
    sample = tmp_path / "报告.md"
    sample.write_text("内容", encoding="utf-8")
    page.set_input_files("#upload-file", str(sample))
    page.click("#upload-button")
    expect(page.locator("#upload-report")).to_contain_text("不支持的文件格式“.md”，请上传 .txt 文件。")

    page.click("#tab-check")
    page.fill("#check-text", "党" * 21)
    expect(page.locator("#check-count")).to_have_text("21 字（超过 20 字）")
    page.click("#check-button")
    expect(page.locator("#check-message")).to_contain_text("文稿超过 20 字")

    pane = new_page(live_server)
    pane.route(re.compile(r"/api/health$"), fulfill_json(health))
    pane.goto(live_server + "/addin/taskpane.html")
    expect(pane.locator("#query")).to_have_attribute("maxlength", "7")


def test_health_failure_leaves_the_checks_to_the_server(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    page.route(re.compile(r"/api/health$"), fulfill_json({"error": {"code": "internal", "message": "坏了"}}, 500))
    page.goto(live_server + "/")
    expect(page.locator("#health")).to_have_text("服务状态未知")
    assert search(page, "#q", "党建 业务融合") == "done"
    page.click("#tab-check")
    page.fill("#check-text", "党" * 30)
    expect(page.locator("#check-count")).to_have_text("30 字")
    expect(page.locator("#upload-file")).not_to_have_attribute("accept", re.compile("."))


def test_pane_with_another_server(live_server, chromium_browser):
    """Shared scripts come from the server that served the pane; API calls go to the configured one."""
    other = "http://fanwen-other.test"
    context = chromium_browser.new_context(locale="zh-CN")
    seen = []
    cors = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Headers": "*"}

    def answer(route):
        seen.append(route.request.url)
        if route.request.method == "OPTIONS":
            route.fulfill(status=204, headers=cors)
        elif "/api/health" in route.request.url:
            fulfill_json({"status": "ok", "limits": {"max_query_chars": 9}}, headers=cors)(route)
        else:
            fulfill_json(SEARCH_REPLY, headers=cors)(route)

    try:
        context.route(other + "/**", answer)
        context.add_init_script("localStorage.setItem('fanwen.addin.serverUrl', %s)" % json.dumps(other))
        page = context.new_page()
        scripts = []
        page.on("request", lambda r: scripts.append(r.url) if r.url.endswith(".js") else None)
        page.goto(live_server + "/addin/taskpane.html")
        page.wait_for_selector('#app[data-host="browser"]')
        assert search(page, "#query", "党建") == "done"
        assert page.locator("#results .result .hit > .text").inner_text() == TEXT
        assert page.locator("#query").get_attribute("maxlength") == "9"
        for name in ("api.js", "hit.js", "ui.js"):
            assert f"{live_server}/static/{name}" in scripts
        assert any(url.startswith(other + "/api/search?") for url in seen)
        assert not any(url.startswith(live_server + "/api/") for url in scripts)
    finally:
        context.close()
