"""``vclient batch …`` and ``vclient report …``: batches and the comparison report from the shell.

vclient batch start [--local] [--file BODY] [--persona P] [--engines E,E] [--to N [--operator F]]…
                    [--repeats N] [--max-concurrent N] [--start-interval S] [--retry-on O,O]
                    [--max-attempts N] [--backoff S,S] [--window "TZ DAYS HH:MM-HH:MM"]
                    [--label K=V]… [--api URL --api-key K] [--wait] [--json]
vclient batch status|pause|resume|cancel ID --api URL --api-key K [--json]
vclient report --batch ID (--html FILE | --json) [--api URL --api-key K]

``--local`` runs the batch on a local stack started for it (every call simulated by the VoxEngine
emulator; ``--operator`` gives the operator script of the ``--to`` before it), waits for the end,
and keeps a snapshot (the batch, every call's ``GET /call/{id}``, the report) in
``.vclient/batches/<id>.json`` so that ``vclient report --batch ID`` works after the stack is gone.
Exit codes: 0 done (or accepted, without --wait), 1 the batch ended cancelled or with failed calls,
2 bad input, 3 the API refused or could not be reached, 7 still running after --timeout.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

from vclient_dev.cli import (
    EXIT_API,
    EXIT_FAILED,
    EXIT_OK,
    EXIT_TIMEOUT,
    EXIT_USAGE,
    SIMULATED_TO,
    CallError,
    InputError,
    _api_error,
    _persona_arg,
    _request,
    load_operator_file,
    load_yaml_file,
)
from vclient_dev.template import ROOT

SNAPSHOTS = ROOT / ".vclient" / "batches"
BATCH_ID = re.compile(r"^[0-9a-f]{32}$")
WINDOW = re.compile(
    r"^(?P<tz>\S+)\s+(?:(?P<days>[a-z,\-]+)\s+)?(?P<from>\d\d:\d\d(?::\d\d)?)-(?P<to>\d\d:\d\d(?::\d\d)?)$"
)
DAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def add_arguments(sub: Any) -> None:
    batch = sub.add_parser("batch", help="batches of calls: start, status, pause, resume, cancel")
    batch_sub = batch.add_subparsers(dest="batch_command", required=True)
    start = batch_sub.add_parser("start", help="start a batch (POST /batches)")
    start.add_argument("--local", action="store_true", help="on a local stack, simulated")
    start.add_argument("--file", help="the POST /batches body as YAML or JSON (flags override)")
    start.add_argument("--persona", help="bundled persona id, or a persona YAML/JSON file")
    start.add_argument("--engines", help="comma-separated (default: all three)")
    start.add_argument("--to", action="append", default=[], help="a target number (repeatable)")
    start.add_argument(
        "--operator",
        action="append",
        default=[],
        help="--local: the operator script of the --to before it (default: the persona's own)",
    )
    start.add_argument("--repeats", type=int)
    start.add_argument("--max-concurrent", type=int)
    start.add_argument("--start-interval", type=int, help="seconds between two starts")
    start.add_argument("--retry-on", help="comma-separated: busy, no_answer, failed")
    start.add_argument("--max-attempts", type=int)
    start.add_argument("--backoff", help="comma-separated seconds before attempt 2, 3, …")
    start.add_argument("--window", help='"Europe/Moscow mon-fri 09:00-18:00" (days optional)')
    start.add_argument("--label", action="append", default=[], help="key=value (repeatable)")
    start.add_argument("--idempotency-key")
    start.add_argument("--wait", action="store_true", help="follow the batch to its end")
    start.add_argument("--timeout", type=float, default=3600, help="seconds to follow it")
    start.add_argument("--json", action="store_true", help="print GET /batches/{id} at the end")
    _api_args(start)
    for name in ("status", "pause", "resume", "cancel"):
        one = batch_sub.add_parser(name, help=f"{name} a batch")
        one.add_argument("batch_id")
        one.add_argument("--json", action="store_true")
        _api_args(one)
    report = sub.add_parser("report", help="the engines compared over a batch's calls")
    report.add_argument("--batch", required=True, help="the batch id")
    report.add_argument("--html", help="write one self-contained HTML file")
    report.add_argument("--json", action="store_true", help="print the API's report body")
    _api_args(report)


def _api_args(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--api", help="a deployed stack's API URL (default: local)")
    parser.add_argument("--api-key", help="the stack's API key")


# -- building the body ---------------------------------------------------------------------------


def batch_body(args: argparse.Namespace) -> dict[str, Any]:
    """The POST /batches body from --file and the flags; InputError names what is wrong."""
    body: dict[str, Any] = {}
    if args.file:
        data, _ = load_yaml_file(args.file, "batch file")
        if not isinstance(data, dict):
            raise InputError(f"batch file {args.file}: a mapping (the POST /batches body)")
        body.update(data)
    if args.persona:
        body["persona"] = _persona_arg(args.persona)
    if args.engines:
        body["engines"] = [e.strip() for e in args.engines.split(",") if e.strip()]
    body.setdefault("engines", ["dialog", "realtime", "realtime_pure"])
    if args.to:
        body["targets"] = [{"to": number} for number in args.to]
    elif args.local and "targets" not in body:
        body["targets"] = [{"to": SIMULATED_TO}]
    for flag, key in (
        ("repeats", "repeats"),
        ("max_concurrent", "max_concurrent"),
        ("start_interval", "start_interval_s"),
    ):
        if getattr(args, flag) is not None:
            body[key] = getattr(args, flag)
    retry = dict(body.get("retry") or {})
    if args.retry_on:
        retry["on"] = [o.strip() for o in args.retry_on.split(",") if o.strip()]
    if args.max_attempts is not None:
        retry["max_attempts"] = args.max_attempts
    if args.backoff:
        try:
            retry["backoff_s"] = [int(v) for v in args.backoff.split(",")]
        except ValueError:
            raise InputError("--backoff: whole seconds separated by commas, e.g. 60,300") from None
    if retry:
        body["retry"] = retry
    if args.window:
        body["window"] = parse_window(args.window)
    if args.label:
        labels = dict(body.get("labels") or {})
        for pair in args.label:
            key, sep, value = pair.partition("=")
            if not sep:
                raise InputError(f"--label {pair}: key=value")
            labels[key.strip()] = value.strip()
        body["labels"] = labels
    if "targets" not in body:
        raise InputError("say whom to call: --to +<E.164 number> (repeatable) or targets in --file")
    return body


def parse_window(text: str) -> dict[str, Any]:
    match = WINDOW.match(text.strip())
    if not match:
        raise InputError(
            f'--window {text!r}: "TIMEZONE [DAYS] HH:MM-HH:MM", '
            'e.g. "Europe/Moscow mon-fri 09:00-18:00"'
        )
    window: dict[str, Any] = {
        "timezone": match["tz"],
        "from": match["from"],
        "to": match["to"],
    }
    if match["days"]:
        days: list[str] = []
        for part in match["days"].split(","):
            first, _, last = part.partition("-")
            if first not in DAYS or (last and last not in DAYS):
                raise InputError(f"--window: days are {', '.join(DAYS)} (ranges like mon-fri)")
            if last:
                i, j = DAYS.index(first), DAYS.index(last)
                days.extend(DAYS[i : j + 1] if i <= j else DAYS[i:] + DAYS[: j + 1])
            else:
                days.append(first)
        window["days"] = list(dict.fromkeys(days))
    return window


def operators_for(args: argparse.Namespace, body: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """--operator files paired with the --to before them (checked by the emulator's validator)."""
    if not args.operator:
        return {}
    if not args.local:
        raise InputError("--operator is for --local batches only (a real operator answers)")
    if len(args.operator) > len(args.to):
        raise InputError("each --operator follows the --to it answers (more --operator than --to)")
    return {
        number: load_operator_file(path)
        for number, path in zip(args.to, args.operator, strict=False)
    }


# -- talking to the API --------------------------------------------------------------------------


class Client:
    def __init__(self, api: str, key: str) -> None:
        self.api = api.rstrip("/")
        self.headers = {"x-api-key": key}

    def post(self, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        url = f"{self.api}{path}"
        response = _request("POST", url, json=body, headers={**self.headers, **(headers or {})})
        if response.status_code not in (200, 202):
            raise _api_error("POST", url, response)
        return response.json()

    def get(self, path: str) -> Any:
        url = f"{self.api}{path}"
        response = _request("GET", url, headers=self.headers)
        if response.status_code != 200:
            raise _api_error("GET", url, response)
        return response.json()


def follow(client: Client, batch_id: str, *, timeout_s: float, quiet: bool) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    last = ""
    while True:
        view = client.get(f"/batches/{batch_id}")
        line = status_line(view)
        if line != last and not quiet:
            print(f"  {line}", flush=True)
            last = line
        if view["state"] in ("done", "cancelled") and view["live"] == 0:
            return dict(view)
        if time.monotonic() > deadline:
            raise CallError(
                f"batch {batch_id} is still {view['state']} after {timeout_s:.0f} s", EXIT_TIMEOUT
            )
        time.sleep(0.5)


def status_line(view: dict[str, Any]) -> str:
    states = ", ".join(f"{k} {v}" for k, v in view["counts"]["by_state"].items())
    outcomes = ", ".join(f"{k} {v}" for k, v in view["counts"]["outcomes"].items())
    return f"{view['state']}: {states}; {view['counts']['calls']} call(s), {view['live']} live" + (
        f"; outcomes: {outcomes}" if outcomes else ""
    )


def batch_exit(view: dict[str, Any]) -> int:
    if view["state"] == "done" and all(
        i["outcome"] == "completed" for i in view["items"] if i.get("outcome")
    ):
        return EXIT_OK
    return EXIT_FAILED


# -- commands ------------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> int:
    try:
        if args.command == "report":
            return _report(args)
        if args.batch_command == "start":
            return _start(args)
        return _one(args)
    except InputError as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except CallError as exc:
        print(str(exc), file=sys.stderr)
        return exc.exit_code


def _remote(args: argparse.Namespace) -> Client:
    if not args.api or not args.api_key:
        raise InputError("give --api URL and --api-key KEY (a deployed stack, or `make up`'s)")
    return Client(args.api, args.api_key)


def _one(args: argparse.Namespace) -> int:
    if not BATCH_ID.match(args.batch_id):
        raise InputError(f"{args.batch_id}: a batch id is 32 lowercase hex characters")
    client = _remote(args)
    if args.batch_command == "status":
        view = client.get(f"/batches/{args.batch_id}")
        print(json.dumps(view, ensure_ascii=False, indent=2) if args.json else status_line(view))
        return EXIT_OK
    answer = client.post(f"/batches/{args.batch_id}/{args.batch_command}")
    print(json.dumps(answer) if args.json else f"batch {args.batch_id}: {answer['state']}")
    return EXIT_OK


def _start(args: argparse.Namespace) -> int:
    if args.local and args.api:
        raise InputError("--local runs its own stack: leave out --api")
    body = batch_body(args)
    operators = operators_for(args, body)
    headers = {"Idempotency-Key": args.idempotency_key} if args.idempotency_key else None
    if not args.local:
        client = _remote(args)
        created = client.post("/batches", body, headers)
        print(f"Batch {created['batch_id']}: {created['calls']} call(s), {created['state']}")
        if not args.wait:
            return EXIT_OK
        view = follow(client, created["batch_id"], timeout_s=args.timeout, quiet=args.json)
        if args.json:
            print(json.dumps(view, ensure_ascii=False, indent=2))
        return batch_exit(view)
    snapshot = run_local_batch(body, operators, timeout_s=args.timeout, quiet=args.json)
    if args.json:
        print(json.dumps(snapshot["batch"], ensure_ascii=False, indent=2))
    else:
        print(f"Snapshot: {snapshot_path(snapshot['batch']['batch_id'])}")
        print(
            f"Report:   vclient report --batch {snapshot['batch']['batch_id']} --html report.html"
        )
    return batch_exit(snapshot["batch"])


def snapshot_path(batch_id: str) -> Path:
    return SNAPSHOTS / f"{batch_id}.json"


def run_local_batch(
    body: dict[str, Any],
    operators: dict[str, dict[str, Any]],
    *,
    timeout_s: float = 3600,
    quiet: bool = False,
    say: Any = print,
) -> dict[str, Any]:
    """Runs a batch on a local stack started for it; returns (and saves) its snapshot."""
    from vclient_dev.local_stack import LocalStack, StackStartError

    try:
        stack = LocalStack(port=0, env_file=None).start()
    except StackStartError as exc:
        raise CallError(str(exc), EXIT_FAILED) from None
    with stack:
        if stack.emulator is None:
            raise CallError(f"cannot simulate calls: {stack.emulator_error}", EXIT_FAILED)
        for number, operator in operators.items():
            stack.set_operator_for(number, operator)
        client = Client(stack.api.url, stack.api_key)
        created = client.post("/batches", body)
        if not quiet:
            say(
                f"Batch {created['batch_id']}: {created['calls']} simulated call(s) on the local "
                "stack (every timing is the emulator's)"
            )
        view = follow(client, created["batch_id"], timeout_s=timeout_s, quiet=quiet)
        calls = wait_for_evaluations(client, view, timeout_s=EVALUATION_WAIT_S)
        report = client.get(f"/reports/compare?batch={created['batch_id']}")
    snapshot = {"batch": view, "calls": calls, "report": report}
    SNAPSHOTS.mkdir(parents=True, exist_ok=True)
    snapshot_path(view["batch_id"]).write_text(
        json.dumps(snapshot, ensure_ascii=False), encoding="utf-8"
    )
    return snapshot


#: How long a local batch waits, after its last call, for the calls' evaluations (made after
#: each hang-up) so that the report has fidelity and operator scores.
EVALUATION_WAIT_S = 90


def wait_for_evaluations(
    client: Client, view: dict[str, Any], *, timeout_s: float
) -> list[dict[str, Any]]:
    """Every call of the batch once none has a pending evaluation (or the time is up)."""
    deadline = time.monotonic() + timeout_s
    while True:
        calls = [client.get(f"/call/{c['call_id']}") for c in view["calls"]]
        pending = [c for c in calls if (c.get("evaluation") or {}).get("status") == "pending"]
        if not pending or time.monotonic() > deadline:
            return calls
        time.sleep(1)


def load_report(batch_id: str, api: str | None, api_key: str | None) -> dict[str, Any]:
    if api:
        if not api_key:
            raise InputError("--api needs --api-key")
        return dict(Client(api, api_key).get(f"/reports/compare?batch={batch_id}"))
    path = snapshot_path(batch_id)
    if not path.is_file():
        raise InputError(
            f"no local batch {batch_id} in {SNAPSHOTS} (run `vclient batch start --local` first, "
            "or give --api and --api-key)"
        )
    return dict(json.loads(path.read_text(encoding="utf-8"))["report"])


def _report(args: argparse.Namespace) -> int:
    if not BATCH_ID.match(args.batch):
        raise InputError(f"--batch {args.batch}: a batch id is 32 lowercase hex characters")
    if not args.html and not args.json:
        raise InputError("say what to write: --html FILE, --json, or both")
    report = load_report(args.batch, args.api, args.api_key)
    if args.html:
        from vclient_dev.report_html import write

        try:
            write(report, Path(args.html))
        except OSError as exc:
            raise InputError(f"--html {args.html}: cannot write ({exc.strerror or exc})") from None
        if not args.json:
            print(f"Wrote {args.html} ({report['calls']} calls, {', '.join(report['engines'])})")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    return EXIT_OK


__all__ = ["EXIT_API", "add_arguments", "run", "run_local_batch"]
