//! The accept loop and per-connection hyper glue, on the one executor thread.
use super::limits::{BodyClock, PerAddress};
use super::request::Req;
use super::response::{Resp, JSON};
use super::service::Service;
use crate::config::Config;
use bytes::{Bytes, BytesMut};
use futures_rustls::TlsAcceptor;
use http_body_util::combinators::UnsyncBoxBody;
use http_body_util::{BodyExt, Full, StreamBody};
use hyper::body::Frame;
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper::service::service_fn;
use smol::net::{TcpListener, TcpStream};
use smol::LocalExecutor;
use smol_hyper::rt::{FuturesIo, SmolTimer};
use std::cell::Cell;
use std::convert::Infallible;
use std::net::SocketAddr;
use std::rc::Rc;
use std::sync::Arc;
use std::time::Duration;

pub async fn bind(address: &str, port: u16) -> std::io::Result<TcpListener> {
    TcpListener::bind((address, port)).await
}

/// The TLS configuration, replaced when the certificate files are read again.
pub type Tls = Rc<std::cell::RefCell<Option<Arc<futures_rustls::rustls::ServerConfig>>>>;

/// Accepts connections until the future is dropped; each connection is a task on `ex`.
pub async fn serve<S: Service>(
    app: S,
    ex: Rc<LocalExecutor<'static>>,
    listener: TcpListener,
    tls: Tls,
) -> std::io::Result<()> {
    let slots = Arc::new(smol::lock::Semaphore::new(app.cfg().max_connections));
    let (connections, requests) = (PerAddress::default(), PerAddress::default());
    loop {
        let permit = slots.acquire_arc().await;
        let (stream, peer) = match listener.accept().await {
            Ok(x) => x,
            Err(e) => {
                // Out of descriptors and the like: wait a little instead of spinning.
                log::warn!("accept failed: {e}");
                smol::Timer::after(Duration::from_millis(100)).await;
                continue;
            }
        };
        // Over its address's share: closed at once, its slot free again for anyone.
        let Some(seat) = connections.take(peer.ip(), app.cfg().max_connections_per_address) else {
            log::debug!("{peer}: too many connections from this address; closed");
            continue;
        };
        let _ = stream.set_nodelay(true);
        let (app, requests) = (app.clone(), requests.clone());
        // The configuration of the moment: a reload (SIGHUP) swaps it for new connections.
        let tls = tls.borrow().clone().map(TlsAcceptor::from);
        ex.spawn(async move {
            connection(app, stream, peer, tls, requests).await;
            drop((seat, permit));
        })
        .detach();
    }
}

async fn connection<S: Service>(
    app: S,
    stream: TcpStream,
    peer: SocketAddr,
    tls: Option<TlsAcceptor>,
    requests: PerAddress,
) {
    let timeout = Duration::from_millis(app.cfg().header_timeout_ms);
    let builder = {
        let mut b = http1::Builder::new();
        b.timer(SmolTimer::new())
            .header_read_timeout(timeout)
            .keep_alive(true);
        b
    };
    let service = service_fn(move |req| {
        let (app, requests) = (app.clone(), requests.clone());
        async move { Ok::<_, Infallible>(handle(app, req, peer, requests).await) }
    });
    let result = match tls {
        None => {
            builder
                .serve_connection(FuturesIo::new(stream), service)
                .await
        }
        Some(acceptor) => {
            let handshake = async { Some(acceptor.accept(stream).await) };
            let give_up = async {
                smol::Timer::after(timeout).await;
                None
            };
            match smol::future::or(handshake, give_up).await {
                Some(Ok(s)) => builder.serve_connection(FuturesIo::new(s), service).await,
                Some(Err(e)) => {
                    log::debug!("TLS handshake with {peer} failed: {e}");
                    return;
                }
                None => return,
            }
        }
    };
    if let Err(e) = result {
        log::debug!("connection with {peer}: {e}");
    }
}

/// Keeps the in-flight count right however the request ends.
struct InFlight<S: Service>(S);
impl<S: Service> Drop for InFlight<S> {
    fn drop(&mut self) {
        let n = &self.0.load().in_flight;
        n.set(n.get() - 1);
    }
}

async fn handle<S: Service>(
    app: S,
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
    requests: PerAddress,
) -> hyper::Response<Body> {
    let is_head = req.method() == hyper::Method::HEAD;
    let gzip_ok = req
        .headers()
        .get_all("accept-encoding")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .any(|v| v.to_ascii_lowercase().contains("gzip"));
    let line = format!("{peer} {} {}", req.method(), req.uri().path());
    let resp = match requests.take(peer.ip(), app.cfg().max_requests_per_address) {
        // The body is left unread, so the connection cannot be reused.
        None => busy().with("connection", "close"),
        Some(_seat) => answer(&app, req, peer).await,
    };
    log::debug!("{line} {}", resp.status);
    let resp = if gzip_ok {
        super::compress::gzip(resp)
    } else {
        resp
    };
    finish(app.cfg(), resp, is_head)
}

/// Reads the body, then handles the request if a slot is free. A body still arriving holds no
/// slot of `maxRequestsInFlight` (its time is bounded instead), so slow senders cannot make
/// everyone else busy.
async fn answer<S: Service>(app: &S, req: hyper::Request<Incoming>, peer: SocketAddr) -> Resp {
    let charge = BodyCharge(app.clone(), Cell::new(0));
    let mut r = match read(app, req, &charge).await {
        Ok(r) => r,
        Err(resp) => return resp,
    };
    let in_flight = &app.load().in_flight;
    if in_flight.get() >= app.cfg().max_requests_in_flight {
        return busy();
    }
    in_flight.set(in_flight.get() + 1);
    let _guard = InFlight(app.clone());
    r.peer = Some(peer.ip());
    log::debug!("{peer} {} {}: handling", r.method, r.path);
    app.call(r).await
}

/// Bytes of request bodies this request holds, counted against `maxBodyMemory` until it ends.
struct BodyCharge<S: Service>(S, Cell<usize>);

impl<S: Service> BodyCharge<S> {
    /// Takes `n` more bytes from the shared budget, or refuses.
    fn take(&self, n: usize) -> bool {
        let used = self.0.load().body_bytes.get();
        if used + n > self.0.cfg().max_body_memory {
            return false;
        }
        self.0.load().body_bytes.set(used + n);
        self.1.set(self.1.get() + n);
        true
    }
}

impl<S: Service> Drop for BodyCharge<S> {
    fn drop(&mut self) {
        let held = &self.0.load().body_bytes;
        held.set(held.get() - self.1.get());
    }
}

fn busy() -> Resp {
    Resp::new(503, JSON, r#"{"error":"Server busy; try again shortly"}"#).with("retry-after", "1")
}

/// Collects the body within `maxBodySize` (413 beyond it) and builds the handler's request.
async fn read<S: Service>(
    app: &S,
    req: hyper::Request<Incoming>,
    charge: &BodyCharge<S>,
) -> Result<Req, Resp> {
    let (parts, body) = req.into_parts();
    let mut head = request(parts);
    if let Some(dir) = app.cfg().uploads.clone() {
        // The service admits the head first (authentication): a body is only written to disk
        // for someone it lets in.
        let admitted = app
            .admit_file_body(&mut head)
            .map_err(|r| r.with("connection", "close"))?;
        if let Some(most_files) = admitted {
            let clock = BodyClock::new(app.cfg(), true);
            let to = super::file_body::Dest {
                dir: &dir,
                most_files,
            };
            let file = super::file_body::stream_to_file(app.cfg(), to, &head.headers, body, clock);
            head.upload = Some(file.await?);
            return Ok(head);
        }
    }
    read_into_memory(app, head, body, charge).await
}

/// Collects the body of `head` within `maxBodySize` and the shared `maxBodyMemory`.
async fn read_into_memory<S: Service>(
    app: &S,
    mut head: Req,
    mut body: Incoming,
    charge: &BodyCharge<S>,
) -> Result<Req, Resp> {
    let limit = app.cfg().max_body_size;
    let too_large = || {
        Resp::new(
            413,
            JSON,
            format!(r#"{{"error":"Request body is larger than {limit} bytes"}}"#),
        )
        .with("connection", "close")
    };
    let declared = head
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut buf = BytesMut::new();
    let mut clock = BodyClock::new(app.cfg(), false);
    while let Some(data) = clock.next(&mut body).await? {
        if buf.len() + data.len() > limit {
            return Err(too_large());
        }
        if !charge.take(data.len()) {
            // The rest of the body is never read: the connection cannot be reused.
            return Err(busy().with("connection", "close"));
        }
        buf.extend_from_slice(&data);
    }
    head.body = buf.freeze();
    Ok(head)
}

/// The request's head, its body still to be read.
fn request(parts: hyper::http::request::Parts) -> Req {
    let mut method = parts.method.as_str().to_ascii_uppercase();
    if method == "POST" {
        if let Some(m) = parts
            .headers
            .get("x-http-method-override")
            .and_then(|v| v.to_str().ok())
        {
            method = m.trim().to_ascii_uppercase();
        }
    }
    Req {
        method,
        wire_method: parts.method.as_str().to_string(),
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts.headers,
        body: Bytes::new(),
        upload: None,
        admitted: None,
        asked: Default::default(),
        max_json_depth: 64,
        peer: None,
    }
}

pub(super) fn bad_body(what: &str) -> Resp {
    Resp::new(
        400,
        JSON,
        serde_json::json!({ "error": format!("Bad request body: {what}") }).to_string(),
    )
    .with("connection", "close")
}

/// A response body: a sendable one (bytes, files), or one that lives on the executor thread
/// (live streams hold the app, which is not `Send`).
pub enum Body {
    Sendable(UnsyncBoxBody<Bytes, std::io::Error>),
    Local(crate::http::response::BodyStream),
}

impl hyper::body::Body for Body {
    type Data = Bytes;
    type Error = std::io::Error;

    fn poll_frame(
        self: std::pin::Pin<&mut Self>,
        cx: &mut std::task::Context<'_>,
    ) -> std::task::Poll<Option<Result<Frame<Bytes>, std::io::Error>>> {
        match self.get_mut() {
            Body::Sendable(b) => std::pin::Pin::new(b).poll_frame(cx),
            Body::Local(s) => s
                .as_mut()
                .poll_next(cx)
                .map(|o| o.map(|b| Ok(Frame::data(b)))),
        }
    }

    fn is_end_stream(&self) -> bool {
        match self {
            Body::Sendable(b) => b.is_end_stream(),
            Body::Local(_) => false,
        }
    }

    fn size_hint(&self) -> hyper::body::SizeHint {
        match self {
            Body::Sendable(b) => b.size_hint(),
            Body::Local(_) => hyper::body::SizeHint::default(),
        }
    }
}

fn full(b: Bytes) -> Body {
    Body::Sendable(Full::new(b).map_err(|never| match never {}).boxed_unsync())
}

/// Streams `len` bytes of a file from `offset`, 64 KiB at a time, off the executor thread.
fn file_body(part: crate::http::response::FilePart) -> Body {
    use smol::io::{AsyncReadExt, AsyncSeekExt};
    let opened = async move {
        let mut f = smol::Unblock::new(std::fs::File::open(&part.path)?);
        f.seek(std::io::SeekFrom::Start(part.offset)).await?;
        Ok::<_, std::io::Error>(f)
    };
    let state = (Some(opened), None::<smol::Unblock<std::fs::File>>, part.len);
    let stream = smol::stream::unfold(state, |(mut opening, mut file, left)| async move {
        if left == 0 {
            return None;
        }
        if let Some(o) = opening.take() {
            match o.await {
                Ok(f) => file = Some(f),
                Err(e) => return Some((Err(e), (None, None, 0))),
            }
        }
        let f = file.as_mut()?;
        let mut buf = vec![0u8; left.min(64 * 1024) as usize];
        match f.read(&mut buf).await {
            Ok(0) => Some((
                Err(std::io::Error::other("file shorter than expected")),
                (None, None, 0),
            )),
            Ok(n) => {
                buf.truncate(n);
                Some((
                    Ok(Frame::data(Bytes::from(buf))),
                    (None, file, left - n as u64),
                ))
            }
            Err(e) => Some((Err(e), (None, None, 0))),
        }
    });
    Body::Sendable(StreamBody::new(Box::pin(stream)).boxed_unsync())
}

/// Adds the headers every response carries (api.md §1.6).
fn finish(cfg: &Config, resp: Resp, is_head: bool) -> hyper::Response<Body> {
    let ws = if cfg.tls() { "wss" } else { "ws" };
    let csp = format!(
        "default-src 'self'; connect-src 'self' {ws}://{}; script-src 'self'; \
         style-src 'self' 'unsafe-inline'; font-src 'self'; img-src *; object-src 'none'; media-src *; \
         child-src 'self' www.youtube.com; frame-ancestors 'none'",
        cfg.host()
    );
    let mut b = hyper::Response::builder()
        .status(resp.status)
        .header(
            "server",
            // Clients that read the pump.io version see the one whose API we speak.
            concat!("pump.io/6.0.0-alpha.0 pump/", env!("CARGO_PKG_VERSION")),
        )
        .header("content-security-policy", csp)
        .header("x-content-type-options", "nosniff")
        .header("x-download-options", "noopen")
        .header("x-frame-options", "DENY")
        .header("x-xss-protection", "1; mode=block");
    if let Some(h) = &cfg.hsts {
        b = b.header("strict-transport-security", h.as_str());
    }
    for (k, v) in &resp.headers {
        b = b.header(*k, v.as_str());
    }
    if let (false, Some(stream)) = (is_head, resp.stream) {
        return b.body(Body::Local(stream)).unwrap_or_else(|e| {
            log::error!("cannot build a response: {e}");
            hyper::Response::new(full(Bytes::new()))
        });
    }
    let body = match (is_head, resp.file) {
        (true, Some(part)) => {
            b = b.header("content-length", part.len.to_string());
            full(Bytes::new())
        }
        (true, None) => {
            b = b.header("content-length", resp.body.len().to_string());
            full(Bytes::new())
        }
        (false, Some(part)) => {
            b = b.header("content-length", part.len.to_string());
            file_body(part)
        }
        (false, None) => full(resp.body),
    };
    b.body(body).unwrap_or_else(|e| {
        log::error!("cannot build a response: {e}");
        let mut r = hyper::Response::new(full(Bytes::from_static(b"Internal server error")));
        *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

/// Port 80 with HTTPS configured (`bounce`): every request gets a 301 to the HTTPS URL.
pub async fn serve_bounce<S: Service>(
    app: S,
    ex: Rc<LocalExecutor<'static>>,
    listener: TcpListener,
) {
    loop {
        let Ok((stream, _)) = listener.accept().await else {
            smol::Timer::after(Duration::from_millis(100)).await;
            continue;
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        ex.spawn(async move {
            let service = service_fn(move |req: hyper::Request<Incoming>| {
                let host = req
                    .headers()
                    .get("host")
                    .and_then(|h| h.to_str().ok())
                    .map(|h| h.split(':').next().unwrap_or(h).to_string())
                    .unwrap_or_else(|| app.cfg().hostname.clone());
                let path = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/")
                    .to_string();
                let resp = Resp::redirect(301, &format!("https://{host}{path}"));
                let out = finish(app.cfg(), resp, req.method() == hyper::Method::HEAD);
                async move { Ok::<_, Infallible>(out) }
            });
            let _ = http1::Builder::new()
                .serve_connection(FuturesIo::new(stream), service)
                .await;
        })
        .detach();
    }
}
