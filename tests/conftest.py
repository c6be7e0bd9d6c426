"""Shared fixtures: moto-backed AWS built from template.yaml, the fake Voximplant, handlers."""

from __future__ import annotations

import copy
import gc
import importlib.util
import json
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVENTS = ROOT / "tests" / "events"

# No test may reach a real AWS account: fake credentials, a fixed region, no X-Ray or EMF output.
os.environ.update(
    {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        # Metrics still accumulate when disabled; at 100 Powertools serialises them and needs
        # a namespace (the template's Globals set it).
        "POWERTOOLS_METRICS_NAMESPACE": "VirtualClient",
        "POWERTOOLS_LOG_LEVEL": "WARNING",
    }
)
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)


@dataclass
class LambdaContext:
    function_name: str = "test-function"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:test-function"
    aws_request_id: str = "52fdfc07-2182-154f-163f-5f0f9a621d72"

    def get_remaining_time_in_millis(self) -> int:
        return 20_000


def load_event(name: str, **changes: Any) -> dict[str, Any]:
    event = json.loads((EVENTS / name).read_text())
    for key, value in changes.items():
        event[key] = value
    return copy.deepcopy(event)


@pytest.fixture(scope="session")
def service_account() -> tuple[dict[str, Any], str]:
    from vclient_dev.local_stack import generate_service_account

    return generate_service_account()


@pytest.fixture
def fake_vox(service_account: tuple[dict[str, Any], str]) -> Iterator[Any]:
    from vclient_dev.fake_vox import FakeVoximplant

    key_json, public_pem = service_account
    fake = FakeVoximplant(
        account_id=key_json["account_id"], key_id=key_json["key_id"], public_key_pem=public_pem
    )
    fake.start()
    yield fake
    fake.stop()


@pytest.fixture
def aws(service_account: tuple[dict[str, Any], str], fake_vox: Any) -> Iterator[Any]:
    """moto's mock_aws with everything template.yaml creates (tables, parameters, secrets)."""
    import boto3
    from moto import mock_aws

    from vclient.dal import parameters as ssm
    from vclient_dev.local_stack import provision, serialize_moto_dynamodb
    from vclient_dev.template import load_template

    # DynamoDB applies one conditional write to an item at a time; moto's backend does not lock,
    # so two threads could both pass one condition (two claims of one turn) without this.
    serialize_moto_dynamodb()
    with mock_aws():
        clients = {n: boto3.client(n) for n in ("dynamodb", "ssm", "secretsmanager")}
        # The template's defaults, as a fresh deployment has them (plus the required caller id).
        parameters = {"DefaultCallerId": "+74950000000", "AllowedPrefixes": "+7,+44"}
        done = provision(load_template(), clients, service_account[0], parameters)
        for route in done.engine_routes.values():
            fake_vox.add_rule(route["rule_name"], route["application_name"], route["scenario_name"])
        ssm.clear_caches()
        yield _Aws(done=done, clients=clients)
        ssm.clear_caches()


@dataclass
class _Aws:
    done: Any
    clients: dict[str, Any]

    @property
    def prefix(self) -> str:
        return str(self.done.prefix)

    def put_param(self, name: str, value: str, kind: str = "String") -> None:
        self.clients["ssm"].put_parameter(
            Name=f"{self.prefix}/{name}", Value=value, Type=kind, Overwrite=True
        )

    def call_item(self, call_id: str) -> dict[str, Any] | None:
        from vclient.dal.calls_table import from_item, to_item

        item = (
            self.clients["dynamodb"]
            .get_item(
                TableName=self.done.names["CallsTable"], Key=to_item({"pk": call_id, "sk": "CALL"})
            )
            .get("Item")
        )
        return from_item(item) if item else None


def import_function(
    name: str, env: dict[str, str], monkeypatch: pytest.MonkeyPatch, module: str = "app"
) -> ModuleType:
    """A fresh import of ``functions/<name>/<module>.py`` under ``env`` (a cold start)."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    unique = f"_test_fn_{name}_{module}"
    sys.modules.pop(unique, None)
    spec = importlib.util.spec_from_file_location(
        unique, ROOT / "functions" / name / f"{module}.py"
    )
    assert spec and spec.loader
    loaded = importlib.util.module_from_spec(spec)
    sys.modules[unique] = loaded
    spec.loader.exec_module(loaded)
    # A handler freezes what exists after its cold start (gc.freeze); a test process runs hundreds
    # of cold starts, so earlier tests' garbage is handed back to the collector.
    gc.unfreeze()
    return loaded


@pytest.fixture
def function_env(aws: Any, fake_vox: Any) -> dict[str, dict[str, str]]:
    """Each function's environment from template.yaml, pointed at the fakes."""
    from vclient_dev.local_stack import function_specs
    from vclient_dev.template import load_template

    specs = function_specs(
        load_template(),
        {**aws.done.names, **aws.done.secret_arns},
        {
            "VOX_API_URL": f"{fake_vox.url}/platform_api",
            "CONFIG_MAX_AGE_S": "0",
            # Any OpenAI request a test lets through goes to loopback, never to the internet.
            "OPENAI_BASE_URL": "http://127.0.0.1:9/v1",
        },
    )
    return {name: spec.env for name, spec in specs.items()}


@pytest.fixture
def fake_openai() -> Iterator[Any]:
    from vclient_dev.fake_openai import FakeOpenAI

    fake = FakeOpenAI().start()
    yield fake
    fake.stop()


def set_openai_key(aws: Any, key: str) -> None:
    """Puts an OpenAI key in the stack's secret (empty = the scripted responder)."""
    aws.clients["secretsmanager"].put_secret_value(
        SecretId=aws.done.secret_arns["OpenAiApiKeySecret"],
        SecretString=json.dumps({"api_key": key}),
    )


def operator_lines(persona_id: str) -> list[str]:
    """The bundled operator script's lines for a persona (what a good operator says)."""
    import yaml

    path = ROOT / "dev" / "vclient_dev" / "operators" / f"{persona_id}.yaml"
    script = yaml.safe_load(path.read_text())
    greeting = [script["greeting"]] if "greeting" in script else []
    return greeting + [line["say"] for line in script["lines"] if "say" in line]


def _poller(aws: Any, module: ModuleType) -> Any:
    from vclient_dev.streams import StreamPoller

    table = aws.clients["dynamodb"].describe_table(TableName=aws.done.names["CallsTable"])
    return StreamPoller(
        streams=__import__("boto3").client("dynamodbstreams"),
        stream_arn=table["Table"]["LatestStreamArn"],
        handler=lambda event: module.handler(event, LambdaContext()),
        max_retries=0,
    )


def run_stream(aws: Any, module: ModuleType) -> int:
    """Delivers the calls table's stream so far to ``module`` (the evaluate function), as the
    template's DynamoDB event does; returns the records delivered."""
    poller = _poller(aws, module)
    total = 0
    while count := poller.poll_once():
        total += count
    assert poller.dropped == 0, "the evaluate function failed on a record"
    return total


def replay_stream(aws: Any, module: ModuleType) -> int:
    """The whole stream once more (a retried delivery)."""
    return run_stream(aws, module)
