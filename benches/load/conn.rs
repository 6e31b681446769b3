//! A keep-alive HTTP/1.1 connection for the load generator: one request at a time, bodies
//! framed by Content-Length or chunked encoding.
use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::time::Duration;

pub struct Conn {
    addr: String,
    host: String,
    r: Option<BufReader<TcpStream>>,
}

pub struct Answer {
    pub status: u16,
    pub body: Vec<u8>,
    /// The `name=value` part of each `Set-Cookie`.
    pub cookies: Vec<String>,
}

impl Conn {
    pub fn new(addr: &str, host: &str) -> Conn {
        Conn {
            addr: addr.to_string(),
            host: host.to_string(),
            r: None,
        }
    }

    fn stream(&mut self) -> std::io::Result<&mut BufReader<TcpStream>> {
        if self.r.is_none() {
            let s = TcpStream::connect(&self.addr)?;
            s.set_nodelay(true)?;
            s.set_read_timeout(Some(Duration::from_secs(30)))?;
            self.r = Some(BufReader::new(s));
        }
        self.r
            .as_mut()
            .ok_or_else(|| std::io::Error::other("no connection"))
    }

    /// Sends one request; on a broken connection it reconnects once.
    pub fn send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Answer> {
        match self.try_send(method, path, headers, body) {
            Ok(a) => Ok(a),
            Err(_) => {
                self.r = None;
                self.try_send(method, path, headers, body)
            }
        }
    }

    fn try_send(
        &mut self,
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: &[u8],
    ) -> std::io::Result<Answer> {
        let mut req = format!(
            "{method} {path} HTTP/1.1\r\nHost: {}\r\nContent-Length: {}\r\n",
            self.host,
            body.len()
        );
        for (k, v) in headers {
            req.push_str(&format!("{k}: {v}\r\n"));
        }
        req.push_str("\r\n");
        let r = self.stream()?;
        let s = r.get_mut();
        s.write_all(req.as_bytes())?;
        s.write_all(body)?;
        let mut line = String::new();
        r.read_line(&mut line)?;
        let status: u16 = line
            .split(' ')
            .nth(1)
            .and_then(|x| x.parse().ok())
            .ok_or_else(|| std::io::Error::other(format!("bad status line {line:?}")))?;
        let (mut len, mut chunked, mut close) = (None, false, false);
        let mut cookies = Vec::new();
        loop {
            let mut h = String::new();
            r.read_line(&mut h)?;
            let h = h.trim_end();
            if h.is_empty() {
                break;
            }
            if let Some((k, v)) = h.split_once(':') {
                match k.trim().to_ascii_lowercase().as_str() {
                    "content-length" => len = v.trim().parse::<usize>().ok(),
                    "transfer-encoding" => chunked = v.to_ascii_lowercase().contains("chunked"),
                    "connection" => close = v.to_ascii_lowercase().contains("close"),
                    "set-cookie" => cookies.push(v.split(';').next().unwrap_or("").trim().into()),
                    _ => {}
                }
            }
        }
        let mut body = Vec::new();
        if method == "HEAD" || status == 304 || status == 204 {
        } else if chunked {
            loop {
                let mut size = String::new();
                r.read_line(&mut size)?;
                let n = usize::from_str_radix(size.trim().split(';').next().unwrap_or("0"), 16)
                    .unwrap_or(0);
                let mut chunk = vec![0; n + 2];
                r.read_exact(&mut chunk)?;
                if n == 0 {
                    break;
                }
                body.extend_from_slice(&chunk[..n]);
            }
        } else if let Some(n) = len {
            body.resize(n, 0);
            r.read_exact(&mut body)?;
        } else {
            r.read_to_end(&mut body)?;
            close = true;
        }
        if close {
            self.r = None;
        }
        Ok(Answer {
            status,
            body,
            cookies,
        })
    }
}
