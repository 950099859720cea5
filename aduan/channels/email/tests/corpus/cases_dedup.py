"""Issue 8 corpus cases: dedup (see the module's cases for what each mail tests)."""

from __future__ import annotations

from aduan.channels.email.tests.corpus.kit import add, head, text_plain


def write() -> None:
    """Add this category's cases to the corpus (called by make_corpus.main)."""
    _ = (add, head, text_plain)
