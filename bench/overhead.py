"""The API's own cost per request, against the floor's, in process: no gunicorn, no wrk, no sockets.

For each request type of the mix (bench/mix.py), never-repeated URLs drawn as `make bench` draws them
(bench/params.py), each sent to the WSGI application directly — the API's URL and the floor's —
under the bench's production settings (bench.settings, DEBUG off, throttling off, COUNT_CACHE_SECONDS
0 unless `--cache on`). Prints per request type the CPU milliseconds per request (median) of the API
and of the floor, their ratio, and the SQL queries each runs. CPU time (`time.process_time`) rather
than wall time: on SQLite the queries run in the process too, and another process's load weighs
less on it.

With `--baseline DIR` (another checkout, e.g. /work/main) the same URLs go to both checkouts, each
in its own worker process, in alternating order round after round so the machine's load weighs on
both alike; the bodies of the first `--check` URLs of each type must be byte-identical between them.
`--profile` prints a cProfile of this checkout's API side (top 30 by own time).

    .venv/bin/python -m bench.overhead --requests "list page,detail" [--urls 60] [--rounds 3]
        [--baseline /work/main] [--profile] [--database sqlite:///…] [--cache on]
"""

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

DATABASE = f"sqlite:///{Path(__file__).resolve().parent / 'results' / 'data' / 'sqlite-1000000.sqlite3'}"
SEED = "overhead"


# -- the worker: one process per checkout, answering the parent's JSON lines ------------------------


def worker_main(project):
    sys.path[:] = [project, *(p for p in sys.path[1:] if p != project)]  # this checkout's policy and bench
    os.chdir(project)
    import django

    django.setup()
    from django.core.wsgi import get_wsgi_application

    application = get_wsgi_application()
    out = sys.stdout
    sys.stdout = sys.stderr  # what the app prints must not break the protocol
    for line in sys.stdin:
        order = json.loads(line)
        answer = globals()[f"do_{order['do']}"](application, order)
        out.write(json.dumps(answer) + "\n")
        out.flush()


def environ(path):
    import io

    path, _, query = path.partition("?")
    return {
        "REQUEST_METHOD": "GET",
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SCRIPT_NAME": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_HOST": "127.0.0.1:8000",
        "REMOTE_ADDR": "127.0.0.1",
        "wsgi.input": io.BytesIO(),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def get(application, path):
    """(status, headers, body) of one GET, as gunicorn would read them."""
    found = {}

    def start_response(status, headers, exc_info=None):
        found["status"], found["headers"] = int(status.split()[0]), headers

    chunks = application(environ(path), start_response)
    try:
        body = b"".join(chunks)
    finally:
        if hasattr(chunks, "close"):
            chunks.close()
    return found["status"], found["headers"], body


def do_check(application, order):
    """Per URL: status, the body's digest, the headers that matter, and the SQL queries it ran."""
    from django.db import connection

    answers = []
    for path in order["paths"]:
        queries = []

        def counted(execute, sql, params, many, context, queries=queries):
            queries.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(counted):
            status, headers, body = get(application, path)
        kept = sorted((name, value) for name, value in headers if name in ("Content-Type", "ETag", "Vary"))
        answers.append([status, hashlib.sha1(body).hexdigest(), kept, len(queries), queries, body.decode()[:300]])
    return answers


def do_time(application, order):
    """CPU and wall seconds of each GET of `paths`, in order."""
    import time

    found = []
    for path in order["paths"]:
        cpu, wall = time.process_time(), time.perf_counter()
        get(application, path)
        found.append([time.process_time() - cpu, time.perf_counter() - wall])
    return found


# What --breakdown times, each inclusive of what it calls: the request's layers, outermost first
# (functions looked up when called: ones bound at start-up, as the middleware chain is, cannot be).
LAYERS = (
    "django.core.handlers.wsgi:WSGIHandler.__call__",
    "django.core.handlers.base:BaseHandler.resolve_request",
    "rest_framework.views:APIView.dispatch",
    "rest_framework.views:APIView.initialize_request",
    "rest_framework.views:APIView.initial",
    "policy.api.filtering:StrictFilterBackend.filter_queryset",
    "policy.querying.pagination:NumberedPages.paginate_queryset",
    "policy.querying.pagination:Rows.counted",
    "policy.querying.pagination:Rows.__getitem__",
    "policy.querying.cursors:CursorPage.__init__",
    "policy.reading.plan:ReadPlan.represent",
    "policy.querying.prepared:Prepared.rows",
    "policy.api.reads:DetailReads.detail_response",
    "rest_framework.views:APIView.finalize_response",
    "rest_framework.response:Response.rendered_content",
)


def do_breakdown(application, order):
    """{layer: CPU seconds spent in it over `paths`} for the LAYERS this checkout has."""
    import importlib
    import time

    spent = {}

    def timed(name, function):
        def wrapper(*args, **kwargs):
            started = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                spent[name] = spent.get(name, 0) + time.process_time() - started

        return wrapper

    patched = []
    for name in order["layers"]:
        module, _, path = name.partition(":")
        owner_name, _, attribute = path.rpartition(".")
        try:
            owner = getattr(importlib.import_module(module), owner_name)
            original = owner.__dict__[attribute]
        except (ImportError, AttributeError, KeyError):
            continue
        if isinstance(original, property):
            wrapped = property(timed(name, original.fget))
        elif isinstance(original, classmethod):
            wrapped = classmethod(timed(name, original.__func__))
        else:
            wrapped = timed(name, original)
        setattr(owner, attribute, wrapped)
        patched.append((owner, attribute, original))
    started = time.process_time()
    try:
        for path in order["paths"]:
            get(application, path)
    finally:
        for owner, attribute, original in patched:
            setattr(owner, attribute, original)
    return {"total": time.process_time() - started, **spent}


def do_profile(application, order):
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    profiler.enable()
    for path in order["paths"]:
        get(application, path)
    profiler.disable()
    text = io.StringIO()
    pstats.Stats(profiler, stream=text).sort_stats(order.get("sort", "tottime")).print_stats(30)
    return text.getvalue()


# -- the parent: URLs, rounds, the table ----------------------------------------------------------


class Worker:
    def __init__(self, project, database, cache):
        from bench.app_server import server_env  # the bench's server settings (here, not above: see --worker)

        count_cache = "300" if cache == "on" else "0"
        env = server_env(database, COUNT_CACHE_SECONDS=count_cache, PYTHONPATH=project)
        env |= {"LOG_LEVEL": "CRITICAL", "PYTHONWARNINGS": "ignore"}
        command = [sys.executable, str(Path(__file__).resolve()), "--worker", project]
        self.project = project
        self.process = subprocess.Popen(command, env=env, cwd=project, stdin=subprocess.PIPE, stdout=subprocess.PIPE)

    def ask(self, do, paths, **extra):
        self.process.stdin.write((json.dumps({"do": do, "paths": paths, **extra}) + "\n").encode())
        self.process.stdin.flush()
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the worker of {self.project} stopped")
        return json.loads(line)

    def stop(self):
        self.process.stdin.close()
        self.process.wait()


def parameters(database):
    """bench.params' JSON for `database`, kept in the temporary directory (it reads a million rows)."""
    key = database
    if database.startswith("sqlite:///"):
        stat = Path(database.removeprefix("sqlite:///")).stat()
        key += f":{stat.st_size}:{stat.st_mtime_ns}"
    cached = Path(tempfile.gettempdir()) / f"bench-params-{hashlib.sha1(key.encode()).hexdigest()[:12]}.json"
    if not cached.exists():
        env = {**os.environ, "DATABASE_URL": database, "DJANGO_SETTINGS_MODULE": "policy.settings"}
        project = str(Path(__file__).resolve().parent.parent)
        command = [sys.executable, "-m", "bench.params"]
        result = subprocess.run(command, env=env, cwd=project, capture_output=True, text=True, check=True)
        cached.write_text(result.stdout)
    return json.loads(cached.read_text())


def median_ms(figures, index=0):
    return 1000 * statistics.median(figure[index] for figure in figures) if figures else float("nan")


def check(kind, values, workers):
    """Lines about the answers of the first URLs: API against floor (status), and checkout against
    checkout (the same bytes); and the SQL query count of each side, per checkout."""
    notes, queries = [], {}
    api, floor = [kind.api(v) for v in values], [kind.floor(v) for v in values]
    answers = {worker.project: (worker.ask("check", api), worker.ask("check", floor)) for worker in workers}
    for project, (api_answers, floor_answers) in answers.items():
        queries[project] = (
            statistics.mean(answer[3] for answer in api_answers),
            statistics.mean(answer[3] for answer in floor_answers),
        )
        bad = [(path, answer[0], answer[5]) for path, answer in zip(api, api_answers, strict=True) if answer[0] != 200]
        if bad:
            notes.append(f"{project}: not 200: {bad[:2]}")
    first, *others = answers.values()
    for worker, (api_answers, _) in zip(workers[1:], others, strict=True):
        for path, mine, theirs in zip(api, first[0], api_answers, strict=True):
            if mine[:3] != theirs[:3]:
                notes.append(f"DIFFERENT from {worker.project}: {path}")
    return notes, queries, {project: answer[0][0][4] for project, answer in answers.items()}


def main():
    from . import mix

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--requests", help="comma-separated request types of the mix (default: all)")
    parser.add_argument("--urls", type=int, default=60, help="URLs timed per type, round and side")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--check", type=int, default=20, help="URLs per type compared between checkouts")
    parser.add_argument("--baseline", help="another checkout, sent the same URLs (e.g. /work/main)")
    parser.add_argument("--database", default=DATABASE)
    parser.add_argument("--cache", choices=("on", "off"), default="off")
    parser.add_argument("--profile", action="store_true", help="a cProfile of this checkout's API side")
    parser.add_argument("--sort", default="tottime", help="the profile's order: tottime, cumulative…")
    parser.add_argument("--breakdown", action="store_true", help="CPU time per layer of the API (LAYERS)")
    parser.add_argument("--show-queries", action="store_true", help="the SQL of one API request per type")
    options = parser.parse_args()
    names = [name.strip() for name in options.requests.split(",")] if options.requests else list(mix.BY_NAME)
    params = parameters(options.database)
    projects = [str(Path(__file__).resolve().parent.parent)]
    if options.baseline:
        projects.append(str(Path(options.baseline).resolve()))
    workers = [Worker(project, options.database, options.cache) for project in projects]
    try:
        report(options, names, params, workers)
    finally:
        for worker in workers:
            worker.stop()


def report(options, names, params, workers):
    from . import mix

    print(f"load average {os.getloadavg()[0]:.2f}; {options.database}; count cache {options.cache}", flush=True)
    header = "request | side | API cpu ms | floor cpu ms | API/floor | API wall ms | floor wall ms | SQL API/floor"
    print(header + "\n" + "|".join("---" for _ in header.split("|")))
    for name in names:
        kind = mix.BY_NAME[name]
        total = options.check + options.urls * options.rounds
        values = mix.draws(kind, params, total, SEED)
        if kind.repeated:
            values = (values * (total // len(values) + 1))[:total]
        notes, queries, sql = check(kind, values[: options.check], workers)
        times = {worker.project: {"api": [], "floor": []} for worker in workers}
        for number in range(options.rounds):
            chunk = values[options.check + number * options.urls :][: options.urls]
            # Each URL to the API and the floor in turn, each first every other time: the one that
            # reads a never-repeated URL's rows second finds them in SQLite's page cache.
            paths = [(kind.api(v), kind.floor(v))[:: 1 if i % 2 else -1] for i, v in enumerate(chunk)]
            for worker in workers if number % 2 == 0 else workers[::-1]:
                found = worker.ask("time", [path for pair in paths for path in pair])
                for i in range(len(chunk)):
                    first, second = found[2 * i], found[2 * i + 1]
                    api, floor = (second, first) if i % 2 == 0 else (first, second)
                    times[worker.project]["api"].append(api)
                    times[worker.project]["floor"].append(floor)
        for worker in workers:
            api, floor = times[worker.project]["api"], times[worker.project]["floor"]
            a, f = median_ms(api), median_ms(floor)
            q = queries[worker.project]
            label = "this" if worker is workers[0] else "baseline"
            print(
                f"{name} | {label} | {a:.2f} | {f:.2f} | {a / f:.2f} | {median_ms(api, 1):.2f} "
                f"| {median_ms(floor, 1):.2f} | {q[0]:g}/{q[1]:g}",
                flush=True,
            )
        for note in notes:
            print(f"  ! {note}")
        if options.show_queries:
            for query in sql[workers[0].project]:
                print(f"    {query[:400]}")
        if options.breakdown:
            paths = [kind.api(v) for v in values[options.check :]]
            for worker in workers:
                spent = worker.ask("breakdown", paths, layers=LAYERS)
                print(f"  {'this' if worker is workers[0] else 'baseline'}: CPU ms per request, inclusive")
                for layer, seconds in spent.items():
                    print(f"    {1000 * seconds / len(paths):7.2f}  {layer}")
        if options.profile:
            print(workers[0].ask("profile", [kind.api(v) for v in values[options.check :]], sort=options.sort))


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        worker_main(sys.argv[2])
    else:
        main()
