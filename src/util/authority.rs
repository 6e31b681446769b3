//! What a host may be called by another server: a plain `host[:port]`.

/// A host name or address with an optional port, as a peer may name itself: letters, digits,
/// dots and dashes (or a bracketed IPv6 address), then `:port`. Nothing that a URL parser
/// could read as userinfo, a path or another host.
pub fn is_authority(s: &str) -> bool {
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) if !h.ends_with(':') && !p.contains(']') => (h, Some(p)),
        _ => (s, None),
    };
    let name_ok = |h: &str| {
        !h.is_empty()
            && h.len() <= 253
            && h.chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '.' || c == '-')
            && !h.starts_with(['.', '-'])
    };
    let v6_ok = |h: &str| {
        h.strip_prefix('[')
            .and_then(|h| h.strip_suffix(']'))
            .is_some_and(|inner| inner.parse::<std::net::Ipv6Addr>().is_ok())
    };
    let port_ok = port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.parse::<u16>().is_ok());
    (name_ok(host) || v6_ok(host)) && port_ok
}
