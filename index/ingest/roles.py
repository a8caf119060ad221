"""The role a paragraph plays in a report, from its heading path and cue phrases."""
from __future__ import annotations

import re

from fanwen.index.ingest.cues import CAUSE_CUE, sentence_start  # noqa: F401  (re-exported: roles.CAUSE_CUE)

# Checked in order: a heading naming both problems and causes (存在的问题及原因) is a problems
# section whose cause parts are found by cue phrases.
_SECTION_CUES = (
    ("problems", re.compile(r"问题|不足|差距|短板|薄弱")),
    ("causes", re.compile(r"原因|根源|剖析")),
    ("plans", re.compile(r"下一步|下步|打算|思路|措施|整改方向|努力方向|计划|今后|展望")),
    ("achievements", re.compile(r"做法|成效|成绩|亮点|特色|履职|主要工作|工作情况|工作开展|经验|完成情况")),
    ("closing", re.compile(r"^(结束语|结语)")),
    ("opening", re.compile(r"基本情况|个人简况|个人简介")),  # a 述职 form's first part: who reports, on what
)
# A part named in a figure of speech, as 公文 likes to (晒晒成绩单, 把脉问诊, 找准病根, 开出药方): read only when no
# plain role word is in the heading
_FIGURES = (
    ("achievements", re.compile(r"成绩单|答卷|交账|晒成绩|亮成绩|亮家底|回头看|硕果")),
    ("problems", re.compile(r"病灶|病症|把脉|问诊|亮丑|揭短|晒短|找差距|照镜子|挑毛病|找毛病|软肋|欠账|失分")),
    ("causes", re.compile(r"病根|病因|病理|挖根|寻根|刨根|探源|溯源|症结")),
    ("plans", re.compile(r"药方|处方|开方|对症下药|施工图|路线图|任务书|出实招|明方向|定方向|向前看|再出发")),
)
_RECTIFIED = re.compile(r"整改(落实|完成)?(情况|成效|成果)")
_SHORTFALL = re.compile(r"不够|不足|不力|不到位|有待|欠缺|不强|不高|不严|缺乏")
_MIXED_SECTION = re.compile(r"(问题|不足).{0,4}(及|和|与|、)其?(主要|产生的)?原因")
CLOSING_CUE = re.compile(r"以上(是我的|是本人的)?(述职|汇报|报告)|(述职|汇报)完毕|(汇报|讲)(这些|这么多|到这里|到这儿)|不妥之处|批评指正|请予评议|请审议|"
                         r"恳请.{0,10}(评议|指正|批评|帮助)|谢谢大家|特此(报告|汇报|说明)")
# A paragraph among the last two that sums up (总之，成绩是大家干出来的…): the closing, whatever it promises
SUMMING_UP = re.compile(r"^(总之|总而言之|综上所述|综上|总的看|总的来看|总体来看|总体上看)[，,]")
# …and one that turns from the year to a pledge in general terms (新的一年，我将…；回顾一年来的工作…差距…今后，我将…)
_ADDRESS = re.compile(r"^((各位领导|同志们|各位同事)[、，,！!]){1,2}")
PLEDGE = re.compile(r"^在?(新的一年|新的征程|新征程上|今后|明年|来年|\d{4}年)[^。，]{0,4}[，,]?(我|本人|我们)[^。，]{0,3}(将|会|要)|"
                    r"^(回顾|过去|一年来)[^。]{0,30}(成绩|成效)[^。]{0,40}(差距|不足)|"
                    r"^(站在新的起点上|面向未来|展望(新的一年|未来|\d{4}年))")
FORMULA_MAX = 40  # a closing formula alone: 以上述职，请各位领导、同志们批评指正。
_PLEDGE_WORDS = re.compile(r"(我|本人|我们)[^。，]{0,6}以(此次|这次|本次)述职|不辜负|不负.{0,6}(重托|期望|期盼|信任)|"
                           r"作出新的(更大)?贡献|提供坚强的?(政治|组织)?(保证|保障)|(答好|交出).{0,8}(考卷|答卷)")
# concrete plans (a figure other than a year, 每季度…, 建立…制度), not a pledge
_MEASURES = re.compile(r"(?<!\d)(?!\d{4}年)\d+|每(年|季度|月|半年|周)|(建立|制定|出台)[^。，；]{0,12}(制度|机制|办法)")
_LISTS_PLANS = re.compile(r"[一1][是要]|^[二三四五六七八九十][是要]|以下|如下|[：:]")  # …or is one of them (四是…)
OPENING_CUE = re.compile(r"(报告|述职|汇报)如下|现将.{0,20}(报告|汇报|述职)|"
                         r"^下面(我|本人)(把|就|将)|向(大家|各位领导|组织)[^。]{0,8}(汇报|报告|述职)")  # said aloud


def is_pledge(text: str) -> bool:
    """A short pledge, not the plans themselves (2025年，我将…抓好以下工作：一是…); it may open with an address and
    a maxim (各位领导，同志们，图纸已经画好，关键在施工。新的一年，我将…)."""
    body = _ADDRESS.sub("", text)
    maxim = re.match(r"[^。！？]{2,40}[。！？]", body)
    starts = [body] + ([body[maxim.end():]] if maxim else [])
    pledged = any(PLEDGE.match(start) for start in starts) or _PLEDGE_WORDS.search(text)
    return bool(pledged) and len(text) <= 160 and not _LISTS_PLANS.search(text) and not _MEASURES.search(text)


def section_role(heading: str) -> str | None:
    """Role named by one heading, or None when the heading names no role. A question's role is what its last
    clause asks for (…等问题，党建工作是如何帮助解决？ asks how problems were solved: no role)."""
    if heading.startswith(("问：", "问:")):
        heading = re.split("[，,]", heading)[-1]
    if _RECTIFIED.search(heading):
        return "achievements"  # 上年度反馈问题整改落实情况: what was done about last year's problems
    if _MIXED_SECTION.search(heading) or _SHORTFALL.search(heading):
        return "problems"  # …措施不够有力 names a shortfall, not the plans section
    if _SECTION_CUES[1][1].search(heading):
        return "causes"  # 存在上述问题的主要原因 is about causes although it says 问题
    for role, pattern in _SECTION_CUES + _FIGURES:
        if pattern.search(heading):
            return role
    return None


def path_role(heading_path: list[str]) -> str | None:
    """The top heading that names a role decides; a deeper one only narrows problems to causes.

    Subheadings are topic sentences (（一）强化履职尽责…, （五）抓创新探索基层党建思路) whose
    words would mislead, but （二）存在上述问题的主要原因 under 二、存在问题和原因分析 is causes.
    """
    named = [role for role in map(section_role, heading_path) if role]
    if not named:
        return None
    if named[0] == "problems" and "causes" in named[1:]:
        return "causes"
    return named[0]


_ROLE_TAG = re.compile(r"^【([^【】]{2,8})】")
# …or a label and a colon, as a self-examination lays out each point (问题表现：… 原因剖析：… 整改措施：…)
_ROLE_LABEL = re.compile(r"^(问题表现|存在的?问题|主要问题|问题[一二三四五六七八九十\d]{0,2}|原因剖析|原因分析|根源剖析|"
                         r"剖析根源|产生原因|原因|整改措施|改进措施|整改方向|努力方向|下一?步打算|下一?步措施)[：:]")


def tag_role(text: str) -> str | None:
    """The role a template's tag opening the paragraph names (【存在问题】…, 【改进措施】…, 整改措施：…), else None."""
    tag = _ROLE_TAG.match(text) or _ROLE_LABEL.match(text)
    return section_role(tag.group(1)) if tag else None


def carry_tags(pieces: list) -> None:
    """A tagged paragraph's role goes on to the untagged ones after it under the same headings (原因：从主观上看…
    then 从客观上看…; 整改措施：重点抓好两项工作。 then （1）…（2）…), until another tag or the closing."""
    carried, path = None, None
    for piece in pieces:
        tagged = tag_role(piece.text)
        if tagged or piece.heading_path != path:
            carried, path = tagged, piece.heading_path
        elif carried and piece.role not in ("opening", "closing"):
            piece.role = carried


def classify(heading_path: list[str], text: str, is_last: bool = False, is_first: bool = False) -> str:
    """Role of a paragraph (or part of one) given where it sits and what it says. The first paragraph that
    announces the report (现将…报告如下) opens it, even under a heading a template put above it (【本年度重点
    工作完成情况】)."""
    if is_last and (CLOSING_CUE.search(text) or SUMMING_UP.match(text) or is_pledge(text)) \
            or len(text) <= FORMULA_MAX and not is_first and CLOSING_CUE.search(text):
        return "closing"  # a closing formula on its own ends a report wherever it stands (a packet of several)
    if is_first and OPENING_CUE.search(text):
        return "opening"
    if tagged := tag_role(text):
        return tagged
    role = path_role(heading_path)
    if role is None:
        return "opening" if not heading_path or OPENING_CUE.search(text) else "achievements"
    if role == "problems" and CAUSE_CUE.search(text[:40]):
        return "causes"
    return role


def cause_split(text: str) -> int | None:
    """Offset where a mixed problems paragraph turns to causes, or None.

    The cut sits at the start of the sentence holding the cue (认真分析上述问题，主要有以下三个方面的
    原因：一是…), so the cue sentence leads the cause part.
    """
    match = CAUSE_CUE.search(text)
    if match is None:
        return None
    cut = sentence_start(text, match.start())
    return cut if cut > 0 else None
