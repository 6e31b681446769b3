//! The request as handlers see it: method, path, query, headers and the whole (bounded) body.
use crate::error::{Error, Result};
use crate::util::enc;
use bytes::Bytes;
use hyper::HeaderMap;
use serde_json::Value;

pub struct Req {
    /// Upper-case method, after `X-HTTP-Method-Override`.
    pub method: String,
    /// The method exactly as sent (which POSTs carry files depends on it, not on an override).
    pub wire_method: String,
    /// The path exactly as sent (still percent-encoded), without the query.
    pub path: String,
    /// The raw query string, without `?`.
    pub query: String,
    pub headers: HeaderMap,
    pub body: Bytes,
    /// A file body streamed to disk (uploads), instead of `body`.
    pub upload: Option<FileBody>,
    /// What the service found when it admitted a file body before reading it (the OAuth
    /// signature does not cover such a body), so that nobody unauthenticated can make the
    /// server write to disk: see `Service::admit_file_body`.
    pub admitted: Option<Box<dyn std::any::Any>>,
    /// The access policy the handler asked for (the route table checks it against its row).
    pub asked: std::cell::Cell<Option<&'static str>>,
    /// Deepest nesting accepted in a JSON body.
    pub max_json_depth: usize,
    /// The address the request came from (login throttling).
    pub peer: Option<std::net::IpAddr>,
}

/// A request body that is a file: raw, or the file part of a multipart form.
pub struct FileBody {
    /// The files: a raw body's one, or a multipart form's non-empty file parts in order.
    pub files: Vec<FilePart>,
    /// The other fields of a multipart form.
    pub fields: Vec<(String, String)>,
}

pub struct FilePart {
    /// The multipart field's name (empty for a raw body).
    pub name: String,
    /// The multipart part's Content-Type (a raw body's is the request's).
    pub mime: Option<String>,
    pub file: crate::util::tempfile::TempFile,
}

impl Req {
    /// A bodiless GET with no headers: for rendering outside a request.
    pub fn synthetic() -> Req {
        Req {
            method: "GET".into(),
            wire_method: "GET".into(),
            path: "/".into(),
            query: String::new(),
            headers: HeaderMap::new(),
            body: Bytes::new(),
            upload: None,
            admitted: None,
            asked: Default::default(),
            max_json_depth: 8,
            peer: None,
        }
    }

    /// The file streamed to disk, taken once, with its media type: the multipart part's, else
    /// `X-Mime-Type`, else the request's. None when the body was not a file.
    pub fn take_file(&self) -> Option<Result<(String, crate::util::tempfile::TempFile)>> {
        let first = self.upload.as_ref()?.files.first()?;
        Some(self.take_part(first).map(|(_, mime, file)| (mime, file)))
    }

    /// Every file of the body, in order: (field name, media type, file).
    pub fn take_files(&self) -> Result<Vec<(String, String, crate::util::tempfile::TempFile)>> {
        let Some(u) = self.upload.as_ref() else {
            return Ok(Vec::new());
        };
        u.files.iter().map(|p| self.take_part(p)).collect()
    }

    fn take_part(&self, p: &FilePart) -> Result<(String, String, crate::util::tempfile::TempFile)> {
        let mime_type = p
            .mime
            .clone()
            .or_else(|| self.header("x-mime-type").map(str::to_string))
            .unwrap_or_else(|| self.content_type());
        match p.file.take() {
            Some(file) => Ok((p.name.clone(), mime_type, file)),
            None => Err(Error::internal("upload taken twice")),
        }
    }

    /// A field that describes an upload: in the query, else in the multipart form.
    pub fn upload_field(&self, name: &str) -> Option<String> {
        self.query_param(name).or_else(|| {
            let fields = &self.upload.as_ref()?.fields;
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        })
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// The media type of the body, lower-case, without parameters.
    pub fn content_type(&self) -> String {
        self.header("content-type")
            .unwrap_or("")
            .split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    }

    pub fn query_pairs(&self) -> Vec<(String, String)> {
        enc::form_pairs(&self.query)
    }

    pub fn query_param(&self, name: &str) -> Option<String> {
        self.query_pairs()
            .into_iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v)
    }

    /// Form fields when the body is `application/x-www-form-urlencoded`, else none.
    pub fn form_pairs(&self) -> Vec<(String, String)> {
        if self.content_type() == "application/x-www-form-urlencoded" {
            enc::form_pairs(&String::from_utf8_lossy(&self.body))
        } else {
            Vec::new()
        }
    }

    /// The body as JSON. A malformed or too deeply nested body is a 400.
    pub fn json(&self) -> Result<Value> {
        if self.body.is_empty() {
            return Err(Error::bad("Request body is empty; expected a JSON object"));
        }
        if json_depth(&self.body) > self.max_json_depth {
            return Err(Error::bad(format!(
                "JSON body is nested deeper than {} levels",
                self.max_json_depth
            )));
        }
        serde_json::from_slice(&self.body)
            .map_err(|e| Error::bad(format!("Malformed JSON body: {e}")))
    }

    /// Body fields from JSON or a form, as a JSON object (forms give strings).
    pub fn fields(&self) -> Result<serde_json::Map<String, Value>> {
        match self.content_type().as_str() {
            "application/x-www-form-urlencoded" => {
                // A key given more than once is an array, as the original's body parser made it.
                let mut m = serde_json::Map::new();
                for (k, v) in self.form_pairs() {
                    match m.get_mut(&k) {
                        Some(Value::Array(a)) => a.push(Value::String(v)),
                        Some(first) => *first = Value::Array(vec![first.take(), Value::String(v)]),
                        None => {
                            m.insert(k, Value::String(v));
                        }
                    }
                }
                Ok(m)
            }
            _ => match self.json()? {
                Value::Object(m) => Ok(m),
                _ => Err(Error::bad("Request body must be a JSON object")),
            },
        }
    }

    pub fn accepts_html(&self) -> bool {
        self.header("accept")
            .is_some_and(|a| a.contains("text/html"))
    }

    pub fn is_xhr(&self) -> bool {
        self.header("x-requested-with")
            .is_some_and(|v| v.eq_ignore_ascii_case("XMLHttpRequest"))
    }

    /// Path segments, percent-decoded.
    pub fn segments(&self) -> Vec<String> {
        self.path
            .split('/')
            .filter(|s| !s.is_empty())
            .map(enc::unpct)
            .collect()
    }
}

/// Maximum nesting of arrays and objects, ignoring brackets inside strings.
fn json_depth(b: &[u8]) -> usize {
    let (mut depth, mut max, mut in_str, mut esc) = (0usize, 0usize, false, false);
    for &c in b {
        if in_str {
            match (esc, c) {
                (true, _) => esc = false,
                (false, b'\\') => esc = true,
                (false, b'"') => in_str = false,
                _ => {}
            }
            continue;
        }
        match c {
            b'"' => in_str = true,
            b'[' | b'{' => {
                depth += 1;
                max = max.max(depth);
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
    }
    max
}

#[cfg(test)]
mod tests {
    #[test]
    fn depth_ignores_strings() {
        assert_eq!(super::json_depth(br#"{"a":[1,{"b":"[[[{"}]}"#), 3);
    }
}
