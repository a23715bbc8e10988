"""What a sync run reports: pulled, published, conflicts (with both versions' paths), skipped, failures."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from app.core.sync.names import safe_name
from app.core.sync.scan import local_path


@dataclass
class Conflict:
    """A file changed differently here and on the share: both versions kept, a decision pending."""

    path: str
    mine: str
    theirs: str
    mine_hash: str | None
    theirs_hash: str
    team: bool = False

    def as_dict(self) -> dict:
        """JSON form (the paths of both versions)."""
        return {"path": self.path, "mine": self.mine, "theirs": self.theirs, "team": self.team}


@dataclass
class SyncReport:
    """What one sync run did; `exit_code` is 0 all synced, 2 conflicts pending, 1 failure."""

    share: str
    content_root: str
    role: str
    unchanged: bool = False
    pulled: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    moved: list[tuple[str, str]] = field(default_factory=list)
    published: list[str] = field(default_factory=list)
    conflicts: list[Conflict] = field(default_factory=list)
    team_conflicts: list[str] = field(default_factory=list)
    notices: list[str] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)
    failed: str | None = None
    busy: str | None = None  # another sync of this client was running (failed says so too)
    held_deletes: list[str] = field(default_factory=list)  # deletions held by the pull-side guard
    held_reason: str = ""
    local_edits: list[str] = field(default_factory=list)  # an agent's local changes to team files
    reads: int = 0
    seconds: float = 0.0
    index: str = ""

    @property
    def exit_code(self) -> int:
        """0 when everything is in step, 2 when conflicts or held deletions wait for a decision, 1 on failure."""
        if self.failed or self.errors:
            return 1
        return 2 if self.conflicts or self.held_deletes else 0

    @property
    def changed_locally(self) -> bool:
        """True when this run changed files in the content root."""
        return bool(self.pulled or self.deleted or self.moved)

    def summary(self) -> str:
        """One line for the status bar and the CLI (Chinese, with the English term)."""
        if self.busy:
            return self.busy
        if self.failed:
            return f"同步失败 (sync failed): {self.failed}"
        if self.errors:
            path, reason = self.errors[0]
            return (
                f"同步未完成 (sync incomplete): {len(self.errors)} 个文件未写入 (not written) "
                f"({safe_name(path)}: {reason}); 稍后重试 (will retry)"
            )
        held = f"；{len(self.held_deletes)} 个删除待确认 (deletions held)" if self.held_deletes else ""
        if self.unchanged:
            return "共享文件夹无变化 (share unchanged)" + held
        parts = [
            f"拉取 {len(self.pulled)} pulled",
            f"删除 {len(self.deleted)} deleted",
            f"移动 {len(self.moved)} moved",
            f"发布 {len(self.published)} published",
            f"冲突 {len(self.conflicts)} conflicts",
            f"跳过 {len(self.skipped)} skipped",
        ]
        return ", ".join(parts) + held

    def as_dict(self) -> dict:
        """The report as one JSON document."""
        return {
            "share": self.share,
            "content": self.content_root,
            "role": self.role,
            "unchanged": self.unchanged,
            "pulled": self.pulled,
            "deleted": self.deleted,
            "moved": [list(m) for m in self.moved],
            "published": self.published,
            "conflicts": [c.as_dict() for c in self.conflicts],
            "team_conflicts": self.team_conflicts,
            "notices": self.notices,
            "skipped": [{"path": p, "reason": r} for p, r in self.skipped],
            "errors": [{"path": p, "reason": r} for p, r in self.errors],
            "failed": self.failed,
            "busy": self.busy,
            "held_deletes": self.held_deletes,
            "held_reason": self.held_reason,
            "local_edits": self.local_edits,
            "files_read_from_share": self.reads,
            "seconds": round(self.seconds, 4),
            "index": self.index,
            "exit_code": self.exit_code,
            "summary": self.summary(),
        }


def conflicts_of(root: Path, raw: dict) -> list[Conflict]:
    """Conflict objects from the state's conflict table."""
    out = []
    for rel, c in sorted(raw.items()):
        if isinstance(c, dict) and isinstance(c.get("theirs"), str):
            out.append(
                Conflict(
                    rel,
                    str(local_path(root, rel)),
                    str(c.get("copy", "")),
                    c.get("mine"),
                    c["theirs"],
                    bool(c.get("team")),
                )
            )
    return out
