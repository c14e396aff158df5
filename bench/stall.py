"""Stalled CSV exports against gunicorn: do ordinary requests still get answers?

Opens N whole-list CSV exports of the statements table from N loopback addresses (127.0.0.2, …)
that never read a byte (a 4 KiB receive buffer, so the server's writes block within a few MB),
then times ordinary requests (`/api/v1/statements/?page=2`) while they stall, each given at most
--timeout seconds. Then it leaves the exports unread past the app's write timeout and reports
how each ended. Bounded: N sockets, --requests requests, about a minute, 127.0.0.1 only.

    python -m bench.stall                              # this checkout, with gunicorn.conf.py
    python -m bench.stall --project /tmp/before --before   # another checkout, as the README ran it

`--before` serves the way the README said before issue #11, item 6: sync workers, `--timeout 300`.
"""

import argparse
import socket
import statistics
import time

from . import data
from .serve import Gunicorn

SIZE = 30_000  # statements: an export of ~8 MB, more than loopback's socket buffers hold
EXPORT = "/api/v1/statements/?format=csv"
ORDINARY = "/api/v1/statements/?page=2"


def stall(port, number):
    """A socket that asks for the export from 127.0.0.<number> and never reads."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.bind((f"127.0.0.{number}", 0))
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET {EXPORT} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock


def ordinary(server, count, timeout):
    """(answered, median seconds of those answered, statuses) for `count` ordinary requests."""
    times, statuses = [], []
    for _ in range(count):
        try:
            status, _, seconds = server.get(ORDINARY, timeout=timeout)
            statuses.append(status)
            times.append(seconds)
        except OSError:
            statuses.append("timeout")
    answered = sum(status == 200 for status in statuses)
    return answered, statistics.median(times) if times else None, statuses


def ending(sock, limit=5.0):
    """How a stalled export ended, read now: its status line and whether the server had closed it."""
    sock.setblocking(True)
    sock.settimeout(limit)
    received, deadline = b"", time.monotonic() + limit
    try:
        while time.monotonic() < deadline:
            chunk = sock.recv(65536)
            if not chunk:
                return f"{received[9:12].decode() or '-'}, closed by the server after {len(received):,} bytes"
            received += chunk
    except (TimeoutError, ConnectionResetError):
        pass
    return f"{received[9:12].decode() or '-'}, still open ({len(received):,} bytes read)"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--project", default=str(data.PROJECT), help="the checkout to serve (default: this one)")
    parser.add_argument("--before", action="store_true", help="sync workers, --timeout 300 (the old README)")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--stalled", type=int, default=4, help="exports that never read (default 4)")
    parser.add_argument("--requests", type=int, default=10, help="ordinary requests timed (default 10)")
    parser.add_argument("--timeout", type=float, default=5.0, help="seconds each ordinary request may take")
    parser.add_argument("--write-timeout", type=int, default=10, help="EXPORT_WRITE_TIMEOUT for the app")
    options = parser.parse_args()
    data.prepare("sqlite", SIZE)
    args = ["--workers", str(options.workers)]
    args += ["--worker-class", "sync", "--threads", "1", "--timeout", "300"] if options.before else []
    env = {"THROTTLE_ANON": "off", "THROTTLE_EXPENSIVE": "off", "EXPORT_WRITE_TIMEOUT": str(options.write_timeout)}
    with Gunicorn(data.database_url("sqlite", SIZE), project=options.project, args=args, **env) as server:
        calm = ordinary(server, options.requests, options.timeout)
        print(f"before stalling: {calm[0]}/{options.requests} answered, median {calm[1] * 1000:.0f} ms")
        started = time.monotonic()
        sockets = [stall(server.port, 2 + n) for n in range(options.stalled)]
        time.sleep(3)  # the server fills the sockets' buffers and blocks
        during = ordinary(server, options.requests, options.timeout)
        median = f"median {during[1] * 1000:.0f} ms" if during[1] is not None else "none answered"
        print(f"{options.stalled} exports stalled: {during[0]}/{options.requests} answered, {median}; {during[2]}")
        time.sleep(max(0.0, options.write_timeout + 3 - (time.monotonic() - started)))
        for number, sock in enumerate(sockets, start=2):
            print(f"  stalled export from 127.0.0.{number}: {ending(sock)}")
            sock.close()


if __name__ == "__main__":
    main()
