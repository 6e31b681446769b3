//! The domain: people, objects, activities and their rules. No HTTP here, and no redb.
pub mod activity;
pub mod addressing;
pub mod as2;
pub mod content;
pub mod deliver;
pub mod inbox;
pub mod objects;
pub mod outbox;
pub mod passwords;
pub mod person;
pub mod relations;
pub mod render;
pub mod sanitize;
pub mod urls;
pub mod users;
pub mod validate;
pub mod verbs;
