"""`make up` prints a Doctor: line; that command passes on the running stack and names a break."""

from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[2]
NAMES = ("voice_dialog", "voice_realtime", "voice_realtime_pure")


def rules_map(directory: Path) -> Path:
    """A rule map over this checkout's scenario files, one scenario per rule.

    (The real voximplant/rules.json composes each rule from several files; this one only needs
    files that exist in every checkout.)
    """
    path = directory / "rules.json"
    path.write_text(
        json.dumps(
            {
                "application": "vclient",
                "scenarios": {n: str(ROOT / "voximplant" / f"scenario_{n}.js") for n in NAMES},
                "rules": {
                    n: {"engine": e, "scenarios": [n]}
                    for n, e in zip(NAMES, ("dialog", "realtime", "realtime_pure"), strict=True)
                },
            }
        )
    )
    return path


@pytest.fixture(scope="module")
def running(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    from vclient_dev.vox_setup import SetupError, check_sources, load_rules_map

    env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
    try:
        check_sources(load_rules_map())  # the real voximplant/rules.json, once its files exist
    except SetupError:
        env["VCLIENT_RULES_FILE"] = str(rules_map(tmp_path_factory.mktemp("rules")))
    env["PYTHONUNBUFFERED"] = "1"
    process = subprocess.Popen(
        [sys.executable, "-m", "vclient_dev.local_stack", "--port", "0", "--no-env-file"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip())
        if line.startswith("Doctor:"):
            break
    threading.Thread(target=process.stdout.read, daemon=True).start()
    doctor = next((x.removeprefix("Doctor: ") for x in lines if x.startswith("Doctor:")), None)
    if doctor is None:
        process.kill()
        pytest.fail("the local stack printed no Doctor: line:\n" + "\n".join(lines))
    yield {"doctor": doctor, "env": env, "banner": lines}
    process.terminate()
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        process.kill()


def run_doctor(running: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    argv = shlex.split(running["doctor"])
    assert argv[:2] == [".venv/bin/vclient", "doctor"]  # what a user pastes from the repo root
    return subprocess.run(
        [sys.executable, "-m", "vclient_dev.cli", *argv[1:]],
        cwd=ROOT,
        env=running["env"],
        capture_output=True,
        text=True,
        timeout=120,
    )


def option(command: str, name: str) -> str:
    argv = shlex.split(command)
    return argv[argv.index(name) + 1]


def test_doctor_line_passes_on_the_running_stack(running: dict[str, Any]) -> None:
    done = run_doctor(running)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "✗" not in done.stdout and "Traceback" not in done.stderr
    assert "OpenAI: not configured — scripted responder" in done.stdout
    assert "application secret OPENAI_API_KEY is set" in done.stdout
    assert "answers GET /call/{id} (404 not_found, as expected)" in done.stdout


def test_a_broken_engines_dialog_fails_the_same_command_and_is_named(
    running: dict[str, Any],
) -> None:
    import boto3

    ssm = boto3.client(
        "ssm",
        endpoint_url=option(running["doctor"], "--aws-endpoint"),
        region_name="us-east-1",
        aws_access_key_id="local",
        aws_secret_access_key="local",
    )
    name = f"{option(running['doctor'], '--prefix')}/engines/dialog"
    original = ssm.get_parameter(Name=name)["Parameter"]["Value"]
    try:
        # When someone breaks the dialog engine's parameter in the running stack
        ssm.put_parameter(Name=name, Value='{"rule_name": 1', Type="String", Overwrite=True)
        done = run_doctor(running)
        # Then the same command fails and its ✗ line names that parameter
        assert done.returncode == 1
        failed = [x for x in done.stdout.splitlines() if x.startswith("✗")]
        assert len(failed) == 1 and failed[0].startswith(f"✗ {name}: ")
    finally:
        ssm.put_parameter(Name=name, Value=original, Type="String", Overwrite=True)
    assert run_doctor(running).returncode == 0
