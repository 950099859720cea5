"""How well a phrase list suggests hard-complaint criteria, measured on labelled sentences
(``data/hard_complaint_sentences.tsv``): precision and recall per criterion and overall.

    aduan hard_complaint_eval            # the shipped list, dev and test splits
    aduan hard_complaint_eval --database # the list as administrators edited it
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from aduan.care.matching import Matcher
from aduan.care.models import TICKED_CRITERIA

SENTENCES = Path(__file__).resolve().parent / "data" / "hard_complaint_sentences.tsv"


@dataclass(frozen=True)
class Labelled:
    split: str
    labels: frozenset[str]
    language: str
    text: str


def load(path: Path = SENTENCES) -> list[Labelled]:
    rows = []
    lines = [line for line in path.read_text(encoding="utf-8").splitlines() if line]
    for line in lines:
        if line.startswith("#") or line.startswith("split\t"):
            continue
        split, labels, language, text = line.split("\t")
        wanted = frozenset() if labels == "-" else frozenset(labels.split(","))
        unknown = wanted - set(TICKED_CRITERIA)
        if unknown:
            raise ValueError(f"unknown criteria {sorted(unknown)} in: {text}")
        rows.append(Labelled(split, wanted, language, text))
    return rows


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass
class Scores:
    sentences: int = 0
    per_criterion: dict[str, Counts] = field(
        default_factory=lambda: {c: Counts() for c in TICKED_CRITERIA}
    )
    overall: Counts = field(default_factory=Counts)
    # "Is this a hard complaint at all?": any criterion suggested vs any labelled.
    any_criterion: Counts = field(default_factory=Counts)
    mistakes: list[tuple[Labelled, frozenset[str]]] = field(default_factory=list)


def evaluate(matcher: Matcher, rows: Iterable[Labelled]) -> Scores:
    scores = Scores()
    for row in rows:
        scores.sentences += 1
        found = frozenset(matcher.find(row.text))
        for criterion in TICKED_CRITERIA:
            counts = scores.per_criterion[criterion]
            if criterion in found and criterion in row.labels:
                counts.tp += 1
                scores.overall.tp += 1
            elif criterion in found:
                counts.fp += 1
                scores.overall.fp += 1
            elif criterion in row.labels:
                counts.fn += 1
                scores.overall.fn += 1
        if found and row.labels:
            scores.any_criterion.tp += 1
        elif found:
            scores.any_criterion.fp += 1
        elif row.labels:
            scores.any_criterion.fn += 1
        if found != row.labels:
            scores.mistakes.append((row, found))
    return scores


def shipped_matcher() -> Matcher:
    from aduan.care.data.phrases import PHRASES

    return Matcher((criterion, phrase) for criterion, _language, phrase in PHRASES)


def table(scores: Scores) -> list[str]:
    lines = [f"{'criterion':<18} {'TP':>3} {'FP':>3} {'FN':>3} {'precision':>9} {'recall':>6}"]
    for name, counts in [
        *scores.per_criterion.items(),
        ("all (micro)", scores.overall),
        ("any criterion", scores.any_criterion),
    ]:
        lines.append(
            f"{name:<18} {counts.tp:>3} {counts.fp:>3} {counts.fn:>3} "
            f"{counts.precision:>9.2f} {counts.recall:>6.2f}"
        )
    return lines
