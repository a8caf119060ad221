"""The search page (service/web) driven by a real headless Chromium against a real server.

Fixtures from tests/conftest.py:
  live_server      base URL of a server over the five sample reports (read-only use)
  writable_server  base URL of a separate server with its own temporary data dir (upload/delete)
Some tests replace single API responses with page.route() to reach states the sample corpus
cannot produce (empty result, server error, network failure, hostile text); everything else goes
through the real API. Screenshots land in artifacts/page-*.png.
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not os.path.exists(CHROMIUM), reason=f"no Chromium at {CHROMIUM}"),
]

ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts"
QUERY = "问题原因 党建业务融合"
EXPECTED = ("党建与业务工作融合不好", "党建与业务工作结合还不够紧密")
SENTENCE = "社区网格员队伍建设成效明显，群众满意度显著提升"
TIMEOUT = 60_000  # ms; the first query may load the embedding model
FINAL_STATES = ("done", "empty", "error")


# ---------- helpers ----------

def page_url(base: str, fragment: str = "", **params) -> str:
    url = base.rstrip("/") + "/"
    if params:
        url += "?" + urllib.parse.urlencode(params)
    return url + (f"#{fragment}" if fragment else "")


def api_get(base: str, path: str, **params):
    """(status, json) straight from the API, to compare the page with."""
    url = base.rstrip("/") + "/" + path.lstrip("/")
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode("utf-8") or "null")


def url_params(page) -> dict:
    return urllib.parse.parse_qs(urllib.parse.urlparse(page.url).query)


def results_seq(page) -> str:
    return page.locator("#results").get_attribute("data-seq") or ""


def wait_search_done(page, previous_seq: str) -> str:
    """Wait until a search newer than previous_seq has finished; return its final state."""
    page.wait_for_function(
        """([prev, finals]) => {
            const r = document.querySelector('#results');
            return r && r.dataset.seq !== prev && finals.includes(r.dataset.state);
        }""",
        arg=[previous_seq, list(FINAL_STATES)],
        timeout=TIMEOUT,
    )
    return page.locator("#results").get_attribute("data-state")


def do_search(page, query: str) -> str:
    seq = results_seq(page)
    page.fill("#q", query)
    page.press("#q", "Enter")
    return wait_search_done(page, seq)


def open_search(page, base: str, **params) -> str:
    """Load the page with a query in the URL and wait for the search it runs on load."""
    page.goto(page_url(base, **params))
    return wait_search_done(page, "0")


def top_hits(page):
    return page.locator("#results > .hit")


def top_texts(page) -> list[str]:
    return page.locator("#results > .hit > .text").all_text_contents()


def shot(page, name: str, element=None) -> None:
    """Full page, or just one element (a result card with its open panel)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    if element is not None:
        element.screenshot(path=str(ARTIFACTS / name))
    else:
        page.screenshot(path=str(ARTIFACTS / name), full_page=True)


def json_route(payload, status: int = 200):
    body = json.dumps(payload, ensure_ascii=False)
    return lambda route: route.fulfill(status=status, content_type="application/json; charset=utf-8", body=body)


# ---------- fixtures ----------

# chromium_browser and new_page come from conftest.py


# ---------- search ----------

def test_enter_searches_and_keeps_query_in_url(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    page.goto(page_url(live_server))
    expect(page.locator("#message")).to_contain_text("请输入")  # no blank page before a search
    assert do_search(page, QUERY) == "done"

    texts = top_texts(page)
    assert texts, "no hits rendered"
    assert any(any(e in t for e in EXPECTED) for t in texts), texts
    assert url_params(page).get("q") == [QUERY]
    expect(page.locator("#results > .hit mark").first).to_be_visible()
    expect(page.locator("#results > .hit .role").first).not_to_be_empty()
    expect(page.locator("#message")).to_contain_text("找到")

    # the page shows what the API returns, in order
    status, data = api_get(live_server, "api/search", q=QUERY, k=10)
    assert status == 200
    assert texts == [h["text"] for h in data["hits"]]
    ids = [top_hits(page).nth(i).get_attribute("data-id") for i in range(len(texts))]
    assert ids == [str(h["id"]) for h in data["hits"]]
    first = data["hits"][0]
    expect(top_hits(page).first.locator(".role")).to_have_text(first["role_label"])
    if first["heading_path"]:
        expect(top_hits(page).first.locator(".source")).to_contain_text(first["heading_path"][-1])
    marks = top_hits(page).first.locator(".text mark").all_text_contents()
    assert "".join(marks) == "".join(first["text"][s:e] for s, e in first["highlights"])
    slots = page.locator("#results > .hit .slot")
    if any(h["placeholders"] for h in data["hits"]):
        expect(slots.first).to_have_attribute("title", "待填写")
    shot(page, "page-search.png")


def test_reloading_the_url_reruns_the_search(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    page.goto(page_url(live_server))
    do_search(page, QUERY)
    shared_url = page.url
    first_texts = top_texts(page)
    assert first_texts

    page.reload()
    wait_search_done(page, "0")
    expect(page.locator("#q")).to_have_value(QUERY)
    assert top_texts(page) == first_texts

    other = new_page(live_server)  # someone opening a shared link
    other.goto(shared_url)
    wait_search_done(other, "0")
    assert top_texts(other) == first_texts


def test_role_chip_filters_and_is_marked(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    open_search(page, live_server, q=QUERY)
    # the chips show the roles the query's words applied (问题原因), not 全部
    for role, pressed in (("", "false"), ("problems", "true"), ("causes", "true")):
        expect(page.locator(f'.chip[data-role="{role}"]')).to_have_attribute("aria-pressed", pressed)

    seq = results_seq(page)
    page.click('.chip[data-role="causes"]')
    state = wait_search_done(page, seq)
    expect(page.locator('.chip[data-role="causes"]')).to_have_attribute("aria-pressed", "true")
    for role in ("", "opening", "achievements", "problems", "plans", "closing"):
        expect(page.locator(f'.chip[data-role="{role}"]')).to_have_attribute("aria-pressed", "false")
    assert url_params(page).get("role") == ["causes"]
    assert url_params(page).get("q") == [QUERY]

    badges = page.locator("#results > .hit > .hit-head .role").all_text_contents()
    if state == "done":
        assert badges and all(b == "原因" for b in badges), badges
    else:
        assert state == "empty"
        expect(page.locator("#message")).to_contain_text("没有找到匹配的范文段落")
    shot(page, "page-role.png")

    # the filter survives a reload, and 全部 removes it
    page.reload()
    wait_search_done(page, "0")
    expect(page.locator('.chip[data-role="causes"]')).to_have_attribute("aria-pressed", "true")
    seq = results_seq(page)
    page.click('.chip[data-role=""]')
    wait_search_done(page, seq)
    assert "role" not in url_params(page)
    # no filter any more: the query's own roles apply again, and the note says where they come from
    expect(page.locator('.chip[data-role="problems"]')).to_have_attribute("aria-pressed", "true")
    expect(page.locator("#role-note")).to_contain_text("按检索词")


def test_document_filter_lists_documents_and_filters(live_server, new_page):
    from playwright.sync_api import expect

    status, data = api_get(live_server, "api/documents")
    assert status == 200
    documents = data["documents"]
    assert documents

    page = new_page(live_server)
    open_search(page, live_server, q=QUERY)
    options = page.locator("#doc-filter option")
    expect(options).to_have_count(len(documents) + 1)
    expect(options.first).to_have_text("全部文档")
    values = options.evaluate_all("opts => opts.map(o => o.value)")
    assert values[1:] == [d["id"] for d in documents]
    for doc, label in zip(documents, options.all_text_contents()[1:]):
        assert doc["title"] in label

    target = next((d for d in documents if "2019" in d["id"] + d.get("path", "")), documents[0])
    seq = results_seq(page)
    page.select_option("#doc-filter", target["id"])
    state = wait_search_done(page, seq)
    assert url_params(page).get("doc") == [target["id"]]
    docs_shown = top_hits(page).evaluate_all("cards => cards.map(c => c.dataset.doc)")
    if state == "done":
        assert docs_shown and set(docs_shown) == {target["id"]}
    else:
        assert state == "empty"

    page.reload()
    wait_search_done(page, "0")
    expect(page.locator("#doc-filter")).to_have_value(target["id"])


def test_copy_puts_the_paragraph_on_the_clipboard(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    open_search(page, live_server, q=QUERY)
    card = top_hits(page).first
    hit_id = card.get_attribute("data-id")
    text = card.locator(":scope > .text").text_content()
    status, chunk = api_get(live_server, f"api/chunks/{hit_id}")
    assert status == 200 and chunk["chunk"]["text"] == text  # plain text, no markup

    card.locator(".btn-copy").click()
    expect(card.locator(".btn-copy")).to_have_text("已复制")
    assert page.evaluate("navigator.clipboard.readText()") == text

    # fallback without the async clipboard API: textarea + execCommand("copy")
    second = top_hits(page).nth(1)
    second_text = second.locator(":scope > .text").text_content()
    page.evaluate("Object.defineProperty(navigator, 'clipboard', {value: undefined, configurable: true})")
    second.locator(".btn-copy").click()
    expect(second.locator(".btn-copy")).to_have_text("已复制")
    reader = page.context.new_page()
    reader.goto(page_url(live_server))
    assert reader.evaluate("navigator.clipboard.readText()") == second_text
    reader.close()


def test_more_similar_shows_other_hits(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    open_search(page, live_server, q=QUERY)
    card = top_hits(page).first
    hit_id = card.get_attribute("data-id")
    button = card.locator(":scope > .hit-actions .btn-similar")
    button.click()
    panel = card.locator(".similar-panel")
    expect(panel).to_be_visible()
    expect(panel.locator(".panel-title")).to_contain_text("相似")
    nested = panel.locator(".hit")
    expect(nested.first).to_be_visible()
    shown = nested.evaluate_all("cards => cards.map(c => c.dataset.id)")
    assert shown and hit_id not in shown

    status, data = api_get(live_server, f"api/chunks/{hit_id}/similar", k=5)
    assert status == 200
    assert shown == [str(h["id"]) for h in data["hits"] if str(h["id"]) != hit_id]
    assert nested.locator(".text").all_text_contents()[0] == next(
        h["text"] for h in data["hits"] if str(h["id"]) != hit_id)
    expect(button).to_have_attribute("aria-expanded", "true")
    shot(page, "page-similar.png", card)

    button.click()
    expect(panel).to_be_hidden()
    expect(button).to_have_attribute("aria-expanded", "false")


def test_context_shows_previous_and_next_paragraphs(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    open_search(page, live_server, q=QUERY)
    card = top_hits(page).first
    hit_id = card.get_attribute("data-id")
    card.locator(":scope > .hit-actions .btn-context").click()
    panel = card.locator(".context-panel")
    expect(panel).to_be_visible()

    status, data = api_get(live_server, f"api/chunks/{hit_id}")
    assert status == 200
    assert data["previous"] or data["next"], "the first hit should have a neighbour"
    expect(panel.locator(".ctx-current .text")).to_have_text(data["chunk"]["text"])
    for kind, record, none_text in (("ctx-prev", data["previous"], "开头"), ("ctx-next", data["next"], "末尾")):
        if record:
            expect(panel.locator(f".{kind} .text")).to_have_text(record["text"])
        else:
            expect(panel.locator(f".{kind}")).to_contain_text(none_text)
    shot(page, "page-context.png", card)


# ---------- errors and empty states ----------

def test_too_long_query_shows_the_api_error_message(live_server, new_page):
    from playwright.sync_api import expect

    query = "党" * 1001
    status, body = api_get(live_server, "api/search", q=query)
    assert status in (400, 422), (status, body)
    message = body["error"]["message"]

    page = new_page(live_server)
    page.goto(page_url(live_server))
    assert do_search(page, query) == "error"
    expect(page.locator("#message")).to_contain_text(message)
    expect(page.locator("#message")).to_have_attribute("data-kind", "error")
    expect(top_hits(page)).to_have_count(0)
    shot(page, "page-error.png")


def test_nonsense_query_never_leaves_the_page_blank(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    page.goto(page_url(live_server))
    state = do_search(page, "qzxjvk 嘞嘞嘞嘞 ###")
    expect(page.locator("#message")).to_be_visible()
    expect(page.locator("#message")).not_to_be_empty()
    if state == "empty":
        expect(page.locator("#message")).to_contain_text("没有找到匹配的范文段落")
    elif state == "done":
        expect(top_hits(page).first).to_be_visible()
    else:
        expect(page.locator("#message")).to_have_attribute("data-kind", "error")


def test_empty_result_error_shape_and_network_failure(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    page.goto(page_url(live_server))
    search_api = re.compile(r"/api/search(\?|$)")
    message = page.locator("#message")

    page.route(search_api, json_route({"query": "x", "roles": [], "terms": [], "hits": []}))
    assert do_search(page, "没有结果的检索") == "empty"
    expect(message).to_contain_text("没有找到匹配的范文段落")
    shot(page, "page-empty.png")
    page.unroute(search_api)

    page.route(search_api, json_route(
        {"error": {"code": "internal", "message": "测试：索引暂时不可用"}}, status=500))
    assert do_search(page, "服务器出错") == "error"
    expect(message).to_contain_text("测试：索引暂时不可用")
    page.unroute(search_api)

    page.route(search_api, lambda route: route.fulfill(status=502, content_type="text/html", body="<h1>Bad Gateway</h1>"))
    assert do_search(page, "网关出错") == "error"
    expect(message).to_contain_text("HTTP 502")
    page.unroute(search_api)

    page.route(search_api, lambda route: route.abort("connectionrefused"))
    assert do_search(page, "断网") == "error"
    expect(message).to_contain_text("无法连接")
    page.unroute(search_api)

    assert do_search(page, QUERY) == "done"  # and it recovers


def test_hit_text_is_escaped_and_overlapping_spans_are_safe(live_server, new_page):
    from playwright.sync_api import expect

    text = '<img src=x onerror="window.__xss=1">二是XX单位<b>党建</b>与XX工作融合不好&amp;'
    first_x = text.index("XX")
    second_x = text.index("XX", first_x + 2)
    placeholders = [[first_x, first_x + 2], [second_x, second_x + 2]]
    highlights = [
        [0, 4],                        # inside the hostile tag text
        [first_x + 1, first_x + 6],    # starts inside a slot, ends after it
        [second_x - 2, second_x + 1],  # ends inside a slot
        [len(text) - 3, len(text) + 50],  # runs past the end
        [9, 5], ["a", "b"], [3],       # nonsense spans are ignored
    ]
    hit = {
        "id": 99001, "text": text, "score": 0.5, "doc": "测试文档", "title": "测试<script>标题",
        "heading": "二、存在的问题 › （一）融合", "heading_path": ["二、存在的问题", "（一）融合"],
        "role": "problems", "role_label": "问题", "para_index": 1, "point_index": 1,
        "start": 0, "end": len(text), "matched_terms": ["党建"],
        "highlights": highlights, "placeholders": placeholders,
    }
    page = new_page(live_server)
    page.goto(page_url(live_server))
    page.route(re.compile(r"/api/search(\?|$)"),
               json_route({"query": "党建", "roles": ["problems"], "terms": ["党建"], "hits": [hit]}))
    assert do_search(page, "党建") == "done"

    card = top_hits(page).first
    expect(card.locator(":scope > .text")).to_have_text(text)
    assert page.locator("#results img, #results b, #results script").count() == 0
    assert page.evaluate("window.__xss") is None
    expect(card.locator(".doc-title")).to_have_text("测试<script>标题")
    expect(card.locator(".source")).to_contain_text("二、存在的问题 › （一）融合")
    expect(card.locator(".role")).to_have_text("问题")

    slots = card.locator(".slot")
    assert slots.all_text_contents() == ["XX", "XX"]  # a slot is never split by a mark
    expect(slots.first).to_have_attribute("title", "待填写")

    flags = card.locator(":scope > .text").evaluate("""node => {
        const out = [];
        const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const t = walker.currentNode, p = t.parentElement;
            for (const ch of t.data) out.push([!!p.closest('mark'), !!p.closest('.slot')]);
        }
        return out;
    }""")
    n = len(text)
    spans = [s for s in highlights if len(s) == 2 and all(isinstance(v, int) for v in s)]
    want = [[any(s <= i < min(e, n) for s, e in spans), any(s <= i < e for s, e in placeholders)]
            for i in range(n)]
    assert flags == want
    shot(page, "page-escape.png")


# ---------- tabs ----------

def test_tabs_switch_views_and_keep_placeholders(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    page.goto(page_url(live_server))
    expect(page.locator("#tab-search")).to_have_attribute("aria-selected", "true")
    expect(page.locator("#view-search")).to_be_visible()
    for tab, view in (("#tab-draft", "#view-draft"), ("#tab-check", "#view-check"), ("#tab-docs", "#view-docs")):
        page.click(tab)
        expect(page.locator(tab)).to_have_attribute("aria-selected", "true")
        expect(page.locator(view)).to_be_visible()
        expect(page.locator("#view-search")).to_be_hidden()
    assert urllib.parse.urlparse(page.url).fragment == "docs"
    page.reload()
    expect(page.locator("#view-docs")).to_be_visible()
    page.focus("#tab-docs")
    page.keyboard.press("ArrowRight")
    expect(page.locator("#tab-draft")).to_be_focused()
    expect(page.locator("#view-draft")).to_be_visible()
    page.keyboard.press("Home")
    expect(page.locator("#view-search")).to_be_visible()
    assert page.evaluate("typeof window.fanwen.renderHit") == "function"
    assert page.evaluate("typeof window.fanwen.api") == "function"


# ---------- documents ----------

def test_documents_view_lists_documents(live_server, new_page):
    from playwright.sync_api import expect

    status, data = api_get(live_server, "api/documents")
    assert status == 200
    page = new_page(live_server)
    page.goto(page_url(live_server, "docs"))
    rows = page.locator("#doc-list tbody tr")
    expect(rows).to_have_count(len(data["documents"]))
    for doc in data["documents"]:
        row = page.locator(f'#doc-list tr[data-id="{doc["id"]}"]')
        expect(row.locator(".doc-chunks")).to_have_text(str(doc["chunks"]))
        expect(row.locator(".doc-title")).to_contain_text(doc["title"])
        expect(row.locator(".doc-format")).to_have_text(doc["format"])
    shot(page, "page-docs.png")


def test_upload_sends_the_key_and_reports_errors(live_server, new_page, tmp_path):
    """Upload responses are replaced here (the live server is read-only); the real round trip
    is test_upload_search_delete against writable_server."""
    from playwright.sync_api import expect

    page = new_page(live_server)
    page.goto(page_url(live_server, "docs"))
    report = page.locator("#upload-report")

    page.click("#upload-button")
    expect(report).to_contain_text("请先选择")
    page.set_input_files("#upload-file", {"name": "报告.exe", "mimeType": "application/octet-stream", "buffer": b"MZ"})
    page.click("#upload-button")
    expect(report).to_contain_text("不支持的文件格式")

    page.fill("#api-key", "test-key-123")
    seen = []
    replies = [
        (401, {"error": {"code": "unauthorized", "message": "缺少或错误的 API 密钥"}}),
        (200, {"document": {"id": "mock", "title": "模拟文档", "format": "txt", "chunks": 7},
               "report": {"files": 1, "chunks": 7, "skipped": [{"path": "附件.pdf", "reason": "无法读取"}],
                          "boilerplate_lines": 2, "unchanged": [], "replaced": []}}),
    ]

    def handle(route):
        if route.request.method != "POST":
            route.continue_()
            return
        seen.append(route.request.headers.get("x-api-key"))
        status, payload = replies[len(seen) - 1]
        json_route(payload, status)(route)

    page.route(re.compile(r"/api/documents$"), handle)
    sample = tmp_path / "模拟.txt"
    sample.write_text("模拟文档\n一、主要做法和成效\n内容。\n", encoding="utf-8")
    page.set_input_files("#upload-file", str(sample))
    page.click("#upload-button")
    expect(report).to_have_attribute("data-kind", "error")
    expect(report).to_contain_text("缺少或错误的 API 密钥")

    page.set_input_files("#upload-file", str(sample))
    page.click("#upload-button")
    expect(report).to_have_attribute("data-kind", "success")
    expect(report.locator(".report-title")).to_contain_text("已入库《模拟文档》")
    expect(report.locator(".report-chunks")).to_have_text("7")
    expect(report.locator(".report-boilerplate")).to_have_text("2")
    expect(report).to_contain_text("附件.pdf：无法读取")
    assert seen == ["test-key-123", "test-key-123"]

    page.reload()  # the key is remembered in localStorage
    expect(page.locator("#api-key")).to_have_value("test-key-123")


def test_upload_search_delete(writable_server, new_page, tmp_path):
    import docx
    from playwright.sync_api import expect

    path = tmp_path / "社区网格治理述职报告.docx"
    document = docx.Document()
    document.add_paragraph("社区网格治理工作述职报告")
    document.add_paragraph("一、主要做法和成效")
    document.add_paragraph(f"今年以来，我们坚持党建引领基层治理，完善网格划分和考核办法，{SENTENCE}。")
    document.add_paragraph("二、存在的问题")
    document.add_paragraph("一是网格员业务培训还不够系统。二是信息化手段运用还不充分。三是居民参与的渠道还不够多。")
    document.save(path)

    status, before = api_get(writable_server, "api/documents")
    assert status == 200
    before_ids = {d["id"] for d in before["documents"]}

    page = new_page(writable_server)
    page.goto(page_url(writable_server))
    page.click("#tab-docs")
    expect(page.locator("#view-docs")).to_be_visible()
    key = getattr(writable_server, "api_key", None) or os.environ.get("FANWEN_API_KEY")
    if key:
        page.fill("#api-key", key)
    page.set_input_files("#upload-file", str(path))
    page.click("#upload-button")
    report = page.locator("#upload-report")
    expect(report).to_have_attribute("data-kind", "success", timeout=180_000)
    expect(report.locator(".report-title")).to_contain_text("已入库")
    assert int(report.locator(".report-chunks").text_content()) > 0
    expect(report.locator(".report-boilerplate")).to_have_text(re.compile(r"^\d+$"))

    status, after = api_get(writable_server, "api/documents")
    new = [d for d in after["documents"] if d["id"] not in before_ids]
    assert len(new) == 1, after
    doc_id = new[0]["id"]
    row = page.locator(f'#doc-list tr[data-id="{doc_id}"]')
    expect(row).to_be_visible()
    expect(page.locator(f'#doc-filter option[value="{doc_id}"]')).to_have_count(1)
    shot(page, "page-upload.png")

    page.click("#tab-search")
    do_search(page, "社区网格员队伍建设成效明显")
    assert any("社区网格员队伍建设成效明显" in t for t in top_texts(page)), top_texts(page)
    found = page.locator("#results > .hit", has_text="社区网格员队伍建设成效明显").first
    assert found.get_attribute("data-doc") == doc_id

    page.click("#tab-docs")
    page.once("dialog", lambda dialog: dialog.dismiss())
    row.locator(".btn-delete").click()
    expect(row).to_be_visible()  # cancelled
    page.once("dialog", lambda dialog: dialog.accept())
    row.locator(".btn-delete").click()
    expect(page.locator("#docs-message")).to_contain_text("已删除")
    expect(row).to_have_count(0)
    expect(page.locator(f'#doc-filter option[value="{doc_id}"]')).to_have_count(0)
    status, final = api_get(writable_server, "api/documents")
    assert doc_id not in {d["id"] for d in final["documents"]}

    page.click("#tab-search")
    page.wait_for_function(
        "finals => finals.includes(document.querySelector('#results').dataset.state)",
        arg=list(FINAL_STATES))
    do_search(page, "社区网格员队伍建设成效明显")
    assert not any(SENTENCE[:10] in t for t in top_texts(page))
