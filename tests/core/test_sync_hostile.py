"""Rows 19-30 of the fault matrix (docs/sync.md): a hostile share, hostile content and concurrent clients
cannot stop, freeze, empty or expose the team. Every attack is built from real files in tmp (sparse
files for the huge ones) and, where it takes processes, real processes."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from app.core.settings import Settings, save_settings
from app.core.sync.engine import sync
from app.core.sync.resolve import restore_batch
from app.core.sync.share import Head, Share
from tests.core.sync_world import SimulatedCrash, art, crash_at, forge, make_world, zhida

posix_only = pytest.mark.skipif(os.name == "nt", reason="FIFOs, /dev/zero and modes are POSIX")
REPO = Path(__file__).resolve().parents[2]

ALIAS_BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{name}: &{name} [{', '.join([f'*{prev}'] * 9)}]\n" for prev, name in zip("abcdefgh", "bcdefghi", strict=True)
)


def deep_yaml(levels: int) -> str:
    return "".join(" " * i + "a:\n" for i in range(levels)) + " " * levels + "b: 1\n"


@pytest.fixture
def world(tmp_path: Path):
    share, (m0,), (a0, a1) = make_world(tmp_path, managers=1, agents=2)
    m0.write("kb/x.md", art("x", "原文"))
    m0.write("kb/y.md", art("y", "第二篇"))
    m0.write("scripts_library/s.yaml", "- id: s1\n  title: 问候\n  text: 您好\n")
    assert m0.sync().exit_code == 0
    for c in (a0, a1):
        assert c.sync().exit_code == 0
    return share, m0, a0, a1


def _reasons(report) -> dict[str, str]:
    return {path: reason for path, reason in report.skipped}


def _sparse(path: Path, size: int) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "wb") as fh:
        fh.truncate(size)


# -- row 19: bounded parsing of everything from the share ----------------------------------------------
def test_row19_yaml_nested_600_levels_on_the_share_is_rejected_the_rest_syncs_and_a_repair_publishes(world):
    share, m0, a0, a1 = world
    forge(
        share,
        "mallory",
        {"scripts_library/synonyms.yaml": deep_yaml(600).encode(), "kb/ok.md": art("ok", "好").encode()},
    )
    report = a0.sync()
    assert report.exit_code == 0 and report.pulled == ["kb/ok.md"]
    assert "nested more than 40 levels" in _reasons(report)["scripts_library/synonyms.yaml"]
    assert a0.read("scripts_library/synonyms.yaml") is None
    m0.write("kb/x.md", art("x", "经理的修改"))
    assert m0.sync().published == ["kb/x.md"]  # the bad file does not stop a manager's publish
    m0.write("scripts_library/synonyms.yaml", "kind: synonyms\ngroups:\n  - [退款, 退钱]\n")
    assert "scripts_library/synonyms.yaml" in m0.sync().published  # the repair goes over the bad version
    report = a0.sync()
    assert report.exit_code == 0 and "退钱" in a0.read("scripts_library/synonyms.yaml")
    assert "经理的修改" in a0.read("kb/x.md")


def test_row19_a_head_and_a_manifest_nested_100000_levels_are_notices_and_publishing_still_works(world):
    share, m0, a0, a1 = world
    deep = ("[" * 100_000 + "]" * 100_000).encode()
    (share / ".zhida/heads/deep.json").write_bytes(b"[" * 30_000 + b"]" * 30_000)  # within the head size limit
    digest = hashlib.sha256(deep).hexdigest()
    (share / ".zhida/manifests" / f"{digest}.json").write_bytes(deep)
    Share(share).write_head(Head("deepman", 1, digest))
    started = time.perf_counter()
    report = a0.sync()
    assert time.perf_counter() - started < 5
    reasons = _reasons(report)
    assert "30000 levels" in reasons["heads/deep.json"] and "100000 levels" in reasons["heads/deepman.json"]
    assert report.exit_code == 0
    m0.write("kb/y.md", art("y", "照常发布"))
    assert m0.sync().published == ["kb/y.md"]
    assert "照常发布" in (a0.sync(), a0.read("kb/y.md"))[1]


@posix_only
def test_row19_a_fifo_as_head_or_object_never_hangs_a_real_sync_process(world):
    share, m0, a0, a1 = world
    os.mkfifo(share / ".zhida/heads/x.json")
    digest = forge(share, "piper", {"kb/p.md": art("p", "管道").encode()})
    obj = Share(share).object_path(json.loads(Share(share).manifest_path(digest).read_bytes())["items"]["kb/p.md"]["h"])
    obj.unlink()
    os.mkfifo(obj)
    out = zhida(a0.home, "sync", "--shared", str(share), "--content", str(a0.root), "--json", timeout=60)
    report = json.loads(out.stdout)
    reasons = {s["path"]: s["reason"] for s in report["skipped"]}
    assert "FIFO" in reasons["heads/x.json"] and "FIFO" in reasons["kb/p.md"]
    assert out.returncode == 0 and a0.read("kb/p.md") is None


@posix_only
def test_row19_a_200_mb_head_and_a_link_to_dev_zero_are_refused_without_reading_them(world):
    share, m0, a0, a1 = world
    _sparse(share / ".zhida/heads/huge.json", 200 * 1024 * 1024)
    (share / ".zhida/heads/zero.json").symlink_to("/dev/zero")
    started = time.perf_counter()
    report = a0.sync()
    assert time.perf_counter() - started < 3
    reasons = _reasons(report)
    assert "200 MB" in reasons["heads/huge.json"] and "link leading outside" in reasons["heads/zero.json"]
    assert report.exit_code == 0


# -- row 20: YAML alias bombs ---------------------------------------------------------------------------
def test_row20_an_alias_bomb_as_synonyms_or_front_matter_is_rejected_in_milliseconds(world):
    share, m0, a0, a1 = world
    bomb_article = f"---\nid: bomb\ntitle: 炸弹\n{ALIAS_BOMB}---\n## 结论\n内容\n"
    forge(share, "mallory", {"scripts_library/synonyms.yaml": ALIAS_BOMB.encode(), "kb/bomb.md": bomb_article.encode()})
    started = time.perf_counter()
    report = a0.sync()
    assert time.perf_counter() - started < 3
    reasons = _reasons(report)
    assert "alias" in reasons["scripts_library/synonyms.yaml"] and "alias" in reasons["kb/bomb.md"]
    assert report.exit_code == 0 and report.pulled == []


def test_row20_an_alias_bomb_in_local_content_is_one_validate_error_not_a_hang(make_root, capsys):
    from app.cli import main

    root = make_root({"kb/a.md": art("a", "好"), "scripts_library/synonyms.yaml": ALIAS_BOMB})
    started = time.perf_counter()
    assert main(["validate", "--content", str(root)]) == 1
    assert time.perf_counter() - started < 5
    out = capsys.readouterr()
    assert "synonyms.yaml" in out.out + out.err and "alias" in out.out + out.err


# -- row 21: a 200 MB article -------------------------------------------------------------------------
@posix_only
def test_row21_a_200_mb_article_is_not_pulled_and_a_local_one_does_not_take_out_search(world, make_root):
    share, m0, a0, a1 = world
    fake = "e" * 64
    _sparse(Share(share).object_path(fake), 200 * 1024 * 1024)
    forge(share, "mallory", {}, {"kb/huge.md": {"h": fake, "v": {"mallory": 1}, "prev": None}})
    report = a0.sync()
    assert "over the 16 MB limit" in _reasons(report)["kb/huge.md"] and a0.read("kb/huge.md") is None

    from app.core.workspace import load_workspace

    root = make_root({"kb/a.md": art("a", "鲸鱼快递的理赔流程")})
    _sparse(root / "kb/huge.md", 200 * 1024 * 1024)
    started = time.perf_counter()
    ws = load_workspace(root)
    assert time.perf_counter() - started < 20
    assert any(p.path == "kb/huge.md" and "16 MB" in p.message for p in ws.problems)
    assert ws.index is not None and [h.id for h in ws.index.search("鲸鱼快递理赔")][:1] == ["a"]
    ws.index.close()


# -- row 22: the pull-side deletion guard ----------------------------------------------------------------
def _tombstone_everything(share: Path, client, publisher: str = "evil") -> None:
    base = json.loads(next((client.home / "sync").rglob("state.json")).read_text(encoding="utf-8"))["base"]
    forge(
        share,
        publisher,
        {},
        {rel: {"h": None, "v": {**e["v"], publisher: 1}, "prev": e["h"]} for rel, e in base.items()},
    )


def test_row22_a_forged_head_deleting_everything_is_held_for_agents_and_managers(world):
    share, m0, a0, a1 = world
    before = a0.files()
    _tombstone_everything(share, a0)
    report = a0.sync()
    assert report.exit_code == 2 and report.deleted == [] and a0.files() == before
    assert report.held_deletes == ["kb/x.md", "kb/y.md", "scripts_library/s.yaml"] and "3 / 3" in report.held_reason
    again = a0.sync()  # the cheap unchanged poll still shows it
    assert again.unchanged and again.held_deletes == report.held_deletes and again.exit_code == 2
    manager = m0.sync()
    assert manager.held_deletes == report.held_deletes and manager.deleted == [] and manager.published == []
    # The manager rejects: the files are published back over the tombstones, for everyone.
    rejected = m0.sync(reject_deletes=True)
    assert rejected.published == ["kb/x.md", "kb/y.md", "scripts_library/s.yaml"] and rejected.exit_code == 0
    report = a0.sync()
    assert report.exit_code == 0 and report.held_deletes == [] and a0.files() == before


def test_row22_a_confirmed_batch_of_deletions_comes_back_with_one_action(world):
    share, m0, a0, a1 = world
    before = a1.files()
    _tombstone_everything(share, a1)
    report = a1.sync(confirm_deletes=True)
    assert sorted(report.deleted) == ["kb/x.md", "kb/y.md", "scripts_library/s.yaml"] and a1.files() == {}
    batch = {e.batch for e in a1.store().history() if e.action == "deleted"}
    (name,) = batch
    assert sorted(restore_batch(a1.root, name, home=a1.home)) == sorted(before)
    assert a1.files() == before


def test_row22_a_head_that_only_deletes_is_held_even_for_one_file(world):
    share, m0, a0, a1 = world
    base = json.loads(next((a0.home / "sync").rglob("state.json")).read_text(encoding="utf-8"))["base"]
    e = base["kb/y.md"]
    forge(share, "sneaky", {}, {"kb/y.md": {"h": None, "v": {**e["v"], "sneaky": 1}, "prev": e["h"]}})
    report = a0.sync()
    assert report.held_deletes == ["kb/y.md"] and "sneaky" in report.held_reason and a0.read("kb/y.md")
    assert a0.sync(confirm_deletes=True).deleted == ["kb/y.md"]
    m0.delete("kb/x.md")  # a manager who publishes content deletes one file: applied as always
    m0.sync()
    assert a0.sync().deleted == ["kb/x.md"]


# -- row 23: one sync at a time per client, across processes --------------------------------------------
HOLDER = """
import sys, time
from pathlib import Path
from app.core.sync.store import locked
with locked(Path(sys.argv[1]), Path(sys.argv[2]), 0):
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
"""


def _hold_lock(client, seconds: float) -> subprocess.Popen:
    proc = subprocess.Popen(
        [sys.executable, "-c", HOLDER, str(client.root), str(client.home), str(seconds)],
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_row23_a_second_sync_reports_already_syncing_and_a_killed_holder_leaves_no_stale_lock(world):
    share, m0, a0, a1 = world
    holder = _hold_lock(a0, 60)
    try:
        started = time.perf_counter()
        report = sync(a0.root, share, home=a0.home, wait=0.3)
        assert time.perf_counter() - started < 3
        assert report.exit_code == 1 and "already syncing" in report.busy and str(holder.pid) in report.busy
    finally:
        holder.send_signal(signal.SIGKILL) if os.name != "nt" else holder.kill()
        holder.wait()
    assert sync(a0.root, share, home=a0.home, wait=5).exit_code == 0  # kill -9 left nothing to clean


def test_row23_the_cli_waits_briefly_for_the_apps_sync_to_finish(world, monkeypatch, capsys):
    from app.cli import main

    share, m0, a0, a1 = world
    holder = _hold_lock(a0, 1.0)  # the app's sync, in another process
    monkeypatch.setenv("ZHIDA_HOME", str(a0.home))
    assert main(["sync", "--shared", str(share), "--content", str(a0.root)]) == 0, capsys.readouterr().err
    holder.wait()


def test_row23_two_publishing_processes_on_one_client_never_conflict_with_themselves(world):
    share, m0, a0, a1 = world
    save_settings(Settings(role="知识管理员"), home=m0.home)
    m0.write("kb/x.md", art("x", "经理的修改"))
    env = dict(os.environ, ZHIDA_HOME=str(m0.home))
    cmd = [sys.executable, "-m", "app", "sync", "--shared", str(share), "--content", str(m0.root)]
    procs = [
        subprocess.Popen([*cmd, "--publish", "--publisher", "m0", "--json"], env=env, stdout=subprocess.PIPE, cwd=REPO)
        for _ in range(2)
    ]
    reports = [json.loads(p.communicate(timeout=60)[0]) for p in procs]
    assert [r["exit_code"] for r in reports] == [0, 0]
    assert sorted(len(r["published"]) for r in reports) == [0, 1]  # one published, the other found it done
    assert m0.sync().conflicts == [] and "经理的修改" in (a0.sync(), a0.read("kb/x.md"))[1]


# -- rows 24-30: the small things ----------------------------------------------------------------------------
@posix_only
def test_row24_pulled_files_and_share_files_are_team_readable_never_0600(world, tmp_path):
    share, m0, a0, a1 = world
    existing = set((share / ".zhida").rglob("*"))
    old = os.umask(0o002)
    try:
        os.chmod(share, 0o2775)
        for folder in (share / ".zhida").rglob("*"):
            if folder.is_dir():
                os.chmod(folder, 0o2775)  # as an admin prepares a team share
        m0.write("kb/new.md", art("new", "新文章"))
        m0.sync()
        a0.sync()
    finally:
        os.umask(old)
    assert oct((a0.root / "kb/new.md").stat().st_mode & 0o777) == oct(0o664)
    new = set((share / ".zhida").rglob("*")) - existing | {share / ".zhida/heads/m0.json"}
    assert len([p for p in new if p.is_file()]) >= 3  # object, manifest, head
    for path in new:
        mode = path.stat().st_mode & 0o7777
        assert mode & 0o060 == 0o060, f"{path} is {oct(mode)}"  # group read+write on everything we wrote
        assert not path.is_dir() or mode & 0o2000, f"{path} lost the setgid bit"


@posix_only
@pytest.mark.skipif(os.name == "nt" or os.geteuid() != 0, reason="needs root to become a second OS user")
def test_row24_a_second_os_user_on_a_group_share_can_publish_and_the_first_can_pull():
    import shutil
    import tempfile

    import app.core.content.loader  # noqa: F401 - loaded before the fork: the child may not read the venv

    tmp_path = Path(tempfile.mkdtemp(prefix="zhida-two-users-"))  # pytest's tmp is 0700: nobody cannot enter
    os.chmod(tmp_path, 0o755)
    try:
        _two_users(tmp_path)
    finally:
        shutil.rmtree(tmp_path, ignore_errors=True)


def _two_users(tmp_path: Path) -> None:
    share, (m0,), _ = make_world(tmp_path, managers=1, agents=0)
    for path in (tmp_path / "m0", tmp_path / "m0" / "content"):
        os.chmod(path, 0o755)
    m0.write("kb/y.md", art("y", "已有文章"))
    m0.sync()
    nobody = 65534
    for path in [share, *share.rglob("*")]:  # an admin hands the share to the team's group
        os.chown(path, -1, nobody)
        os.chmod(path, 0o2775 if path.is_dir() else 0o664)
    other = tmp_path / "other"
    (other / "content/kb").mkdir(parents=True)
    (other / "home").mkdir()
    (other / "content/kb/z.md").write_text(art("z", "第二个系统用户"), encoding="utf-8")
    for path in [other, *other.rglob("*")]:
        os.chown(path, nobody, nobody)
    m0.write("kb/x.md", art("x", "第一个用户先发布"))
    m0.sync()
    pid = os.fork()
    if pid == 0:  # the child becomes user nobody, group nobody, and publishes into the same share
        code = 4
        try:
            os.setgroups([])
            os.setgid(nobody)
            os.setuid(nobody)
            os.umask(0o002)
            report = sync(other / "content", share, publish=True, publisher="other", home=other / "home")
            code = 0 if report.exit_code == 0 and report.published == ["kb/z.md"] else 3
            if code:
                (other / "failed.txt").write_text(report.summary(), encoding="utf-8")
        except BaseException:
            import traceback

            (other / "failed.txt").write_text(traceback.format_exc(), encoding="utf-8")
        finally:
            os._exit(code)
    _, status = os.waitpid(pid, 0)
    failed = other / "failed.txt"
    assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, failed.exists() and failed.read_text()
    assert "第二个系统用户" in (m0.sync(), m0.read("kb/z.md"))[1]
    assert "第一个用户先发布" in (other / "content/kb/x.md").read_text(encoding="utf-8")


def test_row25_temp_files_of_a_killed_pull_are_swept(world):
    share, m0, a0, a1 = world
    m0.write("kb/x.md", art("x", "新版"))
    m0.sync()
    with pytest.raises(SimulatedCrash):
        a0.sync(hook=crash_at("pull:before_replace"))
    (left,) = list((a0.root / "kb").glob(".zhida-*.tmp"))
    fresh = a0.root / "kb/.zhida-live.tmp"  # another write in progress right now: not touched
    fresh.write_text("x")
    os.utime(left, (time.time() - 3600, time.time() - 3600))
    report = a0.sync()
    assert not left.exists() and fresh.exists() and any("temp" in n for n in report.notices)
    assert "新版" in a0.read("kb/x.md")


def test_row26_only_known_content_kinds_are_pulled_and_names_are_shown_safely(world):
    share, m0, a0, a1 = world
    bad = {
        "kb/run.exe": b"MZ",
        "scripts_library/tool.sh": b"rm -rf /",
        "kb/\u202egpj.exe.md": art("rlo", "伪装").encode(),
        "kb/zero\u200bwidth.md": art("zw", "零宽").encode(),
        "kb/" + "长" * 90 + ".md": art("long", "长名").encode(),
    }
    forge(share, "mallory", {"kb/fine.md": art("fine", "正常").encode(), **bad})
    report = a0.sync()
    assert report.pulled == ["kb/fine.md"] and report.exit_code == 0
    shown = " ".join(p for p, _ in report.skipped)
    assert "\u202e" not in shown and "\\u202e" in shown and "\\u200b" in shown
    assert sorted(p.name for p in (a0.root / "kb").iterdir()) == ["fine.md", "x.md", "y.md"]


def test_row27_a_file_folder_clash_in_a_manifest_or_on_disk_does_not_fail_every_poll(world):
    share, m0, a0, a1 = world
    forge(
        share,
        "mallory",
        {
            "kb/a.md": art("a", "文件").encode(),
            "kb/a.md/b.md": art("b", "文件夹里").encode(),
            "kb/d/x.md": art("d", "d").encode(),
        },
    )
    (a1.root / "kb/d").write_text("a local file named like the share's folder")
    report = a0.sync()
    assert report.exit_code == 0 and "kb/a.md" in report.pulled and "not a folder" in _reasons(report)["kb/a.md/b.md"]
    report = a1.sync()
    assert report.exit_code == 0 and "in the way" in _reasons(report)["kb/d/x.md"]
    assert a0.sync().exit_code == 0 and a1.sync().exit_code == 0


def test_row28_names_sync_treats_as_litter_are_never_written(world):
    share, m0, a0, a1 = world
    litter = ["kb/x.md.tmp", "kb/.hidden.md", "kb/~$lock.md", "kb/a.sync-conflict-1.md", "kb/b (conflicted copy).md"]
    forge(share, "mallory", {rel: art("l", "垃圾").encode() for rel in litter})
    report = a0.sync()
    assert report.pulled == [] and all(_reasons(report)[rel].startswith("refused") for rel in litter)
    assert sorted(p.name for p in (a0.root / "kb").iterdir()) == ["x.md", "y.md"]


def test_row29_a_share_unmounted_mid_pull_fails_and_the_next_run_completes(world, tmp_path):
    share, m0, a0, a1 = world
    for n in range(5):
        m0.write(f"kb/n{n}.md", art(f"n{n}", f"第{n}篇"))
    m0.sync()
    away = tmp_path / "unmounted"

    def unmount(step: str, info: dict) -> None:
        if step == "pull:file_applied" and not away.exists():
            share.rename(away)

    report = a0.sync(hook=unmount)
    assert report.exit_code == 1 and "share not available" in report.failed
    away.rename(share)
    report = a0.sync()
    assert report.exit_code == 0 and report.conflicts == []
    assert sorted(a0.files()) == sorted(m0.files())


def test_row30_other_features_folders_under_zhida_are_tolerated_and_never_pulled(world):
    share, m0, a0, a1 = world
    for rel in ("usage/a0/2026-11.jsonl", "review/kb/x.md.json", "training/t1/progress.json", "cases/c1.json"):
        path = share / ".zhida" / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text('{"n": 1}\n', encoding="utf-8")
    if os.name != "nt":
        os.mkfifo(share / ".zhida/usage/a0/pipe")
    m0.write("kb/x.md", art("x", "照常"))
    assert m0.sync().published == ["kb/x.md"]
    report = a0.sync()
    assert report.exit_code == 0 and report.skipped == [] and report.pulled == ["kb/x.md"]
    assert sorted(p.name for p in a0.root.iterdir()) == ["kb", "scripts_library"]
