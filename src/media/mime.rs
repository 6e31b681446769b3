//! MIME types of uploads: file extension and object type (activities.md §2.5).
const MAP: &[(&str, &str, &str)] = &[
    ("image/gif", "gif", "image"),
    ("image/jpeg", "jpg", "image"),
    ("image/png", "png", "image"),
    ("image/svg+xml", "svg", "image"),
    ("image/webp", "webp", "image"),
    ("audio/flac", "flac", "audio"),
    ("audio/mpeg", "mp3", "audio"),
    ("audio/ogg", "ogg", "audio"),
    ("audio/x-wav", "wav", "audio"),
    ("video/3gpp", "3gp", "video"),
    ("video/mpeg", "mpg", "video"),
    ("video/mp4", "mp4", "video"),
    ("video/quicktime", "mov", "video"),
    ("video/ogg", "ogv", "video"),
    ("video/webm", "webm", "video"),
    ("video/x-msvideo", "avi", "video"),
];

/// `(extension, object type)` for a MIME type; unlisted types are files (`bin`), but other
/// `image/*`, `audio/*` and `video/*` keep their kind.
pub fn classify(mime: &str) -> (&'static str, &'static str) {
    let mime = mime
        .split(';')
        .next()
        .unwrap_or("")
        .trim()
        .to_ascii_lowercase();
    if let Some((_, ext, kind)) = MAP.iter().find(|(m, _, _)| *m == mime) {
        return (ext, kind);
    }
    let kind = match mime.split('/').next() {
        Some("image") => "image",
        Some("audio") => "audio",
        Some("video") => "video",
        _ => "file",
    };
    ("bin", kind)
}

/// The Content-Type to serve a stored file with, from its extension.
pub fn for_extension(ext: &str) -> Option<&'static str> {
    if ext == "bin" {
        return Some("application/octet-stream");
    }
    MAP.iter().find(|(_, e, _)| *e == ext).map(|(m, _, _)| *m)
}

#[cfg(test)]
mod tests {
    #[test]
    fn classification() {
        assert_eq!(super::classify("image/jpeg"), ("jpg", "image"));
        assert_eq!(super::classify("image/x-rare"), ("bin", "image"));
        assert_eq!(super::classify("application/pdf; q=1"), ("bin", "file"));
        assert_eq!(super::for_extension("mp4"), Some("video/mp4"));
        assert_eq!(super::for_extension("exe"), None);
    }
}
