//! Responses built by handlers; the server adds the common headers.
use bytes::Bytes;
use serde_json::Value;

pub const JSON: &str = "application/json; charset=utf-8";
pub const HTML: &str = "text/html; charset=utf-8";
pub const TEXT: &str = "text/plain; charset=utf-8";
pub const FORM: &str = "application/x-www-form-urlencoded";
pub const XRD: &str = "application/xrd+xml";

pub struct Resp {
    pub status: u16,
    pub headers: Vec<(&'static str, String)>,
    pub body: Bytes,
    /// A part of a file to send instead of `body`, streamed from disk.
    pub file: Option<FilePart>,
    /// A body produced as it goes (server-sent events), instead of `body`.
    pub stream: Option<BodyStream>,
}

pub type BodyStream = std::pin::Pin<Box<dyn smol::stream::Stream<Item = Bytes>>>;

pub struct FilePart {
    pub path: std::path::PathBuf,
    pub offset: u64,
    pub len: u64,
}

impl Resp {
    pub fn new(status: u16, content_type: &str, body: impl Into<Bytes>) -> Resp {
        Resp {
            status,
            headers: vec![("content-type", content_type.to_string())],
            body: body.into(),
            file: None,
            stream: None,
        }
    }

    pub fn json(v: &Value) -> Resp {
        Resp::new(200, JSON, v.to_string())
    }

    pub fn stream(content_type: &str, s: BodyStream) -> Resp {
        let mut r = Resp::new(200, content_type, Bytes::new());
        r.stream = Some(s);
        r
    }

    pub fn json_status(status: u16, v: &Value) -> Resp {
        Resp::new(status, JSON, v.to_string())
    }

    pub fn text(status: u16, s: impl Into<String>) -> Resp {
        Resp::new(status, TEXT, s.into())
    }

    pub fn html(status: u16, s: impl Into<String>) -> Resp {
        Resp::new(status, HTML, s.into())
    }

    pub fn redirect(status: u16, location: &str) -> Resp {
        let mut r = Resp::new(status, TEXT, format!("Redirecting to {location}"));
        r.headers.push(("location", location.to_string()));
        r
    }

    pub fn with(mut self, name: &'static str, value: impl Into<String>) -> Resp {
        self.headers.push((name, value.into()));
        self
    }
}
