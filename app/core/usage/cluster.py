"""Grouping normalized queries that ask the same thing (「退款多久到账」, 「退款什么时候到账」) into one gap.

Greedy, heaviest first: a text joins the first cluster whose seed shares most of its content words
(light question words such as 多久 / 什么时候 do not count), else starts a new one. Candidate clusters
come from an inverted index on words, so thousands of distinct queries cluster in well under a second.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from app.core.text.ngrams import bigrams
from app.core.text.segment import LIGHT, sub_words, words

CONTAINMENT = 0.75  # share of the smaller text's content words found in the other
JACCARD = 0.5
PAIRS = 0.6  # … or half the words and this share of the character pairs (自动续费关闭 / 会员自动续费怎么关)


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


def _terms(text: str) -> tuple[frozenset[str], frozenset[str]]:
    """(content words with the dictionary words inside long ones, character pairs) of a text."""
    found: set[str] = set()
    for w, _, _ in words(text):
        if w not in LIGHT and w != "***":
            found.add(w)
            found.update(p for p in sub_words(w) if p not in LIGHT)
    pairs = frozenset(bigrams(text))
    if len(found) <= 1:  # one long word or an unsegmented run: compare its character pairs instead
        found |= pairs
    return frozenset(found), pairs


def _similar(a: tuple[frozenset[str], frozenset[str]], b: tuple[frozenset[str], frozenset[str]]) -> bool:
    (wa, pa), (wb, pb) = a, b
    if not wa or not wb:
        return False
    common = len(wa & wb)
    contained = common / min(len(wa), len(wb))
    if contained >= CONTAINMENT or common / len(wa | wb) >= JACCARD:
        return True
    return contained >= 0.5 and bool(pa and pb) and len(pa & pb) / min(len(pa), len(pb)) >= PAIRS


def cluster_texts(members: list[Member], limit: int = 5000) -> list[Cluster]:
    """Clusters of `members` (at most `limit` heaviest texts considered), heaviest cluster first."""
    ordered = sorted(members, key=lambda m: (-len(m.clients), -m.weight, m.text))[:limit]
    clusters: list[Cluster] = []
    seeds: list[tuple[frozenset[str], frozenset[str]]] = []
    postings: dict[str, list[int]] = defaultdict(list)
    for member in ordered:
        terms = _terms(member.text)
        candidates = sorted({i for t in terms[0] for i in postings.get(t, ())})
        home = next((i for i in candidates if _similar(terms, seeds[i])), None)
        if home is None:
            home = len(clusters)
            clusters.append(Cluster([]))
            seeds.append(terms)
            for t in terms[0]:
                postings[t].append(home)
        clusters[home].members.append(member)
    clusters.sort(key=lambda c: (-len(c.clients), -c.weight))
    return clusters
