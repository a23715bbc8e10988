"""The agent's own scripts ($ZHIDA_HOME/personal) are found by search beside the team's, and stay apart."""

from __future__ import annotations

from pathlib import Path

from app.core.search.index import SearchIndex

TEAM = """- id: s-wait
  title: 请稍等
  type: 通用
  stage: 开场
  text: "请您稍等,我马上为您查询。"
"""

MINE = """- id: s-my-coupon
  title: 我的优惠券安抚话术
  type: 咨询
  stage: 解答
  shortcut: wdyhq
  text: "优惠券已经补发到您的账户,请在我的-优惠券里查看。"
- id: s-wait
  title: 我的稍等话术
  type: 通用
  stage: 开场
  text: "稍等一下下,我这就去查。"
"""


def _personal(zhida_home: Path, text: str) -> Path:
    path = zhida_home / "personal" / "scripts_library" / "mine.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_a_personal_script_is_found_and_marked_as_personal(make_root, zhida_home):
    root = make_root({"scripts_library/team.yaml": TEAM})
    _personal(zhida_home, MINE)
    index = SearchIndex(root)
    hit = index.search("优惠券补发")[0]
    assert (hit.id, hit.kind, hit.layer) == ("s-my-coupon", "script", "personal")
    assert hit.path == "@personal/scripts_library/mine.yaml"
    assert index.search("wdyhq")[0].id == "s-my-coupon"  # its shortcut too


def test_same_id_in_team_and_personal_gives_two_hits(make_root, zhida_home):
    root = make_root({"scripts_library/team.yaml": TEAM})
    _personal(zhida_home, MINE)
    hits = [h for h in SearchIndex(root).search("稍等") if h.id == "s-wait"]
    assert sorted(h.layer for h in hits) == ["", "personal"]


def test_editing_a_personal_file_reindexes_only_that_file(make_root, zhida_home):
    root = make_root({"scripts_library/team.yaml": TEAM})
    path = _personal(zhida_home, MINE)
    index = SearchIndex(root)
    index.update()
    path.write_text(MINE.replace("优惠券已经补发", "红包已经补发"), encoding="utf-8")
    report = index.update()
    assert (report.changed, report.added, report.deleted) == (1, 0, 0)
    assert index.search("红包补发")[0].id == "s-my-coupon"
    path.unlink()
    assert index.update().deleted == 1
    assert all(h.layer != "personal" for h in index.search("红包 稍等"))


def test_personal_rule_or_synonym_files_do_not_change_team_search(make_root, zhida_home):
    root = make_root({"scripts_library/team.yaml": TEAM})
    _personal(zhida_home, "kind: synonyms\ngroups:\n  - [稍等, 退款]\n")
    index = SearchIndex(root)
    assert index.search("退款") == []


def test_a_broken_personal_file_is_reported_with_its_layer_and_line(make_root, zhida_home):
    root = make_root({"scripts_library/team.yaml": TEAM})
    _personal(zhida_home, "- id: x\n  title: [unclosed\n")
    report = SearchIndex(root).update()
    assert any(p.path == "@personal/scripts_library/mine.yaml" and p.line >= 1 for p in report.problems)
    assert SearchIndex(root).search("稍等")[0].id == "s-wait"
