//! Source policy changes as the compliance tests need them: a second admin, and a document
//! approved by them.

use app::compliance::{approval, policy::PolicyDocument, store};
use sqlx::PgPool;

/// The active version's document (version 1 installed if need be), to change and approve.
pub async fn active_document(pool: &PgPool) -> PolicyDocument {
    store::active(&super::runtime(pool))
        .await
        .expect("the active policy")
        .document
}

/// The second admin „Zweite“, added the first time.
pub async fn second_admin(pool: &PgPool) -> i64 {
    sqlx::query_scalar(
        "insert into users (name, email, role) values ('Zweite', 'zweite@praxis.test', 'ADMIN')
         on conflict (email) do update set name = excluded.name returning id",
    )
    .fetch_one(pool)
    .await
    .expect("a second admin")
}

/// Saves `document` as `author`'s draft and has the second admin approve it; its version.
pub async fn approve(pool: &PgPool, author: i64, document: &PolicyDocument) -> i32 {
    let runtime = super::runtime(pool);
    let second = second_admin(pool).await;
    let version = approval::save_draft(&runtime, author, document)
        .await
        .expect("a draft");
    approval::approve(&runtime, second, version)
        .await
        .expect("approved");
    version
}
