//! `quotewire enrich` and `quotewire schema` through the release-shaped binary, with the
//! shipped NER model on the project's own example article.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{event_validator, repo_root};
use serde_json::Value;

fn enrich(input: &[u8], args: &[&str]) -> (i32, String, String) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_quotewire"))
        .arg("enrich")
        .args(args)
        .current_dir(repo_root())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("start quotewire enrich");
    child.stdin.take().expect("stdin").write_all(input).expect("write input");
    let out = child.wait_with_output().expect("wait");
    (out.status.code().unwrap_or(-1), String::from_utf8_lossy(&out.stdout).to_string(), String::from_utf8_lossy(&out.stderr).to_string())
}

fn speaker_of<'a>(event: &'a Value, snippet: &str) -> (&'a str, &'a str, &'a str) {
    let quote = event["quotes"]
        .as_array()
        .and_then(|qs| qs.iter().find(|q| q["text"].as_str().is_some_and(|t| t.contains(snippet))))
        .unwrap_or_else(|| panic!("no quote holding {snippet:?} in {event}"));
    (
        quote["kind"].as_str().unwrap_or(""),
        quote["speaker"]["name"].as_str().unwrap_or(""),
        quote["speaker"]["resolution"].as_str().unwrap_or(""),
    )
}

#[test]
fn the_example_article_gives_one_valid_event_with_entities_and_attributed_quotes() {
    let input = std::fs::read(repo_root().join("examples/articles.jsonl")).expect("examples/articles.jsonl");
    let (code, stdout, stderr) = enrich(&input, &[]);
    assert_eq!(code, 0, "exit code; stderr:\n{stderr}\n(run deploy/setup.sh if libonnxruntime is missing)");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 1, "one event per article");
    let event: Value = serde_json::from_str(lines[0]).expect("event JSON");
    if let Err(e) = event_validator().validate(&event) {
        panic!("event does not match its schema: {e}");
    }
    assert_eq!(event["id"], "example-hydrogen-talks");
    assert_eq!(event["article"]["title"], "Kazakhstan and Norway agree on a hydrogen roadmap");
    assert_eq!(event["pipeline"]["ner_model"], "minilm-news-twohead");

    let text = event["article"].get("text").cloned().unwrap_or(Value::Null);
    assert!(text.is_null(), "the text is not copied into article metadata");
    let source: Vec<char> = std::fs::read_to_string(repo_root().join("examples/article.txt")).expect("article").chars().collect();
    let entities = event["entities"].as_array().expect("entities");
    for e in entities {
        let (start, end) = (e["start"].as_u64().unwrap_or(0) as usize, e["end"].as_u64().unwrap_or(0) as usize);
        assert_eq!(source[start..end].iter().collect::<String>(), e["text"].as_str().unwrap_or(""), "code-point offsets");
    }
    let has = |text: &str, label: &str| entities.iter().any(|e| e["text"] == text && e["label"] == label);
    assert!(has("Dana Karimova", "PER") && has("Lars Haugen", "PER"), "{entities:?}");
    assert!(has("Pavlodar", "LOC") && has("Norway", "LOC"), "{entities:?}");

    assert_eq!(speaker_of(&event, "shared roadmap for green hydrogen"), ("direct", "Dana Karimova", "explicit"));
    assert_eq!(speaker_of(&event, "both governments will fund"), ("indirect", "Dana Karimova", "nominal"));
    assert_eq!(speaker_of(&event, "electricity exports"), ("indirect", "Dana Karimova", "pronoun"));
    assert_eq!(speaker_of(&event, "Norway is ready to share"), ("direct", "Lars Haugen", "explicit"));
    assert_eq!(speaker_of(&event, "Norwegian companies would invest"), ("indirect", "Lars Haugen", "pronoun"));
    assert_eq!(speaker_of(&event, "Our engineers already work"), ("direct", "Lars Haugen", "nominal"));
    assert_eq!(speaker_of(&event, "signed in Oslo").2, "unresolved");
}

#[test]
fn rejected_lines_are_reported_with_their_number_and_the_rest_is_enriched_in_order() {
    let input = b"{\"id\":\"a\",\"text\":\"Officials said the bridge would reopen on Friday morning.\"}\nnot json\n{\"id\":\"b\",\"text\":\"\"}\n{\"text\":\"no id\"}\n";
    let (code, stdout, stderr) = enrich(input, &["--no-ner"]);
    assert_eq!(code, 2, "exit 2 when a line was rejected");
    let ids: Vec<String> = stdout.lines().map(|l| serde_json::from_str::<Value>(l).expect("json")["id"].as_str().unwrap_or("").to_string()).collect();
    assert_eq!(ids, ["a", "b"]);
    assert!(stderr.contains("line 2: not_json"), "{stderr}");
    assert!(stderr.contains("line 4: missing_id"), "{stderr}");
}

#[test]
fn the_committed_json_schemas_match_the_rust_types() {
    let output = Command::new(env!("CARGO_BIN_EXE_quotewire")).arg("schema").output().expect("quotewire schema");
    assert!(output.status.success());
    let generated: Value = serde_json::from_slice(&output.stdout).expect("schema JSON");
    for (key, file) in [("article", "schema/article.schema.json"), ("event", "schema/event.schema.json")] {
        let committed: Value = serde_json::from_str(&std::fs::read_to_string(repo_root().join(file)).expect(file)).expect("committed schema JSON");
        assert_eq!(committed, generated[key], "{file} is stale: run `quotewire schema` and commit schema/ (see README)");
    }
}
