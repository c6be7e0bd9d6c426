"""Benchmarks that print figures (never timed assertions): ``make bench``.

Cold start: each sample is a fresh interpreter that imports a function's module and builds its
module-level state (settings, clients' wrappers), timed from inside the process so interpreter
start-up is not counted. The baseline is a bare ``import boto3`` measured the same way, in the
same run, interleaved, so the ratio is fair on a noisy machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]

_BASELINE = """
import time
t = time.perf_counter()
import boto3
print(time.perf_counter() - t)
"""

_HANDLER = """
import importlib.util, sys, time
sys.path.insert(0, {layer!r})
t = time.perf_counter()
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
print(time.perf_counter() - t)
"""

#: Names only, as the template sets them; nothing is contacted during import.
FUNCTION_ENV = {
    "CALLS_TABLE": "bench-calls",
    "IDEMPOTENCY_TABLE": "bench-idempotency",
    "PARAM_PREFIX": "/bench",
    "VOX_CREDENTIALS_SECRET": "bench-vox",
    "TOKEN_SECRET": "bench-token",
    "OPENAI_SECRET": "bench-openai",
    "BATCHES_TABLE": "bench-batches",
    "BATCH_QUEUE_URL": "https://sqs.us-east-1.amazonaws.com/000000000000/bench-batches",
    "POWERTOOLS_SERVICE_NAME": "bench",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_REGION": "us-east-1",
    # What the Lambda runtime sets: with LAMBDA_TASK_ROOT the X-Ray SDK picks its Lambda mode
    # (local sampler, no sampling client), as it does in a real cold start with tracing on.
    "LAMBDA_TASK_ROOT": str(ROOT),
    "AWS_LAMBDA_FUNCTION_NAME": "bench",
    "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": "512",
    "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
    "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
}


def template_literals() -> dict[str, str]:
    """The plain-text variables of the template's Globals (``PYDANTIC_DISABLE_PLUGINS``, the
    Powertools settings): a cold start here runs under the same switches as a deployed one."""
    from vclient_dev.template import load_template

    variables = load_template()["Globals"]["Function"]["Environment"]["Variables"]
    return {k: v for k, v in variables.items() if isinstance(v, str)}


def _env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("POWERTOOLS_", "PYDANTIC_"))}
    return {**env, **template_literals(), **FUNCTION_ENV}


def _sample(code: str) -> float:
    env = _env()
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env)
    if out.returncode != 0:
        # A handler that cannot even import is the finding: say which and why, no traceback.
        last = (out.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise SystemExit(f"bench: a cold import failed: {last}")
    return float(out.stdout.strip().splitlines()[-1])


def compiled_layer_copy() -> Path:
    """The vclient package as the layer ships it: with unchecked-hash bytecode (see
    layers/common/Makefile). Third-party packages come from the venv, compiled by uv."""
    import compileall
    import py_compile
    import shutil
    import tempfile

    target = Path(tempfile.mkdtemp(prefix="vclient-layer-"))
    shutil.copytree(ROOT / "layers" / "common" / "vclient", target / "vclient")
    compileall.compile_dir(
        target, quiet=1, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
    )
    return target


def cold_start(function: str, runs: int, layer: Path) -> dict[str, float]:
    """Median of per-sample ratios: each handler sample is divided by the mean of the bare
    ``import boto3`` samples taken just before and just after it. On a shared 2-core machine the
    speed of the whole machine drifts by ±30 % within seconds; a ratio of neighbours cancels that
    drift, where a ratio of two medians taken over a minute does not. The quartiles show the
    spread."""
    handler_code = _HANDLER.format(
        layer=str(layer),
        path=str(ROOT / "functions" / function / "app.py"),
    )
    baseline, handler, ratios = [], [], []
    _sample(_BASELINE)  # warm the OS file cache once; not counted
    _sample(handler_code)
    before = _sample(_BASELINE)
    for _ in range(runs):
        took = _sample(handler_code)
        after = _sample(_BASELINE)
        baseline.append(before)
        handler.append(took)
        ratios.append(took / ((before + after) / 2))
        before = after
    q1, _, q3 = statistics.quantiles(ratios, n=4) if len(ratios) > 1 else (ratios[0],) * 3
    return {
        "boto3_ms": statistics.median(baseline) * 1000,
        "handler_ms": statistics.median(handler) * 1000,
        "ratio": statistics.median(ratios),
        "ratio_q1": q1,
        "ratio_q3": q3,
    }


def import_profile(function: str, layer: Path, top: int = 12) -> list[tuple[float, str]]:
    """The modules whose own import time (``-X importtime`` "self") is largest in one cold import
    of ``function`` that a bare ``import boto3`` does not pay: where the handler's extra time
    goes."""
    env = _env()

    def selfs(code: str) -> dict[str, float]:
        out = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", code],
            capture_output=True,
            text=True,
            env=env,
        )
        found: dict[str, float] = {}
        for line in out.stderr.splitlines():
            parts = line.removeprefix("import time:").split("|")
            if len(parts) == 3 and parts[0].strip().isdigit():
                found[parts[2].strip()] = int(parts[0]) / 1000
        return found

    bare = selfs(_BASELINE)
    code = _HANDLER.format(layer=str(layer), path=str(ROOT / "functions" / function / "app.py"))
    extra = {name: ms for name, ms in selfs(code).items() if name not in bare}
    return sorted(((ms, name) for name, ms in extra.items()), reverse=True)[:top]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[index]


#: Threads of the local stack that stand in for AWS event sources (dev/vclient_dev/streams.py and
#: the batch queue's consumer in local_stack.py).
BACKGROUND_THREADS = ("batch-consumer-", "stream-poller", "ended-calls-poller", "schedule-")


def turn_overhead(min_turns: int, llm_delay_ms: int) -> dict[str, Any]:
    """Backend overhead per turn on the local stack with the LLM stubbed at a fixed delay.

    The handlers run in this process, so every AWS call they make goes through botocore here
    and is counted per request; SSM and Secrets Manager must not appear on a warm turn.
    """
    import botocore.client
    import requests

    from vclient_dev.fake_openai import FakeOpenAI
    from vclient_dev.local_stack import LocalStack

    calls: Counter[str] = Counter()
    aws_ms: list[float] = [0.0]
    #: The milliseconds of each AWS call of the current turn, in order.
    turn_calls: list[float] = []
    original = botocore.client.BaseClient._make_api_call

    def counting(self: Any, operation: str, params: Any) -> Any:
        # The local stand-ins for SQS event sources and DynamoDB streams poll on their own
        # threads (AWS delivers those without a call from the function): not a turn's call.
        if threading.current_thread().name.startswith(BACKGROUND_THREADS):
            return original(self, operation, params)
        calls[f"{self.meta.service_model.service_name}.{operation}"] += 1
        started = time.perf_counter()
        try:
            return original(self, operation, params)
        finally:
            spent = (time.perf_counter() - started) * 1000
            aws_ms[0] += spent
            turn_calls.append(spent)

    fake = FakeOpenAI(delay_ms=llm_delay_ms).start()
    stack = LocalStack(
        port=0,
        env_file=None,
        extra_env={"OPENAI_BASE_URL": fake.url},
        simulate_calls=False,  # the bench plays the scenario's part itself
    )
    stack.start()
    botocore.client.BaseClient._make_api_call = counting  # type: ignore[method-assign]
    overhead: list[float] = []
    handler_own: list[float] = []
    claim_ms: list[float] = []
    own: list[float] = []
    http: list[float] = []
    warm: list[Counter[str]] = []
    fallbacks = 0
    try:
        import boto3

        boto3.client("secretsmanager", endpoint_url=stack.aws_endpoint).put_secret_value(
            SecretId=stack.secret_arns["OpenAiApiKeySecret"],
            SecretString=json.dumps({"api_key": "sk-bench"}),
        )
        api, key = stack.api.url, stack.api_key
        while len(overhead) < min_turns:
            started = requests.post(
                f"{api}/call", json={"to": "+79161234567"}, headers={"x-api-key": key}, timeout=30
            )
            started.raise_for_status()
            custom = json.loads(stack.vox.requests[-1]["params"]["script_custom_data"])
            auth = {"Authorization": f"Bearer {custom['tok']}"}
            base = f"{custom['api']}/call/{custom['id']}"
            requests.get(f"{base}/session", headers=auth, timeout=30).raise_for_status()
            for turn in range(1, 100):
                before = calls.copy()
                aws_ms[0] = 0.0
                turn_calls.clear()
                sent = time.perf_counter()
                answer = requests.post(
                    f"{base}/reply",
                    json={"turn": turn, "text": f"Реплика оператора номер {turn}."},
                    headers=auth,
                    timeout=30,
                ).json()
                roundtrip = (time.perf_counter() - sent) * 1000
                used = calls - before
                overhead.append(answer["backend_ms"] - (answer.get("llm_ms") or 0))
                llm = answer.get("llm_ms") or 0
                # backend_ms covers the claim write (the turn's first call), not the commit
                claim = turn_calls[0] if turn_calls else 0.0
                handler_own.append(overhead[-1] - claim)
                claim_ms.append(claim)
                http.append(roundtrip - llm)
                own.append(roundtrip - llm - aws_ms[0])
                fallbacks += bool(answer["fallback"])
                if turn > 1:
                    warm.append(used)
                if answer["end_call"]:
                    break
    finally:
        botocore.client.BaseClient._make_api_call = original  # type: ignore[method-assign]
        stack.stop()
        fake.stop()
    per_turn = sum(warm, Counter())
    n = max(len(warm), 1)
    return {
        "turns": len(overhead),
        "llm_delay_ms": llm_delay_ms,
        "fallbacks": fallbacks,
        "overhead_p50_ms": _percentile(overhead, 0.50),
        "overhead_p95_ms": _percentile(overhead, 0.95),
        "claim_p50_ms": _percentile(claim_ms, 0.50),
        "claim_p95_ms": _percentile(claim_ms, 0.95),
        "handler_own_p50_ms": _percentile(handler_own, 0.50),
        "handler_own_p95_ms": _percentile(handler_own, 0.95),
        "http_p50_ms": _percentile(http, 0.50),
        "http_p95_ms": _percentile(http, 0.95),
        "own_code_p50_ms": _percentile(own, 0.50),
        "own_code_p95_ms": _percentile(own, 0.95),
        "aws_calls_per_warm_turn": sum(per_turn.values()) / n,
        "ssm_secrets_calls_per_warm_turn": sum(
            v for k, v in per_turn.items() if k.startswith(("ssm.", "secretsmanager."))
        )
        / n,
        "warm_turn_calls": {k: v / n for k, v in sorted(per_turn.items())},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--turns", type=int, default=200, help="turns for the overhead figure")
    parser.add_argument("--llm-delay-ms", type=int, default=300)
    parser.add_argument(
        "--imports", action="store_true", help="also print each handler's heaviest own imports"
    )
    parser.add_argument("--cold-only", action="store_true", help="skip the dialog-turn figures")
    args = parser.parse_args(argv)
    results = {}
    functions = sorted(p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").exists())
    layer = compiled_layer_copy()
    for function in functions:
        results[f"cold_start.{function}"] = cold_start(function, args.runs, layer)
    turns = None if args.cold_only else turn_overhead(args.turns, args.llm_delay_ms)
    if args.json:
        print(json.dumps({**results, "dialog_turns": turns}, indent=2))
        return 0
    print(
        f"Cold import+init, {args.runs} fresh interpreters per function, each divided by its "
        "neighbouring bare `import boto3` runs (target ratio <= 2.0x)"
    )
    print(f"{'function':<14} {'boto3 ms':>9} {'handler ms':>11} {'ratio':>7}  {'quartiles':>11}")
    for name, r in results.items():
        function = name.split(".", 1)[1]
        print(
            f"{function:<14} {r['boto3_ms']:>9.1f} {r['handler_ms']:>11.1f} {r['ratio']:>6.2f}x"
            f"  {r['ratio_q1']:.2f}-{r['ratio_q3']:.2f}"
        )
        if args.imports:
            for ms, module in import_profile(function, layer):
                print(f"{'':<16}{ms:>7.1f} ms  {module}")
    print()
    if turns is None:
        return 0
    print(
        f"Dialog turns on the local stack, LLM stubbed at {turns['llm_delay_ms']} ms "
        f"({turns['turns']} turns, {turns['fallbacks']} fallbacks)"
    )
    print(
        f"  backend_ms - llm_ms   p50 {turns['overhead_p50_ms']:.0f} ms   "
        f"p95 {turns['overhead_p95_ms']:.0f} ms   (target p95 <= 15 ms)"
    )
    print(
        f"    of that, the claim write (moto over loopback)   p50 {turns['claim_p50_ms']:.1f} ms"
        f"   p95 {turns['claim_p95_ms']:.1f} ms   (moto's ALL_NEW answer is slow; not AWS's figure)"
    )
    print(
        f"    of that, the handler's own code   p50 {turns['handler_own_p50_ms']:.1f} ms"
        f"   p95 {turns['handler_own_p95_ms']:.1f} ms"
    )
    print(
        f"  HTTP round trip - llm_ms   p50 {turns['http_p50_ms']:.1f} ms   "
        f"p95 {turns['http_p95_ms']:.1f} ms   (adds the commit write and the local API adapter)"
    )
    print(
        f"  of that, outside DynamoDB (moto over loopback)   p50 {turns['own_code_p50_ms']:.1f} ms"
        f"   p95 {turns['own_code_p95_ms']:.1f} ms"
    )
    calls = ", ".join(f"{k} {v:.2f}" for k, v in turns["warm_turn_calls"].items())
    print(
        f"  AWS calls per warm turn {turns['aws_calls_per_warm_turn']:.2f} (target 2), "
        f"SSM/Secrets {turns['ssm_secrets_calls_per_warm_turn']:.2f} (target 0): {calls}"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
