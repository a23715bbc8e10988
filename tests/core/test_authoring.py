"""The workbench's core: ids, round-trip edits, versions, review store, lint, near-duplicates, replay, watcher."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.authoring.forms import (
    ArticleForm,
    article_form,
    article_text,
    new_article_text,
    script_file_text,
    script_form,
)
from app.core.authoring.lint import lint_article
from app.core.authoring.neardup import NearDupIndex, similar_collisions
from app.core.authoring.replay import replay, team_queries
from app.core.authoring.review import ReviewError, ReviewSettings
from app.core.authoring.roundtrip import edit_front_matter, remove_script
from app.core.authoring.slugs import derive_id, slug
from app.core.authoring.watch import ContentWatcher
from app.core.authoring.workflow import Authoring, OutsideEdit
from app.core.content.loader import load_content
from app.core.usage.log import USAGE_FILE, UsageLog
from app.core.workspace import load_workspace
from tests.conftest import REPO_ROOT, article


def test_ids_are_pinyin_slugs_made_unique():
    # Word breaks follow the segmenter's dictionary (which grows with domain words): compare the letters.
    first = slug("退款多久到账?")
    assert first.replace("-", "") == "tuikuanduojiudaozhang" and "-" in first
    assert slug("運費險怎麼理賠") == slug("运费险怎么理赔")  # 繁體 folds first
    assert derive_id("退款多久到账?", {first}) == f"{first}-2"
    assert derive_id("开场问候", set(), prefix="s-").replace("-", "") == "skaichangwenhou"


def test_every_bundled_article_round_trips_byte_for_byte():
    for path in sorted((REPO_ROOT / "kb").rglob("*.md")):
        text = path.read_text(encoding="utf-8")
        assert article_text(article_form(text), text) == text, path


def test_a_form_edit_changes_only_its_field_and_keeps_comments_and_order():
    text = "---\nid: a   # 不要改\ntitle: 退款\ntags: [退款]\nstatus: published\n---\n## 结论\n一到三天。\n"
    form = article_form(text)
    form.similar = ["钱什么时候到", "退款: 没到账"]
    form.tags = ["退款", "到账"]
    out = article_text(form, text)
    assert out.startswith("---\nid: a   # 不要改\ntitle: 退款\ntags: [退款, 到账]\nsimilar:\n")
    assert "'退款: 没到账'" in out and out.endswith("status: published\n---\n## 结论\n一到三天。\n")
    assert article_form(out).similar == ["钱什么时候到", "退款: 没到账"]


def test_script_edits_keep_the_other_scripts_and_comments():
    text = "# 团队话术\n- id: s1   # 开场\n  title: 开场\n  text: 您好\n- id: s2\n  title: 结束\n  text: 再见\n"
    form = script_form(text, "s2")
    assert form is not None
    form.text, form.shortcut = "再见,祝您生活愉快", "zj"
    out = script_file_text(form, text, "s2")
    assert out.startswith("# 团队话术\n- id: s1   # 开场\n  title: 开场\n  text: 您好\n- id: s2\n")
    assert "shortcut: zj" in out and "祝您生活愉快" in out
    assert "s1" not in remove_script(out, "s1").split("# 团队话术")[1].split("title")[0]


def test_unparseable_front_matter_is_refused_not_rewritten():
    with pytest.raises(ValueError):
        edit_front_matter("---\nid: [a\n---\n正文\n", {"title": "x"})


def test_saving_checks_the_disk_and_keeps_every_version(make_root):
    root = make_root({"kb/a.md": article("a", body="## 结论\n旧\n")})
    authoring = Authoring(root)
    text, digest = authoring.read("kb/a.md")
    assert text is not None
    new = text.replace("旧", "新")
    result = authoring.save("kb/a.md", new, digest)
    assert (root / "kb/a.md").read_text(encoding="utf-8") == new
    (root / "kb/a.md").write_text(text.replace("旧", "外部"), encoding="utf-8")
    with pytest.raises(OutsideEdit) as caught:
        authoring.save("kb/a.md", new.replace("新", "再改"), result.hash)
    assert "外部" in (caught.value.disk_text or "")
    assert "外部" in (root / "kb/a.md").read_text(encoding="utf-8")  # nothing overwritten
    versions = authoring.versions.versions("kb/a.md")
    assert [v.action for v in versions] == ["saved"]
    restored = authoring.restore(versions[0].id)
    assert restored.kind == "saved" and "新" in (root / "kb/a.md").read_text(encoding="utf-8")
    actions = [v.action for v in authoring.versions.versions("kb/a.md")]
    assert actions == ["saved", "saved", "restored"]  # the outside edit was kept before the restore


def test_review_decisions_count_only_for_the_text_they_saw(tmp_path, make_root):
    share = tmp_path / "share"
    (share / ".zhida").mkdir(parents=True)
    root = make_root({"kb/a.md": article("a")})
    zhang = Authoring(root, tmp_path / "zhang", share)
    li = Authoring(root, tmp_path / "li", share)
    zhang.board.set_settings(ReviewSettings(review=True))
    text, digest = zhang.read("kb/a.md")
    assert text is not None
    result = zhang.save("kb/a.md", text.replace("1-3", "3-5"), digest)
    assert result.kind == "revision" and (root / "kb/a.md").read_text(encoding="utf-8") == text
    rev = result.revision
    assert rev is not None
    with pytest.raises(ReviewError):
        zhang.approve(rev.id)
    zhang.save("kb/a.md", text.replace("1-3", "2-4"), digest)  # edited again: the same revision, new text
    (seen,) = li.board.pending()
    assert seen.id == rev.id and "2-4" in (seen.text or "")
    li.approve(rev.id, "可以")
    assert "2-4" in (root / "kb/a.md").read_text(encoding="utf-8")
    assert zhang.board.revisions()[0].state == "approved"


def test_self_approval_is_a_team_setting(tmp_path, make_root):
    share = tmp_path / "share"
    (share / ".zhida").mkdir(parents=True)
    root = make_root({"kb/a.md": article("a")})
    solo = Authoring(root, tmp_path / "solo", share)
    solo.board.set_settings(ReviewSettings(review=True, self_approval=True))
    text, digest = solo.read("kb/a.md")
    rev = solo.save("kb/a.md", (text or "").replace("1-3", "3-5"), digest).revision
    assert rev is not None
    solo.approve(rev.id)
    assert "3-5" in (root / "kb/a.md").read_text(encoding="utf-8")


def test_lint_reports_the_loaders_rules_and_checker_findings_outside_pitfalls(make_root):
    root = make_root({"kb/a.md": article("a"), "kb/b.md": article("b", title="发票")})
    ws = load_workspace(REPO_ROOT, search=False)
    body = "## 结论\n我不知道,您自己去问快递。\n## 常见误区\n- 不要说“我不知道”\n"
    text = new_article_text(ArticleForm(id="b", title="发票", body=body, related=["nope"]))
    content = load_content(root)
    report = lint_article(text, "kb/new.md", body, content, ws.checker, [], [])
    messages = [p.message for p in report.problems]
    assert any("duplicate id 'b'" in m for m in messages) and any("related id 'nope'" in m for m in messages)
    found = report.in_field("body")
    assert found and all(f.end <= body.index("## 常见误区") for f in found)
    assert any(f.level == "error" for f in found) and report.errors


def test_near_duplicates_and_collisions():
    index = NearDupIndex(
        [
            ("refund", "退款多久到账?"),
            ("refund", "钱什么时候退回来"),
            ("invoice", "怎么开电子发票?"),
            ("invoice", "发票在哪开"),
        ]
    )
    (match,) = index.duplicates("退款多久能到账", exclude="new")
    assert match.item == "refund" and match.score >= 0.6
    assert index.duplicates("会员积分怎么用", exclude="new") == []
    assert index.duplicates("退款多久到账?", exclude="refund") == []
    (collision,) = similar_collisions("refund", "退款多久到账?", ["发票在哪里开"], index)
    assert collision.other.item == "invoice"


def test_replay_warns_when_an_article_stops_being_found_for_its_own_question(make_root, zhida_home):
    files = {
        "kb/refund.md": article("refund", title="退款多久到账?", similar="[钱什么时候退回来]"),
        "kb/invoice.md": article("invoice", title="怎么开电子发票?", body="## 结论\n在订单详情申请发票。\n"),
    }
    root = make_root(files)
    ws = load_workspace(root, home=zhida_home)
    before = files["kb/refund.md"]
    after = article("refund", title="会员积分规则", body="## 结论\n积分一年有效。\n")
    report = replay(ws.index, root, "kb/refund.md", "refund", before, after, ["退款到账"])
    assert any("退款多久到账?" in w for w in report.warnings)
    assert replay(ws.index, root, "kb/refund.md", "refund", before, before, []).warnings == []
    ws.index.close()


def test_replay_takes_the_teams_searches_from_the_usage_log_most_frequent_first(zhida_home):
    assert team_queries(zhida_home) == [] and not (zhida_home / USAGE_FILE).exists()  # no log: none, none made
    log = UsageLog(zhida_home)
    for query, times in (("电子发票", 1), ("退款多久到账", 3), ("会员积分", 2)):
        for _ in range(times):
            log.record_search(query, 4)
    log.record_use("refund", "open")  # not a search
    assert team_queries(zhida_home) == [q for q, _n in log.top_queries()] == ["退款多久到账", "会员积分", "电子发票"]
    assert team_queries(zhida_home, limit=1) == ["退款多久到账"]


def test_the_watcher_reports_outside_changes_but_not_its_own_writes(make_root):
    root = make_root({"kb/a.md": article("a")})
    authoring = Authoring(root)
    watcher = ContentWatcher(root)
    text, digest = authoring.read("kb/a.md")
    authoring.save("kb/a.md", (text or "") + "\n补充\n", digest)
    assert watcher.changes(authoring.written) == []
    (root / "kb/b.md").write_text(article("b"), encoding="utf-8")
    assert watcher.changes(authoring.written) == ["kb/b.md"]
    assert isinstance(root, Path)
