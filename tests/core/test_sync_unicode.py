"""Sync treats file names equal after NFC normalization as one item (macOS writes NFD, Windows/Linux NFC)."""

from __future__ import annotations

import json
import os
import unicodedata
from pathlib import Path

import pytest

from app.core.sync.resolve import conflict_texts, resolve_conflict, restore
from app.core.sync.share import Head, Share, canonical_json
from tests.core.sync_world import art, make_world


def nfd(rel: str) -> str:
    return unicodedata.normalize("NFD", rel)


CAFE = "kb/caf\u00e9.md"  # composed é: what Windows and Linux editors write
GUIDE = "kb/\u30ac\u30a4\u30c9.md"  # ガイド: ガ and ド decompose into kana + dakuten on macOS
assert nfd(CAFE) != CAFE and nfd(GUIDE) != GUIDE


def listing(folder: Path) -> list[str]:
    """Names exactly as spelled on disk."""
    return sorted(os.listdir(folder))


def put(root: Path, rel: str, text: str) -> None:
    """Write a file under exactly this spelling (as a Mac or a copy from one would leave it)."""
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8", newline="")


def quiet(report) -> bool:
    return (
        report.exit_code == 0
        and not report.pulled
        and not report.deleted
        and not report.moved
        and not report.published
        and not report.conflicts
        and not report.skipped
    )


def manifest_paths(share: Path, publisher: str) -> list[str]:
    s = Share(share)
    head = s.read_head(publisher)
    return sorted(json.loads(s.read_manifest_bytes(head.manifest))["items"])


@pytest.fixture
def world(tmp_path: Path):
    share, (m0, m1), (a0,) = make_world(tmp_path)
    m0.write("kb/x.md", art("x", "原文"))
    assert m0.sync().exit_code == 0
    for c in (m1, a0):
        assert c.sync().exit_code == 0
    return share, m0, m1, a0


def test_a_mac_managers_nfd_names_are_published_as_nfc_and_the_next_poll_is_quiet(world):
    share, m0, _m1, a0 = world
    put(m0.root, nfd(GUIDE), art("g", "指南"))
    assert m0.sync().published == [GUIDE]
    assert manifest_paths(share, "m0") == sorted([GUIDE, "kb/x.md"])
    assert m0.sync().unchanged
    assert a0.sync().pulled == [GUIDE]
    assert listing(a0.root / "kb") == sorted([GUIDE[3:], "x.md"])  # new files get the NFC name


def test_an_nfd_local_file_and_the_nfc_share_entry_are_one_item_for_agents_and_managers(world):
    share, m0, m1, a0 = world
    put(m0.root, CAFE, art("c", "咖啡"))
    m0.sync()
    for c in (a0, m1):
        put(c.root, nfd(CAFE), art("c", "咖啡"))  # the same file, copied from a Mac
        first = c.sync()
        assert quiet(first), first.as_dict()
        assert listing(c.root / "kb") == sorted([nfd(CAFE)[3:], "x.md"])
        assert c.sync().unchanged  # the poll stays quiet: no phantom add, delete or conflict
    assert manifest_paths(share, "m0") == sorted([CAFE, "kb/x.md"])
    assert not (share / ".zhida/heads/m1.json").exists()


def test_pulling_an_update_or_a_deletion_acts_on_the_nfd_named_file_in_place(world):
    _share, m0, _m1, a0 = world
    m0.write(CAFE, art("c", "第一版"))
    m0.sync()
    a0.sync()
    os.rename(a0.root / CAFE, a0.root / nfd(CAFE))  # the agent's copy now spelled the macOS way
    m0.write(CAFE, art("c", "第二版"))
    m0.sync()
    report = a0.sync()
    assert report.pulled == [CAFE] and not report.conflicts and not report.skipped
    assert listing(a0.root / "kb") == sorted([nfd(CAFE)[3:], "x.md"])
    assert "第二版" in (a0.root / nfd(CAFE)).read_text(encoding="utf-8")
    (entry,) = a0.store().history(nfd(CAFE))  # history is keyed by the NFC name, found by either spelling
    assert entry.path == CAFE and entry.action == "replaced"
    m0.delete(CAFE)
    m0.sync()
    assert a0.sync().deleted == [CAFE]
    assert listing(a0.root / "kb") == ["x.md"]


def test_a_new_file_goes_into_the_existing_nfd_spelled_folder(world):
    _share, m0, _m1, a0 = world
    folder = "kb/R\u00e9sum\u00e9"
    m0.write(f"{folder}/a.md", art("a", "甲"))
    m0.sync()
    a0.sync()
    os.rename(a0.root / folder, a0.root / nfd(folder))
    m0.write(f"{folder}/b.md", art("b", "乙"))
    m0.sync()
    assert a0.sync().pulled == [f"{folder}/b.md"]
    assert listing(a0.root / "kb") == sorted([nfd(folder)[3:], "x.md"])
    assert listing(a0.root / nfd(folder)) == ["a.md", "b.md"]


def test_two_local_names_differing_only_in_normalization_are_reported_and_left_untouched(world):
    share, m0, m1, a0 = world
    m0.write(CAFE, art("c", "共享版"))
    m0.sync()
    for c in (a0, m1):
        c.sync()
        put(c.root, nfd(CAFE), art("c", "另一份"))
    m0.write(CAFE, art("c", "共享第二版"))
    m0.sync()
    for c in (a0, m1):
        texts = {n: (c.root / "kb" / n).read_bytes() for n in listing(c.root / "kb")}
        report = c.sync()
        (reason,) = [r for p, r in report.skipped if p == CAFE]
        assert CAFE in reason and nfd(CAFE) in reason  # names both spellings
        assert CAFE not in report.pulled + report.deleted + report.published
        assert not report.conflicts
        assert {n: (c.root / "kb" / n).read_bytes() for n in listing(c.root / "kb")} == texts
    # The manager's twin never reaches the share, and the share's version is not deleted either.
    assert manifest_paths(share, "m0") == sorted([CAFE, "kb/x.md"])
    assert not (share / ".zhida/heads/m1.json").exists()
    again = a0.sync()  # reported on every poll while the twins exist, not only when the share changes
    assert not again.unchanged and [p for p, _ in again.skipped] == [CAFE]
    # Renaming one twin away settles it: the held update from the share lands on the other.
    (a0.root / nfd(CAFE)).rename(a0.root / "kb/cafe-copy.md")
    report = a0.sync()
    assert report.pulled == [CAFE] and not report.skipped
    assert "共享第二版" in (a0.root / CAFE).read_text(encoding="utf-8")
    assert a0.sync().unchanged


def _forge_legacy(share: Path, publisher: str, files: dict[str, bytes]) -> None:
    """A manifest as a Mac publisher wrote it before this change: NFD keys."""
    s = Share(share)
    items = {nfd(rel): {"h": s.write_object(data), "v": {publisher: 1}, "prev": None} for rel, data in files.items()}
    digest = s.write_manifest(
        canonical_json({"format": 1, "publisher": publisher, "seq": 1, "parents": [], "items": items})
    )
    s.write_head(Head(publisher, 1, digest))


def _make_state_legacy(client) -> None:
    """Rewrite a client's files and saved base as the old engine left them after pulling NFD keys."""
    for rel in (CAFE, GUIDE):
        os.rename(client.root / rel, client.root / nfd(rel))
    state_path = next((client.home / "sync").rglob("state.json"))
    state = json.loads(state_path.read_text(encoding="utf-8"))
    for table in ("base", "stat"):
        state[table] = {nfd(k): v for k, v in state[table].items()}
    state_path.write_text(json.dumps(state, ensure_ascii=False), encoding="utf-8")
    assert nfd(CAFE) in state["base"]


def test_an_old_base_and_manifest_with_nfd_keys_still_sync_without_phantom_changes(world):
    share, m0, m1, a0 = world
    _forge_legacy(share, "oldmac", {CAFE: art("c", "咖啡").encode(), GUIDE: art("g", "指南").encode()})
    for c in (a0, m1):
        assert sorted(c.sync().pulled) == sorted([CAFE, GUIDE])
        _make_state_legacy(c)
        assert quiet(c.sync())
    m0.write("kb/other.md", art("o", "别的"))
    m0.sync()  # a new head: agents now read their (old) base in full
    for c in (a0, m1):
        report = c.sync()
        assert report.pulled == ["kb/other.md"] and quiet(c.sync()), report.as_dict()
        assert not report.deleted and not report.published and not report.conflicts and not report.skipped
        assert listing(c.root / "kb") == sorted([nfd(CAFE)[3:], nfd(GUIDE)[3:], "other.md", "x.md"])
    # An edit on the old-spelled file is published under the NFC key and lands in place elsewhere.
    put(m1.root, nfd(CAFE), art("c", "咖啡新版"))
    assert m1.sync().published == [CAFE]
    assert CAFE in manifest_paths(share, "m1") and nfd(CAFE) not in manifest_paths(share, "m1")
    assert a0.sync().pulled == [CAFE]
    assert "咖啡新版" in (a0.root / nfd(CAFE)).read_text(encoding="utf-8")
    assert not (a0.root / CAFE).exists()


def test_old_history_lines_with_nfd_paths_restore_into_the_existing_file(world):
    _share, m0, _m1, a0 = world
    m0.write(CAFE, art("c", "第一版"))
    m0.sync()
    a0.sync()
    os.rename(a0.root / CAFE, a0.root / nfd(CAFE))
    store = a0.store()
    store.dir.mkdir(parents=True, exist_ok=True)
    digest = store.put(art("c", "旧版本").encode())
    with open(store.history_path, "a", encoding="utf-8") as fh:
        fh.write(
            json.dumps({"time": 1.0, "path": nfd(CAFE), "hash": digest, "action": "replaced"}, ensure_ascii=False)
            + "\n"
        )
    (entry,) = store.history(CAFE)
    assert restore(a0.root, entry.id, home=a0.home) == CAFE
    assert listing(a0.root / "kb") == sorted([nfd(CAFE)[3:], "x.md"])
    assert "旧版本" in (a0.root / nfd(CAFE)).read_text(encoding="utf-8")


def test_a_conflict_on_an_nfd_named_file_shows_and_resolves_that_file(world):
    share, m0, m1, _a0 = world
    m0.write(CAFE, art("c", "原"))
    m0.sync()
    m1.sync()
    os.rename(m1.root / CAFE, m1.root / nfd(CAFE))
    m0.write(CAFE, art("c", "甲改"))
    put(m1.root, nfd(CAFE), art("c", "乙改"))
    m0.sync()
    report = m1.sync()
    (c,) = report.conflicts
    assert c.path == CAFE and Path(c.mine) == m1.root / nfd(CAFE)
    mine, theirs = conflict_texts(m1.root, c, home=m1.home)
    assert "乙改" in mine and "甲改" in theirs
    resolve_conflict(m1.root, share, nfd(CAFE), "theirs", home=m1.home)
    assert listing(m1.root / "kb") == sorted([nfd(CAFE)[3:], "x.md"])
    assert "甲改" in (m1.root / nfd(CAFE)).read_text(encoding="utf-8")
    assert m1.sync().exit_code == 0
