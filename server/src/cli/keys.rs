//! `server keys status|add|rotate|remove`: the data keys the date of birth is sealed with.

use std::io::IsTerminal;

use anyhow::{Context, bail};
use app::at_rest::{Keyring, store};
use sqlx::PgPool;

use super::say;
use crate::config::{DataConfig, KeysCommand};

pub(super) async fn run(
    pool: &PgPool,
    data: &DataConfig,
    command: KeysCommand,
) -> anyhow::Result<bool> {
    let path = data.data_keys_file();
    let mut ring = Keyring::read(&path).context("the data keys are not usable")?;
    match command {
        KeysCommand::Status => {
            let used = store::key_use(pool).await?;
            say(&status(&ring, &used));
            Ok(used.pending(&ring) == 0)
        }
        KeysCommand::Add => {
            let id = ring.add_key();
            ring.write(&path)?;
            say(&format!(
                "Added the key {id} to {} and made it the active one: new values are sealed \
                 with it. Restart server and importer, then run `server keys rotate` to seal \
                 the stored values with it too. Keep a copy of the file outside the server.",
                path.display()
            ));
            Ok(true)
        }
        KeysCommand::Rotate => rotate(pool, &ring).await,
        KeysCommand::Remove { id } => {
            let used = store::key_use(pool).await?;
            if let Some(count) = used.sealed.get(&id).filter(|count| **count > 0) {
                bail!(
                    "the key {id} still seals {count} stored values: run `server keys rotate` first"
                );
            }
            ring.remove_key(&id)?;
            ring.write(&path)?;
            say(&format!("Removed the key {id} from {}.", path.display()));
            Ok(true)
        }
    }
}

/// Seals every stored value with the active key, with a progress bar of the calls done;
/// audited.
async fn rotate(pool: &PgPool, ring: &Keyring) -> anyhow::Result<bool> {
    let before = store::key_use(pool).await?;
    let progress = indicatif::ProgressBar::new_spinner().with_style(
        indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
    );
    if !std::io::stderr().is_terminal() {
        progress.set_draw_target(indicatif::ProgressDrawTarget::hidden());
    }
    progress.set_message(format!(
        "{} values to seal with {}",
        before.pending(ring),
        ring.active()
    ));
    let result = store::rotate(pool, ring, |done| {
        progress.set_message(format!("{done} rows sealed with {}", ring.active()));
        progress.tick();
    })
    .await;
    progress.finish_and_clear();
    let rotation = result.context("the rotation stopped; run it again to go on")?;
    say(&format!(
        "Sealed the values of {} rows with the key {}.",
        rotation.rows,
        ring.active()
    ));
    say(&status(ring, &rotation.after));
    Ok(rotation.after.pending(ring) == 0)
}

fn status(ring: &Keyring, used: &store::KeyUse) -> String {
    let mut lines = vec![format!("Active key: {}", ring.active())];
    for id in ring.ids() {
        let count = used.sealed.get(id.as_str()).copied().unwrap_or(0);
        lines.push(format!("  {id}: seals {count} values"));
    }
    for (id, count) in used
        .sealed
        .iter()
        .filter(|(id, _)| ring.ids().all(|known| known.as_str() != *id))
    {
        lines.push(format!(
            "  {id}: seals {count} values, but the file does not hold it"
        ));
    }
    if used.clear > 0 {
        lines.push(format!(
            "  in clear (from before encryption): {} calls",
            used.clear
        ));
    }
    let pending = used.pending(ring);
    lines.push(if pending == 0 {
        "Every stored value is sealed with the active key; keys that seal nothing can be removed."
            .to_owned()
    } else {
        format!(
            "{pending} values are not sealed with the active key yet: run `server keys rotate`."
        )
    });
    lines.join("\n")
}
