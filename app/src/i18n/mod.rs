//! The languages of the UI: German by default, English when a user chooses it. Each language
//! is one value of [`Texts`], so a text missing in one of them does not compile, and a view
//! reads its words from the [`Texts`] of the request's language.
//!
//! The choice is a cookie. The server reads it for every page it renders and writes the
//! language into `<html lang>`, where the browser bundle picks it up when it hydrates, so both
//! render the same words. Switching sets the cookie and reloads the page (the view lives in the
//! URL, so nothing is lost).

mod backup;
mod compliance;
mod escalation;
mod invalid;
mod kpi;
mod llm;
mod repeat;
mod retention;
mod rights;
mod rules;

pub use backup::{BackupTexts, use_backup_texts};
pub use compliance::{ComplianceTexts, use_compliance_texts};
pub use escalation::{EscalationTexts, use_escalation_texts};
pub use kpi::{KpiTexts, use_kpi_texts};
pub use llm::{LlmTexts, use_llm_texts};
pub use repeat::{RepeatTexts, use_repeat_texts};
pub use retention::{RetentionTexts, use_retention_texts};
pub use rights::{RightsTexts, use_rights_texts};
pub use rules::{RulesTexts, use_rules_texts};

use leptos::prelude::*;

use crate::{
    AppError,
    domain::{
        ActorKind, AuditAction, CallSort, CallStatus, Invalid, MaskLevel, PiiField, Priority, Role,
        SearchField, TokenScope,
    },
};

/// The cookie that holds a user's choice of language.
pub const LANG_COOKIE: &str = "anrufe_lang";

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Lang {
    #[default]
    De,
    En,
}

impl Lang {
    pub const ALL: [Self; 2] = [Self::De, Self::En];

    /// The BCP 47 code, as in `<html lang>` and the cookie.
    pub fn code(self) -> &'static str {
        match self {
            Self::De => "de",
            Self::En => "en",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|lang| lang.code() == code)
    }

    /// The language's own name, as offered in the language switch.
    pub fn name(self) -> &'static str {
        match self {
            Self::De => "Deutsch",
            Self::En => "English",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Self::De => &DE,
            Self::En => &EN,
        }
    }

    /// The language of the page being rendered: on the server from the request's cookie
    /// (German when none is chosen), in the browser from `<html lang>` the server wrote.
    pub fn current() -> Self {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .map(|parts| Self::of_request(&parts.headers))
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        {
            document()
                .document_element()
                .and_then(|html| html.get_attribute("lang"))
                .and_then(|code| Self::from_code(&code))
                .unwrap_or_default()
        }
    }
}

#[cfg(feature = "ssr")]
impl Lang {
    /// The language a request's cookie chose, German when none.
    pub fn of_request(headers: &http::HeaderMap) -> Self {
        crate::cookies::value(headers, LANG_COOKIE)
            .and_then(|code| Self::from_code(&code))
            .unwrap_or_default()
    }
}

/// Provides the page's language to every view below.
pub fn provide_lang() {
    provide_context(Lang::current());
}

/// The words of the page's language.
pub fn use_texts() -> &'static Texts {
    use_context::<Lang>().unwrap_or_default().texts()
}

/// Every text of the UI in one language.
pub struct Texts {
    /// The LLM help's words, which errors need too.
    pub llm: &'static LlmTexts,
    pub loading_calls: &'static str,
    pub count_exact: fn(usize, i64) -> String,
    pub count_estimated: fn(usize, i64) -> String,
    pub empty_search: fn(&str) -> String,
    /// „Gesucht in: …“, naming the fields a search looked in.
    pub searched_in: fn(&str) -> String,
    /// Said when a search could look in no field, because the ones it needs are masked.
    pub search_masked: &'static str,
    pub empty_range: &'static str,
    pub empty_status: fn(&str) -> String,
    pub empty_all: &'static str,
    pub empty_open: &'static str,
    pub live: &'static str,
    pub offline: &'static str,
    pub load_failed: &'static str,
    pub language: &'static str,

    pub filters: &'static str,
    pub quick_filters: &'static str,
    pub today: &'static str,
    pub last_hour: &'static str,
    pub open: &'static str,
    pub all: &'static str,
    pub search: &'static str,
    pub search_placeholder: &'static str,
    pub from: &'static str,
    pub to: &'static str,
    pub sort_order: &'static str,
    pub apply: &'static str,

    pub pages: &'static str,
    pub first_page: &'static str,
    pub previous_page: &'static str,
    pub next_page: &'static str,
    pub last_page: &'static str,

    pub undo: &'static str,
    pub dismiss: &'static str,

    pub selection: &'static str,
    pub selected: fn(usize) -> String,
    pub assign_to: &'static str,
    pub assign_to_choose: &'static str,
    pub nobody: &'static str,
    pub clear_selection: &'static str,

    pub select_all: &'static str,
    pub select_row: &'static str,
    pub col_time: &'static str,
    pub col_caller: &'static str,
    pub col_concern: &'static str,
    pub col_date_of_birth: &'static str,
    pub col_source_priority: &'static str,
    pub col_status: &'static str,
    pub col_assignee: &'static str,
    pub col_updated: &'static str,
    pub actions: &'static str,
    pub anonymous: &'static str,
    pub mark_done_hint: &'static str,
    /// Prefixes of times on the current and the previous day, e.g. `heute 14:05`.
    pub today_at: &'static str,
    pub yesterday_at: &'static str,

    pub already_status: fn(&str) -> String,
    pub status_set: fn(&str) -> String,
    pub undone: &'static str,
    pub assigned_to: fn(&str) -> String,
    pub unassigned: &'static str,
    pub bulk_changed: fn(usize) -> String,
    pub bulk_unchanged: fn(usize) -> String,
    pub bulk_conflicts: fn(usize) -> String,

    pub call_title: &'static str,
    pub close: &'static str,
    pub loading: &'static str,
    pub set_status: &'static str,
    pub details: &'static str,
    pub field_received: &'static str,
    pub field_name: &'static str,
    pub field_number: &'static str,
    pub field_priority: &'static str,
    pub field_source: &'static str,
    pub field_version: &'static str,
    pub field_event_id: &'static str,
    pub field_imported: &'static str,
    pub import_warnings: &'static str,
    pub notes: &'static str,
    pub no_notes: &'static str,
    pub not_signed_in: &'static str,
    pub status_history: &'static str,
    pub status_unchanged: &'static str,
    pub audit: &'static str,
    pub no_audit: &'static str,
    pub audit_time: &'static str,
    pub audit_action: &'static str,
    pub audit_by: &'static str,
    pub audit_change: &'static str,
    pub raw_payload: &'static str,
    pub add_note: &'static str,
    pub save_note: &'static str,
    pub note_saved: &'static str,

    pub not_found_title: &'static str,
    pub not_found_text: &'static str,
    pub to_call_list: &'static str,
    /// The title of the page for a part of the site one's role does not reach.
    pub no_access: &'static str,

    pub error_internal: &'static str,
    pub error_transport: fn(&str) -> String,
    pub error_not_found: &'static str,
    pub error_conflict: &'static str,
    pub error_unauthenticated: &'static str,
    pub error_forbidden: &'static str,
    pub error_login_rejected: &'static str,
    pub error_too_many: &'static str,
    pub error_reveal_limit: fn(u16) -> String,
    pub error_policy_invalid: fn(&str) -> String,
    pub invalid: fn(Invalid) -> String,

    pub login_title: &'static str,
    pub login_intro: &'static str,
    pub email: &'static str,
    pub password: &'static str,
    pub log_in: &'static str,
    pub logging_in: &'static str,
    pub log_out: &'static str,
    pub signed_in_as: &'static str,
    pub mine: &'static str,

    pub admin_link: &'static str,
    pub admin_title: &'static str,
    pub admin_users: &'static str,
    pub admin_sessions: &'static str,
    pub admin_tokens: &'static str,
    pub admin_masking: &'static str,
    pub admin_audit: &'static str,
    pub add_user: &'static str,
    pub user_added: &'static str,
    pub role: &'static str,
    pub first_password: &'static str,
    pub role_changed: &'static str,
    pub user_deactivated: &'static str,
    pub user_activated: &'static str,
    pub sessions_ended: fn(u64) -> String,
    pub account_state: &'static str,
    pub active: &'static str,
    pub deactivated: &'static str,
    pub locked_until: fn(&str) -> String,
    pub end_sessions: &'static str,
    pub deactivate: &'static str,
    pub activate: &'static str,
    pub sessions_intro: &'static str,
    pub no_sessions: &'static str,
    pub session_started: &'static str,
    pub session_last_seen: &'static str,
    pub session_ends: &'static str,
    pub session_browser: &'static str,
    pub tokens_intro: &'static str,
    pub token_shown_once: &'static str,
    pub no_tokens: &'static str,
    pub create_token: &'static str,
    pub token_name: &'static str,
    pub token_name_placeholder: &'static str,
    pub token_acts_as: &'static str,
    pub allow_oidc_link: &'static str,
    pub oidc_link_hint: &'static str,
    pub oidc_link_allowed: &'static str,
    pub oidc_link_allowed_until: fn(&str) -> String,
    pub token_scope: &'static str,
    pub token_scope_api: &'static str,
    pub token_scope_metrics: &'static str,
    pub token_scope_compliance: &'static str,
    pub token_self: &'static str,
    pub service_account: &'static str,
    pub token_prefix: &'static str,
    pub token_created: &'static str,
    pub token_last_used: &'static str,
    pub revoke: &'static str,
    pub revoke_token_confirm: &'static str,
    pub token_revoked: &'static str,
    pub revoked_at: fn(&str) -> String,
    pub expired_at: fn(&str) -> String,
    pub valid_until: fn(&str) -> String,
    pub never: &'static str,
    pub masking_intro: &'static str,
    pub masking_saved: &'static str,
    pub reveals_per_hour: &'static str,
    pub reveals_per_hour_hint: &'static str,
    pub save: &'static str,
    pub export: &'static str,
    pub no_audit_rows: &'static str,
    pub newest_entries: &'static str,
    pub older_entries: &'static str,
    pub masked_hint: &'static str,
    pub reveal: &'static str,
    pub reveal_reason: &'static str,
    pub reveal_reason_placeholder: &'static str,
    pub cancel: &'static str,
    pub audit_person: &'static str,
    pub sso_login: &'static str,
    pub login_or: &'static str,
    /// Why a login through the identity provider did not complete, by the code the server
    /// sends back (`?oidc=…`).
    pub oidc_failure: fn(&str) -> &'static str,
    /// What "partly" shows of a field.
    pub partial_example: fn(PiiField) -> &'static str,

    status_label: fn(CallStatus) -> &'static str,
    priority_label: fn(Priority) -> &'static str,
    sort_label: fn(CallSort) -> &'static str,
    role_label: fn(Role) -> &'static str,
    mask_level_label: fn(MaskLevel) -> &'static str,
    pii_field_label: fn(PiiField) -> &'static str,
    search_field_label: fn(SearchField) -> &'static str,
    audit_action_label: fn(AuditAction) -> &'static str,
    actor_kind_label: fn(ActorKind) -> &'static str,
}

impl Texts {
    pub fn status(&self, status: CallStatus) -> &'static str {
        (self.status_label)(status)
    }

    pub fn priority(&self, priority: Priority) -> &'static str {
        (self.priority_label)(priority)
    }

    pub fn sort(&self, sort: CallSort) -> &'static str {
        (self.sort_label)(sort)
    }

    pub fn token_scope_name(&self, scope: TokenScope) -> &'static str {
        match scope {
            TokenScope::Api => self.token_scope_api,
            TokenScope::Metrics => self.token_scope_metrics,
            TokenScope::Compliance => self.token_scope_compliance,
        }
    }

    pub fn role_name(&self, role: Role) -> &'static str {
        (self.role_label)(role)
    }

    pub fn mask_level(&self, level: MaskLevel) -> &'static str {
        (self.mask_level_label)(level)
    }

    pub fn pii_field(&self, field: PiiField) -> &'static str {
        (self.pii_field_label)(field)
    }

    pub fn search_field(&self, field: SearchField) -> &'static str {
        (self.search_field_label)(field)
    }

    pub fn audit_action_name(&self, action: AuditAction) -> &'static str {
        (self.audit_action_label)(action)
    }

    /// Who did something, when no person's name is at hand.
    pub fn actor_kind(&self, kind: ActorKind) -> &'static str {
        (self.actor_kind_label)(kind)
    }

    /// What went wrong, for the user.
    pub fn error(&self, error: &AppError) -> String {
        match error {
            AppError::Internal => self.error_internal.to_owned(),
            AppError::Transport(detail) => (self.error_transport)(detail),
            AppError::NotFound => self.error_not_found.to_owned(),
            AppError::Conflict(_) => self.error_conflict.to_owned(),
            AppError::Invalid { reason, .. } => (self.invalid)(*reason),
            AppError::Unauthenticated => self.error_unauthenticated.to_owned(),
            AppError::Forbidden => self.error_forbidden.to_owned(),
            AppError::LoginRejected => self.error_login_rejected.to_owned(),
            AppError::TooManyRequests => self.error_too_many.to_owned(),
            AppError::RevealLimit { per_hour } => (self.error_reveal_limit)(*per_hour),
            AppError::PolicyInvalid(detail) => (self.error_policy_invalid)(detail),
            AppError::Llm(error) => self.llm.error(error),
        }
    }
}

static DE: Texts = Texts {
    llm: &llm::DE,
    loading_calls: "Anrufe werden geladen …",
    count_exact: |shown, count| format!("{shown} von {count} Anrufen"),
    count_estimated: |shown, count| format!("{shown} von etwa {count} Anrufen (geschätzt)"),
    empty_search: |search| format!("Keine Anrufe zu „{search}“."),
    searched_in: |fields| format!("Gesucht in: {fields}"),
    search_masked: "Telefonnummern sind für Sie maskiert und werden deshalb nicht durchsucht.",
    empty_range: "Keine Anrufe in diesem Zeitraum.",
    empty_status: |status| format!("Keine Anrufe mit Status „{status}“."),
    empty_all: "Noch keine Anrufe eingegangen.",
    empty_open: "Keine offenen Anrufe.",
    live: "Live",
    offline: "Offline – Verbindung wird aufgebaut …",
    load_failed: "Die Anrufe konnten nicht geladen werden.",
    language: "Sprache",

    filters: "Filter",
    quick_filters: "Schnellfilter",
    today: "Heute",
    last_hour: "Letzte Stunde",
    open: "Offen",
    all: "Alle",
    search: "Suche",
    search_placeholder: "Name, Nummer, Anliegen oder Notiz (/)",
    from: "Von",
    to: "Bis",
    sort_order: "Sortierung",
    apply: "Anwenden",

    pages: "Seiten",
    first_page: "« Erste Seite",
    previous_page: "‹ Zurück",
    next_page: "Weiter ›",
    last_page: "Letzte Seite »",

    undo: "Rückgängig",
    dismiss: "Meldung schließen",

    selection: "Auswahl",
    selected: |count| format!("{count} ausgewählt"),
    assign_to: "Zuweisen an",
    assign_to_choose: "Zuweisen an …",
    nobody: "— niemand —",
    clear_selection: "Auswahl aufheben",

    select_all: "Alle auf dieser Seite auswählen",
    select_row: "Auswählen",
    col_time: "Zeitpunkt",
    col_caller: "Name / Nummer",
    col_concern: "Anliegen",
    col_date_of_birth: "Geburtsdatum",
    col_source_priority: "Quelle / Priorität",
    col_status: "Status",
    col_assignee: "Zugewiesen an",
    col_updated: "Letzte Änderung",
    actions: "Aktionen",
    anonymous: "Anonym",
    mark_done_hint: "Als erledigt markieren (d)",
    today_at: "heute",
    yesterday_at: "gestern",

    already_status: |status| format!("War bereits „{status}“."),
    status_set: |status| format!("„{status}“ gesetzt."),
    undone: "Rückgängig gemacht.",
    assigned_to: |name| format!("Zugewiesen an {name}."),
    unassigned: "Zuweisung aufgehoben.",
    bulk_changed: |count| format!("{count} Anrufe geändert."),
    bulk_unchanged: |count| format!(" {count} waren schon so."),
    bulk_conflicts: |count| {
        format!(" {count} wurden inzwischen von jemand anderem geändert und blieben unverändert.")
    },

    call_title: "Anruf",
    close: "Schließen (Esc)",
    loading: "Wird geladen …",
    set_status: "Status setzen",
    details: "Daten",
    field_received: "Eingegangen",
    field_name: "Name",
    field_number: "Nummer",
    field_priority: "Priorität",
    field_source: "Quelle",
    field_version: "Version",
    field_event_id: "Ereignis-ID",
    field_imported: "Importiert",
    import_warnings: "Hinweise des Imports",
    notes: "Notizen",
    no_notes: "Noch keine Notizen.",
    not_signed_in: "ohne Anmeldung",
    status_history: "Statusverlauf",
    status_unchanged: "Status seit Eingang unverändert.",
    audit: "Protokoll",
    no_audit: "Noch keine Änderungen protokolliert.",
    audit_time: "Zeit",
    audit_action: "Aktion",
    audit_by: "Von",
    audit_change: "Änderung",
    raw_payload: "Rohdaten (nur lesen)",
    add_note: "Notiz hinzufügen",
    save_note: "Notiz speichern",
    note_saved: "Notiz gespeichert.",

    not_found_title: "Seite nicht gefunden",
    not_found_text: "Diese Adresse gibt es in Anrufe nicht.",
    to_call_list: "Zur Anrufliste",
    no_access: "Kein Zugriff",

    error_internal: "Auf dem Server ist ein Fehler aufgetreten. Bitte versuchen Sie es gleich noch einmal.",
    error_transport: |detail| {
        format!("Der Server ist nicht erreichbar ({detail}). Bitte prüfen Sie die Verbindung.")
    },
    error_not_found: "Diesen Anruf gibt es nicht (mehr).",
    error_conflict: "Jemand anderes hat diesen Anruf inzwischen geändert. Die aktuelle Fassung wird angezeigt; bitte prüfen Sie Ihre Änderung.",

    error_unauthenticated: "Bitte melden Sie sich an; Ihre Sitzung ist abgelaufen oder wurde beendet.",
    error_forbidden: "Dafür fehlt Ihnen die Berechtigung.",
    error_login_rejected: "E-Mail-Adresse oder Passwort ist falsch.",
    error_too_many: "Zu viele Versuche in kurzer Zeit. Bitte warten Sie eine Minute.",
    error_reveal_limit: |per_hour| {
        format!(
            "Sie haben in der letzten Stunde {per_hour} Felder aufgedeckt – mehr erlaubt die Praxis nicht. Bitte später erneut versuchen oder die Praxisleitung fragen."
        )
    },
    error_policy_invalid: |detail| {
        format!("Die Richtlinie kann so nicht gespeichert werden: {detail}")
    },
    invalid: invalid::de,

    login_title: "Anmelden",
    login_intro: "Melden Sie sich mit Ihrer E-Mail-Adresse und Ihrem Passwort an.",
    email: "E-Mail-Adresse",
    password: "Passwort",
    log_in: "Anmelden",
    logging_in: "Anmeldung läuft …",
    log_out: "Abmelden",
    signed_in_as: "Angemeldet als",
    mine: "Meine",

    admin_link: "Verwaltung",
    admin_title: "Verwaltung",
    admin_users: "Benutzer",
    admin_sessions: "Sitzungen",
    admin_tokens: "API-Tokens",
    admin_masking: "Maskierung",
    admin_audit: "Audit-Protokoll",
    add_user: "Benutzer anlegen",
    user_added: "Benutzer angelegt. Bitte das erste Passwort persönlich übergeben.",
    role: "Rolle",
    first_password: "Erstes Passwort (mind. 12 Zeichen)",
    role_changed: "Rolle geändert.",
    user_deactivated: "Konto deaktiviert; seine Sitzungen sind beendet, seine Tokens gelten nicht mehr.",
    user_activated: "Konto aktiviert.",
    sessions_ended: |count| format!("{count} Sitzung(en) beendet."),
    account_state: "Zustand",
    active: "aktiv",
    deactivated: "deaktiviert",
    locked_until: |until| format!("gesperrt bis {until}"),
    end_sessions: "Sitzungen beenden",
    deactivate: "Deaktivieren",
    activate: "Aktivieren",
    sessions_intro: "Angemeldete Browser. Beenden meldet alle Browser der Person ab; sie kann sich danach neu anmelden.",
    no_sessions: "Niemand ist angemeldet.",
    session_started: "Angemeldet",
    session_last_seen: "Zuletzt aktiv",
    session_ends: "Endet spätestens",
    session_browser: "Browser",
    tokens_intro: "Mit einem Token greift ein Programm auf die REST-API zu (z. B. die Praxissoftware) oder liest die Metriken (das Monitoring) – als Sie selbst oder als Dienstkonto, nie als eine andere Person. Dienstkonten legt die IT mit „server user add --service“ an.",
    token_shown_once: "Neues Token – nur jetzt sichtbar. Bitte kopieren und sicher aufbewahren:",
    no_tokens: "Noch keine Tokens.",
    create_token: "Token erstellen",
    token_name: "Name",
    token_name_placeholder: "wofür, z. B. Praxissoftware",
    token_acts_as: "Handelt als",
    allow_oidc_link: "Praxis-Konto erlauben",
    oidc_link_hint: "Die nächste Anmeldung mit dem Praxis-Konto dieser Adresse darf sich innerhalb von 24 Stunden mit diesem Admin-Zugang verbinden.",
    oidc_link_allowed: "Verbindung mit dem Praxis-Konto für 24 Stunden erlaubt.",
    oidc_link_allowed_until: |until| format!("Praxis-Konto erlaubt bis {until}"),
    token_scope: "Wofür",
    token_scope_api: "REST-API (/api/v1)",
    token_scope_metrics: "nur Metriken (/metrics)",
    token_scope_compliance: "nur Compliance-Prüfung (/api/v1/compliance/check)",
    token_self: "Sie selbst",
    service_account: "Dienstkonto",
    token_prefix: "Beginnt mit",
    token_created: "Erstellt",
    token_last_used: "Zuletzt benutzt",
    revoke: "Widerrufen",
    revoke_token_confirm: "Token endgültig widerrufen? Programme, die es benutzen, verlieren sofort den Zugang.",
    token_revoked: "Token widerrufen.",
    revoked_at: |at| format!("widerrufen {at}"),
    expired_at: |at| format!("abgelaufen {at}"),
    valid_until: |at| format!("aktiv bis {at}"),
    never: "nie",
    masking_intro: "Was Mitarbeitende (Rolle Empfang) von den Daten der Anrufenden sehen. Admins sehen immer alles. Wer ein maskiertes Feld aufdeckt, nennt einen Grund; das wird protokolliert.",
    masking_saved: "Maskierung gespeichert.",
    reveals_per_hour: "Aufdeckungen pro Person und Stunde",
    reveals_per_hour_hint: "Weitere werden abgelehnt und im Audit-Protokoll vermerkt.",
    save: "Speichern",
    export: "Exportieren",
    no_audit_rows: "Keine Einträge für diesen Filter.",
    newest_entries: "« Neueste",
    older_entries: "Ältere ›",
    masked_hint: "Maskiert – im Anruf-Detail mit Begründung aufdecken",
    reveal: "Aufdecken",
    reveal_reason: "Grund",
    reveal_reason_placeholder: "z. B. Rückruf, Identität prüfen",
    cancel: "Abbrechen",
    audit_person: "Person",
    sso_login: "Mit dem Praxis-Konto anmelden",
    login_or: "oder mit E-Mail-Adresse und Passwort",
    oidc_failure: |code| match code {
        "refused" => "Die Anmeldung beim Praxis-Konto wurde abgebrochen oder abgelehnt.",
        "expired" => {
            "Die Anmeldung hat zu lange gedauert oder wurde in einem anderen Browser begonnen. Bitte noch einmal."
        }
        "deactivated" => {
            "Dieses Konto ist deaktiviert. Bitte wenden Sie sich an die Praxisleitung."
        }
        "not_entitled" => {
            "Ihr Praxis-Konto ist für Anrufe nicht freigegeben. Bitte wenden Sie sich an die Praxisleitung."
        }
        "admin_link_unconfirmed" => {
            "Ihr Admin-Zugang wird erst mit dem Praxis-Konto verbunden, wenn eine Admin-Person das unter Verwaltung → Benutzer erlaubt hat."
        }
        "no_account" => {
            "Für dieses Praxis-Konto kann kein Zugang angelegt werden (E-Mail-Adresse fehlt oder gehört schon einem anderen Zugang). Bitte wenden Sie sich an die Praxisleitung."
        }
        "unavailable" => "Die Anmeldung mit dem Praxis-Konto ist nicht eingerichtet.",
        _ => {
            "Die Anmeldung mit dem Praxis-Konto ist fehlgeschlagen. Bitte versuchen Sie es gleich noch einmal."
        }
    },
    partial_example: |field| match field {
        PiiField::CallerName => "Initialen: M. M.",
        PiiField::CallerNumber => "Vorwahl und letzte zwei Ziffern: 030 •••••67",
        PiiField::DateOfBirth => "nur das Geburtsjahr: 1984",
    },

    status_label: |status| match status {
        CallStatus::New => "Neu",
        CallStatus::InProgress => "In Bearbeitung",
        CallStatus::Done => "Erledigt",
    },
    priority_label: |priority| match priority {
        Priority::Low => "niedrig",
        Priority::Normal => "normal",
        Priority::High => "hoch",
        Priority::Urgent => "dringend",
    },
    sort_label: |sort| match sort {
        CallSort::Newest => "Neueste zuerst",
        CallSort::Oldest => "Älteste zuerst",
        CallSort::Priority => "Dringende zuerst",
    },
    role_label: |role| match role {
        Role::Agent => "Empfang",
        Role::Admin => "Admin",
    },
    mask_level_label: |level| match level {
        MaskLevel::Visible => "sichtbar",
        MaskLevel::Partial => "teilweise",
        MaskLevel::Hidden => "verborgen",
    },
    pii_field_label: |field| match field {
        PiiField::CallerName => "Name",
        PiiField::CallerNumber => "Nummer",
        PiiField::DateOfBirth => "Geburtsdatum",
    },
    search_field_label: |field| match field {
        SearchField::Name => "Name",
        SearchField::Number => "Nummer",
        SearchField::Concern => "Anliegen",
        SearchField::Notes => "Notizen",
    },
    audit_action_label: |action| match action {
        AuditAction::Edit => "Daten geändert (Import)",
        AuditAction::StatusChange => "Status geändert",
        AuditAction::Assign => "Zugewiesen",
        AuditAction::Note => "Notiz",
        AuditAction::Login => "Anmeldung",
        AuditAction::LoginFailed => "Anmeldung fehlgeschlagen",
        AuditAction::Logout => "Abmeldung",
        AuditAction::SessionsEnded => "Sitzungen beendet",
        AuditAction::UserCreated => "Benutzer angelegt",
        AuditAction::UserChanged => "Benutzer geändert",
        AuditAction::TokenCreated => "Token erstellt",
        AuditAction::TokenRevoked => "Token widerrufen",
        AuditAction::AuditPruned => "Protokoll gekürzt (Aufbewahrung)",
        AuditAction::MaskingChanged => "Maskierung geändert",
        AuditAction::FieldRevealed => "Feld aufgedeckt",
        AuditAction::RevealRefused => "Aufdecken abgelehnt (Stundengrenze)",
        AuditAction::AuditExported => "Protokoll exportiert",
        AuditAction::DiffsErased => "Änderungsdaten gelöscht (DSGVO)",
        AuditAction::RetentionPurged => "Aufbewahrungsfrist: Löschlauf",
        AuditAction::DsgvoExported => "Daten herausgegeben (DSGVO Art. 15/20)",
        AuditAction::DsgvoErased => "Gelöscht auf Antrag (DSGVO Art. 17)",
        AuditAction::CallRestricted => "Gesperrt (Sperrvermerk)",
        AuditAction::RestrictionLifted => "Sperre aufgehoben",
        AuditAction::LegalHoldSet => "Aufbewahrungspflicht gesetzt",
        AuditAction::LegalHoldEnded => "Aufbewahrungspflicht beendet",
        AuditAction::PolicyDrafted => "Richtlinie entworfen",
        AuditAction::PolicyApproved => "Richtlinie freigegeben",
        AuditAction::PolicyRejected => "Richtlinienentwurf abgelehnt",
        AuditAction::PolicyRolledBack => "Richtlinie zurückgerollt",
        AuditAction::SelfApprovalChanged => "Selbstfreigabe geändert",
        AuditAction::ComplianceReportExported => "Compliance-Bericht exportiert",
        AuditAction::DataKeysRotated => "Datenschlüssel gewechselt",
        AuditAction::BackupRestored => "Sicherung wiederhergestellt",
        AuditAction::LlmRequest => "KI-Vorschlag angefragt",
        AuditAction::SuggestionAccepted => "KI-Vorschlag übernommen",
        AuditAction::LlmSettingsChanged => "KI-Einstellungen geändert",
        AuditAction::PriorityRulesChanged => "Prioritätsregeln geändert",
        AuditAction::Escalated => "Eskaliert",
        AuditAction::EscalationSettingsChanged => "Eskalation eingestellt",
        AuditAction::RepeatSettingsChanged => "Wiederholte Anrufe eingestellt",
    },
    actor_kind_label: |kind| match kind {
        ActorKind::Importer => "Import",
        ActorKind::System => "System",
        ActorKind::Anonymous => "nicht angemeldet",
        ActorKind::User => "unbekannte Person",
    },
};

static EN: Texts = Texts {
    llm: &llm::EN,
    loading_calls: "Loading calls …",
    count_exact: |shown, count| format!("{shown} of {count} calls"),
    count_estimated: |shown, count| format!("{shown} of about {count} calls (estimated)"),
    empty_search: |search| format!("No calls matching “{search}”."),
    searched_in: |fields| format!("Searched in: {fields}"),
    search_masked: "Phone numbers are masked for you and are therefore not searched.",
    empty_range: "No calls in this period.",
    empty_status: |status| format!("No calls with status “{status}”."),
    empty_all: "No calls have come in yet.",
    empty_open: "No open calls.",
    live: "Live",
    offline: "Offline – reconnecting …",
    load_failed: "The calls could not be loaded.",
    language: "Language",

    filters: "Filters",
    quick_filters: "Quick filters",
    today: "Today",
    last_hour: "Last hour",
    open: "Open",
    all: "All",
    search: "Search",
    search_placeholder: "Name, number, concern or note (/)",
    from: "From",
    to: "To",
    sort_order: "Sort order",
    apply: "Apply",

    pages: "Pages",
    first_page: "« First page",
    previous_page: "‹ Previous",
    next_page: "Next ›",
    last_page: "Last page »",

    undo: "Undo",
    dismiss: "Dismiss message",

    selection: "Selection",
    selected: |count| format!("{count} selected"),
    assign_to: "Assign to",
    assign_to_choose: "Assign to …",
    nobody: "— nobody —",
    clear_selection: "Clear selection",

    select_all: "Select all on this page",
    select_row: "Select",
    col_time: "Time",
    col_caller: "Name / number",
    col_concern: "Concern",
    col_date_of_birth: "Date of birth",
    col_source_priority: "Source / priority",
    col_status: "Status",
    col_assignee: "Assigned to",
    col_updated: "Last change",
    actions: "Actions",
    anonymous: "Anonymous",
    mark_done_hint: "Mark as done (d)",
    today_at: "today",
    yesterday_at: "yesterday",

    already_status: |status| format!("Was already “{status}”."),
    status_set: |status| format!("Set to “{status}”."),
    undone: "Undone.",
    assigned_to: |name| format!("Assigned to {name}."),
    unassigned: "Unassigned.",
    bulk_changed: |count| format!("{count} calls changed."),
    bulk_unchanged: |count| format!(" {count} were so already."),
    bulk_conflicts: |count| {
        format!(" {count} were changed by someone else meanwhile and were left as they are.")
    },

    call_title: "Call",
    close: "Close (Esc)",
    loading: "Loading …",
    set_status: "Set status",
    details: "Details",
    field_received: "Received",
    field_name: "Name",
    field_number: "Number",
    field_priority: "Priority",
    field_source: "Source",
    field_version: "Version",
    field_event_id: "Event ID",
    field_imported: "Imported",
    import_warnings: "Import warnings",
    notes: "Notes",
    no_notes: "No notes yet.",
    not_signed_in: "not signed in",
    status_history: "Status history",
    status_unchanged: "Status unchanged since the call came in.",
    audit: "Audit log",
    no_audit: "No changes logged yet.",
    audit_time: "Time",
    audit_action: "Action",
    audit_by: "By",
    audit_change: "Change",
    raw_payload: "Raw data (read-only)",
    add_note: "Add a note",
    save_note: "Save note",
    note_saved: "Note saved.",

    not_found_title: "Page not found",
    not_found_text: "Anrufe has no page at this address.",
    to_call_list: "To the call list",
    no_access: "No access",

    error_internal: "Something went wrong on the server. Please try again in a moment.",
    error_transport: |detail| {
        format!("The server cannot be reached ({detail}). Please check the connection.")
    },
    error_not_found: "This call does not exist (any more).",
    error_conflict: "Someone else has changed this call meanwhile. The current version is shown; please check your change.",

    error_unauthenticated: "Please log in; your session has expired or was ended.",
    error_forbidden: "You are not allowed to do this.",
    error_login_rejected: "Wrong e-mail address or password.",
    error_too_many: "Too many attempts in a short time. Please wait a minute.",
    error_reveal_limit: |per_hour| {
        format!(
            "You have revealed {per_hour} fields in the last hour, the most the practice allows. Please try again later or ask the practice manager."
        )
    },
    error_policy_invalid: |detail| format!("The policy cannot be saved like this: {detail}"),
    invalid: invalid::en,

    login_title: "Log in",
    login_intro: "Log in with your e-mail address and password.",
    email: "E-mail address",
    password: "Password",
    log_in: "Log in",
    logging_in: "Logging in …",
    log_out: "Log out",
    signed_in_as: "Logged in as",
    mine: "Mine",

    admin_link: "Administration",
    admin_title: "Administration",
    admin_users: "Users",
    admin_sessions: "Sessions",
    admin_tokens: "API tokens",
    admin_masking: "Masking",
    admin_audit: "Audit log",
    add_user: "Add user",
    user_added: "User added. Please hand over the first password in person.",
    role: "Role",
    first_password: "First password (at least 12 characters)",
    role_changed: "Role changed.",
    user_deactivated: "Account deactivated; its sessions have ended and its tokens no longer work.",
    user_activated: "Account activated.",
    sessions_ended: |count| format!("{count} session(s) ended."),
    account_state: "State",
    active: "active",
    deactivated: "deactivated",
    locked_until: |until| format!("locked until {until}"),
    end_sessions: "End sessions",
    deactivate: "Deactivate",
    activate: "Activate",
    sessions_intro: "Logged-in browsers. Ending logs out every browser of that person; they can log in again.",
    no_sessions: "Nobody is logged in.",
    session_started: "Logged in",
    session_last_seen: "Last active",
    session_ends: "Ends at the latest",
    session_browser: "Browser",
    tokens_intro: "A token lets a program use the REST API (e.g. the practice software) or read the metrics (the monitoring) – as yourself or as a service account, never as another person. IT adds service accounts with “server user add --service”.",
    token_shown_once: "New token – shown only now. Please copy it and keep it safe:",
    no_tokens: "No tokens yet.",
    create_token: "Create token",
    token_name: "Name",
    token_name_placeholder: "what for, e.g. practice software",
    token_acts_as: "Acts as",
    allow_oidc_link: "Allow practice account",
    oidc_link_hint: "The next login with the practice account of this address may connect to this admin account within 24 hours.",
    oidc_link_allowed: "Connecting the practice account allowed for 24 hours.",
    oidc_link_allowed_until: |until| format!("practice account allowed until {until}"),
    token_scope: "For",
    token_scope_api: "REST API (/api/v1)",
    token_scope_metrics: "metrics only (/metrics)",
    token_scope_compliance: "compliance check only (/api/v1/compliance/check)",
    token_self: "yourself",
    service_account: "service account",
    token_prefix: "Starts with",
    token_created: "Created",
    token_last_used: "Last used",
    revoke: "Revoke",
    revoke_token_confirm: "Revoke this token for good? Programs using it lose access at once.",
    token_revoked: "Token revoked.",
    revoked_at: |at| format!("revoked {at}"),
    expired_at: |at| format!("expired {at}"),
    valid_until: |at| format!("active until {at}"),
    never: "never",
    masking_intro: "What agents see of callers' data. Admins always see everything. Revealing a masked field asks for a reason, which is audited.",
    masking_saved: "Masking saved.",
    reveals_per_hour: "Reveals per person and hour",
    reveals_per_hour_hint: "More are refused and noted in the audit log.",
    save: "Save",
    export: "Export",
    no_audit_rows: "No entries for this filter.",
    newest_entries: "« Newest",
    older_entries: "Older ›",
    masked_hint: "Masked – reveal it with a reason in the call's details",
    reveal: "Reveal",
    reveal_reason: "Reason",
    reveal_reason_placeholder: "e.g. call back, check identity",
    cancel: "Cancel",
    audit_person: "Person",
    sso_login: "Log in with the practice account",
    login_or: "or with e-mail address and password",
    oidc_failure: |code| match code {
        "refused" => "The login with the practice account was cancelled or refused.",
        "expired" => "The login took too long or was begun in another browser. Please try again.",
        "deactivated" => "This account is deactivated. Please contact the practice management.",
        "not_entitled" => {
            "Your practice account is not cleared for Anrufe. Please contact the practice management."
        }
        "admin_link_unconfirmed" => {
            "Your admin account is connected to the practice account only once an admin has allowed it under Administration → Users."
        }
        "no_account" => {
            "No access can be set up for this practice account (no e-mail address, or it belongs to another access). Please contact the practice management."
        }
        "unavailable" => "Login with the practice account is not set up.",
        _ => "The login with the practice account failed. Please try again in a moment.",
    },
    partial_example: |field| match field {
        PiiField::CallerName => "initials: M. M.",
        PiiField::CallerNumber => "area code and last two digits: 030 •••••67",
        PiiField::DateOfBirth => "the year of birth only: 1984",
    },

    status_label: |status| match status {
        CallStatus::New => "New",
        CallStatus::InProgress => "In progress",
        CallStatus::Done => "Done",
    },
    priority_label: |priority| match priority {
        Priority::Low => "low",
        Priority::Normal => "normal",
        Priority::High => "high",
        Priority::Urgent => "urgent",
    },
    sort_label: |sort| match sort {
        CallSort::Newest => "Newest first",
        CallSort::Oldest => "Oldest first",
        CallSort::Priority => "Most urgent first",
    },
    role_label: |role| match role {
        Role::Agent => "Front desk",
        Role::Admin => "Admin",
    },
    mask_level_label: |level| match level {
        MaskLevel::Visible => "visible",
        MaskLevel::Partial => "partly",
        MaskLevel::Hidden => "hidden",
    },
    pii_field_label: |field| match field {
        PiiField::CallerName => "Name",
        PiiField::CallerNumber => "Number",
        PiiField::DateOfBirth => "Date of birth",
    },
    search_field_label: |field| match field {
        SearchField::Name => "name",
        SearchField::Number => "number",
        SearchField::Concern => "concern",
        SearchField::Notes => "notes",
    },
    audit_action_label: |action| match action {
        AuditAction::Edit => "Data changed (import)",
        AuditAction::StatusChange => "Status changed",
        AuditAction::Assign => "Assigned",
        AuditAction::Note => "Note",
        AuditAction::Login => "Login",
        AuditAction::LoginFailed => "Failed login",
        AuditAction::Logout => "Logout",
        AuditAction::SessionsEnded => "Sessions ended",
        AuditAction::UserCreated => "User added",
        AuditAction::UserChanged => "User changed",
        AuditAction::TokenCreated => "Token created",
        AuditAction::TokenRevoked => "Token revoked",
        AuditAction::AuditPruned => "Log pruned (retention)",
        AuditAction::MaskingChanged => "Masking changed",
        AuditAction::FieldRevealed => "Field revealed",
        AuditAction::RevealRefused => "Reveal refused (hourly limit)",
        AuditAction::AuditExported => "Log exported",
        AuditAction::DiffsErased => "Change details erased (GDPR)",
        AuditAction::RetentionPurged => "Retention: purge run",
        AuditAction::DsgvoExported => "Data exported (GDPR Art. 15/20)",
        AuditAction::DsgvoErased => "Erased on request (GDPR Art. 17)",
        AuditAction::CallRestricted => "Restricted",
        AuditAction::RestrictionLifted => "Restriction lifted",
        AuditAction::LegalHoldSet => "Legal hold set",
        AuditAction::LegalHoldEnded => "Legal hold ended",
        AuditAction::PolicyDrafted => "Policy drafted",
        AuditAction::PolicyApproved => "Policy approved",
        AuditAction::PolicyRejected => "Policy draft rejected",
        AuditAction::PolicyRolledBack => "Policy rolled back",
        AuditAction::SelfApprovalChanged => "Self-approval changed",
        AuditAction::ComplianceReportExported => "Compliance report exported",
        AuditAction::DataKeysRotated => "Data keys rotated",
        AuditAction::BackupRestored => "Backup restored",
        AuditAction::LlmRequest => "AI suggestion requested",
        AuditAction::SuggestionAccepted => "AI suggestion accepted",
        AuditAction::LlmSettingsChanged => "AI settings changed",
        AuditAction::PriorityRulesChanged => "Priority rules changed",
        AuditAction::Escalated => "Escalated",
        AuditAction::EscalationSettingsChanged => "Escalation settings changed",
        AuditAction::RepeatSettingsChanged => "Repeat calls set",
    },
    actor_kind_label: |kind| match kind {
        ActorKind::Importer => "Importer",
        ActorKind::System => "System",
        ActorKind::Anonymous => "not logged in",
        ActorKind::User => "unknown person",
    },
};

/// Offers the other language, named in itself; choosing it stores it in the cookie and
/// renders the page again. A button rather than a menu: one key press, no reload while a
/// keyboard user is still looking through options.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let current = use_context::<Lang>().unwrap_or_default();
    let other = Lang::ALL
        .into_iter()
        .find(|lang| *lang != current)
        .unwrap_or_default();
    view! {
        <button
            type="button"
            class="button-quiet language"
            lang=other.code()
            title=current.texts().language
            on:click=move |_| choose(other)
        >
            {other.name()}
        </button>
    }
}

/// Remembers the language for a year and reloads the page in it.
fn choose(lang: Lang) {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        const YEAR: u32 = 365 * 24 * 60 * 60;
        let cookie = format!(
            "{LANG_COOKIE}={}; Path=/; Max-Age={YEAR}; SameSite=Lax",
            lang.code()
        );
        if let Ok(html) = document().dyn_into::<web_sys::HtmlDocument>() {
            // Only fails in a document without cookies (sandboxed frames); nothing to store then.
            let _ = html.set_cookie(&cookie);
        }
        let _ = window().location().reload();
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = lang;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_language_has_a_code_that_reads_back() {
        for lang in Lang::ALL {
            assert_eq!(Lang::from_code(lang.code()), Some(lang));
        }
        assert_eq!(Lang::from_code("fr"), None);
    }

    #[test]
    fn enum_labels_are_translated() {
        assert_eq!(DE.status(CallStatus::InProgress), "In Bearbeitung");
        assert_eq!(EN.status(CallStatus::Done), "Done");
        assert_eq!(DE.priority(Priority::Urgent), "dringend");
        assert_eq!(EN.priority(Priority::Low), "low");
        assert_eq!(EN.sort(CallSort::Priority), "Most urgent first");
    }

    #[test]
    fn the_cookie_value_names_a_known_language_or_none() {
        assert_eq!(Lang::from_code("en"), Some(Lang::En));
        assert_eq!(Lang::from_code("de"), Some(Lang::De));
        assert_eq!(Lang::from_code("fr"), None);
        assert_eq!(Lang::from_code(""), None);
    }
}
