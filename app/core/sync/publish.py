"""The publish half of a run (knowledge managers): after the pull, write the objects, then the manifest,
then replace our own head; the base is updated last. Guards: another publisher's lease, a publication
deleting more than half of the live items, our own head changing under us.

A path whose share version was rejected (too large, a YAML bomb, not UTF-8…) can always be repaired:
the manager's local version is published over it. A deletion held by the pull-side guard is published
back as a live item when the manager rejects it (`reject_deletes`), which restores it for the team.
"""

from __future__ import annotations

import getpass
import os
import re

from app.core.sync.merge import join, winner
from app.core.sync.runstate import RunState
from app.core.sync.scan import content_problem, read_or_none
from app.core.sync.share import FORMAT_VERSION, PUBLISHER_NAME, Head, canonical_json, sha256_bytes

MASS_DELETE_FRACTION = 0.5
LEASE_TTL = 120.0


def default_publisher() -> str:
    """A publisher name from the login name plus a random suffix (one head file per client)."""
    try:
        user = getpass.getuser()
    except Exception:
        user = "user"
    user = re.sub(r"[^A-Za-z0-9_-]", "", user)[:40] or "user"
    return f"{user}-{os.urandom(3).hex()}"


class PublishSteps(RunState):
    """Publishing what changed locally, under the lease and the mass-deletion guard."""

    def publish_changes(self, remote: dict[str, list[dict]], used: dict[str, Head]) -> None:
        """Publish local changes (after the pull); failures and guards land in `report.failed`."""
        state = self.state
        me = self.publisher or state.data.get("publisher") or default_publisher()
        if not PUBLISHER_NAME.match(me):
            self.report.failed = f"发布者名称 (publisher name) {me!r}: use 1-64 letters, digits, '-' or '_'"
            return
        state.data["publisher"] = me
        for rel in self.report.deleted:
            self.local.pop(rel, None)
        for old, _ in self.report.moved:
            self.local.pop(old, None)
        blocked = self._lease_holder(me)
        if blocked:
            self.report.failed = (
                f"暂缓发布 (publish deferred): {blocked} 正在发布 (lease); "
                f"pulled changes are applied, publish again later"
            )
            return
        items, changed, bodies = self._changes(remote, me)
        if not changed:
            return
        live = sum(1 for e in remote.values() if winner(e)["h"] is not None)
        added = {e["h"] for e in changed.values() if e["h"] is not None}
        gone = sum(
            1
            for rel, e in changed.items()
            if e["h"] is None
            and e["prev"] not in added  # moves are not deletions
            and rel in remote
            and winner(remote[rel])["h"]
        )
        if gone and not self.confirm_deletes and (gone >= live or gone > live * MASS_DELETE_FRACTION):
            self.report.failed = (
                f"发布被拦下 (publish blocked): it would delete {gone} of {live} items on the share; "
                f"请检查内容文件夹 (check the content folder), then publish with --confirm-deletes"
            )
            return
        self._write_publication(me, items, changed, bodies, used)

    def _changes(self, remote: dict[str, list[dict]], me: str) -> tuple[dict, dict, dict[str, bytes]]:
        """(the new manifest's items, the entries that changed, the bytes to upload)."""
        items: dict[str, dict] = {}
        changed: dict[str, dict] = {}
        bodies: dict[str, bytes] = {}
        for rel in sorted(set(remote) | set(self.local) | set(self.base)):
            entries = remote.get(rel, [])
            lh = self.local.get(rel)
            b = self.base.get(rel)
            bh = b.get("h") if b else None
            # The share's version was rejected and the manager edited the file: publishing the fix repairs it.
            repair = rel in self.rejected and lh is not None and lh != bh
            restore = rel in self.held and self.reject_deletes and lh is not None
            if (rel in self.hold and not (repair or restore)) or rel in self.conflicts:
                if entries:
                    items[rel] = winner(entries)
                continue
            need = (
                repair
                or restore
                or lh != bh
                or bool(b and b.get("dirty"))
                or (not entries and lh is not None)
                or len({e["h"] for e in entries}) > 1
            )
            if not need:
                if entries:
                    items[rel] = winner(entries)
                continue
            if lh is None and not entries:
                continue
            if lh is not None:
                problem: str | None
                try:
                    data = read_or_none(self.local_file(rel))
                except OSError as exc:
                    data, problem = None, f"cannot read ({exc.strerror or exc})"
                else:
                    problem = (
                        "changed while publishing"
                        if data is None or sha256_bytes(data) != lh
                        else content_problem(rel, data, self.limits)
                    )
                if problem or data is None:
                    self.report.skipped.append((rel, f"not published: {problem}"))
                    if entries:
                        items[rel] = winner(entries)
                    continue
                bodies[rel] = data
            vec = join(b.get("v", {}) if b else {}, *(e["v"] for e in entries))
            vec[me] = vec.get(me, 0) + 1
            entry = {"h": lh, "v": vec, "prev": bh if lh is None else None}
            items[rel] = changed[rel] = entry
            if restore:
                self.held.pop(rel, None)
                self.report.notices.append(f"{rel}: 已拒绝删除并重新发布 (deletion rejected, published again)")
        return items, changed, bodies

    def _write_publication(
        self, me: str, items: dict, changed: dict, bodies: dict[str, bytes], used: dict[str, Head]
    ) -> None:
        state = self.state
        state.data["publishing"] = changed
        state.data["pending"] = True
        state.save()
        self.share.take_lease(me)
        self.check("publish:lease_taken")
        try:
            for rel, data in bodies.items():
                self.share.write_object(data)
                self.check("publish:object_written", path=rel)
            self.check("publish:objects_written")
            in_share = self.share.read_head(me)
            if in_share is not None and in_share != used.get(me):
                self.report.failed = (
                    f"发布已停止 (publish stopped): heads/{me}.json changed during this run; "
                    f"另一台电脑在用同一个发布者名称吗 (is another computer publishing under the same name)?"
                )
                return
            prev_seq = max((h.seq for h in (used.get(me), in_share) if h is not None), default=0)
            manifest = {
                "format": FORMAT_VERSION,
                "publisher": me,
                "seq": prev_seq + 1,
                "parents": sorted(h.manifest for h in used.values()),
                "items": items,
            }
            digest = self.share.write_manifest(canonical_json(manifest))
            self.check("publish:manifest_written")
            head = Head(me, prev_seq + 1, digest)
            self.share.write_head(head)
            self.check("publish:head_written")
        finally:
            self.share.drop_lease(me)
        used[me] = head
        for rel, entry in changed.items():
            self.base[rel] = {"h": entry["h"], "v": entry["v"], "prev": entry["prev"]}
            self.hold.discard(rel)
            self.rejected.discard(rel)
        self.report.published = sorted(changed)

    def _lease_holder(self, me: str) -> str | None:
        now = self.clock()
        seen = self.state.data["lease_seen"]
        leases = self.share.read_leases()
        live = None
        for pub, nonce in sorted(leases.items()):
            if pub == me:
                continue
            rec = seen.get(pub)
            if not (isinstance(rec, list) and len(rec) == 2 and rec[0] == nonce):
                seen[pub] = rec = [nonce, now]  # our own clock only: skew between machines cannot matter
            if now - rec[1] < self.lease_ttl:
                live = live or pub
        for pub in list(seen):
            if pub not in leases:
                del seen[pub]
        return live
