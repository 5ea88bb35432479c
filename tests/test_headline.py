"""The headline sentences: built from results by key, each with its unit, sample, interval and (for a comparison) test."""

import re

import pandas as pd
import pytest

from helpers import headline, results
from helpers.params import load_params


@pytest.fixture(scope="module")
def sentences():
    ledger = pd.DataFrame({"verdict": ["accurate", "unverifiable", "accurate"]})
    return headline.key_numbers(results.load(), load_params(), ledger)


def test_every_estimate_sentence_carries_an_interval_and_a_sample(sentences):
    estimates = [s for s in sentences[:7] if "pledge's own measure" not in s]  # the pace sentence gives counts, not estimates
    assert len(estimates) == 6
    for s in estimates:
        assert "95% CI" in s, s
    for s in sentences[:7]:
        assert re.search(r"\bn = \d+|\bof \d+\b", s), s


def test_every_comparison_carries_its_test_and_says_when_it_cannot_be_told_from_zero(sentences):
    table, params = results.load(), load_params()
    adjusted = headline.adjusted_p(table, params)
    assert len(adjusted) == 5 and sentences[-1].startswith("*5 tests")
    for key, p in adjusted.items():
        words = headline.test_words(table, params, key)
        assert ("cannot be told" in words) == (p >= headline.ALPHA), words
        assert "Holm-adjusted" in words


def test_holm_never_lowers_a_p_value():
    table, params = results.load(), load_params()
    for key, adj in headline.adjusted_p(table, params).items():
        assert adj >= float(table.loc[key, "value"]) - 1e-12


def test_p_text():
    assert headline.p_text(0.00023) == "< 0.001" and headline.p_text(0.156) == "= 0.16" and headline.p_text(1.0) == "= 1"


def test_a_mean_never_comes_without_its_median(sentences):
    assert "median" in sentences[0]


def test_the_note_on_tests_stays_unnumbered():
    text = headline.as_markdown(["**a** 1", "**b** 2", "*2 tests are reported above.*"])
    assert text == "1. **a** 1\n2. **b** 2\n\n*2 tests are reported above.*"
