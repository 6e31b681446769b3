//! JPEG: markers are copied except APPn (EXIF, XMP, IPTC, maker notes…) and comments. Kept:
//! JFIF (APP0, without its thumbnail), the ICC colour profile (APP2) and Adobe's colour transform flag (APP14), which
//! decoders need. The orientation comes back as a minimal EXIF segment. Anything after the end
//! of image (some phones append extra pictures there) is dropped.
use super::{byte, bytes, copy, invalid, read_vec, skip, Error, Info};
use crate::media::exif;
use std::io::{BufRead, Write};

/// Header segments kept in memory before the first scan; ICC profiles are the large ones.
const MAX_HEADERS: usize = 4 << 20;

fn next_marker(r: &mut impl BufRead) -> Result<u8, Error> {
    if byte(r)? != 0xFF {
        return invalid("the JPEG structure is damaged");
    }
    loop {
        match byte(r)? {
            0xFF => continue, // fill bytes
            m => return Ok(m),
        }
    }
}

fn standalone(m: u8) -> bool {
    matches!(m, 0x01 | 0xD0..=0xD7)
}

fn write_segment(w: &mut impl Write, marker: u8, body: &[u8]) -> std::io::Result<()> {
    let len = u16::try_from(body.len() + 2).map_err(std::io::Error::other)?;
    w.write_all(&[0xFF, marker])?;
    w.write_all(&len.to_be_bytes())?;
    w.write_all(body)
}

/// Copies entropy-coded data up to the next marker that is not a restart, which it returns.
fn copy_entropy(r: &mut impl BufRead, w: &mut impl Write) -> Result<u8, Error> {
    loop {
        let buf = r.fill_buf()?;
        if buf.is_empty() {
            return invalid("the image is truncated");
        }
        match buf.iter().position(|&b| b == 0xFF) {
            None => {
                let n = buf.len();
                w.write_all(buf)?;
                r.consume(n);
            }
            Some(i) => {
                w.write_all(&buf[..i])?;
                r.consume(i + 1);
                let mut m = byte(r)?;
                while m == 0xFF {
                    m = byte(r)?;
                }
                if m == 0x00 || (0xD0..=0xD7).contains(&m) {
                    w.write_all(&[0xFF, m])?;
                } else {
                    return Ok(m);
                }
            }
        }
    }
}

/// Bytes of DCT coefficients (two per sample, in whole 8×8 blocks) of a frame, from its header.
fn coefficient_bytes(sof: &[u8]) -> u64 {
    let (h, w) = (
        u64::from(u16::from_be_bytes([sof[1], sof[2]])),
        u64::from(u16::from_be_bytes([sof[3], sof[4]])),
    );
    let n = usize::from(sof.get(5).copied().unwrap_or(0));
    let comps: Vec<(u64, u64)> = (0..n)
        .filter_map(|i| sof.get(6 + 3 * i + 1))
        .map(|s| (u64::from(s >> 4).max(1), u64::from(s & 15).max(1)))
        .collect();
    let hmax = comps.iter().map(|c| c.0).max().unwrap_or(1);
    let vmax = comps.iter().map(|c| c.1).max().unwrap_or(1);
    comps
        .iter()
        .map(|(ch, cv)| {
            let cw = (w * ch).div_ceil(hmax).div_ceil(8) * 8;
            let chh = (h * cv).div_ceil(vmax).div_ceil(8) * 8;
            cw * chh * 2
        })
        .sum()
}

fn segment_len(r: &mut impl BufRead) -> Result<usize, Error> {
    let len = u16::from_be_bytes(bytes(r)?) as usize;
    if len < 2 {
        return invalid("the JPEG structure is damaged");
    }
    Ok(len - 2)
}

pub fn strip(r: &mut impl BufRead, w: &mut impl Write) -> Result<Info, Error> {
    if bytes::<2>(r)? != [0xFF, 0xD8] {
        return invalid("not a JPEG file");
    }
    let mut app0: Option<Vec<u8>> = None;
    let mut kept = Vec::new();
    let mut orientation = 1;
    let mut dims = None;
    let mut progressive_bytes = 0;
    let mut marker = next_marker(r)?;
    while marker != 0xDA {
        match marker {
            0xD8 | 0xD9 => return invalid("the JPEG has no image data"),
            m if standalone(m) => kept.extend_from_slice(&[0xFF, m]),
            _ => {
                let len = segment_len(r)?;
                let body = read_vec(r, len, u16::MAX as usize)?;
                match marker {
                    // JFIF without its embedded thumbnail, which may show what was cropped.
                    0xE0 if app0.is_none() && body.starts_with(b"JFIF\0") && body.len() >= 14 => {
                        let mut jfif = body[..14].to_vec();
                        jfif[12] = 0;
                        jfif[13] = 0;
                        app0 = Some(jfif);
                    }
                    0xE1 => {
                        if body.starts_with(b"Exif\0\0") {
                            orientation = exif::orientation(&body).unwrap_or(1);
                        }
                    }
                    0xE2 if body.starts_with(b"ICC_PROFILE\0") => {
                        write_segment(&mut kept, marker, &body)?
                    }
                    0xEE => write_segment(&mut kept, marker, &body)?,
                    0xE0..=0xEF | 0xFE => {}
                    0xC0..=0xCF if !matches!(marker, 0xC4 | 0xC8 | 0xCC) => {
                        if body.len() < 5 {
                            return invalid("the JPEG frame header is damaged");
                        }
                        let h = u16::from_be_bytes([body[1], body[2]]);
                        let wd = u16::from_be_bytes([body[3], body[4]]);
                        dims = Some((u32::from(wd), u32::from(h)));
                        if matches!(marker, 0xC2 | 0xC6 | 0xCA | 0xCE) {
                            progressive_bytes = coefficient_bytes(&body);
                        }
                        write_segment(&mut kept, marker, &body)?;
                    }
                    _ => write_segment(&mut kept, marker, &body)?,
                }
                if kept.len() > MAX_HEADERS {
                    return invalid("the JPEG headers are too large");
                }
            }
        }
        marker = next_marker(r)?;
    }
    let Some((width, height)) = dims else {
        return invalid("the JPEG has no frame header");
    };
    w.write_all(&[0xFF, 0xD8])?;
    if let Some(a) = &app0 {
        write_segment(w, 0xE0, a)?;
    }
    if orientation != 1 {
        let mut body = b"Exif\0\0".to_vec();
        body.extend_from_slice(&exif::minimal(orientation));
        write_segment(w, 0xE1, &body)?;
    }
    w.write_all(&kept)?;
    // From the first scan on: scans, tables between them, and the end of image.
    loop {
        match marker {
            0xD9 => {
                w.write_all(&[0xFF, 0xD9])?;
                break;
            }
            0xD8 => return invalid("the JPEG structure is damaged"),
            m if standalone(m) => {
                w.write_all(&[0xFF, m])?;
                marker = next_marker(r)?;
            }
            0xE0..=0xEF | 0xFE => {
                let len = segment_len(r)?;
                skip(r, len as u64)?;
                marker = next_marker(r)?;
            }
            m => {
                let len = segment_len(r)?;
                w.write_all(&[0xFF, m])?;
                w.write_all(&((len + 2) as u16).to_be_bytes())?;
                copy(r, w, len as u64)?;
                marker = if m == 0xDA {
                    copy_entropy(r, w)?
                } else {
                    next_marker(r)?
                };
            }
        }
    }
    Ok(Info {
        width,
        height,
        orientation,
        progressive_bytes,
    })
}
