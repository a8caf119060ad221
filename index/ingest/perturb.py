"""Perturbed copies of a report (wrapped, run-on, site chrome, headless, .docx, .pdf) for robustness checks."""
from __future__ import annotations

import random
from pathlib import Path

from fanwen.index.ingest.structure import split_heading

WRAP_WIDTHS = (20, 25, 40)


def raw_lines(text: str) -> list[str]:
    return [line.strip() for line in text.splitlines() if line.strip()]


def hard_wrap(text: str, width: int, page_every: int = 0) -> str:
    """Cut every line at `width` characters; optionally a `n/M` page counter line every few lines."""
    out = []
    for line in raw_lines(text):
        out.extend(line[i:i + width] for i in range(0, len(line), width))
    if page_every:
        pages = len(out) // page_every + 1
        for n in range(pages - 1, 0, -1):
            out.insert(n * page_every, f"{n}/{pages}")
    return "\n".join(out)


def one_line(text: str) -> str:
    """The whole report as one line, as a copy from a page that lost its line breaks."""
    return "".join(raw_lines(text))


def with_chrome(text: str, title: str, seed: int = 0) -> str:
    """A document-host page around the report: byline, file facts, buttons, counters, blurbs."""
    rng = random.Random(seed)
    pages = rng.randint(3, 40)
    header = [
        f"当前位置：首页 > 文档中心 > 党团工作 > {title[:6]}",
        title,
        f"发布时间：202{rng.randint(0, 4)}-0{rng.randint(1, 9)}-1{rng.randint(0, 9)}　来源：网友上传　"
        f"作者：佚名　浏览次数：{rng.randint(100, 9999)}",
        f"格式：DOCX　大小：{rng.randint(12, 99)}KB　页数：{pages}页",
        f"上传人：user{rng.randint(1000, 9999)}　上传时间：2021-05-0{rng.randint(1, 9)}",
        "文档介绍",
        "已付费？点此重新下载",
        f"1/{pages}",
    ]
    footer = [
        f"第 {pages} 页 共 {pages} 页",
        "本文由网友精心整理，希望对您有所帮助，如有侵权请联系删除。",
        "立即下载　收藏　分享到：微信　QQ空间　微博",
        "预览已结束，下载文档查看完整内容",
        f"- {pages} -",
    ]
    lines = raw_lines(text)
    body = [lines[0], *lines[1:]]
    return "\n".join(header + body + footer)


def headless(text: str) -> str:
    """Every numbered heading removed: heading lines dropped, heading sentences cut from paragraphs."""
    out = []
    for line in raw_lines(text):
        split = split_heading(line)
        if split is None:
            out.append(line)
        elif split[1]:
            out.append(line[len(split[0]) + 1:].strip())
    return "\n".join(out)


def write_docx(text: str, path: Path) -> Path:
    import docx

    document = docx.Document()
    for line in raw_lines(text):
        document.add_paragraph(line)
    document.save(str(path))
    return path


def write_pdf(text: str, path: Path, column: float = 400.0) -> Path:
    """A text PDF in the built-in STSong-Light CID font, lines filled to `column` points as a typesetter
    would, page numbers in the footer."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    pdf = canvas.Canvas(str(path), pagesize=A4)
    rows = [row for line in raw_lines(text) for row in _fill(line, column, pdfmetrics.stringWidth)]
    per_page = 44
    for page, start in enumerate(range(0, len(rows), per_page), 1):
        pdf.setFont("STSong-Light", 12)
        for n, row in enumerate(rows[start:start + per_page]):
            pdf.drawString(60, A4[1] - 60 - n * 16, row)
        pdf.drawCentredString(A4[0] / 2, 30, f"- {page} -")
        pdf.showPage()
    pdf.save()
    return path


def _fill(line: str, column: float, measure) -> list[str]:
    rows, current = [], ""
    for ch in line:
        if current and measure(current + ch, "STSong-Light", 12) > column:
            rows.append(current)
            current = ""
        current += ch
    return rows + [current] if current else rows


def chunk_key(text: str, drop_heading: bool = False) -> str:
    """Chunk text compared without whitespace; optionally without its opening heading sentence."""
    text = "".join(text.split())
    if drop_heading:
        split = split_heading(text)
        if split is not None and split[1]:
            text = text[len(split[0]) + 1:]
    return text


def agreement(clean: list, variant: list, drop_heading: bool = False) -> tuple[float, float]:
    """(share of clean chunks found verbatim in the variant, share also given the same role)."""
    pool: dict[str, list[str]] = {}
    for piece in variant:
        pool.setdefault(chunk_key(piece.text, drop_heading), []).append(piece.role)
    same_text = same_role = 0
    for piece in clean:
        roles = pool.get(chunk_key(piece.text, drop_heading))
        if roles:
            same_text += 1
            role = piece.role if piece.role in roles else roles[0]
            same_role += role == piece.role
            roles.remove(role)
    total = max(len(clean), 1)
    return same_text / total, same_role / total
