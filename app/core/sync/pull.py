"""The pull half of a run: join the heads into the remote state, decide each path three ways, guard
deletions, and apply the plan to the content root (temp file, re-check, replace; history first).

Everything here reads the share through `Share` (bounded, verified) and treats what it finds as untrusted:
a refused head, manifest, path or object is a per-file notice in the report while the rest syncs.
(About 400 lines: the remote join, the decisions, the guard and applying are one pull and share its state.)
"""

from __future__ import annotations

import os
import tempfile

from app.core.fileio.atomic import fsync_file, replace_with_retry, target_mode
from app.core.fileio.bounded import ParseError, UnsafeFileError, load_json
from app.core.sync.merge import add_entry, join, winner
from app.core.sync.names import nfc, safe_name, unsafe_path_reason
from app.core.sync.runstate import RunState, errtext
from app.core.sync.scan import content_problem, hash_or_none, read_or_none
from app.core.sync.share import FORMAT_VERSION, Head, sha256_bytes, valid_entry

# The pull-side deletion guard (docs/sync.md): a pull deleting more than this share of the synced items,
# or more than DELETE_HOLD_MAX of them, is held until the user confirms (or a manager rejects it).
DELETE_HOLD_FRACTION = 0.5
DELETE_HOLD_MAX = 100

Plan = list[tuple]


class PullSteps(RunState):
    """Remote state, three-way decisions, the deletion guard and applying the plan."""

    # -- remote -------------------------------------------------------------------
    def remote_state(self, heads: dict[str, Head], seen: dict) -> tuple[dict[str, list[dict]], dict[str, Head]]:
        """The join of every head's manifest ({path: concurrent entries}) and the heads actually used."""
        remote: dict[str, list[dict]] = {}
        used: dict[str, Head] = {}
        refused: set[str] = set()
        for pub in sorted(heads):
            items = None
            why = ""
            for head in (heads[pub], seen.get(pub)):
                if head is None:
                    continue
                items, problem = self.manifest_items(head)
                why = why or problem
                if items is not None:
                    used[pub] = head
                    if head is not heads[pub]:
                        self.report.skipped.append(
                            (
                                f"heads/{pub}.json",
                                f"waiting: its manifest has not arrived ({why or 'or is damaged'}); "
                                "using the previous one",
                            )
                        )
                    break
            if items is None:
                if heads[pub] is not None and pub in seen and seen[pub] is not None:
                    used[pub] = seen[pub]
                self.report.skipped.append((f"heads/{pub}.json", f"waiting: manifest {why or 'has not arrived yet'}"))
                continue
            own_live = False
            for rel, raw in items.items():
                # Manifests written before paths were NFC keys may hold a macOS (NFD) spelling.
                rel = nfc(rel) if isinstance(rel, str) else rel
                reason = unsafe_path_reason(rel)
                entry = valid_entry(raw)
                if reason or entry is None:
                    if rel not in refused:
                        refused.add(rel)
                        shown = safe_name(str(rel)[:200])
                        self.report.skipped.append((shown, f"refused: {reason or 'malformed manifest item'}"))
                    continue
                own_live = own_live or (entry["h"] is not None and pub in entry["v"])
                remote[rel] = add_entry(remote.get(rel, []), entry)
            if not own_live:
                self.strangers.add(pub)  # a head that only deletes: see guard_deletions
        self._refuse_clashes(remote)
        return remote, used

    def _refuse_clashes(self, remote: dict[str, list[dict]]) -> None:
        # Windows and macOS cannot hold two names differing only in case: keep the first, report the rest.
        live: dict[str, str] = {}
        for rel in sorted(remote):
            if winner(remote[rel])["h"] is None:
                continue
            key = rel.casefold()
            if key in live:
                self.report.skipped.append((rel, f"refused: differs only in letter case from {live[key]}"))
                del remote[rel]
            else:
                live[key] = rel
        # A file and a folder of the same name cannot both exist: the deeper path is refused, on every client.
        files = {key for key in live}
        for key, rel in sorted(live.items()):
            parts = key.split("/")
            clash = next(("/".join(parts[:i]) for i in range(2, len(parts)) if "/".join(parts[:i]) in files), None)
            if clash is not None and rel in remote:
                self.report.skipped.append((rel, f"refused: {live[clash]} is a file on the share, not a folder"))
                del remote[rel]

    def manifest_items(self, head: Head) -> tuple[dict | None, str]:
        """The items of a head's manifest (cached locally once verified), or (None, why not)."""
        data = self.state.cached_manifest(head.manifest)
        if data is None:
            try:
                data = self.share.read_manifest_bytes(head.manifest)
            except UnsafeFileError as exc:
                return None, f"refused ({exc.strerror})"
            if data is None:
                return None, ""
        try:
            raw = load_json(data, max_depth=self.limits.json_depth)
        except ParseError as exc:
            return None, f"damaged ({exc})"
        if not isinstance(raw, dict) or raw.get("format") != FORMAT_VERSION or not isinstance(raw.get("items"), dict):
            return None, "malformed"
        self.state.cache_manifest(head.manifest, data)
        return raw["items"], ""

    # -- decisions ----------------------------------------------------------------
    def decide(self, remote: dict[str, list[dict]]) -> Plan:
        """Three-way decision per path; returns write/delete actions, records conflicts and base updates."""
        plan: Plan = []
        old_conflicts = self.state.data["conflicts"]
        paths = sorted(set(remote) | set(self.local) | set(self.base))
        for rel in paths:
            if rel in self.hold or rel not in remote:
                continue  # absent from the share is never a deletion
            entries = remote[rel]
            w = winner(entries)
            rh, rv = w["h"], join(*(e["v"] for e in entries))
            b = self.base.get(rel)
            bh = b.get("h") if b else None
            lh = self.local.get(rel)
            if b is None and rh is None and lh is not None and lh == w.get("prev"):
                bh = lh  # a stale copy of what was deleted: not an edit, so the deletion applies
            result_h = lh
            new_base = {"h": rh, "v": rv}
            concurrent = len({e["h"] for e in entries}) > 1
            if lh == rh:
                pass
            elif self.publish and concurrent and lh is not None and any(e["h"] == lh for e in entries):
                new_base = {"h": lh, "v": rv}  # a manager keeps their own side; _team below asks them to decide
            elif lh == bh:
                plan.append(("delete", rel, lh) if rh is None else ("write", rel, rh, lh))
                result_h = rh
            elif rh == bh:
                new_base = {"h": bh, "v": join(b.get("v", {}) if b else {}, rv), "dirty": bool(b and b.get("dirty"))}
                if not self.publish and b is not None:
                    self.report.local_edits.append(rel)  # an agent's stray edit of a team file: offered back
            elif rh is None:
                self.report.notices.append(
                    f"{rel}: 共享盘上已删除，你修改过的本地版本已保留 "
                    f"(deleted on the share, your edited copy was kept: the edit wins over the deletion)"
                )
                new_base = {"h": None, "v": rv, "prev": w.get("prev")}
            elif lh is None:
                self.report.notices.append(
                    f"{rel}: 你删除了它，但共享盘上有新的修改，已恢复修改后的版本 "
                    f"(you deleted it but it was edited on the share; the edited version was restored)"
                )
                plan.append(("write", rel, rh, None))
                result_h = rh
            else:
                self._conflict(rel, lh, rh, rv, bh, team=False, since=old_conflicts.get(rel))
                continue
            if b is not None and b.get("dirty") and new_base["h"] == b.get("h"):
                new_base["dirty"] = True
            self.base[rel] = new_base
            if concurrent and not new_base.get("dirty"):
                self._team(rel, entries, result_h, rv, bh, old_conflicts.get(rel))
        return plan

    def _team(
        self, rel: str, entries: list[dict], result_h: str | None, rv: dict, bh: str | None, since: object
    ) -> None:
        """Publishers wrote concurrent versions: agents take the deterministic winner; managers decide."""
        others = [e for e in entries if e["h"] not in (result_h, None)]
        if not self.publish:
            if others:
                self.report.team_conflicts.append(rel)
            return
        if others:
            self._conflict(rel, result_h, winner(others)["h"], rv, bh, team=True, since=since)
        else:
            # Edit against delete between publishers: the edit won; publishing it settles the share.
            self.base[rel]["dirty"] = True
            self.report.notices.append(
                f"{rel}: 一位发布者删除、另一位修改，已保留修改 (deleted by one publisher and edited by another; "
                f"the edit was kept)"
            )

    def _conflict(
        self, rel: str, mine: str | None, theirs: str, rv: dict, bh: str | None, *, team: bool, since: object
    ) -> None:
        data = self.fetch(rel, theirs)
        if data is None:
            self.hold.add(rel)
            return
        self.store.put(data)
        copy = self.store.conflict_copy(rel, theirs, data)
        if not (isinstance(since, dict) and since.get("theirs") == theirs and since.get("mine") == mine):
            self.store.record(rel, data, "conflict-theirs", "their version, kept beside yours", self.batch)
            mine_data = read_or_none(self.local_file(rel)) if mine is not None else None
            if mine_data is not None and sha256_bytes(mine_data) == mine:
                # Kept too, so an edit made while merging by hand can never lose the version in conflict.
                self.store.record(
                    rel, mine_data, "conflict-mine", "your version when the conflict was found", self.batch
                )
        self.conflicts[rel] = {
            "mine": mine,
            "theirs": theirs,
            "theirs_v": rv,
            "base": bh,
            "team": team,
            "copy": str(copy),
        }
        self.hold.add(rel)

    def fetch(self, rel: str, digest: str) -> bytes | None:
        """Verified object bytes, or None (reported) when not arrived, damaged, refused or not importable."""
        data = self.store.get(digest)
        if data is None:
            try:
                data = self.share.read_object(digest, self.limits.for_path(rel))
            except UnsafeFileError as exc:
                self.report.skipped.append((rel, f"rejected: {exc.strerror}; not imported"))
                self.rejected.add(rel)
                return None
        if data is None:
            self._recheck_marker()
            self.report.skipped.append((rel, "waiting: file contents not arrived yet or incomplete; will retry"))
            return None
        problem = content_problem(rel, data, self.limits)
        if problem:
            self.report.skipped.append((rel, f"rejected: {problem}"))
            self.rejected.add(rel)
            return None
        return data

    def _recheck_marker(self) -> None:
        """A missing object may mean the share went away mid-pull: then abort (ShareError), don't just wait."""
        if not self._marker_rechecked:
            self._marker_rechecked = True
            self.share.check_marker()

    # -- the deletion guard -----------------------------------------------------------
    def guard_deletions(self, plan: Plan, remote: dict[str, list[dict]]) -> Plan:
        """Hold deletions a forged or careless head would make: more than DELETE_HOLD_FRACTION of the synced
        items or more than DELETE_HOLD_MAX in one pull, or any deletion by a head that publishes nothing of its
        own (it only deletes). Held files stay as they are, their base unchanged, and the report lists them
        until the user confirms (`confirm_deletes`) or a manager rejects them (`reject_deletes`)."""
        arriving = {a[2] for a in plan if a[0] == "write" and a[3] is None}
        deletes = [a for a in plan if a[0] == "delete" and a[2] not in arriving]  # a move is not a deletion
        if not deletes:
            return plan
        synced = sum(1 for e in self.state.data["base"].values() if isinstance(e, dict) and e.get("h"))
        mass = len(deletes) > DELETE_HOLD_MAX or len(deletes) > synced * DELETE_HOLD_FRACTION
        if self.confirm_deletes:
            if mass:
                self.report.notices.append(f"已确认删除 {len(deletes)} 个文件 (deletions confirmed)")
            return plan
        strange = [a for a in deletes if set(winner(remote[a[1]])["v"]) & self.strangers]
        held = deletes if mass else strange
        if not held:
            return plan
        by = sorted({p for a in held for p in winner(remote[a[1]])["v"] if p in self.strangers})
        why = (
            f"这次同步会删除 {len(deletes)} / {synced} 个文件 (would delete {len(deletes)} of {synced} items)"
            if mass
            else f"删除来自从未发布过内容的发布者 (deleted by a head that publishes nothing: {', '.join(by)})"
        )
        self.report.held_reason = why
        for action in held:
            rel = action[1]
            self.held[rel] = winner(remote[rel])
            self.keep_base(rel)
        gone = {a[1] for a in held}
        return [a for a in plan if not (a[0] == "delete" and a[1] in gone)]

    # -- applying -------------------------------------------------------------------
    def apply(self, plan: Plan, stats: dict) -> None:
        """Apply the plan: moves first (one os.replace each), then deletions, then writes."""
        writes = {a[1]: a for a in plan if a[0] == "write"}
        deletes = [a for a in plan if a[0] == "delete"]
        # A deletion plus a new path with the same content is a move: one os.replace, which is also the
        # only safe way to apply a case-only rename on a case-insensitive file system.
        for _, old, old_h in list(deletes):
            target = next((w for w in writes.values() if w[2] == old_h and w[3] is None and w[1] != old), None)
            if target is None:
                continue
            if self._move(old, target[1], old_h, stats):
                deletes.remove(("delete", old, old_h))
                del writes[target[1]]
        for _, rel, expect in deletes:
            self._delete(rel, expect, stats)
        for _, rel, digest, expect in writes.values():
            data = self.fetch(rel, digest)
            if data is None:
                self.keep_base(rel)
                continue
            self._write(rel, data, digest, expect, stats)

    def _failed(self, rel: str, exc: OSError) -> None:
        if isinstance(exc, (NotADirectoryError, FileExistsError, IsADirectoryError)):
            # A local file where the share has a folder (or the reverse): retrying every poll cannot help.
            self.report.skipped.append((rel, "rejected: a local file or folder of the same name is in the way"))
            self.rejected.add(rel)
        else:
            self.report.errors.append((rel, errtext(exc)))
        self.keep_base(rel)

    def _write(self, rel: str, data: bytes, digest: str, expect: str | None, stats: dict) -> bool:
        tmp = None
        try:
            full = self.target(rel)
            full.parent.mkdir(parents=True, exist_ok=True)
            if not self.inside(full.parent):
                raise PermissionError(0, "refused: the folder is a link leading outside the content root")
            self.check("pull:write_temp", path=rel)
            mode = target_mode(full)  # the replaced file's mode, else what open() would give: never 0600
            fd, tmp = tempfile.mkstemp(prefix=".zhida-", suffix=".tmp", dir=full.parent)
            if os.name != "nt":
                os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                fsync_file(fh)
            self.check("pull:before_replace", path=rel)
            current = read_or_none(full)
            if hash_or_none(current) != expect:
                os.unlink(tmp)
                tmp = None
                self.report.skipped.append((rel, "changed here while syncing; your version is kept, retry later"))
                self.keep_base(rel)
                return False
            if current is not None:
                self.store.record(rel, current, "replaced", "overwritten by a newer version from the share", self.batch)
            replace_with_retry(tmp, full)
            tmp = None
        except OSError as exc:
            if tmp:
                try:
                    os.unlink(tmp)
                except OSError:
                    pass
            self._failed(rel, exc)
            return False
        self._note_stat(rel, full, digest, stats)
        self.report.pulled.append(rel)
        self.check("pull:file_applied", path=rel)
        return True

    def _delete(self, rel: str, expect: str, stats: dict) -> bool:
        try:
            full = self.target(rel)
            self.check("pull:before_replace", path=rel)
            current = read_or_none(full)
            if hash_or_none(current) != expect:
                self.report.skipped.append((rel, "changed here while syncing; your version is kept, retry later"))
                self.keep_base(rel)
                return False
            if current is not None:
                self.store.record(rel, current, "deleted", "deleted on the share", self.batch)
                full.unlink()
        except OSError as exc:
            self._failed(rel, exc)
            return False
        stats.pop(rel, None)
        self.names.pop(rel, None)
        self.report.deleted.append(rel)
        self.check("pull:file_applied", path=rel)
        return True

    def _move(self, old: str, new: str, digest: str, stats: dict) -> bool:
        try:
            src, dst = self.target(old), self.target(new)
            self.check("pull:before_replace", path=new)
            current = read_or_none(src)
            if hash_or_none(current) != digest:
                return False
            dst.parent.mkdir(parents=True, exist_ok=True)
            if old.casefold() != new.casefold() and dst.exists():
                return False
            os.replace(src, dst)
        except OSError as exc:
            self._failed(new, exc)
            self.keep_base(old)
            return True
        stats.pop(old, None)
        self.names.pop(old, None)
        self._note_stat(new, dst, digest, stats)
        self.report.moved.append((old, new))
        self.check("pull:file_applied", path=new)
        return True

    def _note_stat(self, rel: str, full, digest: str, stats: dict) -> None:
        try:
            st = os.lstat(full)
            stats[rel] = [st.st_size, st.st_mtime_ns, st.st_ino, digest]
        except OSError:
            stats.pop(rel, None)
        self.local[rel] = digest
        self.names[rel] = full.relative_to(self.root).as_posix()
