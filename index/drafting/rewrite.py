"""Optional rewriting of an outline's exemplars by an OpenAI-compatible chat model; failures keep the exemplar."""
from __future__ import annotations

import json
import re
import socket
import threading
import urllib.error
import urllib.request
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from fanwen.index.ingest.chunking import placeholders
from fanwen.index.drafting.outline import Outline, Slot
from fanwen.index.drafting.export import citation
from fanwen.index.records import ROLE_LABELS

WORKERS = 4
SYSTEM = ("你是述职报告写作助手。请把给出的范文段落改写成符合题目和重点的段落：保持原段落的结构、语气和篇幅，"
          "保留所有“X”“XX”“X月X日”等待填写占位符，不要编造具体数字、人名或单位名，只输出改写后的段落正文。")
_FENCE = re.compile(r"^```[a-z]*\s*|\s*```$")
_LABEL = re.compile(r"^(?:改写后的?段落|改写结果|改写)[：:]\s*")


@dataclass
class Endpoint:
    """Where the model is; the service builds this from its settings (the library never reads env)."""

    base_url: str
    model: str | None = None
    api_key: str | None = None
    timeout: float = 30.0


class RewriteFailed(Exception):
    """One slot could not be rewritten; `reason` is what the warning says. `fatal` stops further calls."""

    def __init__(self, reason: str, fatal: bool = False):
        super().__init__(reason)
        self.reason, self.fatal = reason, fatal


def rewrite_outline(outline: Outline, endpoint: Endpoint | None) -> int:
    """Rewrite every slot in place; returns how many were rewritten. Never raises: failures become warnings."""
    slots = outline.slots()
    if endpoint is None or not endpoint.base_url:
        outline.warnings.append("没有配置改写用的大模型（FANWEN_LLM_BASE_URL），范文按原样显示")
        return 0
    failures: Counter = Counter()
    stop = threading.Event()  # an endpoint that is down or hanging is not asked again for every slot

    def work(slot: Slot) -> None:
        if stop.is_set():
            failures["前面连接模型失败，未再尝试"] += 1
            return
        try:
            slot.text, slot.rewritten = rewrite_slot(endpoint, outline, slot), True
        except RewriteFailed as exc:
            failures[exc.reason] += 1
            if exc.fatal:
                stop.set()

    with ThreadPoolExecutor(max_workers=min(WORKERS, max(1, len(slots)))) as pool:
        list(pool.map(work, slots))
    for reason, count in failures.items():
        outline.warnings.append(f"有 {count} 段改写失败（{reason}），这些段保留范文原文")
    return sum(slot.rewritten for slot in slots)


def rewrite_slot(endpoint: Endpoint, outline: Outline, slot: Slot) -> str:
    source = slot.exemplar.body
    reply = chat(endpoint, [{"role": "system", "content": SYSTEM},
                            {"role": "user", "content": prompt(outline, slot)}])
    return clean_reply(reply, source)


def prompt(outline: Outline, slot: Slot) -> str:
    focus = "、".join(outline.focus) or "无"
    return (f"题目：{outline.title}\n重点：{focus}\n段落类型：{ROLE_LABELS.get(slot.role, slot.role)}\n"
            f"范文（{citation(slot)}）：\n{slot.exemplar.body}")


def chat(endpoint: Endpoint, messages: list[dict]) -> str:
    """POST {base}/chat/completions and return the first choice's text."""
    body = json.dumps({"model": endpoint.model or "default", "messages": messages, "temperature": 0.3,
                       "stream": False}, ensure_ascii=False).encode("utf-8")
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if endpoint.api_key:
        headers["Authorization"] = f"Bearer {endpoint.api_key}"
    url = endpoint.base_url.rstrip("/") + "/chat/completions"
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(request, timeout=endpoint.timeout) as response:
            raw = response.read(1 << 20)
    except urllib.error.HTTPError as exc:
        raise RewriteFailed(f"模型服务返回 HTTP {exc.code}", fatal=exc.code in (401, 403, 404)) from None
    except (socket.timeout, TimeoutError):
        raise RewriteFailed(f"模型服务 {endpoint.timeout:g} 秒内没有回答", fatal=True) from None
    except (urllib.error.URLError, OSError, ValueError) as exc:
        reason = getattr(exc, "reason", exc)
        if isinstance(reason, (socket.timeout, TimeoutError)):
            raise RewriteFailed(f"模型服务 {endpoint.timeout:g} 秒内没有回答", fatal=True) from None
        raise RewriteFailed(f"连不上模型服务：{reason}", fatal=True) from None
    try:
        content = json.loads(raw)["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise RewriteFailed("模型服务的回答不是对话补全格式") from None
    if not isinstance(content, str):
        raise RewriteFailed("模型服务的回答不是对话补全格式")
    return content


def clean_reply(reply: str, source: str) -> str:
    """The paragraph from a reply; rejected when empty, far off in length, or without the source's X slots."""
    text = _LABEL.sub("", _FENCE.sub("", reply.strip())).strip().strip("“”\"'")
    text = re.sub(r"\s*\n\s*", "", text)
    if not text:
        raise RewriteFailed("模型给出的改写是空的")
    if not len(source) / 3 <= len(text) <= len(source) * 3 + 100:
        raise RewriteFailed("改写的篇幅与范文相差太大")
    if placeholders(source) and not placeholders(text):
        raise RewriteFailed("改写丢掉了 X 占位符")
    return text
