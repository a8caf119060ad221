"""Word field codes left in copied text (shown with Alt+F9): the codes, bookmark names and field errors go."""
from __future__ import annotations

import re

# { HYPERLINK \l "_Toc153271" }, { PAGEREF _Toc153271 \h }, { PAGE }, { DATE \@ "yyyy年M月d日" }: Word's own field
# names, so a brace in report text ({ 一岗双责 }) is not taken for one
_NAMES = ("TOC|HYPERLINK|PAGEREF|PAGE|NUMPAGES|SECTIONPAGES|DATE|TIME|CREATEDATE|SAVEDATE|PRINTDATE|REF|NOTEREF|"
          "SEQ|STYLEREF|MERGEFIELD|MERGEFORMAT|INCLUDEPICTURE|INCLUDETEXT|FORMTEXT|FORMCHECKBOX|EQ|AUTHOR|TITLE|"
          "FILENAME|QUOTE|SYMBOL|LINK|EMBED")
_FIELD = re.compile(rf"\{{\s*(?:{_NAMES})\b[^{{}}]*\}}")
_TOC = re.compile(r"\{\s*TOC\b[^{}]*\}")
_BOOKMARK = re.compile(r"\[?_(?:Toc|Ref|Hlk|GoBack)\d*\]?")
# what Word prints where a field's target is gone: 错误！未定义书签。 (Error! Bookmark not defined.)
_ERROR = re.compile(r"错误[！!]\s*(?:未定义书签|未找到引用源|文档中没有指定样式的文字|无法识别的开关参数)[。.]?"
                    r"|Error! (?:Bookmark not defined|Reference source not found)\.?")
_LEFT_OVER = re.compile(r"^[\s\-—–_·.。]*$")  # - { PAGE } - without its field: a footer of dashes


def cut_fields(line: str) -> tuple[str, list[str]]:
    """The line without field codes, bookmark names and field errors, and what was cut; a line that was
    only a field and its dashes (a page footer) comes back empty."""
    cut: list[str] = []

    def take(match: re.Match, keep: str = "") -> str:
        cut.append(match.group(0))
        return keep

    line = _TOC.sub(lambda match: take(match, "目录"), line)  # a contents field heads its entries, as 目录 does
    for pattern in (_FIELD, _BOOKMARK, _ERROR):
        line = pattern.sub(take, line)
    if not cut:
        return line, []
    return ("" if _LEFT_OVER.match(line) else line.strip()), cut
