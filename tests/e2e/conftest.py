"""The local stack as a user runs it (``python -m vclient_dev.local_stack``), driven over HTTP."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class RunningStack:
    api: str
    api_key: str
    vox: str
    aws: str
    prefix: str
    process: subprocess.Popen[str]

    def post_call(
        self, body: Any, *, key: str | None = "default", headers: dict[str, str] | None = None
    ) -> requests.Response:
        sent = {"Content-Type": "application/json"}
        if key is not None:
            sent["x-api-key"] = self.api_key if key == "default" else key
        sent.update(headers or {})
        data = body if isinstance(body, str | bytes) else requests.models.complexjson.dumps(body)
        return requests.post(f"{self.api}/call", data=data, headers=sent, timeout=30)

    def vox_requests(self) -> list[dict[str, Any]]:
        return requests.get(f"{self.vox}/_requests", timeout=5).json()

    def starts(self) -> list[dict[str, Any]]:
        return [r for r in self.vox_requests() if r["cmd"] == "StartScenarios"]

    def ssm(self) -> Any:
        import boto3

        return boto3.client(
            "ssm",
            endpoint_url=self.aws,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )

    def dynamodb(self) -> Any:
        import boto3

        return boto3.client(
            "dynamodb",
            endpoint_url=self.aws,
            region_name="us-east-1",
            aws_access_key_id="local",
            aws_secret_access_key="local",
        )


def start_stack(extra_env: dict[str, str] | None = None) -> RunningStack:
    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    env.update(extra_env or {})
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "vclient_dev.local_stack", "--port", "0", "--no-env-file"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    lines: list[str] = []
    deadline = time.monotonic() + 60
    assert process.stdout is not None
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if line.startswith("AWS endpoint:"):
            break
    # Keep draining the stack's output (handler warnings) so it never blocks on a full pipe.
    threading.Thread(target=process.stdout.read, daemon=True).start()
    text = "\n".join(lines)
    found = {
        "api": re.search(r"API ready at (\S+)", text),
        "key": re.search(r"API key: (\S+)", text),
        "vox": re.search(r"Fake Voximplant: (\S+)", text),
        "aws": re.search(r"AWS endpoint: (\S+)", text),
        "prefix": re.search(r"SSM prefix (\S+?)\)", text),
    }
    if not all(found.values()):
        process.kill()
        raise RuntimeError(f"local stack did not start:\n{text}")
    return RunningStack(
        api=found["api"].group(1),  # type: ignore[union-attr]
        api_key=found["key"].group(1),  # type: ignore[union-attr]
        vox=found["vox"].group(1),  # type: ignore[union-attr]
        aws=found["aws"].group(1),  # type: ignore[union-attr]
        prefix=found["prefix"].group(1),  # type: ignore[union-attr]
        process=process,
    )


def stop_stack(stack: RunningStack) -> None:
    stack.process.terminate()
    try:
        stack.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        stack.process.kill()


@pytest.fixture(scope="session")
def stack() -> Iterator[RunningStack]:
    running = start_stack()
    yield running
    stop_stack(running)


@pytest.fixture(autouse=True)
def _clean_vox(stack: RunningStack) -> None:
    requests.delete(f"{stack.vox}/_requests", timeout=5)
