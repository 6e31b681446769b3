//! Paging through a stream while skipping what the reader may not see (api.md §3.2): `offset`
//! counts visible items, `before`/`since` start at an id of the unfiltered stream. The scan is
//! bounded so that a reader who may see nothing cannot make the server walk a huge stream.
use crate::core::paging::{Mode, Page};
use crate::error::{Error, Result};
use crate::store::Read;

/// Stream entries looked at per request, at most.
pub const MAX_SCAN: usize = 10_000;
const CHUNK: usize = 64;

pub struct Walked {
    /// Visible item ids, newest first.
    pub items: Vec<String>,
    /// The scan bound stopped the walk; `next` should continue from here.
    pub cut_at: Option<String>,
}

fn seq_of(r: &impl Read, stream: &str, id: &str) -> Result<u64> {
    r.stream_seq(stream, id)?
        .ok_or_else(|| Error::bad(format!("id '{id}' not found in stream '{stream}'")))
}

pub fn walk(
    r: &impl Read,
    stream: &str,
    page: &Page,
    mut visible: impl FnMut(&str) -> Result<bool>,
) -> Result<Walked> {
    let mut items = Vec::new();
    let mut scanned = 0usize;
    if page.count == 0 {
        if let Mode::Before(id) | Mode::Since(id) = &page.mode {
            seq_of(r, stream, id)?;
        }
        return Ok(Walked {
            items,
            cut_at: None,
        });
    }
    match &page.mode {
        Mode::Since(id) => {
            let mut above = seq_of(r, stream, id)?;
            loop {
                let batch = r.stream_asc(stream, above, CHUNK)?;
                let Some(last) = batch.last() else { break };
                above = last.0;
                for (_, item) in batch {
                    scanned += 1;
                    if visible(&item)? {
                        items.push(item);
                        if items.len() == page.count {
                            items.reverse();
                            return Ok(Walked {
                                items,
                                cut_at: None,
                            });
                        }
                    }
                    if scanned >= MAX_SCAN {
                        items.reverse();
                        return Ok(Walked {
                            items,
                            cut_at: None,
                        });
                    }
                }
            }
            items.reverse();
            Ok(Walked {
                items,
                cut_at: None,
            })
        }
        Mode::Offset(_) | Mode::Before(_) => {
            let (mut below, mut skip) = match &page.mode {
                Mode::Before(id) => (seq_of(r, stream, id)?, 0),
                Mode::Offset(o) => (u64::MAX, *o),
                Mode::Since(_) => (u64::MAX, 0),
            };
            loop {
                let batch = r.stream_desc(stream, below, CHUNK)?;
                let Some(last) = batch.last() else { break };
                below = last.0;
                for (_, item) in batch {
                    scanned += 1;
                    if visible(&item)? {
                        if skip > 0 {
                            skip -= 1;
                        } else {
                            items.push(item.clone());
                            if items.len() == page.count {
                                return Ok(Walked {
                                    items,
                                    cut_at: None,
                                });
                            }
                        }
                    }
                    if scanned >= MAX_SCAN {
                        return Ok(Walked {
                            items,
                            cut_at: Some(item),
                        });
                    }
                }
            }
            Ok(Walked {
                items,
                cut_at: None,
            })
        }
    }
}
