"""Instant search over articles and scripts: a persistent Whoosh index per content root, fused with embeddings.

    index = SearchIndex(root)          # cheap; nothing is read yet
    index.open()                       # off the UI thread: loads the segmenter, opens or builds the index
    index.update()                     # incremental: only added, changed and deleted files
    index.embed_pending(progress)      # off the UI thread: vectors for texts not yet embedded
    hits = index.search("退货 运费险", limit=10, kind="article")

The agent's own scripts ($ZHIDA_HOME/personal/scripts_library, see app.core.personal) are indexed too,
under paths starting with "@personal/", so typing finds them beside the team's; their hits say
`layer == "personal"`.

The index lives in zhida_home()/index/<hash of the content root>/ as generations (store.py): a
rebuild is written beside the live generation and swapped in, so searches keep answering from the
old one meanwhile. A corrupt, half-written or outdated index is noticed on open (or on the first
failing search) and rebuilt, with a message in `index.messages`. Writers take turns behind a file
lock; searches never wait for a writer. Search is lexical (lexical.py) until the semantic retriever
(semantic.py) has its model and every text's vector; then both rankings are fused (fusion.py).
Just over 400 lines: the index's lifecycle (open, damage recovery, generations, update, search) is one
lock's worth of state; planning, writing, ranking and embedding are in their own modules.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from whoosh import index as windex

from app.core.content.model import Content
from app.core.paths import zhida_home
from app.core.search import documents as index_docs
from app.core.search import fusion, sources
from app.core.search.hits import Hit
from app.core.search.lexical import Filters, Lexical
from app.core.search.plan import DAMAGED, REQUESTED, plan_update
from app.core.search.query import LONG_QUERY_CHARS, synonym_map
from app.core.search.results import make_hit, semantic_candidates, semantic_worthy
from app.core.search.semantic import READY, Semantic
from app.core.search.store import (
    META_FILE,
    current_name,
    discard,
    file_sizes,
    index_dir,
    is_write_locked,
    live_generation,
    new_build_folder,
    publish_generation,
    read_meta,
    write_lock,
)
from app.core.search.writer import SCHEMA_VERSION, read_manifest, write
from app.core.text.chars import is_cjk
from app.core.text.segment import add_words

USAGE_BOOST_CAP = 0.08
USAGE_SATURATION = 50
INLINE_EMBED = 64  # `zhida search` embeds this many new texts itself before answering; more wait for `zhida index`

Progress = Callable[[int, int], None]

__all__ = ["SCHEMA_VERSION", "SearchError", "SearchIndex", "UpdateReport"]


@dataclass
class UpdateReport:
    """What an update did."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    documents: int = 0
    rebuilt: bool = False
    reason: str = ""  # why it rebuilt (plan.REQUESTED, MISSING, SCHEMA, DAMAGED, DICTIONARY)
    problems: list = field(default_factory=list)

    @property
    def touched(self) -> int:
        """Files that reached the index writer."""
        return self.added + self.changed + self.deleted


class SearchError(RuntimeError):
    """The index could not answer even after being rebuilt."""


class SearchIndex:
    """The search index of one content root (see the module docstring)."""

    def __init__(self, content_root: Path | str, home: Path | str | None = None, personal: bool = True):
        self.root = Path(content_root).resolve()
        self.dir = index_dir(self.root, home)
        base = Path(home) if home is not None else zhida_home()
        # Extra content roots whose scripts join this index (only the personal layer, and never itself).
        self.layers: dict[str, Path] = {}
        if personal and (base / "personal").resolve() != self.root:
            self.layers["personal"] = base / "personal"
        self.messages: list[str] = []
        self.semantic = Semantic(self.dir)
        self._live: Path | None = None  # the generation folder the searcher reads
        self._live_name = ""
        self._ix: Any = None
        self._searcher: Any = None
        self._lexical: Lexical | None = None
        self._synonyms: dict[str, list[str]] = {}
        self._char_df: dict[str, int] = {}
        self._usage: dict[str, int] = {}
        self._docnums: dict[tuple[str, str], int | None] = {}  # (path, id) → docnum in the current searcher
        self._checked: tuple[Path, Any, dict[str, Any]] | None = None  # what _damage() just verified
        self._lock = threading.RLock()  # the searcher and what hangs on it
        self._writing = threading.Lock()  # one writer per process at a time (the file lock is per process)

    # -- opening ---------------------------------------------------------------------------------
    @property
    def is_ready(self) -> bool:
        """True once open() has finished: search() will answer without loading anything."""
        return self._searcher is not None

    @property
    def live(self) -> Path | None:
        """The folder of the generation being searched (None before open)."""
        return self._live

    def open(self) -> SearchIndex:
        """Open the index, building it first when missing, outdated or corrupt; safe to call again."""
        self.semantic.start()
        with self._lock:
            if self._searcher is not None:
                return self
            reason = self._damage(live_generation(self.dir))
            if reason is None:
                self._load()
                return self
        if reason:
            self._note(reason)
        # Not rebuild=True: under the write lock the state is checked again, so when another window was
        # building this very index meanwhile, its work is used instead of being redone.
        self.update()
        return self

    def close(self) -> None:
        """Release open files (the index stays on disk)."""
        with self._lock:
            self._close_searcher()
            self._ix = None

    def _close_searcher(self) -> None:
        if self._searcher is not None:
            try:
                self._searcher.close()
            except Exception:
                pass
            self._searcher = None
            self._lexical = None

    def _note(self, message: str) -> None:
        if message not in self.messages:
            self.messages.append(message)

    def _damage(self, folder: Path | None) -> str | None:
        """None when the generation opens cleanly; '' when there is none yet; else why it must be rebuilt."""
        if folder is None:
            if (self.dir / META_FILE).is_file():
                return "搜索索引来自旧版本,正在重建 (index from another version; rebuilding)"
            return ""
        meta = read_meta(folder)
        has_toc = windex.exists_in(str(folder))
        if meta is None:
            return "搜索索引不完整,正在重建 (index metadata missing; rebuilding)"
        if meta.get("schema_version") != SCHEMA_VERSION:
            return "搜索索引来自旧版本,正在重建 (index from another version; rebuilding)"
        if not has_toc:
            return "搜索索引损坏(缺少目录文件),正在重建 (index table of contents missing; rebuilding)"
        try:
            ix = windex.open_dir(str(folder))
            generation = ix.latest_generation()
            if generation == meta.get("generation"):
                sizes = file_sizes(folder)
                for name, size in (meta.get("files") or {}).items():
                    if sizes.get(name, -1) != size and not is_write_locked(self.dir):
                        return f"搜索索引文件被截断({name}),正在重建 (truncated index file; rebuilding)"
            with ix.searcher() as searcher:
                searcher.doc_count()
                # Reading stored fields and a posting list touches every part of each segment.
                for reader, _ in searcher.reader().leaf_readers():
                    if reader.doc_count_all():
                        reader.stored_fields(0)
                        next(iter(reader.all_terms()), None)
        except Exception as exc:
            return f"搜索索引损坏,正在重建 (corrupt index: {type(exc).__name__}; rebuilding)"
        # Kept for _load(): opening the index and parsing the meta file a second time costs a fresh process ~50 ms.
        self._checked = (folder, ix, meta)
        return None

    def _load_meta(self, meta: dict[str, Any]) -> None:
        add_words(meta.get("vocab") or [])
        self._synonyms = synonym_map(meta.get("synonyms") or [])
        chars = meta.get("char_df")
        self._char_df = chars if isinstance(chars, dict) else {}

    def _load(self) -> None:
        """Open the live generation (the one _damage() just checked, if it did)."""
        with self._lock:
            checked, self._checked = self._checked, None
            name = current_name(self.dir)
            folder = live_generation(self.dir)
            if folder is None:
                raise SearchError(f"no search index in {self.dir}")
            if checked is not None and checked[0] == folder:
                ix, meta = checked[1], checked[2]
            else:
                ix, meta = windex.open_dir(str(folder)), read_meta(folder) or {}
            self._load_meta(meta)
            self._close_searcher()
            self._live, self._live_name, self._ix = folder, name, ix
            self._searcher = ix.searcher()
            self._lexical = Lexical(self._searcher, self._synonyms, self._char_df)
            self._docnums = {}

    def _current(self) -> Lexical:
        """The lexical view of the newest committed state: a swapped-in generation or a newer commit."""
        if current_name(self.dir) != self._live_name:
            self._load()  # a rebuild was swapped in by this or another process
        fresh = self._searcher.refresh()  # whoosh closes what the old searcher no longer shares
        if fresh is not self._searcher:
            self._searcher = fresh
            self._load_meta(read_meta(self._live) or {} if self._live else {})  # new words or synonyms
            self._lexical = Lexical(fresh, self._synonyms, self._char_df)
            self._docnums = {}
        assert self._lexical is not None
        return self._lexical

    def set_usage(self, counts: Mapping[str, int] | None) -> None:
        """Team usage (item id → times used, e.g. UsageLog.use_counts()) for a mild ranking boost."""
        self._usage = dict(counts or {})

    def _usage_factor(self, item_id: str) -> float:
        # At most +USAGE_BOOST_CAP: a hit that scores that much better is never overtaken by a popular one.
        uses = self._usage.get(item_id, 0)
        if uses <= 0:
            return 1.0
        return 1.0 + USAGE_BOOST_CAP * min(1.0, math.log1p(uses) / math.log1p(USAGE_SATURATION))

    # -- writing ---------------------------------------------------------------------------------
    def update(
        self,
        content: Content | None = None,
        progress: Progress | None = None,
        rebuild: bool = False,
        wait: float = 300.0,
    ) -> UpdateReport:
        """Bring the index up to date with the content root: only added, changed and deleted files are touched.

        `content`, when given, supplies already-parsed articles and scripts (files are still hashed to
        find what changed). `progress(done, total)` is called while documents are written. Another
        writer is waited for up to `wait` seconds (store.IndexBusyError after that).
        """
        with self._writing, write_lock(self.dir, timeout=wait):
            report = self._update_locked(content, progress, REQUESTED if rebuild else "")
            self._load()
            return report

    def _update_locked(self, content: Content | None, progress: Progress | None, rebuild: str) -> UpdateReport:
        live = live_generation(self.dir)
        if not rebuild and (live is None or (self._searcher is None and self._damage(live))):
            rebuild = DAMAGED if live is not None else ""
        meta = read_meta(live) if live is not None else None
        manifest = read_manifest(live) if live is not None and meta else {}
        paths = sources.paths(self.root, self.layers)
        states = {rel: index_docs.file_state(path, manifest.get(rel)) for rel, path in paths.items()}
        plan = plan_update(meta, manifest, states, rebuild, SCHEMA_VERSION)
        report = UpdateReport(
            added=len(plan.added),
            changed=len(plan.changed),
            deleted=len(plan.deleted),
            rebuilt=bool(plan.rebuild),
            reason=plan.rebuild,
        )
        part = sources.parse(self.root, self.layers, content, plan.to_parse)
        report.problems = list(part.problems)
        vocab, synonyms = sources.vocabulary(plan, part, paths)
        add_words(w for words in vocab.values() for w in words)
        base_meta = {**(meta or {}), "content_root": str(self.root)}
        if plan.rebuild or live is None:
            build = new_build_folder(self.dir)
            try:
                report.documents = write(build, plan, part, vocab, synonyms, base_meta, progress)
                publish_generation(self.dir, build)
            except BaseException:
                discard(build)
                raise
        elif not plan.empty:
            report.documents = write(live, plan, part, vocab, synonyms, base_meta, progress)
        else:
            report.documents = int((meta or {}).get("documents") or 0) or self._count(live)
        return report

    def _count(self, folder: Path) -> int:
        ix = windex.open_dir(str(folder))
        try:
            return int(ix.doc_count())
        finally:
            ix.close()

    # -- embeddings --------------------------------------------------------------------------------
    def embed_pending(self, progress: Progress | None = None) -> int:
        """Compute vectors for indexed texts that have none yet (off the UI thread); returns how many."""
        self.open()
        with self._lock:
            searcher, live = self._current().searcher, self._live
        manifest = read_manifest(live) if live is not None else {}
        return self.semantic.embed(searcher, manifest, progress)

    def prepare_semantic(self, wait: float = 10.0, inline: int = INLINE_EMBED) -> str:
        """For one-shot callers (the CLI): wait for the model, embed a few new texts; returns the semantic state."""
        self.open()
        if self.semantic.wait(wait):
            with self._lock:
                searcher, live = self._current().searcher, self._live
            manifest = read_manifest(live) if live is not None else {}
            missing = self.semantic.refresh(searcher, manifest)
            if 0 < len(missing) <= inline:
                self.semantic.embed(searcher, manifest)
        return self.semantic.state

    def retrievers(self) -> list[str]:
        """The retrievers a search answers with right now."""
        return [fusion.LEXICAL, fusion.SEMANTIC] if self.semantic.state == READY else [fusion.LEXICAL]

    # -- searching -------------------------------------------------------------------------------
    def search(
        self,
        query: str,
        limit: int = 10,
        kind: str | None = None,
        category: str | None = None,
        type: str | None = None,
        tag: str | None = None,
        channel: str | None = None,
        include_drafts: bool = False,
        semantic: bool = True,
    ) -> list[Hit]:
        """The best `limit` hits for what the agent typed (words, pinyin, a pasted message); [] for blank."""
        if not query or not query.strip():
            return []
        self.open()
        filters = Filters(kind, category, type, tag, channel, include_drafts)
        try:
            return self._search(query, limit, filters, semantic)
        except Exception:
            with self._lock:
                self.close()
                reason = self._damage(live_generation(self.dir))
            if reason:
                self._note(reason)
                self.update(rebuild=True)
            else:
                self._load()
            try:
                return self._search(query, limit, filters, semantic)
            except Exception as exc:
                raise SearchError(f"search failed: {type_name(exc)}: {exc}") from exc

    def _search(self, text: str, limit: int, filters: Filters, use_semantic: bool) -> list[Hit]:
        with self._lock:
            lexical = self._current()
            plan = lexical.plan(text)
            if filters.kind and filters.kind not in ("article", "script"):
                return []
            allowed, blocked = lexical.allowed(filters)
            pool = max(limit, fusion.SEMANTIC_DEPTH)
            lexical_ranked = lexical.rank(text, plan, pool, allowed, blocked) if not plan.empty else []
            semantic_ranked = (
                semantic_candidates(self.semantic, lexical.searcher, self._docnums, text, allowed, blocked)
                if use_semantic and semantic_worthy(text)
                else []
            )
            if not semantic_ranked:
                if plan.empty:
                    return []
                found: list[tuple[int, float, tuple[str, ...]]] = [(d, s, (fusion.LEXICAL,)) for d, s in lexical_ranked]
            else:
                long_query = sum(1 for ch in text if is_cjk(ch)) > LONG_QUERY_CHARS
                weight = fusion.LONG_SEMANTIC_WEIGHT if long_query else fusion.SHORT_SEMANTIC_WEIGHT
                found = fusion.fuse(lexical_ranked, semantic_ranked, weight)
            searcher = lexical.searcher
            cosines = dict(semantic_ranked)
            rows = [
                (searcher.stored_fields(d), s, r, cosines.get(d, 0.0))
                for d, s, r in found[: max(limit * 3, limit + 20)]
            ]
            if self._usage:
                rows = sorted(
                    ((f, s * self._usage_factor(f.get("id", "")), r, c) for f, s, r, c in rows),
                    key=lambda item: -item[1],
                )
            return [make_hit(stored, score, found_by, plan.terms, cos) for stored, score, found_by, cos in rows[:limit]]


def type_name(exc: BaseException) -> str:
    """The exception's class name, for one-line messages."""
    return type(exc).__name__
