//! Random sequences of appends, partial writes, new daily files and truncations applied to real
//! files, with import passes in between, checked against a model: after a last pass the stored
//! calls are exactly the complete lines any pass could have seen, and nothing else.
//! Cases come from proptest strategies; they are run one after another on one database.

mod common;

use std::{collections::BTreeSet, io::Write, path::Path};

use chrono::Utc;
use proptest::{
    prelude::*,
    strategy::ValueTree,
    test_runner::{Config, TestRunner},
};
use serde_json::json;
use sqlx::PgPool;

const CASES: usize = 32;
const FILES: [&str; 3] = [
    "calls-2026-11-20.jsonl",
    "calls-2026-11-21.jsonl",
    "calls-2026-11-22.jsonl",
];

#[derive(Clone, Debug)]
enum Op {
    /// Append this many complete lines to a file.
    Append { file: usize, lines: usize },
    /// Append the first part of a line; it stays partial until `Complete`.
    StartPartial { file: usize, cut: usize },
    /// Write the rest of the file's partial line, if any.
    Complete { file: usize },
    /// Replace a file's content with this many new lines (same inode, truncated in place).
    Truncate { file: usize, lines: usize },
    /// Run an import pass.
    Import,
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0..FILES.len(), 1..6_usize).prop_map(|(file, lines)| Op::Append { file, lines }),
        2 => (0..FILES.len(), 1..80_usize).prop_map(|(file, cut)| Op::StartPartial { file, cut }),
        2 => (0..FILES.len()).prop_map(|file| Op::Complete { file }),
        1 => (0..FILES.len(), 0..3_usize).prop_map(|(file, lines)| Op::Truncate { file, lines }),
        3 => Just(Op::Import),
    ]
}

/// The files as the model sees them: complete lines (event ids) and a pending partial line.
#[derive(Default)]
struct Model {
    complete: [Vec<String>; 3],
    /// The unwritten rest of a file's last line.
    partial: [Option<String>; 3],
    next_id: usize,
    /// Every complete line some import pass saw.
    expected: BTreeSet<String>,
}

impl Model {
    fn new_line(&mut self) -> (String, String) {
        self.next_id += 1;
        let id = format!("p-{:05}", self.next_id);
        let text = json!({"event_id": id, "received_at": Utc::now().to_rfc3339(),
                          "caller_number": "030 1234567", "topic": format!("Anliegen {}", self.next_id)});
        (id, format!("{text}\n"))
    }

    fn apply(&mut self, dir: &Path, op: &Op) {
        let open = |file: usize| {
            std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join(FILES[file]))
                .expect("open")
        };
        match *op {
            Op::Append { file, lines } if self.partial[file].is_none() => {
                for _ in 0..lines {
                    let (id, text) = self.new_line();
                    open(file).write_all(text.as_bytes()).expect("append");
                    self.complete[file].push(id);
                }
            }
            Op::StartPartial { file, cut } if self.partial[file].is_none() => {
                let (id, text) = self.new_line();
                let cut = cut.min(text.len() - 1);
                open(file)
                    .write_all(&text.as_bytes()[..cut])
                    .expect("partial");
                self.partial[file] = Some(text[cut..].to_owned());
                self.complete[file].push(id);
            }
            Op::Complete { file } => {
                if let Some(rest) = self.partial[file].take() {
                    open(file).write_all(rest.as_bytes()).expect("complete");
                }
            }
            Op::Truncate { file, lines } => {
                let mut content = String::new();
                self.complete[file].clear();
                self.partial[file] = None;
                for _ in 0..lines {
                    let (id, text) = self.new_line();
                    content.push_str(&text);
                    self.complete[file].push(id);
                }
                let mut handle = std::fs::OpenOptions::new()
                    .create(true)
                    .write(true)
                    .truncate(true)
                    .open(dir.join(FILES[file]))
                    .expect("truncate");
                handle.write_all(content.as_bytes()).expect("rewrite");
            }
            Op::Append { .. } | Op::StartPartial { .. } | Op::Import => {}
        }
    }

    /// What a pass sees: every complete line; a file's last line only once its rest is written.
    fn observe(&mut self) {
        for file in 0..FILES.len() {
            let waiting = usize::from(self.partial[file].is_some());
            let visible = self.complete[file].len() - waiting;
            self.expected
                .extend(self.complete[file][..visible].iter().cloned());
        }
    }
}

async fn stored_ids(pool: &PgPool) -> BTreeSet<String> {
    sqlx::query_scalar("select event_id from calls")
        .fetch_all(pool)
        .await
        .expect("calls")
        .into_iter()
        .collect()
}

#[sqlx::test(migrations = "../migrations")]
async fn imported_calls_match_a_model_of_appends_partial_lines_and_truncations(pool: PgPool) {
    let mut runner = TestRunner::new(Config::default());
    let strategy = proptest::collection::vec(op(), 1..40);
    for case in 0..CASES {
        let ops = strategy
            .new_tree(&mut runner)
            .expect("generate a case")
            .current();
        sqlx::query("truncate calls, dead_letters, import_offsets cascade")
            .execute(&pool)
            .await
            .expect("reset");
        let dir = tempfile::tempdir().expect("temp dir");
        let importer = importer::Importer::new(pool.clone(), dir.path(), common::key());
        let mut model = Model::default();
        for op in ops.iter().chain([&Op::Import]) {
            model.apply(dir.path(), op);
            if let Op::Import = op {
                let summary = importer.run_once().await.expect("import pass");
                model.observe();
                assert_eq!(summary.dead_letter_total(), 0, "case {case}: {ops:?}");
            }
        }
        assert_eq!(
            stored_ids(&pool).await,
            model.expected,
            "case {case}: {ops:?}"
        );
    }
}
