//! The picture job for one uploaded image: a copy without metadata to serve as the full image,
//! and the thumbnail or avatar made from it. Runs on the blocking pool; every file it writes is
//! a temporary one until the caller keeps it.
use super::picture::{self, Limits, Made, Shape};
use super::strip::{self, Format};
use super::{exif, Error};
use crate::util::tempfile::TempFile;
use std::path::Path;

/// The longer side of a timeline thumbnail, and the side of an avatar (activities.md §2.5).
pub const THUMBNAIL: u32 = 320;
pub const AVATAR: u32 = 96;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Purpose {
    /// A picture to post: a thumbnail when it is larger than 320 pixels.
    Post,
    /// A profile picture: always a 96×96 square.
    Avatar,
}

pub struct Prepared {
    pub format: Format,
    pub full: TempFile,
    /// Size of the full image as displayed (orientation applied).
    pub width: u32,
    pub height: u32,
    pub small: Option<(TempFile, Made)>,
}

/// The format of a file, from its first bytes.
pub fn sniff(path: &Path) -> std::io::Result<Option<Format>> {
    use std::io::Read;
    let mut head = [0u8; 16];
    let mut f = std::fs::File::open(path)?;
    let mut n = 0;
    while n < head.len() {
        match f.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(Format::sniff(&head[..n]))
}

pub fn prepare(
    src: &Path,
    format: Format,
    work_dir: &Path,
    purpose: Purpose,
    limits: &Limits,
) -> Result<Prepared, Error> {
    let token = crate::util::rand::token(16);
    let full = TempFile::new(work_dir.join(format!("{token}.full")), 0);
    let full_path = work_dir.join(format!("{token}.full"));
    let info = strip::strip(format, src, &full_path)?;
    picture::check_size(&info, limits)?;
    let (width, height) = exif::oriented(info.width, info.height, info.orientation);
    let shape = match purpose {
        Purpose::Post if width.max(height) > THUMBNAIL => Some(Shape::Fit(THUMBNAIL)),
        Purpose::Post => None,
        Purpose::Avatar => Some(Shape::Square(AVATAR)),
    };
    let small = match shape {
        Some(shape) => {
            let path = work_dir.join(format!("{token}.small"));
            let guard = TempFile::new(path.clone(), 0);
            // Decode the stripped copy: it is the picture that will be served.
            let made = picture::make(&full_path, format, &info, shape, limits, &path)?;
            Some((guard, made))
        }
        None => {
            // Served as it is: it must still be a picture that decodes.
            picture::load(&full_path, format, &info, Shape::Fit(THUMBNAIL), limits)?;
            None
        }
    };
    Ok(Prepared {
        format,
        full,
        width,
        height,
        small,
    })
}
