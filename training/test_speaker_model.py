"""Tests of the pronoun referent scorer's trainer (our own toy data; no corpus needed)."""
import numpy as np

from train_speaker_model import accuracy, fit, names_referent


def test_a_name_names_its_referent_by_key_name_or_a_run_of_its_words():
    label = {"key_name": "Brenner", "referent": "Paul Brenner"}
    assert names_referent("Paul Brenner", label)
    assert names_referent("Brenner", label)
    assert names_referent("Mr. Brenner's", label)
    assert not names_referent("Paul", label)
    assert not names_referent("Omar Haddad", label)
    assert not names_referent(None, label)


def test_fit_learns_the_feature_that_marks_the_referent_and_beats_the_rules():
    rng = np.random.default_rng(0)
    data = []
    for i in range(200):
        n = 4
        x = rng.normal(size=(n, 2))
        right = int(rng.integers(n))
        x[right, 1] += 3.0  # feature 1 marks the referent; feature 0 is noise
        y = np.zeros(n, dtype=bool)
        y[right] = True
        cascade = (right + 1) % n if i % 3 == 0 else right  # the rules are wrong a third of the time
        data.append((f"a{i}", x, y, cascade))
    w = fit(data, 2, l2=0.01, steps=300)
    assert w[1] > abs(w[0])
    assert accuracy(data, w) > accuracy(data) > 0.6
