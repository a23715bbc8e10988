"""The naive peer every search number is reported beside: Whoosh + jieba's ChineseAnalyzer, BM25F, OR query.

This is the baseline the eval README and the issues name ("a naive Whoosh + jieba OR query over
question + answer"): title = the question, body = the other phrasings and the answer. It needs the
`bench` extra (jieba) and is never used by the app itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any


def has_jieba() -> bool:
    """True when jieba (the `bench` extra) is installed."""
    import importlib.util

    return importlib.util.find_spec("jieba") is not None


def _quiet_jieba(cache_dir: Path) -> None:
    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.dt.tmp_dir = str(cache_dir)  # its dictionary cache stays in the run's folder, not /tmp


class NaiveIndex:
    """A Whoosh index of a content root's articles in `folder`, searched with an OR query over title and body."""

    def __init__(self, root: Path, folder: Path):
        self.root = root
        self.dir = folder
        _quiet_jieba(folder.parent)
        self.ix: Any = None
        self.searcher: Any = None
        self.parser: Any = None

    def _docs(self, wanted: set[str] | None = None) -> Iterator[dict[str, str]]:
        from app.core.content.loader import load_content

        content = load_content(self.root)
        for a in content.articles:
            if wanted is None or a.path in wanted:
                yield {"id": a.id, "title": a.title, "body": "\n".join([*a.similar, a.body])}

    def build(self) -> NaiveIndex:
        """Index every article from scratch."""
        from jieba.analyse import ChineseAnalyzer
        from whoosh import index
        from whoosh.fields import ID, TEXT, Schema

        analyzer = ChineseAnalyzer()
        schema = Schema(
            id=ID(stored=True, unique=True), title=TEXT(stored=True, analyzer=analyzer), body=TEXT(analyzer=analyzer)
        )
        self.dir.mkdir(parents=True, exist_ok=True)
        self.ix = index.create_in(str(self.dir), schema)
        writer = self.ix.writer(limitmb=256)
        for doc in self._docs():
            writer.add_document(**doc)
        writer.commit()
        return self.open()

    def open(self) -> NaiveIndex:
        """Open the index built earlier in `folder`."""
        from whoosh import index, qparser

        if self.ix is None:
            self.ix = index.open_dir(str(self.dir))
        self.parser = qparser.MultifieldParser(["title", "body"], self.ix.schema, group=qparser.OrGroup)
        self.searcher = self.ix.searcher()
        return self

    def update(self, paths: list[Path]) -> None:
        """Re-index these article files."""
        wanted = {p.relative_to(self.root).as_posix() for p in paths}
        writer = self.ix.writer()
        for doc in self._docs(wanted):
            writer.update_document(**doc)
        writer.commit()
        self.searcher = self.searcher.refresh()

    def search(self, query: str, limit: int = 10) -> list[str]:
        """Ids of the best `limit` articles."""
        return [hit["id"] for hit in self.searcher.search(self.parser.parse(query), limit=limit)]


def cold_search_script() -> str:
    """Python source a fresh process runs to open the naive index and answer one query (argv: folder, query)."""
    return (
        "import logging, os, sys\n"
        "import jieba\n"
        "jieba.setLogLevel(logging.WARNING)\n"
        "jieba.dt.tmp_dir = os.path.dirname(sys.argv[1])\n"
        "from whoosh import index, qparser\n"
        "ix = index.open_dir(sys.argv[1])\n"
        "with ix.searcher() as s:\n"
        "    p = qparser.MultifieldParser(['title', 'body'], ix.schema, group=qparser.OrGroup)\n"
        "    s.search(p.parse(sys.argv[2]), limit=10)\n"
    )


__all__ = ["NaiveIndex", "cold_search_script", "has_jieba"]
