"""The index writer: applies an UpdatePlan to a generation folder (whoosh documents, manifest, meta).

A rebuild writes into an empty build folder that only becomes live when store.publish_generation
swaps it in; an incremental update commits into the live generation. Either way the manifest and the
meta file are written after whoosh's commit: a crash in between only means re-indexing those files.
"""

from __future__ import annotations

import itertools
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from whoosh import index as windex
from whoosh.fields import ID, KEYWORD, STORED, TEXT, Schema

from app.core.content.model import Content
from app.core.fileio.atomic import write_text_atomic
from app.core.search import documents as index_docs
from app.core.search.analyzers import BigramTokenizer, ChineseTokenizer
from app.core.search.plan import UpdatePlan
from app.core.search.store import file_sizes, write_meta

# Bump when the schema, the analyzers or the document mapping change: old indexes rebuild themselves.
SCHEMA_VERSION = 10
MANIFEST_FILE = "zhida-manifest.json"
PARALLEL_MIN_DOCS = 5000

Progress = Callable[[int, int], None]


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
        # Bodies are long: no positions, no sub-words (but those of domain words), no one-character words — each
        # would double the build.
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


def read_manifest(folder: Path) -> dict[str, Any]:
    """The manifest of a generation ({rel: [size, mtime_ns, sha1]}), {} when missing or unreadable."""
    try:
        data = json.loads((folder / MANIFEST_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write(
    folder: Path,
    plan: UpdatePlan,
    part: Content,
    vocab: dict[str, list[str]],
    synonyms: dict[str, list[list[str]]],
    meta: dict[str, Any],
    progress: Progress | None = None,
) -> int:
    """Apply `plan` with the parsed documents of `part` to the index in `folder`; returns its document count.

    `vocab` and `synonyms` are the per-file words and groups after the update; `meta` the meta file
    before it (its char_df is carried over on an incremental update).
    """
    full = bool(plan.rebuild)
    ix = windex.create_in(str(folder), make_schema()) if full else windex.open_dir(str(folder))
    total = len(part.articles) + len(part.scripts)
    docs = itertools.chain(
        (index_docs.article_doc(a) for a in part.articles), (index_docs.script_doc(s) for s in part.scripts)
    )
    char_df: Counter = Counter() if full else Counter(meta.get("char_df") or {})
    try:
        if full or plan.touched or total:
            writer = _writer(ix, total)
            try:
                if not full and plan.touched:
                    _delete(writer, plan.touched, char_df)
                for i, doc in enumerate(docs, 1):
                    char_df.update(index_docs.char_counts(doc))
                    writer.add_document(**doc)
                    if progress and (i % 200 == 0 or i == total):
                        progress(i, total)
                writer.commit(merge=not full)  # a fresh build keeps its (parallel) segments as written
            except BaseException:
                writer.cancel()
                raise
        documents = ix.doc_count()
        generation = ix.latest_generation()
    finally:
        ix.close()
    write_text_atomic(folder / MANIFEST_FILE, json.dumps(plan.states, ensure_ascii=False, separators=(",", ":")))
    write_meta(
        folder,
        {
            "schema_version": SCHEMA_VERSION,
            "content_root": meta.get("content_root", ""),
            "generation": generation,
            "documents": documents,
            "files": file_sizes(folder),
            "vocab": list(dict.fromkeys(w for words in vocab.values() for w in words)),
            "synonyms": [g for groups in synonyms.values() for g in groups],
            "vocab_by_file": vocab,
            "synonyms_by_file": synonyms,
            "char_df": {ch: n for ch, n in char_df.items() if n > 0},
        },
    )
    return documents


def _delete(writer: Any, rels: list[str], char_df: Counter) -> None:
    # One reader for all deletions: whoosh's delete_by_term opens a new one per call.
    with writer.searcher() as searcher:
        for rel in rels:
            for docnum in list(searcher.document_numbers(path=rel)):
                old = searcher.stored_fields(docnum)
                char_df.subtract(
                    index_docs.char_counts({"gram": "\n".join([old.get("title", ""), old.get("similar", "")])})
                )
                writer.delete_document(docnum)


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
