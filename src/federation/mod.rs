//! Talking to other servers: the only module (with `mail`) that opens outgoing connections
//! (tidy). The HTTP client and its address guard (`client.rs`, `guard.rs`), discovery of other
//! hosts and accounts (`discover.rs`), Dialback in both roles (`dialback.rs`), the credentials
//! we hold at other hosts (`credentials.rs`), outgoing delivery (`deliver.rs`; the per-host turns
//! are the app's, `app/host_gates.rs`), fetching remote objects and persons (`fetch.rs`), web logins
//! with an account on another server (`remote_login.rs`), the firehose (`firehose.rs`) and the
//! spam service (`spam.rs`).
pub mod ap_actor;
pub mod ap_deliver;
pub mod ap_sign;
pub mod ap_verify;
pub mod backfill;
pub mod client;
pub mod credentials;
pub mod deliver;
pub mod dialback;
pub mod discover;
pub mod fetch;
pub mod firehose;
mod guard;
pub mod keys;
pub mod proxy;
pub mod remote_login;
pub mod sign;
pub mod spam;
