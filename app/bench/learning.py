"""`zhida bench learning`: does approving the suggested 相似问法 raise search top-1? A replayed simulation.

A knowledge base is built from bq-dev's FAQs (title = question, 相似问法 = its similar questions). Its other
phrasings (queries.jsonl) are split in two by a hash of the text: the *seen* half is what customers ask
during the simulated fortnight, the *held-out* half is never asked and measures whether the approved
phrasings help other wordings of the same intents too.

Twenty simulated agents (one ZHIDA_HOME each, one share) answer customers' questions with the real
search index and the real usage log: an agent searches the customer's words; when the right FAQ is the
top hit they use it; when it is lower in the list they open it there; when it is not in the top five they
find it by browsing half the time and search again by its title otherwise; and 15% of the time they
settle for a wrong top hit (the noise a real team makes). Every client shares its usage; the knowledge
manager's 看板 lists the suggestions (a phrasing ≥ 3 agents used before opening and copying an article,
no new search within 60 s) and approves each with the one-click action, which edits the article file;
the index is updated and the same phrasings are searched again.
"""

from __future__ import annotations

import hashlib
import json
import random
import tempfile
import time
from pathlib import Path

from app.core.content.importer import import_faq
from app.core.content.loader import load_content
from app.core.paths import bundled_content_root
from app.core.search.index import SearchIndex
from app.core.usage.actions import ActionError, add_similar
from app.core.usage.aggregate import days_before
from app.core.usage.exchange import exchange, today_of
from app.core.usage.log import COPY, OPEN, UsageLog
from app.core.usage.records import APPROVE_SIMILAR
from app.core.usage.team import index_top_hit, load_insights
from app.core.vocab import AGENT, INQUIRY

AGENTS = 20
DAYS = 14
WRONG_RATE = 0.15
BROWSE_RATE = 0.5


def eval_dir(name: str = "bq-dev") -> Path | None:
    """shared/eval/<name> beside the checkout or one level up (worktrees); None when absent."""
    here = bundled_content_root()
    for base in (here.parent, here.parent.parent):
        folder = base / "shared" / "eval" / name
        if (folder / "faq.jsonl").is_file():
            return folder
    return None


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def _seen(text: str) -> bool:
    return hashlib.sha256(text.encode("utf-8")).digest()[0] % 2 == 0


class _Clock:
    def __init__(self, start: float):
        self.now = start

    def __call__(self) -> float:
        return self.now


def _top1(index: SearchIndex, queries: list[dict]) -> float:
    if not queries:
        return 0.0
    good = 0
    for q in queries:
        hits = index.search(q["query"], limit=1, kind="article")
        good += bool(hits) and hits[0].id in q["relevant_faq_ids"]
    return round(good / len(queries), 3)


def run_bench(docs: int | None = None, rules: int | None = None, content: object = None) -> dict:
    """Replay the simulation; `docs` limits the number of FAQs (default: all 965)."""
    folder = eval_dir()
    if folder is None:
        return {"skipped": "shared/eval/bq-dev not found beside the checkout"}
    faqs = _jsonl(folder / "faq.jsonl")[: docs or None]
    kept = {f["id"] for f in faqs}
    queries = [q for q in _jsonl(folder / "queries.jsonl") if set(q["relevant_faq_ids"]) & kept]
    seen = [q for q in queries if _seen(q["query"])]
    held_out = [q for q in queries if not _seen(q["query"])]
    titles = {f["id"]: f["question"] for f in faqs}
    rng = random.Random(16)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="zhida-bench-learning-") as tmp:
        base = Path(tmp)
        source = base / "faq.jsonl"
        source.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in faqs), encoding="utf-8")
        root = base / "content"
        import_faq(source, root)
        index = SearchIndex(root, home=base / "manager").open()
        index.update()
        before = {"seen": _top1(index, seen), "held_out": _top1(index, held_out)}

        share = base / "share"
        (share / ".zhida").mkdir(parents=True)
        (share / ".zhida" / "FORMAT").write_text(f"zhida-share\nformat: 1\nid: {'1' * 32}\n", encoding="utf-8")
        end = time.time()
        clocks = [_Clock(end - DAYS * 86400 + i * 37) for i in range(AGENTS)]
        logs = [UsageLog(base / f"agent-{i}", clock=clocks[i]) for i in range(AGENTS)]
        asks = [q for q in seen for _ in range(1 + min(6, int(rng.expovariate(0.5))))]
        rng.shuffle(asks)
        gap = DAYS * 86400 / max(1, len(asks) / AGENTS) * 0.9
        behaviour = {"top1": 0, "in_list": 0, "browsed": 0, "searched_title": 0, "wrong": 0}
        for ask in asks:
            n = rng.randrange(AGENTS)
            log, clock = logs[n], clocks[n]
            right = ask["relevant_faq_ids"][0]
            hits = [h.id for h in index.search(ask["query"], limit=5, kind="article")]
            log.record_search(ask["query"], len(hits))
            clock.now += 4
            if hits and hits[0] == right:
                behaviour["top1"] += 1
                used = right
            elif hits and rng.random() < WRONG_RATE:
                behaviour["wrong"] += 1
                used = hits[0]
            elif right in hits:
                behaviour["in_list"] += 1
                used = right
            elif rng.random() < BROWSE_RATE:
                behaviour["browsed"] += 1
                clock.now += 25  # looks through the category
                used = right
            else:
                behaviour["searched_title"] += 1
                log.record_search(titles[right], 1)
                clock.now += 4
                used = right
            log.record_use(used, OPEN)
            clock.now += 20
            if rng.random() < 0.5:
                log.record_draft(used, INQUIRY, "")  # a reply built on the article and copied
            else:
                log.record_use(used, COPY)
            clock.now += gap
        for log, clock in zip(logs, clocks):
            exchange(share, log, role=AGENT, now=clock.now + 120)

        manager = UsageLog(base / "manager")
        content_now = load_content(root)
        until = today_of(end + 120)
        loaded = load_insights(
            share, content_now, days_before(until, DAYS), until, manager, top_hit=index_top_hit(index)
        )
        suggestions = loaded.insights.suggestions
        approved, wrong_approved = [], 0
        not_approved: dict[str, int] = {}
        for s in suggestions:
            article = content_now.article(s.article)
            try:
                if article is not None and add_similar(root, article.path, s.phrase):
                    manager.record_decision(APPROVE_SIMILAR, f"{s.article}\t{s.phrase}")
                    approved.append(s)
                    continue
                reason = "already there" if article is not None else "article gone"
            except ActionError as exc:
                reason = str(exc).split(": ", 1)[-1]
            not_approved[reason] = not_approved.get(reason, 0) + 1
        phrasing_right = {q["query"]: set(q["relevant_faq_ids"]) for q in seen}
        for s in approved:
            wrong_approved += not any(
                s.article in ids for text, ids in phrasing_right.items() if _normalized(text) == s.phrase
            )
        index.update()
        approved_texts = {s.phrase for s in approved}
        approved_queries = [q for q in seen if _normalized(q["query"]) in approved_texts]
        after = {"seen": _top1(index, seen), "held_out": _top1(index, held_out)}
        approved_before = _top1_before(root, faqs, approved_queries, base)
        approved_after = _top1(index, approved_queries)
        index.close()
    return {
        "faqs": len(faqs),
        "seen_phrasings": len(seen),
        "held_out_phrasings": len(held_out),
        "agents": AGENTS,
        "days": DAYS,
        "customer_questions": len(asks),
        "agent_behaviour": behaviour,
        "suggestions_shown": len(suggestions),
        "hidden_suggestions_fewer_than_3_agents": loaded.insights.hidden_suggestions,
        "approved": len(approved),
        "not_approved": not_approved,
        "approved_for_the_wrong_article": wrong_approved,
        "top1_approved_phrasings": {"before": approved_before, "after": approved_after, "n": len(approved_queries)},
        "top1_seen_phrasings": {"before": before["seen"], "after": after["seen"]},
        "top1_held_out_phrasings": {"before": before["held_out"], "after": after["held_out"]},
        "seconds": round(time.perf_counter() - started, 1),
    }


def _normalized(text: str) -> str:
    from app.core.usage.normalize import normalize_query

    return normalize_query(text).text


def _top1_before(root: Path, faqs: list[dict], queries: list[dict], base: Path) -> float:
    """Top-1 of `queries` on a fresh copy of the knowledge base as it was before any approval."""
    source = base / "faq-before.jsonl"
    source.write_text("".join(json.dumps(f, ensure_ascii=False) + "\n" for f in faqs), encoding="utf-8")
    fresh = base / "content-before"
    import_faq(source, fresh)
    index = SearchIndex(fresh, home=base / "before").open()
    index.update()
    try:
        return _top1(index, queries)
    finally:
        index.close()
