//! What a call was about, in a few coarse categories for anonymous statistics.

/// The kind of concern a call's topic names, found by German keywords. It keeps no word of
/// the topic itself, so it may outlive the call (`daily_stats`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum TopicCategory {
    /// A sick note (AU, Krankmeldung).
    SickNote,
    /// A prescription or medication.
    Prescription,
    /// A referral to a specialist.
    Referral,
    /// Findings or lab results.
    Findings,
    /// An appointment: to make, move or cancel.
    Appointment,
    /// A call back, with nothing more specific.
    Callback,
    /// Anything else, or no topic.
    Other,
}

/// Keywords (lower case, matched inside words) per category, tried in this order.
const KEYWORDS: [(TopicCategory, &[&str]); 6] = [
    (
        TopicCategory::SickNote,
        &["arbeitsunfähig", "krankmeld", "krankschreib"],
    ),
    (TopicCategory::Prescription, &["rezept", "medikament"]),
    (TopicCategory::Referral, &["überweisung"]),
    (TopicCategory::Findings, &["befund", "ergebnis", "labor"]),
    (TopicCategory::Appointment, &["termin"]),
    (TopicCategory::Callback, &["rückruf", "zurückruf"]),
];

impl TopicCategory {
    /// The category of `topic`: the first whose keyword it contains (the abbreviation „AU“
    /// only as a word of its own), else [`Self::Other`].
    pub fn of(topic: Option<&str>) -> Self {
        let Some(topic) = topic else {
            return Self::Other;
        };
        let lower = topic.to_lowercase();
        if lower
            .split(|c: char| !c.is_alphanumeric())
            .any(|word| word == "au")
        {
            return Self::SickNote;
        }
        KEYWORDS
            .iter()
            .find(|(_, words)| words.iter().any(|word| lower.contains(word)))
            .map_or(Self::Other, |(category, _)| *category)
    }

    /// The machine name, as stored in `daily_stats.category`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::SickNote => "sick_note",
            Self::Prescription => "prescription",
            Self::Referral => "referral",
            Self::Findings => "findings",
            Self::Appointment => "appointment",
            Self::Callback => "callback",
            Self::Other => "other",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::TopicCategory::{self, *};

    #[test]
    fn german_topics_fall_into_their_category() {
        let cases = [
            ("AU-Bescheinigung, seit Montag krank", SickNote),
            ("Krankmeldung für die Arbeit", SickNote),
            ("Folgerezept Metformin 1000", Prescription),
            ("Rückruf erbeten wegen Medikamentenplan", Prescription),
            ("Überweisung zum Kardiologen", Referral),
            ("Fragt nach Laborbefund (Blutbild)", Findings),
            ("Terminverschiebung, schafft Donnerstag nicht", Appointment),
            ("Bitte um Rückruf", Callback),
            ("Hausbesuch für die Mutter erbeten", Other),
            ("Baugenehmigung", Other),
        ];
        for (topic, category) in cases {
            assert_eq!(TopicCategory::of(Some(topic)), category, "{topic}");
        }
        assert_eq!(TopicCategory::of(None), Other);
    }
}
