//! Uploaded files on disk: where they go, what they become, and how they are served.
pub mod exif;
pub mod files;
mod jpeg_dc;
pub mod mime;
pub mod picture;
pub mod prepare;
pub mod serve;
pub mod strip;

use std::io;

/// Why an image could not be processed: bad or oversized data (the uploader's fault, a 400)
/// or I/O (ours).
#[derive(Debug)]
pub enum Error {
    Invalid(String),
    Io(io::Error),
}

impl From<io::Error> for Error {
    fn from(e: io::Error) -> Self {
        if e.kind() == io::ErrorKind::UnexpectedEof {
            Error::Invalid("the image is truncated".into())
        } else {
            Error::Io(e)
        }
    }
}

pub fn invalid<T>(what: &str) -> Result<T, Error> {
    Err(Error::Invalid(what.into()))
}

impl From<Error> for crate::error::Error {
    fn from(e: Error) -> Self {
        match e {
            Error::Invalid(what) => crate::error::Error::bad(format!("Bad image: {what}")),
            Error::Io(e) => crate::error::Error::internal(e),
        }
    }
}
