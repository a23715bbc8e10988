"""Grouping normalized queries that ask the same thing (「退款多久到账」, 「退款什么时候到账」) into one gap.

Greedy, heaviest first: a text joins the first cluster whose seed shares most of its content words
(light question words such as 多久 / 什么时候 do not count), else starts a new one. Candidate clusters
come from an inverted index on words, so thousands of distinct queries cluster in well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from app.core.text.ngrams import bigrams
from app.core.text.segment import LIGHT, words

CONTAINMENT = 0.75  # share of the smaller text's content words found in the other
JACCARD = 0.5


@dataclass
class Member:
    """One distinct text with its weight (searches) and the clients that typed it."""

    text: str
    weight: int
    clients: set[str] = field(default_factory=set)


@dataclass
class Cluster:
    """Texts that ask the same thing; `members` heaviest first."""

    members: list[Member]

    @property
    def weight(self) -> int:
        """Searches over all members."""
        return sum(m.weight for m in self.members)

    @property
    def clients(self) -> set[str]:
        """Distinct clients over all members."""
        return set().union(*(m.clients for m in self.members))


def _terms(text: str) -> frozenset[str]:
    found = {w for w, _, _ in words(text) if w not in LIGHT and w != "***"}
    if len(found) <= 1:  # one long word or an unsegmented run: compare its character pairs instead
        found |= set(bigrams(text))
    return frozenset(found)


def _similar(a: frozenset[str], b: frozenset[str]) -> bool:
    if not a or not b:
        return False
    common = len(a & b)
    return common / min(len(a), len(b)) >= CONTAINMENT or common / len(a | b) >= JACCARD


def cluster_texts(members: list[Member], limit: int = 5000) -> list[Cluster]:
    """Clusters of `members` (at most `limit` heaviest texts considered), heaviest cluster first."""
    ordered = sorted(members, key=lambda m: (-len(m.clients), -m.weight, m.text))[:limit]
    clusters: list[Cluster] = []
    seeds: list[frozenset[str]] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for member in ordered:
        terms = _terms(member.text)
        candidates = sorted({i for t in terms for i in postings.get(t, ())})
        home = next((i for i in candidates if _similar(terms, seeds[i])), None)
        if home is None:
            home = len(clusters)
            clusters.append(Cluster([]))
            seeds.append(terms)
            for t in terms:
                postings[t].append(home)
        clusters[home].members.append(member)
    clusters.sort(key=lambda c: (-len(c.clients), -c.weight))
    return clusters
