//! The one place that decides a request's client address: the socket's peer, or,
//! only when that peer is a proxy the operator trusts (`forma serve
//! --trusted-proxy`), the address that proxy recorded in `X-Forwarded-For`.
//!
//! Any client can send `X-Forwarded-For`, so the header is read only from a trusted
//! peer, and from the right: each proxy appends the address it saw, so the entries
//! a client wrote come first. The client is the rightmost entry that is not itself a
//! trusted proxy (the "rightmost untrusted" rule, as nginx's `real_ip_recursive`).

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;

use crate::state::AppState;

/// One trusted proxy: an address, or a range in CIDR form (`10.0.0.0/8`, `fd00::/8`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ProxyRange {
    network: IpAddr,
    prefix: u8,
}

impl ProxyRange {
    /// Whether `ip` is in this range. An IPv4 address seen as IPv6 (`::ffff:a.b.c.d`)
    /// is compared as IPv4.
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.network, canonical(ip)) {
            (IpAddr::V4(network), IpAddr::V4(ip)) => {
                let mask = u32::MAX
                    .checked_shl(32 - u32::from(self.prefix))
                    .unwrap_or(0);
                u32::from(network) & mask == u32::from(ip) & mask
            }
            (IpAddr::V6(network), IpAddr::V6(ip)) => {
                let mask = u128::MAX
                    .checked_shl(128 - u32::from(self.prefix))
                    .unwrap_or(0);
                u128::from(network) & mask == u128::from(ip) & mask
            }
            _ => false,
        }
    }
}

fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// A `--trusted-proxy` value that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("trusted proxy `{value}` is not valid: expected an IP address such as 10.0.0.1 or a range such as 10.0.0.0/8 or fd00::/8")]
pub struct ProxyRangeError {
    value: String,
}

impl FromStr for ProxyRange {
    type Err = ProxyRangeError;

    /// # Examples
    /// ```
    /// use forma_server::proxy::ProxyRange;
    /// let range: ProxyRange = "10.0.0.0/8".parse().unwrap();
    /// assert!(range.contains("10.1.2.3".parse().unwrap()));
    /// assert!("10.0.0.0/33".parse::<ProxyRange>().is_err());
    /// ```
    fn from_str(text: &str) -> Result<ProxyRange, ProxyRangeError> {
        let error = || ProxyRangeError {
            value: text.to_owned(),
        };
        let text = text.trim();
        let (address, prefix) = match text.split_once('/') {
            Some((address, bits)) => (address, Some(bits)),
            None => (text, None),
        };
        let network = canonical(address.parse::<IpAddr>().map_err(|_| error())?);
        let width = if network.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            Some(bits) => bits
                .parse::<u8>()
                .ok()
                .filter(|bits| *bits <= width)
                .ok_or_else(error)?,
            None => width,
        };
        Ok(ProxyRange { network, prefix })
    }
}

/// The proxies whose `X-Forwarded-For` (and `X-Forwarded-Proto`) Forma believes.
/// Empty by default: then the socket's peer is the client.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<ProxyRange>);

impl TrustedProxies {
    pub fn new(ranges: Vec<ProxyRange>) -> TrustedProxies {
        TrustedProxies(ranges)
    }

    /// Whether `ip` is one of the trusted proxies.
    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|range| range.contains(ip))
    }

    /// The client's address for a request that came from `peer` with `headers`.
    pub fn client_address(&self, peer: Option<IpAddr>, headers: &HeaderMap) -> ClientAddress {
        let Some(peer) = peer.map(canonical) else {
            return ClientAddress {
                ip: None,
                via_trusted_proxy: false,
            };
        };
        if !self.trusts(peer) {
            return ClientAddress {
                ip: Some(peer),
                via_trusted_proxy: false,
            };
        }
        // Every X-Forwarded-For header, in order, as one list.
        let forwarded: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|value| value.to_str().ok())
            .flat_map(|value| value.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for entry in forwarded.iter().rev() {
            // An entry that is not an address was not written by a proxy Forma
            // trusts; the hop after it is the last one known.
            let Ok(ip) = entry.parse::<IpAddr>().map(canonical) else {
                break;
            };
            client = ip;
            if !self.trusts(ip) {
                break;
            }
        }
        ClientAddress {
            ip: Some(client),
            via_trusted_proxy: true,
        }
    }
}

/// A request's client address, as decided by [`TrustedProxies::client_address`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientAddress {
    /// `None` when the server runs without connection info (never in `forma serve`).
    pub ip: Option<IpAddr>,
    /// The socket's peer is a trusted proxy, so its `X-Forwarded-*` headers count.
    pub via_trusted_proxy: bool,
}

impl FromRequestParts<AppState> for ClientAddress {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|ConnectInfo(address)| address.ip());
        Ok(state.trusted_proxies.client_address(peer, &parts.headers))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies::new(list.iter().map(|s| s.parse().expect("range")).collect())
    }

    fn forwarded(values: &[&'static str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for value in values {
            headers.append("x-forwarded-for", HeaderValue::from_static(value));
        }
        headers
    }

    fn ip(text: &str) -> IpAddr {
        text.parse().expect("address")
    }

    #[test]
    fn without_trusted_proxies_the_header_is_ignored() {
        let address = TrustedProxies::default()
            .client_address(Some(ip("10.0.0.1")), &forwarded(&["1.2.3.4"]));
        assert_eq!(address.ip, Some(ip("10.0.0.1")));
        assert!(!address.via_trusted_proxy);
    }

    #[test]
    fn a_peer_that_is_not_trusted_is_the_client_whatever_it_sends() {
        let address =
            proxies(&["10.0.0.1"]).client_address(Some(ip("10.0.0.2")), &forwarded(&["1.2.3.4"]));
        assert_eq!(address.ip, Some(ip("10.0.0.2")));
    }

    #[test]
    fn behind_a_trusted_proxy_the_rightmost_untrusted_entry_is_the_client() {
        let trusted = proxies(&["10.0.0.0/8"]);
        // The client forged the first entry; the proxy appended what it saw.
        let address = trusted.client_address(
            Some(ip("10.0.0.1")),
            &forwarded(&["6.6.6.6, 203.0.113.7", "10.0.0.9"]),
        );
        assert_eq!(address.ip, Some(ip("203.0.113.7")));
        assert!(address.via_trusted_proxy);
    }

    #[test]
    fn a_broken_entry_stops_the_walk_at_the_last_trusted_hop() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let address =
            trusted.client_address(Some(ip("10.0.0.1")), &forwarded(&["not-an-ip, 10.0.0.5"]));
        assert_eq!(address.ip, Some(ip("10.0.0.5")));
        let no_header = trusted.client_address(Some(ip("10.0.0.1")), &HeaderMap::new());
        assert_eq!(no_header.ip, Some(ip("10.0.0.1")));
    }

    #[test]
    fn ranges_match_by_prefix_in_both_families_and_mapped_v4() {
        let range: ProxyRange = "192.168.0.0/16".parse().expect("range");
        assert!(range.contains(ip("192.168.44.1")));
        assert!(!range.contains(ip("192.169.0.1")));
        assert!(range.contains(ip("::ffff:192.168.1.1")));
        let v6: ProxyRange = "fd00::/8".parse().expect("range");
        assert!(v6.contains(ip("fd12::1")) && !v6.contains(ip("fe80::1")));
        let all: ProxyRange = "0.0.0.0/0".parse().expect("range");
        assert!(all.contains(ip("8.8.8.8")));
        for bad in ["", "10.0.0.0/33", "fd00::/129", "proxy.local", "10.0.0.0/x"] {
            assert!(bad.parse::<ProxyRange>().is_err(), "{bad}");
        }
    }
}
