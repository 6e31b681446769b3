//! Signing ActivityPub requests as a test peer would (draft-cavage, rsa-sha256), with a key
//! a pasture actor serves, and with the ways a hostile peer gets it wrong.
use super::http::{raw, Response};
use base64::{engine::general_purpose::STANDARD, Engine};

/// A private key and the `keyId` that names its public half.
pub struct Key {
    pub id: String,
    der: Vec<u8>,
}

/// What to get wrong in a signed POST.
#[derive(Default, Clone, Copy)]
pub struct Faults {
    /// Seconds to move `Date` back.
    pub date_back: i64,
    /// A `Digest` of some other body.
    pub wrong_digest: bool,
    /// A signature over some other string.
    pub bad_signature: bool,
}

impl Key {
    /// A new RSA key for `id`, and its public half as PEM.
    pub fn generate(id: &str) -> (Key, String) {
        use rsa::pkcs8::{EncodePrivateKey, EncodePublicKey, LineEnding};
        let k = rsa::RsaPrivateKey::new(&mut rand_core::OsRng, 2048).expect("rsa key");
        let der = k.to_pkcs8_der().expect("pkcs8").as_bytes().to_vec();
        let pem = rsa::RsaPublicKey::from(&k)
            .to_public_key_pem(LineEnding::LF)
            .expect("pem");
        (
            Key {
                id: id.to_string(),
                der,
            },
            pem,
        )
    }

    /// From a PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    pub fn from_pem(id: &str, pem: &str) -> Key {
        let b64: String = pem.lines().filter(|l| !l.starts_with("-----")).collect();
        Key {
            id: id.to_string(),
            der: STANDARD.decode(b64.trim()).expect("key base64"),
        }
    }

    fn sign(&self, text: &str) -> String {
        let pair = ring::signature::RsaKeyPair::from_pkcs8(&self.der).expect("pkcs8");
        let mut sig = vec![0; pair.public().modulus_len()];
        pair.sign(
            &ring::signature::RSA_PKCS1_SHA256,
            &ring::rand::SystemRandom::new(),
            text.as_bytes(),
            &mut sig,
        )
        .expect("sign");
        STANDARD.encode(sig)
    }

    /// A signed GET of `path` at `addr`, asking for ActivityPub's JSON.
    pub fn get(&self, addr: &str, path: &str) -> Response {
        let date = http_date(now());
        let text = format!("(request-target): get {path}\nhost: {addr}\ndate: {date}");
        let sig = format!(
            "keyId=\"{}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date\",signature=\"{}\"",
            self.id,
            self.sign(&text)
        );
        raw(
            addr,
            "GET",
            path,
            &[
                ("Host", addr),
                ("Date", &date),
                ("Signature", &sig),
                ("Accept", "application/activity+json"),
            ],
            b"",
        )
    }

    /// POSTs `body` to `path` at `addr` (`host:port`), signed, with `faults`.
    pub fn post(&self, addr: &str, path: &str, body: &[u8], faults: Faults) -> Response {
        let date = http_date(now() - faults.date_back);
        let digest_of = if faults.wrong_digest {
            b"{}".as_slice()
        } else {
            body
        };
        let d = ring::digest::digest(&ring::digest::SHA256, digest_of);
        let digest = format!("SHA-256={}", STANDARD.encode(d.as_ref()));
        let mut text =
            format!("(request-target): post {path}\nhost: {addr}\ndate: {date}\ndigest: {digest}");
        if faults.bad_signature {
            text.push('x');
        }
        let sig = format!(
            "keyId=\"{}\",algorithm=\"rsa-sha256\",headers=\"(request-target) host date digest\",signature=\"{}\"",
            self.id,
            self.sign(&text)
        );
        raw(
            addr,
            "POST",
            path,
            &[
                ("Host", addr),
                ("Date", &date),
                ("Digest", &digest),
                ("Signature", &sig),
                ("Content-Type", "application/activity+json"),
            ],
            body,
        )
    }
}

/// Unix seconds.
pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// An IMF-fixdate (RFC 9110) for Unix seconds.
pub fn http_date(secs: i64) -> String {
    const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let (days, rem) = (secs.div_euclid(86_400), secs.rem_euclid(86_400));
    // Civil from days (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    format!(
        "{}, {d:02} {} {y} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        rem % 3600 / 60,
        rem % 60
    )
}
