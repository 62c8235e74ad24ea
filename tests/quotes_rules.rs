//! Golden tests of quote extraction and attribution on hand-written articles (our own sentences).
//!
//! Entities are given by hand (as NER would find them), so these tests pin the rules alone.

use proptest::prelude::*;
use quotewire::nlp::quotes::speaker_model::{SpeakerModel, FEATURES};
use quotewire::nlp::quotes::{extract_quotes, QuoteAnalysis, QuoteOptions};
use quotewire::schema::{Entity, Quote, QuoteKind, Resolution, Speaker};

/// PER/ORG/LOC entities at every occurrence of the given names.
fn entities(text: &str, names: &[(&str, &str)]) -> Vec<Entity> {
    let mut out = Vec::new();
    for (name, label) in names {
        let mut from = 0;
        while let Some(at) = text[from..].find(name) {
            let byte = from + at;
            let start = text[..byte].chars().count();
            out.push(Entity { text: name.to_string(), label: label.to_string(), start, end: start + name.chars().count(), score: 1.0 });
            from = byte + name.len();
        }
    }
    out.sort_by_key(|e| e.start);
    out
}

fn analyse(text: &str, names: &[(&str, &str)]) -> QuoteAnalysis {
    extract_quotes(text, &entities(text, names), &[], &QuoteOptions::default())
}

/// The quote holding `snippet` and its speaker.
fn quote_and_speaker<'a>(a: &'a QuoteAnalysis, snippet: &str) -> (&'a Quote, &'a Speaker) {
    let q = a.quotes.iter().find(|q| q.text.contains(snippet)).unwrap_or_else(|| panic!("no quote with {snippet:?}: {:#?}", a.quotes));
    let s = q.speaker.as_ref().unwrap_or_else(|| panic!("no speaker for {snippet:?}"));
    (q, s)
}

/// (kind, speaker name, resolution) of the quote holding `snippet`.
fn quote(a: &QuoteAnalysis, snippet: &str) -> (QuoteKind, String, Resolution) {
    let (q, s) = quote_and_speaker(a, snippet);
    (q.kind, s.name.clone(), s.resolution)
}

fn assert_offsets(text: &str, a: &QuoteAnalysis) {
    let chars: Vec<char> = text.chars().collect();
    for q in &a.quotes {
        assert!(q.start <= q.end && q.end <= chars.len());
        assert_eq!(chars[q.start..q.end].iter().collect::<String>(), q.text);
        if let Some(s) = &q.speaker {
            assert_eq!(chars[s.start..s.end].iter().collect::<String>(), s.text);
        }
        if let Some(c) = &q.cue {
            assert_eq!(chars[c.start..c.end].iter().collect::<String>(), c.text);
        }
    }
}

#[test]
fn every_mark_style_with_an_inverted_or_plain_cue() {
    for (open, close) in [("\"", "\""), ("“", "”"), ("«", "»"), ("„", "“"), ("‚", "‘"), ("‘", "’"), ("‹", "›"), ("「", "」"), ("''", "''")] {
        let text = format!("Rain fell all day. {open}The harbour will stay closed until the storm passes,{close} said Petra Novak. Ships waited.");
        let a = analyse(&text, &[("Petra Novak", "PER")]);
        assert_offsets(&text, &a);
        assert_eq!(quote(&a, "harbour will stay closed"), (QuoteKind::Direct, "Petra Novak".into(), Resolution::Explicit), "{open}{close}");
    }
}

#[test]
fn speaker_before_the_cue_after_the_quote() {
    let text = "“We will rebuild the school before winter,” Governor Luis Ortega told reporters on Friday.";
    let a = analyse(text, &[("Luis Ortega", "PER")]);
    assert_eq!(quote(&a, "rebuild the school"), (QuoteKind::Direct, "Luis Ortega".into(), Resolution::Explicit));
}

#[test]
fn colon_led_quotes_with_and_without_a_verb() {
    let text = "Luis Ortega said: “The budget is final and it is fair.”\n\nMaria Costa: «The budget ignores the north of the region.»";
    let a = analyse(text, &[("Luis Ortega", "PER"), ("Maria Costa", "PER")]);
    assert_eq!(quote(&a, "budget is final").1, "Luis Ortega");
    assert_eq!(quote(&a, "ignores the north").1, "Maria Costa");
}

#[test]
fn a_quote_over_several_paragraphs_is_one_quote_with_one_speaker() {
    let text = "Luis Ortega said:\n\n“The first part of the plan repairs the roads.\n\n“The second part builds a clinic in every village.\n\n“The third part trains the nurses who will work there.”";
    let a = analyse(text, &[("Luis Ortega", "PER")]);
    let direct: Vec<_> = a.quotes.iter().filter(|q| q.kind == QuoteKind::Direct).collect();
    assert_eq!(direct.len(), 1, "{:#?}", a.quotes);
    assert!(direct[0].text.contains("first part") && direct[0].text.contains("third part"));
    assert_eq!(quote(&a, "first part").1, "Luis Ortega");
}

#[test]
fn nested_quotes_stay_inside_their_parent() {
    let text = "“My grandmother always told me ‘never sell the land’ and I never will,” said Ana Ruiz.";
    let a = analyse(text, &[("Ana Ruiz", "PER")]);
    assert_eq!(a.quotes.len(), 1, "{:#?}", a.quotes);
    assert!(a.quotes[0].text.contains("‘never sell the land’"));
}

#[test]
fn indirect_quotes_of_every_shape() {
    let text = "Ana Ruiz said that the harvest was the best in a decade. \
                Farmers will be paid more this year, the minister added. \
                According to Ana Ruiz, exports to Asia doubled last year. \
                Tomas Varga told reporters that the port would reopen in May. \
                Tomas Varga was quoted as saying the new quay would double capacity.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Tomas Varga", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "harvest was the best"), (QuoteKind::Indirect, "Ana Ruiz".into(), Resolution::Explicit));
    assert_eq!(quote(&a, "exports to Asia doubled").1, "Ana Ruiz");
    assert_eq!(quote(&a, "port would reopen in May").1, "Tomas Varga");
    assert_eq!(quote(&a, "double capacity").1, "Tomas Varga");
    assert_eq!(quote(&a, "Farmers will be paid more").0, QuoteKind::Indirect);
}

#[test]
fn a_reported_clause_with_a_quoted_fragment_is_one_mixed_quote() {
    let text = "Tomas Varga stressed that the new quay was, in his view, «a gift to the next generation of dockers».";
    let a = analyse(text, &[("Tomas Varga", "PER")]);
    assert_eq!(a.quotes.len(), 1, "{:#?}", a.quotes);
    assert_eq!(quote(&a, "gift to the next generation"), (QuoteKind::Mixed, "Tomas Varga".into(), Resolution::Explicit));
}

#[test]
fn pronoun_chains_resolve_to_the_last_speaker() {
    let text = "Ana Ruiz opened the fair on Monday. “The valley has never looked better,” she said. \
                She added that next year the fair would last a week.\n\n\
                In her words, the region owes its farmers a great deal.";
    let a = analyse(text, &[("Ana Ruiz", "PER")]);
    assert_eq!(quote(&a, "valley has never"), (QuoteKind::Direct, "Ana Ruiz".into(), Resolution::Pronoun));
    assert_eq!(quote(&a, "fair would last a week"), (QuoteKind::Indirect, "Ana Ruiz".into(), Resolution::Pronoun));
    assert_eq!(quote(&a, "owes its farmers"), (QuoteKind::Indirect, "Ana Ruiz".into(), Resolution::Pronoun));
}

#[test]
fn nominal_speakers_resolve_through_titles_nationalities_and_abbreviations() {
    let text = "Foreign Minister Ana Ruiz met her Chilean counterpart Tomas Varga in Lima.\n\n\
                «The talks were long but useful,» the Minister said.\n\n\
                «We signed three agreements today,» the Chilean FM noted.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Tomas Varga", "PER"), ("Lima", "LOC")]);
    assert_eq!(quote(&a, "talks were long"), (QuoteKind::Direct, "Ana Ruiz".into(), Resolution::Nominal));
    assert_eq!(quote(&a, "three agreements"), (QuoteKind::Direct, "Tomas Varga".into(), Resolution::Nominal));
    let varga = a.speakers.iter().find(|c| c.name == "Tomas Varga").expect("cluster");
    assert!(varga.titles.iter().any(|t| t.contains("Chilean counterpart")), "{varga:?}");
}

#[test]
fn apposition_names_the_speaker() {
    let text = "Tomas Varga, Chile's foreign minister, said the border would stay open through the winter.";
    let a = analyse(text, &[("Tomas Varga", "PER")]);
    assert_eq!(quote(&a, "border would stay open"), (QuoteKind::Indirect, "Tomas Varga".into(), Resolution::Apposition));
}

#[test]
fn surnames_and_titles_merge_into_one_cluster() {
    let text = "Ana Ruiz arrived first. “We are ready,” Ms. Ruiz said. “The plan works,” Ruiz added.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Ruiz", "PER")]);
    let people: Vec<_> = a.speakers.iter().filter(|c| c.label == "PER").collect();
    assert_eq!(people.len(), 1, "{people:#?}");
    assert_eq!(quote(&a, "We are ready").1, "Ana Ruiz");
    assert_eq!(quote(&a, "The plan works").1, "Ana Ruiz");
}

#[test]
fn a_quote_paragraph_without_a_cue_continues_the_previous_speaker() {
    let text = "“The dam is safe and the inspections prove it,” said Tomas Varga.\n\n“Every engineer on the site has signed the report.”";
    let a = analyse(text, &[("Tomas Varga", "PER")]);
    assert_eq!(quote(&a, "Every engineer"), (QuoteKind::Direct, "Tomas Varga".into(), Resolution::Continuation));
}

#[test]
fn organisations_speak_too() {
    let text = "The ministry said the new rules would take effect in March.";
    let a = analyse(text, &[]);
    let (kind, name, resolution) = quote(&a, "new rules would take effect");
    assert_eq!((kind, resolution), (QuoteKind::Indirect, Resolution::Unresolved));
    assert_eq!(name, "The ministry");
}

#[test]
fn apostrophes_and_scare_quotes_are_not_quotations() {
    let text = "The two countries’ ministers don’t agree on the so-called “deal” yet.";
    let a = analyse(text, &[]);
    assert!(a.quotes.is_empty(), "{:#?}", a.quotes);
}

#[test]
fn unbalanced_marks_never_swallow_the_rest_of_the_article() {
    let text = "He called it “a start.\n\nMaria Costa said that the vote would be held in June.";
    let a = analyse(text, &[("Maria Costa", "PER")]);
    assert!(a.quotes.iter().all(|q| !q.text.contains("a start")), "{:#?}", a.quotes);
    assert_eq!(quote(&a, "vote would be held").1, "Maria Costa");
}

#[test]
fn ten_megabytes_of_unbalanced_marks_finish() {
    let mut text = String::with_capacity(10 << 20);
    while text.len() < 10 << 20 {
        text.push_str("“ word « another „ and ‘ more \" text ");
    }
    let a = extract_quotes(&text, &[], &[], &QuoteOptions::default());
    assert_offsets(&text, &a);
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode_never_panics_and_offsets_are_valid(text in "\\PC{0,400}") {
        let a = extract_quotes(&text, &[], &[], &QuoteOptions::default());
        assert_offsets(&text, &a);
    }

    #[test]
    fn quote_heavy_text_never_panics(parts in proptest::collection::vec(prop_oneof![
        Just("“"), Just("”"), Just("«"), Just("»"), Just("\""), Just("‘"), Just("’"), Just(" said "), Just(" he "),
        Just("Ana Ruiz"), Just(", "), Just(". "), Just("\n\n"), Just("according to "), Just("In his words, "), Just("word")
    ], 0..80)) {
        let text: String = parts.concat();
        let a = extract_quotes(&text, &entities(&text, &[("Ana Ruiz", "PER")]), &[], &QuoteOptions::default());
        assert_offsets(&text, &a);
    }
}

#[test]
fn a_byline_after_a_dash_names_the_speaker() {
    let text = "“The new library changed how our children spend their evenings.” ― Rosa Almeida\n“Nothing else in town stays open this late.” ― Karl Brandt";
    let a = analyse(text, &[("Rosa Almeida", "PER"), ("Karl Brandt", "PER")]);
    assert_eq!(quote(&a, "new library changed").1, "Rosa Almeida");
    assert_eq!(quote(&a, "stays open this late").1, "Karl Brandt");
    assert!(a.quotes.iter().all(|q| q.cue.is_none()), "a byline has no cue");
}

#[test]
fn titles_in_quotation_marks_do_not_take_the_next_cue() {
    let text = "On a broadcast of “Morning Roundup,” Senator Jo Park said the bill would pass before the summer recess.";
    let a = analyse(text, &[("Jo Park", "PER")]);
    assert_eq!(quote(&a, "bill would pass").1, "Jo Park");
}

#[test]
fn pronouns_agree_in_gender_with_their_referent() {
    // the last speaker is a man, so "she" goes back to the woman named before him
    let text = "Senator Maria Lopez opened the hearing. She has led the committee since May.\n\n\
                “We will hear every witness,” Lopez said.\n\n\
                Mr. Daniel Reyes, the committee's lawyer, disagreed. “Two days are not enough,” Reyes said.\n\n\
                She added that the hearing would resume on Monday.";
    let a = analyse(text, &[("Maria Lopez", "PER"), ("Lopez", "PER"), ("Daniel Reyes", "PER"), ("Reyes", "PER")]);
    assert_eq!(quote(&a, "hearing would resume"), (QuoteKind::Indirect, "Maria Lopez".to_string(), Resolution::Pronoun));
    // and "he" after her quote goes to him
    let text = "Mr. Daniel Reyes spoke first. “Two days are not enough,” Reyes said.\n\n\
                Maria Lopez, who chairs the committee, answered that she had heard him. “We will hear every witness,” she said.\n\n\
                He said the lawyers would appeal.";
    let a = analyse(text, &[("Maria Lopez", "PER"), ("Daniel Reyes", "PER"), ("Reyes", "PER")]);
    assert_eq!(quote(&a, "lawyers would appeal"), (QuoteKind::Indirect, "Daniel Reyes".to_string(), Resolution::Pronoun));
}

#[test]
fn a_cue_after_the_content_may_follow_a_titled_name() {
    let text = "Rents in the old town will double within five years, Mr. Harlan Price said in an interview.\n\n\
                The harbour needs a second pier, Deputy Mayor Ines Varga told the council.\n\n\
                Ticket sales fell for a third month, The Valley Courier reports.";
    let a = analyse(text, &[("Harlan Price", "PER"), ("Ines Varga", "PER"), ("Valley Courier", "ORG")]);
    assert_eq!(quote(&a, "Rents in the old town"), (QuoteKind::Indirect, "Harlan Price".to_string(), Resolution::Explicit));
    assert_eq!(quote(&a, "second pier"), (QuoteKind::Indirect, "Ines Varga".to_string(), Resolution::Explicit));
    assert_eq!(quote(&a, "Ticket sales fell"), (QuoteKind::Indirect, "Valley Courier".to_string(), Resolution::Explicit));
    assert_offsets(text, &a);
}

#[test]
fn calls_and_urgings_report_what_was_asked_for() {
    let text = "Councillor Ruth Adeyemi called for a full audit of the tram contracts.\n\n\
                Ruth Adeyemi urged her colleagues to reject the budget until the audit is done.\n\n\
                The mayor called on residents to attend the hearing next week.";
    let a = analyse(text, &[("Ruth Adeyemi", "PER")]);
    let (kind, name, _) = quote(&a, "a full audit of the tram contracts");
    assert_eq!((kind, name.as_str()), (QuoteKind::Indirect, "Ruth Adeyemi"));
    let (kind, name, _) = quote(&a, "colleagues to reject the budget");
    assert_eq!((kind, name.as_str()), (QuoteKind::Indirect, "Ruth Adeyemi"));
    assert!(a.quotes.iter().any(|q| q.text.starts_with("residents to attend")), "{:#?}", a.quotes);
}

#[test]
fn a_name_outweighs_the_pronouns_around_it() {
    // an article about a woman is full of "she" next to the man she admires; his given name
    // still makes him "he", so her quotes stay hers
    let text = "Carol Mendes drove four hours to see Frank Hale speak. She waited for Frank Hale at the gate.\n\n\
                She had read every speech of Frank Hale twice.\n\n\
                “Here comes the only honest man in politics,” she said, waving a flag.";
    let a = analyse(text, &[("Carol Mendes", "PER"), ("Frank Hale", "PER")]);
    assert_eq!(quote(&a, "only honest man"), (QuoteKind::Direct, "Carol Mendes".to_string(), Resolution::Pronoun));
}

#[test]
fn the_subject_follows_an_introductory_phrase() {
    // the first name of the sentence sits in "In an interview with ..."; the subject is after it
    let text = "In an interview with radio host Lena Ortiz, Tomas Brandt said the fleet was too old.\n\n\
                “We are flying aircraft older than our pilots,” he told the host.";
    let a = analyse(text, &[("Lena Ortiz", "PER"), ("Tomas Brandt", "PER")]);
    assert_eq!(quote(&a, "older than our pilots"), (QuoteKind::Direct, "Tomas Brandt".to_string(), Resolution::Pronoun));
}

#[test]
fn a_quote_ending_in_a_nested_quote_still_takes_the_cue_after_it() {
    let text = "Ines Varga spoke at the dock.\n\n\
                \"I have never liked the phrase 'temporary closure,' \" she told the workers.";
    let a = analyse(text, &[("Ines Varga", "PER")]);
    let (kind, name, _) = quote(&a, "never liked the phrase");
    assert_eq!((kind, name.as_str()), (QuoteKind::Direct, "Ines Varga"));
    assert_offsets(text, &a);
}

#[test]
fn speakers_after_the_quote_with_titles_parentheses_and_appositions() {
    let text = "“The ferry plan was never funded,” Sen. Ana Ruiz (D-Ore.) said.\n\n\
                “We will vote against it,” Rep. Tom Hale (R-Ida.), a member of the transport panel, said in an interview.\n\n\
                “The tolls will rise again,” Senate Majority Leader Jon Marsh, R-Ky., said Tuesday.\n\n\
                “It is an invasion of our domain,” Lee Brandt, the attorney general of Idaho, one of the states suing the agency, said on Monday.";
    let names = [("Ana Ruiz", "PER"), ("Tom Hale", "PER"), ("Jon Marsh", "PER"), ("Lee Brandt", "PER"), ("Idaho", "LOC")];
    let a = analyse(text, &names);
    assert_eq!(quote(&a, "never funded").1, "Ana Ruiz");
    assert_eq!(quote(&a, "vote against it").1, "Tom Hale");
    assert_eq!(quote(&a, "tolls will rise").1, "Jon Marsh");
    assert_eq!(quote(&a, "invasion of our domain").1, "Lee Brandt");
    assert_offsets(text, &a);
}

#[test]
fn an_inverted_cue_finds_the_person_behind_an_outlet_or_a_description() {
    let text = "“The debate was a draw,” said Channel Nine host Rita Moss.\n\n\
                “The families are still waiting,” said widow Jane Carver, who lost her husband in the flood.\n\n\
                “This is a waste of time,” said Del. Mona Pike of the island district.";
    let a = analyse(text, &[("Channel Nine", "ORG"), ("Rita Moss", "PER"), ("Jane Carver", "PER"), ("Del", "PER"), ("Mona Pike", "PER")]);
    assert_eq!(quote(&a, "debate was a draw").1, "Rita Moss");
    assert_eq!(quote(&a, "still waiting").1, "Jane Carver");
    assert_eq!(quote(&a, "waste of time").1, "Mona Pike");
}

#[test]
fn a_participle_or_subordinate_clause_does_not_steal_the_quote() {
    // "saying," continues the sentence's subject; "when X blasted him" is not the cue
    let text = "During a speech on Monday, Paul Grant attacked Maria Lopez, saying, “She has no plan for the port.”\n\n\
                The ad ends with footage of Paul Grant saying during the debate, “That makes me smart,” when Lopez blasted him for his taxes.\n\n\
                When Lopez noted that Paul Grant had paid no tax for years, Grant boasted, “That proves I am clever.”";
    let a = analyse(text, &[("Paul Grant", "PER"), ("Maria Lopez", "PER"), ("Lopez", "PER"), ("Grant", "PER")]);
    assert_eq!(quote(&a, "no plan for the port").1, "Paul Grant");
    assert_eq!(quote(&a, "That makes me smart").1, "Paul Grant");
    assert_eq!(quote(&a, "That proves I am clever"), (QuoteKind::Direct, "Paul Grant".to_string(), Resolution::Explicit));
}

#[test]
fn descriptions_that_name_no_one_still_speak() {
    // an unresolved speaker is better than the previous speaker's name
    let text = "Mayor Ines Varga opened the bridge on Monday. “It took nine years,” Varga said.\n\n\
                “The bridge was built on borrowed money and borrowed time,” the editorial said.\n\n\
                “Nobody asked the fishermen,” wrote one commenter.\n\n\
                The report said that the tolls would cover only a third of the debt.\n\n\
                The debt will be paid by 2040, the council's auditors said.";
    let a = analyse(text, &[("Ines Varga", "PER"), ("Varga", "PER")]);
    for (snippet, speaker) in [("borrowed money", "the editorial"), ("Nobody asked", "one commenter"), ("tolls would cover", "The report")] {
        let (_, s) = quote_and_speaker(&a, snippet);
        assert_eq!((s.text.as_str(), s.resolution, s.entity.as_deref()), (speaker, Resolution::Unresolved, None), "{snippet}");
    }
    assert_offsets(text, &a);
}

#[test]
fn according_to_introduces_a_direct_quote_too() {
    let text = "The paper was blunt. According to the Harbor Times, “the mayor knew about the debt for a whole year.”";
    let a = analyse(text, &[("Harbor Times", "ORG")]);
    assert_eq!(quote(&a, "knew about the debt"), (QuoteKind::Direct, "Harbor Times".to_string(), Resolution::Explicit));
}

#[test]
fn long_cue_phrases_colourful_verbs_and_relative_speakers() {
    let text = "Paul Grant told the Harbor Times in a written statement on Friday, “I will not sign the budget.”\n\n\
                “Sit down, all of you,” Grant barked.\n\n\
                The council heard from Nora Vance, who said that the ferry would stop in March.";
    let a = analyse(text, &[("Paul Grant", "PER"), ("Grant", "PER"), ("Harbor Times", "ORG"), ("Nora Vance", "PER")]);
    assert_eq!(quote(&a, "not sign the budget"), (QuoteKind::Direct, "Paul Grant".to_string(), Resolution::Explicit));
    assert_eq!(quote(&a, "Sit down"), (QuoteKind::Direct, "Paul Grant".to_string(), Resolution::Explicit));
    assert_eq!(quote(&a, "ferry would stop"), (QuoteKind::Indirect, "Nora Vance".to_string(), Resolution::Explicit));
}

#[test]
fn it_is_an_organisation_and_adjective_participles_are_no_cues() {
    let text = "The Harbor Times endorsed Ada Brennan in March. Ada Brennan thanked the editors.\n\n\
                Meanwhile, it attacked her rival, saying he “has neither the temperament nor the patience for the job.”\n\n\
                To her successor, Ada Brennan leaves a harbour plan likely to draw continuing fire from the shipping lobby and the unions.";
    let a = analyse(text, &[("Harbor Times", "ORG"), ("Ada Brennan", "PER")]);
    let (_, name, resolution) = quote(&a, "neither the temperament");
    assert_eq!((name.as_str(), resolution), ("Harbor Times", Resolution::Pronoun));
    // "continuing fire" reports nothing, and "To" is not a name
    assert!(a.quotes.iter().all(|q| !q.text.contains("shipping lobby")), "{:#?}", a.quotes);
    assert!(a.speakers.iter().all(|c| c.name != "To"), "{:#?}", a.speakers);
}

#[test]
fn a_description_speaks_past_auxiliaries_like_a_name() {
    let text = "“The harbour plan was never costed,” the editorial has repeatedly argued.";
    let a = analyse(text, &[]);
    let (_, s) = quote_and_speaker(&a, "never costed");
    assert_eq!((s.text.as_str(), s.resolution), ("the editorial", Resolution::Unresolved));
}

#[test]
fn descriptions_resolve_through_what_the_article_says_of_its_entities() {
    // an organisation word held by an organisation's name
    let text = "The Harbour Licensing Commission met on Monday. \"No new permits will be issued this year,\" the commission said in a statement.";
    let a = analyse(text, &[("Harbour Licensing Commission", "ORG")]);
    assert_eq!(quote(&a, "No new permits"), (QuoteKind::Direct, "Harbour Licensing Commission".into(), Resolution::Nominal));

    // an organisation word naming a kind of organisation: a newspaper is a Gazette
    let text = "The Riverton Gazette published the figures on Sunday. \"The city lost a third of its ferries,\" the newspaper wrote.";
    let a = analyse(text, &[("Riverton Gazette", "ORG"), ("Riverton", "LOC")]);
    assert_eq!(quote(&a, "The city lost"), (QuoteKind::Direct, "Riverton Gazette".into(), Resolution::Nominal));

    // a modifier seen before the person's name: "Alder Gov. Ines Marlow" -> "the Alder governor"
    let text = "Alder Gov. Ines Marlow met Tomas Brandt, a banker, on Friday. Brandt spoke first. \
                \"We will not raise the ferry tolls,\" the Alder governor said.";
    let a = analyse(text, &[("Ines Marlow", "PER"), ("Tomas Brandt", "PER"), ("Brandt", "PER")]);
    assert_eq!(quote(&a, "ferry tolls").1, "Ines Marlow");

    // a document speaks for whoever was last heard
    let text = "\"The plant is safe,\" said Oren Vale, the director. \"Inspections found no leaks at all,\" the statement added.";
    let a = analyse(text, &[("Oren Vale", "PER")]);
    assert_eq!(quote(&a, "Inspections found").1, "Oren Vale");

    // "Mr. King" is a name, never the description "king"
    let text = "Adam King runs the ferry line. \"Tickets will cost less in spring,\" Mr. King said.";
    let a = analyse(text, &[("Adam King", "PER"), ("King", "PER")]);
    assert_eq!(quote(&a, "Tickets will cost").1, "Adam King");
}

#[test]
fn a_description_that_matches_nobody_stays_unresolved() {
    // two people named as often as each other, neither a banker
    let text = "Ines Marlow met Tomas Brandt. Marlow and Brandt disagreed. \"The tolls must fall,\" the banker said.";
    let a = analyse(text, &[("Ines Marlow", "PER"), ("Tomas Brandt", "PER"), ("Marlow", "PER"), ("Brandt", "PER")]);
    let (_, s) = quote_and_speaker(&a, "tolls must fall");
    assert_eq!(s.resolution, Resolution::Unresolved, "{s:?}");
    assert_eq!(s.entity, None);
}

#[test]
fn a_reporting_word_inside_a_name_is_no_cue() {
    // "Post" is a verb elsewhere; inside a name it cues nothing
    let text = "Rain fell.\n\nOrtega told the Harbour Post, “The budget is final and it is fair to every town.”";
    let a = analyse(text, &[("Ortega", "PER"), ("Harbour Post", "ORG")]);
    assert_eq!(quote(&a, "budget is final").1, "Ortega");
}

#[test]
fn inverted_cue_heading_the_sentence_before_the_quote() {
    let text = "The old mill reopened on Sunday. Said Dora Pinto, “We were all so proud of the town that day.”";
    let a = analyse(text, &[("Dora Pinto", "PER")]);
    assert_eq!(quote(&a, "so proud of the town").1, "Dora Pinto");
    // a name after a mid-sentence cue is what was said about, not who said it
    let text = "Pinto said Leo Marsh \"must answer for the mill and for the river it poisoned.\"";
    let a = analyse(text, &[("Pinto", "PER"), ("Leo Marsh", "PER")]);
    assert_ne!(a.quotes.iter().find(|q| q.text.contains("must answer")).and_then(|q| q.speaker.as_ref()).map(|s| s.name.as_str()), Some("Leo Marsh"));
}

#[test]
fn a_name_after_the_quote_with_appositions_before_the_cue() {
    let text = "\"Both candidates scare me more than the storm did,\" Hal Brandt, 30, of Port Alva, who was among those polled, said in an interview.";
    let a = analyse(text, &[("Hal Brandt", "PER"), ("Port Alva", "LOC")]);
    assert_eq!(quote(&a, "candidates scare me").1, "Hal Brandt");
}

#[test]
fn descriptions_resolve_through_what_the_article_says() {
    let text = "Billionaire investor Mara Quist toured the plant on Monday. Owen Hale came too.\n\n\
                \"We will build the second line here,\" the investor said.\n\n\
                Republican nominee Tom Brisk and Democratic nominee Ada Vance spoke later.\n\n\
                \"The plant proves my plan works,\" the Republican presidential nominee said.\n\n\
                Sen. Ada Vance spoke again.\n\n\
                \"We need this in every state,\" the Vermont senator said.";
    let a = analyse(text, &[("Mara Quist", "PER"), ("Owen Hale", "PER"), ("Tom Brisk", "PER"), ("Ada Vance", "PER"), ("Vermont", "LOC")]);
    assert_eq!(quote(&a, "second line"), (QuoteKind::Direct, "Mara Quist".into(), Resolution::Nominal));
    assert_eq!(quote(&a, "proves my plan").1, "Tom Brisk");
    let (q, s) = quote_and_speaker(&a, "every state");
    assert_eq!((s.name.as_str(), s.text.as_str()), ("Ada Vance", "the Vermont senator"), "{q:?}");
}

#[test]
fn organisation_words_resolve_to_the_organisation_or_its_owner() {
    let text = "Corvel Seeds sold its new wheat in Kansas. Farmers were unhappy.\n\n\
                \"We stand by our product and its safety record,\" the company said.\n\n\
                The Harbour Journal wrote about the mayor, Rita Moss.\n\n\
                \"She is the best choice for the city,\" the editorial board wrote.\n\n\
                \"The mayor will answer every question next week,\" Moss's office said.";
    let a = analyse(text, &[("Corvel Seeds", "ORG"), ("Kansas", "LOC"), ("Harbour Journal", "ORG"), ("Rita Moss", "PER"), ("Moss", "PER")]);
    assert_eq!(quote(&a, "safety record").1, "Corvel Seeds");
    assert_eq!(quote(&a, "best choice").1, "Harbour Journal");
    assert_eq!(quote(&a, "answer every question").1, "Rita Moss");
}

#[test]
fn a_cueless_quote_inside_a_sentence_is_its_subjects() {
    let text = "Mayor Rita Moss spoke first. \"We will open the bridge in May,\" she said.\n\n\
                Lena Ortiz supports \"fair pay for every worker in the county\" and wants more buses.\n\n\
                Mr. Tom Reyes answered the next day.\n\n\
                He criticized Lena Ortiz and said she \"cannot fix what she broke herself\" in office.";
    let a = analyse(text, &[("Rita Moss", "PER"), ("Lena Ortiz", "PER"), ("Tom Reyes", "PER")]);
    assert_eq!(quote(&a, "cannot fix"), (QuoteKind::Direct, "Tom Reyes".into(), Resolution::Subject));
    assert_eq!(quote(&a, "fair pay"), (QuoteKind::Direct, "Lena Ortiz".into(), Resolution::Subject));
    // a pronoun subject before the name: its referent's words, not Ortiz's
    let (_, s) = quote_and_speaker(&a, "cannot fix");
    assert_ne!(s.name, "Lena Ortiz");
}

#[test]
fn a_capitalised_common_word_is_no_speaker() {
    // "Instead" opens a sentence; the article writes "instead" elsewhere, so it names no one
    let text = "The mayor skipped the vote and went fishing instead of working.\n\n\
                Instead he told reporters that the bridge would open in May.\n\n\
                Authorities said the road would stay closed until the inspection ends.";
    let a = analyse(text, &[]);
    assert!(a.speakers.iter().all(|c| c.name != "Instead"), "{:#?}", a.speakers);
    let closed = a.quotes.iter().find(|q| q.text.contains("road would stay closed")).expect("the authorities' indirect quote");
    assert_eq!(closed.speaker.as_ref().map(|s| s.text.as_str()), Some("Authorities"));
}

#[test]
fn two_apostrophes_quote_across_a_cue_and_a_paragraph() {
    let text = "The mayor spoke first. ''The bridge opens in May. It's paid for,'' Mayor Ana Ruiz said.\n\nCritics were unmoved. ''We've heard that before,'' said Tom Hale, who leads the residents' group.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Tom Hale", "PER")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "bridge opens");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("The bridge opens in May. It's paid for,", "Ana Ruiz"));
    assert_eq!(quote(&a, "heard that before"), (QuoteKind::Direct, "Tom Hale".into(), Resolution::Explicit));
}

#[test]
fn unnamed_sources_have_no_name_but_institutions_and_named_descriptions_do() {
    let text = "The plant will close in June, a spokeswoman said on Monday. The ministry said the jobs would move north. A new report by Harbour Watch said the port was losing money.";
    let a = analyse(text, &[("Harbour Watch", "ORG")]);
    assert_offsets(text, &a);
    let (_, s) = quote_and_speaker(&a, "plant will close");
    assert_eq!((s.name.as_str(), s.text.as_str(), s.resolution), ("", "a spokeswoman", Resolution::Unresolved));
    assert_eq!(quote(&a, "jobs would move").1, "The ministry");
    assert_eq!(quote(&a, "port was losing").1, "Harbour Watch");
}

#[test]
fn a_name_before_a_role_qualifies_the_person_named_after_it() {
    let text = "“We will carry the state by ten points,” said Moss campaign manager Dana Kirk. “The turnout will decide it,” said Moss’s senior field aide Omar Bell.";
    let a = analyse(text, &[("Moss", "PER"), ("Dana Kirk", "PER"), ("Moss’s", "PER"), ("Omar Bell", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "carry the state").1, "Dana Kirk");
    assert_eq!(quote(&a, "turnout will decide").1, "Omar Bell");
}

#[test]
fn an_organisation_after_of_only_says_where_the_speaker_works() {
    let text = "“The levee will hold,” Ms. Grant of the River Trust said. Ann Lee, president of the Harbour Board, which runs the docks, said “the pier needs a new roof this year.”";
    let a = analyse(text, &[("Grant", "PER"), ("River Trust", "ORG"), ("Ann Lee", "PER"), ("Harbour Board", "ORG")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "levee will hold").1, "Grant");
    assert_eq!(quote(&a, "pier needs a new roof").1, "Ann Lee");
}

#[test]
fn an_as_clause_names_the_speaker_of_the_quote_after_it() {
    let text = "The port reopened. As Dana Kirk said last week in Lyon, “the harbour is the heart of this town and always was.” The crowd cheered. “We will keep every job on the docks,” Ruiz answered.";
    let a = analyse(text, &[("Dana Kirk", "PER"), ("Lyon", "LOC"), ("Ruiz", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "heart of this town"), (QuoteKind::Direct, "Dana Kirk".into(), Resolution::Explicit));
    assert_eq!(quote(&a, "keep every job").1, "Ruiz");
}

#[test]
fn a_description_right_after_a_name_varies_it() {
    // two people named once each: no protagonist, the one named last is meant
    let text = "Erik Lund opened the meeting. Voters in the valley asked whether Nadia Holm still backs the dam. The Ostrava senator said “the dam will be built, and the valley will be paid for every field it floods.”";
    let a = analyse(text, &[("Erik Lund", "PER"), ("Nadia Holm", "PER"), ("Ostrava", "LOC")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "dam will be built"), (QuoteKind::Direct, "Nadia Holm".into(), Resolution::Nominal));
}

#[test]
fn a_cueless_quote_after_a_sentence_about_someone_new_is_theirs() {
    let text = "“We will fund the clinic,” Mayor Ana Ruiz said.\n\nSen. Tom Hale, who lost the primary to Ruiz, stood outside the hall for an hour. “The clinic is a promise nobody intends to keep and never did.”";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Tom Hale", "PER"), ("Ruiz", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "fund the clinic").1, "Ana Ruiz");
    // not a continuation of Ruiz: Hale was introduced since she spoke
    assert_eq!(quote(&a, "promise nobody intends"), (QuoteKind::Direct, "Tom Hale".into(), Resolution::Subject));
}

#[test]
fn a_description_opening_a_sentence_is_the_subject_just_before() {
    // the role matches nobody by title; the subject of the sentence before is meant, not the
    // person named last (Ruiz) and not the rival party's nominee
    let text = "Democratic nominee Ana Ruiz toured the mill on Monday.\n\nTom Hale says he has big plans for the last month, starting at Ruiz’s old mill. The Republican nominee said “the mill will reopen on the first day of my term, and every worker will be back.”";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Tom Hale", "PER"), ("Ruiz’s", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "mill will reopen"), (QuoteKind::Direct, "Tom Hale".into(), Resolution::Nominal));
}

#[test]
fn a_description_is_read_with_what_was_said_before_it_only() {
    // "businessman" comes after Ruiz's name in the sentence that uses it, so it says nothing
    // about Ruiz; the subject before (Hale) is meant
    let text = "Ana Ruiz spoke first. Tom Hale charges that the fund was mismanaged.\n\nThe Ostrava businessman says of Ruiz, “she has never run anything bigger than a bake sale, and it shows.”";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Tom Hale", "PER"), ("Ostrava", "LOC"), ("Ruiz", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "bake sale").1, "Tom Hale");
}

#[test]
fn a_name_before_an_organisation_word_and_a_possessive_employer() {
    let text = "Last month, the Ruiz administration announced it had met its goal of housing 400 families. “The count is wrong,” noted KTV’s Omar Bell.";
    let a = analyse(text, &[("Ruiz", "PER"), ("KTV’s", "ORG"), ("Omar Bell", "PER")]);
    assert_offsets(text, &a);
    let (_, s) = quote_and_speaker(&a, "met its goal");
    assert_eq!((s.name.as_str(), s.text.as_str()), ("Ruiz", "the Ruiz administration"));
    assert_eq!(quote(&a, "count is wrong").1, "Omar Bell");
}

#[test]
fn double_apostrophes_open_a_new_sentence() {
    let text = "Mr. Cole praised the plan. ''It is more tinkering at the edges,'' said Lena Voss, an economist at the institute. ''I would not call it reform. There are no major changes to the code at all.''";
    let a = analyse(text, &[("Cole", "PER"), ("Lena Voss", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "tinkering").1, "Lena Voss");
    // the second quote opens its own sentence: it continues Voss, not the subject Cole
    assert_eq!(quote(&a, "would not call it reform"), (QuoteKind::Direct, "Lena Voss".into(), Resolution::Continuation));
}

#[test]
fn indirect_speech_with_a_that_inside_the_content_and_an_organisation_subject() {
    let text = "Chief Ruiz said officers are in possession of footage that shows the fire. The network said it would send a crew to the valley next week.";
    let a = analyse(text, &[("Ruiz", "PER")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "footage that shows");
    assert_eq!((q.kind, q.text.as_str(), s.name.as_str()), (QuoteKind::Indirect, "officers are in possession of footage that shows the fire", "Ruiz"));
    let (q, s) = quote_and_speaker(&a, "send a crew");
    assert_eq!((q.text.as_str(), s.text.as_str()), ("it would send a crew to the valley next week", "The network"));
}

#[test]
fn an_apposition_after_the_speaker_is_not_content() {
    let text = "The first ad could run this week in three states, said Omar Bell, a longtime adviser to the family who runs the fund. A lawyer for the two papers, Lena Voss, said no decision had been made about an appeal.";
    let a = analyse(text, &[("Omar Bell", "PER"), ("Lena Voss", "PER")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "first ad");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("The first ad could run this week in three states", "Omar Bell"));
    assert!(!a.quotes.iter().any(|q| q.text.contains("longtime adviser")));
    assert_eq!(quote(&a, "no decision had been made"), (QuoteKind::Indirect, "Lena Voss".into(), Resolution::Apposition));
}

#[test]
fn groups_and_shares_of_a_poll_say_things_too() {
    let text = "The poll asked 900 voters. Twenty-four percent said they were more likely to vote for Ruiz. The organizers said they do not know how many rabbis will come. She said she supported it.";
    let a = analyse(text, &[("Ruiz", "PER")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "more likely to vote");
    assert_eq!((q.kind, s.name.as_str(), s.text.as_str()), (QuoteKind::Indirect, "", "Twenty-four percent"));
    let (_, s) = quote_and_speaker(&a, "how many rabbis");
    assert_eq!((s.name.as_str(), s.text.as_str()), ("", "The organizers"));
    // three words of content are enough after "said"
    assert_eq!(quote_and_speaker(&a, "she supported it").0.text, "she supported it");
}

#[test]
fn a_short_quote_opening_its_sentence_keeps_its_cue() {
    let text = "Advisers met on Sunday.\n\n“They’d be wrong,” Omar Bell, a spokesman for Ruiz, said in an interview Sunday in Santa Lucia, Calif. “The reality is this is going to the convention.”";
    let a = analyse(text, &[("Omar Bell", "PER"), ("Ruiz", "PER"), ("Santa Lucia", "LOC"), ("Calif", "LOC")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "be wrong"), (QuoteKind::Direct, "Omar Bell".into(), Resolution::Apposition));
    assert_eq!(quote(&a, "going to the convention").1, "Omar Bell");
}

#[test]
fn told_a_named_addressee_then_a_clause() {
    let text = "Lena Voss told KTV she planned to stay neutral in the race. Omar Bell, who is third in the polls, spoke at a fair with Sen. Ana Ruiz of Ohio. The Texas senator told reporters he feels good about his chances in the state.";
    let a = analyse(text, &[("Lena Voss", "PER"), ("KTV", "ORG"), ("Omar Bell", "PER"), ("Ana Ruiz", "PER"), ("Ohio", "LOC"), ("Texas", "LOC")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "stay neutral");
    assert_eq!((q.kind, q.text.as_str(), s.name.as_str()), (QuoteKind::Indirect, "she planned to stay neutral in the race", "Lena Voss"));
    // Ruiz is a senator, but not a Texas one: the subject just before is meant
    assert_eq!(quote(&a, "feels good").1, "Omar Bell");
}

#[test]
fn a_promise_reports_its_infinitive_and_an_opening_participle_is_no_name() {
    let text = "Omar Bell has vowed to bring back every mining job in the valley.\n\nChastened by the polls, Ana Ruiz revised her plan, promising to focus more of its benefits on young families.";
    let a = analyse(text, &[("Omar Bell", "PER"), ("Ana Ruiz", "PER")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "mining job");
    assert_eq!((q.kind, q.text.as_str(), s.name.as_str()), (QuoteKind::Indirect, "to bring back every mining job in the valley", "Omar Bell"));
    assert_eq!(quote(&a, "young families").1, "Ana Ruiz");
}

#[test]
fn a_parenthetical_cue_sits_inside_its_content() {
    let text = "But to prevent problems at the polls, Omar Bell said, local officials should be vigilant about every machine. Ana Ruiz called for the contestants to wear dresses that showed their team colours.";
    let a = analyse(text, &[("Omar Bell", "PER"), ("Ana Ruiz", "PER")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "vigilant");
    assert_eq!((q.kind, q.text.as_str(), s.name.as_str()), (QuoteKind::Indirect, "to prevent problems at the polls, Omar Bell said, local officials should be vigilant about every machine", "Omar Bell"));
    // the "that" after "dresses" is a relative pronoun, not where the content starts
    assert_eq!(quote_and_speaker(&a, "team colours").0.text, "the contestants to wear dresses that showed their team colours");
}

#[test]
fn a_name_before_a_role_is_not_the_subject_for_the_next_pronoun() {
    let text = "“The plan is sound,” said Ana Ruiz.\n\nRuiz spokeswoman Lena Voss criticized Omar Bell for the claim. “Nice try, but not true at all,” she said.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Ruiz", "PER"), ("Lena Voss", "PER"), ("Omar Bell", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "Nice try"), (QuoteKind::Direct, "Lena Voss".into(), Resolution::Pronoun));
}

#[test]
fn capitalised_titles_and_a_titled_phrase_before_a_name_in_commas() {
    let text = "“It does not mean he did it in an honest way,” said Harbour Union Political Director Tim Vale. “Eventually, positions are going to soften on the dam,” Ostrava Rep. Ana Ruiz’s chief of staff, Omar Bell, told KTV.";
    let a = analyse(text, &[("Harbour Union", "ORG"), ("Tim Vale", "PER"), ("Ostrava", "LOC"), ("Ana Ruiz’s", "PER"), ("Omar Bell", "PER"), ("KTV", "ORG")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "honest way").1, "Tim Vale");
    assert_eq!(quote(&a, "positions are going"), (QuoteKind::Direct, "Omar Bell".into(), Resolution::Apposition));
}

#[test]
fn a_document_nobody_was_heard_issuing_is_the_sentence_openers() {
    let text = "The Harbour Trust sent a long letter to every family on Monday.\n\nThe letter said “the pier will close for good at the end of the summer season.”";
    let a = analyse(text, &[("The Harbour Trust", "ORG")]);
    assert_offsets(text, &a);
    let (_, s) = quote_and_speaker(&a, "pier will close");
    assert_eq!((s.name.as_str(), s.text.as_str(), s.resolution), ("The Harbour Trust", "The letter", Resolution::Nominal));
}

#[test]
fn a_cue_coordinated_by_and_has_the_sentences_subject() {
    let text = "Omar Bell backed the mayor during his years on the council and said he did not support the new dam.";
    let a = analyse(text, &[("Omar Bell", "PER")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "new dam");
    assert_eq!((q.kind, q.text.as_str(), s.name.as_str()), (QuoteKind::Indirect, "he did not support the new dam", "Omar Bell"));
}

#[test]
fn plural_roles_are_unnamed_speakers() {
    let text = "Omar Bell won the primary. His advisers have suggested his most powerful role is as a convert to the cause.";
    let a = analyse(text, &[("Omar Bell", "PER")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "powerful role");
    assert_eq!((q.kind, s.name.as_str(), s.text.as_str(), s.resolution), (QuoteKind::Indirect, "", "His advisers", Resolution::Unresolved));
}

#[test]
fn a_question_put_to_someone_is_reported_speech() {
    let text = "Asked on Monday whether he would run for the council again, the mayor smiled. When asked by the host whether the dam was safe, Omar Bell said the engineers had signed off on it.";
    let a = analyse(text, &[("Omar Bell", "PER")]);
    assert_offsets(text, &a);
    let (q, _) = a.quotes.iter().find(|q| q.text.contains("run for the council")).map(|q| (q, ())).expect("the question is a quote");
    assert_eq!((q.kind, q.text.as_str(), q.cue.as_ref().map(|c| c.text.as_str())), (QuoteKind::Indirect, "whether he would run for the council again", Some("Asked")));
    // the answer in the main clause keeps its own speaker
    assert_eq!(quote(&a, "engineers had signed off").1, "Omar Bell");
}

#[test]
fn a_vice_president_is_not_the_president() {
    let text = "President Ana Ruiz opened the museum on Saturday. Vice President Omar Bell spoke after her about the stone block on display. It was, the president said, “a stone where day after day for years, people were sold.”";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Omar Bell", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "day after day").1, "Ana Ruiz");
}

// ---- the attribution head's spans (given by hand, as the two-head model would tag them) ----

use quotewire::nlp::ner::{Role, RoleSpan};

/// The head's span over the first occurrence of `snippet`, with a mean tag probability `score`.
fn role(text: &str, snippet: &str, role: Role, score: f32) -> RoleSpan {
    let byte = text.find(snippet).unwrap_or_else(|| panic!("{snippet:?} not in the text"));
    let start = text[..byte].chars().count();
    let tokens = snippet.split_whitespace().count() + 1;
    RoleSpan { role, start, end: start + snippet.chars().count(), score, tokens }
}

fn analyse_tagged(text: &str, names: &[(&str, &str)], roles: &[RoleSpan]) -> QuoteAnalysis {
    let a = extract_quotes(text, &entities(text, names), roles, &QuoteOptions::default());
    assert_offsets(text, &a);
    a
}

#[test]
fn a_less_confident_head_content_counts_beside_a_reporting_verb_only() {
    let said = "Ana Ruiz said the port would reopen to cargo ships within a month.";
    let roles = [role(said, "Ana Ruiz", Role::Source, 0.9), role(said, "said", Role::Cue, 0.9), role(said, "the port would reopen to cargo ships within a month", Role::Content, 0.85)];
    let a = analyse_tagged(said, &[("Ana Ruiz", "PER")], &roles);
    assert_eq!(quote(&a, "the port would reopen"), (QuoteKind::Indirect, "Ana Ruiz".to_string(), Resolution::Explicit));

    // "is sure" is a belief, not speech: the same score is not enough ...
    let hopes = "Ana Ruiz is sure the port would reopen to cargo ships within a month.";
    let roles = |score| [role(hopes, "Ana Ruiz", Role::Source, 0.9), role(hopes, "is sure", Role::Cue, 0.9), role(hopes, "the port would reopen to cargo ships within a month", Role::Content, score)];
    let weak = analyse_tagged(hopes, &[("Ana Ruiz", "PER")], &roles(0.85));
    assert!(weak.quotes.is_empty(), "{:#?}", weak.quotes);
    // ... but a confident content is reported
    let a = analyse_tagged(hopes, &[("Ana Ruiz", "PER")], &roles(0.95));
    assert_eq!(quote(&a, "the port would reopen").1, "Ana Ruiz");
}

#[test]
fn pieces_of_a_long_source_apposition_are_read_as_one_mention() {
    let text = "Jo Lee, a former trade minister who is a critic of Ana Ruiz, makes the case that the tariffs will hurt farmers in the north.";
    let roles = [
        role(text, "Jo Lee, a", Role::Source, 0.8),
        role(text, "trade minister who is a critic of Ana Ruiz", Role::Source, 0.6),
        role(text, "makes the case", Role::Cue, 0.9),
        role(text, "that the tariffs will hurt farmers in the north", Role::Content, 0.95),
    ];
    let a = analyse_tagged(text, &[("Jo Lee", "PER"), ("Ana Ruiz", "PER")], &roles);
    assert_eq!(quote(&a, "the tariffs will hurt").1, "Jo Lee");
}

#[test]
fn a_content_ending_a_sentence_is_not_joined_to_the_direct_quote_after_it() {
    // the head tags both contents; the dot between them ends a sentence, so they stay two
    let text = "Northwind said on Monday it would close two mines. \"This is a hard day,\" Jo Lee said.";
    let roles = [
        role(text, "Northwind", Role::Source, 0.7),
        role(text, "said", Role::Cue, 0.95),
        role(text, "it would close two mines", Role::Content, 0.98),
        role(text, "\"This is a hard day,\"", Role::Content, 0.99),
        role(text, "Jo Lee", Role::Source, 0.98),
    ];
    let a = analyse_tagged(text, &[("Northwind", "ORG"), ("Jo Lee", "PER")], &roles);
    let (q, s) = quote_and_speaker(&a, "close two mines");
    assert_eq!((q.text.as_str(), q.kind, s.name.as_str()), ("it would close two mines", QuoteKind::Indirect, "Northwind"));
    assert_eq!(quote(&a, "This is a hard day"), (QuoteKind::Direct, "Jo Lee".to_string(), Resolution::Explicit));
}

#[test]
fn a_source_in_the_next_paragraph_is_not_the_speaker() {
    let text = "Harbour Coal was proud that its output doubled in less than a year.\n\nNorthwind failed two years later.";
    let roles = [
        role(text, "Harbour Coal", Role::Source, 0.5),
        role(text, "that its output doubled in less than a year", Role::Content, 0.95),
        role(text, "Northwind", Role::Source, 0.4),
    ];
    let a = analyse_tagged(text, &[("Harbour Coal", "ORG"), ("Northwind", "ORG")], &roles);
    assert_eq!(quote(&a, "its output doubled").1, "Harbour Coal");
}

#[test]
fn a_name_after_a_cue_that_opens_the_content_is_the_addressee() {
    let text = "Even Norland, the island's only ally, said it was opposed to the test and warned Sudria to refrain from further launches this year.";
    let roles = [role(text, "warned", Role::Cue, 0.6), role(text, "Sudria to refrain from further launches this year", Role::Content, 0.8)];
    let a = analyse_tagged(text, &[("Norland", "LOC"), ("Sudria", "LOC")], &roles);
    if let Some(q) = a.quotes.iter().find(|q| q.text.contains("refrain")) {
        assert_ne!(q.speaker.as_ref().map(|s| s.name.as_str()), Some("Sudria"), "{q:#?}");
    }
}

#[test]
fn a_head_content_without_a_source_goes_to_the_subject_of_its_sentence() {
    let text = "Kim Park demands openness from the council, yet refuses to publish her own records or explain how the harbour deal was signed.";
    let roles = [role(text, "explain", Role::Cue, 0.9), role(text, "how the harbour deal was signed", Role::Content, 0.9)];
    let a = analyse_tagged(text, &[("Kim Park", "PER")], &roles);
    assert_eq!(quote(&a, "how the harbour deal"), (QuoteKind::Indirect, "Kim Park".to_string(), Resolution::Subject));
}

#[test]
fn a_head_content_nobody_can_have_said_is_dropped() {
    let text = "Once, on a long drive north, the talk turned to the weather and how the harbour deal was signed.";
    let roles = [role(text, "turned to", Role::Cue, 0.9), role(text, "how the harbour deal was signed", Role::Content, 0.9)];
    assert!(analyse_tagged(text, &[], &roles).quotes.is_empty());
}

// Wire conventions and descriptions of organisations (issue #19's failure categories).

#[test]
fn a_dateline_is_no_part_of_the_content_it_opens() {
    let text = "PORT VALE (Wire) - Norvik Energy will close two coal units next year, the company said on Tuesday.\n\nShares rose.";
    let a = analyse(text, &[("Norvik Energy", "ORG")]);
    let (q, s) = quote_and_speaker(&a, "two coal units");
    assert_eq!(q.text, "Norvik Energy will close two coal units next year");
    assert_eq!(s.name, "Norvik Energy");
    assert_offsets(text, &a);
}

#[test]
fn a_photo_caption_gives_no_quote_and_its_credit_no_speaker() {
    let text = "FILE PHOTO: Finance Minister Ada Brennan says goodbye to staff in Dunmore, May 5, 2019. WIRE/Tom Keane\n\n\"It is the right thing to do,\" Ada Brennan told reporters on Monday.";
    let a = analyse(text, &[("Ada Brennan", "PER"), ("Dunmore", "LOC"), ("WIRE/Tom Keane", "ORG")]);
    assert_eq!(a.quotes.len(), 1, "{:#?}", a.quotes);
    assert_eq!(quote(&a, "right thing"), (QuoteKind::Direct, "Ada Brennan".to_string(), Resolution::Explicit));
    let text = "Crowds gather outside parliament on Sunday, saying they want new elections. Photo: Ines Duarte/Agency\n\nThousands marched on Sunday.";
    let a = analyse(text, &[("Ines Duarte", "PER")]);
    assert!(a.quotes.is_empty(), "{:#?}", a.quotes);
}

#[test]
fn relayed_speech_belongs_to_the_one_quoted_not_the_outlet() {
    let text = "Fighting resumed overnight.\n\nThe state news agency Tasnova quoted President Omar Haddad as saying that the army would not withdraw from the region.";
    let a = analyse(text, &[("Tasnova", "ORG"), ("Omar Haddad", "PER")]);
    assert_eq!(quote(&a, "would not withdraw").1, "Omar Haddad");
    let text = "Defence Minister Karim Aziz visited the troops on Thursday.\n\nState television quoted him as saying the army was ready for any attack.";
    let a = analyse(text, &[("Karim Aziz", "PER")]);
    let (_, s) = quote_and_speaker(&a, "army was ready");
    assert_eq!((s.name.as_str(), s.text.as_str(), s.resolution), ("Karim Aziz", "him", Resolution::Pronoun));
}

#[test]
fn a_company_described_by_its_trade_is_the_organisation_the_article_named() {
    for description in ["The lender", "The planemaker", "The consultancy", "The carmaker", "The regulator"] {
        let text = format!("Harbour Holdings cut its growth forecast on Friday.\n\n{description} said higher interest rates would weigh on demand for new homes.");
        let a = analyse(&text, &[("Harbour Holdings", "ORG")]);
        let (_, s) = quote_and_speaker(&a, "higher interest rates");
        assert_eq!((s.name.as_str(), s.resolution), ("Harbour Holdings", Resolution::Nominal), "{description}");
    }
}

#[test]
fn the_person_beside_an_organisation_is_the_speaker_not_the_organisation() {
    let text = "Oil prices rose on Monday.\n\n\"The market is tighter than it looks,\" said Priya Raman, head of research at Calder Energy Partners.\n\nCalder Energy Partners team boss Marco Ventura said the rally would not last.";
    let a = analyse(text, &[("Priya Raman", "PER"), ("Calder Energy Partners", "ORG"), ("Marco Ventura", "PER")]);
    assert_eq!(quote(&a, "tighter than it looks").1, "Priya Raman");
    assert_eq!(quote(&a, "rally would not last").1, "Marco Ventura");
}

#[test]
fn a_photo_credit_is_never_the_speaker() {
    let text = "Workers leave the Harbour Steel plant on Friday. WIRE/Tom Keane\n\nThe plant will close in May and 300 jobs will go, it said.";
    let a = analyse(text, &[("Harbour Steel", "ORG"), ("WIRE/Tom Keane", "ORG")]);
    assert_eq!(quote(&a, "plant will close").1, "Harbour Steel");
}

#[test]
fn a_quote_opened_straight_and_closed_curly_is_one_quote_with_its_own_speaker() {
    let text = "The council backed the new bridge on Tuesday.\n\n\"The river crossing will halve the commute for thousands,” said Tomas Berg, a spokesman for the Harbour Alliance. \"Work starts in spring and ends within two years.\"\n\nOpponents said the cost was too high.";
    let a = analyse(text, &[("Tomas Berg", "PER"), ("Harbour Alliance", "ORG")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "halve the commute");
    assert!(!q.text.contains("said Tomas Berg"), "the curly mark closes the straight one: {:?}", q.text);
    assert_eq!(s.name, "Tomas Berg");
    assert_eq!(quote(&a, "Work starts in spring").1, "Tomas Berg");
}

#[test]
fn a_given_name_alone_is_the_person_of_the_article_so_named() {
    let text = "Marta Olsen opened the new library on Saturday.\n\n\"Every child in this town deserves a quiet place to read,\" Marta said.\n\nThomas Frank and Frank Lowe disagreed.\n\n\"We cannot pay for it next year,\" Frank said.";
    let a = analyse(text, &[("Marta Olsen", "PER"), ("Marta", "PER"), ("Thomas Frank", "PER"), ("Frank Lowe", "PER"), ("Frank", "PER")]);
    assert_eq!(quote(&a, "quiet place to read").1, "Marta Olsen");
    // "Frank" is one person's surname and another's given name: not guessed from the given name
    assert_ne!(quote(&a, "cannot pay for it").1, "Frank Lowe");
}

#[test]
fn a_given_name_met_before_the_full_name_is_that_person() {
    let text = "The mayor stayed home, but his wife, Ines, spoke at the rally.\n\n\"We will keep the clinic open,\" she said.\n\nLater Ines Duarte met the nurses.";
    let a = analyse(text, &[("Ines", "PER"), ("Ines Duarte", "PER")]);
    assert_eq!(quote(&a, "keep the clinic open").1, "Ines Duarte");
}

#[test]
fn a_capitalised_conjunction_opening_a_sentence_is_no_speaker() {
    let text = "The union met the owners on Monday. Whenever asked about wages, they changed the subject to how the new shifts would work.";
    let a = analyse(text, &[]);
    assert!(a.quotes.iter().all(|q| q.speaker.as_ref().is_none_or(|s| s.name != "Whenever")), "{:#?}", a.quotes);
}

#[test]
fn a_country_as_the_subject_of_a_speech_verb_speaks_for_its_government() {
    let text = "Talks stalled again on Monday. The new reactor, Norland said, was ready to run by spring. \
                A farmer from Lakeside, Norland, said the rain had come late this year.";
    let a = analyse(text, &[("Norland", "LOC"), ("Lakeside", "LOC")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "ready to run");
    assert_eq!(q.text, "The new reactor, Norland said, was ready to run by spring");
    assert_eq!((q.kind, s.name.as_str()), (QuoteKind::Indirect, "Norland"));
    // a place that only says where someone lives names no speaker
    assert!(a.quotes.iter().filter(|q| q.text.contains("rain had come")).all(|q| q.speaker.as_ref().is_none_or(|s| s.name != "Norland")), "{:#?}", a.quotes);
}

#[test]
fn after_a_parenthetical_cue_the_sentence_verb_resumes() {
    let text = "The budget was cut in March. The second plant, the ministry said, would close in June. \
                The old mill, Dana Ortiz said, was never safe.";
    let a = analyse(text, &[("Dana Ortiz", "PER")]);
    let (q, _) = quote_and_speaker(&a, "never safe");
    assert_eq!(q.text, "The old mill, Dana Ortiz said, was never safe");
    assert_eq!(quote(&a, "never safe").1, "Dana Ortiz");
    let (q, _) = quote_and_speaker(&a, "close in June");
    assert_eq!(q.text, "The second plant, the ministry said, would close in June");
    // too little before the cue to be all the content: the clause after it is the rest
    let text = "The primary is over. That is why, Dana Ortiz argued, the party should be ready.";
    let a = analyse(text, &[("Dana Ortiz", "PER")]);
    assert_eq!(quote_and_speaker(&a, "party should be ready").0.text, "That is why, Dana Ortiz argued, the party should be ready");
    // a subordinate clause of the content goes on after the cue
    let text = "The town grew for decades. The mill thrived, Dana Ortiz said, until it lost its last buyer.";
    let a = analyse(text, &[("Dana Ortiz", "PER")]);
    assert_eq!(quote_and_speaker(&a, "last buyer").0.text, "The mill thrived, Dana Ortiz said, until it lost its last buyer");
}

#[test]
fn a_person_described_by_a_long_role_at_an_organisation_is_the_speaker_not_the_organisation() {
    let text = "The vote is close. Carla Mendes, executive vice president for policy at the Center for Rural Progress, \
                a liberal think tank, said the plan would fail in the Senate.";
    let a = analyse(text, &[("Carla Mendes", "PER"), ("Center for Rural Progress", "ORG"), ("Senate", "ORG")]);
    assert_eq!(quote(&a, "plan would fail"), (QuoteKind::Indirect, "Carla Mendes".to_string(), Resolution::Apposition));
}

#[test]
fn a_role_after_an_organisation_introduces_the_person_who_speaks() {
    for (text, org) in [
        ("The show ended early. \"We had no choice but to stop the broadcast tonight,\" said Skyline co-host Tom Reyes.", "Skyline"),
        ("The vote was delayed. \"We will count every ballot before we call this race,\" said Harbor Party boss Tom Reyes.", "Harbor Party"),
        ("The base reopened. \"The runway is safe for every flight again,\" said Harbor Guard 1st Lt. Tom Reyes.", "Harbor Guard"),
    ] {
        let a = analyse(text, &[(org, "ORG"), ("Tom Reyes", "PER")]);
        assert_offsets(text, &a);
        assert_eq!(a.quotes.len(), 1, "{text}");
        assert_eq!(a.quotes[0].speaker.as_ref().map(|s| s.name.as_str()), Some("Tom Reyes"), "{text}");
    }
    // between two people a lower-case word is no role: the first one is the sentence's subject
    let text = "Dana Ortiz met voters in Salem. Ortiz said Tom Reyes had lost touch with them. \"He never comes here,\" she said.";
    let a = analyse(text, &[("Dana Ortiz", "PER"), ("Ortiz", "PER"), ("Tom Reyes", "PER")]);
    assert_eq!(quote(&a, "never comes here").1, "Dana Ortiz");
}

#[test]
fn an_age_epithet_is_the_person_given_that_age() {
    let text = "Lena Fisk, 46, runs a bakery in Salem. Tom Reyes, her neighbour, joined her on Monday. \
                The 46-year-old said the rent had doubled since spring. \"We may have to move,\" said the 46-year-old.";
    let a = analyse(text, &[("Lena Fisk", "PER"), ("Salem", "LOC"), ("Tom Reyes", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "rent had doubled"), (QuoteKind::Indirect, "Lena Fisk".to_string(), Resolution::Nominal));
    assert_eq!(quote(&a, "have to move").1, "Lena Fisk");
}

#[test]
fn a_town_and_its_state_in_an_apposition_are_where_the_speaker_lives() {
    let text = "Voters lined up early. Dean Lee, a salesman from Sumter, South Carolina, said the plant closure had hurt the town.";
    let a = analyse(text, &[("Dean Lee", "PER"), ("Sumter", "ORG"), ("South Carolina", "LOC")]);
    assert_eq!(quote(&a, "plant closure").1, "Dean Lee");
}

#[test]
fn a_short_quoted_fragment_after_a_cue_is_part_of_the_reported_clause() {
    let text = "The lights went out at night. Tom Reyes said that \"a blast\" had cut power to the city before the police confirmed it.";
    let a = analyse(text, &[("Tom Reyes", "PER")]);
    assert_offsets(text, &a);
    assert_eq!(a.quotes.len(), 1, "{:#?}", a.quotes);
    let (q, s) = quote_and_speaker(&a, "had cut power");
    assert_eq!((q.kind, q.text.as_str(), s.name.as_str()), (QuoteKind::Mixed, "\"a blast\" had cut power to the city before the police confirmed it", "Tom Reyes"));
}

#[test]
fn a_country_in_apposition_speaks_and_a_pronoun_that_a_verb_follows_is_no_inverted_speaker() {
    let text = "Norland tested a missile. Westland, its only ally, said it was \"firmly opposed\" to the test.";
    let a = analyse(text, &[("Norland", "LOC"), ("Westland", "LOC")]);
    assert_offsets(text, &a);
    assert_eq!(a.quotes.len(), 1, "{:#?}", a.quotes);
    let (q, s) = quote_and_speaker(&a, "firmly opposed");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("it was \"firmly opposed\" to the test", "Westland"));
    // a capitalised adverb that only opens the sentence is no part of the name
    let text = "Norland tested a missile. Even Westland, Norland's only ally, said it was \"firmly opposed\" to the test.";
    let a = analyse(text, &[("Norland", "ORG"), ("Westland", "LOC")]);
    assert_eq!(quote(&a, "firmly opposed").1, "Westland");
}

#[test]
fn a_participle_continues_a_sentence_whose_subject_is_a_description_of_a_person() {
    let text = "Dana Ortiz lost the primary on Tuesday. The Westland senator sought to calm her supporters, saying, \"We will be back, stronger than before.\"";
    let a = analyse(text, &[("Dana Ortiz", "PER"), ("Westland", "LOC")]);
    assert_offsets(text, &a);
    assert_eq!(quote(&a, "We will be back").1, "Dana Ortiz");
    // a title run before a name is no description: the name speaks
    let text = "Markets fell. Harbor Party candidate Tom Reyes took to the radio, saying, \"This is the worst week for savers in years.\"";
    let a = analyse(text, &[("Harbor Party", "ORG"), ("Tom Reyes", "PER")]);
    assert_eq!(quote(&a, "worst week").1, "Tom Reyes");
}

/// A speaker model whose only weight is on `feature` (the rules' choice still breaks ties).
fn model_weighing(feature: &str, weight: f32) -> &'static SpeakerModel {
    let weights: Vec<f32> = FEATURES.iter().map(|f| if *f == feature { weight } else if *f == "cascade" { 0.1 } else { 0.0 }).collect();
    let raw = serde_json::json!({"format": "quotewire-speaker-model-1", "features": FEATURES, "weights": weights}).to_string();
    Box::leak(Box::new(SpeakerModel::from_json(&raw, "test").expect("valid weights")))
}

const TWO_MEN: &str = "Governor Omar Haddad opened the new harbour on Friday. Paul Brenner, who runs the port, \
                       stood beside him. \"The ships will come back,\" he said.";

#[test]
fn a_pronoun_choice_records_every_candidate_with_its_features() {
    let options = QuoteOptions { record_choices: true, ..QuoteOptions::default() };
    let a = extract_quotes(TWO_MEN, &entities(TWO_MEN, &[("Omar Haddad", "PER"), ("Paul Brenner", "PER")]), &[], &options);
    let choice = a.pronoun_choices.first().expect("the pronoun's choice is recorded");
    let names: Vec<&str> = choice.candidates.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["Paul Brenner", "Omar Haddad"], "most recently named first");
    assert!(choice.candidates.iter().all(|c| c.features.len() == FEATURES.len()));
    let feature = |who: usize, name: &str| choice.candidates[who].features[FEATURES.iter().position(|f| *f == name).unwrap()];
    // the sentence before names Brenner first; Haddad opened the article
    assert_eq!(feature(0, "subject_previous_sentence"), 1.0);
    assert_eq!(feature(1, "first_person_named"), 1.0);
    assert_eq!(feature(0, "salience_rank"), 0.0);
    assert_eq!(choice.chosen, choice.cascade, "without a model the rules choose");
    assert_eq!(quote(&a, "ships will come back").1, "Paul Brenner");
}

#[test]
fn the_speaker_model_decides_between_the_candidates() {
    let names = entities(TWO_MEN, &[("Omar Haddad", "PER"), ("Paul Brenner", "PER")]);
    let first = QuoteOptions { speaker_model: Some(model_weighing("first_person_named", 2.0)), ..QuoteOptions::default() };
    assert_eq!(quote(&extract_quotes(TWO_MEN, &names, &[], &first), "ships will come back").1, "Omar Haddad");
    let recent = QuoteOptions { speaker_model: Some(model_weighing("salience_rank", -2.0)), ..QuoteOptions::default() };
    assert_eq!(quote(&extract_quotes(TWO_MEN, &names, &[], &recent), "ships will come back").1, "Paul Brenner");
    let rules = QuoteOptions { speaker_model: None, ..QuoteOptions::default() };
    assert_eq!(quote(&extract_quotes(TWO_MEN, &names, &[], &rules), "ships will come back").1, "Paul Brenner");
}

#[test]
fn a_pronoun_whose_gender_contradicts_a_candidate_says_so() {
    let text = "Lena Ortiz met Mr. Victor Sandoval in the capital. \"We agreed on nothing,\" she said.";
    let options = QuoteOptions { record_choices: true, ..QuoteOptions::default() };
    let a = extract_quotes(text, &entities(text, &[("Lena Ortiz", "PER"), ("Victor Sandoval", "PER")]), &[], &options);
    let choice = a.pronoun_choices.first().expect("recorded");
    let contradicts = FEATURES.iter().position(|f| *f == "gender_contradicts").unwrap();
    let victor = choice.candidates.iter().find(|c| c.name.contains("Sandoval")).expect("a candidate");
    assert_eq!(victor.features[contradicts], 1.0, "Mr. makes him a man");
    assert_eq!(quote(&a, "agreed on nothing").1, "Lena Ortiz");
}

#[test]
fn a_title_in_quotation_marks_is_no_quote() {
    let text = "Rita Moss said on Channel Four’s “Morning Report” that the bridge would open in May. \
                The band played “A Long Road Home,” and Moss thanked the crowd.";
    let a = analyse(text, &[("Rita Moss", "PER"), ("Moss", "PER"), ("Channel Four", "ORG")]);
    assert!(a.quotes.iter().all(|q| !q.text.contains("Morning Report") && !q.text.contains("Long Road")), "{:#?}", a.quotes);
    // speech in title case that ends a sentence is still speech
    let b = analyse("“We Will Not Give Up.” said Rita Moss.", &[("Rita Moss", "PER")]);
    assert_eq!(quote(&b, "Give Up").1, "Rita Moss");
}

#[test]
fn a_quotation_interrupted_by_its_attribution_is_one_quote_in_parts() {
    for (open, close) in [("\"", "\""), ("“", "”"), ("''", "''")] {
        let text = format!(
            "The city council met on Monday. {open}The bridge will open in May,{close} Jonas Berg said. {open}It will carry four lanes of traffic and a cycle path.{close}\n\nTraffic was light."
        );
        let a = analyse(&text, &[("Jonas Berg", "PER")]);
        assert_offsets(&text, &a);
        assert_eq!(a.quotes.len(), 1, "{:#?}", a.quotes);
        let q = &a.quotes[0];
        assert_eq!((q.kind, q.speaker.as_ref().map(|s| s.name.as_str())), (QuoteKind::Direct, Some("Jonas Berg")));
        let parts: Vec<&str> = q.parts.iter().map(|p| p.text.as_str()).collect();
        assert_eq!(parts, ["The bridge will open in May,", "It will carry four lanes of traffic and a cycle path."]);
        assert!(q.text.starts_with("The bridge") && q.text.ends_with("cycle path."), "{}", q.text);
    }
}

#[test]
fn a_quote_after_a_shared_cue_joins_only_its_own_speakers_piece() {
    // the cue between the pieces is shared: "A," she said, "B."
    let text = "Fog closed the port. \"We will reopen the piers at noon,\" she said, \"once the pilots can see the channel again.\" Ships waited.";
    let a = analyse(&format!("Maria Lund runs the harbour. {text}"), &[("Maria Lund", "PER")]);
    let joined: Vec<&Quote> = a.quotes.iter().filter(|q| !q.parts.is_empty()).collect();
    assert_eq!(joined.len(), 1, "{:#?}", a.quotes);
    assert_eq!(joined[0].parts.len(), 2);
    assert_eq!(joined[0].speaker.as_ref().map(|s| s.name.as_str()), Some("Maria Lund"));

    // two speakers, one after the other: two quotes
    let text = "\"The piers stay shut until noon,\" said Maria Lund. \"The ferries will run late all week,\" said Tomas Ek.";
    let a = analyse(text, &[("Maria Lund", "PER"), ("Tomas Ek", "PER")]);
    assert_eq!(a.quotes.len(), 2, "{:#?}", a.quotes);
    assert!(a.quotes.iter().all(|q| q.parts.is_empty()));
    assert_eq!(quote(&a, "ferries").1, "Tomas Ek");

    // a new paragraph is a new quote, even from the same speaker
    let text = "\"The piers stay shut until noon,\" said Maria Lund.\n\n\"The ferries will run late all week.\"";
    let a = analyse(text, &[("Maria Lund", "PER")]);
    assert_eq!(a.quotes.len(), 2, "{:#?}", a.quotes);
}

#[test]
fn a_quote_that_finishes_the_speakers_own_clause_is_mixed_from_the_sentence_start() {
    let text = "Tolls are debated. Building the tunnel now \"would cost twice as much as the bridge,\" Jonas Berg said on Monday.";
    let a = analyse(text, &[("Jonas Berg", "PER")]);
    assert_offsets(text, &a);
    let (q, s) = quote_and_speaker(&a, "twice as much");
    assert_eq!((q.kind, s.name.as_str()), (QuoteKind::Mixed, "Jonas Berg"));
    assert!(q.text.starts_with("Building the tunnel now"), "{}", q.text);

    // an opening phrase set off by a comma, a colon or a title in marks: the quote stays direct
    for text in [
        "As for the tolls, \"they will stay low for many years,\" Jonas Berg said.",
        "He gave his answer: \"they will stay low for many years,\" Jonas Berg said.",
    ] {
        let a = analyse(text, &[("Jonas Berg", "PER")]);
        let (q, _) = quote_and_speaker(&a, "stay low");
        assert_eq!(q.kind, QuoteKind::Direct, "{text}");
        assert!(q.text.starts_with("they will"), "{text}: {}", q.text);
    }
}

#[test]
fn an_indefinite_description_is_someone_new_or_speaks_for_the_organisation_it_names() {
    // a new person, not the last one met
    let text = "Jo Lee, a senior official of the ministry, opened the talks on Monday. \"We will not move,\" she said. A senior official said the talks would resume in June.";
    let a = analyse(text, &[("Jo Lee", "PER")]);
    let (_, s) = quote_and_speaker(&a, "resume in June");
    assert_eq!((s.name.as_str(), s.resolution), ("", Resolution::Unresolved), "{s:?}");
    // a spokeswoman speaks for the one she speaks for
    let text = "Jo Lee opened the talks on Monday. A spokeswoman for Jo Lee said the talks would resume in June.";
    let a = analyse(text, &[("Jo Lee", "PER")]);
    assert_eq!(quote(&a, "resume in June").1, "Jo Lee");

    let text = "Jo Lee opened the talks on Monday. An Acme Energy official said prices would rise in the spring.";
    let a = analyse(text, &[("Jo Lee", "PER"), ("Acme Energy", "ORG")]);
    assert_eq!(quote(&a, "prices would rise").1, "Acme Energy");

    let text = "Jo Lee opened the talks on Monday. A spokeswoman for the Harbour Trust said the piers would stay shut.";
    let a = analyse(text, &[("Jo Lee", "PER"), ("Harbour Trust", "ORG")]);
    assert_eq!(quote(&a, "piers would stay shut").1, "Harbour Trust");
}

#[test]
fn which_after_an_organisation_is_the_organisation() {
    let text = "Crews worked overnight. The figures came from the Harbour Trust, which reported that traffic had doubled since May.";
    let a = analyse(text, &[("Harbour Trust", "ORG")]);
    assert_eq!(quote(&a, "traffic had doubled").1, "Harbour Trust");
}

#[test]
fn modifiers_and_title_words_of_a_role_lead_to_the_person_named_after_it() {
    for cue in ["said Republican political consultant Jo Lee", "said longtime party pollster Jo Lee", "said Senate Minority Whip Jo Lee"] {
        let text = format!("Tomas Ek lost the race. \"It just became a lot of people competing for one space,\" {cue}. Then it rained.");
        let a = analyse(&text, &[("Tomas Ek", "PER"), ("Jo Lee", "PER"), ("Republican", "MISC"), ("Senate Minority", "MISC")]);
        assert_eq!(quote(&a, "competing for one space").1, "Jo Lee", "{cue}");
    }
}

#[test]
fn a_word_without_a_capital_is_no_name_in_a_cased_article() {
    // NER may tag an adjective before a name as a name of its own
    let text = "Taxes rose. The top tenth paid most of the taxes, according to the nonpartisan Harbour Budget Office.";
    let a = analyse(text, &[("nonpartisan", "ORG"), ("Harbour Budget Office", "ORG")]);
    assert_eq!(quote(&a, "top tenth paid").1, "Harbour Budget Office");
}

#[test]
fn the_person_named_after_a_possessive_or_an_organisation_and_its_role_words() {
    let cases = [
        ("added his campaign manager Paul Weber", vec![("Jo Hart", "PER"), ("Paul Weber", "PER")]),
        ("said United Steel Workers Secretary-Treasurer Gary Castle", vec![("Jo Hart", "PER"), ("United Steel Workers", "ORG"), ("Gary Castle", "PER")]),
        ("said Republican party boss Ray Pruitt", vec![("Jo Hart", "PER"), ("Republican", "MISC"), ("Ray Pruitt", "PER")]),
        ("the Ledger's senior politics editor Sam Ginz responded", vec![("Jo Hart", "PER"), ("Ledger", "ORG"), ("Sam Ginz", "PER")]),
    ];
    for (cue, names) in cases {
        let text = format!("Senator Jo Hart spoke in Reno on Monday. \"We are going to start chipping away at the lead,\" {cue}. Then it rained.");
        let a = analyse(&text, &names);
        let speaker = names.last().map(|n| n.0).unwrap_or_default();
        assert_eq!(quote(&a, "chipping away").1, speaker, "{cue}");
    }
}

#[test]
fn think_tank_is_no_cue() {
    let text = "The council met. \"The budget is a disgrace to everyone who pays taxes here,\" said Maria Lopez, deputy director for finance for the Harbour Institute, a conservative think tank.";
    let a = analyse(text, &[("Maria Lopez", "PER"), ("Harbour Institute", "ORG")]);
    assert_eq!(quote(&a, "budget is a disgrace"), (QuoteKind::Direct, "Maria Lopez".to_string(), Resolution::Explicit));
}

#[test]
fn a_relative_clause_after_an_apposition_leaves_the_person_the_subject() {
    let text = "Prices rose. Ana Bruni, a developer and spokeswoman for the Harbour Coalition, which is made up of investors, said many of the examples were wrong.";
    let a = analyse(text, &[("Ana Bruni", "PER"), ("Harbour Coalition", "ORG")]);
    assert_eq!(quote(&a, "many of the examples").1, "Ana Bruni");
    // a phrase set off before the name is no apposition
    let text = "\"He is funny,\" attorney Eric Lev said of Tom Bell. Of Carl Dunn, Lev, who has given money to Rubio, said, \"He is flat-out scary and I do not think he can win.\"";
    let a = analyse(text, &[("Eric Lev", "PER"), ("Tom Bell", "PER"), ("Carl Dunn", "PER"), ("Lev", "PER"), ("Rubio", "PER")]);
    assert_eq!(quote(&a, "flat-out scary").1, "Eric Lev");
}

#[test]
fn a_sentence_long_quote_without_its_comma_still_takes_the_cue_after_it() {
    let text = "The campaign said the story was false.\n\n\"For months we have had to stand by while leaks have tried to create a false narrative\" said Nick Merle, a campaign spokesman.";
    let a = analyse(text, &[("Nick Merle", "PER")]);
    assert_eq!(quote(&a, "false narrative"), (QuoteKind::Direct, "Nick Merle".to_string(), Resolution::Explicit));
}

#[test]
fn reported_speech_inside_an_attribution_does_not_take_the_next_quote() {
    let text = "Mayor Tim Ross spoke first.\n\n\"They are not terminable at will,\" spokesperson Ron Lidell told the Daily Ledger in July, after Mayor Tim Ross said he wanted to end the deal. \"These contracts are fully binding.\"";
    let a = analyse(text, &[("Tim Ross", "PER"), ("Ron Lidell", "PER"), ("Daily Ledger", "ORG")]);
    assert_eq!(quote(&a, "he wanted to end the deal").1, "Tim Ross");
    assert_eq!(quote(&a, "fully binding").1, "Ron Lidell");
}

#[test]
fn a_possessive_description_set_off_by_a_comma_names_the_person_after_it() {
    for (cue, person) in [
        ("said Ann Price's introducer, actress Jo Lee Curt", "Jo Lee Curt"),
        ("said the bureau's director, James B. Cole", "James B. Cole"),
        ("said his longtime friend, Tom Hale", "Tom Hale"),
    ] {
        let text = format!("Ben Carr spoke in Iowa on Monday. \"The facts have not changed at all since last year,\" {cue}. Then it rained.");
        let a = analyse(&text, &[("Ben Carr", "PER"), ("Ann Price", "PER"), ("Jo Lee Curt", "PER"), ("James B. Cole", "PER"), ("Tom Hale", "PER")]);
        assert_eq!(quote(&a, "facts have not changed").1, person, "{cue}");
    }
}

#[test]
fn about_before_a_number_and_a_time_phrase_after_the_addressee_leave_a_reported_clause() {
    let text = "The governor spoke. Gov. Tom Lane has said about 20 people have indicated an interest in the seat.";
    let a = analyse(text, &[("Tom Lane", "PER")]);
    let (q, s) = quote_and_speaker(&a, "20 people");
    assert!(q.text.starts_with("about 20 people"), "{q:?}");
    assert_eq!(s.name, "Tom Lane");
    // "said about the plan" names a topic, not what was said
    let text = "The governor spoke. Tom Lane said about the plan very little in the end.";
    let a = analyse(text, &[("Tom Lane", "PER")]);
    assert!(a.quotes.is_empty(), "{:?}", a.quotes);

    let text = "The vote is near. Tom Lane told Ohio Democrats this weekend he would consider it an insult if they stayed home.";
    let a = analyse(text, &[("Tom Lane", "PER"), ("Ohio Democrats", "MISC")]);
    let (q, s) = quote_and_speaker(&a, "consider it an insult");
    assert!(q.text.starts_with("he would consider"), "{q:?}");
    assert_eq!(s.name, "Tom Lane");
}

#[test]
fn a_piece_resolves_to_the_name_the_article_put_before_the_same_noun() {
    let text = "A Harbour Institute poll shows that voters have left the party. Ann Price leads Tom Lane by 46 percent to 42 percent, according to the poll.";
    let a = analyse(text, &[("Harbour Institute", "ORG"), ("Ann Price", "PER"), ("Tom Lane", "PER")]);
    assert_eq!(quote(&a, "46 percent").1, "Harbour Institute");
    // a piece nobody was named with stays unnamed
    let text = "Voters have left the party. Ann Price leads Tom Lane by 46 percent to 42 percent, according to the poll.";
    let a = analyse(text, &[("Ann Price", "PER"), ("Tom Lane", "PER")]);
    assert_eq!(quote(&a, "46 percent").1, "");
}

#[test]
fn a_possessive_pronoun_the_head_marks_as_source_stands_for_its_owner() {
    let text = "Tom Lane is casting himself as a friend of the workers. His promises to raise wages for every worker notwithstanding, the plan favours the rich.";
    let roles = [role(text, "His", Role::Source, 0.9), role(text, "promises", Role::Cue, 0.9), role(text, "to raise wages for every worker", Role::Content, 0.95)];
    let a = analyse_tagged(text, &[("Tom Lane", "PER")], &roles);
    assert_eq!(quote(&a, "to raise wages"), (QuoteKind::Indirect, "Tom Lane".to_string(), Resolution::Pronoun));
}

#[test]
fn a_relative_then_a_titled_name_in_commas_is_the_subject_and_state_before_a_title_is_no_cue() {
    let text = "Paul Grant spoke first. \"This is a great year for our next governor, Paul Grant,\" Grant's nephew, state Del. Omar Fields (D-Norfolk), shouted to the crowd.";
    let a = analyse(text, &[("Paul Grant", "PER"), ("Grant", "PER"), ("Omar Fields", "PER")]);
    assert_eq!(quote(&a, "great year"), (QuoteKind::Direct, "Omar Fields".to_string(), Resolution::Apposition));
    assert_eq!(a.quotes.len(), 1, "{:?}", a.quotes);
}

#[test]
fn how_after_an_addressee_and_a_show_title_in_the_addressee_open_the_reported_clause() {
    let text = "Pat Cade told Alex Marl on Thursday how surprised he is that health has been at the forefront.\n\n\"One of the things I am surprised about is how much the health issue has affected this race,\" said Cade.";
    let a = analyse(text, &[("Pat Cade", "PER"), ("Alex Marl", "PER"), ("Cade", "PER")]);
    let (q, s) = quote_and_speaker(&a, "how surprised");
    assert_eq!((q.kind, s.name.as_str()), (QuoteKind::Indirect, "Pat Cade"));

    let text = "Heading into the debate, Jo Sand told MSNBC's \"Morning Joe\" that nobody would question her knowledge of the issues.";
    let a = analyse(text, &[("Jo Sand", "PER"), ("MSNBC", "ORG")]);
    let (q, s) = quote_and_speaker(&a, "nobody would question");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("nobody would question her knowledge of the issues", "Jo Sand"));
}

#[test]
fn a_paragraph_after_a_cue_and_a_colon_is_a_block_quote() {
    let text = "Governor Tim Ross spoke on the radio.\n\nRoss added:\n\nIt is typical of her. She knows nothing, but the talking never stops.\n\nThen the show ended.";
    let a = analyse(text, &[("Tim Ross", "PER"), ("Ross", "PER")]);
    let (q, s) = quote_and_speaker(&a, "typical of her");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("It is typical of her. She knows nothing, but the talking never stops.", "Tim Ross"));
    // a paragraph in marks is an ordinary quote; a colon inside a paragraph leads nothing
    let text = "Governor Tim Ross spoke.\n\nRoss added:\n\n\"It is typical of her,\" he said of the senator.\n\nHe said: the plan is not typical of anyone in the state at all.";
    let a = analyse(text, &[("Tim Ross", "PER"), ("Ross", "PER")]);
    assert_eq!(a.quotes.iter().filter(|q| q.text.contains("typical of her")).count(), 1, "{:?}", a.quotes);
}

#[test]
fn a_time_phrase_between_subject_and_cue_and_an_addressee_before_that_after_a_participle() {
    let text = "The race tightened. Tom Axel on Wednesday called on Howard Dean to apologize to Ann Price for accusing her of lying.";
    let a = analyse(text, &[("Tom Axel", "PER"), ("Howard Dean", "PER"), ("Ann Price", "PER")]);
    assert_eq!(quote(&a, "to apologize").1, "Tom Axel");

    let text = "Tom Axel lost ground. He recently pitched himself to farmers by telling them that their lives are hard and they should vote for him.";
    let a = analyse(text, &[("Tom Axel", "PER")]);
    let (q, s) = quote_and_speaker(&a, "their lives are hard");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("their lives are hard and they should vote for him", "Tom Axel"));
}

#[test]
fn a_comma_closing_a_show_title_ends_the_opening_phrase() {
    let text = "Pence spoke on CNN.\n\nOn \"Face the Nation,\" Sen. Bernie Sand (Vt.), who lost the primaries to Ann Price, named fatigue as one of the reasons. \"The younger people are sick and tired of discrimination and racism.\"";
    let a = analyse(text, &[("Pence", "PER"), ("CNN", "ORG"), ("Bernie Sand", "PER"), ("Ann Price", "PER")]);
    assert_eq!(quote(&a, "sick and tired").1, "Bernie Sand");
}

#[test]
fn a_role_word_after_an_honorific_is_a_surname() {
    let text = "Larry King hosts a show. Ed Tull hosts another.\n\n''I have never been edited or had a show of mine not run,'' Mr. King, 82, told me.";
    let a = analyse(text, &[("Larry King", "PER"), ("Ed Tull", "PER")]);
    assert_eq!(quote(&a, "never been edited").1, "Larry King");
}

#[test]
fn a_month_after_a_persons_name_is_the_surname_and_no_auxiliary_inside_a_name() {
    let text = "Talks went on. British Prime Minister Theresa May said that the country would leave by the end of March. She met Tom Lane May 5 in London.";
    // NER stops at the given name
    let a = analyse(text, &[("Theresa", "PER"), ("Tom Lane", "PER")]);
    assert_eq!(quote(&a, "the country would leave").1, "Theresa May");

    let text = "Columnist George Will wrote a book. Will said the party had lost its way for good.";
    let a = analyse(text, &[("George Will", "PER"), ("Will", "PER")]);
    assert_eq!(quote(&a, "lost its way").1, "George Will");
}

#[test]
fn a_pronoun_and_its_verb_keep_the_clause_and_a_led_quote_leaves_the_next_sentences_cue() {
    let text = "Costs rose. Bernie Sand on Tuesday said he wants to attack four provisions in the tax code that address how losses are deducted.";
    let a = analyse(text, &[("Bernie Sand", "PER")]);
    let (q, _) = quote_and_speaker(&a, "four provisions");
    assert!(q.text.starts_with("he wants to attack"), "{q:?}");

    let text = "Mayor Jen Robb said the video should be released but said \"the question is the timing.\" Gov. Pat Crory said it would be \"improper\" for him to speak on whether the video should be released.";
    let a = analyse(text, &[("Jen Robb", "PER"), ("Pat Crory", "PER")]);
    assert_eq!(quote(&a, "the question is the timing").1, "Jen Robb");
    assert_eq!(quote(&a, "for him to speak").1, "Pat Crory");
}

#[test]
fn a_person_holding_another_head_office_is_not_the_president() {
    let text = "Alberta Premier Jason Kenn said the province would sue. The state news agency quoted the president as saying the army would stay in the north.";
    let a = analyse(text, &[("Alberta", "LOC"), ("Jason Kenn", "PER")]);
    let (_, s) = quote_and_speaker(&a, "the army would stay");
    assert_eq!((s.name.as_str(), s.text.as_str()), ("", "the president"), "{s:?}");
    // the one called president still is
    let text = "President Ana Ruiz met Premier Jason Kenn. The state news agency quoted the president as saying the army would stay in the north.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Jason Kenn", "PER")]);
    assert_eq!(quote(&a, "the army would stay").1, "Ana Ruiz");
}

#[test]
fn a_plural_role_with_its_phrase_is_the_group_not_the_place_that_ends_the_phrase() {
    let text = "Experts on Mordavia and nuclear safety said the new reactor could change that.";
    let a = analyse(text, &[("Mordavia", "LOC")]);
    let (q, s) = quote_and_speaker(&a, "the new reactor could change that");
    assert_eq!(q.kind, QuoteKind::Indirect);
    assert_eq!((s.name.as_str(), s.text.as_str()), ("", "Experts"), "{s:?}");

    let text = "Analysts at two small banks said the rate would rise before the winter.";
    let a = analyse(text, &[]);
    assert_eq!(quote_and_speaker(&a, "the rate would rise").1.text, "Analysts");

    // a phrase that names a person or organisation says whom the group speaks for
    let text = "Attorneys for Ana Ruiz said the case was closed for good.";
    let a = analyse(text, &[("Ana Ruiz", "PER")]);
    assert_eq!(quote(&a, "the case was closed").1, "Ana Ruiz");

    // a group met inside another clause is no subject: the number's comma opens nothing
    let text = "Ana Ruiz met about 2,000 supporters at a rally in Tula and told them that they would win the state.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Tula", "LOC")]);
    assert_eq!(quote(&a, "they would win the state").1, "Ana Ruiz");
}

#[test]
fn a_parenthetical_cue_with_a_short_adverbial_sits_inside_its_content() {
    let text = "The middle group paid 9 percent, the agency said in a spring report, and those at the bottom paid less than 1 percent.";
    let a = analyse(text, &[]);
    let (q, s) = quote_and_speaker(&a, "the bottom paid");
    assert_eq!(q.kind, QuoteKind::Indirect);
    assert!(q.text.starts_with("The middle group paid 9 percent"), "{q:?}");
    assert_eq!(s.text, "the agency");
    // an addressee after a participle is no speaker, and a noun is no cue
    let text = "Ana Ruiz spoke as well, telling Omar Bell in an interview on Monday, they would both be back.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Omar Bell", "PER")]);
    assert!(a.quotes.iter().all(|q| q.speaker.as_ref().is_none_or(|s| s.name != "Omar Bell")), "{:#?}", a.quotes);
}

#[test]
fn the_agency_is_the_government_body_the_article_named_by_what_it_is() {
    let text = "The richest tenth paid most of the tax, according to the Budget Review Office of Mordavia.\n\nThe rest paid little, the agency said in a spring report, and the poorest paid nothing at all.";
    let a = analyse(text, &[("Budget Review Office of Mordavia", "ORG")]);
    assert_eq!(quote(&a, "the poorest paid nothing").1, "Budget Review Office of Mordavia");
}

#[test]
fn its_director_general_is_someone_of_the_organisation_not_the_last_person_named() {
    let text = "The World Trade Body warned on Monday that tariffs would slow growth. Ana Ruiz, a trade minister, disagreed.\n\nThe slowdown would be deep, its director general said.";
    let a = analyse(text, &[("World Trade Body", "ORG"), ("Ana Ruiz", "PER")]);
    let (_, s) = quote_and_speaker(&a, "The slowdown would be deep");
    assert_eq!((s.name.as_str(), s.text.as_str()), ("", "its director general"), "{s:?}");
    // the one the article called so still is
    let text = "The World Trade Body warned that tariffs would slow growth. Its director general, Omar Bell, spoke in Geneva. Ana Ruiz, a trade minister, disagreed.\n\nThe slowdown would be deep, its director general said.";
    let a = analyse(text, &[("World Trade Body", "ORG"), ("Omar Bell", "PER"), ("Geneva", "LOC"), ("Ana Ruiz", "PER")]);
    assert_eq!(quote(&a, "The slowdown would be deep").1, "Omar Bell");
}

#[test]
fn the_states_premier_is_the_person_the_article_called_premier() {
    let text = "Queensland will reopen its border next month, Premier Ana Ruiz said on Monday. Omar Bell, the opposition leader, criticised the plan.\n\nThe state's premier said the decision was based on health advice.";
    let a = analyse(text, &[("Queensland", "LOC"), ("Ana Ruiz", "PER"), ("Omar Bell", "PER")]);
    assert_eq!(quote(&a, "based on health advice").1, "Ana Ruiz");
}

#[test]
fn an_apposition_after_an_inverted_name_is_not_content_however_short_the_content() {
    let text = "Prices will rise, said Jane Doe, head of research at Acme Energy.";
    let a = analyse(text, &[("Jane Doe", "PER"), ("Acme Energy", "ORG")]);
    let (q, s) = quote_and_speaker(&a, "Prices will rise");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("Prices will rise", "Jane Doe"));
    // a clause after the name is still content around a parenthetical cue
    let text = "To prevent problems at the polls, said Omar Bell, local officials should be vigilant about every single machine.";
    let a = analyse(text, &[("Omar Bell", "PER")]);
    assert!(quote_and_speaker(&a, "vigilant").0.text.starts_with("To prevent problems"), "{:#?}", a.quotes);
}

#[test]
fn a_short_clause_introduced_by_that_after_any_verb_of_speech_is_reported_speech() {
    let text = "Omar Bell spoke in Geneva on Monday. He added that testing must continue.";
    let a = analyse(text, &[("Omar Bell", "PER"), ("Geneva", "LOC")]);
    let (q, s) = quote_and_speaker(&a, "testing must continue");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("testing must continue", "Omar Bell"));
    // "that" as a pronoun or a determiner introduces no clause
    for text in ["Omar Bell spoke on Monday. He added that was all.", "Omar Bell spoke on Monday. He argued that way twice."] {
        let a = analyse(text, &[("Omar Bell", "PER")]);
        assert!(a.quotes.is_empty(), "{text}: {:#?}", a.quotes);
    }
}

#[test]
fn a_second_speaker_after_a_comma_and_a_conjunction_ends_the_first_content() {
    let text = "Northwind said its output would decline next year, while Jo Lee said the drop was overdone.";
    let a = analyse(text, &[("Northwind", "ORG"), ("Jo Lee", "PER")]);
    let (q, s) = quote_and_speaker(&a, "output would decline");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("its output would decline next year", "Northwind"));
    let (q, s) = quote_and_speaker(&a, "the drop was overdone");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("the drop was overdone", "Jo Lee"));
    // (a comma inside the closing mark too)
    let text = "In an interview, Omar Bell said he \"delivered a letter to the minister today,\" and he said he hoped that the minister would act soon.";
    let a = analyse(text, &[("Omar Bell", "PER")]);
    assert_eq!(quote_and_speaker(&a, "delivered a letter").0.text, "he \"delivered a letter to the minister today,\"");
    assert_eq!(quote_and_speaker(&a, "would act soon").0.text, "the minister would act soon");
    // "and that" coordinates a second clause of the same content
    let text = "Omar Bell said witnesses saw the truck and that it was found nearby.";
    let a = analyse(text, &[("Omar Bell", "PER")]);
    assert_eq!(quote_and_speaker(&a, "it was found nearby").0.text, "witnesses saw the truck and that it was found nearby");
}

#[test]
fn an_addressee_noun_that_looks_like_a_cue_does_not_hide_the_reported_clause() {
    let text = "Foreign Ministry spokesman Omar Bell told a daily news briefing that the talks would resume.";
    let a = analyse(text, &[("Foreign Ministry", "ORG"), ("Omar Bell", "PER")]);
    let (q, s) = quote_and_speaker(&a, "the talks would resume");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("the talks would resume", "Omar Bell"));
}

#[test]
fn a_passive_relay_gives_the_speech_to_its_subject_not_the_outlet() {
    let text = "Omar Bell met Ana Ruiz in Lisbon on Monday. He was quoted by the Northwind news agency as saying that the talks would resume in March.";
    let a = analyse(text, &[("Omar Bell", "PER"), ("Ana Ruiz", "PER"), ("Lisbon", "LOC"), ("Northwind", "ORG")]);
    assert_eq!(quote(&a, "the talks would resume").1, "Omar Bell");
}

#[test]
fn a_time_phrase_between_the_verb_and_its_clause_is_no_content() {
    let text = "Omar Bell, the top health official, said on Tuesday he would take the vaccine.";
    let a = analyse(text, &[("Omar Bell", "PER")]);
    let (q, s) = quote_and_speaker(&a, "take the vaccine");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("he would take the vaccine", "Omar Bell"));
    // a time phrase with no clause after it reports nothing
    let a = analyse("Omar Bell said on Tuesday night in Lisbon.", &[("Omar Bell", "PER"), ("Lisbon", "LOC")]);
    assert!(a.quotes.is_empty(), "{:#?}", a.quotes);
}

#[test]
fn a_maker_of_a_product_is_the_company_of_the_article() {
    let text = "Northwind Inc said on Tuesday it would open a new plant in Porto. The turbine maker said the site would employ 500 people.";
    let a = analyse(text, &[("Northwind Inc", "ORG"), ("Porto", "LOC")]);
    assert_eq!(quote(&a, "employ 500 people").1, "Northwind Inc");
}

#[test]
fn a_name_in_apposition_after_a_description_is_the_speaker() {
    let text = "Crowds filled the square on Sunday.\n\n\"We will not stop,\" said one protester, Olga Ivanova.";
    let a = analyse(text, &[("Olga Ivanova", "PER")]);
    assert_eq!(quote(&a, "We will not stop").1, "Olga Ivanova");
    let text = "Jo Lee lost the vote.\n\nBut the union's president, Ana Ruiz, said the members would strike again next week.";
    let a = analyse(text, &[("Jo Lee", "PER"), ("Ana Ruiz", "PER")]);
    assert_eq!(quote(&a, "the members would strike").1, "Ana Ruiz");
}

#[test]
fn a_participle_after_an_inverted_speaker_continues_that_speaker() {
    let text = "\"The situation is under control,\" said ministry spokeswoman Ana Ruiz, adding that more troops would arrive.";
    let a = analyse(text, &[("Ana Ruiz", "PER")]);
    let (q, s) = quote_and_speaker(&a, "more troops would arrive");
    assert_eq!((q.text.as_str(), q.kind, s.name.as_str()), ("more troops would arrive", QuoteKind::Indirect, "Ana Ruiz"));
}

#[test]
fn a_subordinator_inside_the_speakers_apposition_keeps_the_cue() {
    let text = "\"We will win this fight in court,\" John Smith, who served as Helen Clark's chief of staff, told reporters.";
    let a = analyse(text, &[("John Smith", "PER"), ("Helen Clark", "PER")]);
    assert_eq!(quote(&a, "win this fight").1, "John Smith");
    // a subordinate clause right after the mark is still no cue of the quote
    let text = "\"We will win this fight in court,\" when John Smith told reporters.";
    let a = analyse(text, &[("John Smith", "PER")]);
    assert!(a.quotes.iter().all(|q| q.speaker.is_none()), "{:#?}", a.quotes);
}

#[test]
fn a_time_phrase_before_the_subject_is_not_the_subject() {
    let text = "One month after backing Dan Jones, Mark Rubin still believes the nominee is unfit to lead. \"I stand by everything I said during the campaign,\" the Florida senator told a magazine on Thursday.";
    let a = analyse(text, &[("Dan Jones", "PER"), ("Mark Rubin", "PER"), ("Florida", "LOC")]);
    assert_eq!(quote(&a, "I stand by everything").1, "Mark Rubin");
}

#[test]
fn a_parenthesis_in_dashes_between_subject_and_cue() {
    let text = "Rita Gomez lost the appeal.\n\nThe judge -- who had sparred with the lawyers for days -- said she regretted her remarks and would step aside.";
    let a = analyse(text, &[("Rita Gomez", "PER")]);
    let q = a.quotes.iter().find(|q| q.text.contains("regretted her remarks")).expect("the reported clause is a quote");
    assert_eq!(q.kind, QuoteKind::Indirect);
    // a name in apposition inside the dashes is the subject itself
    let text = "A former candidate -- Jo Lee, who lost the race in 2008 -- said the party had lost its way.";
    let a = analyse(text, &[("Jo Lee", "PER")]);
    assert_eq!(quote(&a, "lost its way").1, "Jo Lee");
}

#[test]
fn a_participle_apposition_then_a_description_before_the_cue() {
    let text = "Sen. Omar Fields, facing a hard race in Ohio, a swing state, said he would welcome the help.";
    let a = analyse(text, &[("Omar Fields", "PER"), ("Ohio", "LOC")]);
    let (q, s) = quote_and_speaker(&a, "welcome the help");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("he would welcome the help", "Omar Fields"));
}

#[test]
fn the_medium_of_a_statement_then_a_clause() {
    let text = "Acme Corp shares fell on Monday. The company said in a statement the plant would close in May. Jane Doe told Reuters in an interview on Tuesday she would stay on.";
    let a = analyse(text, &[("Acme Corp", "ORG"), ("Jane Doe", "PER"), ("Reuters", "ORG")]);
    let (q, s) = quote_and_speaker(&a, "plant would close");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("the plant would close in May", "Acme Corp"));
    let (q, s) = quote_and_speaker(&a, "would stay on");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("she would stay on", "Jane Doe"));
}

#[test]
fn according_to_a_document_goes_to_its_issuer() {
    let text = "Acme Corp shares fell on Monday. According to a statement from the company, the plant will close in May. According to a report by the Daily Ledger, the firm is in talks with two buyers. According to an analysis of census data by Civic Lab, most towns have shrunk since 2010.";
    let a = analyse(text, &[("Acme Corp", "ORG"), ("Daily Ledger", "ORG"), ("Civic Lab", "ORG")]);
    assert_eq!(quote(&a, "plant will close").1, "Acme Corp");
    assert_eq!(quote(&a, "in talks with two buyers").1, "Daily Ledger");
    assert_eq!(quote(&a, "most towns have shrunk").1, "Civic Lab");
}

#[test]
fn the_addressee_before_a_colon_is_not_the_speaker() {
    for lead in ["Jo Lee told reporters", "Jo Lee, speaking in Porto, told reporters", "Jo Lee told the Daily Ledger"] {
        let text = format!("{lead}: \"We will not stay silent.\"");
        let a = analyse(&text, &[("Jo Lee", "PER"), ("Porto", "LOC"), ("Daily Ledger", "ORG")]);
        assert_eq!(quote(&a, "not stay silent").1, "Jo Lee", "{text}");
    }
    // a name before the colon with no cue still speaks
    let a = analyse("Jo Lee: \"We will not stay silent.\"", &[("Jo Lee", "PER")]);
    assert_eq!(quote(&a, "not stay silent").1, "Jo Lee");
}

#[test]
fn a_trade_word_is_the_last_company_named_whatever_its_legal_form() {
    let text = "Kestrel Motor Corp said sales rose in March. The automaker said demand was strong. Bluewing said fares would rise this summer. The airline said bookings were strong.";
    let a = analyse(text, &[("Kestrel Motor Corp", "ORG"), ("Bluewing", "ORG")]);
    assert_eq!(quote(&a, "demand was strong").1, "Kestrel Motor Corp");
    assert_eq!(quote(&a, "bookings were strong").1, "Bluewing");
    // "the company" still leans on the legal form
    let text = "Acme Corp said it would close the plant. Harbour Trust said it opposed the plan. The company said the decision was final.";
    let a = analyse(text, &[("Acme Corp", "ORG"), ("Harbour Trust", "ORG")]);
    assert_eq!(quote(&a, "decision was final").1, "Acme Corp");
}

#[test]
fn speech_relayed_by_an_outlet_is_the_speakers() {
    let text = "Foreign Minister Omar Haddad said on Sunday that his country was ready for talks, the official Sama news agency reported.";
    let a = analyse(text, &[("Omar Haddad", "PER"), ("Sama", "ORG")]);
    let (q, s) = quote_and_speaker(&a, "ready for talks");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("his country was ready for talks", "Omar Haddad"));
    // an outlet's own report stays the outlet's
    let text = "Floods closed two bridges in the city on Sunday, the Sama news agency reported.";
    let a = analyse(text, &[("Sama", "ORG")]);
    assert_eq!(quote(&a, "Floods closed two bridges").1, "Sama");
}

#[test]
fn a_description_with_a_relative_clause_before_the_cue_still_speaks() {
    let text = "Shares of Harbour Bank fell on Monday. The lender, which was rescued by the state in 2009, said profits would fall this year.";
    let a = analyse(text, &[("Harbour Bank", "ORG")]);
    let (q, s) = quote_and_speaker(&a, "profits would fall");
    assert_eq!((q.text.as_str(), s.name.as_str(), s.text.as_str()), ("profits would fall this year", "Harbour Bank", "The lender"));
    // (a body the article never named keeps its description as the speaker)
    let a = analyse("The ministry, a body set up in 1990, said fares would rise in May.", &[]);
    assert_eq!(quote_and_speaker(&a, "fares would rise").1.text, "The ministry");
}

#[test]
fn a_lawmaker_is_a_person_not_a_maker() {
    let text = "Ana Ruiz filed a bill in the assembly on Monday. The lawmaker said the ban was fair.";
    let a = analyse(text, &[("Ana Ruiz", "PER")]);
    assert_eq!(quote(&a, "the ban was fair").1, "Ana Ruiz");
    // a business "-maker" is still a company
    let text = "Kestrel Aero said deliveries would slow. The planemaker said demand was strong.";
    let a = analyse(text, &[("Kestrel Aero", "ORG")]);
    assert_eq!(quote(&a, "demand was strong").1, "Kestrel Aero");
}

#[test]
fn it_after_an_organisation_speaks_is_that_organisation() {
    // "it" is the organisation that just spoke, not the one named inside what it said
    let text = "Acme Corp said it had signed a supply deal with Harbour Trust. It added that the deal would close in May.";
    let a = analyse(text, &[("Acme Corp", "ORG"), ("Harbour Trust", "ORG")]);
    assert_eq!(quote(&a, "deal would close in May").1, "Acme Corp");
    // ... and an institution the article never named stays itself
    let text = "The ministry said in a statement that it had secured ten million doses through Covax. It added that a second batch would follow in April.";
    let a = analyse(text, &[("Covax", "ORG")]);
    let (q, s) = quote_and_speaker(&a, "second batch");
    assert_eq!((q.text.as_str(), s.name.as_str(), s.text.as_str(), s.resolution), ("a second batch would follow in April", "The ministry", "It", Resolution::Pronoun));
}

#[test]
fn a_call_or_a_report_qualified_by_a_noun_is_no_cue() {
    let text = "Chief Executive Klaus Brenner told analysts on a conference call that the cuts would save 1.2 billion euros a year.";
    let a = analyse(text, &[("Klaus Brenner", "PER")]);
    let (q, s) = quote_and_speaker(&a, "cuts would save");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("the cuts would save 1.2 billion euros a year", "Klaus Brenner"));
    // a name's own word stays: "Tri-County News reports that ..."
    let text = "Tri-County News reports that the bridge on Route 9 will close for repairs.";
    let a = analyse(text, &[("Tri-County News", "ORG")]);
    assert_eq!(quote(&a, "bridge on Route 9").1, "Tri-County News");
}

#[test]
fn an_unnamed_source_stays_unnamed_when_described_again() {
    let text = "Defence Minister Ana Ruiz told parliament that 5,000 troops had been sent north. A senior official, speaking on condition of anonymity, said Washington was watching closely. The official said the matter had been raised with Moscow.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Washington", "LOC"), ("Moscow", "LOC")]);
    // (no inverted "said Washington": a name that an auxiliary follows opens the clause)
    assert!(!a.quotes.iter().any(|q| q.text.contains("speaking on condition")), "{:#?}", a.quotes);
    let (q, s) = quote_and_speaker(&a, "Washington was watching");
    assert_eq!((q.text.as_str(), s.text.as_str(), s.name.as_str()), ("Washington was watching closely", "A senior official", ""));
    let (_, s) = quote_and_speaker(&a, "raised with Moscow");
    assert_eq!((s.text.as_str(), s.name.as_str(), s.resolution), ("The official", "", Resolution::Unresolved));
}

#[test]
fn a_head_content_takes_no_source_from_the_dateline_or_from_a_later_speakers_sentence() {
    let text = "KYIV (Wirepress) - The troop build-up near the border is a grave threat to peace in the region. Two officials of the defence ministry in the capital city told Wirepress that storage was a problem.";
    let roles = [
        role(text, "Wirepress", Role::Source, 0.6),
        role(text, "The troop build-up near the border is a grave threat to peace in the region", Role::Content, 0.95),
        role(text, "Two officials of the defence ministry in the capital city", Role::Source, 0.95),
        role(text, "told", Role::Cue, 0.95),
        role(text, "that storage was a problem", Role::Content, 0.95),
    ];
    let a = analyse_tagged(text, &[("Wirepress", "ORG")], &roles);
    // no source of its own: the content goes unsaid, not to the agency or the officials
    assert!(!a.quotes.iter().any(|q| q.text.contains("grave threat")), "{:#?}", a.quotes);
    assert_eq!(quote_and_speaker(&a, "storage was a problem").1.text, "Two officials");
    // a source signing off a quote in the next sentence still speaks: '"..." -- Ana Ruiz, 45'
    let text = "They said the rent had doubled in two years. Ana Ruiz, 45, a nurse from Dallas.";
    let roles = [role(text, "the rent had doubled in two years", Role::Content, 0.95), role(text, "Ana Ruiz", Role::Source, 0.9)];
    let a = analyse_tagged(text, &[("Ana Ruiz", "PER"), ("Dallas", "LOC")], &roles);
    assert!(a.quotes.iter().any(|q| q.text.contains("rent had doubled")), "{:#?}", a.quotes);
}

#[test]
fn a_lower_case_wire_title_before_the_name_keeps_the_content_first_quote() {
    for text in [
        "Acme rejected the claims. Prices will rise sharply this year, Acme spokesman Jo Lee said.",
        "Acme rejected the claims. Prices will rise sharply this year, foreign ministry spokesman Jo Lee said.",
        "Acme rejected the claims. Prices will rise sharply this year, spokesman Jo Lee said.",
    ] {
        let a = analyse(text, &[("Jo Lee", "PER"), ("Acme", "ORG")]);
        let (q, s) = quote_and_speaker(&a, "Prices will rise");
        assert_eq!((q.text.as_str(), s.name.as_str()), ("Prices will rise sharply this year", "Jo Lee"), "{text}");
    }
    // a verb that takes an infinitive reports nothing before it
    let text = "On the Republican stage, businessman Jo Lee continues to lead the field with 40 percent.";
    let a = analyse(text, &[("Jo Lee", "PER")]);
    assert!(!a.quotes.iter().any(|q| q.text.contains("Republican stage")), "{:#?}", a.quotes);
}

#[test]
fn a_participle_after_a_dateline_continues_the_subject_not_the_place() {
    let text = "PORTVALE (Wirepress) - Premier Anna Cole on Tuesday ordered an inquiry into the port, saying thousands of jobs were at risk.";
    let a = analyse(text, &[("PORTVALE", "LOC"), ("Wirepress", "ORG"), ("Anna Cole", "PER")]);
    assert_eq!(quote_and_speaker(&a, "thousands of jobs").1.name, "Anna Cole");
}

#[test]
fn an_office_with_a_portfolio_is_not_someone_of_another() {
    let names = [("Tom Walsh", "PER"), ("Anna Cole", "PER")];
    // the resources minister is not "the trade minister", nor is the premier
    let text = "The federal resources minister, Tom Walsh, spoke on Monday. Premier Anna Cole spoke too. The trade minister said exports had recovered. The resources minister said coal sales were steady.";
    let a = analyse(text, &names);
    let s = quote_and_speaker(&a, "exports had recovered").1;
    assert_eq!((s.name.as_str(), s.resolution), ("", Resolution::Unresolved));
    // ... and "the resources minister" after it is no longer that unnamed trade minister
    assert_eq!(quote_and_speaker(&a, "coal sales").1.name, "Tom Walsh");
    // a rank or a nationality is no portfolio: "the Russian foreign minister", "the former minister"
    let text = "Foreign Minister Ivan Petrov spoke on Monday. The Russian foreign minister said exports had recovered.";
    assert_eq!(quote_and_speaker(&analyse(text, &[("Ivan Petrov", "PER")]), "exports").1.name, "Ivan Petrov");
    let text = "Trade minister Ivan Petrov spoke on Monday. The former trade minister said exports had recovered.";
    assert_eq!(quote_and_speaker(&analyse(text, &[("Ivan Petrov", "PER")]), "exports").1.name, "Ivan Petrov");
}

#[test]
fn an_authority_is_an_institution_not_its_director() {
    let text = "Its director general, Paul Ng, stressed that the port authority had warned the company last year. The authority said it would keep the channel open.";
    let a = analyse(text, &[("Paul Ng", "PER")]);
    let s = quote_and_speaker(&a, "keep the channel open").1;
    assert_eq!((s.name.as_str(), s.entity.as_deref()), ("The authority", None));
}

#[test]
fn a_piece_is_written_by_the_subject_not_by_a_possessor() {
    // "Jo Lee's views" name no author of "the poll"; "Jo Lee's campaign" speaks for Jo Lee
    let text = "Jo Lee's views on trade have hurt her support, according to a survey of 400 voters released on Friday.\n\nMost voters dislike her plan, the poll found.";
    let a = analyse(text, &[("Jo Lee", "PER")]);
    let s = quote_and_speaker(&a, "Most voters dislike").1;
    assert_eq!((s.text.as_str(), s.name.as_str()), ("the poll", ""));
    let text = "Jo Lee's campaign sent an email to donors. \"We need every one of you this month,\" the email said.";
    let a = analyse(text, &[("Jo Lee", "PER")]);
    assert_eq!(quote_and_speaker(&a, "every one of you").1.name, "Jo Lee");
}

#[test]
fn a_relative_clause_after_an_unnamed_source_is_no_part_of_the_quote() {
    let names = [("Wirepress", "ORG"), ("Maria", "PER")];
    let text = "The river rose overnight. \"The water came in an hour,\" a neighbour, who asked not to be named, told Wirepress.";
    let a = analyse(text, &names);
    let (q, s) = quote_and_speaker(&a, "water came");
    assert_eq!((q.text.as_str(), q.kind, s.text.as_str(), s.name.as_str()), ("The water came in an hour,", QuoteKind::Direct, "a neighbour", ""));
    // the name the clause gives is the speaker's
    let text = "The river rose overnight. \"The water came in an hour,\" a neighbour, who gave only her first name, Maria, told Wirepress.";
    let a = analyse(text, &names);
    let (q, s) = quote_and_speaker(&a, "water came");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("The water came in an hour,", "Maria"));
    let text = "Others were less sure. One resident, who gave his name only as Manuel, said the town had been divided by the case.";
    let a = analyse(text, &[("Manuel", "PER")]);
    assert_eq!(quote_and_speaker(&a, "town had been divided").1.name, "Manuel");
}

#[test]
fn according_to_after_a_closing_mark_names_the_speaker() {
    let text = "\u{201c}Prices will rise again next year,\u{201d} according to Jo Lee, an economist at Acme.";
    let a = analyse(text, &[("Jo Lee", "PER"), ("Acme", "ORG")]);
    assert_eq!(quote(&a, "Prices will rise"), (QuoteKind::Direct, "Jo Lee".into(), Resolution::Explicit));
    assert_eq!(a.quotes.len(), 1, "the apposition is no content: {:#?}", a.quotes);
    // an outlet's description resolves to the outlet the article named
    let text = "Harbour News reported on Thursday that agents were busy. The rule applies, \u{201c}when people make false statements to federal agents,\u{201d} according to the news outlet.";
    let a = analyse(text, &[("Harbour News", "ORG")]);
    let s = quote_and_speaker(&a, "false statements").1;
    assert_eq!((s.text.as_str(), s.name.as_str()), ("the news outlet", "Harbour News"));
}

#[test]
fn asking_not_to_be_named_reports_nothing() {
    let text = "\"The water came in an hour,\" Jo Lee, who asked not to be named, told Wirepress.";
    // (the attribution head may read the request as a cue and its content)
    let roles = [role(text, "asked", Role::Cue, 0.95), role(text, "not to be named, told Wirepress", Role::Content, 0.95)];
    let a = analyse_tagged(text, &[("Jo Lee", "PER"), ("Wirepress", "ORG")], &roles);
    assert_eq!(a.quotes.len(), 1, "{:#?}", a.quotes);
    assert_eq!(quote(&a, "water came").1, "Jo Lee");
}

#[test]
fn a_lede_description_is_the_official_named_next() {
    let names = [("Sergei Orlov", "PER"), ("NATO", "ORG"), ("Moscow", "LOC")];
    let text = "MOSCOW (Wirepress) - Russia's top diplomat said on Friday the West was stoking tensions in the region.\n\nForeign Minister Sergei Orlov told reporters in Moscow that NATO was testing Russia.";
    let a = analyse(text, &names);
    let s = quote_and_speaker(&a, "stoking tensions").1;
    assert_eq!((s.text.as_str(), s.name.as_str(), s.resolution), ("Russia's top diplomat", "Sergei Orlov", Resolution::Nominal));
    // not someone the content names, nor a name without the office the description promised
    let text = "Union chief says Jo Lee can win the state\n\nThe head of the nurses' union said on Sunday that Jo Lee could win Ohio. Mia Park, 40, agreed.";
    let a = analyse(text, &[("Jo Lee", "PER"), ("Mia Park", "PER"), ("Ohio", "LOC")]);
    for q in &a.quotes {
        let s = q.speaker.as_ref().map(|s| s.name.as_str()).unwrap_or("");
        assert!(s != "Jo Lee" && s != "Mia Park", "{q:#?}");
    }
}

#[test]
fn a_place_after_a_preposition_and_an_article_only_locates_the_speakers() {
    let text = "Prices rose again in March. Farmers in the Rift Valley say they cannot afford fertiliser this year.";
    let a = analyse(text, &[("Rift Valley", "LOC")]);
    let q = a.quotes.iter().find(|q| q.text.contains("afford fertiliser"));
    assert!(q.is_none_or(|q| q.speaker.as_ref().is_none_or(|s| s.name != "Rift Valley")), "{q:#?}");
}

#[test]
fn an_institution_is_not_a_person_who_speaks_for_it() {
    // "the government" is not its spokesman, nor "police" their chief
    let text = "Government spokesman Jo Lee spoke on Monday. The Valmoran government said the suspect was a leader of the plot.";
    let s = quote_and_speaker(&analyse(text, &[("Jo Lee", "PER")]), "leader of the plot").1.clone();
    assert_eq!((s.name.as_str(), s.entity.as_deref()), ("The Valmoran government", None));
    let text = "Police chief Jo Lee spoke on Monday. Local police said there had been 906 attacks on shelters last year.";
    let s = quote_and_speaker(&analyse(text, &[("Jo Lee", "PER")]), "906 attacks").1.clone();
    assert_eq!((s.name.as_str(), s.entity.as_deref()), ("Local police", None));
}

#[test]
fn a_head_content_never_starts_inside_the_dateline() {
    // the head's content span sometimes begins at the dateline's closing bracket
    let text = "NAIROBI (Wirepress) - The first vaccines will arrive next month, a plan of the health ministry shows.";
    let roles = [
        role(text, ") - The first vaccines will arrive next month", Role::Content, 0.97),
        role(text, "a plan of the health ministry", Role::Source, 0.95),
        role(text, "shows", Role::Cue, 0.97),
    ];
    let a = analyse_tagged(text, &[("NAIROBI", "LOC")], &roles);
    let (q, _) = quote_and_speaker(&a, "first vaccines will arrive");
    assert_eq!(q.text, "The first vaccines will arrive next month");
}

#[test]
fn a_clause_of_circumstances_after_the_cue_leaves_the_content_before_it() {
    let text = "The first vaccines will arrive next month, Health Minister Jo Lee said on Thursday, as infections rose across the country.";
    let a = analyse(text, &[("Jo Lee", "PER")]);
    let (q, s) = quote_and_speaker(&a, "first vaccines");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("The first vaccines will arrive next month", "Jo Lee"));
    let text = "Talks will resume in January, Jo Lee told reporters in Geneva, amid growing anger over the delays.";
    let a = analyse(text, &[("Jo Lee", "PER"), ("Geneva", "LOC")]);
    assert_eq!(quote(&a, "Talks will resume").1, "Jo Lee");
}

#[test]
fn an_outlet_relaying_a_named_speakers_words_is_cut_off_the_content() {
    let text = "Foreign Minister Jo Lee said the country would respond in kind if sanctions were imposed, state media reported.";
    let a = analyse(text, &[("Jo Lee", "PER")]);
    let (q, s) = quote_and_speaker(&a, "respond in kind");
    assert_eq!((q.text.as_str(), s.name.as_str()), ("the country would respond in kind if sanctions were imposed", "Jo Lee"));
    assert_eq!(a.quotes.len(), 1, "{:#?}", a.quotes);
}

#[test]
fn a_name_in_apposition_to_a_role_is_a_person_whatever_ner_said() {
    // NER tags the head's name ORG; the pronoun after is still hers
    let text = "The unit's head, Ana Ruiz, said investigators had frozen assets worth millions. She declined to name the companies involved, saying the inquiry was at an early stage. Jo Lee, the president, welcomed the news.";
    let a = analyse(text, &[("Ana Ruiz", "ORG"), ("Jo Lee", "PER")]);
    assert_eq!(quote(&a, "frozen assets").1, "Ana Ruiz");
    assert_eq!(quote(&a, "the inquiry was at an early stage").1, "Ana Ruiz");
}

#[test]
fn someone_of_a_person_is_not_that_person() {
    // "her lawyer" speaks for the minister but is not her, nor the next person named
    let text = "Health Minister Ana Ruiz has denied any wrongdoing. Her lawyer said she would cooperate fully with the investigation. The party chairman, Jo Lee, said the minister deserved a fair hearing.";
    let a = analyse(text, &[("Ana Ruiz", "PER"), ("Jo Lee", "PER")]);
    let (q, s) = quote_and_speaker(&a, "cooperate fully");
    assert_eq!((s.name.as_str(), s.text.as_str(), s.resolution), ("", "Her lawyer", Resolution::Unresolved), "{q:#?}");
    // in a lede, "his counterpart" is no newcomer named after it
    let text = "The finance minister hit back on Monday at complaints from his counterpart that the country was flooding markets with cheap steel. The minister, Jo Lee, said output was falling.";
    let roles = [
        role(text, "complaints", Role::Cue, 0.9),
        role(text, "his counterpart", Role::Source, 0.9),
        role(text, "that the country was flooding markets with cheap steel", Role::Content, 0.95),
    ];
    let a = analyse_tagged(text, &[("Jo Lee", "PER")], &roles);
    let (_, s) = quote_and_speaker(&a, "flooding markets");
    assert_eq!((s.name.as_str(), s.text.as_str()), ("", "his counterpart"));
}

#[test]
fn the_presidency_and_the_cabinet_are_institutions_that_speak() {
    let text = "The presidency said in a statement that President Jo Lee had ordered an inquiry into the contracts. The cabinet said on Friday it would meet again next week.";
    let a = analyse(text, &[("Jo Lee", "PER")]);
    let (_, s) = quote_and_speaker(&a, "ordered an inquiry");
    assert_eq!((s.name.as_str(), s.resolution), ("The presidency", Resolution::Unresolved));
    assert_eq!(quote(&a, "meet again").1, "The cabinet");
}

#[test]
fn a_group_word_opening_a_sentence_is_no_name() {
    let text = "The summit ended before dawn. Diplomats said the leaders also agreed to extend sanctions for another six months. Analysts said markets had expected the deal.";
    let a = analyse(text, &[]);
    for snippet in ["extend sanctions", "markets had expected"] {
        let (_, s) = quote_and_speaker(&a, snippet);
        assert_eq!((s.name.as_str(), s.resolution), ("", Resolution::Unresolved), "{snippet}");
    }
}

#[test]
fn an_outlet_named_before_its_medium_word_speaks() {
    let text = "Rescue teams worked through the night. Wirenews news agency, citing the embassy, reported that no foreign citizens were among the casualties.";
    let a = analyse(text, &[("Wirenews", "ORG")]);
    let (_, s) = quote_and_speaker(&a, "no foreign citizens");
    assert_eq!((s.name.as_str(), s.text.as_str()), ("Wirenews", "Wirenews news agency"));
    let text = "Jo Lee won the vote. On Monday the Ana Ruiz presidential campaign said Jo Lee had refused to debate her in the capital.";
    let a = analyse(text, &[("Jo Lee", "PER"), ("Ana Ruiz", "PER")]);
    assert_eq!(quote(&a, "refused to debate her").1, "Ana Ruiz");
}

#[test]
fn his_office_and_her_campaign_speak_for_their_holder_but_his_party_does_not() {
    let text = "Prime Minister Jo Lee condemned the attack and ordered the police to find those responsible, his office said in a statement. Ana Ruiz praised the police. Her campaign said she would visit the wounded on Monday. Jo Lee met farmers. His party said it would vote against the budget.";
    let a = analyse(text, &[("Jo Lee", "PER"), ("Ana Ruiz", "PER")]);
    assert_eq!(quote(&a, "ordered the police").1, "Jo Lee");
    assert_eq!(quote(&a, "visit the wounded").1, "Ana Ruiz");
    assert_ne!(quote(&a, "vote against the budget").1, "Jo Lee");
}

#[test]
fn a_business_described_in_the_lede_is_the_one_named_next_never_the_dateline_agency() {
    let text = "TOKYO (Wirepress) - Japan's biggest carmaker said on Tuesday it would cut 5,000 jobs in Europe.\n\nIn a filing, Acme Motors said the cuts would save 40 billion yen a year.";
    let a = analyse(text, &[("TOKYO", "LOC"), ("Wirepress", "ORG"), ("Japan", "LOC"), ("Europe", "LOC"), ("Acme Motors", "ORG")]);
    let (_, s) = quote_and_speaker(&a, "cut 5,000 jobs");
    assert_eq!((s.name.as_str(), s.text.as_str()), ("Acme Motors", "Japan's biggest carmaker"));
    // the head's source span holding the place in the possessive
    let text = "SAO PAULO (Wirepress) - Brazil's largest meatpacker plans to invest in new plants over five years.\n\nCarnes Unidas said the plants would create 12,000 jobs.";
    let roles = [
        role(text, "Brazil's largest meatpacker", Role::Source, 0.9),
        role(text, "plans", Role::Cue, 0.9),
        role(text, "to invest in new plants over five years", Role::Content, 0.95),
    ];
    let a = analyse_tagged(text, &[("SAO PAULO", "LOC"), ("Wirepress", "ORG"), ("Brazil", "LOC"), ("Carnes Unidas", "ORG")], &roles);
    let (_, s) = quote_and_speaker(&a, "invest in new plants");
    assert_eq!((s.name.as_str(), s.text.as_str()), ("Carnes Unidas", "Brazil's largest meatpacker"));
}

#[test]
fn an_agency_relaying_what_people_said_is_not_their_speaker() {
    let text = "Fighting went on in the east. Separatist leaders in the region said shelling had killed two civilians overnight, Russia's Wirenews news agency reported.";
    let a = analyse(text, &[("Russia", "LOC"), ("Wirenews", "ORG")]);
    let (q, s) = quote_and_speaker(&a, "killed two civilians");
    assert_eq!((q.text.as_str(), s.text.as_str()), ("shelling had killed two civilians overnight", "Separatist leaders"));
}

#[test]
fn a_charge_someone_denied_is_not_part_of_the_content() {
    let text = "The activist fell ill on a flight last month. His allies say he was targeted because of his reporting on corruption, a charge the government denied.";
    let a = analyse(text, &[]);
    let (q, _) = quote_and_speaker(&a, "he was targeted");
    assert_eq!(q.text, "he was targeted because of his reporting on corruption");
}
