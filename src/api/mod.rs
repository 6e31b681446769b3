//! Thin JSON handlers, one file per resource family.
pub mod auth;
pub mod paging;
pub mod profile;
pub mod users;
