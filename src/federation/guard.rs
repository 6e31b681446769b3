//! Which addresses and names another server may have. A peer that resolves to this machine or
//! to a private network could make us reach what the internet must not (SSRF): such addresses
//! are refused unless `federationAllowPrivate` is set (tests, closed networks).
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Names the original never contacts (federation.md §2.2): reserved for documentation.
pub fn skipped_name(host: &str) -> bool {
    let h = host.trim_end_matches('.').to_ascii_lowercase();
    ["example.com", "example.org", "example.net"].contains(&h.as_str())
        || h.ends_with(".example")
        || h.ends_with(".invalid")
        || h == "example"
        || h == "invalid"
}

/// An address on the public internet.
pub fn public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(a) => public_v4(a),
        IpAddr::V6(a) => match a.to_ipv4_mapped() {
            Some(v4) => public_v4(v4),
            None => public_v6(a),
        },
    }
}

fn public_v4(a: Ipv4Addr) -> bool {
    let [b0, b1, ..] = a.octets();
    !(a.is_private()
        || a.is_loopback()
        || a.is_link_local()
        || a.is_unspecified()
        || a.is_broadcast()
        || a.is_multicast()
        || a.is_documentation()
        || b0 == 0
        // Shared address space (carrier-grade NAT), and the IETF/benchmark/reserved blocks.
        || (b0 == 100 && (64..128).contains(&b1))
        || (b0 == 192 && b1 == 0 && a.octets()[2] == 0)
        || (b0 == 198 && (18..20).contains(&b1))
        || b0 >= 240)
}

fn public_v6(a: Ipv6Addr) -> bool {
    let s = a.segments();
    let s0 = s[0];
    // The deprecated IPv4-compatible form (::a.b.c.d) embeds an IPv4 address.
    if s[..6].iter().all(|x| *x == 0) && !a.is_loopback() && !a.is_unspecified() {
        let o = a.octets();
        return public_v4(Ipv4Addr::new(o[12], o[13], o[14], o[15]));
    }
    !(a.is_loopback()
        || a.is_unspecified()
        || a.is_multicast()
        // Unique local (fc00::/7), link-local (fe80::/10), documentation (2001:db8::/32).
        || (s0 & 0xfe00) == 0xfc00
        || (s0 & 0xffc0) == 0xfe80
        // Site-local (fec0::/10, deprecated), Teredo (2001::/32).
        || (s0 & 0xffc0) == 0xfec0
        || (s0 == 0x2001 && s[1] == 0)
        || (s0 == 0x2001 && a.segments()[1] == 0x0db8)
        // NAT64 and 6to4 embed IPv4 addresses we cannot judge cheaply.
        || s0 == 0x0064
        || s0 == 0x2002)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> bool {
        public(s.parse().unwrap())
    }

    #[test]
    fn private_loopback_and_link_local_are_not_public() {
        for a in [
            "127.0.0.1",
            "127.0.0.3",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "0.0.0.0",
            "100.64.0.1",
            "::1",
            "::",
            "fe80::1",
            "fd00::1",
            "::ffff:127.0.0.1",
            "::ffff:10.0.0.1",
            "::7f00:1",
            "::a00:1",
            "fec0::1",
            "2001::1",
        ] {
            assert!(!ok(a), "{a} counted as public");
        }
        for a in [
            "93.184.216.34",
            "1.1.1.1",
            "2606:4700::1111",
            "::ffff:8.8.8.8",
        ] {
            assert!(ok(a), "{a} counted as private");
        }
    }

    #[test]
    fn documentation_names_are_skipped() {
        assert!(skipped_name("example.com"));
        assert!(skipped_name("Social.EXAMPLE"));
        assert!(skipped_name("a.invalid."));
        assert!(!skipped_name("example.social"));
        assert!(!skipped_name("localhost"));
    }
}
