"""Runs the VoxEngine emulator (dev/emulator, Node) as a server the fake Voximplant drives.

Each accepted StartScenarios runs the rule's real scenario files (its list in voximplant/rules.json,
shared files first) in one emulated VoxEngine context, with the custom data Voximplant would pass,
against a simulated operator.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import threading
import time
from pathlib import Path
from typing import Any

import requests

from vclient_dev.template import ROOT

EMULATOR = ROOT / "dev" / "emulator"
OPERATORS = Path(__file__).resolve().parent / "operators"
#: What the emulated VoxEngine application's secrets hold (the realtime scenarios read it when
#: the key mode is voximplant_secret; the fake Realtime model accepts any key).
LOCAL_SECRETS = {"OPENAI_API_KEY": "sk-local-emulator-not-a-real-key"}


class EmulatorUnavailable(RuntimeError):
    pass


def load_operator(path: str | Path) -> dict[str, Any]:
    """An operator script (YAML or JSON) as the emulator takes it."""
    import yaml

    text = Path(path).read_text(encoding="utf-8")
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise ValueError(f"{path}: an operator script is a mapping with 'answer' and 'lines'")
    return data


def bundled_operator(persona_id: str) -> dict[str, Any]:
    path = OPERATORS / f"{persona_id}.yaml"
    return load_operator(path if path.exists() else OPERATORS / "car_buyer.yaml")


class EmulatorServer:
    def __init__(self) -> None:
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> EmulatorServer:
        node = shutil.which("node")
        if node is None:
            raise EmulatorUnavailable("node is not installed: calls will not be simulated")
        if not (EMULATOR / "node_modules").is_dir():
            raise EmulatorUnavailable(
                "the emulator's packages are missing: run `npm ci --prefix dev/emulator`"
            )
        self.process = subprocess.Popen(
            [node, str(EMULATOR / "server.js"), "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        try:
            self.url = json.loads(line)["listening"]
        except (ValueError, KeyError):
            self.stop()
            raise EmulatorUnavailable(f"the emulator did not start: {line!r}") from None
        # Keep draining stdout so the child never blocks on a full pipe.
        threading.Thread(target=self.process.stdout.read, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self.process.kill()
            self.process = None

    def run(
        self,
        scenarios: list[Path],
        custom_data: str,
        operator: dict[str, Any],
        config: dict[str, Any] | None = None,
    ) -> str:
        response = requests.post(
            f"{self.url}/run",
            json={
                "scenarioPaths": [str(path) for path in scenarios],
                "customData": custom_data,
                "operator": operator,
                "secrets": LOCAL_SECRETS,
                "config": config or {},
            },
            timeout=10,
        )
        response.raise_for_status()
        return str(response.json()["session_id"])

    def http_request(self, session_id: str, path: str, body: bytes) -> tuple[int, bytes]:
        """A POST to the session's access URL: AppEvents.HttpRequest in that session."""
        response = requests.post(f"{self.url}/sessions/{session_id}{path}", data=body, timeout=10)
        return response.status_code, response.content

    def report(self, session_id: str) -> dict[str, Any]:
        response = requests.get(f"{self.url}/runs/{session_id}", timeout=10)
        return dict(response.json())

    def wait(self, session_id: str, timeout_s: float = 120) -> dict[str, Any]:
        deadline = time.monotonic() + timeout_s
        while True:
            report = self.report(session_id)
            if report.get("status") in ("finished", "error") or time.monotonic() > deadline:
                return report
            time.sleep(0.1)
