"""`zhida sync` and `zhida history`: exit codes, one-line failures, JSON reports, resolve and restore."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from app.cli import main
from app.core.settings import Settings, save_settings
from tests.conftest import article


@pytest.fixture
def two(tmp_path: Path, make_root, monkeypatch):
    """A share, a knowledge manager (home m) and an agent (home a)."""
    share = tmp_path / "share"
    share.mkdir()
    homes = {name: tmp_path / f"home-{name}" for name in ("m", "a")}
    for home in homes.values():
        home.mkdir()
    save_settings(Settings(role="知识管理员"), home=homes["m"])
    roots = {"m": make_root({"kb/x.md": article("x", body="## 结论\n原文\n")}, name="m"), "a": make_root({}, name="a")}

    def run(who: str, *args: str) -> int:
        monkeypatch.setenv("ZHIDA_HOME", str(homes[who]))
        return main(["sync", "--shared", str(share), "--content", str(roots[who]), *args])

    return share, roots, homes, run


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_init_publish_and_pull_with_json_reports(two, capsys):
    share, roots, homes, run = two
    assert run("m", "--init", "--publish", "--publisher", "kefu-zhang", "--json") == 0
    report = _json(capsys)
    assert report["published"] == ["kb/x.md"] and report["exit_code"] == 0
    assert (share / ".zhida/heads/kefu-zhang.json").exists()
    assert run("a", "--json") == 0
    assert _json(capsys)["pulled"] == ["kb/x.md"]
    assert run("a", "--json") == 0
    report = _json(capsys)
    assert report["unchanged"] and report["files_read_from_share"] == 2


def test_a_folder_without_marker_is_refused_with_one_line(two, capsys):
    share, roots, homes, run = two
    assert run("a") == 1
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "FORMAT" in err and "--init" in err


def test_init_refuses_a_non_empty_folder(two, capsys):
    share, roots, homes, run = two
    (share / "photo.jpg").write_bytes(b"x")
    assert run("m", "--init") == 1
    assert "empty folder" in capsys.readouterr().err


def test_agents_cannot_publish(two, capsys):
    share, roots, homes, run = two
    run("m", "--init")
    capsys.readouterr()
    assert run("a", "--publish") == 1
    assert "知识管理员" in capsys.readouterr().err


def test_conflict_exits_2_lists_both_paths_and_resolves(two, capsys):
    share, roots, homes, run = two
    run("m", "--init", "--publish", "--publisher", "zhang")
    run("a")
    (roots["m"] / "kb/x.md").write_text(article("x", body="## 结论\n管理员改\n"), encoding="utf-8")
    (roots["a"] / "kb/x.md").write_text(article("x", body="## 结论\n坐席改\n"), encoding="utf-8")
    run("m", "--publish")
    capsys.readouterr()
    assert run("a", "--json") == 2
    (conflict,) = _json(capsys)["conflicts"]
    assert conflict["path"] == "kb/x.md" and Path(conflict["mine"]) == roots["a"] / "kb/x.md"
    assert "管理员改" in Path(conflict["theirs"]).read_text(encoding="utf-8")
    assert run("a", "--conflicts") == 2
    assert "kb/x.md" in capsys.readouterr().out
    assert run("a", "--resolve", "kb/x.md") == 1  # no choice given: told how, nothing changed
    assert "--keep" in capsys.readouterr().err
    assert run("a", "--resolve", "kb/x.md", "--keep", "theirs") == 0
    assert "管理员改" in (roots["a"] / "kb/x.md").read_text(encoding="utf-8")
    assert run("a") == 0


def test_resolve_with_a_merged_file(two, capsys, tmp_path):
    share, roots, homes, run = two
    run("m", "--init", "--publish", "--publisher", "zhang")
    run("a")
    (roots["m"] / "kb/x.md").write_text(article("x", body="## 结论\n甲\n"), encoding="utf-8")
    (roots["a"] / "kb/x.md").write_text(article("x", body="## 结论\n乙\n"), encoding="utf-8")
    run("m", "--publish")
    assert run("a") == 2
    merged = tmp_path / "merged.md"
    merged.write_text(article("x", body="## 结论\n甲乙\n"), encoding="utf-8")
    assert run("a", "--resolve", "kb/x.md", "--merged", str(merged)) == 0
    assert "甲乙" in (roots["a"] / "kb/x.md").read_text(encoding="utf-8")


def test_skipped_files_are_listed_with_reasons_and_history_restores(two, capsys, monkeypatch):
    share, roots, homes, run = two
    run("m", "--init", "--publish", "--publisher", "zhang")
    run("a")
    (roots["m"] / "kb/x.md").write_text(article("x", body="## 结论\n新版\n"), encoding="utf-8")
    (roots["m"] / "kb/gbk.md").write_bytes(article("g").encode("gbk"))
    capsys.readouterr()
    run("m", "--publish", "--json")
    report = _json(capsys)
    assert report["published"] == ["kb/x.md"]
    assert report["skipped"][0]["path"] == "kb/gbk.md" and "UTF-8" in report["skipped"][0]["reason"]
    run("a")
    monkeypatch.setenv("ZHIDA_HOME", str(homes["a"]))
    capsys.readouterr()
    assert main(["history", "--content", str(roots["a"]), "--json"]) == 0
    (entry,) = _json(capsys)["history"]
    assert entry["path"] == "kb/x.md" and entry["action"] == "replaced"
    assert main(["history", "--content", str(roots["a"]), "--restore", str(entry["id"])]) == 0
    assert "原文" in (roots["a"] / "kb/x.md").read_text(encoding="utf-8")
    assert main(["history", "--content", str(roots["a"]), "--restore", "99"]) == 1
    assert "99" in capsys.readouterr().err


def test_mass_deletion_needs_confirm_deletes(two, capsys):
    share, roots, homes, run = two
    run("m", "--init", "--publish", "--publisher", "zhang")
    (roots["m"] / "kb/x.md").unlink()
    capsys.readouterr()
    assert run("m", "--publish") == 1
    assert "--confirm-deletes" in capsys.readouterr().err
    assert run("m", "--publish", "--confirm-deletes") == 0


def test_init_reports_what_it_created_and_an_existing_share_says_so(two, capsys):
    share, roots, homes, run = two
    assert run("m", "--init", "--publish", "--publisher", "zhang") == 0
    err = capsys.readouterr().err
    assert "已创建共享文件夹" in err and ".zhida/FORMAT" in err and ".zhida/heads/" in err
    assert run("m", "--init", "--publish") == 0
    assert "共享文件夹已存在" in capsys.readouterr().err


def test_an_empty_folder_is_a_valid_pull_target_for_a_new_agent(two, capsys, tmp_path):
    share, roots, homes, run = two
    run("m", "--init", "--publish", "--publisher", "zhang")
    empty = tmp_path / "new-agent"
    empty.mkdir()
    capsys.readouterr()
    assert main(["sync", "--shared", str(share), "--content", str(empty), "--json"]) == 0
    assert _json(capsys)["pulled"] == ["kb/x.md"] and (empty / "kb/x.md").exists()
    stranger = tmp_path / "documents"
    stranger.mkdir()
    (stranger / "letter.docx").write_bytes(b"x")
    assert main(["sync", "--shared", str(share), "--content", str(stranger)]) == 1
    assert "not a content root" in capsys.readouterr().err and not (stranger / "kb").exists()


def test_a_stray_local_edit_is_listed_and_discarded_for_the_team_version_kept_in_history(two, capsys, monkeypatch):
    share, roots, homes, run = two
    run("m", "--init", "--publish", "--publisher", "zhang")
    run("a")
    (roots["a"] / "kb/x.md").write_text(article("x", body="## 结论\n坐席自己改的\n"), encoding="utf-8")
    (roots["m"] / "kb/new.md").write_text(article("new"), encoding="utf-8")
    run("m", "--publish")
    capsys.readouterr()
    assert run("a", "--json") == 0
    assert _json(capsys)["local_edits"] == ["kb/x.md"]
    assert run("a", "--local-edits") == 0
    assert "kb/x.md" in capsys.readouterr().out
    assert run("a", "--discard-local", "kb/x.md") == 0
    assert "团队版本" in capsys.readouterr().out
    assert "原文" in (roots["a"] / "kb/x.md").read_text(encoding="utf-8")
    monkeypatch.setenv("ZHIDA_HOME", str(homes["a"]))
    assert main(["history", "--content", str(roots["a"]), "--json"]) == 0
    kept = [e for e in _json(capsys)["history"] if e["path"] == "kb/x.md"]
    assert kept and "discarded" in kept[-1]["note"]
    assert run("a", "--json") == 0 and _json(capsys)["local_edits"] == []


def test_held_deletions_exit_2_and_are_confirmed_then_restored_as_a_batch(two, capsys, monkeypatch):
    share, roots, homes, run = two
    (roots["m"] / "kb/y.md").write_text(article("y"), encoding="utf-8")
    run("m", "--init", "--publish", "--publisher", "zhang")
    run("a")
    for rel in ("kb/x.md", "kb/y.md"):
        (roots["m"] / rel).unlink()
    run("m", "--publish", "--confirm-deletes")
    capsys.readouterr()
    assert run("a") == 2
    err = capsys.readouterr().err
    assert "deletions held" in err and "--confirm-deletes" in err and (roots["a"] / "kb/x.md").exists()
    assert run("a", "--confirm-deletes", "--json") == 0
    assert sorted(_json(capsys)["deleted"]) == ["kb/x.md", "kb/y.md"]
    monkeypatch.setenv("ZHIDA_HOME", str(homes["a"]))
    main(["history", "--content", str(roots["a"]), "--json"])
    (batch,) = {e["batch"] for e in _json(capsys)["history"] if e["action"] == "deleted"}
    assert main(["history", "--content", str(roots["a"]), "--restore-batch", batch]) == 0
    assert (roots["a"] / "kb/x.md").exists() and (roots["a"] / "kb/y.md").exists()
