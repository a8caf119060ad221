"""Cue phrases shared by structure and role tagging, kept in one place so both read a report the same way."""
from __future__ import annotations

import re

# Sentences that open the cause part of a problems section or paragraph.
CAUSE_CUE = re.compile(
    r"究其(主要|根本|深层次)?原因|主要原因(是|在于|有)|原因(主要)?(在于|是|有以下|有[一二三四五两几])|"
    r"^(原因|根源|成因)[：:]|(剖析|深挖|查找|追溯)(问题的?)?(产生的?)?(思想)?根源|根子(还是|主要)?在|^从?(主观|客观)(上|方面)(看|讲|来看)?[，,：:]|"
    r"(分析|剖析)(上述|以上|这些)问题|(分析|剖析|查找|深挖)(其|问题的?)?(产生的?)?(主要|深层次)?原因|原因分析|(问题|毛病|根子|原因)(主要)?(出)?在哪|经过深刻剖析|(产生|存在)(上述|以上|这些)?问题[，,]?的?(主要|根本)?原因|(上述|以上|这些)问题的(产生|存在|出现)|(上述|以上|这些)问题(产生|存在|出现)的(主要|根本|深层次)?原因|^(产生|出现)(上述|以上|这些)问题[，,]"
)


def sentence_start(text: str, pos: int) -> int:
    """Offset where the sentence holding `pos` begins."""
    return max(text.rfind(mark, 0, pos) for mark in "。！？!?；;") + 1
