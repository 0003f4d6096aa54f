//! Who is looking at a page: the session ticket in an HttpOnly cookie, and the token that every
//! form carries so another site cannot post for the user (cross-site request forgery).

use crate::cookie::session_cookie;
use crate::state::AppState;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use salvage_core::model::Actor;
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;

/// The form token of a session: derived from its ticket, so it needs no storage, and useless
/// without the cookie, which other sites cannot read.
pub fn csrf_token(ticket: &str) -> String {
    hex::encode(&Sha256::digest(format!("salvage form token:{ticket}"))[..16])
}

/// The signed-in user of a page. A request without a valid session is sent to the sign-in page.
pub struct Viewer {
    pub actor: Actor,
    pub ticket: String,
    pub username: String,
    pub tenant: String,
    pub is_admin: bool,
    pub csrf: String,
}

impl Viewer {
    /// Whether a submitted form carries this session's token.
    pub fn check(&self, token: &str) -> bool {
        // In constant time, so the time taken does not tell how much of a guess was right (the
        // length is public: every token has 32 hex digits).
        bool::from(self.csrf.as_bytes().ct_eq(token.as_bytes()))
    }
}

impl FromRequestParts<AppState> for Viewer {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let to_login = || Redirect::to("/login").into_response();
        let ticket = session_cookie(&parts.headers).ok_or_else(to_login)?;
        let actor = state.repo.authenticate(&ticket).await.map_err(|_| to_login())?;
        let tenant = state.repo.tenant(&actor).await.map_err(|_| to_login())?;
        Ok(Viewer {
            username: actor.username.clone(),
            tenant: tenant.name,
            is_admin: actor.is_admin,
            csrf: csrf_token(&ticket),
            actor,
            ticket,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_sessions_own_token_passes() {
        let viewer = Viewer {
            actor: Actor {
                user_id: 1,
                username: "u".into(),
                tenant_id: 1,
                role: salvage_core::model::Role::IpsUser,
                groups: vec![],
                is_admin: false,
            },
            ticket: "t1".into(),
            username: "u".into(),
            tenant: "default".into(),
            is_admin: false,
            csrf: csrf_token("t1"),
        };
        assert!(viewer.check(&csrf_token("t1")));
        assert!(!viewer.check(&csrf_token("t2")));
        assert!(!viewer.check(&csrf_token("t1")[..31]));
        assert!(!viewer.check(""));
    }

    #[test]
    fn form_tokens_belong_to_their_session() {
        assert_eq!(csrf_token("t1"), csrf_token("t1"));
        assert_ne!(csrf_token("t1"), csrf_token("t2"));
        assert_eq!(csrf_token("t1").len(), 32);
    }
}
