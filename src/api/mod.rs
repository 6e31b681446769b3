//! Thin JSON handlers, one file per resource family.
pub mod ap_inbox;
pub mod ap_read;
pub mod feeds;
pub mod graph;
pub mod groups;
pub mod health;
pub mod inbox;
pub mod negotiate;
pub mod objects;
pub mod profile;
pub mod proxy;
pub mod uploads;
pub mod users;
