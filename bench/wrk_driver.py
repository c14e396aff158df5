"""wrk (Debian's package) walking a list of URLs: each request takes the next path of the list, so a
run asks for every URL once at most — more requests than paths start the list again, and are
reported as `repeats`. 1 thread and 2 connections: one request in flight per core, so p50 is close
to the service time and requests/s close to saturation."""

import os
import subprocess
import tempfile

CONNECTIONS = 2
THREADS = 1

LUA = """
local paths = {}
for line in io.lines(%s) do paths[#paths + 1] = line end
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i - 1) %% #paths + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("RESULT %%d %%d %%d %%d %%d %%d\\n", summary.requests, summary.duration,
    latency:percentile(50), latency:percentile(99), e.connect + e.read + e.write + e.timeout, e.status))
end
"""


def lua_string(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def wrk(base, paths, duration):
    """Requests/s and latency percentiles (ms) of `duration` seconds of load on `base` (http://host:port)
    walking `paths` in order."""
    with tempfile.TemporaryDirectory(prefix="bench-wrk-") as directory:
        listing, script = os.path.join(directory, "paths"), os.path.join(directory, "walk.lua")
        with open(listing, "w") as file:
            file.write("\n".join(paths) + "\n")
        with open(script, "w") as file:
            file.write(LUA % lua_string(listing))
        out = subprocess.run(
            ["wrk", "-t", str(THREADS), "-c", str(CONNECTIONS), "-d", f"{duration}s", "--timeout", "30s",
             "-s", script, base],
            capture_output=True,
            text=True,
            check=True,
        ).stdout  # fmt: skip
    line = next(line for line in out.splitlines() if line.startswith("RESULT"))
    requests, micros, p50, p99, errors, non2xx = map(int, line.split()[1:])
    return {
        "rps": requests / (micros / 1e6),
        "p50": p50 / 1000,
        "p99": p99 / 1000,
        "requests": requests,
        "seconds": micros / 1e6,
        "errors": errors + non2xx,
        "repeats": max(0, requests - len(paths)),
    }
