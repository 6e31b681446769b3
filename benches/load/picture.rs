//! `--picture MP`: the server's memory while it takes one large JPEG upload and makes its
//! thumbnail. The photo is made here (a 3:2 frame, 4:2:0 like a phone's, baseline and then
//! progressive), uploaded as a raw body, and the server's VmHWM read before and after.
use crate::status_field;
use crate::target::{Own, Target};
use std::path::Path;
use std::time::Instant;

/// A photo-like picture: smooth gradients with some texture, so it compresses like a photo.
fn photo(w: u32, h: u32, progressive: bool) -> Vec<u8> {
    let mut px = Vec::with_capacity((w * h * 3) as usize);
    let mut seed = 0x2545_f491_u32;
    for y in 0..h {
        for x in 0..w {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let noise = (seed >> 28) as u8; // 0..15: sensor grain
            px.extend_from_slice(&[
                (x * 200 / w) as u8 + noise,
                (y * 200 / h) as u8 + noise,
                ((x / 97 + y / 89) % 2 * 120) as u8 + noise,
            ]);
        }
    }
    let mut out = Vec::new();
    let mut e = jpeg_encoder::Encoder::new(&mut out, 90);
    e.set_sampling_factor(jpeg_encoder::SamplingFactor::R_4_2_0);
    e.set_progressive(progressive);
    e.encode(&px, w as u16, h as u16, jpeg_encoder::ColorType::Rgb)
        .expect("encode");
    out
}

pub fn measure(pump: &Path, dir: &Path, port: u16, megapixels: u32) {
    let h = ((f64::from(megapixels) * 1e6 / 1.5).sqrt()) as u32;
    let w = h * 3 / 2;
    for progressive in [false, true] {
        let kind = if progressive {
            "progressive"
        } else {
            "baseline"
        };
        let _ = std::fs::remove_dir_all(dir);
        let own = Own::start(
            &pump.to_path_buf(),
            dir.to_path_buf(),
            port,
            Default::default(),
        );
        let pid = own.pid();
        let t = Target::connect("pump", &format!("http://127.0.0.1:{port}"), Some(own));
        let jpeg = photo(w, h, progressive);
        std::thread::sleep(std::time::Duration::from_millis(300));
        let idle = status_field(pid, "VmRSS:");
        let idle_peak = status_field(pid, "VmHWM:");
        let path = format!("/api/user/{}/uploads", t.alice.0);
        let auth = t.alice.1.header("POST", &format!("{}{path}", t.base), &[]);
        eprintln!("uploading {:.1} MB…", jpeg.len() as f64 / 1e6);
        let mut c = t.conn();
        let start = Instant::now();
        let a = c
            .send(
                "POST",
                &path,
                &[("Authorization", &auth), ("Content-Type", "image/jpeg")],
                &jpeg,
            )
            .expect("upload");
        let took = start.elapsed();
        let peak = status_field(pid, "VmHWM:");
        let answer = String::from_utf8_lossy(&a.body);
        let thumb = serde_json::from_slice::<serde_json::Value>(&a.body)
            .map(|v| format!("{}×{}", v["image"]["width"], v["image"]["height"]))
            .unwrap_or_default();
        println!(
            "{w}×{h} {kind} JPEG ({:.1} MB): HTTP {} in {:.2} s, thumbnail {thumb}; server RSS idle {:.1} MiB (peak before {:.1}), peak {:.1} MiB = {:.1} MiB above idle",
            jpeg.len() as f64 / 1e6,
            a.status,
            took.as_secs_f64(),
            idle as f64 / 1024.0,
            idle_peak as f64 / 1024.0,
            peak as f64 / 1024.0,
            peak.saturating_sub(idle) as f64 / 1024.0,
        );
        if a.status != 200 {
            println!("  answer: {answer}");
        }
    }
}
