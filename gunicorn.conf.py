"""gunicorn's settings for Policy Records: `gunicorn policy.wsgi`, started in this directory, reads
them (elsewhere: `gunicorn -c /path/to/gunicorn.conf.py policy.wsgi`). Command-line options win.

Threads rather than sync workers: a whole-list CSV export streams for as long as its client
reads, and holds its thread all that time. A process streams at most EXPORTS_PER_PROCESS exports
(policy/api/exports.py), and has more threads than that, so ordinary requests always find one
free whatever exporting clients do; with sync workers, two clients that never read had stopped a
server (issue #11, item 6; bench/stall.py measures both).
"""

import multiprocessing
import os

bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")  # gunicorn's own default; behind a balancer, --bind
workers = int(os.environ.get("GUNICORN_WORKERS", 2 * multiprocessing.cpu_count() + 1))
worker_class = "gthread"
threads = max(int(os.environ.get("GUNICORN_THREADS", 4)), int(os.environ.get("EXPORTS_PER_PROCESS", 2)) + 2)
# A gthread worker keeps answering its master while its threads stream, so this restarts a stuck
# worker without cutting long exports short (a sync worker's export longer than it was killed).
timeout = 60
keepalive = 5

# The application is loaded and warmed once, in the master, before the workers fork: every worker then
# answers its first request of each kind as fast as its next (policy/warmup.py). WARM_UP=0 turns the
# warm-up off. A preloaded application is not reloaded by SIGHUP: restart gunicorn to deploy new code.
preload_app = True


def when_ready(server):
    if os.environ.get("WARM_UP", "1") != "0":
        from policy.warmup import warm

        warm(server.app.wsgi())
