//! The accept loop and per-connection hyper glue, on the one executor thread.
use super::request::Req;
use super::response::{Resp, JSON};
use super::router;
use crate::app::App;
use bytes::{Bytes, BytesMut};
use futures_rustls::TlsAcceptor;
use http_body_util::{BodyExt, Full};
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

/// Accepts connections until the future is dropped; each connection is a task on `ex`.
pub async fn serve(
    app: Rc<App>,
    ex: Rc<LocalExecutor<'static>>,
    listener: TcpListener,
    tls: Option<Arc<futures_rustls::rustls::ServerConfig>>,
) -> std::io::Result<()> {
    let tls = tls.map(TlsAcceptor::from);
    let slots = Arc::new(smol::lock::Semaphore::new(app.cfg.max_connections));
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
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let tls = tls.clone();
        ex.spawn(async move {
            connection(app, stream, peer, tls).await;
            drop(permit);
        })
        .detach();
    }
}

async fn connection(app: Rc<App>, stream: TcpStream, peer: SocketAddr, tls: Option<TlsAcceptor>) {
    let timeout = Duration::from_millis(app.cfg.header_timeout_ms);
    let builder = {
        let mut b = http1::Builder::new();
        b.timer(SmolTimer::new())
            .header_read_timeout(timeout)
            .keep_alive(true);
        b
    };
    let service = service_fn(move |req| {
        let app = app.clone();
        async move { Ok::<_, Infallible>(handle(app, req, peer).await) }
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
struct InFlight(Rc<App>);
impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.set(self.0.in_flight.get() - 1);
    }
}

async fn handle(
    app: Rc<App>,
    req: hyper::Request<Incoming>,
    peer: SocketAddr,
) -> hyper::Response<Full<Bytes>> {
    let is_head = req.method() == hyper::Method::HEAD;
    let line = format!("{peer} {} {}", req.method(), req.uri().path());
    let resp = if app.in_flight.get() >= app.cfg.max_requests_in_flight {
        busy()
    } else {
        app.in_flight.set(app.in_flight.get() + 1);
        let _guard = InFlight(app.clone());
        let charge = BodyCharge(app.clone(), Cell::new(0));
        match read(&app, req, &charge).await {
            Ok(r) => router::route(&app, r).await,
            Err(resp) => resp,
        }
    };
    log::debug!("{line} {}", resp.status);
    finish(&app, resp, is_head)
}

/// Bytes of request bodies this request holds, counted against `maxBodyMemory` until it ends.
struct BodyCharge(Rc<App>, Cell<usize>);

impl BodyCharge {
    /// Takes `n` more bytes from the shared budget, or refuses.
    fn take(&self, n: usize) -> bool {
        let used = self.0.body_bytes.get();
        if used + n > self.0.cfg.max_body_memory {
            return false;
        }
        self.0.body_bytes.set(used + n);
        self.1.set(self.1.get() + n);
        true
    }
}

impl Drop for BodyCharge {
    fn drop(&mut self) {
        self.0
            .body_bytes
            .set(self.0.body_bytes.get() - self.1.get());
    }
}

fn busy() -> Resp {
    Resp::new(503, JSON, r#"{"error":"Server busy; try again shortly"}"#).with("retry-after", "1")
}

/// Collects the body within `maxBodySize` (413 beyond it) and builds the handler's request.
async fn read(app: &App, req: hyper::Request<Incoming>, charge: &BodyCharge) -> Result<Req, Resp> {
    let (parts, mut body) = req.into_parts();
    let limit = app.cfg.max_body_size;
    let too_large = || {
        Resp::new(
            413,
            JSON,
            format!(r#"{{"error":"Request body is larger than {limit} bytes"}}"#),
        )
        .with("connection", "close")
    };
    let declared = parts
        .headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    if declared.is_some_and(|n| n > limit as u64) {
        return Err(too_large());
    }
    let mut buf = BytesMut::new();
    while let Some(frame) = body.frame().await {
        let frame = frame
            .map_err(|e| Resp::new(400, JSON, format!(r#"{{"error":"Bad request body: {e}"}}"#)))?;
        if let Ok(data) = frame.into_data() {
            if buf.len() + data.len() > limit {
                return Err(too_large());
            }
            if !charge.take(data.len()) {
                // The rest of the body is never read: the connection cannot be reused.
                return Err(busy().with("connection", "close"));
            }
            buf.extend_from_slice(&data);
        }
    }
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
    Ok(Req {
        method,
        path: parts.uri.path().to_string(),
        query: parts.uri.query().unwrap_or("").to_string(),
        headers: parts.headers,
        body: buf.freeze(),
        max_json_depth: 64,
    })
}

/// Adds the headers every response carries (api.md §1.6).
fn finish(app: &App, resp: Resp, is_head: bool) -> hyper::Response<Full<Bytes>> {
    let cfg = &app.cfg;
    let ws = if cfg.tls() { "wss" } else { "ws" };
    let csp = format!(
        "default-src 'self'; connect-src 'self' {ws}://{}; script-src 'self' 'unsafe-inline' 'unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; font-src 'self'; img-src *; object-src 'none'; media-src *; \
         child-src 'self' www.youtube.com; frame-ancestors 'none'",
        cfg.host()
    );
    let mut b = hyper::Response::builder()
        .status(resp.status)
        .header(
            "server",
            concat!(
                "pump.io/",
                env!("CARGO_PKG_VERSION"),
                " pump/",
                env!("CARGO_PKG_VERSION")
            ),
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
    let body = if is_head {
        b = b.header("content-length", resp.body.len().to_string());
        Bytes::new()
    } else {
        resp.body
    };
    b.body(Full::new(body)).unwrap_or_else(|e| {
        log::error!("cannot build a response: {e}");
        let mut r = hyper::Response::new(Full::new(Bytes::from_static(b"Internal server error")));
        *r.status_mut() = hyper::StatusCode::INTERNAL_SERVER_ERROR;
        r
    })
}

/// Port 80 with HTTPS configured (`bounce`): every request gets a 301 to the HTTPS URL.
pub async fn serve_bounce(app: Rc<App>, ex: Rc<LocalExecutor<'static>>, listener: TcpListener) {
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
                    .unwrap_or_else(|| app.cfg.hostname.clone());
                let path = req
                    .uri()
                    .path_and_query()
                    .map(|p| p.as_str())
                    .unwrap_or("/")
                    .to_string();
                let resp = Resp::redirect(301, &format!("https://{host}{path}"));
                let out = finish(&app, resp, req.method() == hyper::Method::HEAD);
                async move { Ok::<_, Infallible>(out) }
            });
            let _ = http1::Builder::new()
                .serve_connection(FuturesIo::new(stream), service)
                .await;
        })
        .detach();
    }
}
