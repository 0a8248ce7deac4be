//! Login through the practice's identity provider: OpenID Connect Authorization Code flow with
//! PKCE, state and nonce, using `openidconnect` (built on `oauth2`) for discovery and for the ID
//! token's checks (signature against the provider's keys, issuer, audience, expiry, nonce).
//!
//! `GET /auth/oidc/login?next=…` sends the browser to the provider; the provider sends it back
//! to `GET /auth/oidc/callback`, which checks everything, finds or provisions the user
//! (`app::auth::oidc`) and starts a session like a password login. Failures lead back to the
//! login page with a reason code; the log says what went wrong without personal data.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use app::{
    api::auth::{LOGIN_PATH, local_target},
    auth::{
        SessionSettings,
        oidc::{self, Identity, OidcLoginError, PendingLogin},
    },
    domain::Role,
};
use axum::{
    extract::{Query, State},
    http::{HeaderMap, HeaderValue, header},
    response::{IntoResponse, Redirect, Response},
};
use base64::Engine;
use openidconnect::{
    AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce, PkceCodeChallenge,
    PkceCodeVerifier, RedirectUrl, Scope, TokenResponse,
    core::{CoreAuthPrompt, CoreAuthenticationFlow, CoreClient, CoreProviderMetadata},
    reqwest,
};
use serde::Deserialize;
use sqlx::PgPool;
use tokio::sync::Mutex;

use crate::config::OidcConfig;

/// Where the provider sends the browser back.
pub const CALLBACK_PATH: &str = "/auth/oidc/callback";

/// The cookie that binds a login under way to the browser that began it.
const STATE_COOKIE: &str = "anrufe_oidc_state";

/// How long the provider's discovery document and keys are used before they are fetched again
/// (keys rotate).
const METADATA_TTL: Duration = Duration::from_secs(60 * 60);

/// The configured provider, shared by all requests.
#[derive(Clone)]
pub struct Oidc(Arc<Provider>);

struct Provider {
    issuer: IssuerUrl,
    client_id: ClientId,
    client_secret: ClientSecret,
    redirect: RedirectUrl,
    access: AccessClaim,
    http: reqwest::Client,
    metadata: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

/// Why an OIDC login did not complete. The code goes to the login page as `?oidc=…`.
#[derive(Debug, thiserror::Error)]
enum Failure {
    #[error("the provider refused or the person cancelled: {0}")]
    Refused(String),
    #[error("the login is unknown, expired or was begun in another browser")]
    Expired,
    #[error("{0}")]
    Provider(String),
    #[error(transparent)]
    Account(#[from] OidcLoginError),
    #[error("database request failed: {0}")]
    Database(#[from] sqlx::Error),
}

impl Failure {
    fn code(&self) -> &'static str {
        match self {
            Self::Refused(_) => "refused",
            Self::Expired => "expired",
            Self::Account(OidcLoginError::Deactivated) => "deactivated",
            Self::Account(OidcLoginError::NotEntitled) => "not_entitled",
            Self::Account(OidcLoginError::AdminLinkUnconfirmed) => "admin_link_unconfirmed",
            Self::Account(OidcLoginError::NoEmail | OidcLoginError::EmailTaken) => "no_account",
            Self::Provider(_) | Self::Account(OidcLoginError::Database(_)) | Self::Database(_) => {
                "failed"
            }
        }
    }
}

impl Oidc {
    /// The provider from the configuration, if one is configured.
    pub fn from_config(
        config: &OidcConfig,
        public_url: Option<&url::Url>,
    ) -> anyhow::Result<Option<Self>> {
        let (Some(issuer), Some(client_id), Some(client_secret), Some(public_url)) = (
            config.oidc_issuer.as_ref(),
            config.oidc_client_id.as_ref(),
            config.oidc_client_secret.as_ref(),
            public_url,
        ) else {
            return Ok(None);
        };
        let issuer = IssuerUrl::new(issuer.as_str().trim_end_matches('/').to_owned())?;
        let redirect = RedirectUrl::from_url(public_url.join(CALLBACK_PATH)?);
        let http = reqwest::ClientBuilder::new()
            // Following redirects would let a provider's answer send us anywhere (SSRF).
            .redirect(reqwest::redirect::Policy::none())
            .timeout(Duration::from_secs(10))
            .build()?;
        let (Some(claim), Some(admin), Some(agent)) = (
            config.oidc_role_claim.clone(),
            config.oidc_admin_value.clone(),
            config.oidc_agent_value.clone(),
        ) else {
            anyhow::bail!(
                "OIDC_ISSUER needs OIDC_ROLE_CLAIM, OIDC_ADMIN_VALUE and OIDC_AGENT_VALUE: only people the provider names as admins or agents get in"
            );
        };
        Ok(Some(Self(Arc::new(Provider {
            issuer,
            client_id: ClientId::new(client_id.clone()),
            client_secret: client_secret.clone(),
            redirect,
            access: AccessClaim {
                claim,
                admin,
                agent,
            },
            http,
            metadata: Mutex::new(None),
        }))))
    }

    /// The provider's discovery document and keys, fetched at first use and then hourly; a
    /// provider that is down does not stop the server, only this way of logging in.
    async fn client(&self) -> Result<OidcClient, Failure> {
        let provider = &self.0;
        let mut cached = provider.metadata.lock().await;
        let fresh = cached
            .as_ref()
            .filter(|(fetched, _)| fetched.elapsed() < METADATA_TTL)
            .map(|(_, metadata)| metadata.clone());
        let metadata = match fresh {
            Some(metadata) => metadata,
            None => {
                let metadata =
                    CoreProviderMetadata::discover_async(provider.issuer.clone(), &provider.http)
                        .await
                        .map_err(|error| Failure::Provider(format!("discovery failed: {error}")))?;
                *cached = Some((Instant::now(), metadata.clone()));
                metadata
            }
        };
        Ok(CoreClient::from_provider_metadata(
            metadata,
            provider.client_id.clone(),
            Some(provider.client_secret.clone()),
        )
        .set_redirect_uri(provider.redirect.clone()))
    }
}

type OidcClient = openidconnect::core::CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

#[derive(Deserialize)]
pub struct Start {
    next: Option<String>,
}

/// `GET /auth/oidc/login`: remembers the login and sends the browser to the provider.
pub async fn start(
    State(oidc): State<Option<Oidc>>,
    State(pool): State<PgPool>,
    State(sessions): State<SessionSettings>,
    Query(start): Query<Start>,
) -> Response {
    let Some(oidc) = oidc else {
        return back_to_login("unavailable");
    };
    let client = match oidc.client().await {
        Ok(client) => client,
        Err(failure) => return failed(&failure),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .add_scope(Scope::new(oidc.0.access.claim.clone()))
        .set_pkce_challenge(challenge)
        // The provider asks for the password every time: on a shared front-desk PC the next
        // person must not be logged in as the last one.
        .add_prompt(CoreAuthPrompt::Login)
        .url();
    let pending = PendingLogin {
        pkce_verifier: verifier.secret().clone(),
        nonce: nonce.secret().clone(),
        next: local_target(start.next.as_deref()),
    };
    if let Err(error) = oidc::begin(&pool, state.secret(), &pending).await {
        return failed(&Failure::Database(error));
    }
    let cookie = state_cookie(sessions, state.secret(), Duration::from_secs(600));
    with_cookie(Redirect::to(url.as_str()).into_response(), &cookie)
}

#[derive(Deserialize)]
pub struct Callback {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /auth/oidc/callback`: completes the login the same browser began.
pub async fn callback(
    State(oidc): State<Option<Oidc>>,
    State(pool): State<PgPool>,
    State(sessions): State<SessionSettings>,
    headers: HeaderMap,
    Query(callback): Query<Callback>,
) -> Response {
    let Some(oidc) = oidc else {
        return back_to_login("unavailable");
    };
    let forget_state = state_cookie(sessions, "", Duration::ZERO);
    let response = match complete(&oidc, &pool, sessions, &headers, callback).await {
        Ok((token, next)) => {
            let response = Redirect::to(&next).into_response();
            with_cookie(response, &sessions.cookie(&token))
        }
        Err(failure) => failed(&failure),
    };
    with_cookie(response, &forget_state)
}

async fn complete(
    oidc: &Oidc,
    pool: &PgPool,
    sessions: SessionSettings,
    headers: &HeaderMap,
    callback: Callback,
) -> Result<(String, String), Failure> {
    if let Some(error) = callback.error {
        return Err(Failure::Refused(error));
    }
    let (Some(code), Some(state)) = (callback.code, callback.state) else {
        return Err(Failure::Provider(
            "the callback lacks code or state".to_owned(),
        ));
    };
    let ours = app::cookies::value(headers, STATE_COOKIE);
    if ours.as_deref() != Some(state.as_str()) {
        return Err(Failure::Expired);
    }
    let pending = oidc::resume(pool, &state).await?.ok_or(Failure::Expired)?;
    let client = oidc.client().await?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|error| Failure::Provider(format!("no token endpoint: {error}")))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier))
        .request_async(&oidc.0.http)
        .await
        .map_err(|error| Failure::Provider(format!("the code exchange failed: {error}")))?;
    let id_token = tokens
        .id_token()
        .ok_or_else(|| Failure::Provider("the provider sent no ID token".to_owned()))?;
    let claims = id_token
        .claims(&client.id_token_verifier(), &Nonce::new(pending.nonce))
        .map_err(|error| Failure::Provider(format!("the ID token is not valid: {error}")))?;
    let role = oidc.0.access.role(&id_token.to_string());
    let identity = Identity {
        issuer: claims.issuer().to_string(),
        subject: claims.subject().to_string(),
        email: claims.email().map(|email| email.to_string()),
        email_verified: claims.email_verified().unwrap_or(false),
        name: claims
            .name()
            .and_then(|name| name.get(None))
            .map(|name| name.to_string()),
        role,
    };
    let user_agent = headers
        .get(header::USER_AGENT)
        .and_then(|agent| agent.to_str().ok())
        .unwrap_or_default();
    let (_, token) = oidc::login(pool, &identity, user_agent, sessions.policy).await?;
    Ok((token, pending.next))
}

/// The ID-token claim that says who may use Anrufe, and its values for admins and agents.
struct AccessClaim {
    claim: String,
    admin: String,
    agent: String,
}

impl AccessClaim {
    /// The role a verified ID token's claim gives: admin when the claim is, or contains, the
    /// admin value, agent for the agent value, and no access (`None`) for neither. The token's
    /// signature was checked before; this only reads its payload.
    fn role(&self, jwt: &str) -> Option<Role> {
        let payload = jwt
            .split('.')
            .nth(1)
            .and_then(|part| {
                base64::engine::general_purpose::URL_SAFE_NO_PAD
                    .decode(part)
                    .ok()
            })
            .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok());
        let has = |wanted: &str| match payload.as_ref().and_then(|claims| claims.get(&self.claim)) {
            Some(serde_json::Value::String(value)) => value == wanted,
            Some(serde_json::Value::Array(values)) => values.iter().any(|value| value == wanted),
            _ => false,
        };
        if has(&self.admin) {
            Some(Role::Admin)
        } else if has(&self.agent) {
            Some(Role::Agent)
        } else {
            None
        }
    }
}

fn state_cookie(sessions: SessionSettings, state: &str, max_age: Duration) -> String {
    cookie::Cookie::build((STATE_COOKIE, state.to_owned()))
        .path("/auth/oidc")
        .http_only(true)
        .secure(sessions.secure)
        .same_site(cookie::SameSite::Lax)
        .max_age(cookie::time::Duration::seconds(
            i64::try_from(max_age.as_secs()).unwrap_or(0),
        ))
        .build()
        .to_string()
}

fn with_cookie(mut response: Response, cookie: &str) -> Response {
    if let Ok(value) = HeaderValue::from_str(cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
    response
}

fn failed(failure: &Failure) -> Response {
    tracing::warn!(error = %failure, "an OIDC login did not complete");
    back_to_login(failure.code())
}

fn back_to_login(code: &str) -> Response {
    Redirect::to(&format!("{LOGIN_PATH}?oidc={code}")).into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jwt(claims: &serde_json::Value) -> String {
        let encode = |value: &serde_json::Value| {
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(value.to_string())
        };
        format!(
            "{}.{}.signature",
            encode(&serde_json::json!({"alg": "RS256"})),
            encode(claims)
        )
    }

    #[test]
    fn the_claim_gives_the_role_or_no_access_at_all() {
        let access = AccessClaim {
            claim: "groups".to_owned(),
            admin: "anrufe-admin".to_owned(),
            agent: "anrufe-empfang".to_owned(),
        };
        let token = |claims: serde_json::Value| jwt(&claims);
        assert_eq!(
            access.role(&token(
                serde_json::json!({ "groups": ["praxis", "anrufe-admin"] })
            )),
            Some(Role::Admin)
        );
        assert_eq!(
            access.role(&token(serde_json::json!({ "groups": "anrufe-empfang" }))),
            Some(Role::Agent)
        );
        assert_eq!(
            access.role(&token(serde_json::json!({ "groups": ["praxis"] }))),
            None,
            "in the practice, but not given Anrufe"
        );
        assert_eq!(access.role(&token(serde_json::json!({}))), None);
        assert_eq!(access.role("not a token"), None);
    }
}
