//! Black-box tests: each starts the real `pump` binary on a free loopback port with a fresh
//! data dir and talks HTTP to it (see tests/common).
// A test or a benchmark that meets the unexpected should stop loudly.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
#[path = "common/mod.rs"]
mod common;

mod blackbox {
    pub mod activities;
    pub mod activitypub;
    pub mod activitypub_hostile;
    pub mod activitypub_pumps;
    pub mod backfill;
    pub mod backup;
    pub mod board;
    pub mod cli;
    pub mod clients;
    pub mod config;
    pub mod discovery;
    pub mod durability;
    pub mod federation;
    pub mod federation_hostile;
    pub mod feeds;
    pub mod http;
    pub mod inbox;
    pub mod mail;
    pub mod nonce;
    pub mod oauth;
    pub mod oauth2;
    pub mod pictures;
    pub mod privacy;
    pub mod rehost;
    pub mod render_cache;
    pub mod session_json;
    pub mod slow;
    pub mod upgrade;
    pub mod uploads;
    pub mod users;
    pub mod verbs;
    pub mod visibility;
    pub mod web;
    pub mod web_blocks;
    pub mod web_pages;
    pub mod web_pictures;
    pub mod web_social;
    pub mod web_tags;
}
