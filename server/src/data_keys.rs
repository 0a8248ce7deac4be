//! The data keys at start: read from DATA_KEYS_FILE, made there at the very first start (while
//! nothing is sealed yet), refused loudly when the file is gone but sealed values exist. Then
//! installed for the process; at the server's start, what a database from before encryption
//! still holds in clear is sealed.

use anyhow::{Context, bail};
use app::at_rest::{Keyring, store};
use sqlx::PgPool;

use crate::config::DataConfig;

/// The keys in DATA_KEYS_FILE, made there if the database seals nothing yet.
pub async fn load(data: &DataConfig, pool: &PgPool) -> anyhow::Result<Keyring> {
    let path = data.data_keys_file();
    if path.exists() {
        return Keyring::read(&path).context("the data keys are not usable");
    }
    let sealed = sqlx::query_scalar!(
        r#"select exists(select 1 from calls where date_of_birth_sealed is not null
                         or raw_payload ->> 'date_of_birth' like 'v1.%')
               or exists(select 1 from dead_letters where raw_line_sealed is not null)
               as "sealed!""#
    )
    .fetch_one(pool)
    .await?;
    if sealed {
        bail!(
            "the data keys file {} is missing, but the database holds values sealed with its \
             keys (dates of birth, refused lines): put back the copy you keep outside the server (README, \"Keys\"); \
             without it they cannot be read",
            path.display()
        );
    }
    let ring = Keyring::generate();
    ring.write(&path)
        .context("could not write the new data keys")?;
    tracing::warn!(
        file = %path.display(),
        key = %ring.active(),
        "made a new data key: keep a copy of the file outside the server"
    );
    Ok(ring)
}

/// Seals what is still in clear from before encryption, with the keys `ring`, once.
pub async fn seal_clear(ring: &Keyring, pool: &PgPool) -> anyhow::Result<()> {
    let marker =
        sqlx::query!("select clear_up_to, dead_letters_in_clear from date_of_birth_sealing")
            .fetch_one(pool)
            .await?;
    if marker.clear_up_to > 0 || marker.dead_letters_in_clear {
        let sealed = store::seal_all(pool, ring, |_| {})
            .await
            .context("could not seal what is stored in clear")?;
        sqlx::query!(
            "update date_of_birth_sealing set clear_up_to = 0, dead_letters_in_clear = false"
        )
        .execute(pool)
        .await?;
        tracing::info!(rows = sealed, "values from before encryption sealed");
    }
    Ok(())
}
