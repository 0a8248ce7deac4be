//! `server`: serves the dashboard and, with IMPORT_DIR, imports calls in the same process;
//! with a command, administers it (see `server --help`).

use std::{path::Path, sync::Arc, time::Duration};

use anyhow::Context;
use clap::Parser;
use leptos::config::get_configuration;
use server::{
    anchors::Anchors,
    config::{Command, Config},
    jobs::Job,
    limits::Limits,
    live::LiveHub,
    ops::{health::HealthPool, shutdown::Draining},
    router::router,
    state::AppState,
};

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let mut config = Config::parse();
    let traces = server::ops::traces::Traces::from_env()?;
    server::ops::logging::init(config.log_format, traces.as_ref());
    // A restore goes into a database of its own, which must stay empty until then.
    if let Some(result) = server::cli::backup::standalone(&config).await {
        std::process::exit(if result? { 0 } else { 1 });
    }
    if let Some(owner) = &config.migration_database_url {
        app::db::migrate(owner.expose())
            .await
            .context("MIGRATION_DATABASE_URL")?;
    } else if matches!(config.command, Some(Command::Migrate)) {
        anyhow::bail!("`server migrate` needs MIGRATION_DATABASE_URL, the owner role's URL");
    }
    if let Some(command) = config.command.take() {
        let pool = app::db::connect(config.database_url.expose(), 2, config.retention_days)
            .await
            .context("DATABASE_URL")?;
        if !matches!(
            command,
            Command::Keys(_) | Command::Migrate | Command::Backup(_)
        ) {
            server::data_keys::load(&config.data, &pool)
                .await?
                .install()?;
        }
        let fine = server::cli::run(&pool, &config, command).await?;
        std::process::exit(if fine { 0 } else { 1 });
    }
    let served = serve(config).await;
    if let Some(traces) = traces {
        traces.shutdown();
    }
    served
}

async fn serve(config: Config) -> anyhow::Result<()> {
    let mut jobs = Vec::new();
    match config.backups() {
        Some(backups) => jobs.push(Job::Backup {
            at: config.backup.backup_at,
            backups,
            drill: (config.backup.backup_drill_identity_file.clone())
                .map(|identity| config.drill(None, identity)),
        }),
        None => tracing::warn!("no backups are made: BACKUP_DIR is not set (README, \"Backups\")"),
    }
    let settings = config.serve;
    let anchors = Arc::new(
        Anchors::open_or_create(&config.data).context("the audit anchors are not usable")?,
    );
    let tombstones = config.data.tombstones()?;
    let leptos_options = get_configuration(None)
        .context("could not read the Leptos configuration")?
        .leptos_options;
    let metrics = server::ops::metrics::builder()
        .install_recorder()
        .context("could not install the metrics recorder")?;
    server::ops::metrics::describe();
    importer::metrics::describe();
    server::jobs::retention::describe();
    server::jobs::backup::describe();
    server::llm::describe();
    let addr = leptos_options.site_addr;
    if settings.demo_calls.is_some() {
        server::demo::check_allowed(addr, settings.public_url.as_ref())?;
    }
    let pool = app::db::connect(config.database_url.expose(), 10, config.retention_days)
        .await
        .context("DATABASE_URL")?;
    let keys = server::data_keys::load(&config.data, &pool)
        .await?
        .install()?;
    server::data_keys::seal_clear(keys, &pool).await?;
    // After a restore from a backup older than an erasure, the erased calls go again before
    // anyone can see them or the importer runs.
    let restored = app::dsgvo::restore(&pool, &tombstones)
        .await
        .context("could not bring the erasure tombstones up to date")?;
    if restored != Default::default() {
        tracing::warn!(?restored, "erasure tombstones restored");
    }
    let policy = app::compliance::store::at_start(&pool, config.retention_days)
        .await
        .context("the source policy does not allow this server to start")?;
    tracing::info!(version = policy.version, "source policy in force");
    if settings.demo_calls.is_none() {
        let retired = server::demo::retire_accounts(&pool)
            .await
            .context("could not retire the demo logins")?;
        if retired > 0 {
            tracing::warn!(retired, "demo logins retired: demo mode is off");
        }
    }
    let mut importing = None;
    if let Some(dir) = &settings.import_dir {
        if let Some(count) = settings.demo_calls {
            write_demo_calls_once(dir, count)?;
            server::demo::create_accounts(&pool)
                .await
                .context("could not create the demo accounts")?;
        }
        let importer = importer::Importer::new(pool.clone(), dir, tombstones.key.clone());
        tracing::info!(dir = %dir.display(), "importing call files when no other instance does");
        importing = Some(server::jobs::importing::spawn(pool.clone(), importer));
    }

    let oidc = server::oidc::Oidc::from_config(&settings.oidc, settings.public_url.as_ref())
        .context("the OIDC settings are not usable")?;
    if let Some(issuer) = &settings.oidc.oidc_issuer {
        tracing::info!(%issuer, "login through the identity provider is offered");
    }
    let llm = settings
        .llm
        .help()
        .context("the LLM settings are not usable")?;
    if let Some(client) = llm.0.clone() {
        jobs.push(Job::Suggestions(client));
    }
    let live = LiveHub::default();
    live.spawn_listener(pool.clone());
    let draining = Draining::default();
    let stopped = server::ops::shutdown::signalled(
        draining.clone(),
        live.clone(),
        Duration::from_secs(settings.shutdown_grace_seconds),
    );
    jobs.extend([
        Job::Sessions(settings.sessions().policy),
        Job::Escalation,
        Job::Kpi,
        Job::Retention {
            at: settings.purge_at,
            import_dir: settings.import_dir.clone(),
        },
    ]);
    server::jobs::spawn_all(&pool, jobs);
    anchors.spawn_hourly(pool.clone());
    let app = router(AppState {
        health: HealthPool::beside(&pool),
        pool,
        leptos_options,
        metrics,
        live,
        sessions: settings.sessions(),
        limits: Limits::per_minute(
            settings.login_attempts_per_minute,
            settings.api_requests_per_minute,
        )
        .trusting(settings.trusted_proxies.clone()),
        oidc,
        purge_at: settings.purge_at,
        tombstones,
        practice_name: settings.practice_name.clone(),
        llm,
        importer: importing.as_ref().map(|(_, state)| state.clone()),
        draining,
    });
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("could not listen on {addr}"))?;
    tracing::info!("Anrufe is ready at http://{addr}");
    let app = app.into_make_service_with_connect_info::<std::net::SocketAddr>();
    let served = axum::serve(listener, app)
        .with_graceful_shutdown(stopped)
        .await
        .context("the server stopped unexpectedly");
    // Stop the importer before the runtime goes: a pass cut off here rolls back its
    // transaction and is read again at the next start, as after a crash.
    if let Some((task, _)) = importing {
        task.abort();
        let _ = task.await;
    }
    tracing::info!("Anrufe stopped");
    served
}

/// Demo data is written only into a directory without call files, so a restart reuses it.
fn write_demo_calls_once(dir: &Path, count: usize) -> anyhow::Result<()> {
    let has_calls = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .any(|e| e.file_name().to_str().is_some_and(importer::is_call_file))
        })
        .unwrap_or(false);
    if !has_calls {
        let files = importer::demo::write_demo_files(dir, count, 1, chrono::Utc::now())
            .with_context(|| format!("could not write demo calls to {}", dir.display()))?;
        tracing::info!(count, files = files.len(), dir = %dir.display(), "wrote demo calls");
    }
    Ok(())
}
