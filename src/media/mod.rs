//! Uploaded files on disk: where they go, what they become, and how they are served.
pub mod mime;
pub mod serve;
