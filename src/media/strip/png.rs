//! PNG: chunks are copied when they carry pixels, colour or animation; text chunks (tEXt,
//! zTXt, iTXt: comments, software, often XMP), timestamps (tIME), eXIf and unknown ancillary
//! chunks are dropped. The orientation comes back as a minimal eXIf chunk before the image data.
use super::{bytes, copy, invalid, read_vec, skip, Error, Info};
use crate::media::exif;
use std::io::{BufRead, Write};

const SIGNATURE: &[u8; 8] = b"\x89PNG\r\n\x1a\n";

/// Ancillary chunks that describe how to show the pixels, and APNG's animation chunks.
const KEEP: &[&[u8; 4]] = &[
    b"PLTE", b"tRNS", b"cHRM", b"gAMA", b"iCCP", b"sBIT", b"sRGB", b"cICP", b"mDCV", b"cLLI",
    b"bKGD", b"hIST", b"pHYs", b"sPLT", b"acTL", b"fcTL", b"fdAT",
];

fn write_chunk(w: &mut impl Write, kind: &[u8; 4], data: &[u8]) -> std::io::Result<()> {
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    w.write_all(&(data.len() as u32).to_be_bytes())?;
    w.write_all(kind)?;
    w.write_all(data)?;
    w.write_all(&crc.finalize().to_be_bytes())
}

pub fn strip(r: &mut impl BufRead, w: &mut impl Write) -> Result<Info, Error> {
    if &bytes::<8>(r)? != SIGNATURE {
        return invalid("not a PNG file");
    }
    w.write_all(SIGNATURE)?;
    let mut dims = None;
    let mut orientation = 1;
    let mut wrote_exif = false;
    loop {
        let len = u32::from_be_bytes(bytes(r)?);
        let kind: [u8; 4] = bytes(r)?;
        if len > i32::MAX as u32 {
            return invalid("the PNG structure is damaged");
        }
        let n = u64::from(len) + 4; // data and CRC
        match &kind {
            b"IHDR" => {
                let data = read_vec(r, len as usize, 13)?;
                if data.len() < 8 {
                    return invalid("the PNG header is damaged");
                }
                let wd = u32::from_be_bytes([data[0], data[1], data[2], data[3]]);
                let h = u32::from_be_bytes([data[4], data[5], data[6], data[7]]);
                dims = Some((wd, h));
                w.write_all(&len.to_be_bytes())?;
                w.write_all(&kind)?;
                w.write_all(&data)?;
                copy(r, w, 4)?;
            }
            b"eXIf" => {
                let data = read_vec(r, len as usize, 1 << 20)?;
                if !wrote_exif {
                    orientation = exif::orientation(&data).unwrap_or(1);
                }
                skip(r, 4)?;
            }
            b"IDAT" | b"IEND" | b"fcTL" | b"fdAT" => {
                if dims.is_none() {
                    return invalid("the PNG has no header chunk");
                }
                if orientation != 1 && !wrote_exif {
                    write_chunk(w, b"eXIf", &exif::minimal(orientation))?;
                }
                wrote_exif = true;
                w.write_all(&len.to_be_bytes())?;
                w.write_all(&kind)?;
                copy(r, w, n)?;
                if &kind == b"IEND" {
                    break;
                }
            }
            k if KEEP.contains(&k) => {
                w.write_all(&len.to_be_bytes())?;
                w.write_all(&kind)?;
                copy(r, w, n)?;
            }
            // Bit 5 of the first letter marks an ancillary chunk, safe to drop; an unknown
            // critical chunk means an image we cannot promise to show.
            k if k[0] & 0x20 != 0 => skip(r, n)?,
            _ => return invalid("the PNG uses an unknown critical chunk"),
        }
    }
    let Some((width, height)) = dims else {
        return invalid("the PNG has no header chunk");
    };
    Ok(Info {
        width,
        height,
        orientation,
        progressive_bytes: 0,
    })
}
