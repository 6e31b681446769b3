//! Random ids and tokens: URL-safe unpadded base64 of N random bytes (spec README).
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;

/// `n` bytes from the OS generator. The OS generator failing is not recoverable.
pub fn bytes(n: usize) -> Vec<u8> {
    let mut buf = vec![0u8; n];
    if let Err(e) = getrandom::fill(&mut buf) {
        // Without randomness we cannot mint secrets safely; stopping is the only safe answer.
        log::error!("operating system random generator failed: {e}");
        std::process::abort();
    }
    buf
}

/// A token of `n` random bytes, URL-safe base64 without padding.
pub fn token(n: usize) -> String {
    URL_SAFE_NO_PAD.encode(bytes(n))
}

/// A v4 UUID's 16 bytes in URL-safe base64: the 22-character `<uuid>` of local ids.
pub fn uuid() -> String {
    let mut b = bytes(16);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    URL_SAFE_NO_PAD.encode(b)
}

#[cfg(test)]
mod tests {
    #[test]
    fn lengths_match_the_spec() {
        assert_eq!(super::uuid().len(), 22);
        assert_eq!(super::token(16).len(), 22);
        assert_eq!(super::token(32).len(), 43);
        assert_ne!(super::token(16), super::token(16));
    }
}
