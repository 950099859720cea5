"""Suggesting hard-complaint criteria from what the customer wrote or said.

A transparent rule list, not a model: administrators keep a list of phrases per criterion
(``HardComplaintPhrase``), and a criterion is suggested when one of its phrases appears in
the text. The answer names the phrases that matched, so an agent sees why, and an
administrator sees which phrase to fix. How well the shipped list does is measured on a
labelled set of sentences (docs/hard-complaints.md).

Matching works on words: the text and the phrases are lower-cased, accents and punctuation
dropped, and a phrase matches where its words appear one after another. A phrase word ending
in ``*`` matches any word starting with it.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from aduan.core.cache import TtlCache

_WORD = re.compile(r"[a-z0-9]+\*?")


# A phrase found right after one of these (within ``NEGATION_WINDOW`` words) does not count:
# "saya tidak mau berhenti berlangganan" is not a threat to cancel. Phrases that begin with a
# negation themselves ("tidak akan menutup") are matched as written.
NEGATIONS = frozenset(
    {
        "tidak", "tak", "gak", "nggak", "enggak", "ga", "bukan", "jangan", "belum",
        "not", "never", "dont", "doesnt", "didnt", "wont", "cannot", "cant",
    }
)  # fmt: skip
NEGATION_WINDOW = 2


def _plain(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    # "don't" and "won't" become one word, as a phrase list would write them.
    return plain.replace("'", "").replace("\u2019", "")


def normalise(text: str) -> list[str]:
    """The words of ``text``: lower case, accents, apostrophes and punctuation dropped."""
    return [word.rstrip("*") for word in _WORD.findall(_plain(text))]


def phrase_words(phrase: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(_plain(phrase)))


@dataclass(frozen=True)
class Rule:
    criterion: str
    phrase: str
    words: tuple[str, ...]

    def matches_at(self, words: Sequence[str], start: int) -> bool:
        if start + len(self.words) > len(words):
            return False
        for offset, pattern in enumerate(self.words):
            word = words[start + offset]
            if pattern.endswith("*"):
                if not word.startswith(pattern[:-1]):
                    return False
            elif word != pattern:
                return False
        return True


class Matcher:
    """The phrase list, indexed by first word so a long text costs one look-up per word."""

    def __init__(self, phrases: Iterable[tuple[str, str]]) -> None:
        self.exact: dict[str, list[Rule]] = {}
        self.prefixed: list[tuple[str, Rule]] = []
        for criterion, phrase in phrases:
            words = phrase_words(phrase)
            if not words:
                continue
            rule = Rule(criterion, phrase, words)
            first = words[0]
            if first.endswith("*"):
                self.prefixed.append((first[:-1], rule))
            else:
                self.exact.setdefault(first, []).append(rule)

    def find(self, text: str) -> dict[str, list[str]]:
        """``{criterion: [phrases that matched, in the order they appear in the text]}``."""
        words = normalise(text)
        found: dict[str, list[str]] = {}
        for index, word in enumerate(words):
            candidates = list(self.exact.get(word, ()))
            candidates += [rule for prefix, rule in self.prefixed if word.startswith(prefix)]
            if not candidates:
                continue
            negated = any(w in NEGATIONS for w in words[max(0, index - NEGATION_WINDOW) : index])
            for rule in candidates:
                if negated and rule.words[0] not in NEGATIONS:
                    continue
                if rule.matches_at(words, index):
                    phrases = found.setdefault(rule.criterion, [])
                    if rule.phrase not in phrases:
                        phrases.append(rule.phrase)
        return found


_cache = TtlCache("care.phrases")


def clear_cache() -> None:
    _cache.clear()


def current_matcher() -> Matcher:
    """The active phrase list from the database, cached per process."""
    return _cache.get("matcher", _load)


def _load() -> Matcher:
    from aduan.care.models import HardComplaintPhrase

    return Matcher(
        HardComplaintPhrase.objects.filter(is_active=True)
        .order_by("criterion", "phrase")
        .values_list("criterion", "phrase")
    )
