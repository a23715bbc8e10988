"""Instant search over articles and scripts: a persistent Whoosh index per content root.

    index = SearchIndex(root)          # cheap; nothing is read yet
    index.open()                       # off the UI thread: loads the segmenter, opens or builds the index
    index.update()                     # incremental: only added, changed and deleted files
    hits = index.search("退货 运费险", limit=10, kind="article")

The agent's own scripts ($ZHIDA_HOME/personal/scripts_library, see app.core.personal) are indexed too,
under paths starting with "@personal/", so typing finds them beside the team's; their hits say
`layer == "personal"`.

The index lives in zhida_home()/index/<hash of the content root>/. A corrupt, half-written or
outdated index is noticed on open (or on the first failing search) and rebuilt, with a message in
`index.messages`. Writers take turns behind a file lock; searches never wait for a writer.
"""

from __future__ import annotations

import itertools
import json
import math
import shutil
import threading
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh import query as wq
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from app.core.content.model import Content
from app.core.fileio.atomic import write_text_atomic
from app.core.paths import zhida_home
from app.core.search import documents as index_docs
from app.core.search.analyzers import BigramTokenizer, ChineseTokenizer
from app.core.search.hits import LAYER_MARK, Hit
from app.core.search.query import LONG_QUERY_CHARS, PREFIX_TERMS, build, compact, synonym_map
from app.core.search.rerank import rerank
from app.core.search.scoring import ScoreCache, top_docs
from app.core.search.snippets import snippet
from app.core.search.store import file_sizes, index_dir, is_write_locked, read_meta, write_lock, write_meta
from app.core.text.chars import is_cjk
from app.core.text.fold import fold
from app.core.text.segment import add_words

# Bump when the schema, the analyzers or the document mapping change: old indexes rebuild themselves.
SCHEMA_VERSION = 8
MANIFEST_FILE = "zhida-manifest.json"
RERANK_POOL = 30
PARALLEL_MIN_DOCS = 5000
USAGE_BOOST_CAP = 0.08
USAGE_SATURATION = 50

Progress = Callable[[int, int], None]


@dataclass
class UpdateReport:
    """What an update did."""

    added: int = 0
    changed: int = 0
    deleted: int = 0
    documents: int = 0
    rebuilt: bool = False
    problems: list = field(default_factory=list)

    @property
    def touched(self) -> int:
        """Files that reached the index writer."""
        return self.added + self.changed + self.deleted


class SearchError(RuntimeError):
    """The index could not answer even after being rebuilt."""


def make_schema() -> Schema:
    """The Whoosh schema: analyzed text fields for ranking, keyword fields for filters, stored fields for hits."""
    return Schema(
        key=STORED,
        id=STORED,
        kind=ID(stored=True),
        path=ID(stored=True),  # deletions go by path
        title=STORED,
        similar=STORED,
        # Title, 相似问法, tags, category: short, weighed most. No positions: a "quoted phrase" is verified on the
        # stored text instead, which is exact and keeps the build fast.
        q=TEXT(analyzer=ChineseTokenizer(), phrase=False),
        # Bodies are long: no positions, no sub-words, no one-character words — each would double the build.
        body=TEXT(analyzer=ChineseTokenizer(subwords=False, singles=False), stored=True, phrase=False),
        gram=TEXT(analyzer=BigramTokenizer(), phrase=False),
        py=KEYWORD(scorable=True),
        category=STORED,
        type=STORED,
        status=ID(stored=True),
        f_category=KEYWORD(commas=True),
        f_type=KEYWORD(commas=True),
        f_tag=KEYWORD(commas=True),
        f_channel=KEYWORD(commas=True),
    )


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
        self._ix: Any = None
        self._searcher: Any = None
        self._synonyms: dict[str, list[str]] = {}
        self._char_df: dict[str, int] = {}
        self._score_cache: ScoreCache | None = None
        self._usage: dict[str, int] = {}
        self._checked: tuple[Any, dict[str, Any]] | None = None  # index and meta _damage() just verified
        self._lock = threading.RLock()

    # -- opening ---------------------------------------------------------------------------------
    @property
    def is_ready(self) -> bool:
        """True once open() has finished: search() will answer without loading anything."""
        return self._searcher is not None

    def open(self) -> SearchIndex:
        """Open the index, building it first when missing, outdated or corrupt; safe to call again."""
        with self._lock:
            if self._searcher is not None:
                return self
            reason = self._damage()
            if reason is not None:
                if reason:
                    self._note(reason)
                # Not rebuild=True: under the write lock the state is checked again, so when another window
                # was building this very index meanwhile, its work is used instead of being redone.
                self.update()
            else:
                self._load()
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

    def _note(self, message: str) -> None:
        self.messages.append(message)

    def _damage(self) -> str | None:
        """None when the index opens cleanly; '' when there is none yet; else why it must be rebuilt."""
        meta = read_meta(self.dir)
        has_toc = self.dir.is_dir() and windex.exists_in(str(self.dir))
        if meta is None and not has_toc:
            return ""
        if meta is None:
            return "搜索索引不完整,正在重建 (index metadata missing; rebuilding)"
        if meta.get("schema_version") != SCHEMA_VERSION:
            return "搜索索引来自旧版本,正在重建 (index from another version; rebuilding)"
        if not has_toc:
            return "搜索索引损坏(缺少目录文件),正在重建 (index table of contents missing; rebuilding)"
        try:
            ix = windex.open_dir(str(self.dir))
            generation = ix.latest_generation()
            if generation == meta.get("generation"):
                sizes = file_sizes(self.dir)
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
        self._checked = (ix, meta)
        return None

    def _load_meta(self, meta: dict[str, Any] | None = None) -> None:
        meta = meta if meta is not None else (read_meta(self.dir) or {})
        add_words(meta.get("vocab") or [])
        self._synonyms = synonym_map(meta.get("synonyms") or [])
        chars = meta.get("char_df")
        self._char_df = chars if isinstance(chars, dict) else {}

    def _load(self) -> None:
        checked, self._checked = self._checked, None
        self._load_meta(checked[1] if checked else None)
        self._close_searcher()
        self._ix = checked[0] if checked else windex.open_dir(str(self.dir))
        self._searcher = self._ix.searcher()

    def _idf(self, searcher: Any, doc_count: int) -> Callable[[str], float]:
        """Rarity of a re-ranker feature (w: word, b: bigram, u: character) from the index's own statistics."""
        chars = self._char_df

        def idf(feature: str) -> float:
            kind, term = feature[0], feature[1:]
            df = chars.get(term, 0) if kind == "u" else searcher.doc_frequency("q" if kind == "w" else "gram", term)
            return max(0.0, math.log((doc_count + 1) / (min(df, doc_count) + 0.5)))

        return idf

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
        self, content: Content | None = None, progress: Progress | None = None, rebuild: bool = False
    ) -> UpdateReport:
        """Bring the index up to date with the content root: only added, changed and deleted files are touched.

        `content`, when given, supplies already-parsed articles and scripts (files are still hashed to
        find what changed). `progress(done, total)` is called while documents are written.
        """
        with self._lock, write_lock(self.dir):
            report = self._update_locked(content, progress, rebuild)
            self._checked = None  # verified before this write: stale now
            self._load()
            return report

    def _update_locked(self, content: Content | None, progress: Progress | None, rebuild: bool) -> UpdateReport:
        report = UpdateReport()
        meta = read_meta(self.dir)
        manifest = self._read_manifest() if meta else {}
        full = (
            rebuild
            or meta is None
            or meta.get("schema_version") != SCHEMA_VERSION
            or not windex.exists_in(str(self.dir))
        )
        if not full and self._searcher is None and self._damage():
            full = True
        paths = index_docs.content_paths(self.root)
        for name, layer_root in self.layers.items():
            paths.update(
                {f"{LAYER_MARK}{name}/{rel}": path for rel, path in index_docs.script_paths(layer_root).items()}
            )
        old = {} if full else manifest
        states = {rel: index_docs.file_state(path, old.get(rel)) for rel, path in paths.items()}
        changed = [
            rel
            for rel, st in states.items()
            if st is not old.get(rel) and (not isinstance(old.get(rel), list) or old[rel][2:] != st[2:])
        ]
        deleted = [rel for rel in old if rel not in states]
        cutting = set((meta or {}).get("synonyms_by_file") or {})  # synonym words join the dictionary too
        if not full and any(
            index_docs.is_userdict(rel) or rel in cutting or index_docs.is_synonyms_name(rel)
            for rel in [*changed, *deleted]
        ):
            full = True  # new dictionary words change how every text is cut
            old, changed, deleted = {}, list(states), []
        report.rebuilt = full
        report.added = sum(1 for rel in changed if rel not in old)
        report.changed = len(changed) - report.added
        report.deleted = len(deleted)

        vocab: dict[str, list[str]] = {} if full else dict((meta or {}).get("vocab_by_file") or {})
        synonyms: dict[str, list[list[str]]] = {} if full else dict((meta or {}).get("synonyms_by_file") or {})
        for rel in [*changed, *deleted]:
            vocab.pop(rel, None)
            synonyms.pop(rel, None)
        part = self._parse(content, [rel for rel in changed if not index_docs.is_userdict(rel)])
        report.problems = list(part.problems)
        for rel in changed:
            if index_docs.is_userdict(rel):
                vocab[rel] = index_docs.read_userdict(paths[rel])
        for rel, piece in _by_file(part).items():
            words = index_docs.file_vocabulary(piece)
            if words:
                vocab[rel] = words
            groups = index_docs.synonym_groups(piece.library)
            if groups:
                synonyms[rel] = groups
        add_words(w for words in vocab.values() for w in words)

        if full:
            self._wipe()
            ix = windex.create_in(str(self.dir), make_schema())
        else:
            ix = windex.open_dir(str(self.dir))
        total = len(part.articles) + len(part.scripts)
        docs = itertools.chain(
            (index_docs.article_doc(a) for a in part.articles), (index_docs.script_doc(s) for s in part.scripts)
        )
        char_df = Counter() if full else Counter((meta or {}).get("char_df") or {})
        if changed or deleted or full:
            writer = _writer(ix, total)
            try:
                if not full and (changed or deleted):
                    # One reader for all deletions: whoosh's delete_by_term opens a new one per call.
                    with writer.searcher() as searcher:
                        for rel in [*changed, *deleted]:
                            for docnum in list(searcher.document_numbers(path=rel)):
                                old_doc = searcher.stored_fields(docnum)
                                char_df.subtract(
                                    index_docs.char_counts(
                                        {"gram": "\n".join([old_doc.get("title", ""), old_doc.get("similar", "")])}
                                    )
                                )
                                writer.delete_document(docnum)
                for i, doc in enumerate(docs, 1):
                    char_df.update(index_docs.char_counts(doc))
                    writer.add_document(**doc)
                    if progress and (i % 200 == 0 or i == total):
                        progress(i, total)
                writer.commit(merge=not full)  # a fresh build keeps its (parallel) segments as written
            except BaseException:
                writer.cancel()
                raise
        report.documents = ix.doc_count()
        generation = ix.latest_generation()
        ix.close()
        all_vocab = list(dict.fromkeys(w for words in vocab.values() for w in words))
        all_synonyms = [g for groups in synonyms.values() for g in groups]
        # The manifest is written after the commit: a crash in between only means re-indexing those files.
        write_text_atomic(self.dir / MANIFEST_FILE, json.dumps(states, ensure_ascii=False, separators=(",", ":")))
        write_meta(
            self.dir,
            {
                "schema_version": SCHEMA_VERSION,
                "content_root": str(self.root),
                "generation": generation,
                "files": file_sizes(self.dir),
                "vocab": all_vocab,
                "synonyms": all_synonyms,
                "vocab_by_file": vocab,
                "synonyms_by_file": synonyms,
                "char_df": {ch: n for ch, n in char_df.items() if n > 0},
            },
        )
        return report

    def _parse(self, content: Content | None, rels: list[str]) -> Content:
        team = [rel for rel in rels if not rel.startswith(LAYER_MARK)]
        part = self._parse_team(content, team)
        for name, layer_root in self.layers.items():
            prefix = f"{LAYER_MARK}{name}/"
            mine = [rel[len(prefix) :] for rel in rels if rel.startswith(prefix)]
            if mine:
                layer = index_docs.parse_files(layer_root, mine)
                # Only scripts: a personal rule or synonym file must not change how the team's content is searched.
                part.scripts.extend(replace(s, path=prefix + s.path) for s in layer.scripts)
                part.problems.extend(replace(p, path=prefix + p.path) for p in layer.problems)
        return part

    def _parse_team(self, content: Content | None, rels: list[str]) -> Content:
        if content is None:
            return index_docs.parse_files(self.root, rels)
        wanted = set(rels)
        part = Content(root=self.root)
        part.articles = [a for a in content.articles if a.path in wanted]
        part.scripts = [s for s in content.scripts if s.path in wanted]
        part.library = [f for f in content.library if f.path in wanted]
        part.problems = [p for p in content.problems if p.path in wanted]
        return part

    def _read_manifest(self) -> dict[str, Any]:
        try:
            data = json.loads((self.dir / MANIFEST_FILE).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if isinstance(data, dict) else {}

    def _wipe(self) -> None:
        self._close_searcher()
        self._ix = None
        self.dir.mkdir(parents=True, exist_ok=True)
        for entry in self.dir.iterdir():
            if entry.name == "zhida-write.lock":
                continue
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                try:
                    entry.unlink()
                except OSError:
                    pass  # Windows: a file another process still reads; whoosh ignores stale files

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
    ) -> list[Hit]:
        """The best `limit` hits for what the agent typed (words, pinyin, a pasted message); [] for blank."""
        if not query or not query.strip():
            return []
        self.open()
        args = (query, limit, kind, category, type, tag, channel, include_drafts)
        try:
            return self._search(*args)
        except Exception:
            with self._lock:
                self.close()
                reason = self._damage()
                if reason:
                    self._note(reason)
                    self.update(rebuild=True)
                else:
                    self._load()
            try:
                return self._search(*args)
            except Exception as exc:
                raise SearchError(f"search failed: {type_name(exc)}: {exc}") from exc

    def _search(
        self,
        text: str,
        limit: int,
        kind: str | None,
        category: str | None,
        type_: str | None,
        tag: str | None,
        channel: str | None,
        include_drafts: bool,
    ) -> list[Hit]:
        with self._lock:
            fresh = self._searcher.refresh()  # whoosh closes what the old searcher no longer shares
            if fresh is not self._searcher:
                self._searcher = fresh
                self._load_meta()  # another writer may have added words or synonyms
            searcher = self._searcher
            doc_count = searcher.doc_count()

            def doc_frequency(term: str) -> int:
                return sum(searcher.doc_frequency(name, term) for name in ("q", "body"))

            plan = build(text, self._synonyms, doc_frequency, doc_count, searcher.doc_frequency)
            if plan.empty or (kind and kind not in ("article", "script")):
                return []
            cache = self._score_cache
            if cache is None or cache.searcher is not searcher:
                cache = self._score_cache = ScoreCache(searcher)
            allowed = None
            filters = [
                (name, fold(value).strip())
                for name, value in (("kind", kind), ("f_category", category), ("f_type", type_), ("f_tag", tag))
                if value
            ]
            for name, value in filters:
                allowed = _meet(allowed, cache.docs((name, value), wq.Term(name, value)))
            if channel:
                value = fold(channel).strip()
                allowed = _meet(
                    allowed,
                    cache.docs(("f_channel", value), wq.Or([wq.Term("f_channel", value), wq.Term("f_channel", "*")])),
                )
            if plan.required is not None:
                allowed = _meet(allowed, set(searcher.docs_for_query(plan.required)))
            blocked = (
                None
                if include_drafts
                else cache.docs("hidden", wq.Or([wq.Term("status", "draft"), wq.Term("status", "archived")]))
            )
            leaves = list(plan.leaves)
            reader = searcher.reader()
            for name, prefix, boost in plan.prefixes:
                expanded = [t for t in itertools.islice(reader.expand_prefix(name, prefix), PREFIX_TERMS)]
                leaves.extend(
                    (name, t.decode("utf-8") if isinstance(t, bytes) else t, boost) for t in expanded if t != prefix
                )
            rerankable = 0 < sum(1 for ch in text if is_cjk(ch)) <= LONG_QUERY_CHARS
            pool = max(limit, RERANK_POOL) if rerankable else limit
            if plan.phrases:
                pool = max(pool, limit * 5)
            if leaves:
                ranked = top_docs(cache, leaves, pool, allowed, blocked)
            else:  # only a quoted phrase: every document that has it, in index order
                ranked = [
                    (d, 1.0) for d in sorted(allowed or ()) if d not in (blocked or set()) and d not in cache.deleted
                ][:pool]
            found = [(searcher.stored_fields(d), score) for d, score in ranked]
            if plan.phrases:
                found = [(f, score) for f, score in found if _has_phrases(f, plan.phrases)]
            if rerankable and len(found) > 1:
                scores = rerank(
                    text,
                    [([f.get("title", ""), *f.get("similar", "").split("\n")], score) for f, score in found],
                    self._idf(searcher, doc_count),
                    plan.synonyms,
                )
                found = sorted(((f, new) for (f, _), new in zip(found, scores)), key=lambda item: -item[1])
            if self._usage:
                found = sorted(
                    ((f, score * self._usage_factor(f.get("id", ""))) for f, score in found), key=lambda item: -item[1]
                )
            hits = []
            for stored, score in found[:limit]:
                passages = [stored.get("body", ""), *stored.get("similar", "").split("\n"), stored.get("title", "")]
                hits.append(
                    Hit(
                        id=stored["id"],
                        kind=stored["kind"],
                        title=stored.get("title", ""),
                        score=round(score, 4),
                        snippet=snippet(passages, plan.terms),
                        category=stored.get("category", ""),
                        type=stored.get("type", ""),
                        path=stored.get("path", ""),
                    )
                )
            return hits


def _meet(current: set[int] | None, more: set[int]) -> set[int]:
    return set(more) if current is None else current & more


def _writer(ix: Any, docs: int) -> Any:
    """The index writer; a big build on a fork platform writes two segments in parallel processes.

    Forked children inherit the loaded segmenter with the content's vocabulary; where processes are
    spawned (Windows, macOS) they would not, so those build in one process.
    """
    import multiprocessing
    import os

    procs = int(os.environ.get("ZHIDA_INDEX_PROCS", "0") or 0) or min(2, os.cpu_count() or 1)
    if docs >= PARALLEL_MIN_DOCS and procs > 1 and multiprocessing.get_start_method() == "fork":
        return ix.writer(timeout=30.0, procs=procs, limitmb=48, multisegment=True)
    return ix.writer(timeout=30.0, limitmb=64 if docs > 1000 else 32)


def _has_phrases(stored: dict[str, Any], phrases: list[str]) -> bool:
    text = "\n".join(compact(stored.get(name, "")) for name in ("title", "similar", "body"))
    return all(p in text for p in phrases)


def type_name(exc: BaseException) -> str:
    """The exception's class name, for one-line messages."""
    return type(exc).__name__


def _by_file(part: Content) -> dict[str, Content]:
    groups: dict[str, Content] = {}
    for a in part.articles:
        groups.setdefault(a.path, Content(root=part.root)).articles.append(a)
    for s in part.scripts:
        groups.setdefault(s.path, Content(root=part.root)).scripts.append(s)
    for lib in part.library:
        groups.setdefault(lib.path, Content(root=part.root)).library.append(lib)
    return groups
