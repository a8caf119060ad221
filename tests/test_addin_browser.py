"""The editor add-in task pane (service/addin) in a real headless Chromium against a real server.

Word and WPS are stood in for by small fakes injected before the page's scripts (a fake
``Office``/``Word.run`` and a fake ``window.Application.Selection``); they record what the pane
asks the host to insert. Every request that is not to the local server is aborted and counted,
so nothing reaches the internet (office.js included).

Fixtures from tests/conftest.py: ``live_server`` (base URL of a server over the sample corpus)
and ``artifacts`` (the artifacts/ folder). The screenshot lands in artifacts/addin.png.
"""
from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

CHROMIUM = "/usr/bin/chromium"
QUERY = "党建与业务工作融合"
TIMEOUT = 60_000  # ms; the first query may load the embedding model
FINAL_STATES = ["done", "empty", "error"]

WORD_STUB = """
window.__calls = [];
window.__selection = %s;
window.Office = {
  HostType: { Word: "Word" },
  context: { host: "Word" },
  onReady(callback) {
    const info = { host: "Word", platform: "PC" };
    setTimeout(() => callback && callback(info), 0);
    return Promise.resolve(info);
  }
};
window.Word = {
  run(batch) {
    const selection = {
      text: window.__selection,
      load(what) { window.__calls.push({ op: "load", what }); return selection; },
      insertText(text, location) {
        window.__calls.push({ op: "insertText", text, location });
        return { select() {} };
      }
    };
    const ctx = { document: { getSelection: () => selection }, sync: () => Promise.resolve() };
    return Promise.resolve().then(() => batch(ctx));
  }
};
""" % json.dumps(QUERY)

WPS_STUB = """
window.__calls = [];
window.Application = {
  Selection: {
    Text: %s,
    TypeText(text) { window.__calls.push({ op: "TypeText", text }); }
  }
};
""" % json.dumps(QUERY + "\r")

CLIPBOARD_STUB = """
window.__clipboard = [];
Object.defineProperty(navigator, "clipboard", {
  configurable: true,
  value: { writeText(text) { window.__clipboard.push(text); return Promise.resolve(); } }
});
"""


# ---------- helpers ----------

def api_get(base: str, path: str, **params):
    url = base.rstrip("/") + path
    if params:
        url += "?" + urllib.parse.urlencode(params, doseq=True)
    try:
        with urllib.request.urlopen(url, timeout=120) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()


def api_json(base: str, path: str, **params):
    status, body = api_get(base, path, **params)
    assert status == 200, (status, body[:300])
    return json.loads(body.decode("utf-8"))


def pane_url(base: str) -> str:
    return base.rstrip("/") + "/addin/taskpane.html"


def wait_host(page, kind: str) -> None:
    page.wait_for_selector(f'#app[data-host="{kind}"]', timeout=15_000)


def results_seq(page) -> str:
    return page.locator("#results").get_attribute("data-seq") or ""


def wait_results(page, previous_seq: str) -> str:
    page.wait_for_function(
        """([prev, finals]) => {
            const r = document.querySelector('#results');
            return r && r.dataset.seq !== prev && finals.includes(r.dataset.state);
        }""",
        arg=[previous_seq, FINAL_STATES],
        timeout=TIMEOUT,
    )
    return page.locator("#results").get_attribute("data-state")


def calls(page, op: str) -> list[dict]:
    return [c for c in page.evaluate("window.__calls") if c["op"] == op]


def message(page) -> tuple[str, str]:
    box = page.locator("#message")
    return box.get_attribute("data-kind") or "", box.inner_text()


def check_rendering(page, hits: list[dict]) -> None:
    """The cards show exactly the API's hits: text, role label, title › heading, placeholder slots."""
    cards = page.locator("#results .result")
    assert cards.count() == len(hits)
    for index, hit in enumerate(hits):
        card = cards.nth(index)
        assert card.get_attribute("data-id") == str(hit["id"])
        assert card.locator(".hit > .text").evaluate("el => el.textContent") == hit["text"]
        assert card.locator(".hit-head .role").inner_text() == hit["role_label"]
        source = card.locator(".source").inner_text()
        assert source.startswith(hit["title"])
        if hit["heading"]:
            assert source == f"{hit['title']} › {hit['heading']}"
        slots = card.locator(".slot").evaluate_all("els => els.map(e => e.textContent)")
        assert slots == [hit["text"][s:e] for s, e in hit["placeholders"]]


# ---------- fixtures ----------

@pytest.fixture
def browser(chromium_browser):
    """The session's Chromium from conftest.py (one playwright per process)."""
    return chromium_browser


@pytest.fixture
def make_page(browser, live_server):
    """A page factory: fresh context with the given init scripts; outside requests are aborted."""
    contexts, outside = [], []
    local = urllib.parse.urlsplit(live_server).netloc

    def block(route):
        outside.append(route.request.url)
        route.abort()

    def block_office_js(route):
        route.request.frame.page.office_js.append(route.request.url)
        route.abort()

    def make(*init_scripts: str, width: int = 380):
        context = browser.new_context(viewport={"width": width, "height": 900}, locale="zh-CN")
        contexts.append(context)
        # Registered last = matched first: office.js attempts are counted per page (only the
        # "looks like Office" test expects one); any other outside request fails the test.
        context.route(lambda url: urllib.parse.urlsplit(url).netloc not in (local, "127.0.0.1:9"), block)
        context.route("**/appsforoffice.microsoft.com/**", block_office_js)
        for script in init_scripts:
            context.add_init_script(script)
        page = context.new_page()
        page.set_default_timeout(TIMEOUT)
        errors = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.js_errors = errors
        page.office_js = []
        return page

    yield make
    for context in contexts:
        context.close()
    assert outside == [], f"the pane tried to reach outside the server: {outside}"


def search_by_typing(page, query: str) -> str:
    seq = results_seq(page)
    page.fill("#query", query)
    page.press("#query", "Enter")
    return wait_results(page, seq)


# ---------- tests ----------

def test_word_selection_search_and_insert(make_page, live_server, artifacts):
    page = make_page(WORD_STUB)
    page.goto(pane_url(live_server))
    wait_host(page, "word")
    assert page.locator("#hostBadge").inner_text() == "Word"

    seq = results_seq(page)
    page.get_by_role("button", name="用选中文字查找").click()
    assert wait_results(page, seq) == "done"
    assert page.input_value("#query") == QUERY
    assert calls(page, "load"), "the selection was read through Word.run"

    k = page.evaluate("FanwenPane.K")
    api = api_json(live_server, "/api/search", q=QUERY, k=k)
    assert api["hits"], "the sample corpus answers this query"
    check_rendering(page, api["hits"])
    first = api["hits"][0]

    page.locator("#results .result").first.get_by_role("button", name="插入").click()
    page.wait_for_function("window.__calls.some(c => c.op === 'insertText')")
    (insert,) = calls(page, "insertText")
    assert insert["text"] == first["text"]
    assert insert["location"] == "Replace"
    kind, text = message(page)
    assert kind == "success" and "已插入" in text

    page.screenshot(path=str(artifacts / "addin.png"))  # the pane as it looks in a 380×900 task pane
    assert page.office_js == [], "the page already has Office: office.js is not fetched again"
    assert page.js_errors == []


def test_wps_selection_search_and_insert(make_page, live_server):
    page = make_page(WPS_STUB)
    page.goto(pane_url(live_server) + "?host=wps")
    wait_host(page, "wps")
    assert page.locator("#hostBadge").inner_text() == "WPS 文字"

    seq = results_seq(page)
    page.get_by_role("button", name="用选中文字查找").click()
    assert wait_results(page, seq) == "done"
    assert page.input_value("#query") == QUERY  # the trailing paragraph mark is dropped

    api = api_json(live_server, "/api/search", q=QUERY, k=page.evaluate("FanwenPane.K"))
    check_rendering(page, api["hits"])
    second = api["hits"][1] if len(api["hits"]) > 1 else api["hits"][0]
    index = 1 if len(api["hits"]) > 1 else 0
    page.locator("#results .result").nth(index).get_by_role("button", name="插入").click()
    page.wait_for_function("window.__calls.some(c => c.op === 'TypeText')")
    (typed,) = calls(page, "TypeText")
    assert typed["text"] == second["text"]
    assert "已插入" in message(page)[1]
    assert page.js_errors == []


def test_wps_api_injected_late(make_page, live_server):
    """Opened by the WPS add-in (?host=wps): the pane waits for window.Application to appear."""
    late = "setTimeout(() => { %s }, 700);" % WPS_STUB.replace("window.__calls = [];", "")
    page = make_page("window.__calls = [];", late)
    page.goto(pane_url(live_server) + "?host=wps")
    wait_host(page, "wps")
    seq = results_seq(page)
    page.get_by_role("button", name="用选中文字查找").click()
    assert wait_results(page, seq) == "done"
    assert page.input_value("#query") == QUERY


def test_browser_fallback_copies(make_page, live_server):
    page = make_page(CLIPBOARD_STUB)
    page.goto(pane_url(live_server))
    wait_host(page, "browser")
    assert page.locator("#hostBadge").inner_text() == "浏览器"
    assert page.office_js == [], "office.js is loaded only for Word"

    # No document here: the selection button explains instead of searching.
    page.get_by_role("button", name="用选中文字查找").click()
    # the click handler writes the message after it asks the host for a selection: wait for it, not a race
    page.wait_for_function("document.querySelector('#message').innerText.includes('浏览器模式')")
    assert "浏览器模式" in message(page)[1]

    assert search_by_typing(page, QUERY) == "done"
    api = api_json(live_server, "/api/search", q=QUERY, k=page.evaluate("FanwenPane.K"))
    first = api["hits"][0]
    page.locator("#results .result").first.get_by_role("button", name="插入").click()
    page.wait_for_function("window.__clipboard.length === 1")
    assert page.evaluate("window.__clipboard[0]") == first["text"]
    kind, text = message(page)
    assert kind == "success" and "剪贴板" in text and "浏览器模式" in text

    page.locator("#results .result").first.get_by_role("button", name="复制").click()
    page.wait_for_function("window.__clipboard.length === 2")
    assert page.evaluate("window.__clipboard[1]") == first["text"]
    assert message(page)[1] == "已复制到剪贴板。"
    assert page.js_errors == []


def test_role_chips_filter(make_page, live_server):
    page = make_page()
    searched = []
    page.on("request", lambda request: searched.append(request.url) if "/api/search" in request.url else None)
    page.goto(pane_url(live_server))
    wait_host(page, "browser")
    assert search_by_typing(page, "党建工作") == "done"

    chips = page.locator("#roleChips .chip")
    assert chips.all_inner_texts() == ["全部", "开头", "成效", "问题", "原因", "措施", "结尾"]
    for role in ("problems", "plans"):
        seq = results_seq(page)
        page.locator(f'#roleChips .chip[data-role="{role}"]').click()
        assert wait_results(page, seq) == "done"
        assert page.locator(f'#roleChips .chip[data-role="{role}"]').get_attribute("aria-pressed") == "true"
        assert urllib.parse.parse_qs(urllib.parse.urlsplit(searched[-1]).query)["role"] == [role]
        roles = page.locator("#results .hit-head .role").evaluate_all("els => els.map(e => e.dataset.role)")
        assert roles and set(roles) == {role}
        api = api_json(live_server, "/api/search", q="党建工作", k=page.evaluate("FanwenPane.K"), role=role)
        check_rendering(page, api["hits"])

    seq = results_seq(page)
    page.locator('#roleChips .chip[data-role=""]').click()
    assert wait_results(page, seq) == "done"
    assert "role" not in urllib.parse.parse_qs(urllib.parse.urlsplit(searched[-1]).query)
    assert page.js_errors == []


def test_more_similar_and_back(make_page, live_server):
    page = make_page()
    page.goto(pane_url(live_server))
    wait_host(page, "browser")
    assert search_by_typing(page, QUERY) == "done"
    first_id = page.locator("#results .result").first.get_attribute("data-id")
    before = page.locator("#results .result").evaluate_all("els => els.map(e => e.dataset.id)")

    seq = results_seq(page)
    page.locator("#results .result").first.get_by_role("button", name="更多相似").click()
    assert wait_results(page, seq) == "done"
    similar = api_json(live_server, f"/api/chunks/{first_id}/similar", k=page.evaluate("FanwenPane.SIMILAR_K"))
    check_rendering(page, similar["hits"])
    assert "相似" in page.locator("#resultsTitle").inner_text()

    page.get_by_role("button", name="返回检索结果").click()
    assert page.locator("#results .result").evaluate_all("els => els.map(e => e.dataset.id)") == before
    assert page.js_errors == []


def test_server_unreachable_shows_message(make_page, live_server):
    page = make_page()
    page.goto(pane_url(live_server))
    wait_host(page, "browser")
    page.locator("#settings summary").click()
    page.fill("#serverUrl", "http://127.0.0.1:9")
    page.get_by_role("button", name="保存").click()
    assert page.evaluate("localStorage.getItem('fanwen.addin.serverUrl')") == "http://127.0.0.1:9"

    assert search_by_typing(page, QUERY) == "error"
    kind, text = message(page)
    assert kind == "error"
    assert "无法连接到范文服务器" in text and "127.0.0.1:9" in text
    assert page.locator("#results .result").count() == 0

    # The setting survives a reload; 恢复默认 goes back to the pane's own server.
    page.reload()
    wait_host(page, "browser")
    assert page.evaluate("FanwenPane.serverBase()") == "http://127.0.0.1:9"
    page.locator("#settings summary").click()
    page.get_by_role("button", name="恢复默认").click()
    assert page.evaluate("FanwenPane.serverBase()") == live_server
    assert search_by_typing(page, QUERY) == "done"


def test_server_error_message_and_api_key(make_page, live_server):
    page = make_page()
    seen_keys = []

    def fail(route):
        seen_keys.append(route.request.headers.get("x-api-key"))
        route.fulfill(status=422, content_type="application/json",
                      body=json.dumps({"error": {"code": "invalid_parameter", "message": "q 太长了"}}))

    page.route("**/api/search?**", fail)
    page.goto(pane_url(live_server))
    wait_host(page, "browser")
    page.locator("#settings summary").click()
    page.fill("#apiKey", "secret-key")
    page.get_by_role("button", name="保存").click()

    assert search_by_typing(page, QUERY) == "error"
    kind, text = message(page)
    assert kind == "error" and "q 太长了" in text
    assert seen_keys == ["secret-key"]


def test_office_js_failure_falls_back_to_browser(make_page, live_server):
    """Looks like Office (_host_Info in the URL) but office.js cannot load: still usable."""
    page = make_page(CLIPBOARD_STUB)
    page.goto(pane_url(live_server) + "?_host_Info=Word$Win32$16.01$zh-CN$$$$0")
    wait_host(page, "browser")
    assert page.office_js == ["https://appsforoffice.microsoft.com/lib/1/hosted/office.js"]
    assert "office.js" in (page.locator("#hostBadge").get_attribute("title") or "")
    assert search_by_typing(page, QUERY) == "done"


def test_addin_served_by_fanwen(live_server):
    """/addin/ serves the pane, and the manifests rendered for this server point back at it."""
    from fanwen.service.http.addin_package import validate_word_manifest

    for path in ("/addin/taskpane.html", "/addin/taskpane.js", "/addin/host.js", "/addin/taskpane.css",
                 "/addin/icons/icon-32.png", "/addin/", "/static/api.js", "/static/hit.js", "/static/ui.js"):
        status, _ = api_get(live_server, path)
        assert status == 200, path
    status, body = api_get(live_server, "/addin/taskpane.html")
    html = body.decode("utf-8")
    assert "用选中文字查找" in html
    for name in ("ui.js", "api.js", "hit.js"):  # shared with the page, from the server that serves the pane
        assert f'src="../static/{name}"' in html
    assert not re.search(r'(src|href)="(https?:)?//', html), "no external assets in the pane"

    status, body = api_get(live_server, "/addin/manifest.xml")
    assert status == 200
    assert validate_word_manifest(body) == []
    assert f'"{live_server}/addin/taskpane.html"' in body.decode("utf-8")

    status, body = api_get(live_server, "/addin/wps/publish.xml")
    assert status == 200 and f'url="{live_server}/addin/wps/"' in body.decode("utf-8")
    status, _ = api_get(live_server, "/addin/wps/fanwen.svg")  # the ribbon icon main.js names
    assert status == 200
    status, body = api_get(live_server, "/addin/wps/ribbon.xml")
    assert status == 200 and body.startswith(b"<customUI"), "WPS checks that ribbon.xml starts with <customUI"
