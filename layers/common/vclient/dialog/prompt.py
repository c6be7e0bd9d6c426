"""Prompt building for the LLM responder.

The system message holds everything static (persona, rules, output format) and is byte-identical on
every turn of a call, so OpenAI prompt caching can reuse it. Everything that changes per turn
(phase, topics, mood, turn, recent exchanges, the operator's words) goes last, in one user message.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from vclient.dialog.persona import Persona

if TYPE_CHECKING:
    from vclient.dialog.conversation import DialogState, TurnPlan

LANGUAGE_NAMES = {
    "ru": "Russian",
    "en": "English",
    "uk": "Ukrainian",
    "kk": "Kazakh",
    "de": "German",
    "fr": "French",
    "es": "Spanish",
}

REPLY_GUIDE_CHARS = 250
"""What the prompt asks for; the engine still cuts replies at its own cap."""


def language_name(persona: Persona) -> str:
    name = LANGUAGE_NAMES.get(persona.lang)
    return f"{name} ({persona.language})" if name else persona.language


def system_prompt(persona: Persona) -> str:
    """The static instructions for one persona. Deterministic: same persona, same bytes."""
    p = persona
    lang = language_name(p)
    out: list[str] = [
        "You play a CUSTOMER in a phone call with a human operator of a company. The operator is "
        "a real person; you are the customer, never the company's employee. Stay in character for "
        "the whole call, never say or hint that you are an AI, a bot or a test.",
        "",
        "# Who you are",
        f"Name: {p.name}",
        f"About you and your manner: {p.description}",
        f"Your goal in this call: {p.goal}",
        f"You opened the call with: «{p.opening}»",
        "",
        "# Phases of the call, in order",
    ]
    for i, phase in enumerate(p.phases, 1):
        limit = f" (at most {phase.max_turns} turns)" if phase.max_turns else ""
        out.append(f"{i}. {phase.id}: {phase.goal}{limit}")
    out += ["", "# Topics you must get answered (id: question → what counts as an answer)"]
    for topic in p.topics:
        line = f"- {topic.id} [phase {p.phase_of(topic)}]: «{topic.ask}» → {topic.expect}"
        if topic.follow_up:
            line += f" If the answer is vague, follow up once: «{topic.follow_up}»"
        out.append(line)
    out += ["", "# Reactions (ref: when the operator does this → how you react)"]
    if not p.reactions:
        out.append("- none")
    for i, reaction in enumerate(p.reactions):
        effects = []
        if reaction.say:
            effects.append(f"say something like «{reaction.say}»")
        if reaction.mood:
            effects.append(f"your mood becomes {reaction.mood}")
        if reaction.hang_up:
            effects.append("you hang up")
        once = " (once per call)" if reaction.once else ""
        out.append(f"- {p.reaction_ref(i)}: {reaction.trigger} → {'; '.join(effects)}{once}")
    e = p.ending
    out += [
        "",
        "# How the call ends (the system says the closing line for you)",
        "- All topics answered: the call ends with success.",
        "- The operator says goodbye: set operator_intent to goodbye.",
        f"- At most {e.max_turns} operator turns and {e.max_duration_s} seconds.",
        f"- Rudeness: after {e.angry_limit} angry turns you hang up.",
    ]
    if e.hang_up_if:
        out.append("- Set hang_up to true only if one of these is clearly true:")
        out += [f"  - {cond}" for cond in e.hang_up_if]
    else:
        out.append("- Never set hang_up to true.")
    out += [
        "",
        "# Rules for every reply",
        f"- Speak {lang} only, as a real person on the phone: one or two short sentences, "
        f"under {REPLY_GUIDE_CHARS} characters, no lists, no markdown, no emoji.",
        "- React to what the operator just said, then ask about ONE topic: the current topic if it "
        "is still unanswered (use its follow-up once if the answer was vague), otherwise the next "
        "topic given in the turn data.",
        "- Never invent facts about the company; you only know what the operator told you.",
        "- If the operator asks you something, answer briefly from your description, then go on.",
        "",
        "# Output (JSON matching the schema)",
        "- reply: what you say now.",
        "- answered_topics: ids from the topic list that the operator's LAST utterance answered "
        "(what counts as an answer is given after →). Empty if none.",
        "- asked_topic: the id of the topic your reply asks about, or null.",
        "- operator_intent: none | goodbye | rude | off_topic | question | refusal.",
        "- triggered_reactions: refs of reactions the last utterance triggers. Empty if none.",
        "- mood: your mood now (calm, interested, doubtful, irritated, angry).",
        "- hang_up: see the ending rules.",
    ]
    return "\n".join(out)


def turn_message(persona: Persona, state: DialogState, operator_text: str, plan: TurnPlan) -> str:
    """The per-turn user message: state first, the operator's words last."""
    p = persona
    current = plan.current_topic
    nxt = plan.next_topic(plan.answered | ({current.id} if current else set()))
    data = {
        "phase": f"{plan.phase.id}: {plan.phase.goal}",
        "turn": f"{plan.turn} of {p.ending.max_turns}",
        "mood": state.mood,
        "answered_topics": sorted(plan.answered),
        "pending_topics": [t.id for t in plan.answerable],
        "current_topic": current.id if current else None,
        "follow_up_available": plan.follow_up,
        "next_topic": nxt.id if nxt else None,
        "reactions_available": [p.reaction_ref(i) for i in plan.available_reactions],
    }
    recent = [{"operator": x.operator or "(silence)", "you": x.client} for x in state.history]
    return (
        "Call state:\n"
        + json.dumps(data, ensure_ascii=False, indent=1)
        + "\nRecent exchanges (oldest first):\n"
        + json.dumps(recent, ensure_ascii=False, indent=1)
        + "\nThe operator just said:\n"
        + operator_text
    )


def build_messages(
    persona: Persona, state: DialogState, operator_text: str, plan: TurnPlan
) -> list[dict[str, str]]:
    """``[system (static), user (per turn)]`` for ``chat.completions.parse``."""
    return [
        {"role": "system", "content": system_prompt(persona)},
        {"role": "user", "content": turn_message(persona, state, operator_text, plan)},
    ]
