//! What the server's benches share: percentiles and a throwaway database.

use sqlx::{Connection, PgConnection, PgPool};

/// The median and 95th percentile of a series of timings.
pub struct Figures {
    pub p50: f64,
    pub p95: f64,
}

/// Nearest-rank percentiles of `millis`.
pub fn figures(mut millis: Vec<f64>) -> Figures {
    millis.sort_by(f64::total_cmp);
    let at = |q: f64| millis[((q * millis.len() as f64).ceil() as usize).saturating_sub(1)];
    Figures {
        p50: at(0.5),
        p95: at(0.95),
    }
}

/// A new, migrated database `name` on `server` (a superuser's URL), and a pool on it as the
/// runtime role with its URL, as in production.
pub async fn fresh_database(server: &str, name: &str) -> anyhow::Result<(PgPool, String)> {
    drop_database(server, name).await?;
    let mut admin = PgConnection::connect(server).await?;
    sqlx::query(&format!("create database {name}"))
        .execute(&mut admin)
        .await?;
    let url = database_url(server, name);
    app::db::migrate(&url).await?;
    let url = format!("{url}?options=-c%20role%3D{}", app::db::RUNTIME_ROLE);
    Ok((
        app::db::connect(&url, 10, app::domain::Retention::MAX).await?,
        url,
    ))
}

/// The URL of database `name` on `server`, as the superuser.
pub fn database_url(server: &str, name: &str) -> String {
    format!(
        "{}/{name}",
        server.rsplit_once('/').map_or(server, |(base, _)| base)
    )
}

pub async fn drop_database(server: &str, name: &str) -> anyhow::Result<()> {
    let mut admin = PgConnection::connect(server).await?;
    sqlx::query(&format!("drop database if exists {name} with (force)"))
        .execute(&mut admin)
        .await?;
    Ok(())
}
