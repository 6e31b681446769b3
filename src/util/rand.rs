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

/// A UUID's 16 bytes in URL-safe base64: the 22-character `<uuid>` of local ids. Version 7
/// (RFC 9562: milliseconds since 1970 in the first 48 bits, 74 random bits) rather than the
/// original's version 4, so that ids minted close together share their first characters and
/// the store's indexes by id grow at a few hot places instead of at a random page each time
/// (README "Where this differs"). The time is no secret: `published` says it.
pub fn uuid() -> String {
    let ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64);
    let mut b = bytes(16);
    b[..6].copy_from_slice(&ms.to_be_bytes()[2..]);
    b[6] = (b[6] & 0x0f) | 0x70;
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

    #[test]
    fn uuids_are_version_7_with_the_time_they_were_made() {
        use base64::Engine;
        let now = || {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_millis() as u64
        };
        let before = now();
        let id = super::uuid();
        let after = now();
        let b = super::URL_SAFE_NO_PAD.decode(&id).unwrap();
        assert_eq!((b[6] >> 4, b[8] >> 6), (7, 2), "{id}");
        let mut ms = [0u8; 8];
        ms[2..].copy_from_slice(&b[..6]);
        let ms = u64::from_be_bytes(ms);
        assert!(before <= ms && ms <= after, "{before} {ms} {after}");
        assert_ne!(super::uuid(), super::uuid());
    }
}
