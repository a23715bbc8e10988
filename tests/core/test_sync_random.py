"""Row 18: seeded random runs — 3 publishers, 5 agents, crashes, I/O errors, late-arriving objects."""

from __future__ import annotations

import errno
import random
from pathlib import Path

import pytest

from app.core.sync.resolve import pending_conflicts, resolve_conflict
from tests.core.sync_world import SimulatedCrash, art, make_world, share_objects

FAULT_STEPS = [
    "start",
    "pull:heads_read",
    "pull:write_temp",
    "pull:before_replace",
    "pull:file_applied",
    "pull:applied",
    "publish:lease_taken",
    "publish:object_written",
    "publish:objects_written",
    "publish:manifest_written",
    "publish:head_written",
    "state_saved",
]


class Sim:
    def __init__(self, tmp: Path, seed: int):
        self.rng = random.Random(seed)
        self.share, self.managers, self.agents = make_world(tmp, managers=3, agents=5)
        self.clients = self.managers + self.agents
        self.limbo = tmp / "limbo"
        self.limbo.mkdir()
        self.now = 1000.0
        self.serial = 0
        self.shared = [f"kb/f{i}.md" for i in range(8)]
        self.doomed: dict[str, str] = {}
        self.gone: set[str] = set()
        self.losses: list[str] = []

    def text(self, who: str, rel: str) -> str:
        self.serial += 1
        return art(Path(rel).stem, f"{who} 第{self.serial}次保存")

    def clock(self) -> float:
        return self.now

    def sync(self, client, faults: bool, **kw) -> None:
        before = client.files()
        hook = None
        roll = self.rng.random()
        if faults and roll < 0.2:
            step, nth = self.rng.choice(FAULT_STEPS), self.rng.randint(1, 2)
            count = {"n": 0}

            def hook(name: str, info: dict, step=step, nth=nth, count=count) -> None:
                if name == step:
                    count["n"] += 1
                    if count["n"] == nth:
                        raise SimulatedCrash(step)
        elif faults and roll < 0.35:
            step, code = self.rng.choice(FAULT_STEPS), self.rng.choice([errno.EACCES, errno.ENOSPC, errno.EIO])

            def hook(name: str, info: dict, step=step, code=code) -> None:
                if name == step and self.rng.random() < 0.7:
                    raise OSError(code, "injected")

        objects_before = set((self.share / ".zhida/objects").rglob("*"))
        try:
            client.sync(hook=hook, clock=self.clock, confirm_deletes=not faults, **kw)
        except SimulatedCrash:
            pass
        if faults and client.manager and self.rng.random() < 0.3:
            # A sync tool delivers the manifest before some objects: hold the new ones back for a while.
            for path in set((self.share / ".zhida/objects").rglob("*")) - objects_before:
                if path.is_file():
                    dest = self.limbo / path.relative_to(self.share)
                    dest.parent.mkdir(parents=True, exist_ok=True)
                    path.rename(dest)
        after = client.files()
        kept = client.kept_texts() | share_objects(self.share) | set(after.values()) | self.held()
        for rel, data in before.items():
            if after.get(rel) != data and data not in kept:
                self.losses.append(f"{client.name}:{rel}")

    def held(self) -> set[bytes]:
        return {p.read_bytes() for p in self.limbo.rglob("*") if p.is_file()}

    def release(self) -> None:
        for path in list(self.limbo.rglob("*")):
            if path.is_file():
                dest = self.share / path.relative_to(self.limbo)
                dest.parent.mkdir(parents=True, exist_ok=True)
                path.rename(dest)

    def step(self) -> None:
        self.now += 7
        rng, op = self.rng, self.rng.random()
        m = rng.choice(self.managers)
        if op < 0.28:
            rel = rng.choice(self.shared)
            m.write(rel, self.text(m.name, rel))
        elif op < 0.34:
            rel = f"kb/d{self.serial}.md"
            self.doomed[rel] = m.name
            m.write(rel, self.text(m.name, rel))
        elif op < 0.40:
            mine = [
                r for r, who in self.doomed.items() if who == m.name and r not in self.gone and m.read(r) is not None
            ]
            if mine:
                rel = rng.choice(mine)
                self.gone.add(rel)
                m.delete(rel)
        elif op < 0.43:
            rel = rng.choice(self.shared)
            if m.read(rel) is not None:
                m.delete(rel)
        elif op < 0.48:
            for c in pending_conflicts(m.root, self.share, home=m.home):
                choice = rng.choice(["mine", "theirs", "merged"])
                merged = self.text(m.name + "合并", c.path) if choice == "merged" else None
                resolve_conflict(m.root, self.share, c.path, choice, merged, home=m.home)
        elif op < 0.52:
            self.release()
        elif op < 0.75:
            self.sync(m, faults=True)
        else:
            self.sync(rng.choice(self.agents), faults=True)

    def settle(self) -> None:
        self.release()
        for _ in range(8):
            self.now += 1000
            for m in self.managers:
                self.sync(m, faults=False)
                for c in pending_conflicts(m.root, self.share, home=m.home):
                    resolve_conflict(m.root, self.share, c.path, "mine", home=m.home)
                self.sync(m, faults=False)
            for a in self.agents:
                self.sync(a, faults=False)
            views = [c.files() for c in self.clients]
            if all(v == views[0] for v in views) and not any(
                pending_conflicts(m.root, self.share, home=m.home) for m in self.managers
            ):
                return
        raise AssertionError("clients did not converge")


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_row18_random_publishers_agents_crashes_and_io_errors_lose_nothing_and_converge(tmp_path, seed):
    sim = Sim(tmp_path, seed)
    for rel in sim.shared:
        sim.managers[0].write(rel, sim.text("m0", rel))
    sim.sync(sim.managers[0], faults=False)
    for _ in range(140):
        sim.step()
    sim.settle()
    assert sim.losses == []
    final = sim.clients[0].files()
    assert not (set(final) & sim.gone), "a deleted file came back"
    assert all(c.files() == final for c in sim.clients)
    for c in sim.clients:  # leftovers of crashed runs never show up as content
        assert all(not p.name.startswith(".zhida-") for p in c.root.rglob("*.md"))
