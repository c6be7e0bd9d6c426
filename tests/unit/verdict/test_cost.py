"""Cost per call: token and minute prices, and unknown prices shown as unknown, never 0."""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from vclient.verdict.cost import DEFAULT_PRICING, PricingError, call_cost, load_pricing
from vclient.verdict.facts import CallFacts, RealtimeUsage, TextUsage

RESPONSE_DONE_USAGE = {  # the shape of response.done's response.usage
    "total_tokens": 10300,
    "input_tokens": 6000,
    "output_tokens": 4300,
    "input_token_details": {
        "text_tokens": 1000,
        "audio_tokens": 5000,
        "cached_tokens": 1200,
        "cached_tokens_details": {"text_tokens": 200, "audio_tokens": 1000},
    },
    "output_token_details": {"text_tokens": 300, "audio_tokens": 4000},
}


def _realtime(model="gpt-realtime-2.1-mini", **facts):
    return CallFacts.model_validate(
        {
            "engine": "realtime_pure",
            "duration_ms": 61_000,
            "usage": {
                "realtime": [RealtimeUsage.from_response_done(model, RESPONSE_DONE_USAGE)],
                "transcription": [{"model": "gpt-realtime-whisper", "minutes": 2.0}],
            },
            **facts,
        }
    )


def test_realtime_tokens_are_priced_per_kind_and_voximplant_is_unknown_by_default():
    cost = call_cost(_realtime())
    parts = {p.id: p for p in cost.parts}
    # 800·0.6 + 200·0.06 + 4000·10 + 1000·0.3 + 300·2.4 + 4000·20, per 1M tokens
    assert parts["realtime:gpt-realtime-2.1-mini"].usd == pytest.approx(0.121512)
    assert parts["transcription:gpt-realtime-whisper"].usd == pytest.approx(0.034)
    assert parts["pstn"].usd == "unknown"  # no Voximplant price in the defaults
    assert cost.total_usd == "unknown"
    assert cost.unknown == ["pstn"]
    assert cost.known_usd == pytest.approx(0.155512)
    assert cost.pricing_as_of == DEFAULT_PRICING.as_of


def test_a_complete_pricing_table_gives_a_total_with_minutes_billed_in_steps():
    pricing = load_pricing(json.dumps({"voximplant": {"pstn_per_min": 0.01}}))
    cost = call_cost(_realtime(), pricing)
    parts = {p.id: p for p in cost.parts}
    assert parts["pstn"].quantity == 2  # 61 s billed per started minute
    assert parts["pstn"].usd == pytest.approx(0.02)
    assert cost.total_usd == pytest.approx(0.175512)
    assert cost.unknown == []
    # the defaults under the override are kept
    assert pricing.models["gpt-realtime"].audio_out == 64.0


def test_an_unpriced_model_and_missing_usage_are_unknown_not_zero():
    cost = call_cost(_realtime(model="gpt-realtime-2.1"))
    part = next(p for p in cost.parts if p.id == "realtime:gpt-realtime-2.1")
    assert part.usd == "unknown" and part.unit_price_usd == "unknown"
    assert "not in the pricing table" in (part.note or "")
    silent = CallFacts(engine="realtime", duration_ms=30_000)
    parts = {p.id: p for p in call_cost(silent).parts}
    assert parts["realtime"].usd == "unknown"
    assert parts["realtime"].note == "no Realtime usage reported"
    assert parts["transcription"].usd == "unknown"


def test_the_dialog_engine_pays_asr_tts_and_its_text_model():
    facts = CallFacts.model_validate(
        {
            "engine": "dialog",
            "duration_ms": 90_000,
            "lines": [{"turn": 0, "who": "client", "text": "Здравствуйте!"}],
            "usage": {
                "text": [
                    TextUsage.from_chat_completion(
                        "gpt-4.1-mini",
                        {
                            "prompt_tokens": 2000,
                            "completion_tokens": 100,
                            "prompt_tokens_details": {"cached_tokens": 1024},
                        },
                    ),
                    {"model": "gpt-5.4-mini", "input_tokens": 10, "output_tokens": 5},
                ]
            },
        }
    )
    pricing = load_pricing(
        json.dumps(
            {"voximplant": {"pstn_per_min": 0.02, "asr_per_min": 0.01, "tts_per_1k_chars": 0.05}}
        )
    )
    parts = {p.id: p for p in call_cost(facts, pricing).parts}
    assert parts["asr"].usd == pytest.approx(0.02)  # 2 billed minutes
    assert parts["tts"].quantity == len("Здравствуйте!")
    assert parts["tts"].note == "counted from the transcript"
    # 976·0.4 + 1024·0.1 + 100·1.6 per 1M
    assert parts["text:gpt-4.1-mini"].usd == pytest.approx(0.0006528)
    assert parts["text:gpt-5.4-mini"].usd == "unknown"


def test_zero_tokens_of_an_unpriced_kind_cost_nothing():
    facts = CallFacts.model_validate(
        {
            "engine": "dialog",
            "duration_ms": 0,
            "usage": {"text": [{"model": "gpt-4.1-mini", "input_tokens": 0, "output_tokens": 0}]},
        }
    )
    parts = {p.id: p for p in call_cost(facts).parts}
    assert parts["text:gpt-4.1-mini"].usd == 0
    assert parts["pstn"].usd == 0  # a call that never connected has no minutes


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("{oops", "not JSON"),
        ("[1]", "JSON object"),
        (json.dumps({"voximplant": {"pstn_per_min": -1}}), "pricing.voximplant.pstn_per_min"),
        (json.dumps({"as_of": "yesterday"}), "pricing.as_of"),
    ],
)
def test_a_bad_pricing_parameter_is_a_clear_error(text, message):
    with pytest.raises(PricingError, match=message):
        load_pricing(text)


def test_usage_cannot_cache_more_than_it_read():
    with pytest.raises(ValidationError, match="cached_text_tokens"):
        RealtimeUsage(model="m", input_text_tokens=1, cached_text_tokens=2)
    with pytest.raises(ValidationError, match="cached_tokens"):
        TextUsage(model="m", input_tokens=1, cached_tokens=2)
