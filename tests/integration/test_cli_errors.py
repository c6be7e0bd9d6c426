"""Where a person types: every expected failure is a line or two and a documented exit code."""

from __future__ import annotations

import io
import json
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from vclient_dev import cli

ROOT = Path(__file__).resolve().parents[2]
OPERATOR = ROOT / "dev" / "vclient_dev" / "operators" / "car_buyer.yaml"
#: A persona with several independent problems (ids, a missing field, a bound, an unknown key).
BAD_PERSONA = """\
id: Bad Id
name: Test
language: ru-RU
description: x
goal: y
opening: Здравствуйте
phases:
  - id: one
    goal: g
topics:
  - id: t1
    ask: q
reactions: []
ending:
  success_line: ok
  hangup_line: bye
  max_turns: 0
  max_duration_s: 60
  colour: red
"""


@pytest.fixture
def no_local_stack(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fails the test if a local stack (and so a call) would be started."""

    def refuse(*_args: Any, **_kwargs: Any) -> None:
        raise AssertionError("a local stack was started")

    monkeypatch.setattr("vclient_dev.local_stack.LocalStack", refuse)


def run(argv: list[str], capsys: Any) -> tuple[int, str, str]:
    code = cli.main(argv)
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# -- vclient call ----------------------------------------------------------------------------------


def test_api_call_without_to_refuses_and_dials_nothing(capsys: Any) -> None:
    code, _, err = run(
        ["call", "--engine", "dialog", "--api", "http://127.0.0.1:9", "--api-key", "k"], capsys
    )
    assert code == cli.EXIT_USAGE and "--to" in err


def test_unreachable_api_names_the_url(capsys: Any) -> None:
    argv = ["call", "--engine", "dialog", "--api", "http://127.0.0.1:9", "--api-key", "k"]
    code, _, err = run([*argv, "--to", "+79161234567"], capsys)
    assert code == cli.EXIT_API
    assert err.strip() == "POST http://127.0.0.1:9/call: could not connect"


class _Answers(BaseHTTPRequestHandler):
    status = 403
    body = b'{"code": "invalid_api_key", "message": "A valid API key is required"}'

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self.send_response(self.status)
        self.send_header("Content-Length", str(len(self.body)))
        self.end_headers()
        self.wfile.write(self.body)


@pytest.fixture
def api() -> Iterator[type[_Answers]]:
    class Handler(_Answers):
        pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    Handler.url = f"http://127.0.0.1:{server.server_address[1]}"  # type: ignore[attr-defined]
    yield Handler
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (
            403,
            b'{"code": "invalid_api_key", "message": "A valid API key is required"}',
            "answered 403 invalid_api_key: A valid API key is required",
        ),
        (
            422,
            b'{"code": "validation_error", "message": "to: not E.164", "field": "to"}',
            "answered 422 validation_error: to: not E.164",
        ),
        (502, b"<html>Bad gateway</html>", "answered 502 <html>Bad gateway</html>"),
    ],
)
def test_api_errors_are_one_line(
    api: Any, capsys: Any, status: int, body: bytes, expected: str
) -> None:
    api.status, api.body = status, body
    argv = ["call", "--engine", "dialog", "--api", api.url, "--api-key", "k", "--to", "+7916"]
    code, _, err = run(argv, capsys)
    assert code == cli.EXIT_API
    assert err.strip() == f"POST {api.url}/call {expected}"


def test_bad_persona_file_is_reported_before_any_call(
    tmp_path: Path, capsys: Any, no_local_stack: None
) -> None:
    persona = tmp_path / "p.yaml"
    persona.write_text(BAD_PERSONA)
    argv = ["call", "--engine", "dialog", "--persona", str(persona), "--operator", str(OPERATOR)]
    code, _, err = run(argv, capsys)
    assert code == cli.EXIT_USAGE
    assert f"persona {persona}:" in err and "ending.max_turns (line 17)" in err


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("answer: answer\nlines: [\n", "line 3: invalid YAML"),
        ("- just\n- a list\n", "a mapping with 'answer' and 'lines'"),
        (
            "answer: answer\nlines:\n  - say: Алло\n  - say: hi\n    hangup: true\n",
            "line 4: operator.lines[1] must have exactly one of say / silence_s / noise_ms"
            " / hangup",
        ),
        ("answer: maybe\n", "line 1: operator.answer must be one of"),
    ],
)
def test_bad_operator_script_is_reported_as_such_before_any_call(
    tmp_path: Path, capsys: Any, no_local_stack: None, text: str, expected: str
) -> None:
    script = tmp_path / "op.yaml"
    script.write_text(text)
    code, _, err = run(["call", "--engine", "dialog", "--operator", str(script)], capsys)
    assert code == cli.EXIT_USAGE
    assert err.startswith(f"operator script {script}:") and expected in err


def test_missing_operator_file(capsys: Any, no_local_stack: None) -> None:
    code, _, err = run(["call", "--engine", "dialog", "--operator", "nope.yaml"], capsys)
    assert (code, err.strip()) == (cli.EXIT_USAGE, "operator script nope.yaml: no such file")


@pytest.mark.parametrize(
    ("view", "code"),
    [
        ({"status": "completed", "errors": [], "end_reason": "end_call"}, 0),
        ({"status": "completed", "errors": [{"where": "openai"}], "end_reason": "end_call"}, 1),
        ({"status": "completed", "errors": [], "end_reason": "socket_closed"}, 1),
        ({"status": "completed", "errors": [], "end_reason": "backend_error"}, 1),
        ({"status": "failed", "errors": [], "end_reason": None}, 1),
        ({"status": "busy"}, 4),
        ({"status": "no_answer"}, 5),
        ({"status": "rejected"}, 6),
    ],
)
def test_call_exit_codes(view: dict[str, Any], code: int) -> None:
    assert cli.exit_code(view) == code


# -- vclient persona check -------------------------------------------------------------------------


def test_persona_check_lists_every_problem_with_field_and_line(tmp_path: Path, capsys: Any) -> None:
    persona = tmp_path / "p.yaml"
    persona.write_text(BAD_PERSONA)
    code, _, err = run(["persona", "check", str(persona)], capsys)
    assert code == 1
    problems = err.splitlines()[1:]
    assert err.splitlines()[0] == f"{persona}: {len(problems)} problem(s)"
    assert "  id (line 1): String should match pattern '^[a-z][a-z0-9_]{0,47}$'" in problems
    assert "  topics[0].expect (line 11): required field is missing" in problems
    assert "  ending.max_turns (line 17): Input should be greater than or equal to 1" in problems
    assert any(p.startswith("  ending.colour (line 19): unknown field") for p in problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [(None, "no such file"), ("id: [\n", "line 2: invalid YAML")],
)
def test_persona_check_unreadable_file(
    tmp_path: Path, capsys: Any, text: str | None, expected: str
) -> None:
    persona = tmp_path / "p.yaml"
    if text is not None:
        persona.write_text(text)
    code, _, err = run(["persona", "check", str(persona)], capsys)
    assert code == 1 and str(persona) in err and expected in err


def test_bundled_persona_passes_check(capsys: Any) -> None:
    path = ROOT / "layers" / "common" / "vclient" / "personas" / "car_buyer.yaml"
    code, out, _ = run(["persona", "check", str(path)], capsys)
    assert code == 0 and out.startswith(f"{path}: OK")


# -- other commands --------------------------------------------------------------------------------


def test_vox_setup_with_a_missing_key_file(capsys: Any) -> None:
    code, _, err = run(["vox", "setup", "--credentials", "missing.json"], capsys)
    assert code == 1 and "missing.json: cannot read" in err


def test_doctor_rejects_a_relative_prefix(capsys: Any) -> None:
    code, _, err = run(["doctor", "--prefix", "vclient"], capsys)
    assert code == 2 and "expected /<stack>" in err


def test_secrets_set_openai_refuses_the_key_on_the_command_line(capsys: Any) -> None:
    code, _, err = run(["secrets", "set", "openai", "sk-abc", "--prefix", "/x"], capsys)
    assert code == 1 and "read from stdin, never from the command line" in err


def test_secrets_set_stores_both_secrets_without_printing_them(
    tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch, service_account: Any
) -> None:
    import boto3
    from moto import mock_aws

    key_file = tmp_path / "key.json"
    key_file.write_text(json.dumps(service_account[0]))
    with mock_aws():
        sm = boto3.client("secretsmanager", region_name="us-east-1")
        for name in ("voximplant-credentials", "openai-api-key"):
            sm.create_secret(Name=f"/st/{name}", SecretString="{}")
        where = ["--prefix", "/st", "--region", "us-east-1"]
        monkeypatch.setattr("sys.stdin", io.StringIO("sk-secret-value\n"))
        code, out, err = run(["secrets", "set", "openai", *where], capsys)
        assert code == 0 and "sk-secret-value" not in out + err
        assert json.loads(sm.get_secret_value(SecretId="/st/openai-api-key")["SecretString"]) == {
            "api_key": "sk-secret-value"
        }
        code, out, _ = run(["secrets", "set", "voximplant", str(key_file), *where], capsys)
        assert code == 0 and "PRIVATE KEY" not in out
        stored = sm.get_secret_value(SecretId="/st/voximplant-credentials")["SecretString"]
        assert json.loads(stored) == service_account[0]
    bad = tmp_path / "bad.json"
    bad.write_text('{"account_id": 5, "key_id": "k", "private_key": "nope"}')
    code, _, err = run(["secrets", "set", "voximplant", str(bad), "--prefix", "/st"], capsys)
    assert code == 1 and str(bad) in err and "not a readable PEM private key" in err


def test_unexpected_error_is_one_line(capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(_argv: Any) -> int:
        raise RuntimeError("surprise")

    monkeypatch.setattr(cli, "run", boom)
    monkeypatch.delenv("VCLIENT_DEBUG", raising=False)
    code, _, err = run(["persona", "list"], capsys)
    assert code == 70 and err.strip().startswith("vclient: unexpected RuntimeError: surprise")


def test_busy_port_is_one_sentence_naming_the_port() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run(
            [sys.executable, "-m", "vclient_dev.local_stack", "--port", str(port), "--no-env-file"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert done.returncode == 1
    assert f"port {port} on 127.0.0.1 is in use" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
