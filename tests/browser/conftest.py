"""Browser tests: Playwright drives Debian's Chromium against the local stack, as ``make up`` runs.

The stack runs as a user starts it (``python -m vclient_dev.local_stack``), with simulated calls
paced at four times wall time so lines arrive one by one, as they would on a real call. Every
test saves screenshots under ``build/screenshots/`` (the test artefacts).
"""

from __future__ import annotations

import re
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from tests.stack_fixture import start_local_stack, stop_local_stack

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
    started = start_local_stack("--pace", PACE, until="Ctrl-C", timeout_s=90)
    return Console(
        url=started.find(r"Console: (\S+)"),
        api=started.find(r"API ready at (\S+)"),
        api_key=started.find(r"API key: (\S+)"),
        vox=started.find(r"Fake Voximplant: (\S+)"),
        aws=started.find(r"AWS endpoint: (\S+)"),
        prefix=started.find(r"SSM prefix (\S+?)\)"),
        passwords=dict(re.findall(r"user (\w+) / password (\S+)", started.text)),
        process=started.process,
        output=started.lines,
    )


# Module scope: the stack and the browser stop when the browser tests are done, so they add
# nothing to the load of the tests after them.
@pytest.fixture(scope="module")
def console() -> Iterator[Console]:
    running = _start()
    yield running
    stop_local_stack(running.process)


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
