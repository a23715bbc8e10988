"""`zhida bench check`: a 2,000-character draft against 1,000 rules, compiled vs a naive regex loop; plus
one 10 MB text (the checker is linear) and a regex bomb from a rule file (refused, so the draft stays fast).

The padding rules are generated from the content's own characters, and one in four carries a regex in
the shapes real 禁语 rules use (alternations of phrases with optional parts, bounded gaps, a
backreference, look-behind), so the bench measures what the bundled families cost, not only phrases.
"""

from __future__ import annotations

import random
import re
import statistics
import time
from pathlib import Path

from app.core.checker.match import Checker
from app.core.checker.rules import REASONS, parse_rule_files
from app.core.content.loader import load_content
from app.core.content.model import Content, LibraryFile
from app.core.settings import resolve_content_root
from app.core.text.fold import fold

DRAFT_CHARS = 2000
# Sentences an agent might really type, including mistakes, so the draft exercises every path.
_SPICE = (
    "亲，您好！我不知道这个怎么处理，你自己看说明吧。",
    "您的手机号13812345678已绑定。",
    "我们一定能退款[微笑][抱拳][玫瑰]。",
    "系统坏了，等修好吧。",
    "订单号2023112712345678已发货。",
)
_FALLBACK = (
    "您好，很高兴为您服务。退款审核通过后1-3个工作日原路退回，周末可能延迟。"
    "您可通过APP【我的-订单】查看进度，如有疑问请随时联系我们。"
)


def run_bench(
    docs: int | None = None, rules: int | None = None, content: str | Path | None = None, megabytes: int = 10
) -> dict:
    """Compile `rules` rules (default 1,000) and time checking a 2,000-character draft; numbers in ms.
    Also one check of `megabytes` MB of drafts (CPU seconds) and of a draft against a regex-bomb rule."""
    del docs  # the search bench's knob; the checker bench has none
    target = rules or 1000
    loaded = load_content(resolve_content_root(content))
    draft = _draft(loaded)
    files = [*loaded.library_of("rules"), _synthetic_file(loaded, target, draft)]
    variants = Checker.from_content(loaded).variants
    fold(draft)  # the fold table is shared with search: load it before timing the compile

    compile_times = []
    checker = None
    for _ in range(5):
        start = time.perf_counter()
        parsed, problems = parse_rule_files(files)
        parsed = parsed[:target]
        checker = Checker(parsed, problems, variants)
        compile_times.append((time.perf_counter() - start) * 1000)
    assert checker is not None
    times, cpu = _timed(lambda: checker.check(draft), 300)
    findings = len(checker.check(draft))

    patterns = _naive_patterns(checker)
    folded = fold(draft)
    baseline, _ = _timed(lambda: [m.span() for p in patterns for m in p.finditer(folded)], 60)
    big = (draft * (megabytes * 1_000_000 // len(draft) + 1))[: megabytes * 1_000_000]
    start = time.process_time()
    big_findings = len(checker.check(big)) if megabytes else 0
    big_cpu = time.process_time() - start
    bomb_ms, bomb_refused = _bomb(loaded, variants)
    return {
        "rules": len(checker.rules),
        "chars": len(draft),
        "compile_ms": round(statistics.median(compile_times), 2),
        "p50_ms": round(_pct(times, 50), 3),
        "p95_ms": round(_pct(times, 95), 3),
        "p50_cpu_ms": round(_pct(cpu, 50), 3),  # CPU time of the checking thread: immune to a busy machine
        "p95_cpu_ms": round(_pct(cpu, 95), 3),
        "baseline_p50_ms": round(_pct(baseline, 50), 3),
        "baseline_p95_ms": round(_pct(baseline, 95), 3),
        "findings": findings,
        "regex_rules": sum(1 for r in checker.rules if r.regex),
        f"check_{megabytes}mb_cpu_s": round(big_cpu, 2),
        f"check_{megabytes}mb_findings": big_findings,
        "bomb_refused": bomb_refused,
        "bomb_draft_ms": round(bomb_ms, 3),
    }


_BOMB = "(您+)+好吗了$"  # #18 item 9: passed validate before and made a 28-character draft take 36 s


def _bomb(content: Content, variants) -> tuple[float, bool]:
    """(ms to check the 28-character draft with the bomb rule loaded, whether the rule was refused)."""
    rule = {"id": "bomb", "level": "error", "reason": "态度", "message": "m", "regex": _BOMB}
    bomb_file = LibraryFile("bench/bomb.yaml", "rules", {"kind": "rules", "rules": [rule]})  # type: ignore[arg-type]
    parsed, problems = parse_rule_files([*content.library_of("rules"), bomb_file])
    checker = Checker(parsed, problems, variants)
    refused = "bomb" not in {r.id for r in checker.rules} and any("bomb" in p.message for p in checker.problems)
    text = "您" * 24 + "好吗了啊"  # 28 characters; the literal is there, so a backtracking engine would try
    start = time.process_time()
    checker.check(text)
    return (time.process_time() - start) * 1000, refused


def _timed(fn, runs: int) -> tuple[list[float], list[float]]:
    """Wall-clock and thread CPU milliseconds of `runs` calls, after a warm-up."""
    for _ in range(5):
        fn()
    wall, cpu = [], []
    for _ in range(runs):
        start, start_cpu = time.perf_counter(), time.thread_time()
        fn()
        cpu.append((time.thread_time() - start_cpu) * 1000)
        wall.append((time.perf_counter() - start) * 1000)
    return wall, cpu


def _pct(values: list[float], pct: int) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * pct / 100))]


def _draft(content: Content) -> str:
    """About 2,000 characters of real scripts and article conclusions with a few mistakes mixed in."""
    pieces = [s.text for s in content.scripts] + [a.section("结论") for a in content.articles]
    pieces = [p for p in pieces if p] or [_FALLBACK] * 40
    rng = random.Random(3)
    rng.shuffle(pieces)
    out: list[str] = []
    size = 0
    for i, piece in enumerate(pieces * (1 + DRAFT_CHARS // max(1, sum(map(len, pieces))))):
        if i % 6 == 3:
            piece += _SPICE[(i // 6) % len(_SPICE)]
        out.append(piece)
        size += len(piece)
        if size >= DRAFT_CHARS:
            break
    return "".join(out)[:DRAFT_CHARS]


def _synthetic_file(content: Content, count: int, draft: str) -> LibraryFile:
    """Generated phrase and regex rules over the content's own characters, so they are realistic misses and hits."""
    corpus = "".join(a.body for a in content.articles) + draft
    chars = [ch for ch in dict.fromkeys(corpus) if "\u4e00" <= ch <= "\u9fff"] or list("您好我们为订单退款物流")
    rng = random.Random(1000)
    rules = []
    for i in range(count):
        phrases = ["".join(rng.choice(chars) for _ in range(rng.randint(2, 5))) for _ in range(5)]

        def word(n: int = 2) -> str:
            return "".join(rng.choice(chars) for _ in range(n))

        rule = {
            "id": f"bench-{i}",
            "level": rng.choice(["suggestion", "warning", "error"]),
            "reason": rng.choice(REASONS),
            "message": "基准测试规则「{match}」",
            "phrases": phrases,
            "unless": [phrases[0] + rng.choice(chars)],
            "suggest": ["您好"],
        }
        if i % 4 == 0:  # the shapes of the bundled families, over this content's characters
            shape = i // 4 % 5
            if shape == 0:  # an alternation of phrases, optional parts, a bounded gap
                rule["regex"] = (
                    f"(你|您)?({word()}|{word(3)}|{word()})(了|的)?[\u4e00-\u9fff]{{0,4}}?({word()}|{word()})"
                )
            elif shape == 1:  # a refusal + verb family
                rule["regex"] = f"(不能|无法|没法)(给你|为你)?({word(1)}|{word()}|{word(1)})(吧|了)?"
            elif shape == 2:  # a backreference (爱X不X)
                rule["regex"] = f"{word(1)}(?P<x{i}>[\u4e00-\u9fff]){word(1)}(?P=x{i})"
            elif shape == 3:  # look-behind exceptions
                rule["regex"] = f"(?<!预计)(?<!大约)({word()}|{word()})(就)?(能|会)?({word()}|{word()})"
            else:  # numbers and units
                rule["regex"] = f"([0-9]+|[一二三四五六七八九十两]+)(分钟|天|次|遍)(内)?(不|没)?{word()}"
        rules.append(rule)
    return LibraryFile("bench/synthetic.yaml", "rules", {"kind": "rules", "rules": rules})  # type: ignore[arg-type]


def _naive_patterns(checker: Checker) -> list[re.Pattern[str]]:
    """What a first version would do: one regex per phrase, skipping punctuation between characters."""
    gap = r"[\W_]*"
    patterns = []
    for rule in checker.rules:
        for phrase in (*rule.phrases, *rule.words):
            patterns.append(re.compile(gap.join(re.escape(ch) for ch in phrase)))
        if rule.regex:
            patterns.append(re.compile(rule.regex))
    return patterns
