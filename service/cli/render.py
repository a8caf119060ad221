"""Text output of the CLI: hits with marked terms, copy-check reports, a progress line."""
from __future__ import annotations

import sys

def render_result(result, color: bool) -> str:
    from fanwen.index.records import ROLE_LABELS

    roles = "、".join(ROLE_LABELS.get(role, role) for role in result.roles) or "不限"
    lines = [f"“{result.query}”  段落类型：{roles}  检索词：{' '.join(result.terms)}"]
    if not result.hits:
        lines.append("  没有找到匹配的范文段落：换个说法，或去掉段落类型、文档的限定再试")
    elif result.weak:
        lines.append(f"  未找到与“{result.query}”直接相关的段落，以下是最接近的段落（可换个说法再试）")
    for rank, hit in enumerate(result.hits, 1):
        chunk = hit.chunk
        where = " › ".join([hit.title] + chunk.heading_path)
        lines.append(f"\n{rank}. {where}")
        lines.append(f"   [{ROLE_LABELS.get(chunk.role, chunk.role)} {chunk.role}]  得分 {hit.score:.4f}  "
                     f"语义 {_fmt(hit.vector_score)}  关键词 {_fmt(hit.keyword_score)}  "
                     f"字面覆盖 {_percent(hit.bigram_coverage)}  编号 {chunk.id}")
        if hit.related_terms:  # why a hit with no marked word is there: 词林 synonyms, 公文 wording
            lines.append(f"   相关词命中 {'、'.join(hit.related_terms)}")
        lines.append("   " + mark(chunk.text, hit.highlights, color))
    return "\n".join(lines)


def mark(text: str, spans, color: bool) -> str:
    opening, closing = ("\033[1;33m", "\033[0m") if color else ("«", "»")
    out, last = [], 0
    for start, end in spans:
        out += [text[last:start], opening, text[start:end], closing]
        last = end
    out.append(text[last:])
    return "".join(out)


def _fmt(value) -> str:
    return "-" if value is None else f"{value:.3f}"


def _percent(value) -> str:
    return "-" if value is None else f"{value:.0%}"


class ProgressBar:
    """Embedding progress with rate and ETA on stderr (tqdm); off when stderr is not a terminal."""

    def __init__(self, stream=None):
        self.stream = stream or sys.stderr
        self._bar = None

    def __call__(self, done: int, total: int, label: str) -> None:
        from tqdm import tqdm

        if self._bar is None or self._bar.total != total:
            self.close()
            self._bar = tqdm(total=total, unit="段", desc="嵌入", file=self.stream, leave=False,
                             disable=not self.stream.isatty(), dynamic_ncols=True)
        self._bar.set_postfix_str(label[:30], refresh=False)
        self._bar.update(done - self._bar.n)
        if done >= total:
            self.close()

    def close(self) -> None:
        if self._bar is not None:
            self._bar.close()
            self._bar = None


def render_report(report, color: bool) -> str:
    lines = [f"共查 {report.sentences} 句、{report.checked_chars} 字：{len(report.matches)} 句与范文库重复，"
             f"重复字数占 {report.share:.1%}（阈值 {report.threshold:g}）"]
    for number, match in enumerate(report.matches, 1):
        source = match.source
        name = source.doc if source.title in source.doc else f"{source.title}（{source.doc}）"
        lines.append(f"\n{number}. [{match.ratio:.0%}] {mark(match.text, match.spans, color)}")
        lines.append(f"   ← 《{name}》 {source.heading} · 段落 {source.id}")
        lines.append(f"     {mark(source.text, source.spans, color)}")
    return "\n".join(lines)
