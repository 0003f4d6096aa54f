//! The browser's session cookie: the ticket a signed-in browser carries. The web pages set it
//! at sign-in and clear it at sign-out; the REST face accepts it for reads, so a download linked
//! from a page works without a bearer token. Both faces read it here, so neither imports the
//! other.

use crate::client::ClientInfo;
use axum::http::{header, HeaderMap};

pub const COOKIE: &str = "salvage_session";

/// The session ticket a request's cookie carries.
pub fn session_cookie(headers: &HeaderMap) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == COOKIE)
        .map(|(_, value)| value.to_owned())
        .filter(|v| !v.is_empty())
}

/// `Set-Cookie` for a new session: not readable by scripts, sent only with requests from this
/// site's own pages, and, when the client came over HTTPS, never over plain HTTP.
pub fn set_cookie(ticket: &str, client: &ClientInfo) -> String {
    format!("{COOKIE}={ticket}; Path=/; HttpOnly; SameSite=Strict{}", secure(client))
}

pub fn clear_cookie(client: &ClientInfo) -> String {
    format!(
        "{COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0{}",
        secure(client)
    )
}

fn secure(client: &ClientInfo) -> &'static str {
    if client.is_https() {
        "; Secure"
    } else {
        ""
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(header::COOKIE, "a=1; salvage_session=abc; b=2".parse().unwrap());
        assert_eq!(session_cookie(&headers).as_deref(), Some("abc"));
        headers.insert(header::COOKIE, "salvage_session=".parse().unwrap());
        assert_eq!(session_cookie(&headers), None);
    }
}
