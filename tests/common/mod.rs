//! Test harness: start the real `pump` binary on a free loopback port with a fresh data dir,
//! talk HTTP/1.1 to it, sign requests with OAuth 1.0a.
#![allow(dead_code)]

pub mod http;
pub mod oauth;
pub mod server;

pub use http::Response;
pub use oauth::Client;
pub use server::Server;
