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
from pathlib import Path

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


def _sample(code: str) -> float:
    env = {k: v for k, v in os.environ.items() if not k.startswith("POWERTOOLS_")}
    env.update(FUNCTION_ENV)
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True
    )
    return float(out.stdout.strip().splitlines()[-1])


def cold_start(function: str, runs: int) -> dict[str, float]:
    handler_code = _HANDLER.format(
        layer=str(ROOT / "layers" / "common"),
        path=str(ROOT / "functions" / function / "app.py"),
    )
    baseline, handler = [], []
    _sample(_BASELINE)  # warm the OS file cache once; not counted
    for _ in range(runs):
        baseline.append(_sample(_BASELINE))
        handler.append(_sample(handler_code))
    base, hand = statistics.median(baseline), statistics.median(handler)
    return {"boto3_ms": base * 1000, "handler_ms": hand * 1000, "ratio": hand / base}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    results = {}
    functions = sorted(p.name for p in (ROOT / "functions").iterdir() if (p / "app.py").exists())
    for function in functions:
        results[f"cold_start.{function}"] = cold_start(function, args.runs)
    if args.json:
        print(json.dumps(results, indent=2))
        return 0
    print(f"Cold import+init, median of {args.runs} fresh interpreters (target ratio <= 2.0x)")
    print(f"{'function':<14} {'boto3 ms':>9} {'handler ms':>11} {'ratio':>7}")
    for name, r in results.items():
        function = name.split(".", 1)[1]
        print(f"{function:<14} {r['boto3_ms']:>9.1f} {r['handler_ms']:>11.1f} {r['ratio']:>6.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
