"""Sync with a shared folder: the fault matrix of sync.md, rows 1-4 and 7-17, in-process."""

from __future__ import annotations

import errno
import json
import os
import shutil
import time
from pathlib import Path

import pytest

from app.core.sync.engine import sync
from app.core.sync.resolve import conflict_texts, pending_conflicts, resolve_conflict, restore
from app.core.sync.share import Head, Share, canonical_json, sha256_bytes
from tests.core.sync_world import SimulatedCrash, art, crash_at, make_world, share_objects, snapshot, tmp_litter


@pytest.fixture
def world(tmp_path: Path):
    share, (m0, m1), (a0,) = make_world(tmp_path)
    m0.write("kb/x.md", art("x", "原文"))
    m0.write("kb/y.md", art("y", "第二篇"))
    m0.write("scripts_library/s.yaml", "- id: s1\n  title: 问候\n  text: 您好\n")
    assert m0.sync().exit_code == 0
    for c in (m1, a0):
        assert c.sync().exit_code == 0
    return share, m0, m1, a0


def test_agent_pull_brings_published_files_and_an_unchanged_poll_reads_only_marker_and_heads(world):
    share, m0, m1, a0 = world
    assert a0.files() == m0.files()
    report = a0.sync()
    heads = list((share / ".zhida/heads").glob("*.json"))
    assert report.unchanged and report.reads == 1 + len(heads)  # FORMAT + one small head per publisher
    assert report.exit_code == 0


def test_row1_both_editors_change_one_article_conflict_keeps_both_texts(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "甲的修改"))
    m1.write("kb/x.md", art("x", "乙的修改"))
    assert m0.sync().published == ["kb/x.md"]
    report = m1.sync()
    assert report.exit_code == 2
    (c,) = report.conflicts
    assert c.path == "kb/x.md"
    assert "乙的修改" in Path(c.mine).read_text(encoding="utf-8")
    assert "甲的修改" in Path(c.theirs).read_text(encoding="utf-8")
    mine, theirs = conflict_texts(m1.root, c, home=m1.home)
    assert "乙的修改" in mine and "甲的修改" in theirs
    assert report.published == []  # my side is not pushed over theirs while undecided
    resolve_conflict(m1.root, share, "kb/x.md", "merged", art("x", "合并后"), home=m1.home)
    assert m1.sync().published == ["kb/x.md"]
    for c in (m0, a0):
        c.sync()
        assert "合并后" in c.read("kb/x.md")


def test_row2_identical_change_resolves_silently_without_conflict_copy(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "同样的修改"))
    m1.write("kb/x.md", art("x", "同样的修改"))
    m0.sync()
    report = m1.sync()
    assert report.exit_code == 0 and not report.conflicts and not report.published
    assert not (m1.store().dir / "conflicts").exists()


def test_row3_delete_against_local_edit_keeps_the_edit_and_tells_the_user(world):
    share, m0, m1, a0 = world
    m0.delete("kb/y.md")
    a0.write("kb/y.md", art("y", "坐席本地修改"))
    m0.sync()
    report = a0.sync()
    assert "坐席本地修改" in a0.read("kb/y.md")
    assert any("kb/y.md" in n and "kept" in n for n in report.notices)


def test_row3_delete_against_concurrent_published_edit_the_edit_wins_everywhere(world):
    share, m0, m1, a0 = world
    m0.delete("kb/y.md")
    m1.write("kb/y.md", art("y", "乙编辑"))
    m0.sync()
    r1 = m1.sync()
    assert r1.exit_code == 0 and any("kb/y.md" in n for n in r1.notices)
    for _ in range(2):
        for c in (m0, m1, a0):
            c.sync()
    for c in (m0, m1, a0):
        assert "乙编辑" in c.read("kb/y.md")


def test_row4_agent_offline_for_a_month_gets_the_deletion_into_history_not_resurrected(world):
    share, m0, m1, a0 = world
    for i in range(5):
        m0.write("kb/x.md", art("x", f"第{i}版"))
        m0.sync()
    m0.delete("kb/y.md")
    m0.sync()
    m0.write("kb/z.md", art("z", "新文章"))
    m0.sync()
    report = a0.sync()
    assert report.deleted == ["kb/y.md"] and a0.read("kb/y.md") is None
    (entry,) = [e for e in a0.store().history() if e.path == "kb/y.md"]
    assert entry.action == "deleted"
    for c in (m1, a0, m0, m1, a0):
        c.sync()
    assert all(c.read("kb/y.md") is None for c in (m0, m1, a0))
    restore(a0.root, entry.id, home=a0.home)
    assert "第二篇" in a0.read("kb/y.md")


def test_row7_share_missing_marker_aborts_without_touching_anything(world, tmp_path):
    share, m0, m1, a0 = world
    before = snapshot(a0.root), snapshot(a0.home)
    report = sync(a0.root, tmp_path / "not-mounted", home=a0.home)
    assert report.exit_code == 1 and "FORMAT" in report.failed
    empty = tmp_path / "empty"
    empty.mkdir()
    assert sync(a0.root, empty, home=a0.home).exit_code == 1
    assert (snapshot(a0.root), snapshot(a0.home)) == before


@pytest.mark.parametrize("how", ["renamed", "emptied"])
def test_row7_share_gone_mid_sync_aborts_with_no_local_deletion_and_base_unchanged(world, tmp_path, how):
    share, m0, m1, a0 = world
    m0.delete("kb/y.md")
    m0.write("kb/x.md", art("x", "新版"))
    m0.sync()
    state_before = snapshot(a0.home / "sync")
    content_before = snapshot(a0.root)

    def pull_the_plug(step: str, info: dict) -> None:
        if step == "pull:heads_read":
            if how == "renamed":
                share.rename(tmp_path / "share-renamed")
            else:
                shutil.rmtree(share / ".zhida")

    report = a0.sync(hook=pull_the_plug)
    assert report.exit_code == 1 and report.failed
    assert snapshot(a0.root) == content_before
    after = snapshot(a0.home / "sync")
    assert {k: v for k, v in after.items() if k.endswith("state.json")} == {
        k: v for k, v in state_before.items() if k.endswith("state.json")
    }


def test_row8_manifest_before_objects_waits_then_applies(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "后到的内容"))
    m0.write("kb/new.md", art("new", "新文件"))
    m0.sync()
    obj = Share(share).object_path(sha256_bytes((m0.root / "kb/x.md").read_bytes()))
    hidden = obj.with_name("held-back")
    obj.rename(hidden)
    report = a0.sync()
    assert report.pulled == ["kb/new.md"]
    assert any(p == "kb/x.md" and r.startswith("waiting") for p, r in report.skipped)
    assert "原文" in a0.read("kb/x.md")
    obj.write_bytes(hidden.read_bytes()[:10])  # truncated: bad hash, never applied
    report = a0.sync()
    assert "原文" in a0.read("kb/x.md") and report.exit_code == 0
    hidden.rename(obj)
    assert a0.sync().pulled == ["kb/x.md"] and "后到的内容" in a0.read("kb/x.md")
    assert a0.sync().unchanged


def test_row8_truncated_head_keeps_the_last_good_one_and_retries(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "新版"))
    m0.sync()
    head = share / ".zhida/heads/m0.json"
    good = head.read_bytes()
    head.write_bytes(good[:15])
    report = a0.sync()
    assert report.exit_code == 0 and "原文" in a0.read("kb/x.md")
    assert any("heads/m0.json" in p for p, _ in report.skipped)
    head.write_bytes(good)
    assert a0.sync().pulled == ["kb/x.md"]


def test_row8_object_with_wrong_contents_is_never_applied(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "正确内容"))
    m0.sync()
    obj = Share(share).object_path(sha256_bytes((m0.root / "kb/x.md").read_bytes()))
    obj.write_bytes(art("x", "被篡改内容").encode("utf-8"))
    a0.sync()
    assert "原文" in a0.read("kb/x.md")


def test_row9_sync_tool_litter_in_the_share_and_the_content_root_is_ignored(world):
    share, m0, m1, a0 = world
    litter = [
        ".zhida/heads/m0.sync-conflict-20261101-101010-ABCDEF.json",
        ".zhida/heads/.syncthing.m0.json.tmp",
        ".zhida/heads/~syncthing~m0.json.tmp",
        ".zhida/heads/m0 (conflicted copy).json",
        "~$readme.docx",
        ".~lock.x.md#",
        ".zhida/objects/ab/.syncthing.zz.tmp",
        ".zhida/manifests/x.sync-conflict-1.json",
    ]
    for rel in litter:
        (share / rel).parent.mkdir(parents=True, exist_ok=True)
        (share / rel).write_text("{garbage", encoding="utf-8")
    assert a0.sync().unchanged
    m0.write("kb/~$x.md", "office lock")
    m0.write("kb/.syncthing.x.md.tmp", "partial")
    m0.write("kb/x.sync-conflict-20261101-101010-ABC.md", "their copy")
    report = m0.sync()
    assert report.published == [] and report.exit_code == 0


def test_row10_simultaneous_publications_merge_and_same_item_edits_become_a_conflict(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "甲改x"))
    m1.write("kb/y.md", art("y", "乙改y"))

    def race(step: str, info: dict) -> None:
        if step == "pull:applied":
            assert m0.sync().published == ["kb/x.md"]

    assert m1.sync(hook=race).published == ["kb/y.md"]
    for c in (a0, m0, m1):
        c.sync()
        assert "甲改x" in c.read("kb/x.md") and "乙改y" in c.read("kb/y.md")
    m0.write("kb/x.md", art("x", "甲再改"))
    m1.write("kb/x.md", art("x", "乙也改"))

    def race2(step: str, info: dict) -> None:
        if step == "pull:applied":
            m0.sync()

    m1.sync(hook=race2)  # both heads now hold concurrent versions of kb/x.md
    agent = a0.sync()
    assert agent.team_conflicts == ["kb/x.md"] and agent.exit_code == 0
    report = m0.sync()
    assert report.exit_code == 2 and [c.path for c in report.conflicts] == ["kb/x.md"]
    texts = conflict_texts(m0.root, report.conflicts[0], home=m0.home)
    assert {"甲再改" in texts[0], "乙也改" in texts[1]} == {True}
    resolve_conflict(m0.root, share, "kb/x.md", "theirs", home=m0.home)
    m0.sync()
    for c in (m1, a0, m0):
        r = c.sync()
        assert not r.conflicts and not r.team_conflicts
        assert "乙也改" in c.read("kb/x.md")
    texts_kept = m0.kept_texts() | share_objects(share)
    assert art("x", "甲再改").encode() in texts_kept


def test_row11_a_crashed_publishers_lease_blocks_others_only_until_it_expires(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "甲"))
    with pytest.raises(SimulatedCrash):
        m0.sync(hook=crash_at("publish:lease_taken"))
    assert (share / ".zhida/leases/m0.json").exists()
    m1.write("kb/y.md", art("y", "乙"))
    now = [1000.0]
    blocked = m1.sync(clock=lambda: now[0], lease_ttl=60)
    assert blocked.exit_code == 1 and "lease" in blocked.failed
    now[0] += 61
    assert m1.sync(clock=lambda: now[0], lease_ttl=60).published == ["kb/y.md"]


def test_row12_skewed_clocks_and_touched_mtimes_cause_no_change_or_conflict(world):
    share, m0, m1, a0 = world
    for c in (m0, m1, a0):
        for i, path in enumerate(sorted(c.root.rglob("*.*"))):
            stamp = time.time() + (-1) ** i * 7 * 3600
            os.utime(path, (stamp, stamp))
    for c in (m0, m1, a0):
        r = c.sync()
        assert (r.pulled, r.published, r.conflicts, r.deleted) == ([], [], [], [])
    assert a0.sync().unchanged


def test_row13_publication_deleting_more_than_half_or_everything_is_blocked_until_confirmed(world):
    share, m0, m1, a0 = world
    m0.delete("kb/x.md")
    m0.delete("kb/y.md")
    report = m0.sync()
    assert report.exit_code == 1 and "--confirm-deletes" in report.failed and report.published == []
    assert a0.sync().unchanged
    report = m0.sync(confirm_deletes=True)
    assert report.published == ["kb/x.md", "kb/y.md"]
    m0.delete("scripts_library/s.yaml")
    assert "would delete 1 of 1" in m0.sync().failed


def test_row14_a_local_edit_made_while_sync_applies_an_update_is_kept(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "共享新版"))
    m0.sync()

    def user_types(step: str, info: dict) -> None:
        if step == "pull:before_replace" and info["path"] == "kb/x.md":
            a0.write("kb/x.md", art("x", "刚刚保存的本地修改"))

    report = a0.sync(hook=user_types)
    assert "刚刚保存的本地修改" in a0.read("kb/x.md")
    assert any(p == "kb/x.md" for p, _ in report.skipped)
    report = a0.sync()
    assert [c.path for c in report.conflicts] == ["kb/x.md"]
    assert "刚刚保存的本地修改" in a0.read("kb/x.md")


@pytest.mark.parametrize("code", [errno.EACCES, errno.ENOSPC, errno.EBUSY])
def test_row15_permission_denied_disk_full_or_locked_fails_cleanly_and_retries(world, code):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "新版"))
    m0.write("kb/y.md", art("y", "新版y"))
    m0.sync()

    def fault(step: str, info: dict) -> None:
        if step == "pull:before_replace" and info["path"] == "kb/x.md":
            raise OSError(code, os.strerror(code))

    report = a0.sync(hook=fault)
    assert report.exit_code == 1 and report.errors[0][0] == "kb/x.md"
    assert "will retry" in report.summary()
    assert "原文" in a0.read("kb/x.md") and "新版y" in a0.read("kb/y.md")
    assert tmp_litter(a0.root) == []
    assert a0.sync().pulled == ["kb/x.md"]


def test_row15_share_write_failure_while_publishing_changes_nothing_visible_and_retries(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "新版"))

    def disk_full(step: str, info: dict) -> None:
        if step == "publish:manifest_written":
            raise OSError(errno.ENOSPC, "No space left on device")

    report = m0.sync(hook=disk_full)
    assert report.exit_code == 1 and "No space left" in report.failed
    assert a0.sync().unchanged
    assert m0.sync().published == ["kb/x.md"]
    assert a0.sync().pulled == ["kb/x.md"] and "新版" in a0.read("kb/x.md")


def test_row16_rename_and_case_only_rename_are_applied_as_moves(world):
    share, m0, m1, a0 = world
    (m0.root / "kb/x.md").rename(m0.root / "kb/renamed.md")
    (m0.root / "kb/y.md").rename(m0.root / "kb/Y.md")
    m0.sync()
    report = a0.sync()
    assert sorted(report.moved) == [("kb/x.md", "kb/renamed.md"), ("kb/y.md", "kb/Y.md")]
    assert report.deleted == [] and report.pulled == []
    assert "原文" in a0.read("kb/renamed.md") and "第二篇" in a0.read("kb/Y.md")
    assert sorted(a0.files()) == sorted(m0.files())


def test_row16_two_names_differing_only_in_case_are_refused(world):
    share, m0, m1, a0 = world
    m0.write("kb/X.md", art("X", "大写"))
    m0.sync()
    report = a0.sync()
    assert any(p == "kb/x.md" and "letter case" in r for p, r in report.skipped)
    assert a0.read("kb/X.md") is not None


def _forge(share: Path, publisher: str, files: dict[str, bytes], extra: dict | None = None) -> None:
    """Publish directly into the share as a foreign (possibly hostile) publisher."""
    s = Share(share)
    items = {rel: {"h": s.write_object(data), "v": {publisher: 5}, "prev": None} for rel, data in files.items()}
    items.update(extra or {})
    digest = s.write_manifest(
        canonical_json({"format": 1, "publisher": publisher, "seq": 1, "parents": [], "items": items})
    )
    s.write_head(Head(publisher, 1, digest))


def test_row17_non_utf8_and_corrupt_files_are_reported_and_the_rest_syncs(world):
    share, m0, m1, a0 = world
    _forge(
        share,
        "broken",
        {
            "kb/gbk.md": art("g", "中文").encode("gbk"),
            "scripts_library/bad.yaml": b"- id: [unclosed\n",
            "kb/binary.md": b"\x00\x01\x02",
            "kb/ok.md": art("ok", "好的").encode(),
        },
    )
    report = a0.sync()
    assert report.pulled == ["kb/ok.md"]
    reasons = dict(report.skipped)
    assert "UTF-8" in reasons["kb/gbk.md"] and "line 1" in reasons["scripts_library/bad.yaml"]
    assert "binary" in reasons["kb/binary.md"]
    assert not (a0.root / "kb/gbk.md").exists()
    assert a0.sync().unchanged  # rejected content is not retried on every poll


def test_row17_local_non_utf8_file_is_not_published(world):
    share, m0, m1, a0 = world
    m0.write("kb/gbk.md", art("g", "中文").encode("gbk"))
    report = m0.sync()
    assert report.published == [] and any(p == "kb/gbk.md" for p, _ in report.skipped)


@pytest.mark.parametrize(
    "rel",
    [
        "../evil.md",
        "/etc/evil.md",
        "C:/evil.md",
        "kb/../../evil.md",
        "kb\\..\\evil.md",
        "kb/CON.md",
        "kb/aux.txt",
        "kb/lpt1",
        "other/x.md",
        "kb/a:b.md",
        "kb/trail. ",
    ],
)
def test_share_paths_escaping_the_content_root_are_refused_and_never_written(world, tmp_path, rel):
    share, m0, m1, a0 = world
    data = art("evil", "恶意").encode()
    s = Share(share)
    _forge(
        share,
        "mallory",
        {"kb/fine.md": art("fine", "正常").encode()},
        {rel: {"h": s.write_object(data), "v": {"mallory": 9}, "prev": None}},
    )
    report = a0.sync()
    assert report.pulled == ["kb/fine.md"]
    assert any(p == rel[:200] and r.startswith("refused") for p, r in report.skipped)
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.read_bytes() == data]
    assert all(share in p.parents for p in written)


def test_a_symlinked_folder_leading_outside_the_content_root_is_never_written_through(world, tmp_path):
    share, m0, m1, a0 = world
    outside = tmp_path / "outside"
    outside.mkdir()
    (a0.root / "kb/linked").symlink_to(outside, target_is_directory=True)
    m0.write("kb/linked/x.md", art("l", "链接"))
    m0.sync()
    report = a0.sync()
    assert report.errors and list(outside.iterdir()) == []


def test_restore_puts_back_a_replaced_version_and_keeps_the_current_one(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "第二版"))
    m0.sync()
    a0.sync()
    (entry,) = a0.store().history("kb/x.md")
    assert entry.action == "replaced"
    assert restore(a0.root, entry.id, home=a0.home) == "kb/x.md"
    assert "原文" in a0.read("kb/x.md")
    assert "第二版" in a0.store().get(a0.store().history("kb/x.md")[-1].hash).decode()


def test_pending_conflicts_survive_restart_and_a_manual_fix_clears_them(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "甲"))
    m1.write("kb/x.md", art("x", "乙"))
    m0.sync()
    m1.sync()
    assert [c.path for c in pending_conflicts(m1.root, share, home=m1.home)] == ["kb/x.md"]
    assert m1.sync().exit_code == 2
    m1.write("kb/x.md", art("x", "甲"))  # the user copied theirs by hand
    assert m1.sync().exit_code == 0 and pending_conflicts(m1.root, share, home=m1.home) == []


def test_publishing_twice_without_changes_writes_nothing_new(world):
    share, m0, m1, a0 = world
    heads = snapshot(share / ".zhida")
    r = m0.sync()
    assert r.published == [] and snapshot(share / ".zhida") == heads


def test_state_lives_under_zhida_home_and_the_share_only_gets_protocol_files(world):
    share, m0, m1, a0 = world
    m0.write("kb/x.md", art("x", "改"))
    m0.sync()
    a0.sync()
    assert sorted(p.name for p in share.iterdir()) == [".zhida"]
    assert sorted(p.name for p in (share / ".zhida").iterdir()) == ["FORMAT", "heads", "leases", "manifests", "objects"]
    assert sorted(p.name for p in a0.root.iterdir()) == ["kb", "scripts_library"]
    assert tmp_litter(a0.root) == [] and tmp_litter(share) == []
    state = json.loads(next((a0.home / "sync").rglob("state.json")).read_text(encoding="utf-8"))
    assert "kb/x.md" in state["base"]


def test_a_pull_updates_the_search_index_for_the_changed_files_only(world):
    from app.core.search.index import SearchIndex
    from app.core.workspace import reindex_after_sync

    share, m0, m1, a0 = world
    SearchIndex(a0.root, home=a0.home).update()
    m0.write("kb/new.md", art("new", "鲸鱼快递的理赔流程"))
    m0.sync()
    report = reindex_after_sync(sync(a0.root, share, home=a0.home), a0.root, a0.home)
    assert report.pulled == ["kb/new.md"] and report.index.startswith("updated (1 ")
    index = SearchIndex(a0.root, home=a0.home)
    assert [h.id for h in index.search("鲸鱼快递理赔")][:1] == ["new"]
    index.close()
