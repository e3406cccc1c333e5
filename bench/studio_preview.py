"""Benchmark (not a test): how long the studio takes from a change in the form to an updated
preview, in its warm server process, as the page's script asks for it (POST /preview).

    python bench/studio_preview.py [--runs 20] [--worksheets 3]

Starts the real server (uvicorn) on a free port, then changes the recipient's name each
round and times the round trip: the build, the page images and the JSON. Prints the first
(cold) preview and the median and 90th percentile of the warm ones. The page's script waits
600 ms after the last keystroke before it asks, so a person sees the update about that much
later than the figures below.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import uvicorn

from workbook.studio import free_port
from workbook.studio.app import create_app
from workbook.studio.security import csrf_token

SHEETS = ["i-statements", "boundary-planning", "objection-handling", "conversation-plan",
          "therapist-matching", "self-care-and-hope"]  # fmt: skip
TOKEN = "bench-token-0123456789"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--worksheets", type=int, default=3)
    args = parser.parse_args()
    port, folder = free_port(), Path(tempfile.mkdtemp(prefix="studio-bench-"))
    app = create_app(TOKEN, "127.0.0.1", port, folder / "out", folder / "scratch")
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning",
                                           lifespan="off"))  # fmt: skip
    threading.Thread(target=server.run, daemon=True).start()
    while not server.started:
        time.sleep(0.05)
    sheets = SHEETS[: args.worksheets]
    times, pages = [], 0
    for run in range(args.runs + 1):
        fields = [("csrf", csrf_token(TOKEN)), ("action", "preview"), ("ui", "en"),
                  ("recipient", f"Reader {run}"), ("region", "US"), ("crisis_page", "on"),
                  *(("worksheets", s) for s in sheets)]  # fmt: skip
        request = urllib.request.Request(
            f"http://127.0.0.1:{port}/preview", urllib.parse.urlencode(fields).encode(),
            {"Cookie": f"workbook_studio={TOKEN}"})  # fmt: skip
        start = time.perf_counter()
        with urllib.request.urlopen(request, timeout=120) as reply:
            body = reply.read()
        times.append(time.perf_counter() - start)
        pages = body.count(b"<img ")
    server.should_exit = True
    warm = times[1:]
    print(f"studio preview, {len(sheets)} worksheets ({pages} pages shown), {args.runs} changes")
    print(f"  first preview (cold server): {times[0] * 1000:7.0f} ms")
    print(f"  warm, median:                {statistics.median(warm) * 1000:7.0f} ms")
    print(f"  warm, 90th percentile:       {statistics.quantiles(warm, n=10)[-1] * 1000:7.0f} ms")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
