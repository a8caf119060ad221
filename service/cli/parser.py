"""argparse in Chinese: usage and section titles, -h, and argparse's own error messages."""
from __future__ import annotations

import argparse
import os
import re
import sys

# argparse's English (Python 3.11 wording) -> Chinese; applied in order to the text after "error: "
_ERRORS = [
    (r"^argument (\S+): ", r"参数 \1："),
    (r"invalid choice: (.*) \(choose from (.*)\)", r"无效的选择 \1（可选：\2）"),
    (r"invalid int value: (.*)", r"应是整数，收到 \1"),
    (r"invalid float value: (.*)", r"应是数字，收到 \1"),
    (r"invalid \w+ value: (.*)", r"取值无效：\1"),
    (r"expected one argument", "后面需要跟一个值"),
    (r"expected at least one argument", "后面至少需要一个值"),
    (r"ignored explicit argument (.*)", r"不接受值 \1"),
    (r"not allowed with argument (.*)", r"不能与参数 \1 同时使用"),
    (r"^the following arguments are required: (.*)", r"缺少必需的参数：\1"),
    (r"^unrecognized arguments: (.*)", r"无法识别的参数：\1"),
    (r"^ambiguous option: (\S+) could match (.*)", r"选项 \1 有歧义，可能是：\2"),
]


def english() -> bool:
    """FANWEN_LANG=en switches the command's messages to English."""
    return os.environ.get("FANWEN_LANG", "").lower().startswith("en")


def translate(message: str) -> str:
    """argparse's error text in Chinese (unknown wording is left as it is)."""
    if english():
        return message
    for pattern, replacement in _ERRORS:
        message = re.sub(pattern, replacement, message)
    return message


class ChineseHelpFormatter(argparse.HelpFormatter):
    def add_usage(self, usage, actions, groups, prefix=None):
        super().add_usage(usage, actions, groups, prefix="用法：")


class ChineseArgumentParser(argparse.ArgumentParser):
    """A parser whose help and errors are Chinese; subcommand parsers made from it are too."""

    def __init__(self, *args, add_help: bool = True, formatter_class=ChineseHelpFormatter, **kwargs):
        super().__init__(*args, add_help=False, formatter_class=formatter_class, **kwargs)
        self._positionals.title, self._optionals.title = "位置参数", "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def error(self, message: str):
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}: error: {translate(message)}\n")
