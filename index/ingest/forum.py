"""A report posted in a forum thread over several floors: the thread starter's posts, without the forum."""
from __future__ import annotations

import re

# Each post opens with its time (发表于 2025-1-6 21:14:08 | 只看该作者), under the poster's profile and floor
_POSTED = re.compile(r"^发表于\s*(\d{4}-\d{1,2}-\d{1,2}|\d{1,2}-\d{1,2}\s|昨天|前天|今天|\d+\s*(天|小时|分钟)前)")
_FLOOR = re.compile(r"^((楼主|沙发|板凳|地板|地下室)(\s*[·.]\s*\d{1,4}\s*楼)?|\d{1,4}\s*(楼|#))$")
_PROFILE = re.compile(r"^(发消息|加好友|发私信|关注TA|等级|积分|帖子|主题|精华|威望|金钱|贡献|注册时间|在线时间|最后登录|UID)"
                      r"(\s*[:：]|$)")
# 回复 | 举报 | 收藏 | 分享 under each post; what follows it (点评, a signature) belongs to the forum
_ACTIONS = re.compile(r"^(回复|举报|收藏|分享|评分|点评|引用|支持|反对|使用道具)(\s*[|｜]\s*\S{2,4})+$")
_EDITED = re.compile(r"^本帖最后由\s*\S+\s*于.{0,30}编辑$")
_CONTINUED = re.compile(r"^[（(][^（）()]{0,6}(接上楼|未完待续|待续|全文完)[^（）()]{0,16}[）)]$")
_RULE = re.compile(r"^[-—_=*~]{6,}$")
PROFILE_LINES = 9  # a poster's name, profile fields and floor above a post's time
MIN_POSTS = 2


def _profile_start(lines: list[str], posted: int) -> int:
    """The poster's name line above a post's time: profile fields and the floor sit between them."""
    start = posted
    for i in range(posted - 1, max(-1, posted - 1 - PROFILE_LINES), -1):
        start = i
        if not (_PROFILE.match(lines[i]) or _FLOOR.match(lines[i])):
            break  # the name: the first line that is no field
    return start


def _body_end(lines: list[str], posted: int, next_start: int) -> int:
    """Where a post's own words end: its action line or signature rule, else the next post."""
    return next((i for i in range(posted + 1, next_start) if _ACTIONS.match(lines[i]) or _RULE.match(lines[i])),
                next_start)


def forum_posts(lines: list[str]) -> list[int]:
    """Positions of everything in a forum thread but the thread starter's words: the forum around the posts,
    each post's profile, actions and signature, other posters' replies and notes such as （接上楼）. (The
    starter's own words above the report's title go with every host's: surroundings.preface.)"""
    posts = [i for i, line in enumerate(lines) if _POSTED.match(line)]
    if len(posts) < MIN_POSTS:
        return []
    starts = [_profile_start(lines, posted) for posted in posts]
    author = lines[starts[0]]
    if sum(lines[start] == author for start in starts) < MIN_POSTS:
        return []  # a thread of others' replies: nothing to tell the report by
    kept: set[int] = set()
    for start, posted, next_start in zip(starts, posts, [*starts[1:], len(lines)]):
        if lines[start] == author:
            kept.update(i for i in range(posted + 1, _body_end(lines, posted, next_start))
                        if not (_EDITED.match(lines[i]) or _CONTINUED.match(lines[i])))
    return [i for i in range(len(lines)) if i not in kept]
