//! GIF: the screen, colour tables, frames and their control blocks are copied; comment
//! extensions and application extensions (XMP lives in one) are dropped, except the two that
//! make an animation loop.
use super::{byte, bytes, copy, invalid, skip, Error, Info};
use std::io::{BufRead, Write};

const LOOPING: &[&[u8]] = &[b"NETSCAPE2.0", b"ANIMEXTS1.0"];

/// Copies (or, without a writer, skips) a chain of data sub-blocks up to its terminator.
fn sub_blocks(r: &mut impl BufRead, mut w: Option<&mut dyn Write>) -> Result<(), Error> {
    loop {
        let n = byte(r)?;
        match w.as_deref_mut() {
            Some(w) => {
                w.write_all(&[n])?;
                copy(r, w, u64::from(n))?;
            }
            None => skip(r, u64::from(n))?,
        }
        if n == 0 {
            return Ok(());
        }
    }
}

fn colour_table(flags: u8) -> u64 {
    if flags & 0x80 != 0 {
        3 << ((flags & 7) + 1)
    } else {
        0
    }
}

pub fn strip(r: &mut impl BufRead, w: &mut impl Write) -> Result<Info, Error> {
    let header: [u8; 6] = bytes(r)?;
    if &header != b"GIF87a" && &header != b"GIF89a" {
        return invalid("not a GIF file");
    }
    let screen: [u8; 7] = bytes(r)?;
    w.write_all(&header)?;
    w.write_all(&screen)?;
    copy(r, w, colour_table(screen[4]))?;
    loop {
        match byte(r)? {
            0x21 => {
                let label = byte(r)?;
                match label {
                    0xFE => sub_blocks(r, None)?,
                    0xFF => {
                        let n = byte(r)?;
                        let mut id = vec![0u8; usize::from(n)];
                        r.read_exact(&mut id)?;
                        if LOOPING.contains(&id.as_slice()) {
                            w.write_all(&[0x21, 0xFF, n])?;
                            w.write_all(&id)?;
                            sub_blocks(r, Some(w))?;
                        } else {
                            sub_blocks(r, None)?;
                        }
                    }
                    _ => {
                        w.write_all(&[0x21, label])?;
                        sub_blocks(r, Some(w))?;
                    }
                }
            }
            0x2C => {
                let desc: [u8; 9] = bytes(r)?;
                w.write_all(&[0x2C])?;
                w.write_all(&desc)?;
                copy(r, w, colour_table(desc[8]))?;
                copy(r, w, 1)?; // LZW minimum code size
                sub_blocks(r, Some(w))?;
            }
            0x3B => {
                w.write_all(&[0x3B])?;
                break;
            }
            _ => return invalid("the GIF structure is damaged"),
        }
    }
    Ok(Info {
        width: u32::from(u16::from_le_bytes([screen[0], screen[1]])),
        height: u32::from(u16::from_le_bytes([screen[2], screen[3]])),
        orientation: 1,
        progressive_bytes: 0,
    })
}
