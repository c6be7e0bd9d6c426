"""vclient doctor on moto + the strict fake Voximplant: all green, and each ✗ names its fix."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from vclient.dal.voximplant import VoximplantClient, parse_credentials
from vclient_dev.doctor import FAIL, NOTE, OK, Doctor, Target
from vclient_dev.vox_setup import load_rules_map, set_application_secret, setup

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def rules_path(tmp_path: Path) -> Path:
    """A rule map over this checkout's scenario files (absolute paths), one scenario per rule."""
    names = ("voice_dialog", "voice_realtime", "voice_realtime_pure")
    engines = ("dialog", "realtime", "realtime_pure")
    path = tmp_path / "rules.json"
    path.write_text(
        json.dumps(
            {
                "application": "vclient",
                "scenarios": {n: str(ROOT / "voximplant" / f"scenario_{n}.js") for n in names},
                "rules": {
                    n: {"engine": e, "scenarios": [n]} for n, e in zip(names, engines, strict=True)
                },
            }
        )
    )
    return path


@pytest.fixture
def deployed(aws: Any, fake_vox: Any, service_account: Any, rules_path: Path) -> Any:
    """A stack as a user leaves it after deploy + secrets + vox setup: nothing to fix."""
    client = VoximplantClient(
        parse_credentials(service_account[0]), base_url=f"{fake_vox.url}/platform_api"
    )
    done = setup(client, load_rules_map(rules_path), say=lambda _: None)
    fake_vox.phone_numbers.append("74950000000")
    return done


def run_doctor(aws: Any, fake_vox: Any, rules_path: Path, **target: Any) -> tuple[bool, Doctor]:
    lines: list[str] = []
    doctor = Doctor(
        Target(
            prefix=aws.prefix,
            ssm=aws.clients["ssm"],
            secretsmanager=aws.clients["secretsmanager"],
            vox_api_url=f"{fake_vox.url}/platform_api",
            hint="--stack vclient-local",
            **target,
        ),
        load_rules_map(rules_path),
        say=lines.append,
    )
    return doctor.run(), doctor


def failures(doctor: Doctor) -> list[str]:
    return [c.line() for c in doctor.checks if c.mark == FAIL]


def test_a_ready_stack_is_all_green(
    aws: Any, fake_vox: Any, rules_path: Path, deployed: Any
) -> None:
    fake_vox.requests.clear()
    ok, doctor = run_doctor(aws, fake_vox, rules_path)
    assert ok, failures(doctor)
    lines = [c.line() for c in doctor.checks]
    assert any("dialog: rule voice_dialog binds voice_dialog, source sha256" in x for x in lines)
    assert any("OpenAI: not configured — scripted responder" in x for x in lines)
    assert {c.mark for c in doctor.checks} <= {OK, NOTE}
    # And it only read: no write reached Voximplant
    assert not {"AddScenario", "SetScenarioInfo", "AddRule", "BindScenario"} & {
        r["cmd"] for r in fake_vox.requests
    }


def test_broken_engine_parameter_is_named(
    aws: Any, fake_vox: Any, rules_path: Path, deployed: Any
) -> None:
    aws.put_param("engines/dialog", '{"rule_name": ')
    ok, doctor = run_doctor(aws, fake_vox, rules_path)
    assert not ok
    [line] = failures(doctor)
    assert line.startswith("✗ /vclient-local/engines/dialog: ") and "not valid JSON" in line
    assert "vclient vox setup" in line


def test_rule_missing_in_voximplant(
    aws: Any, fake_vox: Any, rules_path: Path, deployed: Any
) -> None:
    del fake_vox.rules["voice_realtime"]
    ok, doctor = run_doctor(aws, fake_vox, rules_path)
    assert not ok
    [line] = failures(doctor)
    assert "realtime: rule voice_realtime does not exist in Voximplant" in line
    assert "— vclient vox setup --credentials KEY --prefix /vclient-local" in line


def test_placeholder_voximplant_secret(
    aws: Any, fake_vox: Any, rules_path: Path, deployed: Any
) -> None:
    aws.clients["secretsmanager"].put_secret_value(
        SecretId=aws.done.secret_arns["VoximplantCredentialsSecret"],
        SecretString='{"account_id": 0, "key_id": "", "private_key": ""}',
    )
    ok, doctor = run_doctor(aws, fake_vox, rules_path)
    assert not ok
    [line] = failures(doctor)
    assert "still holds the deploy's placeholder" in line
    assert "vclient secrets set voximplant KEY.json --stack vclient-local" in line


def test_unbound_scenario_and_drifted_source(
    aws: Any, fake_vox: Any, rules_path: Path, deployed: Any
) -> None:
    # Given one rule with nothing bound and another whose scenario was edited in the account
    fake_vox.rules["voice_dialog"].bound = []
    fake_vox.scenarios["voice_realtime"].script += "\n// edited in the control panel\n"
    ok, doctor = run_doctor(aws, fake_vox, rules_path)
    assert not ok
    lines = failures(doctor)
    assert any(
        "dialog: rule voice_dialog has nothing bound, expected ['voice_dialog']" in x for x in lines
    )
    assert any(
        "realtime: rule voice_realtime runs other source than this checkout" in x for x in lines
    )


def test_caller_id_not_in_the_account(
    aws: Any, fake_vox: Any, rules_path: Path, deployed: Any
) -> None:
    fake_vox.phone_numbers.clear()
    ok, doctor = run_doctor(aws, fake_vox, rules_path)
    assert not ok
    [line] = failures(doctor)
    assert "caller id +74950000000 is neither rented nor a verified caller id" in line
    # A verified caller id is as good as a rented number
    fake_vox.caller_ids.append("74950000000")
    assert run_doctor(aws, fake_vox, rules_path)[0]


def test_voximplant_secret_mode_needs_the_application_secret(
    aws: Any, fake_vox: Any, rules_path: Path, deployed: Any
) -> None:
    aws.put_param("openai/key_mode", "voximplant_secret")
    ok, doctor = run_doctor(aws, fake_vox, rules_path)
    assert not ok
    [line] = failures(doctor)
    assert "has no secret OPENAI_API_KEY" in line and "--openai-key-stdin" in line
    client = VoximplantClient(
        parse_credentials(
            json.loads(
                aws.clients["secretsmanager"].get_secret_value(
                    SecretId=aws.done.secret_arns["VoximplantCredentialsSecret"]
                )["SecretString"]
            )
        ),
        base_url=f"{fake_vox.url}/platform_api",
    )
    set_application_secret(client, deployed.application, "OPENAI_API_KEY", "sk-test")
    assert run_doctor(aws, fake_vox, rules_path)[0]


class _Models(BaseHTTPRequestHandler):
    known = {"gpt-5.4-mini"}

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != "Bearer sk-good":
            status = 401
        else:
            status = 200 if self.path.rsplit("/", 1)[-1] in self.known else 404
        self.send_response(status)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"{}")


@pytest.fixture
def models_api() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Models)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        (
            "sk-good",
            "OpenAI has no model 'gpt-realtime-2.1' (/vclient-local/openai/realtime_model)",
        ),
        ("sk-bad", "OpenAI refused the key (401)"),
    ],
)
def test_openai_key_and_models(
    aws: Any,
    fake_vox: Any,
    rules_path: Path,
    deployed: Any,
    models_api: str,
    key: str,
    expected: str,
) -> None:
    from tests.conftest import set_openai_key

    set_openai_key(aws, key)
    ok, doctor = run_doctor(aws, fake_vox, rules_path, openai_base_url=models_api)
    assert not ok
    [line] = failures(doctor)
    assert expected in line
    if key == "sk-good":
        assert any("text model gpt-5.4-mini exists" in c.line() for c in doctor.checks)


def test_a_deploy_on_defaults_has_no_caller_id_parameter() -> None:
    import boto3
    from moto import mock_aws

    from vclient_dev.local_stack import generate_service_account, provision
    from vclient_dev.template import load_template

    # Given the template provisioned on its defaults (sam deploy --guided, Enter everywhere)
    with mock_aws():
        clients = {n: boto3.client(n) for n in ("dynamodb", "ssm", "secretsmanager")}
        done = provision(load_template(), clients, generate_service_account()[0], parameters={})
        listed = clients["ssm"].get_parameters_by_path(Path=done.prefix, Recursive=True)
    names = [p["Name"] for p in listed["Parameters"]]
    # Then the stack deploys without a caller id parameter (the condition leaves it out)
    assert f"{done.prefix}/engines/dialog" in names
    assert f"{done.prefix}/default_caller_id" not in names


def test_missing_caller_id_is_named_with_the_command_that_sets_it(
    aws: Any, fake_vox: Any, rules_path: Path, deployed: Any
) -> None:
    aws.clients["ssm"].delete_parameter(Name=f"{aws.prefix}/default_caller_id")
    ok, doctor = run_doctor(aws, fake_vox, rules_path)
    assert not ok
    [line] = failures(doctor)
    assert line.startswith("✗ /vclient-local/default_caller_id is not set — redeploy with")


def test_stack_mode_reads_the_outputs(
    aws: Any, fake_vox: Any, rules_path: Path, deployed: Any, capsys: Any
) -> None:
    import argparse

    import boto3

    from vclient_dev.doctor import main

    # Given a CloudFormation stack whose outputs name the prefix and the secrets
    arns = aws.done.secret_arns
    outputs = {
        "ParameterPrefix": aws.prefix,
        "VoximplantCredentialsSecretArn": arns["VoximplantCredentialsSecret"],
        "OpenAiApiKeySecretArn": arns["OpenAiApiKeySecret"],
    }
    boto3.client("cloudformation").create_stack(
        StackName="vclient-local",
        TemplateBody=json.dumps(
            {
                "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}},
                "Outputs": {k: {"Value": v} for k, v in outputs.items()},
            }
        ),
    )
    args = argparse.Namespace(
        stack="vclient-local",
        prefix=None,
        region="us-east-1",
        aws_endpoint=None,
        api=None,
        api_key=None,
        vox_api_url=f"{fake_vox.url}/platform_api",
        openai_base_url="http://127.0.0.1:9/v1",
        rules=str(rules_path),
    )
    # When the doctor runs with --stack
    code = main(args)
    out = capsys.readouterr().out
    # Then it found everything through the outputs
    assert code == 0, out
    assert "✓ /vclient-local/engines/dialog" in out and "All checks passed." in out
    # And an unknown stack is one line naming it
    assert main(argparse.Namespace(**{**vars(args), "stack": "nope"})) == 1
    assert "✗ stack nope:" in capsys.readouterr().out
