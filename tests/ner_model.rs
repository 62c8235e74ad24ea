//! The shipped NER model through the Rust pipeline, on sentences of our own and on hostile input.
//!
//! Needs `models/minilm-conll-cased` (in the repository) and `libonnxruntime` (`deploy/setup.sh`).

use std::sync::OnceLock;

use proptest::prelude::*;
use quotewire::nlp::ner::NerModel;
use quotewire::nlp::{Enricher, NerSettings};
use quotewire::schema::Entity;

fn model() -> &'static NerModel {
    static MODEL: OnceLock<NerModel> = OnceLock::new();
    MODEL.get_or_init(|| {
        let settings = NerSettings {
            model_dir: std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/minilm-conll-cased"),
            onnxruntime_path: None,
            threads: 2,
            window_overlap: 32,
            max_batch_tokens: 8192,
            windows: None,
            window_context: 64,
        };
        Enricher::load_ner(&settings).unwrap_or_else(|e| panic!("loading the shipped model: {e} (run deploy/setup.sh)"))
    })
}

fn recognize(text: &str) -> Vec<Entity> {
    model().recognize(&[text]).expect("recognize").pop().expect("one result")
}

fn assert_spans_match(text: &str, entities: &[Entity]) {
    let chars: Vec<char> = text.chars().collect();
    for e in entities {
        assert!(e.start < e.end && e.end <= chars.len(), "{e:?}");
        assert_eq!(chars[e.start..e.end].iter().collect::<String>(), e.text, "span of {e:?}");
        assert!((0.0..=1.0).contains(&e.score));
    }
}

fn has(entities: &[Entity], text: &str, label: &str) -> bool {
    entities.iter().any(|e| e.text == text && e.label == label)
}

#[test]
fn finds_people_places_and_organisations_in_our_own_sentences() {
    let text = "Maria Lindqvist, the chief executive of Nordvik Shipping, flew from Gothenburg to Singapore on Monday.";
    let entities = recognize(text);
    assert_spans_match(text, &entities);
    assert!(has(&entities, "Maria Lindqvist", "PER"), "{entities:?}");
    assert!(has(&entities, "Gothenburg", "LOC") && has(&entities, "Singapore", "LOC"), "{entities:?}");
    assert!(entities.iter().any(|e| e.text.contains("Nordvik") && e.label == "ORG"), "{entities:?}");
}

#[test]
fn casing_matters_upper_case_datelines_still_give_places() {
    let text = "OSLO. The Norwegian parliament approved the budget on Friday.";
    let entities = recognize(text);
    assert!(has(&entities, "OSLO", "LOC"), "{entities:?}");
    assert!(entities.iter().any(|e| e.text == "Norwegian" && e.label == "MISC"), "{entities:?}");
}

#[test]
fn an_entity_far_into_a_long_article_is_found() {
    let filler = "The committee met again and discussed the agenda in detail. ".repeat(400);
    let text = format!("{filler}Afterwards Tomas Berglund travelled to Tallinn.");
    assert!(text.chars().count() > 20_000);
    let entities = recognize(&text);
    assert_spans_match(&text, &entities);
    assert!(has(&entities, "Tomas Berglund", "PER"), "{:?}", entities.iter().rev().take(3).collect::<Vec<_>>());
    assert!(has(&entities, "Tallinn", "LOC"));
}

#[test]
fn an_article_gives_the_same_entities_alone_and_in_a_padded_batch() {
    let short = "Ines Duarte spoke in Lisbon.";
    let long = "The ministers of Spain and Portugal signed a water treaty in Madrid on Tuesday, and the text was published by the European Commission in Brussels the next day.";
    let alone = recognize(short);
    let batched = model().recognize(&[long, short, long]).expect("batch");
    assert_eq!(alone.len(), batched[1].len());
    for (a, b) in alone.iter().zip(&batched[1]) {
        assert_eq!((a.start, a.end, &a.label), (b.start, b.end, &b.label));
        assert!((a.score - b.score).abs() < 1e-3, "{a:?} vs {b:?}");
    }
}

#[test]
fn hostile_input_never_panics_and_offsets_stay_valid() {
    let megabyte = "Ana Lopez visited Quito. ".repeat((1 << 20) / 25);
    let cases = [
        String::new(),
        "   \n\t  ".to_string(),
        megabyte,
        "🎉🎉 Emoji 👩‍👩‍👧 party with Ana Lopez 🇪🇨 in Quito 🎉".to_string(),
        "東京で会議が開かれた。Ana Lopez met Kenji Sato in 東京.".to_string(),
        "قال وزير الخارجية Ana Lopez في بيان إن الاجتماع كان مثمرا".to_string(),
        "Zoe\u{0301} Me\u{0301}ndez and A\u{030A}sa Berg met in Malmo\u{0308}.".to_string(),
        "Control\u{0000}chars\u{0007} Ana\u{001B}[31m Lopez\u{200B} in\u{FEFF} Quito\u{0085}.".to_string(),
    ];
    for text in &cases {
        let entities = recognize(text);
        assert_spans_match(text, &entities);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn every_entity_text_equals_its_code_point_span(text in "\\PC{0,300}", names in proptest::collection::vec("[A-Z][a-z]{2,8}", 0..4)) {
        let text = format!("{} {text}", names.join(" "));
        let entities = recognize(&text);
        assert_spans_match(&text, &entities);
    }
}

#[test]
fn a_config_that_declares_an_attribution_head_fails_clearly_on_a_one_head_graph() {
    // the shipped NER-only graph, with a config.json that promises a second head
    let shipped = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("models/minilm-conll-cased");
    let dir = std::env::temp_dir().join(format!("quotewire-one-head-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    for file in ["model.onnx", "tokenizer.json"] {
        std::fs::copy(shipped.join(file), dir.join(file)).expect("copy model file");
    }
    let mut config: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(shipped.join("config.json")).expect("config")).expect("json");
    config["attribution_labels"] = serde_json::json!(["O", "B-SOURCE", "I-SOURCE", "B-CUE", "I-CUE", "B-CONTENT", "I-CONTENT"]);
    std::fs::write(dir.join("config.json"), config.to_string()).expect("write config");
    let settings = NerSettings { model_dir: dir.clone(), onnxruntime_path: None, threads: 1, window_overlap: 32, max_batch_tokens: 8192, windows: None, window_context: 64 };
    let error = Enricher::load_ner(&settings).err().expect("a one-head graph must not load as two-head").to_string();
    std::fs::remove_dir_all(&dir).ok();
    assert!(error.contains("attribution_logits") && error.contains("one-head"), "{error}");
}
