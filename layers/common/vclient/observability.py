"""The one place that builds the Powertools logger, tracer and metrics singletons."""

from __future__ import annotations

from aws_lambda_powertools import Logger, Metrics, Tracer

logger = Logger()
# auto_patch would import and patch every library X-Ray knows (requests alone is ~40 ms of
# cold start); only botocore is patched, the Voximplant call gets its own subsegment.
tracer = Tracer(auto_patch=False, patch_modules=("botocore",))
metrics = Metrics()


def mask_number(number: str | None) -> str | None:
    """A phone number safe for logs: the country prefix and the last two digits only."""
    if not number:
        return number
    return number[:2] + "*" * max(len(number) - 4, 0) + number[-2:]
