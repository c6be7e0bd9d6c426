"""Helpers for the verdict tests: personas as scripts, bundled scorecards, dialogues as facts."""

from __future__ import annotations

from typing import Any

from vclient.dialog.persona import load_bundled, load_persona
from vclient.verdict.facts import CallFacts, ClientScript, TranscriptLine
from vclient.verdict.scorecard import Scorecard


def bundled_script(persona_id: str) -> ClientScript:
    return ClientScript.from_persona(load_bundled(persona_id))


def script_from_yaml(text: str) -> ClientScript:
    return ClientScript.from_persona(load_persona(text))


def bundled_scorecard(persona_id: str) -> Scorecard:
    """The bundled persona's own ``scorecard:`` (each bundled persona has one)."""
    card = load_bundled(persona_id).scorecard
    assert card is not None, f"bundled persona {persona_id} has no scorecard"
    return card


def dialogue(opening: str | None, pairs: list[tuple[str, str | None]], **facts: Any) -> CallFacts:
    """A call: the client's opening (turn 0), then (operator line, client reply) per turn."""
    lines = []
    if opening:
        lines.append(TranscriptLine(turn=0, who="client", text=opening))
    for turn, (operator, client) in enumerate(pairs, start=1):
        lines.append(TranscriptLine(turn=turn, who="operator", text=operator))
        if client:
            lines.append(TranscriptLine(turn=turn, who="client", text=client))
    return CallFacts.model_validate({"engine": "dialog", "lines": lines, **facts})


FOUR_TOPICS = """\
id: refund_client
name: Ольга Иванова
language: ru-RU
description: Клиентка интернет-магазина, вернула куртку.
goal: Узнать про возврат денег за куртку.
opening: Здравствуйте, я вернула куртку, хочу узнать про деньги.
fillers: [Понятно.]
reprompts: ["Алло?"]
phases:
  - id: main
    goal: Всё узнать про возврат.
topics:
  - id: refund
    ask: Вы вернёте мне деньги за куртку?
    expect: Подтверждено, что деньги вернут.
    answer_keywords: [вернём, возврат*]
  - id: refund_time
    ask: Когда придут деньги?
    expect: Назван срок поступления денег (дни).
    answer_keywords: [рабочих дней, в течение недели]
  - id: refund_method
    ask: Деньги вернутся на ту же карту, с которой я платила?
    expect: Сказано, куда придут деньги (карта, счёт).
    answer_keywords: [на карту, на счет]
  - id: documents
    ask: Мне нужно писать заявление?
    expect: Сказано, нужно ли заявление или другие бумаги.
    answer_keywords: [заявлени*, бланк*]
ending:
  success_line: Спасибо, всё понятно. До свидания!
  goodbye_line: До свидания.
  close_line: Мне пора, до свидания.
  hangup_line: Всё, до свидания.
  max_turns: 12
  max_duration_s: 300
"""
