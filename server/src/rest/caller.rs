//! Who makes a REST request: the user the guard found, with what they may see.

use app::{
    audit::Actor,
    domain::{MaskingPolicy, Role, SessionUser, TokenScope},
};
use axum::{extract::FromRequestParts, http::request::Parts};
use sqlx::PgPool;

use crate::{credentials::Credential, error::ApiError};

/// The caller of a REST request, who must be logged in (the guard has made sure).
pub struct RestCaller(pub SessionUser);

impl RestCaller {
    /// Who the audit trail names for changes made through this request.
    pub fn actor(&self) -> Actor {
        Actor::User(self.0.id)
    }

    /// What this caller's role lets them see of callers' personal data.
    pub async fn masking(&self, pool: &PgPool) -> sqlx::Result<MaskingPolicy> {
        app::masking::policy_for(pool, &self.0).await
    }
}

impl<S: Send + Sync> FromRequestParts<S> for RestCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        parts
            .extensions
            .get::<SessionUser>()
            .cloned()
            .map(Self)
            .ok_or(ApiError::Unauthenticated)
    }
}

/// The caller of the live check of the source policy: an admin, or anyone with a token of the
/// scope `compliance` (made for that check alone); anyone else is refused (403).
pub struct PolicyChecker(pub RestCaller);

impl<S: Send + Sync> FromRequestParts<S> for PolicyChecker {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let scoped = parts.extensions.get::<Credential>()
            == Some(&Credential::Token(TokenScope::Compliance));
        let caller = RestCaller::from_request_parts(parts, state).await?;
        if scoped || caller.0.role.allows(Role::Admin) {
            Ok(Self(caller))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}

/// The caller of a REST request only admins may make: anyone else is refused (403) before the
/// request's path, query or body is read.
pub struct RestAdmin(pub RestCaller);

impl<S: Send + Sync> FromRequestParts<S> for RestAdmin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let caller = RestCaller::from_request_parts(parts, state).await?;
        if caller.0.role.allows(Role::Admin) {
            Ok(Self(caller))
        } else {
            Err(ApiError::Forbidden)
        }
    }
}
