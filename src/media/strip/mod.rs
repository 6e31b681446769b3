//! Metadata stripping without decoding: each format's container is rewritten block by block,
//! dropping everything that can identify a person or place (EXIF with GPS, XMP, IPTC, comments,
//! text chunks, timestamps) and keeping only what is needed to show the picture: pixel data,
//! colour information and the orientation. Memory use is a few buffers, whatever the image size.
mod gif;
mod jpeg;
mod png;
mod webp;

pub use crate::media::{invalid, Error};
use std::io::{self, BufReader, BufWriter, Read, Write};
use std::path::Path;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Jpeg,
    Png,
    Gif,
    Webp,
}

impl Format {
    /// The format from the first bytes of the file (the declared MIME type is not trusted).
    pub fn sniff(head: &[u8]) -> Option<Format> {
        if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
            Some(Format::Jpeg)
        } else if head.starts_with(b"\x89PNG\r\n\x1a\n") {
            Some(Format::Png)
        } else if head.starts_with(b"GIF87a") || head.starts_with(b"GIF89a") {
            Some(Format::Gif)
        } else if head.len() >= 12 && &head[..4] == b"RIFF" && &head[8..12] == b"WEBP" {
            Some(Format::Webp)
        } else {
            None
        }
    }

    pub fn ext(self) -> &'static str {
        match self {
            Format::Jpeg => "jpg",
            Format::Png => "png",
            Format::Gif => "gif",
            Format::Webp => "webp",
        }
    }
}

/// What the container says about the picture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    /// Stored size, before the orientation is applied.
    pub width: u32,
    pub height: u32,
    /// EXIF orientation, 1 (none) to 8.
    pub orientation: u8,
    /// Memory a decoder needs whatever the output size: a progressive JPEG's coefficients.
    pub progressive_bytes: u64,
}

/// Copies `src` to a new file `dst` without its metadata.
pub fn strip(format: Format, src: &Path, dst: &Path) -> Result<Info, Error> {
    let mut input = BufReader::with_capacity(64 << 10, std::fs::File::open(src)?);
    let file = std::fs::File::create(dst)?;
    let mut out = BufWriter::with_capacity(64 << 10, file);
    let info = match format {
        Format::Jpeg => jpeg::strip(&mut input, &mut out)?,
        Format::Png => png::strip(&mut input, &mut out)?,
        Format::Gif => gif::strip(&mut input, &mut out)?,
        Format::Webp => webp::strip(&mut input, &mut out)?,
    };
    let file = out.into_inner().map_err(|e| e.into_error())?;
    file.sync_all()?;
    if info.width == 0 || info.height == 0 {
        return invalid("the image has no pixels");
    }
    Ok(info)
}

fn byte(r: &mut impl Read) -> io::Result<u8> {
    let mut b = [0u8];
    r.read_exact(&mut b)?;
    Ok(b[0])
}

fn bytes<const N: usize>(r: &mut impl Read) -> io::Result<[u8; N]> {
    let mut b = [0u8; N];
    r.read_exact(&mut b)?;
    Ok(b)
}

/// Copies exactly `n` bytes.
fn copy(r: &mut impl Read, w: &mut (impl Write + ?Sized), n: u64) -> io::Result<()> {
    let copied = io::copy(&mut r.take(n), w)?;
    if copied < n {
        return Err(io::ErrorKind::UnexpectedEof.into());
    }
    Ok(())
}

/// Skips exactly `n` bytes.
fn skip(r: &mut impl Read, n: u64) -> io::Result<()> {
    copy(r, &mut io::sink(), n)
}

/// Reads `n` bytes into memory, refusing more than `cap`.
fn read_vec(r: &mut impl Read, n: usize, cap: usize) -> Result<Vec<u8>, Error> {
    if n > cap {
        return invalid("a metadata block is too large");
    }
    let mut v = vec![0u8; n];
    r.read_exact(&mut v)?;
    Ok(v)
}
