//! Reads the daily files of a directory from where the last committed batch ended.
//! A file is recognised by device, inode and a hash of its first bytes, so a replaced or
//! truncated file is read again from the start (harmless: the upsert is idempotent).
//! A last line without its newline is left for the next pass.

use std::{
    os::unix::fs::MetadataExt,
    path::{Path, PathBuf},
    sync::{
        Arc,
        atomic::{AtomicBool, Ordering},
    },
    time::Duration,
};

use app::{domain::is_call_file, dsgvo::tombstones::ErasureKey};
use futures_util::{StreamExt, stream};
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use notify::{RecommendedWatcher, RecursiveMode, Watcher};
use sha2::{Digest, Sha256};
use sqlx::PgPool;
use tokio::{
    fs::File,
    io::{AsyncBufReadExt, AsyncReadExt, AsyncSeekExt, BufReader, SeekFrom},
    sync::{Notify, OnceCell},
    task::JoinHandle,
};

use crate::{
    BatchCounts, Heartbeat, ImportError, Summary, metrics,
    metrics::BatchReport,
    store::{self, Batch, FileIdentity, Position},
    validate::{self, Outcome, Policy},
};

/// Lines committed together in one transaction.
const BATCH_LINES: usize = 2_000;
/// Files imported at the same time, each in its own order: the database's share of the work
/// is most of it, and one transaction at a time keeps only one of its cores busy.
const PARALLEL_FILES: usize = 2;
/// Database connections that let an import run at full speed: one per file in flight and
/// one for reading offsets.
pub const CONNECTIONS: u32 = PARALLEL_FILES as u32 + 1;
/// How many leading bytes identify a file.
const FINGERPRINT_BYTES: u64 = 1024;

/// Imports the call files of one directory into PostgreSQL.
#[derive(Clone, Debug)]
pub struct Importer {
    pool: PgPool,
    dir: PathBuf,
    /// The key of the erasure tombstones, so that an erased call is never stored again.
    key: ErasureKey,
    show_progress: bool,
    heartbeat: Heartbeat,
}

impl Importer {
    pub fn new(pool: PgPool, dir: impl Into<PathBuf>, key: ErasureKey) -> Self {
        Self {
            pool,
            dir: dir.into(),
            key,
            show_progress: false,
            heartbeat: Heartbeat::default(),
        }
    }

    /// What shows when this importer last finished a pass or committed a batch.
    pub fn heartbeat(&self) -> Heartbeat {
        self.heartbeat.clone()
    }

    /// Shows a progress bar of the bytes read on standard error, if that is a terminal.
    pub fn with_progress_bar(self) -> Self {
        Self {
            show_progress: true,
            ..self
        }
    }

    /// Imports every complete line not imported yet, oldest files first, [`PARALLEL_FILES`]
    /// at a time.
    pub async fn run_once(&self) -> Result<Summary, ImportError> {
        let mut summary = Summary::default();
        let policy = PassPolicy {
            pool: &self.pool,
            read: OnceCell::new(),
        };
        let files = self.call_files().await?;
        let progress = self.progress_bar(&files).await;
        let failed = AtomicBool::new(false);
        let mut passes = stream::iter(files)
            .map(|path| self.import_file_in_order(path, &policy, &progress, &failed))
            .buffer_unordered(PARALLEL_FILES);
        let mut result = Ok(());
        while let Some((file_summary, outcome)) = passes.next().await {
            summary.absorb(file_summary);
            match outcome {
                Ok(()) => summary.files += 1,
                // One unreadable file must not stop the others; it is tried again next pass.
                Err(error @ ImportError::Io { .. }) => {
                    tracing::error!(%error, "skipping a call file this pass");
                    summary.unreadable_files += 1;
                }
                Err(error) => {
                    failed.store(true, Ordering::Relaxed);
                    if result.is_ok() {
                        result = Err(error);
                    }
                }
            }
        }
        progress.finish_and_clear();
        result.map(|()| summary)
    }

    /// Imports one file with its own committer, unless another file failed for a reason
    /// other than reading it (then the pass stops; files not started are skipped). Returns
    /// only once its last batch is committed or failed, so the next pass reads true offsets.
    async fn import_file_in_order(
        &self,
        path: PathBuf,
        policy: &PassPolicy<'_>,
        progress: &ProgressBar,
        failed: &AtomicBool,
    ) -> (Summary, Result<(), ImportError>) {
        let mut summary = Summary::default();
        if failed.load(Ordering::Relaxed) {
            return (summary, Ok(()));
        }
        let mut committer = Committer {
            pool: self.pool.clone(),
            key: self.key.clone(),
            heartbeat: self.heartbeat.clone(),
            in_flight: None,
        };
        let read = self
            .import_file(&path, policy, progress, &mut committer, &mut summary)
            .await;
        let committed = committer.wait(&mut summary).await;
        (summary, read.and(committed))
    }

    /// Imports what is there, then again whenever the directory changes (file-system events)
    /// and at least every `interval`, until the task is dropped. The interval covers
    /// file systems without change events (network shares). A failed pass (database down,
    /// unreadable file) is logged and tried again: nothing is lost, the offsets did not move.
    pub async fn follow(&self, interval: Duration) {
        let changed = Arc::new(Notify::new());
        let _watcher = self.watch(Arc::clone(&changed));
        loop {
            match self.run_once().await {
                Ok(summary) => {
                    self.heartbeat.beat();
                    if summary.lines > 0 {
                        tracing::info!(%summary, "imported call lines");
                    }
                }
                Err(error) => tracing::error!(%error, "import pass failed; trying again"),
            }
            // A change during the pass left a permit, so it is read at once.
            let _ = tokio::time::timeout(interval, changed.notified()).await;
        }
    }

    /// Wakes `changed` on every change in the directory; `None` (polling only) when the
    /// system refuses a watch, e.g. at its inotify limit.
    fn watch(&self, changed: Arc<Notify>) -> Option<RecommendedWatcher> {
        let on_event = move |event: notify::Result<notify::Event>| {
            if event.is_ok_and(|event| crate::watch::is_change(&event)) {
                changed.notify_one();
            }
        };
        let watched = notify::recommended_watcher(on_event).and_then(|mut watcher| {
            watcher
                .watch(&self.dir, RecursiveMode::NonRecursive)
                .map(|()| watcher)
        });
        match watched {
            Ok(watcher) => Some(watcher),
            Err(error) => {
                tracing::warn!(%error, dir = %self.dir.display(), "cannot watch the call directory; polling only");
                None
            }
        }
    }

    async fn progress_bar(&self, files: &[PathBuf]) -> ProgressBar {
        if !self.show_progress {
            return ProgressBar::hidden();
        }
        let mut total = 0;
        for path in files {
            total += tokio::fs::metadata(path).await.map_or(0, |meta| meta.len());
        }
        let style = ProgressStyle::with_template(
            "{bar:40} {bytes}/{total_bytes} ({bytes_per_sec}, {eta} left)",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar());
        ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::stderr()).with_style(style)
    }

    async fn call_files(&self) -> Result<Vec<PathBuf>, ImportError> {
        let io_error = |source| ImportError::Io {
            path: self.dir.clone(),
            source,
        };
        let mut entries = tokio::fs::read_dir(&self.dir).await.map_err(io_error)?;
        let mut files = Vec::new();
        while let Some(entry) = entries.next_entry().await.map_err(io_error)? {
            if entry.file_name().to_str().is_some_and(is_call_file) {
                files.push(entry.path());
            }
        }
        files.sort();
        Ok(files)
    }

    async fn import_file(
        &self,
        path: &Path,
        policy: &PassPolicy<'_>,
        progress: &ProgressBar,
        committer: &mut Committer,
        summary: &mut Summary,
    ) -> Result<(), ImportError> {
        let io_error = |source| ImportError::Io {
            path: path.to_owned(),
            source,
        };
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        let mut file = File::open(path).await.map_err(io_error)?;
        let meta = file.metadata().await.map_err(io_error)?;
        let identity = identify(&mut file, &meta).await.map_err(io_error)?;
        let (mut position, reset) = match store::load_offset(&self.pool, &name).await? {
            Some((saved, at))
                if saved.same_file(&identity) && at.byte_offset <= meta.len() as i64 =>
            {
                (at, false)
            }
            Some(_) => {
                tracing::warn!(file = %name, "file was replaced or truncated; reading it again from the start");
                (Position::default(), true)
            }
            None => (Position::default(), false),
        };
        file.seek(SeekFrom::Start(position.byte_offset as u64))
            .await
            .map_err(io_error)?;
        progress.inc(position.byte_offset as u64);
        let mut reader = BufReader::with_capacity(256 * 1024, file);
        let mut batch = Batch::default();
        let mut line = Vec::new();
        while let Some(length) = next_line(&mut reader, &mut line).await.map_err(io_error)? {
            let start = position;
            position.byte_offset += length as i64;
            position.line_number += 1;
            summary.lines += 1;
            batch.lines += 1;
            progress.inc(length);
            if line.iter().all(u8::is_ascii_whitespace) {
                summary.blank += 1;
            } else {
                let outcome = if length - 1 > validate::MAX_LINE_BYTES as u64 {
                    Outcome::Rejected(validate::too_long(length - 1))
                } else {
                    validate::validate(&line, policy.get().await?)
                };
                match outcome {
                    Outcome::Call(event) => batch.push_call(*event),
                    Outcome::Expired => {
                        summary.expired += 1;
                        batch.expired += 1;
                    }
                    Outcome::Rejected(rejection) => {
                        *summary.dead_letters.entry(rejection.reason).or_default() += 1;
                        batch.push_dead_letter(start, rejection, &line);
                    }
                }
            }
            if batch.len() >= BATCH_LINES {
                committer
                    .submit(&name, &identity, position, &mut batch, summary)
                    .await?;
            }
        }
        // A pass that read nothing commits nothing, unless the file's identity must be saved.
        if batch.lines > 0 || reset {
            committer
                .submit(&name, &identity, position, &mut batch, summary)
                .await?;
        }
        Ok(())
    }
}

/// What validation needs, read once per pass at its first line: a pass that finds nothing new,
/// as most do, asks the database nothing for it.
struct PassPolicy<'a> {
    pool: &'a PgPool,
    read: OnceCell<Policy>,
}

impl PassPolicy<'_> {
    async fn get(&self) -> Result<&Policy, ImportError> {
        self.read.get_or_try_init(|| store::policy(self.pool)).await
    }
}

/// Commits batches strictly in order, one at a time, while the reader validates the next
/// batch: validation and PostgreSQL work overlap, the order of offsets stays as in the file.
struct Committer {
    pool: PgPool,
    key: ErasureKey,
    heartbeat: Heartbeat,
    in_flight: Option<JoinHandle<sqlx::Result<(BatchReport, BatchCounts)>>>,
}

impl Committer {
    /// Waits for the batch in flight, then starts committing `batch` and the position after it.
    async fn submit(
        &mut self,
        name: &str,
        identity: &FileIdentity,
        position: Position,
        batch: &mut Batch,
        summary: &mut Summary,
    ) -> Result<(), ImportError> {
        self.wait(summary).await?;
        let report = batch.report();
        let batch = std::mem::take(batch);
        let (pool, key) = (self.pool.clone(), self.key.clone());
        let (name, identity) = (name.to_owned(), identity.clone());
        self.in_flight = Some(tokio::spawn(async move {
            let counts =
                store::commit_batch(&pool, &key, &name, &identity, position, &batch).await?;
            Ok((report, counts))
        }));
        Ok(())
    }

    /// Waits for the batch in flight, if any, and counts what it did.
    async fn wait(&mut self, summary: &mut Summary) -> Result<(), ImportError> {
        let Some(in_flight) = self.in_flight.take() else {
            return Ok(());
        };
        let (report, counts) = in_flight.await??;
        metrics::record_batch(&report, counts);
        self.heartbeat.beat();
        summary.new += counts.new;
        summary.updated += counts.updated;
        summary.unchanged += counts.unchanged;
        summary.erased += counts.erased;
        Ok(())
    }
}

async fn identify(file: &mut File, meta: &std::fs::Metadata) -> std::io::Result<FileIdentity> {
    let mut head = Vec::new();
    (&mut *file)
        .take(FINGERPRINT_BYTES)
        .read_to_end(&mut head)
        .await?;
    Ok(FileIdentity {
        device: meta.dev() as i64,
        inode: meta.ino() as i64,
        fingerprint: Sha256::digest(&head).to_vec(),
        fingerprint_len: head.len() as i32,
        head,
    })
}

/// Reads the next complete line into `line` (without its newline, cut after
/// `MAX_LINE_BYTES + 1` bytes) and returns its full length including the newline.
/// Returns `None` at the end of the file, also when a last line has no newline yet.
async fn next_line(
    reader: &mut BufReader<File>,
    line: &mut Vec<u8>,
) -> std::io::Result<Option<u64>> {
    line.clear();
    let mut length = 0_u64;
    loop {
        let available = reader.fill_buf().await?;
        if available.is_empty() {
            return Ok(None);
        }
        let (chunk, done) = match available.iter().position(|&b| b == b'\n') {
            Some(end) => (&available[..end], true),
            None => (available, false),
        };
        let room = (validate::MAX_LINE_BYTES + 1).saturating_sub(line.len());
        line.extend_from_slice(&chunk[..chunk.len().min(room)]);
        let consumed = chunk.len() + usize::from(done);
        length += consumed as u64;
        reader.consume(consumed);
        if done {
            return Ok(Some(length));
        }
    }
}
