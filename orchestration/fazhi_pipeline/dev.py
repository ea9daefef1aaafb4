"""`python -m fazhi_pipeline.dev`: `dagster dev` for this project, as `make dev` starts it.

What it adds to a bare `dagster dev -m fazhi_pipeline.definitions`:

- The instance is $DAGSTER_HOME (default <repo>/.dagster_home) with the
  repo's dagster.yaml copied in, the one `make run` records its runs in.
- The code location is named `fazhi`, from $DAGSTER_HOME/workspace.yaml, so
  `dagster schedule|sensor list|start -w $DAGSTER_HOME/workspace.yaml` from
  the command line addresses the same schedule and sensor as the UI (the
  state of each is kept per location name).
- It runs in $DAGSTER_HOME: Dagster warns about a dagster.yaml in the current
  folder that it will not use (the repo's), which is misleading here since
  that very file is the one copied into $DAGSTER_HOME.
- Ctrl-C and SIGTERM stop it, within STOP_SECONDS at most. `dagster dev`
  maps SIGTERM to its SIGINT handler, so when it inherits SIGINT ignored (a
  job started in the background, by `make` under a script, by a supervisor)
  it ignores both and `make`, which waits for its child, never ends.
- Dagster's notice that `dagster dev` is superseded by `dg dev` (a separate
  package this project does not install) is not printed.
"""
from __future__ import annotations

import contextlib
import os
import signal
import sys
import threading
import time
import warnings
from pathlib import Path

from fazhi_pipeline import settings
from fazhi_pipeline.cli import dagster_home

LOCATION = "fazhi"
STOP_SECONDS = 45  # after a stop signal, children still running are killed


def write_workspace(home: Path) -> Path:
    """$DAGSTER_HOME/workspace.yaml: the code location `fazhi`, loaded from the repo."""
    path = home / "workspace.yaml"
    text = (
        "# Written by python -m fazhi_pipeline.dev (make dev); the CLI can use it too:\n"
        "#   dagster sensor list -w $DAGSTER_HOME/workspace.yaml\n"
        "load_from:\n"
        "  - python_module:\n"
        "      module_name: fazhi_pipeline.definitions\n"
        f"      location_name: {LOCATION}\n"
        f"      working_directory: {settings.REPO_ROOT}\n"
    )
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    return path


def _children(pid: int) -> list[int]:
    """Every descendant of pid (from /proc), deepest last."""
    parents: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        parents.setdefault(ppid, []).append(int(entry.name))
    out, frontier = [], [pid]
    while frontier:
        kids = parents.get(frontier.pop(), [])
        out.extend(kids)
        frontier.extend(kids)
    return out


def _kill_after(seconds: float) -> None:
    """Kill what `dagster dev` started if it has not stopped in `seconds`, then exit."""
    time.sleep(seconds)
    print(f"fazhi dev: still running {seconds:.0f} s after the stop signal; killing its processes", file=sys.stderr)
    for pid in reversed(_children(os.getpid())):
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    os._exit(1)


_stopping = threading.Event()


def _on_stop(signum, frame):
    if not _stopping.is_set():
        _stopping.set()
        threading.Thread(target=_kill_after, args=(STOP_SECONDS,), daemon=True).start()
    raise KeyboardInterrupt  # dagster dev shuts its services down on it


def main(argv: list[str] | None = None) -> int:
    host = os.environ.get("DAGSTER_HOST", "127.0.0.1")
    port = os.environ.get("DAGSTER_PORT", "3000")
    home = dagster_home()
    workspace = write_workspace(home)
    os.chdir(home)
    # Installed before Dagster's own set-up, which maps SIGTERM to the SIGINT handler.
    signal.signal(signal.SIGINT, _on_stop)
    signal.signal(signal.SIGTERM, _on_stop)
    warnings.filterwarnings("ignore", message=r".*`dev_command` is superseded")
    from dagster._cli import main as dagster_main

    sys.argv = ["dagster", "dev", "-w", str(workspace), "-h", host, "-p", port, *(argv or [])]
    try:
        dagster_main()
    except SystemExit as done:
        return done.code if isinstance(done.code, int) else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
