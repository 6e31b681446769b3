//! The domain: people, objects, activities and their rules. No HTTP here, and no redb.
pub mod activity;
pub mod content;
pub mod objects;
pub mod passwords;
pub mod person;
pub mod urls;
pub mod users;
