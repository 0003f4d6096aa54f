//! What the client really used: its address, and the scheme and host it asked for. Whatever
//! needs one of them asks `ClientInfo`: the login throttle, the `Secure` flag of cookies, and
//! any address the server writes for the client to follow (such as a WSDL's service address,
//! `ClientInfo::origin`).
//!
//! salvage serves plain HTTP. Behind a reverse proxy (which terminates TLS) the connection comes
//! from the proxy, which tells the rest in `X-Forwarded-For`, `X-Forwarded-Proto` and
//! `X-Forwarded-Host`, or in the standard `Forwarded` header (RFC 7239: `for=`, `proto=`,
//! `host=`). Any client can send those headers, so they are believed only when the connection
//! comes from a configured trusted proxy (`trusted_proxies`); otherwise the TCP peer is the
//! client, the scheme is `http` and the host is the `Host` header.
//!
//! Through trusted proxies, the client's address is the right-most address of `X-Forwarded-For`
//! that is not itself a trusted proxy: each proxy appends the address it got the request from,
//! so what lies right of the first untrusted address was written by trusted hands and what lies
//! left of it may be forged. The scheme and host are the right-most values of their headers:
//! those the nearest proxy set or passed on. A proxy that sends the `X-Forwarded-` headers is
//! believed in those; `Forwarded` is read for what they do not say.
//!
//! `ClientInfo::origin` is the one public base URL of the server: every address written for a
//! client to follow (the WSDLs' service addresses, the infoRouter service page) starts with it.

use crate::state::AppState;
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::uri::Authority;
use axum::http::{header, HeaderMap};
use ipnet::IpNet;
use std::collections::HashMap;
use std::convert::Infallible;
use std::net::{IpAddr, SocketAddr};

/// The addresses and networks whose forwarding headers are believed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Addresses (`127.0.0.1`, `::1`) and networks in CIDR notation (`10.0.0.0/8`); an entry
    /// that is neither is an error that names it.
    pub fn parse<S: AsRef<str>>(entries: impl IntoIterator<Item = S>) -> Result<Self, String> {
        entries
            .into_iter()
            .map(|entry| {
                let entry = entry.as_ref().trim();
                entry
                    .parse::<IpNet>()
                    .or_else(|_| entry.parse::<IpAddr>().map(IpNet::from))
                    .map_err(|_| {
                        format!(
                            "{entry:?} is not a trusted proxy: give an address (10.0.0.5, ::1) or a network (10.0.0.0/8)"
                        )
                    })
            })
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn contains(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|net| net.contains(&ip))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Scheme {
    #[default]
    Http,
    Https,
}

impl Scheme {
    pub fn as_str(self) -> &'static str {
        match self {
            Scheme::Http => "http",
            Scheme::Https => "https",
        }
    }
}

/// The client of a request as it sees the server.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientInfo {
    /// Its address, when the server knows it.
    pub address: Option<IpAddr>,
    /// The scheme it used.
    pub scheme: Scheme,
    /// The host (and port) it asked for, when the request names a valid one.
    pub host: Option<String>,
}

impl ClientInfo {
    /// The client of a request that came over a connection from `peer` with `headers`.
    pub fn of(peer: Option<IpAddr>, headers: &HeaderMap, trusted: &TrustedProxies) -> Self {
        let peer = peer.map(|ip| ip.to_canonical());
        let host_header = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .and_then(valid_host);
        if !peer.is_some_and(|ip| trusted.contains(ip)) {
            return ClientInfo {
                address: peer,
                scheme: Scheme::Http,
                host: host_header,
            };
        }
        let forwarded = Forwarded::last(headers);
        let proto = last_value(headers, "x-forwarded-proto").or(forwarded.proto);
        let scheme = match proto.map(|p| p.to_ascii_lowercase()) {
            Some(p) if p == "https" => Scheme::Https,
            _ => Scheme::Http,
        };
        let address = forwarded_for(headers, trusted).or_else(|| forwarded_for_standard(headers, trusted));
        ClientInfo {
            address: address.or(peer),
            scheme,
            host: last_value(headers, "x-forwarded-host")
                .or(forwarded.host)
                .and_then(|h| valid_host(&h))
                .or(host_header),
        }
    }

    pub fn is_https(&self) -> bool {
        self.scheme == Scheme::Https
    }

    /// `scheme://host` as the client wrote it (`localhost` when the request names no host).
    pub fn origin(&self) -> String {
        format!(
            "{}://{}",
            self.scheme.as_str(),
            self.host.as_deref().unwrap_or("localhost")
        )
    }
}

impl FromRequestParts<AppState> for ClientInfo {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Infallible> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(addr)| addr.ip());
        Ok(ClientInfo::of(peer, &parts.headers, &state.limits.trusted_proxies))
    }
}

/// The values of every instance of a list header, in order.
fn values(headers: &HeaderMap, name: &str) -> Vec<String> {
    headers
        .get_all(name)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|v| v.trim().to_owned())
        .filter(|v| !v.is_empty())
        .collect()
}

fn last_value(headers: &HeaderMap, name: &str) -> Option<String> {
    values(headers, name).pop()
}

/// The right-most address of `X-Forwarded-For` that is not a trusted proxy; if every address
/// up to one that cannot be read is trusted, the left-most of them.
fn forwarded_for(headers: &HeaderMap, trusted: &TrustedProxies) -> Option<IpAddr> {
    let mut nearest_trusted = None;
    for entry in values(headers, "x-forwarded-for").iter().rev() {
        let Some(ip) = address(entry) else { break };
        if !trusted.contains(ip) {
            return Some(ip);
        }
        nearest_trusted = Some(ip);
    }
    nearest_trusted
}

/// The same for the `for=` parameters of `Forwarded`.
fn forwarded_for_standard(headers: &HeaderMap, trusted: &TrustedProxies) -> Option<IpAddr> {
    let mut nearest_trusted = None;
    for element in forwarded_elements(headers).iter().rev() {
        let Some(ip) = element.get("for").map(String::as_str).and_then(address) else {
            break;
        };
        if !trusted.contains(ip) {
            return Some(ip);
        }
        nearest_trusted = Some(ip);
    }
    nearest_trusted
}

/// What the nearest proxy said in `Forwarded`: the right-most element's `proto` and `host`.
#[derive(Default)]
struct Forwarded {
    proto: Option<String>,
    host: Option<String>,
}

impl Forwarded {
    fn last(headers: &HeaderMap) -> Self {
        let mut last = forwarded_elements(headers).pop().unwrap_or_default();
        Forwarded {
            proto: last.remove("proto"),
            host: last.remove("host"),
        }
    }
}

/// The elements of every `Forwarded` header, in order, each as its parameters (names in lower
/// case, quotes removed): `for=192.0.2.60;proto=https, for="[2001:db8::1]"`. (The `rfc7239`
/// crate was weighed and left: it keeps quotes around `host`, which RFC 7239 allows and
/// proxies send for a host with a port.)
fn forwarded_elements(headers: &HeaderMap) -> Vec<HashMap<String, String>> {
    values(headers, "forwarded")
        .iter()
        .map(|element| {
            element
                .split(';')
                .filter_map(|pair| pair.split_once('='))
                .map(|(name, value)| {
                    let value = value.trim();
                    let value = value
                        .strip_prefix('"')
                        .and_then(|v| v.strip_suffix('"'))
                        .unwrap_or(value);
                    (name.trim().to_ascii_lowercase(), value.to_owned())
                })
                .collect()
        })
        .collect()
}

/// An `X-Forwarded-For` entry or a `Forwarded` `for=`: an address, possibly with a port
/// (`1.2.3.4:5`, `[::1]:5`).
fn address(entry: &str) -> Option<IpAddr> {
    let ip = entry
        .parse::<IpAddr>()
        .ok()
        .or_else(|| entry.parse::<SocketAddr>().ok().map(|s| s.ip()))
        .or_else(|| entry.strip_prefix('[')?.strip_suffix(']')?.parse().ok())?;
    Some(ip.to_canonical())
}

fn valid_host(host: &str) -> Option<String> {
    let authority = host.trim().parse::<Authority>().ok()?;
    // A host names no user: `user@host` is not something a client asks for.
    (!authority.as_str().contains('@')).then(|| authority.as_str().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies() -> TrustedProxies {
        TrustedProxies::parse(["127.0.0.1", "10.0.0.0/8", "::1"]).unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn ip(s: &str) -> Option<IpAddr> {
        Some(s.parse().unwrap())
    }

    #[test]
    fn entries_are_addresses_or_networks() {
        let p = proxies();
        assert!(p.contains("10.200.3.4".parse().unwrap()));
        assert!(p.contains("::ffff:127.0.0.1".parse().unwrap()));
        assert!(!p.contains("192.168.1.1".parse().unwrap()));
        let e = TrustedProxies::parse(["10.0.0.0/8", "proxy.example"]).unwrap_err();
        assert!(e.contains("\"proxy.example\""), "{e}");
        assert!(TrustedProxies::parse(Vec::<String>::new()).unwrap().is_empty());
    }

    #[test]
    fn the_right_most_untrusted_forwarded_address_is_the_client() {
        let h = headers(&[
            ("x-forwarded-for", "6.6.6.6, 203.0.113.7"),
            ("x-forwarded-for", "10.1.1.1:4431"),
        ]);
        let c = ClientInfo::of(ip("127.0.0.1"), &h, &proxies());
        assert_eq!(c.address, ip("203.0.113.7"));

        let h = headers(&[("x-forwarded-for", "garbage, 10.1.1.1, 10.2.2.2")]);
        assert_eq!(ClientInfo::of(ip("127.0.0.1"), &h, &proxies()).address, ip("10.1.1.1"));
        let h = headers(&[("x-forwarded-for", "[2001:db8::5]:80")]);
        assert_eq!(ClientInfo::of(ip("::1"), &h, &proxies()).address, ip("2001:db8::5"));
        // No header: the proxy itself.
        assert_eq!(
            ClientInfo::of(ip("127.0.0.1"), &HeaderMap::new(), &proxies()).address,
            ip("127.0.0.1")
        );
    }

    #[test]
    fn an_untrusted_peer_is_the_client_whatever_it_says() {
        let h = headers(&[
            ("x-forwarded-for", "203.0.113.7"),
            ("x-forwarded-proto", "https"),
            ("x-forwarded-host", "evil.example"),
            ("host", "salvage.example:8080"),
        ]);
        let c = ClientInfo::of(ip("192.0.2.1"), &h, &proxies());
        assert_eq!(c.address, ip("192.0.2.1"));
        assert_eq!(c.scheme, Scheme::Http);
        assert_eq!(c.origin(), "http://salvage.example:8080");
        let c = ClientInfo::of(ip("127.0.0.1"), &h, &TrustedProxies::default());
        assert_eq!(c.address, ip("127.0.0.1"));
    }

    #[test]
    fn a_trusted_proxy_tells_the_scheme_and_host() {
        let h = headers(&[
            ("x-forwarded-proto", "http, HTTPS"),
            ("x-forwarded-host", "files.example.com"),
            ("host", "127.0.0.1:8080"),
        ]);
        let c = ClientInfo::of(ip("127.0.0.1"), &h, &proxies());
        assert!(c.is_https());
        assert_eq!(c.origin(), "https://files.example.com");
        let h = headers(&[("x-forwarded-host", "bad host/x"), ("host", "127.0.0.1:8080")]);
        let c = ClientInfo::of(ip("127.0.0.1"), &h, &proxies());
        assert_eq!(c.origin(), "http://127.0.0.1:8080");
    }

    #[test]
    fn the_standard_forwarded_header_is_read_from_a_trusted_proxy_only() {
        let h = headers(&[
            ("forwarded", "for=6.6.6.6;proto=http;host=forged.example"),
            (
                "forwarded",
                "For=\"[2001:db8::7]:4711\";Proto=HTTPS;Host=\"files.example.com:8443\", for=10.1.1.1",
            ),
            ("host", "127.0.0.1:8080"),
        ]);
        let c = ClientInfo::of(ip("127.0.0.1"), &h, &proxies());
        // The nearest proxy's element (the last) says no scheme or host: none is believed from
        // the elements before it, which it merely passed on.
        assert_eq!(c.origin(), "http://127.0.0.1:8080");
        assert_eq!(c.address, ip("2001:db8::7"));
        let h = headers(&[
            ("forwarded", "for=203.0.113.9;proto=https;host=files.example.com"),
            ("host", "127.0.0.1:8080"),
        ]);
        let c = ClientInfo::of(ip("127.0.0.1"), &h, &proxies());
        assert_eq!(
            (c.origin().as_str(), c.address),
            ("https://files.example.com", ip("203.0.113.9"))
        );
        // The X-Forwarded- headers, when a proxy sends them, win.
        let mut both = h.clone();
        both.append("x-forwarded-proto", "http".parse().unwrap());
        assert_eq!(
            ClientInfo::of(ip("127.0.0.1"), &both, &proxies()).origin(),
            "http://files.example.com"
        );
        // From anyone else, nothing of it.
        let c = ClientInfo::of(ip("192.0.2.1"), &h, &proxies());
        assert_eq!(
            (c.origin().as_str(), c.address),
            ("http://127.0.0.1:8080", ip("192.0.2.1"))
        );
    }
}
