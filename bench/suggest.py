"""Speed and memory of suggestions from a source's text (issue #15: a 10,000-word source in under
5 s, memory under 500 MB), and what Django start-up does not import.

    .venv/bin/python -m bench.suggest            # 10,000 words
    .venv/bin/python -m bench.suggest 100000     # any number of words

The text is the fixtures' article and the articles of tests/suggest_corpus/, repeated to the size
(every known actor and country of them known). Figures go to bench/README.md.
"""

import os
import resource
import sys
import time


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    words = int(argv[0]) if argv else 10_000
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "policy.settings")
    started = time.perf_counter()
    import django

    django.setup()
    import policy.urls  # noqa: F401  (everything a server process imports)

    heavy = [name for name in ("dateparser", "babel", "text_to_num", "regex") if name in sys.modules]
    print(f"Django start-up imports none of the suggestion libraries: {not heavy} {heavy or ''}")
    from bench.evaluate import corpus_articles, seed_article
    from policy.suggest import Known, suggest

    articles = [seed_article(), *corpus_articles()]
    known = Known(
        tuple({a.slug: a for article in articles for a in article[3].actors}.values()),
        tuple({c.code: c for article in articles for c in article[3].countries}.values()),
    )
    chunks, count = [], 0
    while count < words:
        for article in articles:
            chunks.append(article[1])
            count += len(article[1].split())
    text = "\n\n".join(chunks)
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    start = time.perf_counter()
    proposals = suggest(text, articles[0][2], known)
    first = time.perf_counter() - start
    start = time.perf_counter()
    suggest(text, articles[0][2], known)
    second = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{len(text.split()):,} words, {len(text):,} characters: {len(proposals):,} proposals")
    print(f"first run (libraries imported and warmed up): {first:.2f} s; second run: {second:.2f} s")
    print(f"peak memory: {peak:.0f} MB (the process before suggesting: {before:.0f} MB)")
    print(f"process total, Django set-up included: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
