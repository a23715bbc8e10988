"""Rows 5 and 6 of the fault matrix: crashes at every step of publishing and pulling.

In-process crashes raise from a hook between steps; real crashes kill a `zhida sync` subprocess with
the ZHIDA_SYNC_CRASH_AT test hook (os._exit at that step, like kill -9).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from app.core.settings import Settings, save_settings
from tests.core.sync_world import SimulatedCrash, art, crash_at, make_world

PUBLISH_CRASHES = [
    ("publish:lease_taken", 1),
    ("publish:object_written", 1),
    ("publish:object_written", 2),
    ("publish:objects_written", 1),
    ("publish:manifest_written", 1),
    ("publish:head_written", 1),
    ("state_saved", 1),
]
PULL_CRASHES = [
    ("pull:heads_read", 1),
    ("pull:write_temp", 1),
    ("pull:before_replace", 2),
    ("pull:file_applied", 1),
    ("pull:file_applied", 2),
    ("pull:applied", 1),
    ("state_saved", 1),
]

OLD = {
    "kb/x.md": art("x", "旧x"),
    "kb/y.md": art("y", "旧y"),
    "kb/w.md": art("w", "旧w"),
    "scripts_library/s.yaml": "- id: s1\n  title: 问候\n  text: 您好\n",
}
NEW = {
    "kb/x.md": art("x", "新x"),
    "kb/y.md": art("y", "新y"),
    "kb/z.md": art("z", "新z"),
    "scripts_library/s.yaml": "- id: s1\n  title: 问候\n  text: 您好\n",
}


def _world(tmp_path: Path):
    share, (m0,), (a0,) = make_world(tmp_path, managers=1, agents=1)
    for rel, text in OLD.items():
        m0.write(rel, text)
    m0.sync()
    a0.sync()
    for rel, text in NEW.items():
        m0.write(rel, text)
    m0.delete("kb/w.md")
    return share, m0, a0


def _texts(client) -> dict[str, str]:
    return {rel: data.decode("utf-8") for rel, data in client.files().items()}


def _zhida(client, *args: str, crash: str | None = None, publish: bool = False) -> subprocess.CompletedProcess:
    env = dict(os.environ, ZHIDA_HOME=str(client.home))
    env.pop("ZHIDA_SYNC_CRASH_AT", None)
    if crash:
        env["ZHIDA_SYNC_CRASH_AT"] = crash
    cmd = [sys.executable, "-m", "app", "sync", "--shared", str(client.share), "--content", str(client.root), *args]
    if publish:
        cmd += ["--publish", "--publisher", client.name]
    return subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=60)


def _check_publish_recovery(share: Path, m0, a0, manifests_before: int) -> None:
    # A reader in the middle sees the old state or the complete new one, never a mix.
    a0.sync()
    assert _texts(a0) in (OLD, NEW)
    again = m0.sync()
    assert again.exit_code == 0, again.failed
    a0.sync()
    assert _texts(a0) == NEW
    # Publishing again after the crash is idempotent: one new manifest, one head step, nothing more.
    assert len(list((share / ".zhida/manifests").glob("*.json"))) == manifests_before + 1
    assert m0.sync().published == []
    assert '"seq":2' in (share / ".zhida/heads/m0.json").read_text(encoding="utf-8")


@pytest.mark.parametrize("step,nth", PUBLISH_CRASHES)
def test_row5_crash_at_every_publish_step_in_process(tmp_path, step, nth):
    share, m0, a0 = _world(tmp_path)
    before = len(list((share / ".zhida/manifests").glob("*.json")))
    with pytest.raises(SimulatedCrash):
        m0.sync(hook=crash_at(step, nth))
    _check_publish_recovery(share, m0, a0, before)


@pytest.mark.parametrize("step,nth", PUBLISH_CRASHES)
def test_row5_kill_a_real_publishing_process_at_every_step(tmp_path, step, nth):
    share, m0, a0 = _world(tmp_path)
    save_settings(Settings(role="知识管理员"), home=m0.home)
    before = len(list((share / ".zhida/manifests").glob("*.json")))
    killed = _zhida(m0, publish=True, crash=f"{step}:{nth}")
    assert killed.returncode == 137, killed.stderr
    _check_publish_recovery(share, m0, a0, before)


def _pull_world(tmp_path: Path):
    share, m0, a0 = _world(tmp_path)
    m0.sync()
    a0.write("scripts_library/mine.yaml", "- id: p1\n  title: 我的\n  text: 本地话术\n")
    return share, m0, a0


def _check_pull_recovery(a0, m0) -> None:
    # The user keeps working after the crash: an edit to a file sync may already have replaced.
    a0.write("kb/y.md", art("y", "崩溃后本地修改"))
    report = a0.sync()
    assert "崩溃后本地修改" in a0.read("kb/y.md")
    assert "本地话术" in a0.read("scripts_library/mine.yaml")
    assert a0.read("kb/x.md") == NEW["kb/x.md"] and a0.read("kb/z.md") == NEW["kb/z.md"]
    assert a0.read("kb/w.md") is None
    # Equal files count as synced: the only possible conflict is the file edited after the crash.
    assert [c.path for c in report.conflicts] in ([], ["kb/y.md"])
    kept = a0.kept_texts() | {p.read_bytes() for p in a0.store().dir.rglob("*.md")}
    assert OLD["kb/w.md"].encode() in kept


@pytest.mark.parametrize("step,nth", PULL_CRASHES)
def test_row6_crash_at_every_pull_step_in_process(tmp_path, step, nth):
    share, m0, a0 = _pull_world(tmp_path)
    with pytest.raises(SimulatedCrash):
        a0.sync(hook=crash_at(step, nth))
    _check_pull_recovery(a0, m0)


@pytest.mark.parametrize("step,nth", PULL_CRASHES)
def test_row6_kill_a_real_pulling_process_at_every_step(tmp_path, step, nth):
    share, m0, a0 = _pull_world(tmp_path)
    killed = _zhida(a0, crash=f"{step}:{nth}")
    assert killed.returncode == 137, killed.stderr
    _check_pull_recovery(a0, m0)


def test_the_crash_hook_is_inert_when_unset(tmp_path):
    share, m0, a0 = _world(tmp_path)
    save_settings(Settings(role="知识管理员"), home=m0.home)
    done = _zhida(m0, "--json", publish=True)
    assert done.returncode == 0, done.stderr
    assert '"published"' in done.stdout


def test_a_file_deleted_after_a_publish_that_crashed_before_saving_its_base_stays_deleted(tmp_path):
    share, m0, a0 = _world(tmp_path)
    with pytest.raises(SimulatedCrash):
        m0.sync(hook=crash_at("publish:head_written"))
    m0.delete("kb/z.md")  # published by the crashed run, then deleted by the user
    m0.sync()
    a0.sync()
    assert m0.read("kb/z.md") is None and a0.read("kb/z.md") is None


def test_a_file_pulled_by_a_run_that_crashed_is_not_a_conflict_when_the_share_moves_on(tmp_path):
    share, m0, a0 = _pull_world(tmp_path)
    with pytest.raises(SimulatedCrash):
        a0.sync(hook=crash_at("pull:applied"))
    m0.write("kb/x.md", art("x", "再新x"))
    m0.sync()
    report = a0.sync()
    assert report.conflicts == [] and "再新x" in a0.read("kb/x.md")
