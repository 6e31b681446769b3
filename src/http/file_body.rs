//! File bodies streamed to disk: an upload's raw body, or the file parts of a multipart form
//! (the web UI's picture form sends up to `maxPicturesPerPost`), each within `maxUploadSize`.
use super::limits::BodyClock;
use super::multipart::{Event, Parser};
use super::request::{FileBody, FilePart};
use super::response::{Resp, JSON};
use super::server::bad_body;
use crate::config::Config;
use crate::util::tempfile::TempFile;
use hyper::body::Incoming;
use smol::io::AsyncWriteExt;
use std::path::Path;

/// Largest total size of the non-file fields of a multipart upload.
const MAX_FORM_FIELDS: usize = 64 << 10;

/// One file being written under `<uploads>/.incoming`; removed if dropped before `finish`.
struct Sink {
    temp: TempFile,
    out: smol::Unblock<std::fs::File>,
    size: u64,
}

impl Sink {
    fn create(incoming: &Path) -> std::io::Result<Sink> {
        let path = incoming.join(crate::util::rand::token(16));
        let file = std::fs::File::create(&path)?;
        Ok(Sink {
            temp: TempFile::new(path, 0),
            out: smol::Unblock::new(file),
            size: 0,
        })
    }

    async fn finish(mut self) -> std::io::Result<TempFile> {
        self.out.flush().await?;
        let file = self.out.into_inner().await;
        smol::unblock(move || file.sync_all()).await?;
        self.temp.size = self.size;
        Ok(self.temp)
    }
}

fn too_large(limit: u64) -> Resp {
    Resp::new(
        413,
        JSON,
        format!(r#"{{"error":"Upload is larger than {limit} bytes"}}"#),
    )
    .with("connection", "close")
}

fn internal(e: std::io::Error) -> Resp {
    log::error!("upload: {e}");
    Resp::new(500, JSON, r#"{"error":"Internal server error"}"#)
}

/// Where a file body goes: the uploads directory, and how many files a form may hold.
pub struct Dest<'a> {
    pub dir: &'a Path,
    pub most_files: usize,
}

/// Writes the body to new files under `<uploads>/.incoming`, within the time `clock` allows:
/// a raw body is one file; a multipart form gives each non-empty file part its own.
pub async fn stream_to_file(
    cfg: &Config,
    to: Dest<'_>,
    headers: &hyper::HeaderMap,
    mut body: Incoming,
    mut clock: BodyClock,
) -> Result<FileBody, Resp> {
    let limit = cfg.max_upload_size;
    let ct = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let mut parser = if ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        let b = super::multipart::boundary(ct).ok_or_else(|| bad_body("no multipart boundary"))?;
        Some(Parser::new(&b))
    } else {
        None
    };
    let most_files = if parser.is_some() {
        to.most_files.max(1)
    } else {
        1
    };
    let declared = headers
        .get("content-length")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok());
    let bound = limit.saturating_mul(most_files as u64) + MAX_FORM_FIELDS as u64;
    if declared.is_some_and(|n| n > bound) {
        return Err(too_large(limit));
    }
    let incoming = crate::util::tempfile::incoming_dir(to.dir);
    std::fs::create_dir_all(&incoming).map_err(internal)?;
    let mut form = Form::new(&incoming, limit, most_files, parser.is_none())?;
    // The headers may say nothing of the size (chunked): the body is counted as it comes.
    let mut total = 0u64;
    while let Some(data) = clock.next(&mut body).await? {
        total += data.len() as u64;
        if total > bound {
            return Err(too_large(limit));
        }
        let events = match parser.as_mut() {
            Some(p) => p.feed(&data).map_err(bad_body)?,
            None => vec![Event::Data(data.to_vec())],
        };
        for event in events {
            form.take(event).await?;
        }
    }
    if let Some(p) = &parser {
        if !p.done() {
            return Err(bad_body("the multipart body is incomplete"));
        }
    }
    form.finish().await
}

/// What a body has given so far: finished files, the one being written, the fields.
struct Form<'a> {
    incoming: &'a Path,
    limit: u64,
    most_files: usize,
    done: Vec<FilePart>,
    /// The file part being written: its field name, Content-Type and sink.
    current: Option<(String, Option<String>, Sink)>,
    fields: Vec<(String, String)>,
    field: Option<(String, Vec<u8>)>,
    field_bytes: usize,
    /// Inside a file part that is skipped (an empty file input sends one with no name).
    skipping: bool,
}

impl<'a> Form<'a> {
    fn new(incoming: &'a Path, limit: u64, most_files: usize, raw: bool) -> Result<Self, Resp> {
        let current = match raw {
            true => Some((
                String::new(),
                None,
                Sink::create(incoming).map_err(internal)?,
            )),
            false => None,
        };
        Ok(Form {
            incoming,
            limit,
            most_files,
            done: Vec::new(),
            current,
            fields: Vec::new(),
            field: None,
            field_bytes: 0,
            skipping: false,
        })
    }

    async fn take(&mut self, event: Event) -> Result<(), Resp> {
        match event {
            Event::Part {
                name,
                filename: Some(filename),
                content_type,
            } => {
                if filename.is_empty() {
                    self.skipping = true;
                } else if self.done.len() >= self.most_files {
                    return Err(bad_body(&match self.most_files {
                        1 => "only one file in one form".to_string(),
                        n => format!("at most {n} files in one form"),
                    }));
                } else {
                    let sink = Sink::create(self.incoming).map_err(internal)?;
                    self.current = Some((name, content_type, sink));
                }
            }
            Event::Part { name, .. } => {
                // A field's name counts too: many empty fields must not pile up unbounded.
                self.field_bytes += name.len() + 1;
                if self.field_bytes > MAX_FORM_FIELDS {
                    return Err(too_large(self.limit));
                }
                self.field = Some((name, Vec::new()));
            }
            Event::Data(d) => self.data(&d).await?,
            Event::PartEnd => self.part_end().await?,
        }
        Ok(())
    }

    async fn data(&mut self, d: &[u8]) -> Result<(), Resp> {
        if let Some((_, _, sink)) = self.current.as_mut() {
            sink.size += d.len() as u64;
            if sink.size > self.limit {
                return Err(too_large(self.limit));
            }
            return sink.out.write_all(d).await.map_err(internal);
        }
        // Fields, and what a skipped file part holds, share one bound.
        self.field_bytes += d.len();
        if self.field_bytes > MAX_FORM_FIELDS {
            return Err(too_large(self.limit));
        }
        if self.skipping {
            return Ok(());
        }
        if let Some((_, v)) = self.field.as_mut() {
            v.extend_from_slice(d);
        }
        Ok(())
    }

    async fn part_end(&mut self) -> Result<(), Resp> {
        self.skipping = false;
        if let Some((name, mime, sink)) = self.current.take() {
            let file = sink.finish().await.map_err(internal)?;
            self.done.push(FilePart { name, mime, file });
        }
        if let Some((k, v)) = self.field.take() {
            self.fields
                .push((k, String::from_utf8_lossy(&v).into_owned()));
        }
        Ok(())
    }

    /// A raw body's one file is finished here; a form without a file part has an empty one.
    async fn finish(mut self) -> Result<FileBody, Resp> {
        if let Some((name, mime, sink)) = self.current.take() {
            let file = sink.finish().await.map_err(internal)?;
            self.done.push(FilePart { name, mime, file });
        }
        Ok(FileBody {
            files: self.done,
            fields: self.fields,
        })
    }
}
