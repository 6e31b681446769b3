//! WebP: RIFF chunks are copied when they carry pixels, alpha, animation or the colour
//! profile; EXIF, XMP and unknown chunks are dropped and the extended header's flags and the
//! RIFF size are corrected. The orientation comes back as a minimal EXIF chunk at the end.
use super::{bytes, copy, invalid, read_vec, skip, Error, Info};
use crate::media::exif;
use std::io::{BufRead, Seek, SeekFrom, Write};

const KEEP: &[&[u8; 4]] = &[b"VP8 ", b"VP8L", b"ALPH", b"ANIM", b"ANMF", b"ICCP"];
const EXIF_FLAG: u8 = 0x08;
const XMP_FLAG: u8 = 0x04;

fn u24(b: &[u8]) -> u32 {
    u32::from(b[0]) | u32::from(b[1]) << 8 | u32::from(b[2]) << 16
}

/// Size of a simple (non-extended) file's bitstream, from its first bytes.
fn bitstream_dims(kind: &[u8; 4], head: &[u8]) -> Option<(u32, u32)> {
    match kind {
        b"VP8 " if head.len() >= 10 && head[3..6] == [0x9d, 0x01, 0x2a] => Some((
            u32::from(u16::from_le_bytes([head[6], head[7]]) & 0x3fff),
            u32::from(u16::from_le_bytes([head[8], head[9]]) & 0x3fff),
        )),
        b"VP8L" if head.len() >= 5 && head[0] == 0x2f => {
            let bits = u32::from_le_bytes([head[1], head[2], head[3], head[4]]);
            Some(((bits & 0x3fff) + 1, ((bits >> 14) & 0x3fff) + 1))
        }
        _ => None,
    }
}

pub fn strip(r: &mut impl BufRead, w: &mut (impl Write + Seek)) -> Result<Info, Error> {
    let head: [u8; 12] = bytes(r)?;
    if &head[..4] != b"RIFF" || &head[8..] != b"WEBP" {
        return invalid("not a WebP file");
    }
    let start = w.stream_position()?;
    w.write_all(&head)?;
    let mut remaining = u64::from(u32::from_le_bytes([head[4], head[5], head[6], head[7]]))
        .checked_sub(4)
        .ok_or(Error::Invalid("the WebP structure is damaged".into()))?;
    let mut dims = None;
    let mut orientation = 1;
    let mut flags_at = None;
    while remaining >= 8 {
        let kind: [u8; 4] = bytes(r)?;
        let len = u64::from(u32::from_le_bytes(bytes(r)?));
        let padded = len + (len & 1);
        remaining = remaining
            .checked_sub(8 + padded)
            .ok_or(Error::Invalid("the WebP structure is damaged".into()))?;
        match &kind {
            b"VP8X" => {
                let mut data = read_vec(r, padded as usize, 64)?;
                if data.len() < 10 {
                    return invalid("the WebP header is damaged");
                }
                dims = Some((u24(&data[4..7]) + 1, u24(&data[7..10]) + 1));
                data[0] &= !(EXIF_FLAG | XMP_FLAG);
                w.write_all(&kind)?;
                w.write_all(&(len as u32).to_le_bytes())?;
                flags_at = Some((w.stream_position()?, data[0]));
                w.write_all(&data)?;
            }
            b"EXIF" => {
                let data = read_vec(r, padded as usize, 1 << 20)?;
                orientation = exif::orientation(&data).unwrap_or(1);
            }
            k if KEEP.contains(&k) => {
                w.write_all(&kind)?;
                w.write_all(&(len as u32).to_le_bytes())?;
                if dims.is_none() {
                    let first = read_vec(r, padded.min(16) as usize, 16)?;
                    dims = bitstream_dims(k, &first);
                    w.write_all(&first)?;
                    copy(r, w, padded - first.len() as u64)?;
                } else {
                    copy(r, w, padded)?;
                }
            }
            _ => skip(r, padded)?,
        }
    }
    let Some((width, height)) = dims else {
        return invalid("the WebP has no image data");
    };
    match flags_at {
        Some((at, flags)) if orientation != 1 => {
            let tiff = exif::minimal(orientation);
            w.write_all(b"EXIF")?;
            w.write_all(&(tiff.len() as u32).to_le_bytes())?;
            w.write_all(&tiff)?; // even length: no padding byte
            let end = w.stream_position()?;
            w.seek(SeekFrom::Start(at))?;
            // The flags byte was written without EXIF; set it back now that there is one.
            w.write_all(&[flags | EXIF_FLAG])?;
            w.seek(SeekFrom::Start(end))?;
        }
        _ => orientation = 1, // a simple file cannot carry EXIF
    }
    let end = w.stream_position()?;
    let riff = u32::try_from(end - start - 8).map_err(|_| Error::Invalid("too large".into()))?;
    w.seek(SeekFrom::Start(start + 4))?;
    w.write_all(&riff.to_le_bytes())?;
    w.seek(SeekFrom::Start(end))?;
    Ok(Info {
        width,
        height,
        orientation,
        progressive_bytes: 0,
    })
}
