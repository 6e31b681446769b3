//! The one EXIF tag we keep: orientation. Read from a TIFF block (the body of an EXIF segment)
//! and written back as a minimal block that carries nothing else.

/// The `Orientation` tag (0x0112) of IFD0, 1–8; None when absent or malformed.
pub fn orientation(tiff: &[u8]) -> Option<u8> {
    let tiff = tiff.strip_prefix(b"Exif\0\0").unwrap_or(tiff);
    let big = match tiff.get(..4)? {
        b"MM\0*" => true,
        b"II*\0" => false,
        _ => return None,
    };
    let u16_at = |at: usize| -> Option<u16> {
        let b: [u8; 2] = tiff.get(at..at + 2)?.try_into().ok()?;
        Some(if big {
            u16::from_be_bytes(b)
        } else {
            u16::from_le_bytes(b)
        })
    };
    let u32_at = |at: usize| -> Option<u32> {
        let b: [u8; 4] = tiff.get(at..at + 4)?.try_into().ok()?;
        Some(if big {
            u32::from_be_bytes(b)
        } else {
            u32::from_le_bytes(b)
        })
    };
    let ifd = u32_at(4)? as usize;
    let count = u16_at(ifd)? as usize;
    (0..count.min(512)).find_map(|i| {
        let entry = ifd.checked_add(2 + 12 * i)?;
        // Type 3 (SHORT), count 1: the value sits in the first two bytes of the value field.
        (u16_at(entry)? == 0x0112 && u16_at(entry + 2)? == 3)
            .then(|| u16_at(entry + 8))
            .flatten()
            .and_then(|v| u8::try_from(v).ok())
            .filter(|v| (1..=8).contains(v))
    })
}

/// A big-endian TIFF block with IFD0 holding the orientation tag and nothing else.
pub fn minimal(orientation: u8) -> Vec<u8> {
    let mut t = Vec::with_capacity(26);
    t.extend_from_slice(b"MM\0*");
    t.extend_from_slice(&8u32.to_be_bytes());
    t.extend_from_slice(&1u16.to_be_bytes());
    t.extend_from_slice(&0x0112u16.to_be_bytes());
    t.extend_from_slice(&3u16.to_be_bytes());
    t.extend_from_slice(&1u32.to_be_bytes());
    t.extend_from_slice(&[0, orientation, 0, 0]);
    t.extend_from_slice(&0u32.to_be_bytes());
    t
}

/// Width and height as displayed once the orientation is applied (5–8 swap the axes).
pub fn oriented(w: u32, h: u32, orientation: u8) -> (u32, u32) {
    if orientation >= 5 {
        (h, w)
    } else {
        (w, h)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn round_trip_and_little_endian() {
        for o in 1..=8 {
            assert_eq!(super::orientation(&super::minimal(o)), Some(o));
        }
        let le = [
            b'I', b'I', 42, 0, 8, 0, 0, 0, 1, 0, 0x12, 0x01, 3, 0, 1, 0, 0, 0, 6, 0, 0, 0, 0, 0, 0,
            0,
        ];
        assert_eq!(super::orientation(&le), Some(6));
        assert_eq!(super::orientation(b"Exif\0\0junk"), None);
        assert_eq!(super::orientation(&le[..12]), None);
    }
}
