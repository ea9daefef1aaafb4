"""Screenshots of what a person sees in the Dagster UI, taken with headless Chromium.

    .venv/bin/python benchmarks/ui_screenshots.py            # against a fresh make dev of its own
    .venv/bin/python benchmarks/ui_screenshots.py --port 3000 # against a running make dev

With no --port it builds the samples into a temporary warehouse twice with
`python -m fazhi_pipeline run` (the second run changes nothing, so dbt is
skipped), starts `python -m fazhi_pipeline.dev` on that instance, and stops it
afterwards. Pages: the global lineage (groups left to right), a mart's checks
after the no-change run (each shows its last real result), a mart's overview
(row count, checks, code location). PNGs go to benchmarks/out/screens/.
Needs `chromium` (Debian: apt-get install chromium).
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
OUT = REPO / "benchmarks" / "out" / "screens"
PAGES = {
    "lineage": ("/asset-groups", (1800, 1000)),
    "fct_cases_checks": ("/assets/marts/fct_cases?view=checks", (1800, 1100)),
    "fct_cases_overview": ("/assets/marts/fct_cases?view=overview", (1800, 1800)),
}
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars"]


def graphql(port: int, query: str) -> dict:
    req = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                 headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(req, timeout=30) as resp:
        return json.load(resp)


def wait_loaded(port: int, timeout: float = 240) -> None:
    deadline = time.monotonic() + timeout
    query = "{ workspaceOrError { ... on Workspace { locationEntries { loadStatus } } } }"
    while time.monotonic() < deadline:
        try:
            entries = graphql(port, query)["data"]["workspaceOrError"]["locationEntries"]
            if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                return
        except OSError:
            pass
        time.sleep(1)
    raise TimeoutError("make dev did not load its code location")


def shoot(port: int) -> list[Path]:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        raise SystemExit("chromium not found (Debian: apt-get install chromium)")
    graphql(port, "mutation { setNuxSeen }")  # the "Join the Dagster community" dialog would cover the page
    OUT.mkdir(parents=True, exist_ok=True)
    shots = []
    for name, (path, (width, height)) in PAGES.items():
        target = OUT / f"{name}.png"
        subprocess.run([chromium, *CHROMIUM_FLAGS, f"--window-size={width},{height}", "--virtual-time-budget=20000",
                        f"--screenshot={target}", f"http://127.0.0.1:{port}{path}"],
                       check=True, capture_output=True, timeout=120)
        shots.append(target)
        print(target.relative_to(REPO))
    return shots


def with_own_dev() -> None:
    work = Path(tempfile.mkdtemp(prefix="fazhi-screens-"))
    port = 3900 + os.getpid() % 90
    env = {**os.environ, "DAGSTER_HOME": str(work / "dagster_home"),
           "FAZHI_WAREHOUSE": str(work / "wh" / "fazhi.duckdb"), "DAGSTER_PORT": str(port)}
    env.pop("FAZHI_WORK_DB", None)
    try:
        for _ in range(2):  # a build, then a run with nothing new (dbt skipped)
            subprocess.run([sys.executable, "-m", "fazhi_pipeline", "run"], cwd=REPO, env=env, check=True,
                           capture_output=True)
        dev = subprocess.Popen([sys.executable, "-m", "fazhi_pipeline.dev"], cwd=REPO, env=env,
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
        try:
            wait_loaded(port)
            shoot(port)
        finally:
            dev.send_signal(signal.SIGTERM)
            dev.wait(timeout=90)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--port", type=int, help="port of a running make dev (default: start one)")
    args = ap.parse_args(argv)
    if args.port:
        shoot(args.port)
    else:
        with_own_dev()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
