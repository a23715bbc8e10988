"""Version vectors and the set of concurrent entries per path: how heads of many publishers are joined."""

from __future__ import annotations


def dominates(a: dict, b: dict) -> bool:
    """True when vector `a` has seen everything `b` has."""
    return all(a.get(k, 0) >= n for k, n in b.items())


def join(*vectors: dict) -> dict:
    """The least vector dominating all of `vectors`."""
    out: dict = {}
    for vec in vectors:
        for k, n in vec.items():
            if n > out.get(k, 0):
                out[k] = n
    return out


def _rank(entry: dict) -> tuple:
    # Deterministic on every client: an edit beats a delete, then the longer history, then the hash.
    return (entry["h"] is not None, sum(entry["v"].values()), entry["h"] or "")


def add_entry(antichain: list[dict], new: dict) -> list[dict]:
    """Join `new` into the set of concurrent (maximal) entries of one path."""
    for e in antichain:
        if dominates(e["v"], new["v"]) and (e["v"] != new["v"] or _rank(e) >= _rank(new)):
            return antichain
    return [e for e in antichain if not dominates(new["v"], e["v"])] + [new]


def winner(entries: list[dict]) -> dict:
    """The entry every client applies when publishers' entries are concurrent."""
    return max(entries, key=_rank)
