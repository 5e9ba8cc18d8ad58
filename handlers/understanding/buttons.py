"""Match typed text to the buttons on screen, in the person's language, Dutch and English.

'رياضة' ticks '⚽ الرياضة', 'انا جديد' is '🙋 أنا جديد في فلاندرز', 'ኣይፋል' is '🚫 ኣይፋል',
'3' is the third button, 'yes'/'ja'/'نعم' is the yes button. One or two typos are forgiven in
longer words. When two buttons fit equally well, nothing is chosen: better to ask again.
"""

from __future__ import annotations

from dataclasses import dataclass

from handlers.understanding.text import close, digits, distance, fold, typos_allowed, words_of
from handlers.understanding.words import words_for

YES_ARGS = ("yes", "1")
NO_ARGS = ("no", "0")


@dataclass(frozen=True)
class Choice:
    """One button: what it sends, and its label in every language it is known by."""

    data: str
    labels: tuple[str, ...]


def _word_fit(typed: list[str], label: list[str]) -> int | None:
    """How many typos the typed words need to be words of the label, or None when a typed
    word is not in the label at all. Two buttons that fit as well are a tie, never a guess."""
    if not typed or not label or any(ch.isdigit() for word in typed for ch in word):
        return None  # numbers are the step's to read: '-2' is not the button '2 h'
    cost = 0
    for word in typed:
        best = min((distance(word, known) for known in label if close(word, known)), default=None)
        if best is None:
            return None
        cost += best
    return cost


def _best(scored: list[tuple[int, str]]) -> str | None:
    if not scored:
        return None
    scored.sort()
    if len(scored) > 1 and scored[0][0] == scored[1][0] and scored[0][1] != scored[1][1]:
        return None
    return scored[0][1]


def match_choice(
    text: str, choices: list[Choice], locale: str, *, positions: bool = True
) -> str | None:
    """The data of the button the text means, or None."""
    typed = fold(text)
    if not typed or not choices:
        return None
    plain = digits(text).strip()
    if positions and plain.isascii() and plain.isdigit() and 1 <= int(plain) <= len(choices):
        return choices[int(typed) - 1].data
    exact = {c.data for c in choices for label in c.labels if fold(label) == typed}
    if len(exact) == 1:
        return exact.pop()
    if exact:
        return None
    answer = _yes_no(typed, choices, locale)
    if answer is not None:
        return answer
    typed_words = words_of(text)
    scored = []
    for choice in choices:
        fits = [_word_fit(typed_words, words_of(label)) for label in choice.labels]
        known = [fit for fit in fits if fit is not None]
        if known:
            scored.append((min(known), choice.data))
    # One whole word mistyped: compare the text with each label as a whole.
    if not scored and " " not in typed and not any(ch.isdigit() for ch in typed):
        for choice in choices:
            for label in choice.labels:
                whole = fold(label).replace(" ", "")
                if whole and close(typed, whole):
                    scored.append((distance(typed, whole, typos_allowed(whole)), choice.data))
    return _best(scored)


def _yes_no(typed: str, choices: list[Choice], locale: str) -> str | None:
    """A yes or no word picks the yes or no button, where the step has both."""
    words = words_for(locale)
    yes = [c.data for c in choices if c.data.rsplit(":", 1)[-1] in YES_ARGS]
    no = [c.data for c in choices if c.data.rsplit(":", 1)[-1] in NO_ARGS]
    if len(yes) != 1 or len(no) != 1:
        return None
    if typed in words.yes:
        return yes[0]
    if typed in words.no:
        return no[0]
    return None
