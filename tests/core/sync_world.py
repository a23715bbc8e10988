"""Test helpers for sync: clients with their own content root and $ZHIDA_HOME around one shared folder."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from app.core.sync.engine import init_share, sync
from app.core.sync.report import SyncReport
from app.core.sync.store import LocalStore


class SimulatedCrash(BaseException):
    """Raised from a hook to stop a run dead, like kill -9 (not caught by the engine's error handling)."""


def crash_at(step: str, nth: int = 1):
    """A hook that crashes the n-th time `step` is reached."""
    seen = {"n": 0}

    def hook(name: str, info: dict) -> None:
        if name == step:
            seen["n"] += 1
            if seen["n"] == nth:
                raise SimulatedCrash(step)

    return hook


def art(article_id: str, body: str) -> str:
    """A small valid article."""
    return f"---\nid: {article_id}\ntitle: 标题{article_id}\n---\n## 结论\n{body}\n"


class Client:
    """One person's computer: a content root and a ZHIDA_HOME; managers publish, agents pull."""

    def __init__(self, base: Path, name: str, share: Path, manager: bool):
        self.name = name
        self.share = share
        self.manager = manager
        self.root = base / name / "content"
        self.home = base / name / "home"
        (self.root / "kb").mkdir(parents=True)
        (self.root / "scripts_library").mkdir()
        self.home.mkdir(parents=True)

    def write(self, rel: str, text: str | bytes) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(text, encoding="utf-8", newline="")

    def read(self, rel: str) -> str | None:
        path = self.root / rel
        return path.read_text(encoding="utf-8") if path.exists() else None

    def delete(self, rel: str) -> None:
        (self.root / rel).unlink()

    def files(self) -> dict[str, bytes]:
        out = {}
        for top in ("kb", "scripts_library"):
            for path in sorted((self.root / top).rglob("*")):
                if path.is_file() and not path.name.startswith("."):
                    out[path.relative_to(self.root).as_posix()] = path.read_bytes()
        return out

    def sync(self, **kw) -> SyncReport:
        kw.setdefault("publish", self.manager)
        if kw["publish"]:
            kw.setdefault("publisher", self.name)
        return sync(self.root, self.share, home=self.home, **kw)

    def store(self) -> LocalStore:
        return LocalStore(self.root, self.home)

    def kept_texts(self) -> set[bytes]:
        """Every version in this client's local history store."""
        out = set()
        objects = self.store().dir / "objects"
        if objects.exists():
            for path in objects.rglob("*"):
                if path.is_file() and not path.name.startswith("."):
                    out.add(path.read_bytes())
        return out


def share_objects(share: Path) -> set[bytes]:
    """All object contents in the share."""
    return {
        p.read_bytes() for p in (share / ".zhida" / "objects").rglob("*") if p.is_file() and not p.name.startswith(".")
    }


def make_world(tmp: Path, managers: int = 2, agents: int = 1) -> tuple[Path, list[Client], list[Client]]:
    """A fresh share and its clients (managers are named m0.., agents a0..)."""
    share = tmp / "share"
    share.mkdir()
    init_share(share)
    ms = [Client(tmp, f"m{i}", share, True) for i in range(managers)]
    ags = [Client(tmp, f"a{i}", share, False) for i in range(agents)]
    return share, ms, ags


def snapshot(path: Path) -> dict[str, bytes]:
    """Every file under `path` (for "nothing changed" assertions)."""
    return (
        {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
        if path.exists()
        else {}
    )


def tmp_litter(root: Path) -> list[str]:
    """Our temp files left in a folder."""
    return [p.name for p in root.rglob(".zhida-*.tmp")]


# The crash hook would kill the pytest process itself if it leaked in from the environment.
os.environ.pop("ZHIDA_SYNC_CRASH_AT", None)


def forge(share: Path, publisher: str, files: dict[str, bytes], extra: dict | None = None, seq: int = 1) -> str:
    """Publish straight into the share as a foreign (possibly hostile) publisher; returns the manifest hash."""
    from app.core.sync.share import Head, Share, canonical_json

    s = Share(share)
    items = {rel: {"h": s.write_object(data), "v": {publisher: 5}, "prev": None} for rel, data in files.items()}
    items.update(extra or {})
    digest = s.write_manifest(
        canonical_json({"format": 1, "publisher": publisher, "seq": seq, "parents": [], "items": items})
    )
    s.write_head(Head(publisher, seq, digest))
    return digest


def zhida(home: Path, *args: str, timeout: float = 60) -> subprocess.CompletedProcess:
    """Run the real CLI in a child process with its own ZHIDA_HOME."""
    env = dict(os.environ, ZHIDA_HOME=str(home))
    env.pop("ZHIDA_SYNC_CRASH_AT", None)
    return subprocess.run(
        [sys.executable, "-m", "app", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        cwd=Path(__file__).resolve().parents[2],
    )
