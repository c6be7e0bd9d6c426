"""Cost per call from what the platforms reported, priced from a pricing table.

Parts: ``pstn`` (Voximplant call minutes, billed in ``billing_increment_s`` steps), and per
engine ``asr`` and ``tts`` (the dialog engine's Voximplant speech recognition and synthesis),
``realtime:<model>`` (Realtime ``response.done`` usage), ``text:<model>`` (text-model usage per
turn), ``transcription:<model>`` (the realtime engines' input transcription). Token prices are per
1M tokens; cached tokens are part of the input counts and priced at the cached rate.

A price that the table does not know, or usage an engine should have reported but did not, makes
that part's ``usd`` the string ``"unknown"`` and ``total_usd`` ``"unknown"`` — never 0;
``known_usd`` still sums what is known. The table is the SSM ``pricing`` parameter (JSON) laid
over ``DEFAULT_PRICING`` with ``load_pricing``.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from vclient.verdict.facts import CallFacts
from vclient.verdict.result import Cost, CostPart, Unknown

UsdPrice = Annotated[float, Field(ge=0, le=10_000)]
UNKNOWN: Unknown = "unknown"


class _P(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)


class TokenPrices(_P):
    """USD per 1M tokens; ``None`` is unknown."""

    text_in: UsdPrice | None = None
    text_cached: UsdPrice | None = None
    text_out: UsdPrice | None = None
    audio_in: UsdPrice | None = None
    audio_cached: UsdPrice | None = None
    audio_out: UsdPrice | None = None
    source: str | None = Field(default=None, max_length=300)


class VoximplantPrices(_P):
    """USD; ``None`` is unknown. TTS per 1000 characters (the unit is our assumption)."""

    pstn_per_min: UsdPrice | None = None
    asr_per_min: UsdPrice | None = None
    tts_per_1k_chars: UsdPrice | None = None
    billing_increment_s: int = Field(default=60, ge=1, le=60)
    source: str | None = Field(default=None, max_length=300)


class Pricing(_P):
    as_of: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    models: dict[str, TokenPrices] = Field(default_factory=dict)
    transcription_per_min: dict[str, UsdPrice | None] = Field(default_factory=dict)
    voximplant: VoximplantPrices = Field(default_factory=VoximplantPrices)


_SHARED = "shared docs openai.md (OpenAI list prices, 2026)"
_OPENAI_2025 = "OpenAI pricing page, 2025 (not in the shared docs; re-check)"
DEFAULT_PRICING = Pricing(
    as_of="2026-12-02",
    models={
        "gpt-realtime": TokenPrices(
            text_in=4.0,
            text_cached=0.4,
            text_out=16.0,
            audio_in=32.0,
            audio_cached=0.4,
            audio_out=64.0,
            source=f"audio: {_SHARED}; text: {_OPENAI_2025}",
        ),
        "gpt-realtime-2.1-mini": TokenPrices(
            text_in=0.6,
            text_cached=0.06,
            text_out=2.4,
            audio_in=10.0,
            audio_cached=0.3,
            audio_out=20.0,
            source=_SHARED,
        ),
        "gpt-realtime-mini": TokenPrices(
            text_in=0.6,
            text_cached=0.06,
            text_out=2.4,
            audio_in=10.0,
            audio_cached=0.3,
            audio_out=20.0,
            source=_OPENAI_2025,
        ),
        "gpt-4.1-mini": TokenPrices(
            text_in=0.4, text_cached=0.1, text_out=1.6, source=_OPENAI_2025
        ),
        "gpt-4o-mini": TokenPrices(
            text_in=0.15, text_cached=0.075, text_out=0.6, source=_OPENAI_2025
        ),
    },
    transcription_per_min={
        "gpt-realtime-whisper": 0.017,  # "about", shared docs openai.md
        "gpt-4o-transcribe": 0.006,
        "gpt-4o-mini-transcribe": 0.003,
        "whisper-1": 0.006,
    },
    voximplant=VoximplantPrices(
        source="no Voximplant price in the shared docs: set them in the SSM pricing parameter"
    ),
)


class PricingError(ValueError):
    """The pricing parameter is not valid JSON or not a valid table; the message says where."""


def _merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def load_pricing(text: str | None, defaults: Pricing = DEFAULT_PRICING) -> Pricing:
    """The SSM ``pricing`` JSON laid over the defaults (``None`` or empty: the defaults)."""
    if not text or not text.strip():
        return defaults
    try:
        over = json.loads(text)
    except json.JSONDecodeError as exc:
        raise PricingError(f"pricing is not JSON: {exc.msg} at line {exc.lineno}") from None
    if not isinstance(over, dict):
        raise PricingError("pricing must be a JSON object")
    try:
        return Pricing.model_validate(_merge(defaults.model_dump(), over))
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise PricingError(f"pricing.{where}: {first['msg']}") from None


def _price(quantity: float, unit_price: float | None, per: float) -> float | Unknown:
    if quantity == 0:
        return 0.0
    if unit_price is None:
        return UNKNOWN
    return round(quantity * unit_price / per, 8)


def _sum(values: list[float | Unknown]) -> float | Unknown:
    if any(v == UNKNOWN for v in values):
        return UNKNOWN
    return round(sum(v for v in values if not isinstance(v, str)), 8)


def _tokens_part(
    id: str, counts: dict[str, int], prices: TokenPrices | None, note: str | None = None
) -> CostPart:
    """One model's tokens; usd unknown when any non-zero count has no price."""
    values: list[float | Unknown] = []
    for name, count in counts.items():
        price = None if prices is None else getattr(prices, name)
        values.append(_price(count, price, 1_000_000))
    if prices is None:
        note = note or "model not in the pricing table"
    return CostPart(
        id=id,
        quantity=float(sum(counts.values())),
        unit="tokens",
        unit_price_usd=UNKNOWN if prices is None else 0.0 if not counts else _blend(counts, prices),
        usd=_sum(values),
        note=note,
    )


def _blend(counts: dict[str, int], prices: TokenPrices) -> float | Unknown:
    """The average price per 1M tokens of this part (for display)."""
    total = sum(counts.values())
    if total == 0:
        return 0.0
    spent = 0.0
    for name, count in counts.items():
        price = getattr(prices, name)
        if price is None and count:
            return UNKNOWN
        spent += count * (price or 0.0)
    return round(spent / total, 6)


def call_cost(facts: CallFacts, pricing: Pricing = DEFAULT_PRICING) -> Cost:
    parts: list[CostPart] = []
    vox = pricing.voximplant
    minutes: float | None = None
    if facts.duration_ms is not None:
        step = vox.billing_increment_s
        billed_s = math.ceil(facts.duration_ms / 1000 / step) * step if facts.duration_ms else 0
        minutes = billed_s / 60
    if minutes is None:
        parts.append(
            CostPart(
                id="pstn",
                quantity=0,
                unit="min",
                unit_price_usd=vox.pstn_per_min if vox.pstn_per_min is not None else UNKNOWN,
                usd=UNKNOWN,
                note="call duration unknown",
            )
        )
    else:
        parts.append(
            CostPart(
                id="pstn",
                quantity=minutes,
                unit="min",
                unit_price_usd=vox.pstn_per_min if vox.pstn_per_min is not None else UNKNOWN,
                usd=_price(minutes, vox.pstn_per_min, 1),
            )
        )
    if facts.engine == "dialog":
        asr_minutes = minutes or 0.0
        parts.append(
            CostPart(
                id="asr",
                quantity=asr_minutes,
                unit="min",
                unit_price_usd=vox.asr_per_min if vox.asr_per_min is not None else UNKNOWN,
                usd=UNKNOWN if minutes is None else _price(asr_minutes, vox.asr_per_min, 1),
            )
        )
        chars = facts.usage.tts_chars
        if chars is None:
            chars = sum(len(line.text) for line in facts.client_lines())
        parts.append(
            CostPart(
                id="tts",
                quantity=float(chars),
                unit="chars",
                unit_price_usd=vox.tts_per_1k_chars
                if vox.tts_per_1k_chars is not None
                else UNKNOWN,
                usd=_price(chars, vox.tts_per_1k_chars, 1000),
                note=None if facts.usage.tts_chars is not None else "counted from the transcript",
            )
        )
    else:
        realtime: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for u in facts.usage.realtime:
            c = realtime[u.model]
            c["text_in"] += u.input_text_tokens - u.cached_text_tokens
            c["text_cached"] += u.cached_text_tokens
            c["audio_in"] += u.input_audio_tokens - u.cached_audio_tokens
            c["audio_cached"] += u.cached_audio_tokens
            c["text_out"] += u.output_text_tokens
            c["audio_out"] += u.output_audio_tokens
        if not realtime:
            parts.append(
                CostPart(
                    id="realtime",
                    quantity=0,
                    unit="tokens",
                    unit_price_usd=UNKNOWN,
                    usd=UNKNOWN,
                    note="no Realtime usage reported",
                )
            )
        for model, counts in realtime.items():
            parts.append(_tokens_part(f"realtime:{model}", dict(counts), pricing.models.get(model)))
        if not facts.usage.transcription:
            parts.append(
                CostPart(
                    id="transcription",
                    quantity=0,
                    unit="min",
                    unit_price_usd=UNKNOWN,
                    usd=UNKNOWN,
                    note="no transcription usage reported",
                )
            )
        for t in facts.usage.transcription:
            price = pricing.transcription_per_min.get(t.model)
            parts.append(
                CostPart(
                    id=f"transcription:{t.model}",
                    quantity=t.minutes,
                    unit="min",
                    unit_price_usd=price if price is not None else UNKNOWN,
                    usd=_price(t.minutes, price, 1),
                )
            )
    text: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for tu in facts.usage.text:
        c = text[tu.model]
        c["text_in"] += tu.input_tokens - tu.cached_tokens
        c["text_cached"] += tu.cached_tokens
        c["text_out"] += tu.output_tokens
    for model, counts in text.items():
        parts.append(_tokens_part(f"text:{model}", dict(counts), pricing.models.get(model)))

    values = [p.usd for p in parts]
    return Cost(
        total_usd=_sum(values),
        known_usd=round(sum(v for v in values if not isinstance(v, str)), 8),
        unknown=[p.id for p in parts if p.usd == UNKNOWN],
        parts=parts,
        pricing_as_of=pricing.as_of,
    )
