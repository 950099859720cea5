"""The phrase matcher, and how well the shipped phrase list does on the labelled sentences
(the figures in docs/hard-complaints.md; this test keeps them from getting worse)."""

from __future__ import annotations

from aduan.care import evaluation
from aduan.care.matching import Matcher, normalise


def test_words_ignore_case_accents_and_punctuation():
    assert normalise("Saya TIDAK mau... bicara—dengan “atasan”!") == [
        "saya", "tidak", "mau", "bicara", "dengan", "atasan"
    ]  # fmt: skip
    assert normalise("I don't CARE, café") == ["i", "dont", "care", "cafe"]


def test_phrases_match_whole_words_in_order():
    matcher = Matcher([("rude", "tai"), ("refuses_agent", "minta atasan")])
    assert matcher.find("Santai saja") == {}
    assert matcher.find("Dasar tai!") == {"rude": ["tai"]}
    assert matcher.find("atasan minta") == {}
    assert matcher.find("Saya MINTA   atasan.") == {"refuses_agent": ["minta atasan"]}


def test_a_star_matches_any_ending():
    matcher = Matcher([("threatens_press", "viral*")])
    assert matcher.find("akan saya viralkan") == {"threatens_press": ["viral*"]}
    assert matcher.find("sedang viral") == {"threatens_press": ["viral*"]}
    assert matcher.find("diviralkan") == {}


def test_a_negation_just_before_a_phrase_cancels_it():
    matcher = Matcher([
        ("threatens_cancel", "berhenti berlangganan"),
        ("wont_hang_up", "tidak akan menutup"),
        ("threatens_cancel", "cancel my"),
    ])  # fmt: skip
    assert matcher.find("Saya tidak mau berhenti berlangganan.") == {}
    assert matcher.find("Kalau tidak beres saya berhenti berlangganan.") == {
        "threatens_cancel": ["berhenti berlangganan"]
    }
    # A phrase that starts with a negation is matched as written.
    assert matcher.find("Saya tidak akan menutup telepon.") == {
        "wont_hang_up": ["tidak akan menutup"]
    }
    assert matcher.find("Please don't cancel my appointment") == {}


def test_the_labelled_set_has_enough_sentences_of_each_kind():
    rows = evaluation.load()
    assert len(rows) >= 100
    for criterion in (
        "threatens_cancel",
        "threatens_press",
        "rude",
        "refuses_agent",
        "wont_hang_up",
    ):
        assert sum(criterion in row.labels for row in rows) >= 10
    assert sum(not row.labels for row in rows) >= 50
    assert {row.language for row in rows} == {"id", "en"}


def test_the_shipped_list_on_the_held_out_sentences():
    rows = [row for row in evaluation.load() if row.split == "test"]
    scores = evaluation.evaluate(evaluation.shipped_matcher(), rows)
    assert scores.overall.precision >= 0.95
    assert scores.overall.recall >= 0.95


def test_the_shipped_list_on_all_sentences_including_the_paraphrases():
    scores = evaluation.evaluate(evaluation.shipped_matcher(), evaluation.load())
    assert scores.overall.precision >= 0.9
    assert scores.overall.recall >= 0.75
