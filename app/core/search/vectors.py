"""Embeddings on disk, beside the index: computed once per distinct text (by content hash), kept across rebuilds.

    index/<hash>/vectors/<model name>/
        store.npz    sha1 of each embedded text → its vector (float16), written atomically
        view.json    which texts each indexed file's documents have: {"files": {rel: sha1 of the file},
                     "rows": [[rel, id, text sha1], …]} — brought up to date from the index manifest by
                     looking at changed files only

A text that did not change is never embedded again, whatever else changed; a rebuild of the lexical
index (new dictionary words) re-embeds nothing. Vectors of texts no document has any more are dropped
when the store is saved.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from app.core.fileio.atomic import write_text_atomic

Row = tuple[str, str, str]  # (file rel path, item id, sha1 of the embedded text)


def text_hash(text: str) -> str:
    """The key of an embedded text."""
    return hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()


def doc_texts(stored: dict[str, Any]) -> list[str]:
    """What the semantic retriever embeds of a document: each phrasing of an article (title, 相似问法),
    or a script's title with the start of its text."""
    title = (stored.get("title") or "").strip()
    if stored.get("kind") == "script":
        text = (stored.get("body") or "").split("\n", 1)[0].strip()
        return [f"{title}:{text[:120]}" if text else title] if title or text else []
    similar = [s.strip() for s in (stored.get("similar") or "").split("\n")]
    return [t for t in dict.fromkeys([title, *similar]) if t]


def model_folder(base: Path, model_name: str) -> Path:
    """vectors/<model name>/ under an index's base folder."""
    return base / "vectors" / re.sub(r"[^\w.\-]+", "_", model_name)


class VectorStore:
    """Vectors by text hash, loaded from and saved to store.npz."""

    def __init__(self, folder: Path, dim: int):
        self.folder = folder
        self.dim = dim
        self.vectors: dict[str, Any] = {}
        self._stamp: tuple[int, int] | None = None

    @property
    def path(self) -> Path:
        """The store file."""
        return self.folder / "store.npz"

    def load(self) -> bool:
        """Read the file again when another process (or an earlier run) changed it; True when it did."""
        import numpy as np

        try:
            st = os.stat(self.path)
        except OSError:
            return False
        stamp = (st.st_mtime_ns, st.st_size)
        if stamp == self._stamp:
            return False
        try:
            with np.load(self.path, allow_pickle=False) as data:
                hashes = [h.decode("ascii") for h in data["hashes"].tolist()]
                matrix = data["vectors"]
                if matrix.ndim != 2 or matrix.shape[1] != self.dim or len(hashes) != matrix.shape[0]:
                    return False
                loaded = dict(zip(hashes, matrix))
        except (OSError, ValueError, KeyError, UnicodeDecodeError):
            return False  # a damaged store is recomputed, never trusted
        self.vectors.update(loaded)
        self._stamp = stamp
        return True

    def missing(self, hashes: Iterable[str]) -> list[str]:
        """The hashes without a vector, each once."""
        return [h for h in dict.fromkeys(hashes) if h not in self.vectors]

    def add(self, hashes: list[str], matrix: Any) -> None:
        """Keep new vectors (float16 halves the file and the memory; cosine ranks stay the same)."""
        import numpy as np

        for h, vector in zip(hashes, np.asarray(matrix, dtype=np.float16)):
            self.vectors[h] = vector

    def save(self, keep: set[str] | None = None) -> None:
        """Write the store atomically, with only the vectors in `keep` when given."""
        import numpy as np

        if keep is not None:
            self.vectors = {h: v for h, v in self.vectors.items() if h in keep}
        self.folder.mkdir(parents=True, exist_ok=True)
        hashes = list(self.vectors)
        matrix = np.stack([self.vectors[h] for h in hashes]) if hashes else np.zeros((0, self.dim), dtype=np.float16)
        fd, tmp = tempfile.mkstemp(dir=self.folder, prefix=".store-", suffix=".npz")
        try:
            with os.fdopen(fd, "wb") as handle:
                np.savez(handle, hashes=np.array([h.encode("ascii") for h in hashes], dtype="S40"), vectors=matrix)
            os.replace(tmp, self.path)
        except BaseException:
            try:
                os.unlink(tmp)
            except OSError:
                pass
            raise
        st = os.stat(self.path)
        self._stamp = (st.st_mtime_ns, st.st_size)


class View:
    """Which texts the indexed documents have, per file, in step with an index manifest."""

    def __init__(self, folder: Path):
        self.path = folder / "view.json"
        self.files: dict[str, str] = {}
        self.rows: list[Row] = []

    def load(self) -> None:
        """Read view.json (an unreadable one counts as empty: every file is looked at again)."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            files, rows = data["files"], data["rows"]
            if isinstance(files, dict) and isinstance(rows, list):
                self.files = {str(k): str(v) for k, v in files.items()}
                self.rows = [(str(r[0]), str(r[1]), str(r[2])) for r in rows if isinstance(r, list) and len(r) == 3]
        except (OSError, ValueError, KeyError, TypeError, IndexError):
            self.files, self.rows = {}, []

    def save(self) -> None:
        """Write view.json atomically."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        data = {"files": self.files, "rows": [list(r) for r in self.rows]}
        write_text_atomic(self.path, json.dumps(data, ensure_ascii=False, separators=(",", ":")))

    def stale(self, manifest: dict[str, Any]) -> list[str]:
        """Files whose documents may have other texts than the view says (changed, added, deleted)."""
        now = {rel: state[2] for rel, state in manifest.items() if isinstance(state, list) and len(state) == 3}
        return [rel for rel, digest in now.items() if self.files.get(rel) != digest] + [
            rel for rel in self.files if rel not in now
        ]

    def refresh(self, searcher: Any, manifest: dict[str, Any], texts: dict[str, str]) -> bool:
        """Bring the rows of stale files up to date from the index; `texts` gets hash → text of new rows.

        Returns True when anything changed.
        """
        stale = set(self.stale(manifest))
        if not stale:
            return False
        rows = [r for r in self.rows if r[0] not in stale]
        for rel in sorted(stale):
            state = manifest.get(rel)
            if not isinstance(state, list) or len(state) != 3:
                self.files.pop(rel, None)
                continue
            for docnum in searcher.document_numbers(path=rel):
                stored = searcher.stored_fields(docnum)
                for text in doc_texts(stored):
                    digest = text_hash(text)
                    texts[digest] = text
                    rows.append((rel, str(stored.get("id", "")), digest))
            self.files[rel] = state[2]
        self.rows = rows
        return True
