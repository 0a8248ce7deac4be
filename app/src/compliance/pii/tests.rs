use std::collections::BTreeSet;

use super::*;

fn defaults() -> PiiRules {
    PiiRules::compile(&default_rules()).expect("the default rules compile")
}

fn rule(name: &str, kind: RuleKind, pattern: &str, severity: Severity) -> PiiRule {
    PiiRule {
        name: name.to_owned(),
        label: name.to_uppercase(),
        kind,
        pattern: pattern.to_owned(),
        severity,
        active: true,
    }
}

/// Recall and false positives of the default rules on the corpus of front-desk sentences:
/// recall counts each expected (sentence, label) pair found; a false positive is a sentence in
/// which some rule finds a label it does not hold.
#[test]
fn the_default_rules_find_german_pii_and_leave_doses_dates_and_codes_alone() {
    let rules = defaults();
    let (mut expected, mut found, mut sentences, mut false_positives) = (0, 0, 0, 0);
    let mut failures = Vec::new();
    for line in include_str!("corpus.tsv").lines() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let (labels, sentence) = line.split_once('\t').expect("label, tab, sentence");
        let want: BTreeSet<&str> = labels.split(',').filter(|l| *l != "-").collect();
        let findings = rules.scan(sentence, None);
        let got: BTreeSet<&str> = findings.iter().map(|f| f.label.as_str()).collect();
        sentences += 1;
        expected += want.len();
        found += want.intersection(&got).count();
        if !got.is_subset(&want) {
            false_positives += 1;
        }
        if want != got {
            failures.push(format!("{want:?} != {got:?}: {sentence}"));
        }
    }
    let recall = found as f64 / expected as f64;
    let false_positive_rate = false_positives as f64 / sentences as f64;
    eprintln!(
        "PII corpus: {sentences} sentences, recall {found}/{expected} = {:.1} %, \
         false positives {false_positives}/{sentences} = {:.1} %",
        recall * 100.0,
        false_positive_rate * 100.0
    );
    assert!(sentences >= 200, "the corpus has {sentences} sentences");
    assert!(
        recall >= 0.99 && false_positive_rate <= 0.02,
        "recall {recall:.3}, false positives {false_positive_rate:.3}:\n{}",
        failures.join("\n")
    );
}

#[test]
fn the_strongest_severity_decides_and_redaction_keeps_the_rest_of_the_text() {
    let rules = defaults();
    assert_eq!(
        rules.judge("Erstattung auf DE89 3704 0044 0532 0130 00, danke", None),
        Verdict::Redact {
            text: "Erstattung auf [IBAN], danke".to_owned(),
            warned: vec![],
        }
    );
    assert_eq!(
        rules.judge("Rückruf 0171 1234567", None),
        Verdict::Warn(vec!["Telefonnummer".to_owned()])
    );
    assert_eq!(rules.judge("Rezept Ramipril", None), Verdict::Clean);

    let blocking = PiiRules::compile(&[
        rule("iban", RuleKind::Regex, r"DE\d{20}", Severity::Block),
        rule("tel", RuleKind::Regex, r"0\d{9}", Severity::Redact),
    ])
    .expect("compiles");
    assert_eq!(
        blocking.judge("DE89370400440532013000 und 0301234567", None),
        Verdict::Block {
            rule: "iban".to_owned()
        }
    );
}

#[test]
fn the_callers_own_number_is_not_a_finding() {
    let rules = defaults();
    let text = "Bitte Rückruf unter 030 / 123 45 67 oder 0171 7654321";
    let findings = rules.scan(text, Some("+49301234567"));
    assert_eq!(findings.len(), 1);
    assert_eq!(&text[findings[0].start..findings[0].end], "0171 7654321");
}

#[test]
fn keywords_match_whole_words_in_any_case_with_umlauts() {
    let rules = PiiRules::compile(&[rule(
        "Diagnose",
        RuleKind::Keyword,
        "Schwangerschaftsabbruch",
        Severity::Warn,
    )])
    .expect("compiles");
    assert_eq!(rules.scan("wegen SCHWANGERSCHAFTSABBRUCH", None).len(), 1);
    assert!(rules.scan("Schwangerschaftsabbruchs", None).is_empty());
    let umlaut = PiiRules::compile(&[rule("m", RuleKind::Keyword, "Übelkeit", Severity::Warn)])
        .expect("compiles");
    assert_eq!(umlaut.scan("starke übelkeit seit gestern", None).len(), 1);
}

#[test]
fn redaction_merges_overlapping_findings_and_keeps_umlauts_intact() {
    let text = "Grüße, Konto DE02 1203 0000 0000 2020 51 – Jörg";
    let start = text.find("DE02").expect("in the text");
    let findings = vec![
        Finding {
            rule: "a".into(),
            label: "IBAN".into(),
            severity: Severity::Redact,
            start,
            end: start + "DE02 1203 0000 0000 2020 51".len(),
        },
        Finding {
            rule: "b".into(),
            label: "NUMMER".into(),
            severity: Severity::Redact,
            start: start + 5,
            end: start + 9,
        },
    ];
    assert_eq!(redact(text, &findings), "Grüße, Konto [IBAN] – Jörg");
}

#[test]
fn a_rule_that_cannot_be_saved_says_why() {
    let check = |rule: PiiRule| PiiRules::compile(&[rule]).expect_err("refused");
    match check(rule("x", RuleKind::Regex, "(unclosed", Severity::Warn)) {
        RuleError::PatternInvalid { rule, message } => {
            assert_eq!(rule, "x");
            assert!(message.contains("unclosed group"), "{message}");
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        check(rule("x", RuleKind::Regex, "a*", Severity::Warn)),
        RuleError::PatternMatchesEmpty("x".to_owned())
    );
    assert_eq!(
        check(rule(
            "x",
            RuleKind::Regex,
            &"a".repeat(PATTERN_MAX_CHARS + 1),
            Severity::Warn
        )),
        RuleError::PatternLength
    );
    assert!(matches!(
        check(rule(
            "x",
            RuleKind::Regex,
            r"\w{1000}\w{1000}",
            Severity::Warn
        )),
        RuleError::PatternInvalid { .. }
    ));
    assert_eq!(
        check(rule("", RuleKind::Keyword, "abc", Severity::Warn)),
        RuleError::NameLength
    );
    let mut bad_label = rule("x", RuleKind::Keyword, "abc", Severity::Warn);
    bad_label.label = "A]".to_owned();
    assert_eq!(check(bad_label), RuleError::LabelInvalid);
    let twice = PiiRules::compile(&[
        rule("x", RuleKind::Keyword, "abc", Severity::Warn),
        rule("x", RuleKind::Keyword, "def", Severity::Warn),
    ]);
    assert_eq!(twice.err(), Some(RuleError::NameTaken("x".to_owned())));
}

#[test]
fn inactive_rules_are_checked_but_find_nothing() {
    let mut off = rule("x", RuleKind::Keyword, "Rezept", Severity::Block);
    off.active = false;
    let rules = PiiRules::compile(&[off]).expect("compiles");
    assert_eq!(rules.judge("Rezept bitte", None), Verdict::Clean);
}
