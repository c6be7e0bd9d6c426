"""The local stack as a user starts it (``python -m vclient_dev.local_stack``), for the e2e and
browser fixtures: started in its own process group, its banner read, stopped with all it spawned.

The stack dies with the test process too (it watches its parent), so a killed pytest leaves no
stack or emulator behind; stopping signals the whole group, so nothing outlives the fixture.
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


@dataclass
class StackProcess:
    process: subprocess.Popen[str]
    #: The banner lines read until the one the caller waited for.
    lines: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def find(self, pattern: str) -> str:
        """The first group of ``pattern`` in the banner; stops the stack and raises if absent."""
        found = re.search(pattern, self.text)
        if found is None:
            stop_local_stack(self.process, timeout_s=0)
            raise RuntimeError(f"local stack did not start as expected:\n{self.text}")
        return found.group(1)


def start_local_stack(
    *args: str, until: str, timeout_s: float, extra_env: dict[str, str] | None = None
) -> StackProcess:
    """Starts the stack with ``args`` and reads its banner up to the line starting ``until``
    (or ``timeout_s``, or its end); then keeps draining its output so it never blocks."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(extra_env or {})
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "vclient_dev.local_stack", "--port", "0", "--no-env-file", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,  # its own process group: stopping it reaches its children
    )
    lines: list[str] = []
    deadline = time.monotonic() + timeout_s
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if line.startswith(until):
            break
    # Keep draining the stack's output (handler warnings) so it never blocks on a full pipe.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    return StackProcess(process=process, lines=lines)


def stop_local_stack(process: subprocess.Popen[str], timeout_s: float = 10) -> None:
    """SIGTERM to the stack's process group (the stack stops its parts), SIGKILL after
    ``timeout_s``."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGTERM if timeout_s > 0 else signal.SIGKILL)
    try:
        process.wait(timeout=max(timeout_s, 1))
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=5)
    # Anything of the group still around (a child that ignored the stack's own stop).
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
