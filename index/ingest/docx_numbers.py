"""Word's automatic numbering written out as Word shows it (一、（一）1.), from the package's numbering part:
the numbers are not in a paragraph's text, and without them a report's headings lose their structure."""
from __future__ import annotations

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DIGITS = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"
_CAPITALS = "零壹贰叁肆伍陆柒捌玖"


def chinese(n: int, digits: str = _DIGITS, ten: str = "十") -> str:
    """一 … 十, 十一 … 九十九 (Word's chineseCounting); larger numbers in Arabic digits."""
    if n <= 0 or n >= 100:
        return str(n)
    tens, ones = divmod(n, 10)
    if not tens:
        return digits[ones]
    return (digits[tens] if tens > 1 else "") + ten + (digits[ones] if ones else "")


def _roman(n: int) -> str:
    out = ""
    for value, letters in ((1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"),
                           (50, "L"), (40, "XL"), (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")):
        count, n = divmod(n, value)
        out += letters * count
    return out


def _letters(n: int) -> str:
    return chr(ord("A") + (n - 1) % 26) * ((n - 1) // 26 + 1)


_FORMATS = {
    "decimal": str, "decimalZero": lambda n: f"{n:02d}", "upperRoman": _roman, "lowerRoman": lambda n: _roman(n).lower(),
    "upperLetter": _letters, "lowerLetter": lambda n: _letters(n).lower(),
    "chineseCounting": chinese, "chineseCountingThousand": chinese, "japaneseCounting": chinese,
    "taiwaneseCounting": chinese, "chineseLegalSimplified": lambda n: chinese(n, _CAPITALS, "拾"),
    "ideographTraditional": lambda n: _STEMS[n - 1] if 0 < n <= 10 else str(n),
    "decimalEnclosedCircle": lambda n: chr(0x2460 + n - 1) if 0 < n <= 20 else str(n),
    "decimalEnclosedCircleChinese": lambda n: chr(0x2460 + n - 1) if 0 < n <= 20 else str(n),
    "decimalEnclosedParen": lambda n: chr(0x2474 + n - 1) if 0 < n <= 20 else f"({n})",
    "decimalEnclosedFullstop": lambda n: chr(0x2488 + n - 1) if 0 < n <= 20 else f"{n}.",
    "decimalFullWidth": lambda n: "".join(chr(0xFF10 + int(d)) for d in str(n)),
}


def _val(element, name: str, default: str | None = None) -> str | None:
    found = element.find(_W + name) if element is not None else None
    return found.get(_W + "val", default) if found is not None else default


class Numbering:
    """The list definitions of one document and the counters of its lists as the body is read in order."""

    def __init__(self, levels: dict[str, dict[int, tuple[str, str, int]]], nums: dict[str, tuple[str, dict]]):
        self.levels, self.nums, self.counters = levels, nums, {}

    @classmethod
    def of(cls, document) -> Numbering:
        try:
            root = document.part.numbering_part.element
        except (KeyError, NotImplementedError):  # no numbering part: no automatic numbers
            return cls({}, {})
        levels = {}
        for abstract in root.iter(_W + "abstractNum"):
            levels[abstract.get(_W + "abstractNumId")] = {
                int(level.get(_W + "ilvl", "0")): (_val(level, "numFmt", "decimal"), _val(level, "lvlText", ""),
                                                   int(_val(level, "start", "1") or 1))
                for level in abstract.iter(_W + "lvl")}
        nums = {}
        for num in root.iter(_W + "num"):
            starts = {int(override.get(_W + "ilvl", "0")): int(_val(override, "startOverride"))
                      for override in num.iter(_W + "lvlOverride") if _val(override, "startOverride")}
            nums[num.get(_W + "numId")] = (_val(num, "abstractNumId"), starts)
        return cls(levels, nums)

    def label(self, paragraph, style) -> str:
        """The number Word shows before this paragraph ("" for none or a bullet); advances its list."""
        num_id, ilvl = _num_pr(paragraph, style)
        if num_id is None or num_id not in self.nums:
            return ""
        abstract, starts = self.nums[num_id]
        levels = self.levels.get(abstract, {})
        counters = self.counters.setdefault(num_id, {})
        start = starts.get(ilvl, levels.get(ilvl, ("", "", 1))[2])
        counters[ilvl] = counters.get(ilvl, start - 1) + 1
        for deeper in [level for level in counters if level > ilvl]:
            del counters[deeper]  # a new item restarts the levels below it
        fmt, text, _ = levels.get(ilvl, ("decimal", f"%{ilvl + 1}.", 1))
        if fmt in ("bullet", "none"):
            return ""
        for level in range(ilvl, -1, -1):
            level_fmt = levels.get(level, ("decimal", "", 1))[0]
            count = counters.get(level, starts.get(level, levels.get(level, ("", "", 1))[2]))
            text = text.replace(f"%{level + 1}", _FORMATS.get(level_fmt, str)(count))
        return text


def _num_pr(paragraph, style) -> tuple[str | None, int]:
    """(numId, level) from the paragraph's own properties, else from its style's (a List Number style)."""
    sources = [paragraph._p.pPr]
    hops = 0
    while style is not None and hops < 5:
        sources.append(style.element.pPr)
        style, hops = style.base_style, hops + 1
    for props in sources:
        num_pr = props.find(_W + "numPr") if props is not None else None
        if num_pr is not None:
            num_id = _val(num_pr, "numId")
            return (None if num_id in (None, "0") else num_id), int(_val(num_pr, "ilvl", "0") or 0)
    return None, 0
