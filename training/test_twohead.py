"""Label alignment of train_twohead.py: spans -> BIO -> spans round-trips; words as words.rs cuts them.

    python -m pytest training/test_twohead.py
"""
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import random  # noqa: E402

from train_twohead import (  # noqa: E402
    CONTENT, attribution_tags, char_roles, conll_words, packed_sentence_windows, sentence_ends, sentence_ranges, tag_spans,
)


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


def test_sentences_end_where_the_served_windows_end():
    text = 'Mr. Pell left. "We stay," she said!\nThen 40 people came. e.g. this. Dr. Ona Pell spoke'
    offsets = conll_words(text)
    ends = [text[offsets[i][0]:offsets[i][1]] + "|" + text[offsets[i + 1][0]:offsets[i + 1][1]] for i in sentence_ends(text, offsets)]
    # a break before a quote mark, at a line break and before a capital; none after a title's dot
    # ("Mr.", "Dr.") or before a lower-case word
    assert ends == ['.|"', "!|Then", ".|Dr"]


def test_packed_windows_hold_whole_sentences_and_carry_the_teachers_slice():
    text = " ".join(f"Ona Pell met the mayor of Brackwater on day {i}." for i in range(60))
    offsets = conll_words(text)
    a = {"text": text, "offsets": offsets, "ids": list(range(len(offsets))), "casing": [1] * len(offsets),
         "labels": [0] * len(offsets), "teacher": [(i,) for i in range(len(offsets))]}
    starts = {s for s, _ in sentence_ranges(a)} | {len(offsets)}
    for seed in range(5):
        windows = packed_sentence_windows(a, random.Random(seed))
        assert [t for w in windows for t in w[0]] == a["ids"], "every token once, in order"
        for ids, _, _, _, teacher in windows:
            assert len(ids) <= CONTENT
            assert ids[0] in starts and ids[-1] + 1 in starts, "cut between sentences only"
            assert [t[0] for t in teacher] == ids, "the teacher's targets are the window's own tokens"


def test_weights_read_back_from_a_quantized_export_match_the_model(tmp_path):
    import json
    import torch
    from onnx_weights import state_from_onnx
    from train_ner import export_onnx, quantize
    from train_twohead import OUTPUTS, TwoHead

    cfg = {"hidden_size": 32, "num_attention_heads": 4, "intermediate_size": 64, "num_hidden_layers": 2,
           "vocab_size": 100, "max_position_embeddings": 64}
    torch.manual_seed(0)
    model = TwoHead(cfg)
    export_onnx(model, tmp_path / "fp32.onnx", OUTPUTS)
    quantize(tmp_path / "fp32.onnx", tmp_path / "int8.onnx")
    for path, tolerance in ((tmp_path / "fp32.onnx", 1e-6), (tmp_path / "int8.onnx", 0.05)):
        back = state_from_onnx(path, TwoHead(cfg).state_dict())
        for name, value in model.state_dict().items():
            scale = value.abs().max().item() or 1.0
            assert (back[name] - value).abs().max().item() <= tolerance * scale, (path.name, name)
