//! The HTTP client for server-to-server calls: one request at a time over its own connection,
//! within bounds (a deadline for the whole exchange, a cap on the answer's size, a cap on
//! redirects), to an address the guard allows. It is async on the server's own thread, so a
//! peer that never answers holds a timer, not a thread. Each redirect hop is resolved and
//! checked again, and signed again by the caller's `sign`.
use super::guard;
use crate::config::FederationConfig;
use bytes::Bytes;
use futures_rustls::rustls;
use http_body_util::{BodyExt, Full, Limited};
use smol::net::TcpStream;
use smol_hyper::rt::FuturesIo;
use std::net::{IpAddr, SocketAddr};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

/// What we accept of a pump.io peer's objects: ActivityStreams 1.0 (with `application/json`
/// alone, pump.io answers in AS2, api.md §1.4).
pub const AS1: &str = "application/stream+json, application/json;q=0.9";

pub const USER_AGENT: &str = concat!("pump.io/6.0.0-alpha.0 pump/", env!("CARGO_PKG_VERSION"));

/// Why a call to another server did not give an answer.
#[derive(Debug, Clone)]
pub enum Failure {
    /// Not tried, or not worth trying again: a refused address or name, a bad URL.
    Refused(String),
    /// The network failed or the peer broke the exchange: worth trying again later.
    Network(String),
    /// The answer was over the size bound.
    TooLarge(String),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        match self {
            Failure::Refused(m) | Failure::Network(m) | Failure::TooLarge(m) => f.write_str(m),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Method {
    Get,
    Post,
    /// For the firehose's probe (federation.md §11).
    #[allow(dead_code)]
    Options,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Options => "OPTIONS",
        }
    }
}

/// Makes the signing headers (`Authorization`, or `Signature` with what it covers) for
/// (method, URL) of each hop.
pub type Signer<'a> = &'a dyn Fn(Method, &str) -> Vec<(&'static str, String)>;

pub struct Request<'a> {
    pub method: Method,
    pub url: String,
    pub headers: Vec<(&'static str, String)>,
    pub body: Vec<u8>,
    /// The signing headers of each hop.
    pub sign: Option<Signer<'a>>,
}

impl Request<'_> {
    /// A POST of an `application/x-www-form-urlencoded` body, with more headers.
    pub fn form(
        url: &str,
        body: String,
        mut headers: Vec<(&'static str, String)>,
    ) -> Request<'static> {
        headers.push(("content-type", "application/x-www-form-urlencoded".into()));
        Request {
            method: Method::Post,
            url: url.to_string(),
            headers,
            body: body.into_bytes(),
            sign: None,
        }
    }

    pub fn get(url: &str) -> Request<'static> {
        Request {
            method: Method::Get,
            url: url.to_string(),
            headers: Vec::new(),
            body: Vec::new(),
            sign: None,
        }
    }
}

#[derive(Debug)]
pub struct Response {
    pub status: u16,
    /// Names in lower case.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Where the answer came from, after redirects.
    pub url: String,
}

impl Response {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn ok(&self) -> bool {
        (200..300).contains(&self.status)
    }

    /// The failure a non-2xx answer stands for: a 4xx is the peer's final word (but 408 and
    /// 429), anything else may pass.
    pub fn failure(&self, what: &str) -> Failure {
        let text = format!("{what}: status {} {}", self.status, self.excerpt());
        match self.status {
            408 | 429 => Failure::Network(text),
            400..=499 => Failure::Refused(text),
            _ => Failure::Network(text),
        }
    }

    /// The media type without parameters, in lower case.
    pub fn media_type(&self) -> String {
        let ct = self.header("content-type").unwrap_or_default();
        ct.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    /// The start of the body as text, for error messages and logs.
    pub fn excerpt(&self) -> String {
        let text = String::from_utf8_lossy(&self.body[..self.body.len().min(200)]);
        text.trim().to_string()
    }
}

/// Sends `req`, following up to `federationMaxRedirects` redirects, all within
/// `federationTimeout`.
pub async fn send(cfg: &FederationConfig, req: Request<'_>) -> Result<Response, Failure> {
    let url = req.url.clone();
    let deadline = async {
        smol::Timer::after(Duration::from_millis(cfg.timeout_ms)).await;
        Err(Failure::Network(format!(
            "{url}: no answer within {} ms",
            cfg.timeout_ms
        )))
    };
    smol::future::or(follow(cfg, req), deadline).await
}

async fn follow(cfg: &FederationConfig, mut req: Request<'_>) -> Result<Response, Failure> {
    for _ in 0..=cfg.max_redirects {
        let resp = exchange(cfg, &req).await?;
        let location = match resp.status {
            301 | 302 | 303 | 307 | 308 => resp.header("location"),
            _ => None,
        };
        let Some(location) = location else {
            return Ok(resp);
        };
        let next = url::Url::parse(&req.url)
            .and_then(|base| base.join(location))
            .map_err(|_| Failure::Refused(format!("{}: bad redirect to {location}", req.url)))?;
        if resp.status == 303 || (resp.status <= 302 && req.method == Method::Post) {
            req.method = Method::Get;
            req.body.clear();
        }
        req.url = next.to_string();
    }
    Err(Failure::Refused(format!(
        "{}: more than {} redirects",
        req.url, cfg.max_redirects
    )))
}

struct Target {
    tls: bool,
    host: String,
    port: u16,
    authority: String,
    path: String,
}

/// The `Host` header and request target the client sends for `url`.
pub fn host_and_path(url: &str) -> Option<(String, String)> {
    target(url).ok().map(|t| (t.authority, t.path))
}

fn target(raw: &str) -> Result<Target, Failure> {
    let bad = || Failure::Refused(format!("{raw}: not an http(s) URL"));
    let u = url::Url::parse(raw).map_err(|_| bad())?;
    let tls = match u.scheme() {
        "https" => true,
        "http" => false,
        _ => return Err(bad()),
    };
    let host = match u.host().ok_or_else(bad)? {
        url::Host::Domain(d) => d.to_string(),
        url::Host::Ipv4(a) => a.to_string(),
        url::Host::Ipv6(a) => a.to_string(),
    };
    if guard::skipped_name(&host) {
        return Err(Failure::Refused(format!("{host} is a reserved name")));
    }
    let port = u.port_or_known_default().ok_or_else(bad)?;
    let authority = match u.port() {
        Some(p) => format!("{}:{p}", u.host_str().unwrap_or_default()),
        None => u.host_str().unwrap_or_default().to_string(),
    };
    let path = match u.query() {
        Some(q) => format!("{}?{q}", u.path()),
        None => u.path().to_string(),
    };
    Ok(Target {
        tls,
        host,
        port,
        authority,
        path,
    })
}

/// The addresses of `t` that we may connect to.
async fn addresses(cfg: &FederationConfig, t: &Target) -> Result<Vec<SocketAddr>, Failure> {
    let all: Vec<SocketAddr> = match t.host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, t.port)],
        Err(_) => smol::net::resolve((t.host.as_str(), t.port))
            .await
            .map_err(|e| Failure::Network(format!("cannot resolve {}: {e}", t.host)))?,
    };
    let allowed: Vec<SocketAddr> = all
        .iter()
        .copied()
        .filter(|a| cfg.allow_private || guard::public(a.ip()))
        .collect();
    if allowed.is_empty() {
        return Err(Failure::Refused(format!(
            "{} resolves to a private address ({}); set federationAllowPrivate to allow it",
            t.host,
            all.first().map(|a| a.ip().to_string()).unwrap_or_default()
        )));
    }
    Ok(allowed)
}

async fn connect(addrs: &[SocketAddr]) -> Result<TcpStream, Failure> {
    let mut last = String::new();
    for a in addrs {
        match TcpStream::connect(*a).await {
            Ok(s) => return Ok(s),
            Err(e) => last = format!("cannot connect to {a}: {e}"),
        }
    }
    Err(Failure::Network(last))
}

trait Io: smol::io::AsyncRead + smol::io::AsyncWrite + Unpin + Send {}
impl<T: smol::io::AsyncRead + smol::io::AsyncWrite + Unpin + Send> Io for T {}

async fn stream(t: &Target, tcp: TcpStream) -> Result<Box<dyn Io>, Failure> {
    if !t.tls {
        return Ok(Box::new(tcp));
    }
    let name = rustls_pki_types::ServerName::try_from(t.host.clone())
        .map_err(|_| Failure::Refused(format!("{}: not a TLS server name", t.host)))?;
    let tls = tls_config().map_err(|e| Failure::Network(e.clone()))?;
    let s = futures_rustls::TlsConnector::from(tls)
        .connect(name, tcp)
        .await
        .map_err(|e| Failure::Network(format!("TLS with {}: {e}", t.host)))?;
    Ok(Box::new(s))
}

async fn exchange(cfg: &FederationConfig, req: &Request<'_>) -> Result<Response, Failure> {
    let t = target(&req.url)?;
    let addrs = addresses(cfg, &t).await?;
    let io = stream(&t, connect(&addrs).await?).await?;
    let net = |e: hyper::Error| Failure::Network(format!("{}: {e}", req.url));
    let (mut sender, conn) = hyper::client::conn::http1::handshake(FuturesIo::new(io))
        .await
        .map_err(net)?;
    let mut b = hyper::Request::builder()
        .method(req.method.as_str())
        .uri(&t.path)
        .header("host", &t.authority)
        .header("user-agent", USER_AGENT)
        .header("connection", "close");
    for (k, v) in &req.headers {
        b = b.header(*k, v);
    }
    if let Some(sign) = req.sign {
        for (k, v) in sign(req.method, &req.url) {
            b = b.header(k, v);
        }
    }
    let request = b
        .body(Full::new(Bytes::from(req.body.clone())))
        .map_err(|e| Failure::Refused(format!("{}: {e}", req.url)))?;
    let answer = async {
        let resp = sender.send_request(request).await.map_err(net)?;
        read(cfg, &req.url, resp).await
    };
    // The connection is driven alongside; when it ends cleanly the answer is complete.
    let driver = async {
        match conn.await {
            Err(e) => Err(net(e)),
            Ok(()) => smol::future::pending().await,
        }
    };
    smol::future::or(answer, driver).await
}

async fn read(
    cfg: &FederationConfig,
    url: &str,
    resp: hyper::Response<hyper::body::Incoming>,
) -> Result<Response, Failure> {
    let too_large = || {
        Failure::TooLarge(format!(
            "{url}: the answer is larger than {} bytes (federationMaxResponse)",
            cfg.max_response
        ))
    };
    let status = resp.status().as_u16();
    let headers: Vec<(String, String)> = resp
        .headers()
        .iter()
        .map(|(k, v)| {
            (
                k.as_str().to_ascii_lowercase(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let declared = headers
        .iter()
        .find(|(k, _)| k == "content-length")
        .and_then(|(_, v)| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > cfg.max_response as u64) {
        return Err(too_large());
    }
    let body = Limited::new(resp.into_body(), cfg.max_response)
        .collect()
        .await
        .map_err(|e| {
            if e.is::<http_body_util::LengthLimitError>() {
                too_large()
            } else {
                Failure::Network(format!("{url}: {e}"))
            }
        })?
        .to_bytes()
        .to_vec();
    Ok(Response {
        status,
        headers,
        body,
        url: url.to_string(),
    })
}

/// The system's roots, read once.
fn tls_config() -> Result<Arc<rustls::ClientConfig>, &'static String> {
    static CONFIG: OnceLock<Result<Arc<rustls::ClientConfig>, String>> = OnceLock::new();
    CONFIG
        .get_or_init(|| {
            let mut roots = rustls::RootCertStore::empty();
            for c in rustls_native_certs::load_native_certs().certs {
                let _ = roots.add(c);
            }
            let provider = Arc::new(rustls::crypto::ring::default_provider());
            let cfg = rustls::ClientConfig::builder_with_provider(provider)
                .with_safe_default_protocol_versions()
                .map_err(|e| e.to_string())?
                .with_root_certificates(roots)
                .with_no_client_auth();
            Ok(Arc::new(cfg))
        })
        .as_ref()
        .cloned()
}
