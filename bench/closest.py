"""How long finding the closest passage takes on a long source (issue #14: a 200-page report,
~500,000 characters, under 200 ms): `.venv/bin/python -m bench.closest [--chars N] [--runs N]`.

The source is synthetic: the seed article's sentences, each with a third of its words swapped for
others of the article (seeded, so every run builds the same text), in paragraphs, until N
characters. The excerpts to place sit near its end, the worst case for a scan.
"""

import argparse
import json
import random
import re
import statistics
import time
from pathlib import Path

from policy.closest import closest_passage

ARTICLE = Path(__file__).resolve().parent.parent / "fixtures"
TARGET = (
    "The delegation’s report — published after three weeks of talks — said the border “remains open”… "
    "and that crossings fell by 12% in the last quarter of the year."
)
CASES = {
    "curly quotes, dash and ellipsis typed plainly (found folded)": TARGET.replace("’", "'")
    .replace("—", "-")
    .replace("“", '"')
    .replace("”", '"')
    .replace("…", "..."),
    "a word changed and one left out (found by anchors)": TARGET.replace("three weeks", "two weeks").replace(
        " in the last quarter", " in the quarter"
    ),
    "words the source never holds (no passage)": "Quantum giraffes negotiated the zeppelin tariff schedule "
    "with seventeen bewildered accordion manufacturers.",
}


def article_sentences():
    for path in sorted(ARTICLE.glob("*.json")):
        for row in json.loads(path.read_text()):
            text = row["fields"].get("text")
            if row["model"] == "policy.source" and text:
                return [s for s in re.split(r"(?<=[.!?”])\s+", text) if len(s) > 20]
    raise SystemExit("no source text in fixtures/")


def synthetic_source(chars, seed=1):
    rng = random.Random(seed)
    sentences = article_sentences()
    words = sorted({w for s in sentences for w in s.split()})
    paragraphs, size = [], 0
    while size < chars:
        paragraph = []
        for sentence in rng.sample(sentences, 4):
            paragraph.append(" ".join(rng.choice(words) if rng.random() < 0.33 else w for w in sentence.split()))
        paragraphs.append(" ".join(paragraph))
        size += len(paragraphs[-1]) + 2
    paragraphs.insert(len(paragraphs) * 9 // 10, TARGET)
    return "\n\n".join(paragraphs)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chars", type=int, default=500_000)
    parser.add_argument("--runs", type=int, default=20)
    args = parser.parse_args()
    text = synthetic_source(args.chars)
    print(f"source: {len(text):,} characters; {args.runs} runs each; median and worst")
    for name, excerpt in CASES.items():
        times, found = [], None
        for _ in range(args.runs):
            began = time.perf_counter()
            found = closest_passage(text, excerpt)
            times.append((time.perf_counter() - began) * 1000)
        answer = f"differs at {found.differs_at} ({found.kind})" if found else "none"
        print(f"  {name}: {statistics.median(times):.1f} ms, worst {max(times):.1f} ms — {answer}")


if __name__ == "__main__":
    main()
