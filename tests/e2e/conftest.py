"""The local stack as a user runs it (``python -m vclient_dev.local_stack``), driven over HTTP."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
import requests

from tests.stack_fixture import start_local_stack, stop_local_stack


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
    started = start_local_stack(until="AWS endpoint:", timeout_s=60, extra_env=extra_env)
    return RunningStack(
        api=started.find(r"API ready at (\S+)"),
        api_key=started.find(r"API key: (\S+)"),
        vox=started.find(r"Fake Voximplant: (\S+)"),
        aws=started.find(r"AWS endpoint: (\S+)"),
        prefix=started.find(r"SSM prefix (\S+?)\)"),
        process=started.process,
    )


def stop_stack(stack: RunningStack) -> None:
    stop_local_stack(stack.process)


@pytest.fixture(scope="session")
def stack() -> Iterator[RunningStack]:
    running = start_stack()
    yield running
    stop_stack(running)


@pytest.fixture(autouse=True)
def _clean_vox(stack: RunningStack) -> None:
    requests.delete(f"{stack.vox}/_requests", timeout=5)
