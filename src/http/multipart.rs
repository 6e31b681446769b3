//! A push parser for `multipart/form-data` bodies, fed chunk by chunk as they arrive, so that a
//! file part can go straight to disk. Only part headers and the tail that might hold a boundary
//! are buffered.

/// What the parser found in the bytes fed to it.
#[derive(Debug, PartialEq, Eq)]
pub enum Event {
    Part {
        name: String,
        filename: Option<String>,
        content_type: Option<String>,
    },
    Data(Vec<u8>),
    PartEnd,
}

enum State {
    /// Before the first boundary.
    Preamble,
    Headers,
    Body,
    /// After a boundary: `--` ends the body, CRLF starts a part.
    AfterBoundary,
    Done,
}

pub struct Parser {
    /// `\r\n--boundary`; the first boundary may come without the CRLF.
    delimiter: Vec<u8>,
    buf: Vec<u8>,
    state: State,
}

/// Longest block of part headers accepted.
const MAX_HEADERS: usize = 8 << 10;

/// The `boundary` parameter of a multipart Content-Type.
pub fn boundary(content_type: &str) -> Option<String> {
    content_type.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        (k.trim().eq_ignore_ascii_case("boundary"))
            .then(|| v.trim().trim_matches('"').to_string())
            .filter(|b| !b.is_empty() && b.len() <= 70)
    })
}

/// A parameter of a `Content-Disposition` header, e.g. `name="qqfile"`.
fn param(header: &str, name: &str) -> Option<String> {
    header.split(';').skip(1).find_map(|p| {
        let (k, v) = p.split_once('=')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().trim_matches('"').to_string())
    })
}

impl Parser {
    pub fn new(boundary: &str) -> Parser {
        Parser {
            delimiter: format!("\r\n--{boundary}").into_bytes(),
            buf: Vec::new(),
            state: State::Preamble,
        }
    }

    pub fn done(&self) -> bool {
        matches!(self.state, State::Done)
    }

    /// Parses what it can of `data`; Err names what is malformed.
    pub fn feed(&mut self, data: &[u8]) -> Result<Vec<Event>, &'static str> {
        if self.done() {
            return Ok(Vec::new()); // the epilogue is ignored
        }
        self.buf.extend_from_slice(data);
        let mut out = Vec::new();
        loop {
            match self.state {
                State::Preamble => {
                    let d = &self.delimiter[2..];
                    if self.buf.starts_with(d) {
                        self.buf.drain(..d.len());
                    } else if let Some(i) = crate::util::find(&self.buf, &self.delimiter) {
                        self.buf.drain(..i + self.delimiter.len());
                    } else {
                        if self.buf.len() > MAX_HEADERS {
                            return Err("no multipart boundary found");
                        }
                        return Ok(out);
                    }
                    self.state = State::AfterBoundary;
                }
                State::AfterBoundary => {
                    if self.buf.len() < 2 {
                        return Ok(out);
                    }
                    if self.buf.starts_with(b"--") {
                        self.state = State::Done;
                        self.buf.clear();
                        return Ok(out);
                    }
                    // Transport padding may follow a boundary before its CRLF.
                    let Some(i) = crate::util::find(&self.buf, b"\r\n") else {
                        if self.buf.len() > 256 {
                            return Err("malformed multipart boundary");
                        }
                        return Ok(out);
                    };
                    if self.buf[..i].iter().any(|b| !matches!(b, b' ' | b'\t')) {
                        return Err("malformed multipart boundary");
                    }
                    self.buf.drain(..i + 2);
                    self.state = State::Headers;
                }
                State::Headers => {
                    let Some(i) = crate::util::find(&self.buf, b"\r\n\r\n") else {
                        if self.buf.len() > MAX_HEADERS {
                            return Err("multipart part headers are too long");
                        }
                        return Ok(out);
                    };
                    let head = String::from_utf8_lossy(&self.buf[..i]).into_owned();
                    self.buf.drain(..i + 4);
                    let (mut disposition, mut content_type) = (None, None);
                    for line in head.split("\r\n") {
                        let Some((k, v)) = line.split_once(':') else {
                            continue;
                        };
                        match k.trim().to_ascii_lowercase().as_str() {
                            "content-disposition" => disposition = Some(v.trim().to_string()),
                            "content-type" => content_type = Some(v.trim().to_string()),
                            _ => {}
                        }
                    }
                    let disposition = disposition.ok_or("a multipart part has no name")?;
                    out.push(Event::Part {
                        name: param(&disposition, "name").unwrap_or_default(),
                        filename: param(&disposition, "filename"),
                        content_type,
                    });
                    self.state = State::Body;
                }
                State::Body => match crate::util::find(&self.buf, &self.delimiter) {
                    Some(i) => {
                        if i > 0 {
                            out.push(Event::Data(self.buf[..i].to_vec()));
                        }
                        self.buf.drain(..i + self.delimiter.len());
                        out.push(Event::PartEnd);
                        self.state = State::AfterBoundary;
                    }
                    None => {
                        // Keep what could be the start of a delimiter split across chunks.
                        let keep = self.delimiter.len() - 1;
                        if self.buf.len() > keep {
                            let n = self.buf.len() - keep;
                            out.push(Event::Data(self.buf[..n].to_vec()));
                            self.buf.drain(..n);
                        }
                        return Ok(out);
                    }
                },
                State::Done => return Ok(out),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn body() -> Vec<u8> {
        b"preamble\r\n--XyZ\r\nContent-Disposition: form-data; name=\"title\"\r\n\r\nHi there\r\n--XyZ\r\nContent-Disposition: form-data; name=\"qqfile\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--X\r\n--XyZ--\r\nepilogue".to_vec()
    }

    fn parse(chunk: usize) -> Vec<Event> {
        let mut p = Parser::new("XyZ");
        let mut events = Vec::new();
        for c in body().chunks(chunk) {
            events.extend(p.feed(c).unwrap());
        }
        assert!(p.done());
        // Merge data events so that chunking does not matter to the comparison.
        let mut merged: Vec<Event> = Vec::new();
        for e in events {
            match (merged.last_mut(), e) {
                (Some(Event::Data(a)), Event::Data(b)) => a.extend(b),
                (_, e) => merged.push(e),
            }
        }
        merged
    }

    #[test]
    fn parts_whatever_the_chunking() {
        let expected = vec![
            Event::Part {
                name: "title".into(),
                filename: None,
                content_type: None,
            },
            Event::Data(b"Hi there".to_vec()),
            Event::PartEnd,
            Event::Part {
                name: "qqfile".into(),
                filename: Some("a.png".into()),
                content_type: Some("image/png".into()),
            },
            Event::Data(b"\x89PNG\r\n--X".to_vec()),
            Event::PartEnd,
        ];
        for chunk in [1, 2, 3, 7, 1000] {
            assert_eq!(parse(chunk), expected, "chunk size {chunk}");
        }
    }

    #[test]
    fn boundary_parameter() {
        assert_eq!(
            boundary("multipart/form-data; boundary=\"a b\"").as_deref(),
            Some("a b")
        );
        assert_eq!(boundary("multipart/form-data"), None);
    }
}
