"""A web page's HTML source pasted as text: its visible text, a line per block, without head, scripts and menus."""
from __future__ import annotations

import html
import re
from html.parser import HTMLParser

# Tags that end a line of text (<br> is read in handle_starttag: only after a sentence end).
_BLOCK = frozenset("p div li tr h1 h2 h3 h4 h5 h6 section article ul ol table blockquote pre dd dt".split())
# What a page shows around an article, never the article: skipped with everything inside.
_SKIP_TAGS = frozenset("head script style noscript nav footer header aside iframe select button form".split())
_SKIP_CLASS = re.compile(r"nav|menu|footer|top-?bar|position|crumb|share|related|tools|copyright|sidebar", re.I)
_VOID = frozenset("br img meta link input hr area base col embed source wbr".split())
_MARKUP = re.compile(r"<(?:!doctype|html|body|p|div|span|br)\b", re.I)
_SENTENCE_END = "。！？!?；;：:"
MIN_TAGS = 10  # a text with fewer tags is a report that mentions a tag, not a page's source


_ENTITY = re.compile(r"&(?:[a-zA-Z]{2,8}|#\d{2,6}|#x[0-9a-fA-F]{2,5});")
MIN_ENTITIES = 3  # one &amp; may be the author's own (党建&业务); a run of them is a text box's escaping


def plain_entities(lines: list[str]) -> list[str]:
    """Text an OA text box stored with HTML entities but no tags (&nbsp;&nbsp;…&ldquo;两学一做&rdquo;), decoded."""
    if sum(len(_ENTITY.findall(line)) for line in lines) < MIN_ENTITIES:
        return lines
    return [html.unescape(line) for line in lines]


def looks_like_html(text: str) -> bool:
    """Whether a .txt file is a page's HTML source: it opens with markup or holds many block tags."""
    head = text.lstrip()[:200].lower()
    return head.startswith(("<!doctype", "<html")) or len(_MARKUP.findall(text[:200_000])) >= MIN_TAGS


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = [""]
        self.levels: list[int | None] = [None]
        self.skipping: list[str] = []  # the open tags of a skipped element, outermost first

    def handle_starttag(self, tag, attrs):
        if tag in _VOID:
            # a <br/> after a sentence ends a line; inside a sentence it is the page's wrap, not a paragraph
            if tag == "br" and not self.skipping and self.lines[-1].rstrip()[-1:] in tuple(_SENTENCE_END):
                self._newline()
            return
        names = " ".join(value or "" for name, value in attrs if name in ("class", "id"))
        if self.skipping or tag in _SKIP_TAGS or _SKIP_CLASS.search(names):
            self.skipping.append(tag)
        elif tag in _BLOCK:
            self._newline(0 if tag == "h1" else None)

    def handle_endtag(self, tag):
        if self.skipping:
            if tag in self.skipping:
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            return
        if tag in _BLOCK:
            self._newline()

    def handle_data(self, data):
        if not self.skipping:
            self.lines[-1] += data

    def _newline(self, level: int | None = None):
        if self.lines[-1].strip():
            self.lines.append("")
            self.levels.append(level)
        else:
            self.levels[-1] = level


def visible_lines(text: str) -> list[tuple[str, int | None]]:
    """(line, level) for each block of the page's visible text; an <h1> is the title (level 0)."""
    parser = _VisibleText()
    parser.feed(text)
    parser.close()
    return [(line.strip(), level) for line, level in zip(parser.lines, parser.levels) if line.strip()]
