"""The semantic retriever: nearest phrasings by sentence embedding, for questions with no word in common.

    semantic = Semantic(base)                 # cheap
    semantic.start()                          # loads the model on a daemon thread (never blocks a search)
    semantic.embed(searcher, manifest, progress)   # background: vectors for texts not yet embedded
    semantic.search(text, limit)              # [((path, id), cosine)] or None while not ready

Until the model is loaded and every indexed text has its vector, `search` answers None and the index
answers lexically (and says so). A missing or broken model package leaves `notice` with one message
and `state == UNAVAILABLE`; nothing raises.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from app.core.search import embedder as embedder_mod
from app.core.search.store import try_file_lock
from app.core.search.vectors import Row, VectorStore, View, model_folder

LOADING = "loading"
UNAVAILABLE = "unavailable"
PENDING = "pending"  # model loaded, some texts still without vectors
READY = "ready"

BATCH = 32
SAVE_EVERY = 1024
POOL = 100

Progress = Callable[[int, int], None]


class Semantic:
    """Model, vectors and the matrix searched, for one index (see the module docstring)."""

    def __init__(self, base: Path):
        self.base = base
        self.notice = ""
        self.pending = -1  # texts without vectors after the last refresh (-1: not looked yet)
        self._model: embedder_mod.Embedder | None = None
        self._loaded = threading.Event()
        self._started = False
        self._lock = threading.RLock()
        self._store: VectorStore | None = None
        self._view: View | None = None
        self._matrix: Any = None
        self._keys: list[tuple[str, str]] = []

    # -- the model ---------------------------------------------------------------------------------
    def start(self) -> None:
        """Load the model on a daemon thread (once)."""
        with self._lock:
            if self._started:
                return
            self._started = True
        threading.Thread(target=self._load_model, name="zhida-semantic-load", daemon=True).start()

    def _load_model(self) -> None:
        try:
            model, notice = embedder_mod.load()
            with self._lock:
                self._model, self.notice = model, notice
                if model is not None:
                    folder = model_folder(self.base, model.name)
                    self._store = VectorStore(folder, model.dim)
                    self._store.load()
                    self._view = View(folder)
                    self._view.load()
                    self._rebuild_matrix()
        finally:
            self._loaded.set()

    def wait(self, timeout: float | None = None) -> bool:
        """Start loading if needed and wait up to `timeout` seconds; True once the model is usable."""
        self.start()
        self._loaded.wait(timeout)
        return self._model is not None

    @property
    def state(self) -> str:
        """LOADING, UNAVAILABLE, PENDING or READY."""
        if not self._loaded.is_set():
            return LOADING
        if self._model is None:
            return UNAVAILABLE
        return READY if self.pending == 0 and self._matrix is not None else PENDING

    # -- vectors -----------------------------------------------------------------------------------
    def refresh(self, searcher: Any, manifest: dict[str, Any]) -> dict[str, str]:
        """Bring the view up to date with the index (changed files only); hash → text of what needs vectors."""
        with self._lock:
            if self._model is None or self._view is None or self._store is None:
                return {}
            self._store.load()
            texts: dict[str, str] = {}
            changed = self._view.refresh(searcher, manifest, texts)
            needed = {h for _, _, h in self._view.rows if h not in self._store.vectors}
            missing = {h: t for h, t in texts.items() if h in needed}
            # Rows whose text was read before an interrupted run but never embedded: read those files again.
            lost = needed - set(missing)
            if lost:
                for rel in {r for r, _, h in self._view.rows if h in lost}:
                    self._view.files.pop(rel, None)
                self._view.refresh(searcher, manifest, texts)
                missing = {h: t for h, t in texts.items() if h in needed}
            self.pending = len(missing)
            if changed or self._matrix is None:
                self._rebuild_matrix()
            return missing

    def embed(self, searcher: Any, manifest: dict[str, Any], progress: Progress | None = None) -> int:
        """Compute the vectors still missing (the caller runs this off the UI thread); returns how many."""
        if not self.wait():
            return 0
        missing = self.refresh(searcher, manifest)
        if not missing:
            self._finish()
            return 0
        folder = model_folder(self.base, self._model.name) if self._model else self.base
        folder.mkdir(parents=True, exist_ok=True)
        with try_file_lock(folder / "embed.lock") as mine:
            if not mine:
                return 0  # another process is embedding the same texts; its store is picked up later
            items = list(missing.items())
            done = 0
            for start in range(0, len(items), BATCH):
                chunk = items[start : start + BATCH]
                vectors = self._model.passages([t for _, t in chunk]) if self._model else None
                with self._lock:
                    if self._store is not None and vectors is not None:
                        self._store.add([h for h, _ in chunk], vectors)
                done += len(chunk)
                if progress:
                    progress(done, len(items))
                if done % SAVE_EVERY < BATCH and done < len(items):
                    self._save()
            self._finish()
            return done

    def _finish(self) -> None:
        with self._lock:
            self._save()
            self.pending = 0 if self._view is None or self._store is None else len(self._store.missing(self._hashes()))
            self._rebuild_matrix()

    def _hashes(self) -> list[str]:
        return [h for _, _, h in self._view.rows] if self._view is not None else []

    def _save(self) -> None:
        with self._lock:
            if self._store is None or self._view is None:
                return
            self._store.save(keep=set(self._hashes()))
            # A file whose texts are not all embedded yet is looked at again next time.
            incomplete = {rel for rel, _, h in self._view.rows if h not in self._store.vectors}
            for rel in incomplete:
                self._view.files.pop(rel, None)
            self._view.save()

    def _rebuild_matrix(self) -> None:
        import numpy as np

        if self._store is None or self._view is None:
            return
        rows: list[Row] = [r for r in self._view.rows if r[2] in self._store.vectors]
        if not rows:
            self._matrix, self._keys = None, []
            return
        self._matrix = np.stack([self._store.vectors[h] for _, _, h in rows]).astype(np.float32)
        self._keys = [(rel, item) for rel, item, _ in rows]

    # -- searching ---------------------------------------------------------------------------------
    def search(self, text: str, limit: int = 50) -> list[tuple[tuple[str, str], float]] | None:
        """The `limit` nearest documents as ((path, id), cosine of their best text); None when not ready."""
        import numpy as np

        if self.state != READY or self._model is None:
            return None
        matrix, keys = self._matrix, self._keys
        query = np.asarray(self._model.query(text), dtype=np.float32)
        scores = matrix @ query
        top = min(len(keys), max(POOL, limit * 3))
        order = np.argpartition(-scores, top - 1)[:top] if top < len(keys) else np.arange(len(keys))
        best: dict[tuple[str, str], float] = {}
        for i in order[np.argsort(-scores[order])]:
            key = keys[i]
            if key not in best:
                best[key] = float(scores[i])
                if len(best) >= limit:
                    break
        return list(best.items())
