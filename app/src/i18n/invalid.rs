//! The rules a request broke ([`Invalid`]), said in each language.

use crate::domain::{Invalid, limits};

fn range<T: std::fmt::Display>(range: &std::ops::RangeInclusive<T>) -> (&T, &T) {
    (range.start(), range.end())
}

pub(super) fn de(reason: Invalid) -> String {
    match reason {
        Invalid::SearchTooLong => format!(
            "Die Suche darf höchstens {} Zeichen lang sein.",
            limits::SEARCH_MAX_CHARS
        ),
        Invalid::NulCharacter => "Der Text enthält ein Nullzeichen (NUL); bitte entfernen.".to_owned(),
        Invalid::CommentTooLong => format!(
            "Ein Kommentar darf höchstens {} Zeichen lang sein.",
            limits::COMMENT_MAX_CHARS
        ),
        Invalid::NoteEmpty => "Die Notiz ist leer.".to_owned(),
        Invalid::NoteTooLong => format!(
            "Eine Notiz darf höchstens {} Zeichen lang sein.",
            limits::NOTE_MAX_CHARS
        ),
        Invalid::TooManyCalls => format!(
            "Höchstens {} Anrufe auf einmal; bitte die Auswahl verkleinern.",
            limits::BULK_MAX_CALLS
        ),
        Invalid::AssigneeInactive => "Diese Person ist deaktiviert.".to_owned(),
        Invalid::AssigneeUnknown => "Diese Person gibt es nicht.".to_owned(),
        Invalid::AccountNameLength => {
            let (min, max) = range(&limits::ACCOUNT_NAME_CHARS);
            format!("Bitte einen Namen mit {min} bis {max} Zeichen angeben.")
        }
        Invalid::EmailInvalid => "Bitte eine gültige E-Mail-Adresse angeben.".to_owned(),
        Invalid::EmailTaken => "Es gibt schon ein Konto mit dieser E-Mail-Adresse.".to_owned(),
        Invalid::PasswordTooShort => format!(
            "Das Passwort muss mindestens {} Zeichen lang sein.",
            limits::PASSWORD_CHARS.start()
        ),
        Invalid::PasswordTooLong => format!(
            "Das Passwort darf höchstens {} Zeichen lang sein.",
            limits::PASSWORD_CHARS.end()
        ),
        Invalid::LastAdmin => {
            "Das ist das letzte aktive Admin-Konto; es muss eines bleiben.".to_owned()
        }
        Invalid::AccountUnknown => "Dieses Konto gibt es nicht (mehr).".to_owned(),
        Invalid::TokenNameLength => {
            let (min, max) = range(&limits::TOKEN_NAME_CHARS);
            format!(
                "Bitte dem Token einen Namen mit {min} bis {max} Zeichen geben, z. B. wofür es ist."
            )
        }
        Invalid::TokenForInactiveAccount => {
            "Für ein deaktiviertes Konto kann kein Token erstellt werden.".to_owned()
        }
        Invalid::TokenForAnotherPerson => "Ein Token handelt nur für Sie selbst oder für ein Dienstkonto, nie für eine andere Person.".to_owned(),
        Invalid::RevealsPerHourRange => {
            let (min, max) = range(&limits::REVEALS_PER_HOUR);
            format!("Erlaubt sind {min} bis {max} Aufdeckungen pro Stunde.")
        }
        Invalid::RevealReasonLength => {
            let (min, max) = range(&limits::REASON_CHARS);
            format!("Bitte einen Grund mit {min} bis {max} Zeichen angeben.")
        }
        Invalid::StatusUnknown => "Erlaubt sind NEW, IN_PROGRESS und DONE.".to_owned(),
        Invalid::DateMalformed => "Erwartet wird ein Datum der Form JJJJ-MM-TT.".to_owned(),
        Invalid::RangeReversed => "Das Ende liegt vor dem Anfang.".to_owned(),
        Invalid::AssigneeMalformed => "Erwartet wird die Nummer einer Person.".to_owned(),
        Invalid::SortUnknown => "Erlaubt sind newest, oldest und priority.".to_owned(),
        Invalid::PageMalformed => {
            "Erwartet wird first, last oder ein Seiten-Token aus einer früheren Antwort.".to_owned()
        }
        Invalid::PageSizeRange => {
            let (min, max) = range(&limits::CALLS_PER_PAGE);
            format!("Erlaubt sind {min} bis {max} Anrufe pro Seite.")
        }
        Invalid::VersionMalformed => {
            "Erwartet wird die `version` des Anrufs, wie zuletzt gelesen (ab 1).".to_owned()
        }
        Invalid::ReasonLength => {
            let (min, max) = range(&limits::REASON_CHARS);
            format!("Bitte einen Grund mit {min} bis {max} Zeichen angeben (er wird protokolliert).")
        }
        Invalid::NumberMalformed => {
            "Erwartet wird eine Telefonnummer im Format E.164, z. B. +49301234567.".to_owned()
        }
        Invalid::LegalHold => {
            "Für diesen Anruf gilt eine Aufbewahrungspflicht; er kann erst nach ihrem Ende gelöscht werden.".to_owned()
        }
        Invalid::CallRestricted => {
            "Dieser Anruf ist gesperrt (Sperrvermerk) und kann nicht geändert werden.".to_owned()
        }
        Invalid::HoldEndsInPast => {
            "Das Ende der Aufbewahrungspflicht muss nach dem heutigen Tag liegen.".to_owned()
        }
        Invalid::CallerAnonymous => {
            "Dieser Anruf hat keine Nummer; es gibt keine weiteren Anrufe derselben Person.".to_owned()
        }
        Invalid::HoldNeedsRestriction => {
            "Eine Aufbewahrungspflicht gibt es nur für gesperrte Anrufe; bitte zuerst sperren.".to_owned()
        }
        Invalid::FourEyes => {
            "Vier-Augen-Prinzip: Freigeben darf nur eine andere Admin-Person als die, die den Entwurf geschrieben oder zuletzt geändert hat.".to_owned()
        }
        Invalid::PolicyNotDraft => {
            "Nur der Entwurf kann geändert, freigegeben oder abgelehnt werden; freigegebene Versionen bleiben, wie sie sind.".to_owned()
        }
        Invalid::PolicyDraftExists => {
            "Es gibt schon einen Entwurf; bitte ihn zuerst freigeben oder ablehnen.".to_owned()
        }
        Invalid::PolicyRefused => {
            "Die Quellen-Richtlinie erlaubt das für die Quelle dieses Anrufs nicht (im Compliance-Protokoll vermerkt).".to_owned()
        }
        Invalid::ShadowDays => "Der Probelauf schaut 1 bis 30 Tage zurück.".to_owned(),
        Invalid::ReportPeriod => "Ein Bericht umfasst höchstens 366 Tage.".to_owned(),
        Invalid::NotePiiBlocked => "Die Notiz enthält Angaben, die die Compliance-Richtlinie nicht \
                                    speichern lässt (z. B. eine Kontonummer). Bitte ohne sie \
                                    speichern."
            .to_owned(),
        Invalid::PolicyRetentionBelowServer => "Diese Version sieht eine kürzere Aufbewahrung \
                                                vor, als der Server eingestellt ist \
                                                (RETENTION_DAYS). Bitte zuerst RETENTION_DAYS \
                                                senken und den Server neu starten, dann \
                                                freigeben."
            .to_owned(),
        Invalid::CategoriesInvalid => "Die Kategorien: 1 bis 30 verschiedene Namen mit je 1 bis \
                                       40 Zeichen."
            .to_owned(),
        Invalid::SuggestionUnknown => {
            "Dieser Vorschlag gehört nicht zu diesem Anruf oder enthält keinen Vorschlag.".to_owned()
        }
        Invalid::CategoryUnknown => "Diese Kategorie steht nicht mehr in der Liste der Praxis; \
                                     bitte neu vorschlagen lassen."
            .to_owned(),
        Invalid::UserIdentMalformed => "Die userIdent hat 1 bis 64 Buchstaben, Ziffern, Punkte, \
                                        Binde- oder Unterstriche."
            .to_owned(),
        Invalid::RuleLabelLength => "Die Bezeichnung der Regel braucht 1 bis 100 Zeichen.".to_owned(),
        Invalid::RuleValueLength => "Der Wert der Regel braucht 1 bis 200 Zeichen, ein Stichwort \
                                     mindestens einen Buchstaben oder eine Ziffer."
            .to_owned(),
        Invalid::RuleNumberUnreadable => "Das ist keine Telefonnummer (z. B. 030 1234567 oder \
                                          +49 30 1234567)."
            .to_owned(),
        Invalid::RulePatternInvalid => "Das Muster ist kein gültiger regulärer Ausdruck (oder zu \
                                        groß), z. B. eine offene Klammer."
            .to_owned(),
        Invalid::RuleDuplicate => "Diese Regel gibt es schon.".to_owned(),
        Invalid::RuleUnknown => "Diese Regel gibt es nicht (mehr).".to_owned(),
        Invalid::EscalationMinutes => format!(
            "Die Zeit bis zur Eskalation braucht ganze Minuten von {} bis {}.",
            limits::ESCALATION_MINUTES.start(),
            limits::ESCALATION_MINUTES.end()
        ),
        Invalid::RepeatWindow => format!(
            "Das Zeitfenster für wiederholte Anrufe braucht ganze Minuten von {} bis {} (0 fasst nichts zusammen).",
            limits::REPEAT_WINDOW_MINUTES.start(),
            limits::REPEAT_WINDOW_MINUTES.end()
        ),
    }
}

pub(super) fn en(reason: Invalid) -> String {
    match reason {
        Invalid::SearchTooLong => format!(
            "A search may be at most {} characters long.",
            limits::SEARCH_MAX_CHARS
        ),
        Invalid::NulCharacter => "The text holds a NUL character; please remove it.".to_owned(),
        Invalid::CommentTooLong => format!(
            "A comment may be at most {} characters long.",
            limits::COMMENT_MAX_CHARS
        ),
        Invalid::NoteEmpty => "The note is empty.".to_owned(),
        Invalid::NoteTooLong => format!(
            "A note may be at most {} characters long.",
            limits::NOTE_MAX_CHARS
        ),
        Invalid::TooManyCalls => format!(
            "At most {} calls at once; please select fewer.",
            limits::BULK_MAX_CALLS
        ),
        Invalid::AssigneeInactive => "This person is deactivated.".to_owned(),
        Invalid::AssigneeUnknown => "This person does not exist.".to_owned(),
        Invalid::AccountNameLength => {
            let (min, max) = range(&limits::ACCOUNT_NAME_CHARS);
            format!("Please give a name of {min} to {max} characters.")
        }
        Invalid::EmailInvalid => "Please give a valid e-mail address.".to_owned(),
        Invalid::EmailTaken => "There is already an account with this e-mail address.".to_owned(),
        Invalid::PasswordTooShort => format!(
            "The password must be at least {} characters long.",
            limits::PASSWORD_CHARS.start()
        ),
        Invalid::PasswordTooLong => format!(
            "The password may be at most {} characters long.",
            limits::PASSWORD_CHARS.end()
        ),
        Invalid::LastAdmin => "This is the last active admin account; one must remain.".to_owned(),
        Invalid::AccountUnknown => "This account does not exist (any more).".to_owned(),
        Invalid::TokenNameLength => {
            let (min, max) = range(&limits::TOKEN_NAME_CHARS);
            format!(
                "Please give the token a name of {min} to {max} characters, e.g. what it is for."
            )
        }
        Invalid::TokenForInactiveAccount => "A deactivated account cannot get a token.".to_owned(),
        Invalid::TokenForAnotherPerson => {
            "A token acts only for yourself or for a service account, never as another person."
                .to_owned()
        }
        Invalid::RevealsPerHourRange => {
            let (min, max) = range(&limits::REVEALS_PER_HOUR);
            format!("{min} to {max} reveals an hour are allowed.")
        }
        Invalid::RevealReasonLength => {
            let (min, max) = range(&limits::REASON_CHARS);
            format!("Please give a reason of {min} to {max} characters.")
        }
        Invalid::StatusUnknown => "Allowed are NEW, IN_PROGRESS and DONE.".to_owned(),
        Invalid::DateMalformed => "Expected a date of the form YYYY-MM-DD.".to_owned(),
        Invalid::RangeReversed => "The end lies before the start.".to_owned(),
        Invalid::AssigneeMalformed => "Expected the number of a person.".to_owned(),
        Invalid::SortUnknown => "Allowed are newest, oldest and priority.".to_owned(),
        Invalid::PageMalformed => {
            "Expected first, last or a page token from an earlier answer.".to_owned()
        }
        Invalid::PageSizeRange => {
            let (min, max) = range(&limits::CALLS_PER_PAGE);
            format!("{min} to {max} calls a page are allowed.")
        }
        Invalid::VersionMalformed => {
            "Expected the call's `version` as last read (1 or more).".to_owned()
        }
        Invalid::ReasonLength => {
            let (min, max) = range(&limits::REASON_CHARS);
            format!("Please give a reason of {min} to {max} characters (it is recorded).")
        }
        Invalid::NumberMalformed => {
            "Expected a phone number in E.164, e.g. +49301234567.".to_owned()
        }
        Invalid::LegalHold => {
            "This call is under a legal hold; it can be erased only after the hold ends.".to_owned()
        }
        Invalid::CallRestricted => "This call is restricted and cannot be changed.".to_owned(),
        Invalid::HoldEndsInPast => "A legal hold must end after today.".to_owned(),
        Invalid::CallerAnonymous => {
            "This call has no number, so there are no other calls of the same person.".to_owned()
        }
        Invalid::HoldNeedsRestriction => {
            "Only a restricted call can be held; please restrict it first.".to_owned()
        }
        Invalid::FourEyes => {
            "Four eyes: a draft must be approved by an admin who neither wrote it nor changed it last.".to_owned()
        }
        Invalid::PolicyNotDraft => {
            "Only the draft can be changed, approved or rejected; approved versions stay as they are.".to_owned()
        }
        Invalid::PolicyDraftExists => {
            "There is a draft already; please approve or reject it first.".to_owned()
        }
        Invalid::PolicyRefused => {
            "The source policy does not allow this for the call's source (logged as blocked).".to_owned()
        }
        Invalid::ShadowDays => "The shadow test looks back 1 to 30 days.".to_owned(),
        Invalid::ReportPeriod => "A report covers at most 366 days.".to_owned(),
        Invalid::NotePiiBlocked => "The note holds something the compliance policy does not let \
                                    us store (e.g. an account number). Please save it without."
            .to_owned(),
        Invalid::PolicyRetentionBelowServer => "This version keeps calls for a shorter period \
                                                than the server is set to (RETENTION_DAYS). \
                                                Lower RETENTION_DAYS and restart the server \
                                                first, then approve it."
            .to_owned(),
        Invalid::CategoriesInvalid => {
            "Categories: 1 to 30 distinct names of 1 to 40 characters each.".to_owned()
        }
        Invalid::SuggestionUnknown => {
            "This suggestion is not one of this call's, or holds no suggestion.".to_owned()
        }
        Invalid::CategoryUnknown => "This category is no longer on the practice's list; ask \
                                     for a new suggestion."
            .to_owned(),
        Invalid::UserIdentMalformed => "A userIdent has 1 to 64 letters, digits, dots, dashes \
                                        or underscores."
            .to_owned(),
        Invalid::RuleLabelLength => "A rule's label needs 1 to 100 characters.".to_owned(),
        Invalid::RuleValueLength => "A rule's value needs 1 to 200 characters, a keyword at least \
                                     one letter or digit."
            .to_owned(),
        Invalid::RuleNumberUnreadable => {
            "That is not a phone number (e.g. 030 1234567 or +49 30 1234567).".to_owned()
        }
        Invalid::RulePatternInvalid => "The pattern is not a valid regular expression (or too \
                                        large), e.g. an unclosed bracket."
            .to_owned(),
        Invalid::RuleDuplicate => "This rule exists already.".to_owned(),
        Invalid::RuleUnknown => "There is no such rule (any more).".to_owned(),
        Invalid::EscalationMinutes => format!(
            "The time until escalation needs whole minutes from {} to {}.",
            limits::ESCALATION_MINUTES.start(),
            limits::ESCALATION_MINUTES.end()
        ),
        Invalid::RepeatWindow => format!(
            "The window for repeat calls needs whole minutes from {} to {} (0 folds nothing).",
            limits::REPEAT_WINDOW_MINUTES.start(),
            limits::REPEAT_WINDOW_MINUTES.end()
        ),
    }
}

#[cfg(test)]
mod tests {
    use crate::{AppError, domain::Invalid, i18n::Lang};

    #[test]
    fn a_refused_value_is_said_in_the_users_language_and_in_english_elsewhere() {
        let error = AppError::invalid("note", Invalid::NoteTooLong);
        assert_eq!(
            Lang::De.texts().error(&error),
            "Eine Notiz darf höchstens 4000 Zeichen lang sein."
        );
        assert_eq!(
            Lang::En.texts().error(&error),
            "A note may be at most 4000 characters long."
        );
        assert_eq!(error.to_string(), Lang::En.texts().error(&error));
        let sent = serde_json::to_value(&error).expect("serialised");
        assert_eq!(sent["Invalid"]["reason"], "note_too_long", "{sent}");
    }
}
