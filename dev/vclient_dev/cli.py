"""The ``vclient`` command (dev tooling): calls, the demo, the local stack, setup and checks.

vclient demo                         the bundled persona through all three engines, side by side
vclient call --engine E --persona P --operator FILE [--label K=V]... [--json]
                                     one simulated call on a local stack started for it; after
                                     the transcript its verdict: scorecard, fidelity, cost
vclient call ... --api URL --api-key K --to NUMBER
                                     one real call on a deployed stack, followed to its end
vclient up                           the local stack until Ctrl-C (same as ``make up``)
vclient vox setup --credentials FILE upload the scenarios to Voximplant and bind their rules
vclient vox bundle RULE -o FILE      one scenario file of a rule's list (fallback to binding it)
vclient doctor --stack NAME          preflight a deployment (read-only); exit 1 on any ✗
vclient secrets set voximplant FILE --stack NAME / secrets set openai --stack NAME < key
vclient persona check FILE           validate a persona file; lists every problem, exit 1
vclient persona list                 the bundled personas

Exit codes of ``vclient call`` (and of the other commands where they apply):
0 the call connected and ended without an error event; 1 it ended on a failure (failed, an error
event, a socket or backend failure even if the status is ``completed``); 2 a usage or input
error (arguments, persona, operator script, YAML), nothing was started; 3 the API refused to
start the call or could not be reached; 4 busy; 5 no answer; 6 rejected; 7 still running after
``--timeout``. No command prints a traceback for an expected failure.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ENGINES = ("dialog", "realtime", "realtime_pure")
FINAL = {"completed", "failed", "no_answer", "busy", "rejected"}
DEMO_PERSONA = "car_buyer"
#: Where a simulated call "dials" (never leaves the emulator; allowed by the local allowlist).
SIMULATED_TO = "+79161234567"

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_API = 0, 1, 2, 3
EXIT_STATUS = {"busy": 4, "no_answer": 5, "rejected": 6}
EXIT_TIMEOUT = 7
#: ``ended.reason`` values that mean the call broke rather than ended.
FAILURE_REASONS = {"socket_closed", "backend_error", "failed", "error"}


class CallError(RuntimeError):
    def __init__(self, message: str, exit_code: int = EXIT_API) -> None:
        super().__init__(message)
        self.exit_code = exit_code


class InputError(ValueError):
    """A file or argument the user typed is unusable; the message names it."""


# -- following a call ---------------------------------------------------------------------------


def _request(method: str, url: str, **kwargs: Any) -> Any:
    """One HTTP request; a network failure becomes a CallError naming the URL."""
    import requests

    try:
        return requests.request(method, url, timeout=30, **kwargs)
    except requests.RequestException as exc:
        reason = type(exc).__name__
        if isinstance(exc, requests.ConnectionError):
            reason = "could not connect"
        elif isinstance(exc, requests.Timeout):
            reason = "no answer within 30 s"
        raise CallError(f"{method} {url}: {reason}") from None


def _api_error(method: str, url: str, response: Any) -> CallError:
    try:
        body = response.json()
        detail = f"{body.get('code')}: {body.get('message')}" if isinstance(body, dict) else ""
    except ValueError:
        detail = response.text[:200].strip()
    return CallError(f"{method} {url} answered {response.status_code} {detail}".rstrip())


def start_call(api: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    url = f"{api}/call"
    response = _request("POST", url, json=body, headers={"x-api-key": key})
    if response.status_code != 202:
        raise _api_error("POST", url, response)
    try:
        return dict(response.json())
    except ValueError:
        raise CallError(f"POST {url} answered 202 without a JSON body") from None


def follow_call(
    api: str,
    key: str,
    call_id: str,
    *,
    on_line: Callable[[dict[str, Any]], None] | None = None,
    timeout_s: float = 900,
    poll_s: float = 0.25,
    evaluation_wait_s: float = 60,
) -> dict[str, Any]:
    """Polls ``GET /call/{id}`` until the call has ended, reporting new transcript lines, then
    up to ``evaluation_wait_s`` more for its evaluation (made after the hang-up); a call whose
    evaluation is still pending then is returned as it is (its view says ``pending``)."""
    seen = 0
    deadline = time.monotonic() + timeout_s
    final_since: float | None = None
    view: dict[str, Any] = {}
    url = f"{api}/call/{call_id}"
    while time.monotonic() < deadline:
        response = _request("GET", url, headers={"x-api-key": key})
        if response.status_code != 200:
            raise _api_error("GET", url, response)
        view = response.json()
        for line in view["transcript"][seen:]:
            if on_line:
                on_line(line)
        seen = len(view["transcript"])
        if view["status"] in FINAL:
            # The scenario's last batch (with `ended`) may trail the final status briefly.
            final_since = final_since or time.monotonic()
            if view["ended_at"] or time.monotonic() - final_since > 5:
                return _evaluated(url, key, view, evaluation_wait_s, poll_s)
        time.sleep(poll_s)
    raise CallError(
        f"the call did not end within {timeout_s:.0f} s (last status {view.get('status')}); "
        f"follow it with GET {url}",
        EXIT_TIMEOUT,
    )


def _evaluated(
    url: str, key: str, view: dict[str, Any], wait_s: float, poll_s: float
) -> dict[str, Any]:
    deadline = time.monotonic() + wait_s
    while (view.get("evaluation") or {}).get("status") == "pending":
        if time.monotonic() >= deadline:
            return view
        time.sleep(poll_s)
        response = _request("GET", url, headers={"x-api-key": key})
        if response.status_code != 200:
            raise _api_error("GET", url, response)
        view = response.json()
    return view


def exit_code(view: dict[str, Any]) -> int:
    """The documented exit code for a call that has ended (see the module docstring)."""
    status = view.get("status")
    if status in EXIT_STATUS:
        return EXIT_STATUS[status]
    if (
        status == "completed"
        and not view.get("errors")
        and (view.get("end_reason") not in FAILURE_REASONS)
    ):
        return EXIT_OK
    return EXIT_FAILED


def failure_lines(view: dict[str, Any]) -> list[str]:
    """What went wrong in an ended call, one line each (empty for a clean call)."""
    lines = [
        f"  error in {e.get('where') or '?'}: {e.get('message') or e.get('code') or '-'}"
        for e in view.get("errors") or []
    ]
    if view.get("end_reason") in FAILURE_REASONS:
        lines.append(f"  the call ended on {view['end_reason']}")
    failure = view.get("failure")
    if failure and view.get("status") != "completed":
        lines.append(f"  failure: {json.dumps(failure, ensure_ascii=False)}")
    return lines


def print_line(start_ms: list[int]) -> Callable[[dict[str, Any]], None]:
    def show(line: dict[str, Any]) -> None:
        if not start_ms:
            start_ms.append(line["t"])
        seconds = (line["t"] - start_ms[0]) / 1000
        who = "operator" if line["who"] == "operator" else "client  "
        cut = " [cut]" if line.get("cut") else ""
        print(f"  {seconds:6.1f}s  {who}  {line['text']}{cut}", flush=True)

    return show


def _ms(value: int | None) -> str:
    return f"{value}" if value is not None else "-"


def print_summary(view: dict[str, Any], *, simulated: bool) -> None:
    s = view["summary"]
    topics = s["topics"]
    print(
        f"  status {view['status']} · ending {s['ending'] or '-'} · hung up by "
        f"{view['hangup_by'] or '-'} · {s['turns']} turns · "
        f"{s['duration_s'] if s['duration_s'] is not None else '-'} s"
    )
    print(
        f"  voice-to-voice p50 {_ms(s['voice_to_voice_ms']['p50'])} ms, "
        f"p95 {_ms(s['voice_to_voice_ms']['p95'])} ms"
        f"{' (simulated)' if simulated else ''} · backend p50 {_ms(s['backend_ms']['p50'])} ms · "
        f"topics {topics['covered'] if topics['covered'] is not None else '-'}"
        f"/{topics['total'] if topics['total'] is not None else '-'}"
    )


_MARK = {"yes": "+", "partial": "~", "no": "-", "na": " "}


def _usd(value: Any) -> str:
    return f"${value:.6f}" if isinstance(value, int | float) else str(value)


def verdict_lines(view: dict[str, Any]) -> list[str]:
    """The call's evaluation as ``vclient call`` prints it after the transcript: the operator's
    scorecard with its evidence, the client's fidelity, the cost."""
    ev = view.get("evaluation") or {"status": "pending"}
    if ev["status"] == "pending":
        return ["  evaluation: pending (made after the hang-up; GET /call/{id} shows it later)"]
    method = ev.get("method")
    lines = []
    op = ev.get("operator")
    if ev["status"] == "failed":
        lines.append(f"  evaluation failed ({method}): {ev.get('reason')}")
    elif op:
        lag = op["bot_lag"]
        lines.append(
            f"  operator {op['score']}/100 ({op['level']}) · {method}"
            + (f" {ev['model']}" if ev.get("model") else "")
            + f" · bot lag p50 {_ms(lag['p50_ms'])} ms, {lag['slow_turns']} slow turn(s) "
            "(never held against the operator)"
        )
        lines.append(
            "    "
            + " · ".join(
                f"{d['id']} {d['score'] if d['score'] is not None else 'n/a'}"
                for d in op["dimensions"]
            )
        )
        for item in op["checklist"]:
            quote = item["quotes"][0] if item["quotes"] else None
            evidence = f"«{quote['text']}» (turn {quote['turn']})" if quote else ""
            why = item.get("reason") or ""
            lines.append(
                f"    {_MARK[item['status']]} {item['id']:<20} {item['status']:<7} "
                f"{evidence or why}".rstrip()
            )
        for penalty in op["penalties"]:
            lines.append(f"    penalty {penalty['id']} -{penalty['points']}")
        for cap in op["caps"]:
            lines.append(f"    capped at {cap['max_score']} ({cap['reason']})")
        lines.append("  recommendations:")
        lines += [f"    {n}. {text}" for n, text in enumerate(op["recommendations"], start=1)]
    client = ev.get("client") or {}
    if client.get("parts") is not None:
        parts = " · ".join(
            f"{p['id']} {p['score'] if p['score'] is not None else 'n/a'}" for p in client["parts"]
        )
        fidelity = client.get("fidelity")
        lines.append(
            f"  client fidelity {fidelity if fidelity is not None else '-'}/100"
            + (f" · {parts}" if parts else "")
        )
        verbatim = client.get("verbatim")
        if verbatim:
            lines.append(
                f"    verbatim: mean WER {verbatim['mean_wer']}, "
                f"{verbatim['deviations']} deviation(s) over {len(verbatim['turns'])} turn(s)"
            )
    cost = ev.get("cost")
    if cost:
        unknown = f" (known {_usd(cost['known_usd'])}; unknown: {', '.join(cost['unknown'])})"
        lines.append(
            f"  cost {_usd(cost['total_usd'])}"
            + (unknown if cost["unknown"] else "")
            + f" · prices as of {cost['pricing_as_of']}"
        )
    return lines


# -- input files ----------------------------------------------------------------------------------


def load_yaml_file(path: str, what: str) -> tuple[Any, Any]:
    """A YAML/JSON file's data and its composed node tree; InputError names file and line."""
    import yaml

    file = Path(path)
    if not file.is_file():
        raise InputError(f"{what} {path}: no such file")
    try:
        text = file.read_text(encoding="utf-8")
        return yaml.safe_load(text), yaml.compose(text, Loader=yaml.SafeLoader)
    except UnicodeDecodeError:
        raise InputError(f"{what} {path}: not UTF-8 text") from None
    except OSError as exc:
        raise InputError(f"{what} {path}: cannot read ({exc.strerror or exc})") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = f" line {mark.line + 1}:" if mark is not None else ""
        raise InputError(f"{what} {path}:{line} invalid YAML ({exc.problem or exc})") from None
    except yaml.YAMLError as exc:
        raise InputError(f"{what} {path}: invalid YAML ({exc})") from None


def _line_at(node: Any, loc: list[str | int]) -> int | None:
    """The 1-based line of ``loc`` (keys and list indexes) in a composed YAML tree."""
    import yaml

    if node is None:
        return None
    line = node.start_mark.line + 1
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            match = next((v for k, v in node.value if k.value == part), None)
            if match is None:
                return line
            node = match
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int):
            if not 0 <= part < len(node.value):
                return line
            node = node.value[part]
        else:
            return line
        line = node.start_mark.line + 1
    return line


def load_operator_file(path: str) -> dict[str, Any]:
    """An operator script checked by the emulator's own validator, before any call starts."""
    import re
    import shutil
    import subprocess

    from vclient_dev.emulator import EMULATOR

    data, node = load_yaml_file(path, "operator script")
    if not isinstance(data, dict):
        raise InputError(
            f"operator script {path}: a mapping with 'answer' and 'lines' (see "
            "dev/vclient_dev/operators/car_buyer.yaml)"
        )
    node_bin = shutil.which("node")
    if node_bin is None:
        raise InputError("node is not installed: it runs the emulator that plays the operator")
    check = (
        "const {normalizeScript} = require(process.argv[1]);"
        "try { normalizeScript(JSON.parse(process.argv[2])); }"
        "catch (e) { process.stdout.write(e.message); process.exit(1); }"
    )
    done = subprocess.run(
        [node_bin, "-e", check, str(EMULATOR / "lib" / "operator.js"), json.dumps(data)],
        capture_output=True,
        text=True,
        timeout=30,
    )
    if done.returncode != 0:
        message = done.stdout.strip() or done.stderr.strip().splitlines()[-1:]
        where = re.match(r"operator\.([a-z_]+)(?:\[(\d+)\])?", str(message))
        line = None
        if where:
            loc: list[str | int] = [where.group(1)]
            if where.group(2) is not None:
                loc.append(int(where.group(2)))
            line = _line_at(node, loc)
        at = f" line {line}:" if line else ""
        raise InputError(f"operator script {path}:{at} {message}")
    return data


def persona_problems(path: str) -> tuple[Any, list[str]]:
    """The persona, or every problem found in it, each with field and line."""
    from vclient.dialog.persona import PersonaError, load_persona

    load_yaml_file(path, "persona")  # unreadable or not YAML: one line naming the file
    try:
        return load_persona(Path(path)), []
    except PersonaError as exc:
        return None, [str(problem) for problem in exc.problems]


def _persona_arg(value: str) -> str | dict[str, Any]:
    """A bundled id, or a persona file sent inline (checked here first)."""
    if Path(value).suffix.lower() not in (".yaml", ".yml", ".json") and "/" not in value:
        return value
    persona, problems = persona_problems(value)
    if problems:
        raise InputError(
            f"persona {value}: {len(problems)} problem(s)\n" + "\n".join(f"  {p}" for p in problems)
        )
    return dict(json.loads(persona.model_dump_json(exclude_none=True)))


# -- commands -------------------------------------------------------------------------------------


def _call(args: argparse.Namespace) -> int:
    if args.api:
        if not args.api_key:
            print("--api needs --api-key (the stack's API key value)", file=sys.stderr)
            return EXIT_USAGE
        if not args.to:
            print(
                "--api dials a real phone: say which with --to +<E.164 number> "
                "(nothing is dialed without it)",
                file=sys.stderr,
            )
            return EXIT_USAGE
        if args.operator or args.emulator_config:
            print("--operator and --emulator-config are for simulated calls only", file=sys.stderr)
            return EXIT_USAGE
    try:
        body: dict[str, Any] = {"to": args.to or SIMULATED_TO, "scenario": args.engine}
        if args.label:
            body["labels"] = _labels(args.label)
        if args.persona:
            body["persona"] = _persona_arg(args.persona)
        if args.api:
            return _run_and_report(args.api.rstrip("/"), args.api_key, body, args, simulated=False)
        # Without --operator the persona's bundled operator script answers (it greets first).
        operator = load_operator_file(args.operator) if args.operator else None
        config = _emulator_config(args.emulator_config) if args.emulator_config else None
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    from vclient_dev.local_stack import LocalStack, StackStartError

    try:
        with LocalStack(port=0, env_file=None) as stack:
            if stack.emulator is None:
                print(f"cannot simulate calls: {stack.emulator_error}", file=sys.stderr)
                return EXIT_FAILED
            stack.vox.push_operator(operator, config)
            return _run_and_report(stack.api.url, stack.api_key, body, args, simulated=True)
    except StackStartError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED


def _labels(values: list[str]) -> dict[str, str]:
    labels = {}
    for value in values:
        key, sep, text = value.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--label {value}: give it as key=value, e.g. --label trainee=ivanov")
        labels[key.strip()] = text.strip()
    return labels


def _emulator_config(raw: str) -> dict[str, Any]:
    try:
        text = Path(raw[1:]).read_text(encoding="utf-8") if raw.startswith("@") else raw
        value = json.loads(text)
    except OSError as exc:
        raise InputError(f"--emulator-config {raw}: cannot read ({exc.strerror or exc})") from None
    except json.JSONDecodeError as exc:
        raise InputError(
            f"--emulator-config: line {exc.lineno}: not valid JSON ({exc.msg})"
        ) from None
    if not isinstance(value, dict):
        raise InputError('--emulator-config: a JSON object, e.g. {"faults": {...}}')
    return value


def _run_and_report(
    api: str, key: str, body: dict[str, Any], args: argparse.Namespace, *, simulated: bool
) -> int:
    try:
        started = start_call(api, key, body)
        if not args.json:
            print(
                f"Call {started['call_id']} on {started['engine']} (rule {started['rule']})"
                f"{' — simulated' if simulated else ''}",
                flush=True,
            )
        view = follow_call(
            api,
            key,
            started["call_id"],
            on_line=None if args.json else print_line([]),
            timeout_s=args.timeout,
        )
    except CallError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code
    if args.json:
        print(json.dumps(view, ensure_ascii=False, indent=2))
    else:
        print_summary(view, simulated=simulated)
        for line in verdict_lines(view):
            print(line)
    code = exit_code(view)
    for line in failure_lines(view):
        print(line, file=sys.stderr)
    if code != EXIT_OK and not args.json:
        print(f"  exit {code} ({view['status']})", file=sys.stderr)
    return code


def _demo() -> int:
    from vclient_dev.emulator import bundled_operator
    from vclient_dev.local_stack import LocalStack, StackStartError

    print("Starting the local stack (moto, local API, fake Voximplant, VoxEngine emulator)...")
    try:
        stack = LocalStack(port=0, env_file=None).start()
    except StackStartError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    with stack:
        print(stack.banner(), flush=True)
        if stack.emulator is None:
            print(f"cannot simulate calls: {stack.emulator_error}", file=sys.stderr)
            return 1
        views: dict[str, dict[str, Any]] = {}
        for engine in ENGINES:
            stack.vox.push_operator(bundled_operator(DEMO_PERSONA))
            body = {"to": SIMULATED_TO, "scenario": engine, "persona": DEMO_PERSONA}
            print()
            try:
                started = start_call(stack.api.url, stack.api_key, body)
                print(f"== {engine}: call {started['call_id']} on rule {started['rule']}")
                views[engine] = follow_call(
                    stack.api.url, stack.api_key, started["call_id"], on_line=print_line([])
                )
            except CallError as exc:
                print(f"== {engine}: {exc}", file=sys.stderr)
                continue
            print_summary(views[engine], simulated=True)
        print()
        print(comparison_table(views))
        print(
            "\nSimulated: operator speech, ASR, TTS and the Realtime model come from the VoxEngine "
            "emulator\n(dev/emulator): voice-to-voice is its configured ASR/TTS/Realtime costs "
            "plus the real time\nof the backend requests in the turn (backend p50 is measured by "
            "the real handlers)."
        )
        ok = len(views) == len(ENGINES) and all(v["status"] == "completed" for v in views.values())
        return 0 if ok else 1


def comparison_table(views: dict[str, dict[str, Any]]) -> str:
    header = (
        f"{'engine':<14} {'status':<10} {'ending':<9} {'turns':>5} {'topics':>7} "
        f"{'v2v p50':>8} {'v2v p95':>8} {'backend p50':>11}  timing"
    )
    rows = [header, "-" * len(header)]
    for engine in ENGINES:
        view = views.get(engine)
        if view is None:
            rows.append(f"{engine:<14} {'(not run)':<10}")
            continue
        s = view["summary"]
        topics = f"{s['topics']['covered']}/{s['topics']['total']}"
        rows.append(
            f"{engine:<14} {view['status']:<10} {s['ending'] or '-'!s:<9} {s['turns']:>5} "
            f"{topics:>7} {_ms(s['voice_to_voice_ms']['p50']):>8} "
            f"{_ms(s['voice_to_voice_ms']['p95']):>8} {_ms(s['backend_ms']['p50']):>11}  simulated"
        )
    return "\n".join(rows)


def _persona_check(path: str) -> int:
    try:
        persona, problems = persona_problems(path)
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_FAILED
    if problems:
        print(f"{path}: {len(problems)} problem(s)", file=sys.stderr)
        for problem in problems:
            print(f"  {problem}", file=sys.stderr)
        return EXIT_FAILED
    print(f"{path}: OK")
    print(persona.summary())
    return EXIT_OK


def _persona_list() -> int:
    from vclient.dialog.persona import bundled_persona_ids, load_bundled

    for persona_id in bundled_persona_ids():
        persona = load_bundled(persona_id)
        print(f"{persona_id:<18} {persona.name} ({persona.language})")
    return 0


def build_parser() -> argparse.ArgumentParser:
    from vclient_dev import doctor, secrets_cli

    parser = argparse.ArgumentParser(prog="vclient", description="Virtual client dev tooling.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="run the local stack until Ctrl-C")
    sub.add_parser("demo", help="the bundled persona through all three engines, side by side")
    call = sub.add_parser(
        "call",
        help="place one call and follow it to its end",
        epilog="exit codes: 0 ended cleanly, 1 ended on a failure, 2 bad input, 3 API refused or "
        "unreachable, 4 busy, 5 no answer, 6 rejected, 7 still running after --timeout",
    )
    call.add_argument("--engine", choices=ENGINES, required=True)
    call.add_argument("--persona", help="bundled persona id, or a persona YAML/JSON file")
    call.add_argument(
        "--operator",
        help="simulated operator script (YAML or JSON), local only; default: the persona's own",
    )
    call.add_argument("--to", help="destination (E.164); required with --api")
    call.add_argument(
        "--emulator-config",
        help="local only: emulator config as JSON or @file, e.g. faults (dev/emulator/README.md)",
    )
    call.add_argument("--json", action="store_true", help="print exactly the GET /call body")
    call.add_argument(
        "--label",
        action="append",
        default=[],
        metavar="KEY=VALUE",
        help="a call label (repeatable), e.g. --label trainee=ivanov; GET /calls filters on it",
    )
    call.add_argument("--api", help="a deployed stack's API URL (real call)")
    call.add_argument("--api-key", help="the deployed stack's API key")
    call.add_argument("--timeout", type=float, default=900, help="seconds to follow the call")
    vox = sub.add_parser("vox", help="Voximplant account setup")
    vox_sub = vox.add_subparsers(dest="vox_command", required=True)
    vox_setup = vox_sub.add_parser("setup", help="upload scenarios, create and bind rules")
    vox_setup.add_argument("--credentials", required=True, help="service-account key JSON file")
    vox_setup.add_argument("--application", help="application name (default: rules.json's)")
    vox_setup.add_argument("--dry-run", action="store_true", help="say what would change")
    vox_setup.add_argument("--vox-api-url", default="https://api.voximplant.com/platform_api")
    vox_setup.add_argument("--prefix", help="write <prefix>/engines/* to SSM (e.g. /vclient)")
    vox_setup.add_argument("--region", help="AWS region for --prefix")
    vox_setup.add_argument(
        "--openai-key-stdin",
        action="store_true",
        help="set the application secret OPENAI_API_KEY from stdin (key_mode voximplant_secret)",
    )
    vox_setup.add_argument("--rules", help=argparse.SUPPRESS)
    doctor.add_arguments(sub.add_parser("doctor", help="preflight a deployment (read-only)"))
    secrets_cli.add_arguments(sub.add_parser("secrets", help="set a stack's secrets"))
    vox_bundle = vox_sub.add_parser("bundle", help="write one scenario file of a rule's list")
    vox_bundle.add_argument("rule", help="a rule name from voximplant/rules.json")
    vox_bundle.add_argument("-o", "--output", required=True, help="the file to write")
    persona = sub.add_parser("persona", help="persona files")
    persona_sub = persona.add_subparsers(dest="persona_command", required=True)
    check = persona_sub.add_parser("check", help="validate a persona file (every problem)")
    check.add_argument("file")
    persona_sub.add_parser("list", help="list the bundled personas")
    return parser


def run(argv: list[str] | None = None) -> int:
    parser = build_parser()
    args, rest = parser.parse_known_args(argv)
    if args.command == "up":
        from vclient_dev.local_stack import main as up

        return up(rest)
    if rest:
        parser.error(f"unrecognized arguments: {' '.join(rest)}")
    if args.command == "demo":
        return _demo()
    if args.command == "call":
        return _call(args)
    if args.command == "vox" and args.vox_command == "bundle":
        from vclient_dev.bundle import main as run_bundle

        return run_bundle([args.rule, "-o", args.output])
    if args.command == "vox":
        from vclient_dev.vox_setup import main as run_vox_setup

        return run_vox_setup(args)
    if args.command == "doctor":
        from vclient_dev.doctor import main as run_doctor

        return run_doctor(args)
    if args.command == "secrets":
        from vclient_dev.secrets_cli import main as run_secrets

        return run_secrets(args)
    if args.persona_command == "check":
        return _persona_check(args.file)
    return _persona_list()


def main(argv: list[str] | None = None) -> int:
    """``run`` with a last-resort handler: an unexpected error is one line, not a traceback."""
    import os

    try:
        return run(argv)
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the last resort; expected failures are handled where they occur
        if os.environ.get("VCLIENT_DEBUG"):
            raise
        print(
            f"vclient: unexpected {type(exc).__name__}: {exc} "
            "(set VCLIENT_DEBUG=1 for the traceback)",
            file=sys.stderr,
        )
        return 70


if __name__ == "__main__":
    raise SystemExit(main())
