//! The LLM help's settings (`app::llm` does the work; `jobs::suggestions` is the automatic
//! mode). Requests go only to the practice's tomedo llmservice endpoint built from these.

use std::{sync::Arc, time::Duration};

use anyhow::Context;
use app::llm::{
    client::{ClientSettings, LlmClient, LlmHelp},
    endpoint::{DEFAULT_MODEL, Endpoint, UserIdent},
};
use clap::Args;

/// LLM help: summaries, categories and urgency suggestions from the practice's own endpoint
/// `http://TOMEDO_HOST:TOMEDO_PORT/TOMEDO_DB/llmservice/{userIdent}/v1/chat/completions`.
/// Without TOMEDO_HOST nothing is ever sent. README, "LLM help".
#[derive(Args, Debug, Clone)]
pub struct LlmConfig {
    /// Host name or address of the tomedo server.
    #[arg(
        long,
        env = "TOMEDO_HOST",
        requires_all = ["tomedo_port", "tomedo_db", "tomedo_user_ident"]
    )]
    pub tomedo_host: Option<String>,
    /// Port of the tomedo server's llmservice.
    #[arg(long, env = "TOMEDO_PORT")]
    pub tomedo_port: Option<u16>,
    /// The tomedo database name, the first segment of the endpoint's path.
    #[arg(long, env = "TOMEDO_DB")]
    pub tomedo_db: Option<String>,
    /// The userIdent of requests by users without their own (set per user by an admin) and of
    /// the automatic mode.
    #[arg(long, env = "TOMEDO_USER_IDENT")]
    pub tomedo_user_ident: Option<UserIdent>,
    /// The model asked.
    #[arg(long, env = "USER_MODEL", default_value = DEFAULT_MODEL)]
    pub user_model: String,
    /// Seconds one attempt may take; two more attempts follow a timeout or a server error.
    #[arg(long, env = "LLM_TIMEOUT_SECONDS", default_value_t = 30, value_parser = clap::value_parser!(u64).range(1..=300))]
    pub llm_timeout_seconds: u64,
    /// Requests in flight at once, from people and the automatic mode together.
    #[arg(long, env = "LLM_CONCURRENCY", default_value_t = 2, value_parser = clap::value_parser!(u64).range(1..=16))]
    pub llm_concurrency: u64,
}

impl LlmConfig {
    /// The client, when TOMEDO_HOST is set.
    pub fn help(&self) -> anyhow::Result<LlmHelp> {
        let (Some(host), Some(port), Some(db), Some(ident)) = (
            &self.tomedo_host,
            self.tomedo_port,
            &self.tomedo_db,
            &self.tomedo_user_ident,
        ) else {
            return Ok(LlmHelp::default());
        };
        let endpoint = Endpoint::new(host, port, db, &self.user_model, ident.clone())
            .map_err(anyhow::Error::msg)?;
        let settings = ClientSettings {
            timeout: Duration::from_secs(self.llm_timeout_seconds),
            concurrency: self.llm_concurrency as usize,
            ..ClientSettings::default()
        };
        tracing::info!(endpoint = %endpoint.origin(), model = %endpoint.model, "LLM help through the practice's endpoint");
        let client =
            LlmClient::new(endpoint, settings).context("could not build the LLM client")?;
        Ok(LlmHelp(Some(Arc::new(client))))
    }
}

/// Describes the LLM help's metrics for `/metrics`.
pub fn describe() {
    metrics::describe_counter!(
        "anrufe_llm_requests_total",
        "Requests for LLM suggestions by outcome (ok, refused, blocked, unreachable, invalid_answer, failed)"
    );
    metrics::describe_histogram!(
        "anrufe_llm_request_duration_seconds",
        metrics::Unit::Seconds,
        "Time from sending a request to the LLM endpoint to its answer, retries included"
    );
    metrics::describe_counter!(
        "anrufe_llm_tokens_total",
        "Tokens the LLM endpoint counted, by kind (prompt, completion)"
    );
    metrics::describe_counter!(
        "anrufe_llm_answers_discarded_total",
        "Answers of the LLM endpoint that were not the asked-for JSON, by reason"
    );
}
