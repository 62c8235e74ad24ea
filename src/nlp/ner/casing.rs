//! Casing classes fed to the NER model through `token_type_ids`.
//!
//! The base model's tokenizer lowercases, throwing away the strongest NER signal; training
//! (`training/train_ner.py`, `casing_class`) gives each wordpiece the class of the
//! whitespace-delimited word it comes from. This module must compute exactly the same classes.

/// Casing class of one whitespace-delimited word:
/// 3 holds an ASCII digit; 2 two or more letters, all upper case; 1 first letter upper case; 0 otherwise.
pub fn casing_class(word: &str) -> i64 {
    if word.chars().any(|c| c.is_ascii_digit()) {
        return 3;
    }
    let mut letters = word.chars().filter(|c| c.is_alphabetic());
    let first = match letters.next() {
        Some(c) => c,
        None => return 0,
    };
    let rest: Vec<char> = letters.collect();
    if !rest.is_empty() && first.is_uppercase() && rest.iter().all(|c| c.is_uppercase()) {
        return 2;
    }
    if first.is_uppercase() {
        return 1;
    }
    0
}

#[cfg(test)]
mod tests {
    use super::casing_class;

    /// The same table is asserted in `training/test_casing.py` against the Python function.
    #[test]
    fn classes_match_the_training_recipe() {
        let cases = [
            ("the", 0),
            ("Lavrov", 1),
            ("Lavrov,", 1),
            ("«Today", 1),
            ("NUR-SULTAN", 2),
            ("U.S.", 2),
            ("MFA", 2),
            ("A", 1),
            ("1996-08-22", 3),
            ("G7", 3),
            ("iPhone", 0),
            (",", 0),
            ("", 0),
            ("Édith", 1),
            ("ÉTÉ", 2),
        ];
        for (word, class) in cases {
            assert_eq!(casing_class(word), class, "{word:?}");
        }
    }
}
