//! Server functions of the LLM help: the drawer's panel, asking, accepting; the admin's
//! settings and userIdents. Thin callers of `crate::llm` and `crate::service`.

use leptos::{prelude::*, server_fn::codec::Json};

use crate::{
    AppError,
    domain::CallListItem,
    llm::{LlmSettings, Suggestion, SuggestionPanel},
};

/// What the drawer shows of the LLM help for call `id`: the latest suggestion, how the last
/// request ended, and for admins the ledger.
#[server(endpoint = "llm/suggestion_panel", input = Json)]
pub async fn load_suggestion_panel(id: i64) -> Result<SuggestionPanel, AppError> {
    use crate::{
        audit::Actor,
        domain::{CallId, Role},
        llm::{client::LlmHelp, ledger, suggest},
    };

    let user = super::caller(Role::Agent)?;
    let pool = super::pool()?;
    let configured = use_context::<LlmHelp>().is_some_and(|help| help.client().is_some());
    let call_id = CallId(id);
    let panel = async {
        suggest::visible_call(&pool, Actor::User(user.id), call_id).await?;
        let ledger = if user.role.allows(Role::Admin) {
            ledger::entries(&pool, call_id).await?
        } else {
            Vec::new()
        };
        Ok::<_, suggest::LlmError>(SuggestionPanel {
            configured,
            latest: ledger::latest(&pool, call_id).await?,
            last_failure: ledger::last_failure(&pool, call_id).await?,
            ledger,
        })
    };
    super::answer(panel.await)
}

/// Asks the practice's endpoint now for a suggestion for call `id`.
#[server(endpoint = "llm/request_suggestion", input = Json)]
pub async fn request_suggestion(id: i64) -> Result<Suggestion, AppError> {
    use crate::{
        domain::{CallId, Role},
        llm::{client::LlmHelp, suggest},
    };

    let actor = super::actor(Role::Agent)?;
    let pool = super::pool()?;
    let help = use_context::<LlmHelp>().unwrap_or_default();
    super::answer(suggest::suggest(&pool, help.client(), actor, CallId(id), None).await)
}

/// Accepts suggestion `suggestion_id` for call `id` last seen at `version`: a change like any
/// other, audited.
#[server(endpoint = "llm/accept_suggestion", input = Json)]
pub async fn accept_suggestion(
    id: i64,
    version: i32,
    suggestion_id: i64,
) -> Result<CallListItem, AppError> {
    use crate::domain::{CallId, Role, Version};

    let pool = super::pool()?;
    let viewer = super::Viewer::of(&pool, Role::Agent).await?;
    let accepted = crate::service::accept_suggestion(
        &pool,
        viewer.actor(),
        CallId(id),
        Version(version),
        suggestion_id,
    )
    .await;
    viewer.show_change(accepted)
}

/// The LLM help's settings.
#[server(endpoint = "admin/llm_settings", input = Json)]
pub async fn load_llm_settings() -> Result<LlmSettings, AppError> {
    super::caller(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    let result = async {
        let mut conn = pool.acquire().await?;
        crate::llm::settings::read(&mut conn).await
    };
    super::answer(result.await)
}

/// Saves the LLM help's settings.
#[server(endpoint = "admin/save_llm_settings", input = Json)]
pub async fn save_llm_settings(settings: LlmSettings) -> Result<LlmSettings, AppError> {
    let actor = super::actor(crate::domain::Role::Admin)?;
    let pool = super::pool()?;
    let saved = crate::llm::settings::save(&pool, actor, settings).await;
    super::answer(
        saved
            .map_err(AppError::from)
            .and_then(|saved| saved.map_err(|reason| AppError::invalid("categories", reason))),
    )
}

/// Sets a user's userIdent for the LLM endpoint; empty: the practice's default.
#[server(endpoint = "admin/set_llm_ident", input = Json)]
pub async fn set_llm_ident(user: i64, ident: String) -> Result<(), AppError> {
    use crate::{
        domain::{Invalid, Role},
        llm::endpoint::UserIdent,
    };

    let actor = super::actor(Role::Admin)?;
    let pool = super::pool()?;
    let ident = ident.trim();
    let ident = match ident {
        "" => None,
        text => match text.parse::<UserIdent>() {
            Ok(ident) => Some(ident),
            Err(_) => {
                return super::answer(Err(AppError::invalid("ident", Invalid::UserIdentMalformed)));
            }
        },
    };
    let found = crate::llm::settings::set_ident(&pool, actor, user, ident.as_ref()).await;
    super::answer(found.map_err(AppError::from).and_then(|found| {
        found
            .then_some(())
            .ok_or(AppError::invalid("user", Invalid::AccountUnknown))
    }))
}
