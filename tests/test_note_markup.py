"""Markdown from note apps (Obsidian, Typora, 语雀, Notion): the report's text stays, the app's and the writer's
notes go."""
from parsing import CLOSING, parse, texts

BODY = ["## 一、履职情况及主要成效",
        "局党组成立后的第一次会议就专题研究党建工作，制定党组工作规则和“第一议题”制度，全年开展集中学习14次。"]


def _kept(tmp_path, lines):
    return "".join(texts(parse(tmp_path, lines, name="report.md")))


def test_obsidian_comments_callouts_embeds_tasks_and_tags_go(tmp_path):
    lines = ["---", "tags:", "  - 党建", "status: 二稿待审", "---", "%% 由 [[Templates/述职报告模板]] 生成 %%",
             "# XX县数据局党组书记2024年度抓基层党建工作述职报告", "> [!info] 组织部通知要点",
             "> 字数控制在3000字以内；1月10日前报送纸质稿。", "",
             "2024年是县数据局挂牌组建后的第一个完整年度，我认真履行党组书记抓基层党建第一责任人职责。", *BODY,
             "组建“数据先锋”党员突击队4支，==攻坚项目7个==，详见[[2024党建数据汇总|数据汇总表]]。[^1] ^op01x",
             "![[Pasted image 20250104213355.png]]", "> [!warning]- 张部长意见（1月8日电话）", "> 成效部分不要写成业务总结。",
             "", "## 二、存在的问题", "党建与业务融合还不够深，%%原稿写3名%%支部书记都是新任。", CLOSING,
             "[^1]: 43项任务中已完成41项。", "## 待办", "- [x] 核对党员人数", "- [ ] 原因部分再压一压",
             "```dataview", "LIST FROM #工作/述职", "```", "#工作/述职 #2025待办"]
    kept = _kept(tmp_path, lines)
    for gone in ("组织部通知要点", "字数控制", "Pasted", "^op01x", "[^1]", "张部长", "不要写成", "原稿写3名",
                 "43项任务中", "核对党员人数", "再压一压", "LIST FROM", "2025待办", "模板", "=="):
        assert gone not in kept, gone
    for stays in ("挂牌组建后的第一个完整年度", "攻坚项目7个，详见数据汇总表。", "支部书记都是新任", "集中学习14次"):
        assert stays in kept, stays


def test_typora_and_yuque_comments_and_highlight_blocks_go(tmp_path):
    lines = ["[TOC]", "<!--", "第三稿（1月7日晚）修改记录：", "1. 成效部分按刘院长意见压到四条；", "-->", ":::tips",
             "本文档归档于“党建工作”知识库，仅团队成员可见。", ":::", "# XX县税务局党委书记2024年度抓基层党建工作述职报告",
             *BODY, "门诊量同比增长8.6%<!-- 18分钟还是20分钟？ -->，平均候诊时间缩短到18分钟。",
             "<!-- 这是一张图片，ocr 内容为：党建引领 “枫桥式”税务所创建推进会 -->", ":::warning",
             "【党建工作科 1月6日】第（四）部分数据请再核一下。", ":::", CLOSING]
    kept = _kept(tmp_path, lines)
    for gone in ("修改记录", "刘院长", "知识库", "20分钟？", "这是一张图片", "推进会", "党建工作科", ":::"):
        assert gone not in kept, gone
    assert "门诊量同比增长8.6%，平均候诊时间缩短到18分钟。" in kept


def test_notion_page_properties_go_and_a_stray_fence_keeps_the_rest(tmp_path):
    lines = ["# 溪岸社区党委书记2024年度抓基层党建工作述职报告", "", "Created: January 5, 2025 8:41 PM",
             "Created by: 邹XX", "Status: 定稿", "报送对象: 城关镇党委", "", *BODY, "```",
             "推动辖区12家机关企事业单位党组织与社区签订共建协议，认领共建项目26个。", CLOSING]
    kept = _kept(tmp_path, lines)
    assert "Created" not in kept and "Status" not in kept and "报送对象" not in kept
    assert "认领共建项目26个" in kept and "集中学习14次" in kept
