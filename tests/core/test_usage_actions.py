"""The 看板's content actions change the least text possible, atomically, or refuse and leave the file alone."""

from __future__ import annotations

import pytest

from app.core.content.loader import load_content
from app.core.usage.actions import ActionError, add_similar, new_article
from tests.conftest import article


def test_a_phrasing_joins_a_flow_list_and_nothing_else_changes(make_root):
    text = article("refund", similar="[钱什么时候退, 退款没到账]  # 常见说法", tags="[退款]")
    root = make_root({"kb/refund.md": text})
    assert add_similar(root, "kb/refund.md", "钱: 多久退回[急]")
    new = (root / "kb/refund.md").read_text(encoding="utf-8")
    assert new.replace(', "钱: 多久退回[急]"', "") == text
    assert load_content(root).article("refund").similar == ["钱什么时候退", "退款没到账", "钱: 多久退回[急]"]
    assert not add_similar(root, "kb/refund.md", "钱: 多久退回[急]")  # already there


def test_a_block_list_gets_one_more_line_and_crlf_files_stay_crlf(make_root):
    text = "---\r\nid: r\r\ntitle: 退款\r\nsimilar:\r\n    - 钱什么时候退\r\ntags: [退款]\r\n---\r\n## 结论\r\n好\r\n"
    root = make_root({"kb/r.md": text.encode("utf-8")})
    assert add_similar(root, "kb/r.md", "yes")
    data = (root / "kb/r.md").read_bytes().decode("utf-8")
    assert data == text.replace("    - 钱什么时候退\r\n", '    - 钱什么时候退\r\n    - "yes"\r\n')
    assert load_content(root).article("r").similar == ["钱什么时候退", "yes"]


def test_an_article_without_similar_gets_the_field_after_its_title(make_root):
    root = make_root({"kb/r.md": article("r")})
    assert add_similar(root, "kb/r.md", "钱多久退回")
    lines = (root / "kb/r.md").read_text(encoding="utf-8").splitlines()
    assert lines[2:4] == ["title: 退款多久到账？", "similar: [钱多久退回]"]


@pytest.mark.parametrize(
    "files,rel,reason",
    [
        ({"kb/g.md": "---\nid: g\ntitle: 退款\n---\n## 结论\n好\n".encode("gbk")}, "kb/g.md", "not UTF-8"),
        ({"kb/n.md": "## 结论\n没有前言\n"}, "kb/n.md", "no front matter"),
        ({"kb/s.md": article("s", similar="钱多久退")}, "kb/s.md", "not a list"),
        ({"kb/x.md": article("x")}, "../outside.md", "not an article"),
    ],
)
def test_unusual_files_are_refused_and_left_as_they_were(make_root, files, rel, reason):
    root = make_root(files)
    before = {p: p.read_bytes() for p in root.rglob("*") if p.is_file()}
    with pytest.raises(ActionError, match=reason):
        add_similar(root, rel, "钱多久退回")
    assert {p: p.read_bytes() for p in root.rglob("*") if p.is_file()} == before


def test_a_new_article_from_a_gap_is_a_valid_draft_and_never_overwrites(make_root):
    root = make_root({"kb/member/points.md": article("ji-fen-dui-huan-li-pin", title="旧文章")})
    rel = new_article(
        root,
        "积分兑换礼品",
        category="会员",
        similar=["积分怎么换礼物", "积分兑换礼品"],
        folder="member",
        taken_ids=["ji-fen-dui-huan-li-pin"],
    )
    assert rel == "kb/member/ji-fen-dui-huan-li-pin-2.md"
    content = load_content(root)
    created = content.article("ji-fen-dui-huan-li-pin-2")
    assert created.status == "draft" and created.similar == ["积分怎么换礼物"] and created.category == "会员"
    assert not [p for p in content.problems if p.level == "error"]
    with pytest.raises(ActionError, match="already exists"):
        new_article(root, "积分兑换礼品", folder="member", taken_ids=["ji-fen-dui-huan-li-pin"])


def test_approved_cases_become_drills_that_load(make_root):
    from app.core.training.drills import load_drills
    from app.core.usage.cases import export_case_drills, search_cases
    from app.core.usage.records import Case

    root = make_root(
        {
            "kb/r.md": article("refund"),
            "scripts_library/team-cases.yaml": (
                "kind: drills\ndrills:\n  - id: my-own\n    title: 自己写的\n    type: 咨询\n    message: 你好\n"
            ),
        }
    )
    cases = [
        Case(
            "a" * 32,
            1.0,
            "杯子碎了第三次找你们,再不赔偿就曝光",
            "非常理解您的心情……",
            "refund",
            "投诉",
            "solved",
            status="approved",
            polarity="positive",
        ),
        Case("b" * 32, 2.0, "发票抬头错了", "可以为您重开……", "", "咨询", "solved", status="pending"),
    ]
    assert [c.id for c in search_cases(cases, "碎了 赔偿")] == ["a" * 32]
    rel, count = export_case_drills(root, cases)
    assert count == 1
    drills, problems = load_drills(load_content(root))
    assert [d.id for d in drills] == ["my-own", "case-" + "a" * 12] and not problems
    export_case_drills(root, cases)  # again: replaces its own drills, keeps the others
    assert [d.id for d in load_drills(load_content(root))[0]] == ["my-own", "case-" + "a" * 12]


def test_a_flow_mapping_front_matter_gets_the_field_inside_its_braces(make_root):
    text = "---\n{id: f, title: 利息怎么算, type: 咨询, status: published}\n---\n## 结论\n按日计息。\n"
    root = make_root({"kb/f.md": text})
    assert add_similar(root, "kb/f.md", "一天多少利息")
    assert (root / "kb/f.md").read_text(encoding="utf-8") == text.replace(
        "published}", "published, similar: [一天多少利息]}"
    )
    assert load_content(root).article("f").similar == ["一天多少利息"]
    assert add_similar(root, "kb/f.md", "利息[按日]算吗")  # a second one joins the list inside the braces
    assert load_content(root).article("f").similar == ["一天多少利息", "利息[按日]算吗"]
