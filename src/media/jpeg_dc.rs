//! A progressive JPEG at 1/8 scale from its DC coefficients alone (ITU T.81 G.1.2.1): each
//! 8×8 block's average is one pixel of the small picture, which is what a decoder scaling by
//! 1/8 computes too. A full decoder keeps every coefficient of the whole picture until its last
//! scan (36 MB for 24 megapixels); this keeps one number per block and skips the AC scans.
use super::{invalid, Error};
use image::{DynamicImage, GrayImage, RgbImage};
use std::io::{BufRead, ErrorKind};

/// Why a JPEG is left to the full decoder: a kind this path does not take.
const NOT_HERE: &str = "a kind of JPEG the DC path does not take";

fn not_here<T>() -> Result<T, Error> {
    invalid(NOT_HERE)
}

/// At most this many scans: a progressive JPEG has about ten, and each costs a pass.
const MAX_SCANS: usize = 64;

struct Component {
    id: u8,
    h: usize,
    v: usize,
    quant: usize,
    /// Its quantiser's DC value as of its first scan (as libjpeg takes it).
    q: Option<i32>,
    /// Blocks per row and rows, padded to whole MCUs.
    bw: usize,
    bh: usize,
    dc: Vec<i32>,
}

/// A DC Huffman table as T.81 F.2.2.3 decodes it.
#[derive(Clone, Default)]
struct Huffman {
    maxcode: [i32; 18],
    valptr: [i32; 17],
    mincode: [i32; 17],
    values: Vec<u8>,
}

impl Huffman {
    fn new(counts: &[u8; 16], values: Vec<u8>) -> Huffman {
        let mut t = Huffman {
            maxcode: [-1; 18],
            values,
            ..Huffman::default()
        };
        let (mut code, mut k) = (0i32, 0i32);
        for l in 1..=16 {
            let n = i32::from(counts[l - 1]);
            if n > 0 {
                t.valptr[l] = k;
                t.mincode[l] = code;
                code += n;
                k += n;
                t.maxcode[l] = code - 1;
            }
            code <<= 1;
        }
        t.maxcode[17] = i32::MAX;
        t
    }
}

/// Entropy-coded bits, with stuffed zero bytes removed; stops at the next marker.
struct Bits<'r, R: BufRead> {
    r: &'r mut R,
    acc: u32,
    n: u32,
    marker: Option<u8>,
}

impl<R: BufRead> Bits<'_, R> {
    fn bit(&mut self) -> Result<u32, Error> {
        if self.n == 0 {
            let b = match self.marker {
                Some(_) => 0,
                None => match byte(self.r)? {
                    0xFF => match next_after_fill(self.r)? {
                        0 => 0xFF,
                        m => {
                            self.marker = Some(m);
                            0
                        }
                    },
                    b => b,
                },
            };
            self.acc = u32::from(b);
            self.n = 8;
        }
        self.n -= 1;
        Ok((self.acc >> self.n) & 1)
    }

    fn bits(&mut self, n: u8) -> Result<i32, Error> {
        let mut v = 0i32;
        for _ in 0..n {
            v = (v << 1) | self.bit()? as i32;
        }
        Ok(v)
    }

    fn decode(&mut self, t: &Huffman) -> Result<u8, Error> {
        let mut code = self.bit()? as i32;
        let mut l = 1;
        while code > t.maxcode[l] {
            code = (code << 1) | self.bit()? as i32;
            l += 1;
            if l > 16 {
                return invalid("a JPEG Huffman code is not in its table");
            }
        }
        let i = t.valptr[l] + code - t.mincode[l];
        match t.values.get(i as usize) {
            Some(v) => Ok(*v),
            None => invalid("a JPEG Huffman code is not in its table"),
        }
    }

    /// At a restart: the marker must be the expected RST, and bits start afresh.
    fn restart(&mut self) -> Result<(), Error> {
        self.n = 0;
        if self.marker.is_none() {
            // Padding bits up to the marker.
            while byte(self.r)? != 0xFF {}
            let mut m = byte(self.r)?;
            while m == 0xFF {
                m = byte(self.r)?;
            }
            self.marker = Some(m);
        }
        match self.marker.take() {
            Some(0xD0..=0xD7) => Ok(()),
            _ => invalid("a JPEG restart marker is missing"),
        }
    }
}

/// The byte after a 0xFF and any fill bytes (more 0xFF) that follow it.
fn next_after_fill(r: &mut impl BufRead) -> Result<u8, Error> {
    let mut m = byte(r)?;
    while m == 0xFF {
        m = byte(r)?;
    }
    Ok(m)
}

fn byte(r: &mut impl BufRead) -> Result<u8, Error> {
    let mut b = [0u8];
    match r.read_exact(&mut b) {
        Ok(()) => Ok(b[0]),
        Err(e) if e.kind() == ErrorKind::UnexpectedEof => invalid("the JPEG ends early"),
        Err(e) => Err(e.into()),
    }
}

fn segment(r: &mut impl BufRead) -> Result<Vec<u8>, Error> {
    let len = usize::from(u16::from_be_bytes([byte(r)?, byte(r)?]));
    let mut body = vec![0u8; len.saturating_sub(2)];
    r.read_exact(&mut body).map_err(|e| match e.kind() {
        ErrorKind::UnexpectedEof => Error::Invalid("the JPEG ends early".into()),
        _ => e.into(),
    })?;
    Ok(body)
}

#[derive(Default)]
struct Frame {
    width: usize,
    height: usize,
    components: Vec<Component>,
    hmax: usize,
    vmax: usize,
}

impl Frame {
    fn parse(body: &[u8], max_pixels: u64) -> Result<Frame, Error> {
        let get = |i: usize| body.get(i).copied().map(usize::from);
        let bad = || Error::Invalid("a JPEG frame header is cut short".into());
        if get(0) != Some(8) {
            return not_here();
        }
        let height = get(1).ok_or_else(bad)? << 8 | get(2).ok_or_else(bad)?;
        let width = get(3).ok_or_else(bad)? << 8 | get(4).ok_or_else(bad)?;
        let n = get(5).ok_or_else(bad)?;
        if width == 0 || height == 0 {
            return invalid("a JPEG frame without pixels");
        }
        if (width as u64) * (height as u64) > max_pixels {
            return invalid("the JPEG frame is larger than the server accepts");
        }
        if !(n == 1 || n == 3) {
            return not_here();
        }
        let mut f = Frame {
            width,
            height,
            ..Frame::default()
        };
        for c in 0..n {
            let at = 6 + c * 3;
            let hv = get(at + 1).ok_or_else(bad)?;
            let (h, v) = (hv >> 4, hv & 15);
            if !(1..=4).contains(&h) || !(1..=4).contains(&v) {
                return invalid("a JPEG sampling factor is out of range");
            }
            f.components.push(Component {
                id: *body.get(at).ok_or_else(bad)?,
                h,
                v,
                quant: get(at + 2).ok_or_else(bad)? & 3,
                q: None,
                bw: 0,
                bh: 0,
                dc: Vec::new(),
            });
        }
        f.hmax = f.components.iter().map(|c| c.h).max().unwrap_or(1);
        f.vmax = f.components.iter().map(|c| c.v).max().unwrap_or(1);
        let (mx, my) = f.mcus();
        for c in &mut f.components {
            c.bw = mx * c.h;
            c.bh = my * c.v;
            c.dc = vec![0; c.bw * c.bh];
        }
        Ok(f)
    }

    fn mcus(&self) -> (usize, usize) {
        (
            self.width.div_ceil(8 * self.hmax),
            self.height.div_ceil(8 * self.vmax),
        )
    }
}

/// One scan's header: the components (index into the frame, DC table), Ss, Ah and Al.
struct Scan {
    parts: Vec<(usize, usize)>,
    ss: u8,
    ah: u8,
    al: u8,
}

/// A scan's header, checked as a full decoder checks it (T.81 B.2.3, G.1.1.1).
fn scan_header(body: &[u8], f: &Frame) -> Result<Scan, Error> {
    let bad = |why: &str| Error::Invalid(format!("a JPEG scan header {why}"));
    let n = usize::from(*body.first().ok_or_else(|| bad("is cut short"))?);
    if n == 0 || n > f.components.len() {
        return Err(bad("names no or too many components"));
    }
    let mut parts: Vec<(usize, usize)> = Vec::new();
    for i in 0..n {
        let id = *body.get(1 + i * 2).ok_or_else(|| bad("is cut short"))?;
        let td = usize::from(*body.get(2 + i * 2).ok_or_else(|| bad("is cut short"))? >> 4);
        let c = f.components.iter().position(|c| c.id == id);
        match c {
            Some(c) if td <= 3 && parts.iter().all(|(p, _)| *p != c) => parts.push((c, td)),
            _ => return Err(bad("names a component or table wrongly")),
        }
    }
    let blocks: usize = parts
        .iter()
        .map(|(c, _)| f.components[*c].h * f.components[*c].v)
        .sum();
    if n > 1 && blocks > 10 {
        return Err(bad("has more than ten blocks per MCU"));
    }
    let rest = body
        .get(1 + n * 2..1 + n * 2 + 3)
        .ok_or_else(|| bad("is cut short"))?;
    let (ss, se, ah, al) = (rest[0], rest[1], rest[2] >> 4, rest[2] & 15);
    let dc_ok = ss != 0 || se == 0;
    if !dc_ok || ss > 63 || se > 63 || al > 13 || (ah != 0 && ah != al + 1) {
        return Err(bad("has a band or precision out of range"));
    }
    Ok(Scan { parts, ss, ah, al })
}

/// Decodes one DC scan into the frame's DC values; returns the marker that ended it.
fn dc_scan(
    r: &mut impl BufRead,
    f: &mut Frame,
    s: &Scan,
    tables: &[Option<Huffman>; 4],
    quant: &[Option<i32>; 4],
    restart: usize,
) -> Result<Option<u8>, Error> {
    for &(ci, _) in &s.parts {
        let c = &mut f.components[ci];
        if c.q.is_none() {
            let q = quant[c.quant]
                .ok_or_else(|| Error::Invalid("a JPEG quantisation table is missing".into()))?;
            c.q = Some(q);
        }
    }
    let mut bits = Bits {
        r,
        acc: 0,
        n: 0,
        marker: None,
    };
    let mut pred = vec![0i32; s.parts.len()];
    // A scan of one component goes block by block over just its own blocks (T.81 A.2.2).
    let single = s.parts.len() == 1;
    let (across, down) = if single {
        let c = &f.components[s.parts[0].0];
        (
            (f.width * c.h).div_ceil(8 * f.hmax),
            (f.height * c.v).div_ceil(8 * f.vmax),
        )
    } else {
        f.mcus()
    };
    for i in 0..across * down {
        let (ux, uy) = (i % across, i / across);
        if restart > 0 && i > 0 && i % restart == 0 {
            bits.restart()?;
            pred.iter_mut().for_each(|p| *p = 0);
        }
        // The data ended before the blocks did (a valid scan never reads past its data):
        // the rest is not worth a pass over every block.
        if bits.marker.is_some() {
            return Ok(bits.marker);
        }
        for (k, &(ci, td)) in s.parts.iter().enumerate() {
            let c = &f.components[ci];
            let (h, v, bw) = if single {
                (1, 1, c.bw)
            } else {
                (c.h, c.v, c.bw)
            };
            for by in 0..v {
                for bx in 0..h {
                    let at = (uy * v + by) * bw + ux * h + bx;
                    let value = if s.ah == 0 {
                        let table = tables[td]
                            .as_ref()
                            .ok_or_else(|| Error::Invalid("a JPEG DC table is missing".into()))?;
                        let t = bits.decode(table)?;
                        if t > 16 {
                            return invalid("a JPEG DC difference is out of range");
                        }
                        let mut diff = bits.bits(t)?;
                        if t > 0 && diff < 1 << (t - 1) {
                            diff -= (1 << t) - 1;
                        }
                        // A hostile file may drive the predictor anywhere: wrap, never panic.
                        pred[k] = pred[k].wrapping_add(diff);
                        Some(pred[k].wrapping_shl(u32::from(s.al)))
                    } else {
                        let bit = bits.bit()? as i32;
                        f.components[ci]
                            .dc
                            .get(at)
                            .map(|d| d | bit.wrapping_shl(u32::from(s.al)))
                    };
                    if let (Some(slot), Some(v)) = (f.components[ci].dc.get_mut(at), value) {
                        *slot = v;
                    }
                }
            }
        }
    }
    Ok(bits.marker)
}

/// Skips entropy-coded data up to the next marker other than a restart.
fn skip_scan(r: &mut impl BufRead) -> Result<u8, Error> {
    loop {
        if byte(r)? != 0xFF {
            continue;
        }
        let mut m = byte(r)?;
        while m == 0xFF {
            m = byte(r)?;
        }
        if m != 0 && !(0xD0..=0xD7).contains(&m) {
            return Ok(m);
        }
    }
}

/// The picture at 1/8 scale (each side rounded up) of the progressive JPEG `r` reads, which
/// may declare at most `max_pixels`; None for a kind of JPEG left to the full decoder.
pub fn decode(r: &mut impl BufRead, max_pixels: u64) -> Result<Option<DynamicImage>, Error> {
    match decode_dc(r, max_pixels) {
        Err(Error::Invalid(why)) if why == NOT_HERE => Ok(None),
        other => other.map(Some),
    }
}

/// How the colour components are stored (jpeg-decoder's order of evidence).
#[derive(Default)]
struct Marks {
    jfif: bool,
    adobe: Option<u8>,
}

fn decode_dc(r: &mut impl BufRead, max_pixels: u64) -> Result<DynamicImage, Error> {
    if (byte(r)?, byte(r)?) != (0xFF, 0xD8) {
        return invalid("not a JPEG");
    }
    let mut quant: [Option<i32>; 4] = [None; 4];
    let mut scans = 0usize;
    let mut tables: [Option<Huffman>; 4] = Default::default();
    let mut frame: Option<Frame> = None;
    let mut restart = 0usize;
    let mut marks = Marks::default();
    let mut next: Option<u8> = None;
    loop {
        let m = match next.take() {
            Some(m) => m,
            None => {
                while byte(r)? != 0xFF {}
                next_after_fill(r)?
            }
        };
        match m {
            0xD9 => break,
            0xD0..=0xD7 | 0x01 => {}
            0xDB => read_quant(&segment(r)?, &mut quant)?,
            0xC4 => read_huffman(&segment(r)?, &mut tables)?,
            0xDD => {
                let b = segment(r)?;
                restart = usize::from(u16::from_be_bytes([
                    *b.first().unwrap_or(&0),
                    *b.get(1).unwrap_or(&0),
                ]));
            }
            0xE0 => marks.jfif |= segment(r)?.starts_with(b"JFIF\0"),
            0xEE => {
                let b = segment(r)?;
                if b.starts_with(b"Adobe") {
                    marks.adobe = b.get(11).copied();
                }
            }
            0xC2 if frame.is_some() => return invalid("a JPEG with two frames"),
            0xC2 => frame = Some(Frame::parse(&segment(r)?, max_pixels)?),
            0xC0 | 0xC1 | 0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => return not_here(),
            0xD8 => return invalid("a JPEG starts again inside itself"),
            0xDA => {
                scans += 1;
                if scans > MAX_SCANS {
                    return invalid("the JPEG has too many scans");
                }
                let body = segment(r)?;
                let f = frame
                    .as_mut()
                    .ok_or_else(|| Error::Invalid("a JPEG scan comes before its frame".into()))?;
                let s = scan_header(&body, f)?;
                next = Some(if s.ss == 0 {
                    match dc_scan(r, f, &s, &tables, &quant, restart)? {
                        Some(m) => m,
                        None => skip_scan(r)?,
                    }
                } else {
                    skip_scan(r)?
                });
            }
            _ => {
                segment(r)?;
            }
        }
    }
    let f = frame.ok_or_else(|| Error::Invalid("a JPEG without a frame".into()))?;
    let rgb = stored_as_rgb(&f, &marks);
    picture(&f, rgb)
}

/// Whether three components are R, G, B rather than Y, Cb, Cr.
fn stored_as_rgb(f: &Frame, marks: &Marks) -> bool {
    let ids: Vec<u8> = f.components.iter().map(|c| c.id).collect();
    if ids == [1, 2, 3] {
        return false;
    }
    if ids == *b"RGB" {
        return true;
    }
    !marks.jfif && marks.adobe == Some(0)
}

fn read_quant(body: &[u8], quant: &mut [Option<i32>; 4]) -> Result<(), Error> {
    let mut at = 0;
    while at < body.len() {
        let pq = body[at] >> 4;
        let id = usize::from(body[at] & 3);
        // The first value of a table, in zigzag order, is the DC one.
        let dc = match pq {
            0 => body.get(at + 1).map(|v| i32::from(*v)),
            _ => body
                .get(at + 1..at + 3)
                .map(|v| i32::from(u16::from_be_bytes([v[0], v[1]]))),
        };
        quant[id] = Some(
            dc.ok_or_else(|| Error::Invalid("a JPEG quantisation table is cut short".into()))?,
        );
        at += 1 + if pq == 0 { 64 } else { 128 };
    }
    Ok(())
}

fn read_huffman(body: &[u8], tables: &mut [Option<Huffman>; 4]) -> Result<(), Error> {
    let mut at = 0;
    while at < body.len() {
        let (class, id) = (body[at] >> 4, usize::from(body[at] & 3));
        let counts: [u8; 16] = body
            .get(at + 1..at + 17)
            .and_then(|c| c.try_into().ok())
            .ok_or_else(|| Error::Invalid("a JPEG Huffman table is cut short".into()))?;
        let n: usize = counts.iter().map(|c| usize::from(*c)).sum();
        let values = body
            .get(at + 17..at + 17 + n)
            .ok_or_else(|| Error::Invalid("a JPEG Huffman table is cut short".into()))?;
        if class == 0 {
            tables[id] = Some(Huffman::new(&counts, values.to_vec()));
        }
        at += 17 + n;
    }
    Ok(())
}

/// The DC values as pixels: a DC-only block's samples are all DC × Q / 8 + 128.
fn picture(f: &Frame, rgb: bool) -> Result<DynamicImage, Error> {
    let (w, h) = (f.width.div_ceil(8), f.height.div_ceil(8));
    // As jpeg-decoder's 1×1 inverse DCT: floor(DC × Q / 8) + 128.
    let sample = |c: &Component, x: usize, y: usize| -> i32 {
        let (bx, by) = (x * c.h / f.hmax, y * c.v / f.vmax);
        let dc = c.dc.get(by * c.bw + bx).copied().unwrap_or(0);
        (dc.clamp(-4096, 4096) * c.q.unwrap_or(1)).div_euclid(8) + 128
    };
    let clamp = |v: i32| v.clamp(0, 255) as u8;
    let (wu, hu) = (w as u32, h as u32);
    if let [g] = f.components.as_slice() {
        let px = (0..h)
            .flat_map(|y| (0..w).map(move |x| clamp(sample(g, x, y))))
            .collect();
        return GrayImage::from_raw(wu, hu, px)
            .map(Into::into)
            .map_or_else(|| invalid("the JPEG is too small"), Ok);
    }
    let [a, b, c] = f.components.as_slice() else {
        return invalid("only grey and three-component JPEGs are decoded this way");
    };
    let mut px = Vec::with_capacity(w * h * 3);
    for y in 0..h {
        for x in 0..w {
            let (p, q, r) = (sample(a, x, y), sample(b, x, y), sample(c, x, y));
            if rgb {
                px.extend_from_slice(&[clamp(p), clamp(q), clamp(r)]);
                continue;
            }
            // JFIF's YCbCr to RGB.
            let (yy, cb, cr) = (p as f32, (q - 128) as f32, (r - 128) as f32);
            px.extend_from_slice(&[
                clamp((yy + 1.402 * cr).round() as i32),
                clamp((yy - 0.344_136 * cb - 0.714_136 * cr).round() as i32),
                clamp((yy + 1.772 * cb).round() as i32),
            ]);
        }
    }
    RgbImage::from_raw(wu, hu, px)
        .map(Into::into)
        .map_or_else(|| invalid("the JPEG is too small"), Ok)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A picture with colour ramps and large blocks, as a progressive JPEG. (Colour edges a few
    /// pixels apart at 1/8 scale would measure how the full decoder smooths its colour planes.)
    fn jpeg(w: u16, h: u16, grey: bool, restart: u16, sub: bool) -> Vec<u8> {
        let (w32, h32) = (u32::from(w), u32::from(h));
        let mut px = Vec::new();
        for y in 0..h32 {
            for x in 0..w32 {
                let v = [x * 255 / w32, y * 255 / h32, (x / 160 + y / 120) % 2 * 200];
                px.extend(v.map(|c| c as u8).iter().take(if grey { 1 } else { 3 }));
            }
        }
        let mut out = Vec::new();
        let mut e = jpeg_encoder::Encoder::new(&mut out, 90);
        e.set_progressive(true);
        e.set_restart_interval(restart);
        let kind = if grey {
            jpeg_encoder::ColorType::Luma
        } else {
            e.set_sampling_factor(match sub {
                true => jpeg_encoder::SamplingFactor::R_4_2_0,
                false => jpeg_encoder::SamplingFactor::R_4_4_4,
            });
            jpeg_encoder::ColorType::Rgb
        };
        e.encode(&px, w, h, kind).unwrap();
        out
    }

    /// The full decoder's picture at 1/8 scale.
    fn reference(bytes: &[u8], w: u16, h: u16) -> Vec<u8> {
        let mut d = jpeg_decoder::Decoder::new(bytes);
        d.read_info().unwrap();
        d.scale(w.div_ceil(8), h.div_ceil(8)).unwrap();
        d.decode().unwrap()
    }

    #[test]
    fn the_dc_picture_is_what_a_full_decoder_makes_at_an_eighth() {
        // (width, height, grey, restart interval, colour at half resolution, mean difference)
        let cases = [
            (803, 611, false, 0, false, 1.0),
            (333, 200, true, 3, false, 1.0),
            // The full decoder smooths half-resolution colour as it scales it up; replicated
            // colour differs from that along colour edges, a misplaced block far more.
            (803, 611, false, 0, true, 6.0),
            (640, 480, false, 7, true, 6.0),
        ];
        for (w, h, grey, restart, sub, most) in cases {
            let bytes = jpeg(w, h, grey, restart, sub);
            let ours = decode(&mut &bytes[..], 1 << 24).unwrap().unwrap();
            assert_eq!(
                (ours.width(), ours.height()),
                (u32::from(w.div_ceil(8)), u32::from(h.div_ceil(8)))
            );
            let ours = if grey {
                ours.to_luma8().into_raw()
            } else {
                ours.to_rgb8().into_raw()
            };
            let theirs = reference(&bytes, w, h);
            assert_eq!(ours.len(), theirs.len());
            let diff: Vec<u32> = ours
                .iter()
                .zip(&theirs)
                .map(|(a, b)| u32::from(a.abs_diff(*b)))
                .collect();
            let mean = f64::from(diff.iter().sum::<u32>()) / diff.len() as f64;
            assert!(mean < most, "{w}×{h}: mean difference {mean}");
            let close = diff.iter().filter(|d| **d <= 3).count() as f64 / diff.len() as f64;
            assert!(sub || close > 0.99, "{w}×{h}: only {close} within 3");
        }
    }

    #[test]
    fn baseline_jpegs_are_left_to_the_full_decoder() {
        let mut out = Vec::new();
        let e = jpeg_encoder::Encoder::new(&mut out, 90);
        e.encode(&[9; 16 * 16 * 3], 16, 16, jpeg_encoder::ColorType::Rgb)
            .unwrap();
        assert!(decode(&mut &out[..], 1 << 24).unwrap().is_none());
    }

    #[test]
    fn scans_without_data_cost_nothing_and_are_counted() {
        // 7071×7071 under the pixel limit, then empty DC refinement scans.
        let mut b = vec![0xFF, 0xD8, 0xFF, 0xDB, 0, 67, 0];
        b.extend([1u8; 64]);
        b.extend([0xFF, 0xC2, 0, 17, 8, 0x1B, 0x9F, 0x1B, 0x9F, 3]);
        b.extend([1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]);
        for _ in 0..MAX_SCANS + 1 {
            b.extend([0xFF, 0xDA, 0, 12, 3, 1, 0, 2, 0, 3, 0, 0, 0, 0x10]);
        }
        b.extend([0xFF, 0xD9]);
        let refused = decode(&mut &b[..], 50_000_000);
        assert!(matches!(refused, Err(Error::Invalid(w)) if w.contains("too many scans")));
    }

    #[test]
    fn broken_files_are_refused_not_panicked_on() {
        let bytes = jpeg(200, 100, false, 0, true);
        for cut in [2, 20, 300, bytes.len() / 2] {
            assert!(decode(&mut &bytes[..cut], 1 << 24).is_err(), "cut at {cut}");
        }
        assert!(
            decode(&mut &bytes[..], 200 * 100 - 1).is_err(),
            "over the pixel limit"
        );
        let mut seed = 7u32;
        for _ in 0..1000 {
            let mut b = bytes.clone();
            for _ in 0..8 {
                seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                let at = 2 + (seed as usize >> 8) % (b.len() - 2);
                b[at] = (seed >> 3) as u8;
            }
            let _ = decode(&mut &b[..], 1 << 24);
        }
    }
}
