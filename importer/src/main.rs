//! `importer`: imports call.v1 JSONL files into PostgreSQL, or writes demo files.

use std::{
    path::{Path, PathBuf},
    process::ExitCode,
    time::Duration,
};

use anyhow::Context;
use app::{at_rest::Keyring, domain::Retention, dsgvo::tombstones::ErasureKey};
use clap::{Args, CommandFactory, Parser, Subcommand};
use importer::{Importer, validate::Reason};

/// Imports the call.v1 JSONL files of a directory into PostgreSQL.
///
/// Without --once it keeps running, importing new files and appended lines within a second.
#[derive(Parser)]
#[command(version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    import: ImportArgs,
    /// Days calls are kept (at most 30, the policy's maximum): older lines are counted as
    /// expired and not stored. Set the same value for the server.
    #[arg(long, env = "RETENTION_DAYS", default_value = "30", global = true)]
    retention_days: Retention,
    /// The server's directory for what it keeps outside the database; the erasure key is read
    /// from there.
    #[arg(long, env = "DATA_DIR", default_value = ".data", global = true)]
    data_dir: PathBuf,
    /// The key of the tombstones of erased calls, made by the server at its first start
    /// (default DATA_DIR/erasure.key): lines of erased calls are skipped, never stored again.
    #[arg(long, env = "ERASURE_KEY_FILE", global = true)]
    erasure_key_file: Option<PathBuf>,
    /// The data keys the date of birth is sealed with, made by the server at its first start
    /// (default DATA_DIR/data-keys.json).
    #[arg(long, env = "DATA_KEYS_FILE", global = true)]
    data_keys_file: Option<PathBuf>,
}

impl Cli {
    /// Installs the server's data keys for this process.
    fn install_data_keys(&self) -> anyhow::Result<()> {
        let path = self
            .data_keys_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("data-keys.json"));
        let ring = Keyring::read(&path).with_context(|| {
            format!(
                "the data keys in {} are not usable; the server makes them at its first start: \
                 point DATA_KEYS_FILE (or DATA_DIR) at the server's",
                path.display()
            )
        })?;
        ring.install()?;
        Ok(())
    }

    fn erasure_key(&self) -> anyhow::Result<ErasureKey> {
        let path = self
            .erasure_key_file
            .clone()
            .unwrap_or_else(|| self.data_dir.join("erasure.key"));
        ErasureKey::open(&path).with_context(|| {
            format!(
                "the erasure key {} is not usable; the server makes it at its first start: \
                 point ERASURE_KEY_FILE (or DATA_DIR) at the server's",
                path.display()
            )
        })
    }
}

#[derive(Args)]
struct ImportArgs {
    /// Directory with the daily files `calls-YYYY-MM-DD.jsonl`.
    #[arg(long, env = "IMPORT_DIR")]
    dir: Option<PathBuf>,
    /// Import everything present, print a summary and exit.
    #[arg(long)]
    once: bool,
    /// PostgreSQL connection URL of the runtime role anrufe_app; the schema must be current
    /// (`server migrate`).
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
    /// Validate stored dead letters again (e.g. after a source was allowed) and import those
    /// that now pass; print what happened.
    Replay {
        /// Only dead letters with this reason code, e.g. `source_not_allowed`.
        #[arg(long, value_parser = parse_reason)]
        reason: Option<Reason>,
        /// PostgreSQL connection URL of the runtime role anrufe_app.
        #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
        database_url: String,
    },
    /// Write realistic German demo calls of the last three days as daily JSONL files.
    Demo {
        /// How many calls to write.
        #[arg(long, default_value_t = 500)]
        count: usize,
        /// Directory to write the files into (created if missing).
        #[arg(long)]
        out: PathBuf,
        /// Seed of the random generator: the same seed gives the same calls.
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()),
        )
        .with_writer(|| app::log_line::OneLine(std::io::stderr()))
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    match &cli.command {
        Some(Command::Replay {
            reason,
            database_url,
        }) => {
            cli.install_data_keys()?;
            replay(
                database_url,
                *reason,
                cli.retention_days,
                &cli.erasure_key()?,
            )
            .await
        }
        Some(Command::Demo { count, out, seed }) => demo(*count, out, *seed),
        None => import(&cli).await,
    }
}

#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
async fn import(cli: &Cli) -> anyhow::Result<()> {
    let args = &cli.import;
    let (Some(dir), Some(url)) = (&args.dir, &args.database_url) else {
        Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--dir (or IMPORT_DIR) and DATABASE_URL are required",
            )
            .exit();
    };
    let key = cli.erasure_key()?;
    cli.install_data_keys()?;
    let pool = app::db::connect(url, importer::CONNECTIONS, cli.retention_days).await?;
    app::compliance::store::at_start(&pool, cli.retention_days)
        .await
        .context("the source policy does not allow the importer to start")?;
    let importer = Importer::new(pool, dir, key);
    if args.once {
        println!("{}", importer.with_progress_bar().run_once().await?);
        return Ok(());
    }
    tracing::info!(dir = %dir.display(), "following call files; Ctrl-C stops");
    tokio::select! {
        () = importer.follow(Duration::from_secs(1)) => {}
        _ = tokio::signal::ctrl_c() => tracing::info!("stopped"),
    }
    Ok(())
}

#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
async fn replay(
    database_url: &str,
    reason: Option<Reason>,
    retention: Retention,
    key: &ErasureKey,
) -> anyhow::Result<()> {
    let pool = app::db::connect(database_url, 2, retention).await?;
    println!("{}", importer::replay::replay(&pool, key, reason).await?);
    Ok(())
}

#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
fn demo(count: usize, out: &Path, seed: u64) -> anyhow::Result<()> {
    let files = importer::demo::write_demo_files(out, count, seed, chrono::Utc::now())
        .with_context(|| format!("could not write demo files to {}", out.display()))?;
    println!(
        "wrote {count} demo calls into {} files in {}",
        files.len(),
        out.display()
    );
    Ok(())
}

fn parse_reason(code: &str) -> Result<Reason, String> {
    Reason::from_code(code).ok_or_else(|| {
        let codes: Vec<&str> = Reason::ALL.iter().map(|r| r.code()).collect();
        format!("unknown reason; one of: {}", codes.join(", "))
    })
}
