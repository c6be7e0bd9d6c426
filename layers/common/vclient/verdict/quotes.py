"""Evidence quotes: a piece of one transcript turn, verified against that turn's text.

A quote is kept only when, after normalising both sides (case, ``ё``/``е``, punctuation and
whitespace), it is a run of whole words of a line with the quoted turn number (and speaker, when
the quote names one). Anything else is rejected: a quote is evidence, never a paraphrase.
"""

from __future__ import annotations

import re

from pydantic import BaseModel, ConfigDict, Field

from vclient.verdict.facts import Speaker, TranscriptLine

_NON_WORD = re.compile(r"[^\w]+|_")
MAX_QUOTE_CHARS = 500


class Quote(BaseModel):
    model_config = ConfigDict(defer_build=True, extra="forbid", frozen=True)

    turn: int = Field(ge=0, le=10_000)
    who: Speaker | None = None
    text: str = Field(min_length=1, max_length=MAX_QUOTE_CHARS)


class QuoteError(ValueError):
    """A quote that is not in the transcript; ``quote`` is the offender."""

    def __init__(self, quote: Quote, message: str) -> None:
        super().__init__(message)
        self.quote = quote


def normalize(text: str) -> str:
    """Lower case, ``ё`` as ``е``, every run of punctuation and spaces as one space."""
    return " ".join(_NON_WORD.sub(" ", text.lower().replace("ё", "е")).split())


def find_line(quote: Quote, lines: list[TranscriptLine]) -> TranscriptLine | None:
    """The line of the quote's turn (and speaker) that contains it, else ``None``."""
    needle = normalize(quote.text)
    if not needle:
        return None
    for line in lines:
        if line.turn != quote.turn or (quote.who is not None and line.who != quote.who):
            continue
        if f" {needle} " in f" {normalize(line.text)} ":
            return line
    return None


def verify(quote: Quote, lines: list[TranscriptLine]) -> Quote:
    """The quote with its speaker filled in; ``QuoteError`` when it is not in that turn."""
    line = find_line(quote, lines)
    if line is None:
        turn_lines = [ln for ln in lines if ln.turn == quote.turn]
        where = "no such turn" if not turn_lines else "not in that turn's text"
        raise QuoteError(quote, f"quote {quote.text!r} (turn {quote.turn}): {where}")
    return quote.model_copy(update={"who": line.who})


def verify_all(quotes: list[Quote], lines: list[TranscriptLine]) -> list[Quote]:
    return [verify(q, lines) for q in quotes]
