"""Label alignment of train_twohead.py: spans -> BIO -> spans round-trips; words as words.rs cuts them.

    python -m pytest training/test_twohead.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from train_twohead import attribution_tags, char_roles, conll_words, tag_spans  # noqa: E402


def word_offsets(text):
    """One token per CoNLL-style word (a stand-in for wordpieces: same alignment rules)."""
    return conll_words(text)


def roundtrip(text, attributions):
    offsets = word_offsets(text)
    tags = attribution_tags(offsets, char_roles(len(text), attributions))
    return [(text[s:e], role) for s, e, role in tag_spans(offsets, tags)]


def find(text, part):
    start = text.index(part)
    return (start, start + len(part))


def test_indirect_quote_round_trips():
    text = "The mayor of Brackwater said the bridge would reopen in May."
    a = {"Source": [find(text, "The mayor of Brackwater")], "Cue": [find(text, "said")],
         "Content": [find(text, "the bridge would reopen in May")]}
    assert roundtrip(text, [a]) == [("The mayor of Brackwater", "SOURCE"), ("said", "CUE"),
                                    ("the bridge would reopen in May", "CONTENT")]


def test_interrupted_direct_quote_keeps_both_pieces_and_the_cue_between():
    text = '"We will rebuild," Ona Pell said, "and sooner than you think."'
    a = {"Source": [find(text, "Ona Pell")], "Cue": [find(text, "said")],
         "Content": [find(text, "We will rebuild,"), find(text, "and sooner than you think.")]}
    got = roundtrip(text, [a])
    assert got == [("We will rebuild,", "CONTENT"), ("Ona Pell", "SOURCE"), ("said", "CUE"),
                   ("and sooner than you think.", "CONTENT")]


def test_adjacent_spans_of_one_role_stay_apart():
    text = "Critics doubt it; voters doubt it too."
    a = {"Source": [find(text, "Critics")], "Cue": [find(text, "doubt")], "Content": [find(text, "it;")]}
    b = {"Source": [find(text, "voters")], "Cue": [(text.index("doubt it too") , text.index("doubt it too") + 5)],
         "Content": [find(text, "it too")]}
    got = roundtrip(text, [a, b])
    assert ("it;", "CONTENT") in got and ("it too", "CONTENT") in got
    assert [r for _, r in got] == ["SOURCE", "CUE", "CONTENT", "SOURCE", "CUE", "CONTENT"]


def test_an_attribution_nested_in_a_quote_stays_part_of_it():
    text = "Pell said the council told her the money was gone."
    outer = {"Source": [find(text, "Pell")], "Cue": [find(text, "said")],
             "Content": [find(text, "the council told her the money was gone")]}
    inner = {"Source": [find(text, "the council")], "Cue": [find(text, "told")],
             "Content": [find(text, "the money was gone")]}
    assert roundtrip(text, [outer, inner]) == [("Pell", "SOURCE"), ("said", "CUE"),
                                               ("the council told her the money was gone", "CONTENT")]


def test_words_are_cut_as_the_rust_side_cuts_them():
    text = "in Central Asia, Ukraine. «Today (Reuters) NUR-SULTAN. the U.S. and J. Smith Russia's view, isn't it?"
    assert [text[s:e] for s, e in conll_words(text)] == [
        "in", "Central", "Asia", ",", "Ukraine", ".", "«", "Today", "(", "Reuters", ")", "NUR-SULTAN", ".",
        "the", "U.S.", "and", "J.", "Smith", "Russia", "'s", "view", ",", "is", "n't", "it", "?"]
