"""The ``vclient`` command (dev tooling): calls, the demo, the local stack, persona checks.

vclient demo                         the bundled persona through all three engines, side by side
vclient call --engine E --persona P --operator FILE [--to N] [--json]
                                     one simulated call on a local stack started for it
vclient call ... --api URL --api-key K
                                     one real call on a deployed stack, followed to its end
vclient up                           the local stack until Ctrl-C (same as ``make up``)
vclient vox setup --credentials FILE upload the scenarios to Voximplant and bind their rules
vclient vox bundle RULE -o FILE      one scenario file of a rule's list (fallback to binding it)
vclient persona check FILE           validate a persona file; exit 1 with the error if invalid
vclient persona list                 the bundled personas
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


class CallError(RuntimeError):
    pass


# -- following a call ---------------------------------------------------------------------------


def start_call(api: str, key: str, body: dict[str, Any]) -> dict[str, Any]:
    import requests

    response = requests.post(f"{api}/call", json=body, headers={"x-api-key": key}, timeout=30)
    answer = response.json()
    if response.status_code != 202:
        raise CallError(f"POST /call answered {response.status_code}: {answer.get('message')}")
    return dict(answer)


def follow_call(
    api: str,
    key: str,
    call_id: str,
    *,
    on_line: Callable[[dict[str, Any]], None] | None = None,
    timeout_s: float = 900,
    poll_s: float = 0.25,
) -> dict[str, Any]:
    """Polls ``GET /call/{id}`` until the call has ended, reporting new transcript lines."""
    import requests

    seen = 0
    deadline = time.monotonic() + timeout_s
    final_since: float | None = None
    view: dict[str, Any] = {}
    while time.monotonic() < deadline:
        response = requests.get(f"{api}/call/{call_id}", headers={"x-api-key": key}, timeout=30)
        if response.status_code != 200:
            raise CallError(f"GET /call answered {response.status_code}: {response.text[:200]}")
        view = response.json()
        for line in view["transcript"][seen:]:
            if on_line:
                on_line(line)
        seen = len(view["transcript"])
        if view["status"] in FINAL:
            # The scenario's last batch (with `ended`) may trail the final status briefly.
            final_since = final_since or time.monotonic()
            if view["ended_at"] or time.monotonic() - final_since > 5:
                return view
        time.sleep(poll_s)
    raise CallError(
        f"the call did not end within {timeout_s:.0f} s (last status {view.get('status')})"
    )


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


# -- commands -------------------------------------------------------------------------------------


def _call(args: argparse.Namespace) -> int:
    from vclient_dev.emulator import load_operator

    body: dict[str, Any] = {"to": args.to, "scenario": args.engine}
    if args.persona:
        body["persona"] = _persona_arg(args.persona)
    if args.api:
        if not args.api_key:
            print("--api needs --api-key", file=sys.stderr)
            return 2
        return _run_and_report(args.api.rstrip("/"), args.api_key, body, args, simulated=False)

    # Without --operator the persona's bundled operator script answers (it greets first).
    operator = None
    try:
        operator = load_operator(args.operator) if args.operator else None
    except (OSError, ValueError) as exc:
        print(f"operator script: {exc}", file=sys.stderr)
        return 2
    from vclient_dev.local_stack import LocalStack

    with LocalStack(port=0, env_file=None) as stack:
        if stack.emulator is None:
            print(f"cannot simulate calls: {stack.emulator_error}", file=sys.stderr)
            return 1
        config = None
        if args.emulator_config:
            raw = args.emulator_config
            try:
                config = json.loads(Path(raw[1:]).read_text() if raw.startswith("@") else raw)
            except (OSError, ValueError) as exc:
                print(f"--emulator-config: {exc}", file=sys.stderr)
                return 2
        stack.vox.push_operator(operator, config)
        return _run_and_report(stack.api.url, stack.api_key, body, args, simulated=True)


def _persona_arg(value: str) -> str | dict[str, Any]:
    """A bundled id, or a persona file sent inline."""
    path = Path(value)
    if path.suffix in (".yaml", ".yml", ".json") and path.is_file():
        from vclient.dialog.persona import load_persona

        return json.loads(load_persona(path).model_dump_json(exclude_none=True))
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
        return 1
    if args.json:
        print(json.dumps(view, ensure_ascii=False, indent=2))
    else:
        print_summary(view, simulated=simulated)
    return 0 if view["status"] == "completed" else 1


def _demo() -> int:
    from vclient_dev.emulator import bundled_operator
    from vclient_dev.local_stack import LocalStack

    print("Starting the local stack (moto, local API, fake Voximplant, VoxEngine emulator)...")
    with LocalStack(port=0, env_file=None) as stack:
        print(stack.banner(), flush=True)
        if stack.emulator is None:
            print(f"cannot simulate calls: {stack.emulator_error}", file=sys.stderr)
            return 1
        views: dict[str, dict[str, Any]] = {}
        for engine in ENGINES:
            stack.vox.push_operator(bundled_operator(DEMO_PERSONA))
            body = {"to": "+79161234567", "scenario": engine, "persona": DEMO_PERSONA}
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
    from vclient.dialog.persona import PersonaError, load_persona

    file = Path(path)
    if not file.is_file():
        print(f"{path}: no such file", file=sys.stderr)
        return 1
    try:
        persona = load_persona(file)
    except PersonaError as exc:
        print(f"{path}: {exc}", file=sys.stderr)
        return 1
    print(f"{path}: OK")
    print(persona.summary())
    return 0


def _persona_list() -> int:
    from vclient.dialog.persona import bundled_persona_ids, load_bundled

    for persona_id in bundled_persona_ids():
        persona = load_bundled(persona_id)
        print(f"{persona_id:<18} {persona.name} ({persona.language})")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vclient", description="Virtual client dev tooling.")
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="run the local stack until Ctrl-C")
    sub.add_parser("demo", help="the bundled persona through all three engines, side by side")
    call = sub.add_parser("call", help="place one call and follow it to its end")
    call.add_argument("--engine", choices=ENGINES, required=True)
    call.add_argument("--persona", help="bundled persona id, or a persona YAML/JSON file")
    call.add_argument(
        "--operator",
        help="simulated operator script (YAML or JSON), local only; default: the persona's own",
    )
    call.add_argument("--to", default="+79161234567", help="destination (E.164)")
    call.add_argument(
        "--emulator-config",
        help="local only: emulator config as JSON or @file, e.g. faults (dev/emulator/README.md)",
    )
    call.add_argument("--json", action="store_true", help="print exactly the GET /call body")
    call.add_argument("--api", help="a deployed stack's API URL (real call)")
    call.add_argument("--api-key", help="the deployed stack's API key")
    call.add_argument("--timeout", type=float, default=900, help="seconds to follow the call")
    vox = sub.add_parser("vox", help="Voximplant account setup")
    vox_sub = vox.add_subparsers(dest="vox_command", required=True)
    vox_setup = vox_sub.add_parser("setup", help="upload scenarios, create and bind rules")
    vox_setup.add_argument("--credentials", required=True, help="service-account key JSON file")
    vox_setup.add_argument("--application", default="vclient")
    vox_setup.add_argument("--dry-run", action="store_true", help="say what would change")
    vox_setup.add_argument("--vox-api-url", default="https://api.voximplant.com/platform_api")
    vox_bundle = vox_sub.add_parser("bundle", help="write one scenario file of a rule's list")
    vox_bundle.add_argument("rule", help="a rule name from voximplant/rules.json")
    vox_bundle.add_argument("-o", "--output", required=True, help="the file to write")
    persona = sub.add_parser("persona", help="persona files")
    persona_sub = persona.add_subparsers(dest="persona_command", required=True)
    check = persona_sub.add_parser("check", help="validate a persona file")
    check.add_argument("file")
    persona_sub.add_parser("list", help="list the bundled personas")
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
    if args.persona_command == "check":
        return _persona_check(args.file)
    return _persona_list()


if __name__ == "__main__":
    raise SystemExit(main())
