//! Small helpers with no knowledge of HTTP or storage.
pub mod enc;
pub mod panics;
pub mod rand;
pub mod tempfile;
pub mod time;
