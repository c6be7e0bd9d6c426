"""Browser tests: Playwright drives Debian's Chromium against the local stack, as ``make up`` runs.

The stack runs as a user starts it (``python -m vclient_dev.local_stack``), with simulated calls
paced at four times wall time so lines arrive one by one, as they would on a real call. Every
test saves screenshots under ``build/screenshots/`` (the test artefacts).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PACE = "4"


@dataclass
class Console:
    url: str
    api: str
    api_key: str
    vox: str
    aws: str
    prefix: str
    passwords: dict[str, str]
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    def token(self, user: str) -> str:
        """An ID token for ``user``, as the console gets one (POST /console/api/session)."""
        answer = requests.post(
            f"{self.url}/api/session",
            json={"username": user, "password": self.passwords[user]},
            timeout=10,
        )
        answer.raise_for_status()
        return str(answer.json()["id_token"])

    def call(self, call_id: str) -> dict[str, Any]:
        """The call as the machine API reads it (API key)."""
        answer = requests.get(
            f"{self.api}/call/{call_id}", headers={"x-api-key": self.api_key}, timeout=10
        )
        answer.raise_for_status()
        return dict(answer.json())

    def evaluation(self, call_id: str, timeout_s: float = 90) -> dict[str, Any]:
        """The call's evaluation once made (it runs after the hang-up)."""
        deadline = time.monotonic() + timeout_s
        while True:
            evaluation = self.call(call_id).get("evaluation") or {}
            if evaluation.get("status") not in (None, "pending"):
                assert evaluation["status"] == "done", evaluation
                return dict(evaluation)
            if time.monotonic() > deadline:
                raise AssertionError(f"no evaluation of {call_id} within {timeout_s} s")
            time.sleep(1)

    def starts(self) -> list[dict[str, Any]]:
        answer = requests.get(f"{self.vox}/_requests", timeout=5).json()
        return [r for r in answer if r["cmd"] == "StartScenarios"]


def _start() -> Console:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "vclient_dev.local_stack",
            "--port",
            "0",
            "--no-env-file",
            "--pace",
            PACE,
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 90
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if line.startswith("Ctrl-C"):
            break
    threading.Thread(target=process.stdout.read, daemon=True).start()
    text = "\n".join(lines)

    def find(pattern: str) -> str:
        found = re.search(pattern, text)
        if found is None:
            process.kill()
            raise RuntimeError(f"local stack did not start as expected:\n{text}")
        return found.group(1)

    return Console(
        url=find(r"Console: (\S+)"),
        api=find(r"API ready at (\S+)"),
        api_key=find(r"API key: (\S+)"),
        vox=find(r"Fake Voximplant: (\S+)"),
        aws=find(r"AWS endpoint: (\S+)"),
        prefix=find(r"SSM prefix (\S+?)\)"),
        passwords=dict(re.findall(r"user (\w+) / password (\S+)", text)),
        process=process,
        output=lines,
    )


# Module scope: the stack and the browser stop when the browser tests are done, so they add
# nothing to the load of the tests after them.
@pytest.fixture(scope="module")
def console() -> Iterator[Console]:
    running = _start()
    yield running
    running.process.terminate()
    try:
        running.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        running.process.kill()


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).is_file():
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs it (apt-get install -y chromium)",
            pytrace=False,
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="ru-RU")
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console {message.type}: {message.text}")
            if message.type == "error" and "401" not in message.text and "403" not in message.text
            else None
        ),
    )
    page.problems = problems
    yield page
    context.close()
    assert not [p for p in problems if "page error" in p], problems
