"""Catalogue search and CLI start-up, measured next to baselines taken in the same run.

    python bench/catalog.py [--queries 2000] [--size 10000]

Prints p50/p95 latency of ranked search (`SearchIndex.search`) and of a plain substring scan over the same
fields, on the real catalogue and on a synthetic one; then `cer --help` start time next to `python -c pass`.
Targets (issue 2): ranked search on 10,000 tools at p95 < 20 ms; at the real size, no worse than 3x the scan.
It prints figures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

from cer.content import load_content
from tools_catalog.models import Tool
from tools_catalog.search import SearchIndex

REAL_QUERIES = [
    "one fund", "UN house", "procurement", "joint communication strategy", "HACT", "UNDAF guidelines",
    "Rwanda", "common premises", "risk log", "capacity assessment", "gender scorecard", "procurment",
    "business operations strategy", "monitoring and evaluation", "code of conduct", "pooled funding",
]  # fmt: skip


def haystack(tool: Tool) -> str:
    return " ".join([tool.title, tool.summary, tool.publisher, *tool.countries, *tool.tags]).lower()


def substring_scan(tools: Sequence[Tool]) -> Callable[[str], list[Tool]]:
    """The baseline: lower-case the query, keep every tool whose text contains it (no ranking)."""
    hay = [haystack(t) for t in tools]

    def scan(query: str) -> list[Tool]:
        q = query.lower()
        return [t for t, h in zip(tools, hay, strict=True) if q in h]

    return scan


def synthetic_catalogue(real: Sequence[Tool], size: int, rng: random.Random) -> list[Tool]:
    """`size` tools whose words, lengths and facets are drawn from the real catalogue."""
    words = [w for t in real for w in (t.title + " " + t.summary).split()]
    tags = [tag for t in real for tag in t.tags]
    countries = sorted({c for t in real for c in t.countries})
    tools = []
    for n in range(size):
        model = real[n % len(real)]
        tools.append(
            model.model_copy(
                update={
                    "id": f"T{n:04d}",  # ids repeat past 9999; the index does not rely on them being unique
                    "title": " ".join(rng.choices(words, k=rng.randint(4, 14))),
                    "summary": " ".join(rng.choices(words, k=rng.randint(25, 60))),
                    "tags": rng.sample(tags, k=rng.randint(2, 6)),
                    "countries": rng.sample(countries, k=1) if rng.random() < 0.3 else [],
                }
            )
        )
    return tools


def make_queries(tools: Sequence[Tool], count: int, rng: random.Random) -> list[str]:
    """Real queries, title phrases, single words and words with a one-letter typo."""
    titles = [t.title.split() for t in tools]
    queries = list(REAL_QUERIES)
    while len(queries) < count:
        words = rng.choice(titles)
        start = rng.randrange(len(words))
        phrase = words[start : start + rng.randint(1, 3)]
        if rng.random() < 0.2:
            w = phrase[0]
            i = rng.randrange(len(w))
            phrase[0] = w[:i] + rng.choice("aeiourst") + w[i + 1 :]
        queries.append(" ".join(phrase))
    return queries


def latencies_ms(fn: Callable[[str], object], queries: Sequence[str]) -> list[float]:
    for q in queries[:50]:  # warm caches the way a running process has them
        fn(q)
    out = []
    for q in queries:
        start = time.perf_counter_ns()
        fn(q)
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def pct(values: Sequence[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


def compare(label: str, tools: Sequence[Tool], queries: Sequence[str]) -> tuple[float, float]:
    start = time.perf_counter()
    index = SearchIndex(tools)
    build = time.perf_counter() - start
    ranked = latencies_ms(index.search, queries)
    scan = latencies_ms(substring_scan(tools), queries)
    print(f"\n{label}: {len(tools)} tools, {len(queries)} queries, index built in {build * 1000:.1f} ms")
    print(f"  {'':22}{'p50 ms':>10}{'p95 ms':>10}{'mean ms':>10}")
    for name, values in (("ranked search", ranked), ("substring scan (base)", scan)):
        print(f"  {name:22}{pct(values, 50):10.3f}{pct(values, 95):10.3f}{statistics.fmean(values):10.3f}")
    r50, r95 = pct(ranked, 50) / pct(scan, 50), pct(ranked, 95) / pct(scan, 95)
    print(f"  ratio ranked/scan       {r50:9.2f}x{r95:9.2f}x")
    return pct(ranked, 95), r95


def start_time_s(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--size", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=10, help="start-up runs per command")
    args = parser.parse_args()
    rng = random.Random(20261124)
    real = list(load_content().catalogue.tools)

    _, real_ratio = compare("Real catalogue", real, make_queries(real, args.queries, rng))
    big = synthetic_catalogue(real, args.size, rng)
    big_p95, _ = compare("Synthetic catalogue", big, make_queries(big, args.queries, rng))

    cer = Path(sys.executable).with_name("cer")
    help_s = start_time_s([str(cer), "--help"], args.runs)
    list_s = start_time_s([str(cer), "tools", "list"], args.runs)
    pass_s = start_time_s([sys.executable, "-c", "pass"], args.runs)
    print(
        f"\nStart-up (median of {args.runs}): python -c pass {pass_s * 1000:.0f} ms · cer --help "
        f"{help_s * 1000:.0f} ms ({help_s / pass_s:.1f}x) · cer tools list {list_s * 1000:.0f} ms "
        f"({list_s / pass_s:.1f}x)"
    )
    print("\nTargets")
    print(f"  ranked p95 on {len(big)} tools: {big_p95:.2f} ms (target < 20 ms): {_verdict(big_p95 < 20)}")
    print(f"  ranked/scan p95 at real size: {real_ratio:.2f}x (target <= 3x): {_verdict(real_ratio <= 3)}")


def _verdict(met: bool) -> str:
    return "met" if met else "MISSED"


if __name__ == "__main__":
    main()
