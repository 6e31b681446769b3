//! RFC 5849 signature base strings and the HMAC-SHA1 and PLAINTEXT methods.
use crate::util::enc::pct;
use base64::engine::general_purpose::STANDARD;
use base64::Engine;
use hmac::{Hmac, Mac};
use sha1::Sha1;

/// `METHOD&enc(base URL)&enc(normalized parameters)`; `params` excludes `oauth_signature`.
pub fn base_string(method: &str, base_url: &str, params: &[(String, String)]) -> String {
    let mut enc: Vec<(String, String)> = params.iter().map(|(k, v)| (pct(k), pct(v))).collect();
    enc.sort();
    let joined = enc
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join("&");
    format!(
        "{}&{}&{}",
        method.to_ascii_uppercase(),
        pct(base_url),
        pct(&joined)
    )
}

/// The signature for `method` (`HMAC-SHA1` or `PLAINTEXT`); None for other methods.
pub fn sign(method: &str, base: &str, consumer_secret: &str, token_secret: &str) -> Option<String> {
    let key = format!("{}&{}", pct(consumer_secret), pct(token_secret));
    match method {
        "PLAINTEXT" => Some(key),
        "HMAC-SHA1" => {
            let mut mac = Hmac::<Sha1>::new_from_slice(key.as_bytes()).ok()?;
            mac.update(base.as_bytes());
            Some(STANDARD.encode(mac.finalize().into_bytes()))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The worked example of RFC 5849 §3.4.1 / §3.4.2 (photos.example.net).
    #[test]
    fn rfc5849_example() {
        let p = |k: &str, v: &str| (k.to_string(), v.to_string());
        let params = vec![
            p("b5", "=%3D"),
            p("a3", "a"),
            p("c@", ""),
            p("a2", "r b"),
            p("oauth_consumer_key", "9djdj82h48djs9d2"),
            p("oauth_token", "kkk9d7dh3k39sjv7"),
            p("oauth_signature_method", "HMAC-SHA1"),
            p("oauth_timestamp", "137131201"),
            p("oauth_nonce", "7d8f3e4a"),
            p("c2", ""),
            p("a3", "2 q"),
        ];
        let base = base_string("post", "http://example.com/request", &params);
        assert_eq!(
            base,
            "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7"
        );
        let photos = base_string(
            "GET",
            "http://photos.example.net/photos",
            &[
                p("file", "vacation.jpg"),
                p("size", "original"),
                p("oauth_consumer_key", "dpf43f3p2l4k3l03"),
                p("oauth_token", "nnch734d00sl2jdk"),
                p("oauth_signature_method", "HMAC-SHA1"),
                p("oauth_timestamp", "1191242096"),
                p("oauth_nonce", "kllo9940pd9333jh"),
                p("oauth_version", "1.0"),
            ],
        );
        assert_eq!(
            sign("HMAC-SHA1", &photos, "kd94hf93k423kf44", "pfkkdhi9sl3r4s00").unwrap(),
            "tR3+Ty81lMeYAr/Fid0kMTYa/WM="
        );
        assert_eq!(sign("PLAINTEXT", "", "a b", "").unwrap(), "a%20b&");
        assert!(sign("RSA-SHA1", "", "", "").is_none());
    }
}
