//! HTTP: accept loop (plain or TLS), hyper glue, common headers, limits and error bodies.
pub mod cache;
mod compress;
mod limits;
pub mod multipart;
pub mod request;
pub mod response;
mod router;
mod server;
pub mod tls;

pub use request::Req;
pub use response::Resp;
pub use server::{bind, serve, serve_bounce, Tls};
