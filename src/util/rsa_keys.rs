//! RSA keys for HTTP Signatures: made by the `rsa` crate (ring cannot generate RSA keys),
//! used by ring, whose signing runs in constant time.
use base64::{engine::general_purpose::STANDARD, Engine};
use ring::signature::{self, RsaKeyPair, UnparsedPublicKey};
use rsa::pkcs1::{DecodeRsaPublicKey, EncodeRsaPublicKey};
use rsa::pkcs8::{DecodePublicKey, EncodePrivateKey, EncodePublicKey, LineEnding};

/// The size of the keys we make; ring verifies 2048 to 8192 bits.
pub const BITS: usize = 2048;

/// A new key pair: the private key as PKCS#8 DER in base64, and the public key as PEM (SPKI).
/// About a second of CPU on a small board: call it off the async thread.
pub fn generate() -> Result<(String, String), String> {
    let key = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, BITS).map_err(|e| e.to_string())?;
    let der = key.to_pkcs8_der().map_err(|e| e.to_string())?;
    let pem = rsa::RsaPublicKey::from(&key)
        .to_public_key_pem(LineEnding::LF)
        .map_err(|e| e.to_string())?;
    Ok((STANDARD.encode(der.as_bytes()), pem))
}

/// RSASSA-PKCS1-v1_5 with SHA-256 of `data`, in base64.
pub fn sign(private_b64: &str, data: &[u8]) -> Result<String, String> {
    let der = STANDARD.decode(private_b64).map_err(|e| e.to_string())?;
    let pair = RsaKeyPair::from_pkcs8(&der).map_err(|e| e.to_string())?;
    let mut sig = vec![0; pair.public().modulus_len()];
    pair.sign(
        &signature::RSA_PKCS1_SHA256,
        &ring::rand::SystemRandom::new(),
        data,
        &mut sig,
    )
    .map_err(|e| e.to_string())?;
    Ok(STANDARD.encode(sig))
}

/// The PKCS#1 DER that ring verifies with, from a PEM public key (SPKI or PKCS#1).
pub fn public_der(pem: &str) -> Option<Vec<u8>> {
    let pem = pem.trim();
    let key = rsa::RsaPublicKey::from_public_key_pem(pem)
        .or_else(|_| rsa::RsaPublicKey::from_pkcs1_pem(pem))
        .ok()?;
    key.to_pkcs1_der().ok().map(|d| d.as_bytes().to_vec())
}

/// Does `sig_b64` sign `data` with the key `der` (PKCS#1) and SHA-256?
pub fn verify(der: &[u8], data: &[u8], sig_b64: &str) -> bool {
    let Ok(sig) = STANDARD.decode(sig_b64.trim()) else {
        return false;
    };
    UnparsedPublicKey::new(&signature::RSA_PKCS1_2048_8192_SHA256, der)
        .verify(data, &sig)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_verifies() {
        let (private, public) = generate().unwrap();
        assert!(public.starts_with("-----BEGIN PUBLIC KEY-----"));
        let der = public_der(&public).unwrap();
        let sig = sign(&private, b"hello").unwrap();
        assert!(verify(&der, b"hello", &sig));
        assert!(!verify(&der, b"hellO", &sig));
        assert!(!verify(&der, b"hello", "bm90IGEgc2lnbmF0dXJl"));
        assert!(public_der("not a key").is_none());
    }
}
