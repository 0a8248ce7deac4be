//! The report as a German PDF, rendered from the same [`ComplianceReport`] the JSON holds.

use super::{ComplianceReport, layout::Pages};
use crate::{
    compliance::policy::Permission,
    domain::{Retention, format_berlin},
    i18n::Lang,
};

const TITLE: &str = "Compliance-Bericht";

pub(super) fn render(report: &ComplianceReport) -> Vec<u8> {
    let texts = Lang::De.compliance();
    let mut pages = Pages::new(&report.practice, TITLE);
    let period = format!(
        "Zeitraum {} bis {} (Europe/Berlin). Schema {}.",
        report.period.from.format("%d.%m.%Y"),
        report.period.to.format("%d.%m.%Y"),
        report.schema
    );
    pages.text(&period);

    pages.heading("Aktive Richtlinie");
    let policy = &report.policy;
    let approval = match (&policy.approved_by, policy.approved_at) {
        (Some(by), Some(at)) => format!("freigegeben von {by} am {}", format_berlin(at)),
        (None, Some(at)) => format!(
            "bei der Installation vom System freigegeben am {}",
            format_berlin(at)
        ),
        _ => "nicht freigegeben".to_owned(),
    };
    pages.text(&format!(
        "Version {}, {approval}. Entworfen von {}. Inhalts-Hash (SHA-256): {}",
        policy.version,
        policy.drafted_by.as_deref().unwrap_or("dem System"),
        policy.content_hash
    ));
    pages.text(match (policy.self_approved, policy.self_approval_allowed) {
        (true, _) => "Diese Version hat die einzige Admin-Person selbst freigegeben (von der Praxis erlaubt).",
        (false, true) => "Vier-Augen-Prinzip eingehalten. Die Praxis erlaubt ihrer einzigen Admin-Person die Selbstfreigabe.",
        (false, false) => "Vier-Augen-Prinzip eingehalten; Selbstfreigabe ist nicht erlaubt.",
    });

    pages.heading("Quellen und Operationsmatrix");
    let cell = |permission: Permission| match (permission.allowed, permission.needs_justification) {
        (false, _) => "nein".to_owned(),
        (true, false) => "ja".to_owned(),
        (true, true) => "ja, mit Begründung".to_owned(),
    };
    let rows: Vec<Vec<String>> = report
        .sources
        .iter()
        .map(|source| {
            vec![
                format!(
                    "{} ({}){}",
                    source.name,
                    source.id,
                    if source.active { "" } else { ", inaktiv" }
                ),
                source.legal_basis.clone(),
                cell(source.operations.lookup),
                cell(source.operations.llm),
                cell(source.operations.export),
                texts.training_forbidden.to_owned(),
            ]
        })
        .collect();
    pages.table(
        &[2.8, 3.8, 1.4, 1.4, 2.0, 1.5],
        &[
            "Quelle",
            texts.legal_basis,
            "Anzeige",
            "LLM",
            "Export",
            texts.training,
        ],
        &rows,
    );
    if report.training_allowed {
        pages.text("Achtung: Training ist erlaubt.");
    }

    pages.heading("PII-Regeln");
    let rows: Vec<Vec<String>> = report
        .pii_rules
        .iter()
        .map(|rule| {
            vec![
                rule.name.clone(),
                (texts.kind_name)(rule.kind).to_owned(),
                rule.pattern.clone(),
                (texts.severity_name)(rule.severity).to_owned(),
                if rule.active { "aktiv" } else { "aus" }.to_owned(),
            ]
        })
        .collect();
    pages.table(
        &[2.4, 1.8, 5.6, 1.5, 1.0],
        &[
            texts.rule_name,
            texts.rule_kind,
            texts.pattern,
            texts.severity,
            "Stand",
        ],
        &rows,
    );

    pages.heading("Änderungen der Richtlinie im Zeitraum");
    if report.changes.is_empty() {
        pages.text("Keine Versionen entworfen oder entschieden.");
    } else {
        let rows: Vec<Vec<String>> = report
            .changes
            .iter()
            .map(|change| {
                let decided = match (&change.decided_by, change.decided_at) {
                    (by, Some(at)) => format!(
                        "{} am {}{}",
                        by.as_deref().unwrap_or("System"),
                        format_berlin(at),
                        if change.self_approved {
                            " (selbst)"
                        } else {
                            ""
                        }
                    ),
                    (_, None) => "offen".to_owned(),
                };
                let what: Vec<String> = change.changes.iter().map(texts.change).collect();
                vec![
                    change.version.to_string(),
                    (texts.state_name)(change.state).to_owned(),
                    format!(
                        "{} am {}",
                        change.drafted_by.as_deref().unwrap_or("System"),
                        format_berlin(change.drafted_at)
                    ),
                    decided,
                    if what.is_empty() {
                        texts.no_changes.to_owned()
                    } else {
                        what.join("; ")
                    },
                ]
            })
            .collect();
        pages.table(
            &[1.3, 2.0, 3.0, 3.0, 4.2],
            &[
                texts.version,
                texts.state,
                texts.author,
                texts.decided,
                texts.changes,
            ],
            &rows,
        );
    }

    pages.heading("Blockierte Inhalte im Zeitraum");
    let blocked = &report.blocked;
    pages.text(&format!(
        "{} {} blockiert (ohne Inhalt protokolliert).",
        blocked.total,
        if blocked.total == 1 {
            "Vorgang"
        } else {
            "Vorgänge"
        }
    ));
    if blocked.total > 0 {
        let rows: Vec<Vec<String>> = blocked
            .by_reason
            .iter()
            .map(|count| vec![reason(&count.key).to_owned(), count.count.to_string()])
            .chain(
                blocked
                    .by_source
                    .iter()
                    .map(|count| vec![format!("Quelle {}", count.key), count.count.to_string()]),
            )
            .collect();
        pages.table(&[5.0, 1.0], &["Grund bzw. Quelle", "Anzahl"], &rows);
    }

    pages.heading("Aufbewahrung");
    let retention = &report.retention;
    pages.text(&format!(
        "Richtlinie: {} Tage; eingestellt (RETENTION_DAYS): {} Tage, höchstens {} — {}.",
        policy.retention_days,
        retention.configured_days,
        Retention::MAX_DAYS,
        if retention.within_policy {
            "eingehalten"
        } else {
            "länger als die Richtlinie erlaubt"
        }
    ));
    pages.text(&format!(
        "Löschläufe im Zeitraum: {}, davon fehlgeschlagen oder abgebrochen: {}. Letzter erfolgreicher Lauf: {}.",
        retention.purge_runs,
        retention.failed_runs,
        retention.last_success.map_or_else(|| "keiner im Zeitraum".to_owned(), format_berlin)
    ));
    let deleted = retention.deleted;
    pages.text(&format!(
        "Gelöscht: {} Anrufe, {} Statuseinträge, {} Notizen, {} Aufdeckungsgründe, {} alte Audit-Einträge, bei {} Audit-Einträgen die Inhalte, {} Dead Letters, {} Einträge im Sperrprotokoll, {} Anrufdateien.",
        deleted.calls,
        deleted.status_entries,
        deleted.notes,
        deleted.reveals,
        deleted.audit_rows,
        deleted.audit_diffs,
        deleted.dead_letters,
        deleted.blocked_entries,
        deleted.files
    ));

    pages.heading(texts.checklist);
    let rows: Vec<Vec<String>> = report
        .checklist
        .iter()
        .map(|entry| {
            vec![
                (texts.item)(entry.item).to_owned(),
                if entry.met { texts.met } else { texts.missing }.to_owned(),
            ]
        })
        .collect();
    pages.table(&[6.0, 1.0], &["Prüfpunkt", "Stand"], &rows);
    pages.text(&format!("{}: {} %", texts.score, report.score));
    pages.finish()
}

/// A refusal's reason in German.
fn reason(code: &str) -> &str {
    match code {
        "source_not_allowed" => "Quelle nicht zugelassen",
        "source_inactive" => "Quelle inaktiv",
        "pii_blocked" => "von einer PII-Regel blockiert",
        "operation_not_allowed" => "Operation nicht erlaubt",
        "training_forbidden" => "Training verboten",
        "justification_missing" => "Begründung fehlte",
        other => other,
    }
}
