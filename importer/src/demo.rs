//! Realistic German demo calls in the `call.v1` format, written as daily JSONL files.
//! Deterministic for a given seed and time, so tests and screenshots are repeatable.

use std::{
    collections::BTreeMap,
    io::Write,
    path::{Path, PathBuf},
};

use app::domain::BERLIN;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};
use serde_json::{Value, json};

const FIRST_NAMES: &[&str] = &[
    "Anna",
    "Jürgen",
    "Ursula",
    "Mehmet",
    "Sabine",
    "Klaus",
    "Leonie",
    "Thomas",
    "Elif",
    "Monika",
    "Karl-Heinz",
    "Sophie",
    "Wolfgang",
    "Fatma",
    "Helga",
    "Lukas",
    "Renate",
    "Dieter",
    "Maria",
    "Jonas",
];
const LAST_NAMES: &[&str] = &[
    "Müller",
    "Schmidt",
    "Schneider",
    "Fischer",
    "Weber",
    "Meyer",
    "Wagner",
    "Becker",
    "Schulz",
    "Hoffmann",
    "Yılmaz",
    "Koch",
    "Richter",
    "Klein",
    "Wolf",
    "Schröder",
    "Neumann",
    "Zimmermann",
    "Braun",
    "Krüger",
    "Özdemir",
    "Hartmann",
    "Lange",
    "Werner",
];
const TOPICS: &[&str] = &[
    "Rezept für Ramipril 5 mg, Packung ist fast leer",
    "Folgerezept Metformin 1000",
    "Rezept L-Thyroxin 75 abholen, bitte ans Fenster legen",
    "Termin zur Blutabnahme nächste Woche",
    "Termin für Check-up 35, am liebsten vormittags",
    "Terminverschiebung, schafft Donnerstag nicht",
    "Überweisung zum Kardiologen",
    "Überweisung Orthopädie wegen Knieschmerzen",
    "Befund vom MRT besprechen",
    "Fragt nach Laborbefund (Blutbild)",
    "AU-Bescheinigung, seit Montag krank mit Fieber",
    "AU verlängern, Rückenschmerzen weiterhin",
    "Rückruf erbeten wegen Medikamentenplan",
    "Rückruf wegen Impftermin Grippe",
    "Impfpass-Frage: Tetanus-Auffrischung fällig?",
    "Hausbesuch für die Mutter (87) erbeten",
];
const URGENT_TOPICS: &[&str] = &[
    "Starke Brustschmerzen seit heute früh, bitte dringend zurückrufen",
    "Hohes Fieber beim Kind (39,8), Rückruf dringend",
    "Atemnot bei bekanntem Asthma, Spray hilft kaum",
];

/// Writes `count` demo calls of the last three days into `calls-YYYY-MM-DD.jsonl` files in
/// `dir` (created if missing) and returns the files written, oldest first.
pub fn write_demo_files(
    dir: &Path,
    count: usize,
    seed: u64,
    now: DateTime<Utc>,
) -> std::io::Result<Vec<PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let mut by_day: BTreeMap<NaiveDate, Vec<String>> = BTreeMap::new();
    for (at, line) in demo_lines(count, seed, now) {
        by_day
            .entry(at.with_timezone(&BERLIN).date_naive())
            .or_default()
            .push(line);
    }
    let mut written = Vec::new();
    for (day, lines) in by_day {
        let path = dir.join(format!("calls-{}.jsonl", day.format("%Y-%m-%d")));
        let mut file = std::io::BufWriter::new(std::fs::File::create(&path)?);
        for line in lines {
            writeln!(file, "{line}")?;
        }
        file.flush()?;
        written.push(path);
    }
    Ok(written)
}

/// Every so many calls, the caller before rings again: a repeat caller, whom the desk shows as
/// one row with the count.
const REPEAT_EVERY: usize = 40;

/// `count` demo call lines, oldest first, spread over the 72 hours before `now`.
pub fn demo_lines(count: usize, seed: u64, now: DateTime<Utc>) -> Vec<(DateTime<Utc>, String)> {
    let mut rng = StdRng::seed_from_u64(seed);
    let span_seconds = 72 * 3600;
    let mut times: Vec<DateTime<Utc>> = (0..count)
        .map(|_| now - Duration::seconds(rng.random_range(0..span_seconds)))
        .collect();
    times.sort();
    let mut lines = Vec::with_capacity(count);
    let mut previous: Option<Value> = None;
    for (index, at) in times.into_iter().enumerate() {
        let mut event = demo_event(&mut rng, seed, index, at);
        if index % REPEAT_EVERY == REPEAT_EVERY - 1
            && let Some(before) = &previous
        {
            ring_again(&mut event, before);
        }
        lines.push((at, event.to_string()));
        previous = Some(event);
    }
    lines
}

/// Makes `event` a second call of `before`'s caller.
fn ring_again(event: &mut Value, before: &Value) {
    for field in ["caller_number", "caller_name", "date_of_birth"] {
        match before.get(field) {
            Some(value) => event[field] = value.clone(),
            None => {
                if let Some(fields) = event.as_object_mut() {
                    fields.remove(field);
                }
            }
        }
    }
    event["topic"] = json!("Noch einmal wegen vorhin, bitte um Rückruf");
}

fn demo_event(rng: &mut StdRng, seed: u64, index: usize, at: DateTime<Utc>) -> Value {
    let urgent = rng.random_ratio(1, 15);
    let mut event = json!({
        "schema": "call.v1",
        "event_id": format!("demo-{seed}-{index:06}"),
        "received_at": received_at(rng, at),
        "source": "phone",
        "topic": if urgent { URGENT_TOPICS.choose(rng) } else { TOPICS.choose(rng) },
    });
    if rng.random_ratio(1, 25) {
        event["caller_number"] = json!(["anonymous", "unbekannt"].choose(rng));
    } else {
        event["caller_number"] = json!(phone_number(rng));
    }
    if rng.random_ratio(9, 10) {
        let first = FIRST_NAMES.choose(rng).copied().unwrap_or("Anna");
        let last = LAST_NAMES.choose(rng).copied().unwrap_or("Müller");
        event["caller_name"] = json!(format!("{first} {last}"));
    }
    if rng.random_ratio(2, 3) {
        event["date_of_birth"] = json!(date_of_birth(rng));
    }
    if urgent {
        event["priority"] = json!(["dringend", "urgent", "4"].choose(rng));
    } else if rng.random_ratio(1, 6) {
        event["priority"] = json!(["hoch", "high", "niedrig", "normal"].choose(rng));
    }
    event
}

/// Mostly RFC 3339 with the Berlin offset, some local wall-clock time, some Unix milliseconds.
fn received_at(rng: &mut StdRng, at: DateTime<Utc>) -> Value {
    let local = at.with_timezone(&BERLIN);
    match rng.random_range(0..10) {
        0 => json!(at.timestamp_millis()),
        1 | 2 => json!(local.format("%Y-%m-%d %H:%M:%S").to_string()),
        _ => json!(local.to_rfc3339()),
    }
}

/// Berlin, Munich and mobile numbers in the notations people and phone systems write.
fn phone_number(rng: &mut StdRng) -> String {
    let digits = |rng: &mut StdRng, n: usize| -> String {
        (0..n)
            .map(|i| {
                char::from(
                    b'0' + if i == 0 {
                        rng.random_range(2..10)
                    } else {
                        rng.random_range(0..10)
                    },
                )
            })
            .collect()
    };
    match rng.random_range(0..8) {
        0 => format!("030 {}", digits(rng, 7)),
        1 => {
            let d = digits(rng, 7);
            format!("+49 (30) {}-{}", &d[..3], &d[3..])
        }
        2 => format!("089/{}", digits(rng, 7)),
        3 => format!("+49 89 {}", digits(rng, 8)),
        4 => format!("0171 {}", digits(rng, 7)),
        5 => format!("+49 151 {}", digits(rng, 8)),
        6 => format!("0049176{}", digits(rng, 8)),
        _ => format!(
            "0{} {}",
            ["30", "89", "40", "221"]
                .choose(rng)
                .copied()
                .unwrap_or("30"),
            digits(rng, 7)
        ),
    }
}

fn date_of_birth(rng: &mut StdRng) -> String {
    let date = NaiveDate::from_ymd_opt(1935, 1, 1).unwrap_or_default()
        + Duration::days(rng.random_range(0..(85 * 365)));
    if rng.random_bool(0.5) {
        date.format("%d.%m.%Y").to_string()
    } else {
        date.format("%Y-%m-%d").to_string()
    }
}
