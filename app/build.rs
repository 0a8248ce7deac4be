//! Builds the crate again when a migration is added or changed: `db::MIGRATOR` embeds them,
//! and `sqlx::migrate!` alone does not tell cargo so.
fn main() {
    println!("cargo:rerun-if-changed=../migrations");
}
