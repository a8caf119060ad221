"""The 提纲 and 查重 views (service/web/draft.js, check.js) driven by a real headless Chromium.

Fixtures from tests/conftest.py:
  live_server  base URL of a real server over the five sample reports (read-only use)
  artifacts    the artifacts/ folder; screenshots land in artifacts/page-draft.png and page-check.png
Everything goes through the real API except the export failure, whose 500 answer is replaced with
page.route() because the sample corpus cannot make the server fail.
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

CORPUS = Path(__file__).resolve().parents[1] / "corpus"
TIMEOUT = 60_000  # ms; the first request may load the embedding model

TOPIC = "街道党工委书记 抓基层党建工作述职"
FOCUS = "两新组织"
DRAFT_BODY = {"topic": TOPIC, "focus": FOCUS, "counts": {"achievements": 4, "plans": 4}, "rewrite": False}
HEADINGS = ["一、主要做法和成效", "二、存在的问题及原因", "三、下一步打算"]

# 查重 draft: one sentence copied word for word, one copied with its numbers changed, one original.
VERBATIM_FILE = "机关党委书记抓基层党建工作述职报告（2019）.txt"
VERBATIM = "建立健全每月清单提示、季度自查、半年互比互查、年度述职考核的X个方面管控体系，对主体责任落实情况实现全程监督、应督尽督，倒逼责任落实。"
EDITED_FILE = "集团党委书记抓基层党建工作述职报告（2018）.txt"
EDITED_SOURCE = "2018年以来, 自己先后组织召开集团党委会、书记碰头会、党委扩大会X多次，研究“三重一大”事项250多项。"
EDITED = "2021年以来, 自己先后组织召开集团党委会、书记碰头会、党委扩大会30多次，研究“三重一大”事项180多项。"
ORIGINAL = "今年我们在老旧小区加装电梯二十三部，邻里议事会每周四晚上在社区活动室轮流召开。"


# ---------- helpers ----------

def api_post(base: str, path: str, body: dict):
    """(status, json) straight from the API, to compare the page with."""
    request = urllib.request.Request(
        base.rstrip("/") + "/" + path.lstrip("/"), method="POST",
        data=json.dumps(body, ensure_ascii=False).encode("utf-8"),
        headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=120) as response:
            return response.status, json.loads(response.read().decode("utf-8"))
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read().decode("utf-8") or "null")


def api_get(base: str, path: str):
    with urllib.request.urlopen(base.rstrip("/") + "/" + path.lstrip("/"), timeout=120) as response:
        return json.loads(response.read().decode("utf-8"))


def open_page(page, base: str, tab: str) -> None:
    """Load the page, wait until the document labels are known (citations use them), open a tab."""
    from playwright.sync_api import expect

    documents = api_get(base, "api/documents")["documents"]
    page.goto(base.rstrip("/") + "/")
    expect(page.locator("#doc-filter option")).to_have_count(len(documents) + 1)
    page.click(f"#tab-{tab}")
    expect(page.locator(f"#tab-{tab}")).to_have_attribute("aria-selected", "true")
    expect(page.locator(f"#view-{tab}")).to_be_visible()


def ordinal(role: str, number: int) -> str:
    word = "一二三四五六七八九十"[number - 1]
    if role in ("achievements", "plans"):
        return f"（{word}）"
    return f"{word}是" if role in ("problems", "causes") else ""


def expected_slots(outline: dict) -> dict[str, str]:
    """slot key -> the text the page shows for it (ordinal + slot text)."""
    out = {}
    for section in outline["sections"]:
        numbers: dict[str, int] = {}
        for slot in section["slots"]:
            numbers[slot["role"]] = numbers.get(slot["role"], 0) + 1
            out[slot["key"]] = ordinal(slot["role"], numbers[slot["role"]]) + slot["text"]
    return out


def generate(page, topic: str, focus: str = "") -> None:
    page.fill("#draft-topic", topic)
    page.fill("#draft-focus", focus)
    page.click("#draft-button")


def unescape_markdown(text: str) -> str:
    return re.sub(r"\\([\\`*_\[\]<>#])", r"\1", text)


# ---------- fixtures ----------

# chromium_browser and new_page come from conftest.py


# ---------- 提纲 ----------

def test_outline_swap_and_export(live_server, new_page, artifacts):
    import docx
    from playwright.sync_api import expect

    status, outline = api_post(live_server, "api/draft", DRAFT_BODY)
    assert status == 200, outline
    want = expected_slots(outline)

    page = new_page(live_server)
    open_page(page, live_server, "draft")
    expect(page.locator("#draft-topic")).to_be_visible()
    expect(page.locator("#draft-result")).to_be_empty()  # nothing rendered before a request
    generate(page, TOPIC, FOCUS)
    result = page.locator("#draft-result")
    expect(result.locator(".draft-section").first).to_be_visible()
    expect(page.locator("#draft-button")).to_be_enabled()
    expect(page.locator("#draft-button")).to_have_attribute("aria-busy", "false")

    # the outline: title, the three numbered sections, every slot with its text and citation
    expect(result.locator(".draft-title")).to_have_text(outline["title"])
    expect(result.locator(".draft-heading")).to_have_text(HEADINGS)
    expect(result.locator(".draft-subheading")).to_have_text(["（一）存在的问题", "（二）原因分析"])
    cards = result.locator(".draft-slot")
    expect(cards).to_have_count(len(want))
    assert cards.evaluate_all("cs => cs.map(c => c.dataset.key)") == list(want)
    for section in outline["sections"]:
        box = result.locator(f'.draft-section[data-section="{section["key"]}"]')
        for slot in section["slots"]:
            card = box.locator(f'.draft-slot[data-key="{slot["key"]}"]')
            expect(card).to_have_attribute("data-id", str(slot["chosen"]["id"]))
            expect(card.locator(":scope > .draft-text")).to_have_text(want[slot["key"]])
            expect(card.locator(".role")).to_have_text(slot["role_label"])
            cite = card.locator(":scope > .draft-cite")
            expect(cite).to_contain_text("出处：《")
            expect(cite).to_contain_text(f"段落 #{slot['chosen']['id']}")
            if slot["chosen"]["heading"]:
                expect(cite).to_contain_text(slot["chosen"]["heading"])
    texts = result.locator(".draft-slot > .draft-text").all_text_contents()
    assert any(FOCUS[:2] in t for t in texts), "the focus 两新组织 should pull in a 两新 paragraph"
    # placeholders (X, XX) are marked as slots to fill
    if any(s["placeholders"] for sec in outline["sections"] for s in sec["slots"]):
        expect(result.locator(".draft-slot > .draft-text .slot").first).to_be_visible()

    # swap the second achievements point for its first alternate
    key = "achievements-2"
    slot = next(s for sec in outline["sections"] for s in sec["slots"] if s["key"] == key)
    alternate = slot["alternates"][0]
    old_text, new_text = slot["text"], alternate["body"]
    assert new_text != old_text
    card = result.locator(f'.draft-slot[data-key="{key}"]')
    toggle = card.locator(".draft-actions .btn")
    expect(toggle).to_have_text(f"备选（{len(slot['alternates'])}）")
    panel = card.locator(".draft-alternates")
    expect(panel).to_be_hidden()
    toggle.click()
    expect(panel).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    option = panel.locator(".draft-alternate").first
    expect(option.locator(".draft-text")).to_have_text(new_text)
    expect(option.locator(".draft-cite")).to_contain_text(f"段落 #{alternate['id']}")
    option.locator(".draft-use").click()

    expect(card).to_have_attribute("data-id", str(alternate["id"]))
    expect(card.locator(":scope > .draft-text")).to_have_text(ordinal("achievements", 2) + new_text)
    expect(card.locator(":scope > .draft-cite")).to_contain_text(f"段落 #{alternate['id']}")
    expect(card.locator(".draft-alternate .draft-text").first).to_have_text(old_text)  # the old one is now an alternate
    for other, text in want.items():  # nothing else moved
        if other != key:
            expect(result.locator(f'.draft-slot[data-key="{other}"] > .draft-text')).to_have_text(text)
    # the server agrees on what the swap means
    status, swapped = api_post(live_server, "api/draft", dict(DRAFT_BODY, choices={key: alternate["id"]}))
    assert status == 200
    assert expected_slots(swapped)[key] == ordinal("achievements", 2) + new_text
    page.screenshot(path=str(artifacts / "page-draft.png"), full_page=True)

    # Word export carries the swap and uses real heading styles; 出处 lines only with the box ticked
    citations = page.locator("#draft-export-citations")
    expect(citations).not_to_be_checked()
    with page.expect_request(lambda r: r.url.endswith("/api/draft") and r.method == "POST") as sent:
        with page.expect_download() as download_info:
            page.click("#draft-export-docx")
    plain = json.loads(sent.value.post_data)
    assert plain["citations"] is False
    import docx as _docx

    assert not any(p.text.startswith("出处") for p in _docx.Document(download_info.value.path()).paragraphs)
    citations.check()
    with page.expect_request(lambda r: r.url.endswith("/api/draft") and r.method == "POST") as sent:
        with page.expect_download() as download_info:
            page.click("#draft-export-docx")
    body = json.loads(sent.value.post_data)
    assert body["format"] == "docx" and body["choices"] == {key: alternate["id"]} and body["citations"] is True
    assert body["topic"] == TOPIC and body["focus"] == FOCUS
    download = download_info.value
    assert download.failure() is None
    assert download.suggested_filename == outline["title"] + ".docx"
    document = docx.Document(download.path())
    paragraphs = [(p.style.name, p.text) for p in document.paragraphs]
    texts = [t for _, t in paragraphs]
    assert ordinal("achievements", 2) + new_text in texts
    assert ordinal("achievements", 2) + old_text not in texts
    styles = dict((t, s) for s, t in paragraphs)
    assert styles[outline["title"]] == "Title"
    for heading in HEADINGS:
        assert styles.get(heading) == "Heading 1", (heading, styles.get(heading))
    for sub in ("（一）存在的问题", "（二）原因分析"):
        assert styles.get(sub) == "Heading 2"
    assert any(t.startswith("出处：《") and f"段落 #{alternate['id']}" in t for t in texts)
    expect(page.locator("#draft-message")).to_be_hidden()
    citations.uncheck()

    # Markdown export too
    with page.expect_download() as download_info:
        page.click("#draft-export-md")
    download = download_info.value
    assert download.suggested_filename == outline["title"] + ".md"
    markdown = unescape_markdown(Path(download.path()).read_text(encoding="utf-8"))
    assert ordinal("achievements", 2) + new_text in markdown
    assert old_text not in markdown
    for heading in HEADINGS:
        assert f"\n## {heading}\n" in markdown
    assert markdown.startswith(f"# {outline['title']}\n")
    assert "出处" not in markdown


def test_outline_off_topic_shows_the_warning(live_server, new_page):
    """A topic the library does not cover still gets a structure, under a warning that stays through an export."""
    from playwright.sync_api import expect

    topic = "县医院院长年度述职述廉报告"
    status, outline = api_post(live_server, "api/draft", {"topic": topic})
    assert status == 200 and outline["warnings"], outline
    page = new_page(live_server)
    open_page(page, live_server, "draft")
    generate(page, topic)
    warnings = page.locator("#draft-warnings")
    expect(warnings).to_be_visible()
    expect(warnings.locator("li")).to_have_text(outline["warnings"])
    expect(warnings).to_contain_text("仅供参考结构")
    expect(page.locator("#draft-result .draft-slot").first).to_be_visible()
    with page.expect_download():
        page.click("#draft-export-md")
    expect(warnings).to_be_visible()
    # an outline the library covers has no warning box
    generate(page, TOPIC, FOCUS)
    expect(page.locator("#draft-result .draft-title")).to_have_text(TOPIC.replace(" ", "") + "报告")
    expect(page.locator("#draft-warnings")).to_have_count(0)


def test_outline_errors_show_a_message(live_server, new_page):
    from playwright.sync_api import expect

    page = new_page(live_server)
    open_page(page, live_server, "draft")
    message = page.locator("#draft-message")
    result = page.locator("#draft-result")
    drafts = []
    page.on("request", lambda r: drafts.append(r) if r.url.endswith("/api/draft") else None)

    # an empty topic is stopped by the browser's required-field check, a blank one by the page
    generate(page, "")
    assert page.eval_on_selector("#draft-topic", "e => e.validity.valueMissing")
    assert page.eval_on_selector("#draft-topic", "e => e.validationMessage")
    generate(page, "   ")
    expect(message).to_be_visible()
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text("请输入述职报告的题目")
    expect(page.locator("#draft-topic")).to_be_focused()
    assert drafts == []

    # the API refuses a topic that is too long: its message is shown, not a blank panel
    topic = "党" * 1001
    status, body = api_post(live_server, "api/draft", {"topic": topic})
    assert status == 400, body
    generate(page, topic)
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text(body["error"]["message"])
    expect(result.locator(".draft-section")).to_have_count(0)
    expect(page.locator(".draft-tools")).to_be_hidden()
    expect(page.locator("#draft-button")).to_be_enabled()
    assert len(drafts) == 1

    # a failing export says why and leaves the outline in place
    generate(page, TOPIC, FOCUS)
    expect(result.locator(".draft-section").first).to_be_visible()
    expect(message).to_be_hidden()
    page.route(re.compile(r"/api/draft$"), lambda route: route.fulfill(
        status=500, content_type="application/json; charset=utf-8",
        body=json.dumps({"error": {"code": "internal", "message": "测试：导出暂时不可用"}}, ensure_ascii=False)))
    page.click("#draft-export-docx")
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text("测试：导出暂时不可用")
    expect(page.locator("#draft-export-docx")).to_be_enabled()
    expect(result.locator(".draft-section")).to_have_count(4)
    page.unroute(re.compile(r"/api/draft$"))

    page.route(re.compile(r"/api/draft$"), lambda route: route.abort("connectionrefused"))
    page.click("#draft-export-md")
    expect(message).to_contain_text("无法连接")
    page.unroute(re.compile(r"/api/draft$"))


# ---------- 查重 ----------

def copied_flags(page) -> tuple[str, list[bool]]:
    """The draft as shown in .check-text (without the [n] references), and per character whether
    it sits inside a <mark class="copied">."""
    shown = page.locator("#check-result .check-text").evaluate("""node => {
        let text = '', flags = [];
        const walker = document.createTreeWalker(node, NodeFilter.SHOW_TEXT);
        while (walker.nextNode()) {
            const t = walker.currentNode, p = t.parentElement;
            if (p.closest('.copy-ref')) continue;
            const marked = !!p.closest('mark.copied');
            text += t.data;
            for (const ch of t.data) flags.push(marked);
        }
        return [text, flags];
    }""")
    return shown[0], shown[1]


def test_copy_check_marks_copied_sentences(live_server, new_page, artifacts):
    from playwright.sync_api import expect

    assert VERBATIM in (CORPUS / VERBATIM_FILE).read_text(encoding="utf-8")
    assert EDITED_SOURCE in (CORPUS / EDITED_FILE).read_text(encoding="utf-8")
    everything = "".join(p.read_text(encoding="utf-8") for p in CORPUS.glob("*.txt"))
    assert EDITED not in everything and ORIGINAL not in everything
    draft = VERBATIM + EDITED + ORIGINAL
    bounds = [(0, len(VERBATIM)), (len(VERBATIM), len(VERBATIM) + len(EDITED)),
              (len(VERBATIM) + len(EDITED), len(draft))]

    status, report = api_post(live_server, "api/check", {"text": draft, "threshold": 0.5})
    assert status == 200, report
    assert report["sentences"] == 3 and len(report["matches"]) == 2, report

    page = new_page(live_server)
    open_page(page, live_server, "check")
    page.fill("#check-text", draft)
    expect(page.locator("#check-count")).to_have_text(f"{len(draft)} 字")
    page.click("#check-button")
    summary = page.locator("#check-result .check-summary")
    expect(summary).to_be_visible()
    expect(page.locator("#check-button")).to_be_enabled()
    expect(page.locator("#check-message")).to_be_hidden()

    # the summary: sentence counts and the copied share, as the API computed it
    expect(summary).to_contain_text("共 3 句")
    expect(summary.locator("strong").first).to_have_text("2")
    share = summary.locator(".check-share").text_content()
    assert re.fullmatch(r"\d+(\.\d)?%", share), share
    assert abs(float(share[:-1]) - report["share"] * 100) <= 0.06, (share, report["share"])
    assert 30 < float(share[:-1]) < 100

    # marks cover the copied and the edited sentence, never the original one
    text, flags = copied_flags(page)
    assert text == draft
    for (start, end), copied in zip(bounds, (True, True, False)):
        marked = sum(flags[start:end])
        if copied:
            assert marked >= 0.8 * (end - start), (draft[start:end], marked)
        else:
            assert marked == 0, draft[start:end]
    sentences = page.locator("#check-result .copied-sentence")
    expect(sentences).to_have_count(2)
    expect(sentences.nth(0)).to_have_text(VERBATIM)
    expect(sentences.nth(1)).to_have_text(EDITED)
    expect(sentences.nth(0)).to_have_attribute("title", re.compile(r"与范文重复 \d+%"))
    expect(page.locator("#check-result .check-text .copy-ref")).to_have_text(["[1]", "[2]"])

    # each copied sentence cites its source: report, heading, paragraph, with the copied part marked
    sources = page.locator("#check-result .check-sources li")
    expect(sources).to_have_count(2)
    for i, (match, year) in enumerate(zip(report["matches"], ("2019", "2018"))):
        item = sources.nth(i)
        cite = item.locator(".draft-cite")
        expect(cite).to_contain_text(f"[{i + 1}] 重复 ")
        expect(cite).to_contain_text("出处：《")
        expect(cite).to_contain_text(year)
        expect(cite).to_contain_text(f"段落 #{match['source']['id']}")
        if match["source"]["heading"]:
            expect(cite).to_contain_text(match["source"]["heading"])
        expect(item.locator(".check-source-text")).to_have_text(match["source"]["text"])
        expect(item.locator(".check-source-text mark.copied").first).to_be_visible()
    quoted = "".join(sources.nth(0).locator("mark.copied").all_text_contents())
    assert VERBATIM[:-1] in quoted  # the very sentence, found in the 2019 report
    page.locator("#check-result .copy-ref").first.click()
    assert urllib.parse.urlparse(page.url).fragment == "source-1"
    expect(page.locator("#view-check")).to_be_visible()  # following a citation stays in the 查重 view
    expect(page.locator("#tab-check")).to_have_attribute("aria-selected", "true")
    expect(sources.nth(0)).to_be_in_viewport()
    expect(page.locator("#check-result mark.copied").first).to_be_visible()
    page.screenshot(path=str(artifacts / "page-check.png"), full_page=True)


def test_copy_check_errors_show_a_message(live_server, new_page, tmp_path):
    from playwright.sync_api import expect

    page = new_page(live_server)
    open_page(page, live_server, "check")
    message = page.locator("#check-message")
    result = page.locator("#check-result")

    page.fill("#check-text", "  \n ")
    page.click("#check-button")
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text("请粘贴要检查的文稿")

    # a first good run, so the error below has something to replace
    page.fill("#check-text", VERBATIM)
    page.click("#check-button")
    expect(result.locator("mark.copied").first).to_be_visible()

    # the API refuses an unsupported file: its message replaces the old result
    bad = tmp_path / "文稿.exe"
    bad.write_bytes(b"MZ\x00\x00")
    page.set_input_files("#check-file", str(bad))
    page.click("#check-button")
    expect(message).to_have_attribute("data-kind", "error")
    expect(message).to_contain_text("不支持的文件类型")
    expect(message).to_contain_text(".exe")
    expect(result).to_be_empty()
    expect(page.locator("#check-button")).to_be_enabled()

    # a file the API accepts is checked like pasted text
    good = tmp_path / "文稿.txt"
    good.write_text(VERBATIM + "\n" + ORIGINAL + "\n", encoding="utf-8")
    page.set_input_files("#check-file", str(good))
    page.click("#check-button")
    expect(result.locator(".copied-sentence")).to_have_count(1)
    expect(result.locator(".copied-sentence")).to_have_text(VERBATIM)
    expect(message).to_be_hidden()

    # nothing copied: says so instead of showing an empty list
    page.set_input_files("#check-file", [])
    page.fill("#check-text", ORIGINAL)
    page.click("#check-button")
    expect(result.locator(".check-summary")).to_contain_text("0")
    expect(result).to_contain_text("没有发现与范文库重复的句子")
    expect(result.locator("mark.copied")).to_have_count(0)

    page.route(re.compile(r"/api/check$"), lambda route: route.abort("connectionrefused"))
    page.click("#check-button")
    expect(message).to_contain_text("无法连接")
    expect(result).to_be_empty()
    page.unroute(re.compile(r"/api/check$"))


def test_copy_check_uses_the_input_touched_last_and_says_which(live_server, new_page, tmp_path):
    from playwright.sync_api import expect

    page = new_page(live_server)
    open_page(page, live_server, "check")
    result = page.locator("#check-result")
    draft = tmp_path / "我的文稿.txt"
    draft.write_text(VERBATIM + "\n", encoding="utf-8")

    page.fill("#check-text", ORIGINAL)
    page.set_input_files("#check-file", str(draft))  # picked after typing: the file is checked
    page.click("#check-button")
    expect(page.locator("#check-source")).to_have_text("检查的是：文件《我的文稿.txt》")
    expect(result.locator(".copied-sentence")).to_have_text(VERBATIM)

    page.fill("#check-text", ORIGINAL)  # typed after picking: the text is checked, the file is ignored
    page.click("#check-button")
    expect(page.locator("#check-source")).to_have_text("检查的是：粘贴的文稿")
    expect(result).to_contain_text("没有发现与范文库重复的句子")
