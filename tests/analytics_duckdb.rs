//! The downstream analytics example: `quotewire enrich` output of the project's own newsroom
//! articles (`examples/newsroom.jsonl`) loaded into DuckDB by `deploy/analytics/duckdb_report.py`
//! (pinned `duckdb` in `.runtime/analytics-venv`, made by deploy/setup.sh), and the two example
//! queries checked against answers known from the articles.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn python() -> PathBuf {
    let path = std::env::var_os("QUOTEWIRE_ANALYTICS_PYTHON").map(PathBuf::from).unwrap_or_else(|| root().join(".runtime/analytics-venv/bin/python"));
    assert!(path.exists(), "{} is missing: run deploy/setup.sh (it installs the pinned duckdb)", path.display());
    path
}

fn row<'a>(rows: &'a [Value], key: &str, value: &str) -> &'a Value {
    rows.iter().find(|r| r[key] == value).unwrap_or_else(|| panic!("no row with {key} = {value} in {rows:?}"))
}

#[test]
fn duckdb_answers_who_is_quoted_most_and_what_appears_with_them() {
    let output = Command::new(env!("CARGO_BIN_EXE_quotewire")).current_dir(root()).args(["enrich", "examples/newsroom.jsonl"]).output().expect("quotewire enrich");
    assert!(output.status.success(), "enrich: {}", String::from_utf8_lossy(&output.stderr));
    let events = std::env::temp_dir().join(format!("quotewire-newsroom-{}.jsonl", std::process::id()));
    std::fs::write(&events, &output.stdout).expect("events file");

    let report = Command::new(python())
        .arg(root().join("deploy/analytics/duckdb_report.py"))
        .arg(&events)
        .args(["--speaker", "Ada Brennan", "--json"])
        .output()
        .expect("duckdb_report.py");
    let _ = std::fs::remove_file(&events);
    assert!(report.status.success(), "duckdb_report.py: {}", String::from_utf8_lossy(&report.stderr));
    let result: Value = serde_json::from_slice(&report.stdout).expect("report JSON");

    assert_eq!(result["counts"]["articles"], 4);
    // the articles quote Ada Brennan four times in three articles (by full name, surname and
    // "the mayor"), Nora Vance twice, three others once
    let people = result["most_quoted_people"].as_array().expect("rows");
    assert_eq!(people[0]["speaker"], "Ada Brennan");
    assert_eq!(people[0]["quotes"], 4);
    assert_eq!(people[0]["articles"], 3);
    assert_eq!(row(people, "speaker", "Nora Vance")["quotes"], 2);
    for once in ["Tom Okafor", "Greta Lindqvist", "Paolo Ricci"] {
        assert_eq!(row(people, "speaker", once)["quotes"], 1, "{once}");
    }
    assert!(people.iter().all(|r| r["speaker"] != "Police"), "an unresolved organisation is not a person");

    // Harbor Bank and Riverton ("RIVERTON" in a dateline) appear in two of her three articles
    let with_her = result["cooccurring_entities"].as_array().expect("rows");
    assert_eq!(row(with_her, "entity", "Harbor Bank")["articles"], 2);
    assert_eq!(row(with_her, "entity", "Riverton")["articles"], 2);
    assert_eq!(row(with_her, "entity", "Stahlbau Consulting")["articles"], 1);
    assert!(with_her.iter().all(|r| r["articles"].as_u64() <= Some(2)));
    assert!(with_her.iter().all(|r| ["ORG", "LOC", "MISC"].contains(&r["label"].as_str().unwrap_or(""))), "organisations and places only");
}
