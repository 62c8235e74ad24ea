"""The casing classes of training must equal src/nlp/ner/casing.rs (same table as its test).

    python -m pytest training/test_casing.py   (or: python training/test_casing.py)
"""
import importlib.util
from pathlib import Path

CASES = [("the", 0), ("Lavrov", 1), ("Lavrov,", 1), ("«Today", 1), ("NUR-SULTAN", 2), ("U.S.", 2), ("MFA", 2),
         ("A", 1), ("1996-08-22", 3), ("G7", 3), ("iPhone", 0), (",", 0), ("", 0), ("Édith", 1), ("ÉTÉ", 2)]


def load_casing_class():
    """Imports casing_class from train_ner.py without importing torch."""
    source = (Path(__file__).parent / "train_ner.py").read_text()
    start = source.index("def casing_class")
    end = source.index("\n\n\n", start)
    namespace = {}
    exec(source[start:end], namespace)
    return namespace["casing_class"]


def test_casing_classes_match_the_rust_table():
    casing_class = load_casing_class()
    for word, expected in CASES:
        assert casing_class(word) == expected, word


if __name__ == "__main__":
    test_casing_classes_match_the_rust_table()
    print("casing classes match")
