"""Roles read from the text when headings are silent: title, cue phrases and the report's usual order."""
from __future__ import annotations

import re

import numpy as np

from fanwen.index.ingest import roles

ORDER = ("opening", "achievements", "problems", "causes", "plans", "closing")
# Cue phrases per role; counted per chunk, the first sentence counts double (it states the point).
CUES = {
    "problems": re.compile(r"不够|不足|有待|欠缺|仍需|不强|不高|不到位|不力|薄弱|差距|缺乏|不明显|不平衡|"
                           r"单一|不佳|偏差|弱化|淡化|松懈|不严|不深|短板|问题(也|还)?(不少|较多|突出)|不透|跟不上|"
                           r"距离|提升空间|没有?(用|发挥|落实|坚持)好|(但|也)要?(清醒|清楚)?地?看到"),
    "causes": re.compile(r"原因|根源|究其|根子|思想认识|重视不够|认识不足|"
                         r"(这些|上述|以上)(情况|问题|不足|短板)的?(出现|产生|存在)|[主客]观(上|因素|方面)|"
                         r"怎么来的|从何而来|为(什么|啥)会|(问题|毛病)(主要)?出在|反思"),  # a speech asks: 为啥会这样？
    # 将/要 as the future, not 将…纳入 or 主要/重要/要求/要看到 (但也要看到… introduces shortcomings)
    "plans": re.compile(r"我将|今后|将(?:继续|进一步|坚持|着力|以|把|不断|切实|突出|重点|围绕|聚焦|着重|持续|全面)|(?<![重主需只])要(?![求点素看])|"
                        r"进一步|下一步|下步|继续|计划|打算|拟|力争|争取|确保|努力|不少于|不低于|明年|来年|(咋|怎么)干"),
    "achievements": re.compile(r"完成|开展了|共计|累计|[X\d]+(?:余|多)?(?:次|人|个|项|件|名|户|万元|场)|取得|"
                               r"先后|全年|(?<![不没])[\u4e00-\u9fff]了(?!解)"),  # not 来不了: what did not happen
}
_TITLE_CUES = (("problems", re.compile(r"存在的?问题|问题清单|整改|查摆|对照检查|剖析")),
               ("plans", re.compile(r"打算|计划|思路|规划")))
# Moving on in the order costs a little; problems and causes may alternate; moving back (plans,
# then achievements again) is all but ruled out: a report that has turned to its shortcomings does
# not return to its results, while a milder cost let a run of plans full of figures (X次) go back.
# Moving on: -0.6 until session 32, when a 600-character report with a paragraph a part stayed in its results;
# -0.6 / -0.3 / -0.2 / -0.1: headless corpus by cues 71.7 / 73.4 / 74.4 / 74.4%, with the classifier
# 84.5 / 85.0 / 85.0 / -% (bench_ingest.py --with-model); layouts 2657 / 2662 / 2664 / 2664 of 2691 points.
STEP_ON, STEP_BACK, SWAP = -0.2, -30.0, -1.2
# A report laid out by work area (一、抓班子带队伍 二、抓组织体系建设…) goes through results, shortcomings and
# plans in each part: at a top heading that names no role, going back to achievements costs little.
RESTART = STEP_ON


def title_role(title: str) -> str | None:
    """Role the whole document has by its title (存在问题清单 → problems), else None."""
    for role, pattern in _TITLE_CUES:
        if pattern.search(title):
            return role
    return None


def cue_scores(text: str) -> np.ndarray:
    """Probabilities over ORDER from cue phrases; flat where the text says nothing."""
    first = re.split(r"[。；！？]", text, maxsplit=1)[0]
    counts = np.full(len(ORDER), 0.5)
    for role, pattern in CUES.items():
        counts[ORDER.index(role)] += len(pattern.findall(text)) + 2 * len(pattern.findall(first))
    counts[ORDER.index("opening")] = counts[ORDER.index("closing")] = 0.05
    if roles.CAUSE_CUE.search(text[:60]):
        counts[ORDER.index("causes")] += 6
    return counts / counts.sum()


def transitions() -> np.ndarray:
    n = len(ORDER)
    table = np.full((n, n), STEP_BACK)
    for i in range(n):
        table[i, i] = 0.0
        table[i, i + 1:] = STEP_ON
    problems, causes = ORDER.index("problems"), ORDER.index("causes")
    table[causes, problems] = SWAP
    return table


def decode(probs: np.ndarray, pinned: list[str | None] | None = None, restarts: list[bool] | None = None
           ) -> tuple[list[str], list[float]]:
    """Most likely role sequence under the usual report order (Viterbi); confidence = the chosen role's share.
    A `pinned` role (a heading named it) is fixed; the rest are decoded around it. At a `restarts` position
    (a new top part whose heading names no role) the order may start again from achievements."""
    logp, table = np.log(np.clip(probs, 1e-6, None)), transitions()
    again = table.copy()
    again[ORDER.index("problems"):, ORDER.index("achievements")] = RESTART
    for row, role in zip(logp, pinned or []):
        if role is not None:
            row[:] = -1e9
            row[ORDER.index(role)] = 0.0
    score, back = logp[0].copy(), []
    for k, row in enumerate(logp[1:], 1):
        total = score[:, None] + (again if restarts and restarts[k] else table)
        back.append(total.argmax(axis=0))
        score = total.max(axis=0) + row
    path = [int(score.argmax())]
    for pointers in reversed(back):
        path.append(int(pointers[path[-1]]))
    path.reverse()
    return [ORDER[i] for i in path], [float(probs[k, i]) for k, i in enumerate(path)]


def text_probs(texts: list[str], title: str, after_cue: list[bool] | None = None) -> np.ndarray:
    """Per-chunk role probabilities from cues, the title, and the opening and closing positions;
    `after_cue` marks the parts chunking found after a cause cue (究其原因…)."""
    probs = np.array([cue_scores(text) for text in texts])
    for row, text, after in zip(probs, texts, after_cue or [False] * len(texts)):
        if after or roles.CAUSE_CUE.search(text[:40]):  # 究其原因… opens the causes, whatever it lists
            row[ORDER.index("causes")] += 1.0
    named = title_role(title)
    if named:
        probs[:, ORDER.index(named)] += 0.3
    if len(texts) > 1 and (roles.OPENING_CUE.search(texts[0]) or len(texts[0]) < 200):
        probs[0, ORDER.index("opening")] += 1.0
    if len(texts) > 2 and roles.OPENING_CUE.search(texts[1]):  # a salutation or a summary, then 现将…报告如下
        probs[1, ORDER.index("opening")] += 1.0
    if roles.CLOSING_CUE.search(texts[-1]):
        probs[-1, ORDER.index("closing")] += 1.0
    return probs / probs.sum(axis=1, keepdims=True)


def is_silent(piece) -> bool:
    return roles.path_role(piece.heading_path) is None


# A report read aloud announces its parts: 下面我讲讲存在的问题。 / 好，就简单说一下明年的打算，主要是四条。
_ANNOUNCED = re.compile(r"^.{0,12}?(讲讲|说说|谈谈|讲一讲|说一说|谈一谈|讲一下|说一下|谈一下|汇报一下)(?P<part>[^。！？]{2,16})")


def pinned_role(piece) -> str | None:
    """The role a mostly silent document's chunk keeps: one its top heading names (二、存在的问题), one a
    template's tag opening it names (【存在问题】), one a spoken announcement opening it names, or closing.
    A subheading alone does not pin: there it is a topic
    sentence (（三）坚持问题导向…)."""
    if piece.role == "closing" or (piece.heading_path and roles.section_role(piece.heading_path[0])):
        return piece.role
    if tagged := roles.tag_role(piece.text):
        return tagged
    announced = _ANNOUNCED.match(piece.text)
    return roles.section_role(announced.group("part")) if announced else None


_FIRST_PART = re.compile(r"^(一[、.．，,\s]|第一(部分|章|篇|方面)|Ⅰ|壹)")  # not 1.: it often numbers points, not parts


def _preamble_end(pieces: list) -> int:
    """How many chunks come before the report's first part, when its first heading opens part one (一、…):
    what precedes it introduces the report, whatever it says (辖区面积12.6平方公里…; 本人2021年9月起任…)."""
    first = next((i for i, p in enumerate(pieces) if p.heading_path), 0)
    return first if first and _FIRST_PART.match(pieces[first].heading_path[0]) else 0


def new_parts(pieces: list) -> list[bool]:
    """Whether each chunk opens a top part whose heading names no role (一、抓班子带队伍，在压实责任上用力)."""
    tops = [p.heading_path[0] if p.heading_path else None for p in pieces]
    return [i > 0 and top is not None and top != tops[i - 1] and roles.section_role(top) is None
            for i, top in enumerate(tops)]


def tag_from_text(pieces: list, title: str) -> list:
    """Headed chunks keep their role (confidence 1); when headings name no role for most of the
    document, the other chunks' roles are decoded from their text in report order, around the roles
    that top headings do name (a report whose first section is 一、履行主体责任情况 and whose later
    ones are 二、存在的问题 and 四、下一步打算)."""
    silent = [p for p in pieces if is_silent(p)]
    if len(silent) <= max(1, len(pieces) // 3):
        for piece in silent:
            piece.role_confidence = 0.9 if piece.role in ("opening", "closing") else 0.6
        # a section whose heading names no role (【锚定目标再启新程】) among ones that do: its text decides,
        # in report order around the named sections; what comes before the first of those stays the opening
        first = next((i for i, p in enumerate(pieces) if not is_silent(p)), len(pieces))
        # (a later report's opening in a 汇编 keeps its role: it sits under no heading at all)
        pinned = [None if i > first and is_silent(p) and p.role not in ("closing", "opening") else p.role
                  for i, p in enumerate(pieces)]
    else:
        preamble = _preamble_end(pieces)
        pinned = [pinned_role(p) or ("opening" if i < preamble else None) for i, p in enumerate(pieces)]
    if all(pin is not None for pin in pinned):
        return pieces
    labels, confidence = decode(text_probs([p.text for p in pieces], title, [p.after_cause_cue for p in pieces]),
                                pinned, new_parts(pieces))
    for piece, role, conf, pin in zip(pieces, labels, confidence, pinned):
        if pin is None:
            piece.role, piece.role_confidence = role, round(min(conf, 0.99), 3)
        elif pin != piece.role:  # a part the speaker announced (下面我讲讲存在的问题)
            piece.role, piece.role_confidence = pin, 0.9
    return pieces
