//! `importer`: imports call.v1 JSONL files into PostgreSQL, or writes demo files.

use std::{path::PathBuf, process::ExitCode, time::Duration};

use anyhow::Context;
use clap::{Args, CommandFactory, Parser, Subcommand};
use importer::Importer;

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
}

#[derive(Args)]
struct ImportArgs {
    /// Directory with the daily files `calls-YYYY-MM-DD.jsonl`.
    #[arg(long, env = "IMPORT_DIR")]
    dir: Option<PathBuf>,
    /// Import everything present, print a summary and exit.
    #[arg(long)]
    once: bool,
    /// PostgreSQL connection URL.
    #[arg(long, env = "DATABASE_URL", hide_env_values = true)]
    database_url: Option<String>,
}

#[derive(Subcommand)]
enum Command {
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
        .with_writer(std::io::stderr)
        .init();
    match run(Cli::parse()).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

#[expect(clippy::print_stdout, reason = "the summary is the command's output")]
async fn run(cli: Cli) -> anyhow::Result<()> {
    if let Some(Command::Demo { count, out, seed }) = cli.command {
        let files = importer::demo::write_demo_files(&out, count, seed, chrono::Utc::now())
            .with_context(|| format!("could not write demo files to {}", out.display()))?;
        println!(
            "wrote {count} demo calls into {} files in {}",
            files.len(),
            out.display()
        );
        return Ok(());
    }
    let args = cli.import;
    let (Some(dir), Some(url)) = (args.dir, args.database_url) else {
        Cli::command()
            .error(
                clap::error::ErrorKind::MissingRequiredArgument,
                "--dir (or IMPORT_DIR) and DATABASE_URL are required",
            )
            .exit();
    };
    let pool = app::db::connect(&url, 2).await?;
    let importer = Importer::new(pool, &dir);
    if args.once {
        let summary = importer.run_once().await?;
        println!("{summary}");
        return Ok(());
    }
    tracing::info!(dir = %dir.display(), "following call files; Ctrl-C stops");
    tokio::select! {
        () = importer.follow(Duration::from_secs(1)) => {}
        _ = tokio::signal::ctrl_c() => tracing::info!("stopped"),
    }
    Ok(())
}
