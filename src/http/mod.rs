//! HTTP transport: accept loop (plain or TLS), hyper glue, common headers, limits, bodies. It
//! knows nothing of routes: it carries any `Service` (the server's is in `routes/`).
mod compress;
mod file_body;
mod limits;
pub mod multipart;
pub mod request;
pub mod response;
mod server;
mod service;
pub mod tls;

pub use request::Req;
pub use response::Resp;
pub use server::{bind, serve, serve_bounce, Tls};
pub use service::{Load, Service};
