"""Evidence quotes are checked against the quoted turn's text."""

from __future__ import annotations

import pytest

from vclient.verdict.facts import TranscriptLine
from vclient.verdict.quotes import Quote, QuoteError, normalize, verify

LINES = [
    TranscriptLine(turn=0, who="client", text="Здравствуйте! Я видел у вас Kia Sportage."),
    TranscriptLine(turn=1, who="operator", text="Да, Prestige есть в наличии — две машины."),
    TranscriptLine(turn=1, who="client", text="Какая цена в этой комплектации?"),
    TranscriptLine(turn=2, who="operator", text="Цена — три миллиона четыреста пятьдесят тысяч."),
]


def test_case_punctuation_whitespace_and_yo_are_ignored():
    assert normalize("  Ещё —  ЁЛКА, да!") == "еще елка да"
    q = verify(Quote(turn=1, text="prestige   ЕСТЬ в наличии две машины"), LINES)
    assert q.who == "operator"


def test_the_speaker_is_filled_in_and_must_match_when_given():
    assert verify(Quote(turn=1, text="какая цена"), LINES).who == "client"
    with pytest.raises(QuoteError):
        verify(Quote(turn=1, who="operator", text="какая цена"), LINES)


@pytest.mark.parametrize(
    ("turn", "text", "why"),
    [
        (2, "Да, Prestige есть в наличии", "not in that turn's text"),  # right words, wrong turn
        (1, "Prestige в наличии", "not in that turn's text"),  # a paraphrase
        (2, "три миллиона четыреста пятьдесят тыс", "not in that turn's text"),  # half a word
        (7, "три миллиона", "no such turn"),
    ],
)
def test_a_quote_not_in_its_turn_is_rejected(turn, text, why):
    with pytest.raises(QuoteError, match=why):
        verify(Quote(turn=turn, text=text), LINES)
