//! Control-socket commands that send a file back: `BACKUP` (the archive) and `EXPORT <nick>`.
//! The work runs on the blocking pool and its output comes back through a bounded channel, so
//! the server never holds more than a few chunks of it. Frames: `PROGRESS <text>`,
//! `DATA <n>` followed by n bytes, then `ACK <summary>` or `NACK <message>`.
use crate::app::App;
use crate::error::Result;
use smol::channel::{bounded, Sender};
use smol::io::AsyncWriteExt;
use std::io::Write;

enum Frame {
    Progress(String),
    Data(Vec<u8>),
    Done(Result<String>),
}

/// Chunks of output on their way to the socket.
struct ToSocket {
    tx: Sender<Frame>,
    buf: Vec<u8>,
}

const CHUNK: usize = 64 << 10;

impl Write for ToSocket {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.buf.extend_from_slice(b);
        if self.buf.len() >= CHUNK {
            self.flush()?;
        }
        Ok(b.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if !self.buf.is_empty() {
            let chunk = std::mem::take(&mut self.buf);
            self.tx
                .send_blocking(Frame::Data(chunk))
                .map_err(|_| std::io::Error::other("the command went away"))?;
        }
        Ok(())
    }
}

/// Whether `line` is one of these commands.
pub fn handles(line: &str) -> bool {
    let cmd = line.split_whitespace().next().unwrap_or("");
    cmd.eq_ignore_ascii_case("BACKUP") || cmd.eq_ignore_ascii_case("EXPORT")
}

pub async fn run(
    app: &App,
    line: &str,
    out: &mut (impl AsyncWriteExt + Unpin),
) -> std::io::Result<()> {
    let mut words = line.split_whitespace();
    let cmd = words.next().unwrap_or("").to_ascii_uppercase();
    let nick = words.next().unwrap_or("").to_string();
    let (tx, rx) = bounded::<Frame>(4);
    let (store, cfg) = (app.store.clone(), app.cfg.clone());
    let job = smol::unblock(move || {
        let mut sink = ToSocket {
            tx: tx.clone(),
            buf: Vec::new(),
        };
        let result = if cmd == "BACKUP" {
            let progress = tx.clone();
            crate::backup::write_archive(&store, &cfg, &mut sink, &mut |p| {
                let _ = progress.send_blocking(Frame::Progress(p));
            })
            .map(|n| format!("{n} records"))
        } else {
            crate::backup::export_user(&store, &cfg, &nick, &mut sink)
                .and_then(|n| sink.flush().map(|_| n).map_err(Into::into))
                .map(|n| format!("{n} activities"))
        };
        let _ = tx.send_blocking(Frame::Done(result));
    });
    while let Ok(frame) = rx.recv().await {
        match frame {
            Frame::Progress(p) => out.write_all(format!("PROGRESS {p}\n").as_bytes()).await?,
            Frame::Data(d) => {
                out.write_all(format!("DATA {}\n", d.len()).as_bytes())
                    .await?;
                out.write_all(&d).await?;
            }
            Frame::Done(Ok(s)) => {
                out.write_all(format!("ACK {s}\n").as_bytes()).await?;
                break;
            }
            Frame::Done(Err(e)) => {
                if let crate::error::Error::Internal(m) = &e {
                    log::error!("control: {m}");
                }
                out.write_all(format!("NACK {}\n", e.message()).as_bytes())
                    .await?;
                break;
            }
        }
    }
    job.await;
    Ok(())
}
