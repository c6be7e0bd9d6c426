"""The ``vclient`` command (dev tooling): local stack, demo, persona checks.

vclient up                     the local stack until Ctrl-C (same as ``make up``)
vclient demo                   one call per engine on a local stack, then a summary
vclient persona check FILE     validate a persona file; exit 1 with the error if invalid
vclient persona list           the bundled personas
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

ENGINES = ("dialog", "realtime", "realtime_pure")


def _persona_check(path: str) -> int:
    from vclient.persona import PersonaError, load_persona

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
    from vclient.persona import bundled_persona_ids, load_bundled

    for persona_id in bundled_persona_ids():
        persona = load_bundled(persona_id)
        print(f"{persona_id:<18} {persona.name} ({persona.language})")
    return 0


def _demo(to: str) -> int:
    import requests

    from vclient_dev.local_stack import LocalStack

    print("Starting the local stack (moto + local API + fake Voximplant)...", flush=True)
    with LocalStack(port=0, env_file=None) as stack:
        print(stack.banner(), flush=True)
        rows: list[dict[str, Any]] = []
        for engine in ENGINES:
            response = requests.post(
                f"{stack.api.url}/call",
                json={"to": to, "scenario": engine},
                headers={"x-api-key": stack.api_key},
                timeout=30,
            )
            body = response.json()
            rows.append({"engine": engine, "http": response.status_code, **body})
        starts = [r for r in stack.vox.requests if r["cmd"] == "StartScenarios"]
        print()
        print(f"{'engine':<14} {'HTTP':>4}  {'status':<9} {'rule':<20} {'session':>8}  call_id")
        for row in rows:
            session = (row.get("voximplant") or {}).get("call_session_history_id")
            print(
                f"{row['engine']:<14} {row['http']:>4}  {row.get('status', row.get('code')):<9} "
                f"{row.get('rule', '-'):<20} {session or '-':>8}  {row.get('call_id', '-')}"
            )
        print()
        print("What Voximplant received (fake Management API):")
        for start in starts:
            params = start["params"]
            custom = params["script_custom_data"]
            print(
                f"  StartScenarios rule_name={params.get('rule_name')} "
                f"auth={start['auth']} custom_data={len(custom.encode())} bytes "
                f"keys={sorted(json.loads(custom))}"
            )
        ok = all(r["http"] == 202 for r in rows) and len(starts) == len(ENGINES)
        print()
        print("All three engines accepted." if ok else "Some calls were not accepted.")
        return 0 if ok else 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="vclient", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    sub.add_parser("up", help="run the local stack until Ctrl-C")
    demo = sub.add_parser("demo", help="one call per engine on a fresh local stack")
    demo.add_argument("--to", default="+79161234567", help="destination (E.164)")
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
        return _demo(args.to)
    if args.persona_command == "check":
        return _persona_check(args.file)
    return _persona_list()


if __name__ == "__main__":
    raise SystemExit(main())
