//! Pictures made from an upload: the timeline thumbnail and the square avatar. Decoding is
//! bounded (pixels and bytes); JPEGs are decoded at the smallest scale (1/8, 1/4, 1/2 or full)
//! that still covers the output, so a 24-megapixel photo never exists in memory at full size.
//! Outputs carry no metadata, and the EXIF orientation is applied to their pixels.
use super::strip::{Format, Info};
use super::{invalid, Error};
use image::imageops::FilterType;
use image::{DynamicImage, GrayImage, ImageFormat, RgbImage};
use std::io::{BufReader, BufWriter, Write};
use std::path::Path;

#[derive(Clone, Copy, Debug)]
pub struct Limits {
    /// Largest width × height accepted.
    pub max_pixels: u64,
    /// Largest allocation a decoder may make, in bytes.
    pub max_alloc: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Shape {
    /// Scaled down so that the longer side is this long.
    Fit(u32),
    /// Centre-cropped to a square and scaled to this side.
    Square(u32),
}

/// A picture written to disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Made {
    pub width: u32,
    pub height: u32,
    pub ext: &'static str,
}

/// Refuses a picture whose declared size is beyond the limit, before anything is decoded.
pub fn check_size(info: &Info, limits: &Limits) -> Result<(), Error> {
    let pixels = u64::from(info.width) * u64::from(info.height);
    if pixels > limits.max_pixels {
        return Err(Error::Invalid(format!(
            "{}×{} pixels is more than the {} this server accepts",
            info.width, info.height, limits.max_pixels
        )));
    }
    Ok(())
}

/// The smallest decoded size (in stored orientation) from which `shape` can be made.
fn needed(info: &Info, shape: Shape) -> (u32, u32) {
    let (w, h) = (u64::from(info.width), u64::from(info.height));
    let (num, den) = match shape {
        Shape::Fit(side) => (u64::from(side), w.max(h)),
        Shape::Square(side) => (u64::from(side), w.min(h)),
    };
    let scale = |v: u64| (v * num).div_ceil(den.max(1)).clamp(1, v.max(1)) as u32;
    (scale(w), scale(h))
}

fn decode_jpeg(
    src: &Path,
    info: &Info,
    shape: Shape,
    limits: &Limits,
) -> Result<DynamicImage, Error> {
    let (w, h) = needed(info, shape);
    let eighth = (info.width.div_ceil(8), info.height.div_ceil(8));
    if info.progressive_bytes > 0 && w <= eighth.0 && h <= eighth.1 {
        // What the DC coefficients alone make is enough, and they take little memory. A
        // JPEG of a kind that path does not take (12-bit, CMYK) goes the full decoder's way;
        // a broken one is refused here, not decoded twice.
        let mut file = BufReader::new(std::fs::File::open(src)?);
        if let Some(img) = super::jpeg_dc::decode(&mut file, limits.max_pixels)? {
            return Ok(img);
        }
    }
    // A progressive JPEG is decoded from coefficients kept for the whole picture, whatever the
    // output scale; the decoder's own limit does not count them.
    if info.progressive_bytes > limits.max_alloc {
        return Err(Error::Invalid(format!(
            "decoding this progressive JPEG would take {} MiB, more than the {} MiB this server allows",
            info.progressive_bytes >> 20,
            limits.max_alloc >> 20
        )));
    }
    let bad = |e: jpeg_decoder::Error| match e {
        jpeg_decoder::Error::Io(e) => Error::from(e),
        e => Error::Invalid(e.to_string()),
    };
    let mut d = jpeg_decoder::Decoder::new(BufReader::new(std::fs::File::open(src)?));
    d.set_max_decoding_buffer_size(usize::try_from(limits.max_alloc).unwrap_or(usize::MAX));
    d.read_info().map_err(bad)?;
    let clamp = |v: u32| u16::try_from(v).unwrap_or(u16::MAX);
    let (w, h) = d.scale(clamp(w), clamp(h)).map_err(bad)?;
    let pixels = d.decode().map_err(bad)?;
    let format = d.info().map(|i| i.pixel_format);
    let (w, h) = (u32::from(w), u32::from(h));
    let img = match format {
        Some(jpeg_decoder::PixelFormat::RGB24) => RgbImage::from_raw(w, h, pixels).map(Into::into),
        Some(jpeg_decoder::PixelFormat::L8) => GrayImage::from_raw(w, h, pixels).map(Into::into),
        Some(jpeg_decoder::PixelFormat::L16) => {
            // Big-endian samples: the high byte is enough for a preview.
            GrayImage::from_raw(w, h, pixels.chunks_exact(2).map(|p| p[0]).collect())
                .map(Into::into)
        }
        Some(jpeg_decoder::PixelFormat::CMYK32) => {
            // Adobe writes CMYK inverted, so each channel times K is already the RGB value.
            let rgb = pixels
                .chunks_exact(4)
                .flat_map(|p| {
                    let k = u16::from(p[3]);
                    [0, 1, 2].map(|i| (u16::from(p[i]) * k / 255) as u8)
                })
                .collect();
            RgbImage::from_raw(w, h, rgb).map(Into::into)
        }
        None => None,
    };
    img.map_or_else(|| invalid("the JPEG pixel data is incomplete"), Ok)
}

fn decode_other(
    src: &Path,
    format: Format,
    info: &Info,
    limits: &Limits,
) -> Result<DynamicImage, Error> {
    let format = match format {
        Format::Png => ImageFormat::Png,
        Format::Gif => ImageFormat::Gif,
        Format::Webp => ImageFormat::WebP,
        Format::Jpeg => return invalid("not a JPEG decoder"),
    };
    let mut reader =
        image::ImageReader::with_format(BufReader::new(std::fs::File::open(src)?), format);
    let mut l = image::Limits::default();
    l.max_image_width = Some(info.width);
    l.max_image_height = Some(info.height);
    l.max_alloc = Some(limits.max_alloc);
    reader.limits(l);
    reader.decode().map_err(|e| match e {
        image::ImageError::IoError(e) => Error::from(e),
        image::ImageError::Limits(_) => {
            Error::Invalid("decoding it would take more memory than this server allows".into())
        }
        e => Error::Invalid(e.to_string()),
    })
}

fn orient(img: DynamicImage, orientation: u8) -> DynamicImage {
    match orientation {
        2 => img.fliph(),
        3 => img.rotate180(),
        4 => img.flipv(),
        5 => img.rotate90().fliph(),
        6 => img.rotate90(),
        7 => img.rotate270().fliph(),
        8 => img.rotate270(),
        _ => img,
    }
}

fn write(img: &DynamicImage, jpeg_quality: Option<u8>, dst: &Path) -> Result<&'static str, Error> {
    let mut out = BufWriter::new(std::fs::File::create(dst)?);
    let ext = match jpeg_quality {
        Some(q) => {
            let (data, color) = match img {
                DynamicImage::ImageLuma8(g) => (g.as_raw().clone(), jpeg_encoder::ColorType::Luma),
                other => (other.to_rgb8().into_raw(), jpeg_encoder::ColorType::Rgb),
            };
            let (w, h) = (img.width(), img.height());
            let (w, h) = (u16::try_from(w), u16::try_from(h));
            let (Ok(w), Ok(h)) = (w, h) else {
                return invalid("the picture is too large for JPEG");
            };
            jpeg_encoder::Encoder::new(&mut out, q)
                .encode(&data, w, h, color)
                .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
            "jpg"
        }
        None => {
            img.write_to(&mut out, ImageFormat::Png)
                .map_err(|e| Error::Io(std::io::Error::other(e.to_string())))?;
            "png"
        }
    };
    out.flush()?;
    out.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    Ok(ext)
}

/// Decodes `src` (at the smallest scale from which `shape` can be made) and turns it upright.
/// Also how a picture too small for a thumbnail is checked: it must decode.
pub fn load(
    src: &Path,
    format: Format,
    info: &Info,
    shape: Shape,
    limits: &Limits,
) -> Result<DynamicImage, Error> {
    check_size(info, limits)?;
    let img = match format {
        Format::Jpeg => decode_jpeg(src, info, shape, limits)?,
        _ => decode_other(src, format, info, limits)?,
    };
    Ok(orient(img, info.orientation))
}

/// Decodes `src`, shapes it and writes it to `dst`: JPEG for JPEG sources (quality 80 for
/// thumbnails, 90 for avatars, as the original), PNG for the others, which may have alpha.
pub fn make(
    src: &Path,
    format: Format,
    info: &Info,
    shape: Shape,
    limits: &Limits,
    dst: &Path,
) -> Result<Made, Error> {
    let img = load(src, format, info, shape, limits)?;
    let img = match shape {
        Shape::Fit(side) => img.thumbnail(side, side),
        Shape::Square(side) => {
            let s = img.width().min(img.height());
            img.crop_imm((img.width() - s) / 2, (img.height() - s) / 2, s, s)
                .resize_exact(side, side, FilterType::Triangle)
        }
    };
    let quality = match (format, shape) {
        (Format::Jpeg, Shape::Fit(_)) => Some(80),
        (Format::Jpeg, Shape::Square(_)) => Some(90),
        _ => None,
    };
    let ext = write(&img, quality, dst)?;
    Ok(Made {
        width: img.width(),
        height: img.height(),
        ext,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needed_sizes() {
        let info = |width, height| Info {
            width,
            height,
            orientation: 1,
            progressive_bytes: 0,
        };
        assert_eq!(needed(&info(6000, 4000), Shape::Fit(320)), (320, 214));
        assert_eq!(needed(&info(4000, 6000), Shape::Square(96)), (96, 144));
        assert_eq!(needed(&info(50, 40), Shape::Square(96)), (50, 40));
    }

    #[test]
    fn oversized_is_refused_before_decoding() {
        let info = Info {
            width: 100_000,
            height: 100_000,
            orientation: 1,
            progressive_bytes: 0,
        };
        let limits = Limits {
            max_pixels: 50_000_000,
            max_alloc: 1 << 20,
        };
        assert!(matches!(check_size(&info, &limits), Err(Error::Invalid(_))));
    }
}
