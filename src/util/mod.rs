//! Small helpers with no knowledge of HTTP or storage.
pub mod authority;
pub mod enc;
pub mod html_text;
pub mod http_signature;
pub mod oauth_signature;
pub mod panics;
pub mod rand;
pub mod rsa_keys;
pub mod tempfile;
pub mod time;

/// Compares in time independent of where the strings differ.
pub fn same(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

/// Where `needle` first occurs in `hay`.
pub fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

#[cfg(test)]
mod tests {
    #[test]
    fn same_is_equality() {
        use super::same;
        assert!(same("abc", "abc") && !same("abc", "abd") && !same("abc", "ab"));
    }
}
