"""When a search counts: on Enter, after a 1.5 s pause on the results, or when a result is opened.

Search-as-you-type shows results for 退, 退款, 退款多久 …; counting each would flood the report with
fragments (Zendesk does not count instant-search keystrokes either). The tracker keeps the query on
screen and records it once, at the first of those moments. Plain Python with an injected clock, so the
window and the tests drive it the same way.
"""

from __future__ import annotations

import time
from collections.abc import Callable

PAUSE_S = 1.5

Record = Callable[[str, int], object]


class SearchTracker:
    """Turns "results shown" moments into counted searches; each shown query is recorded at most once."""

    def __init__(self, record: Record, clock: Callable[[], float] = time.monotonic):
        self._record = record
        self._clock = clock
        self._query = ""
        self._hits = 0
        self._shown_at = 0.0
        self._counted = True
        self._last_counted = ""

    def shown(self, query: str, hits: int) -> None:
        """Results for `query` are on screen (the window starts its 1.5 s pause timer)."""
        query = query.strip()
        if query == self._query and not self._counted:
            self._hits = hits
            return
        self._query, self._hits, self._shown_at = query, hits, self._clock()
        self._counted = not query

    def commit(self) -> bool:
        """Enter pressed or a result opened: count the query on screen now; True when it was counted."""
        if self._counted or not self._query:
            return False
        self._counted = True
        if self._query == self._last_counted:
            return False  # Enter twice on the same results, or open after the pause: one search
        self._last_counted = self._query
        self._record(self._query, self._hits)
        return True

    def paused(self) -> bool:
        """The pause timer fired: count the query if it has been on screen for PAUSE_S."""
        if self._counted or self._clock() - self._shown_at < PAUSE_S - 0.05:
            return False
        return self.commit()
