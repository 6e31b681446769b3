//! The use cases that more than one adapter performs (the API and the web UI): accounts,
//! posting, feeds, paging, uploads. They take the app's state and plain arguments, never a request or a
//! response, so that every adapter gets the same rules.
pub mod accounts;
pub mod ap_inbox;
pub mod feed_json;
pub mod feeds;
pub mod paging;
pub mod posting;
pub mod uploads;
pub mod walk;
