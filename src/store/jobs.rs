//! Background jobs (ARCHITECTURE.md "Synchronous and deferred effects"): work that follows a
//! commit, written in the same transaction as the change that causes it. What a job is stays
//! the caller's JSON; the store keeps when it is due, how often it failed, and its last error.
//! Jobs to run are bounded; a job given up on is kept (bounded too) until an operator looks.
use super::access::{Read, W};
use super::tables::Table;
use crate::error::{Error, Result};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// The stream of jobs still to run (its count bounds the queue), and of jobs given up on.
const PENDING: &str = "jobs:pending";
const FAILED: &str = "jobs:failed";

#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct JobRecord {
    pub id: u64,
    /// What to do, as the queueing code wrote it.
    pub job: Value,
    /// Unix seconds.
    pub created: i64,
    pub due: i64,
    pub attempts: u32,
    pub last_error: Option<String>,
    /// Given up on: kept to be listed, never run again.
    pub failed: bool,
    /// Jobs of one lane (a remote host) are held back together when it is busy or resting.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lane: Option<String>,
}

/// The stream of a lane's jobs still to run (its count bounds the lane).
fn lane_stream(lane: &str) -> String {
    format!("jobs:lane:{lane}")
}

/// Jobs of `lane` still to run.
pub fn lane_count(r: &impl Read, lane: &str) -> Result<u64> {
    r.stream_count(&lane_stream(lane))
}

impl JobRecord {
    /// A job made `now`, due then.
    fn new(id: u64, job: Value, lane: Option<&str>, now: i64) -> JobRecord {
        JobRecord {
            id,
            job,
            created: now,
            due: now,
            attempts: 0,
            last_error: None,
            failed: false,
            lane: lane.map(String::from),
        }
    }
}

fn key(id: u64) -> String {
    format!("{id:020}")
}

fn due_key(due: i64, id: u64) -> String {
    format!("{:020}\n{id:020}", due.max(0))
}

/// Queues `job` in `lane`, due now; refused (503) when `max` jobs are already waiting.
pub fn enqueue(w: &W, job: Value, lane: Option<&str>, now: i64, max: usize) -> Result<u64> {
    if w.stream_count(PENDING)? >= max as u64 {
        return Err(Error::Busy(
            "Too much background work is waiting (maxJobs); try again later".into(),
        ));
    }
    let id = w.next("job")?;
    let record = JobRecord::new(id, job, lane, now);
    w.put(Table::Job, &key(id), &record)?;
    w.put_raw(
        Table::JobDue,
        &due_key(now, id),
        lane.unwrap_or("").as_bytes(),
    )?;
    w.stream_push(PENDING, &key(id))?;
    if let Some(l) = lane {
        w.stream_push(&lane_stream(l), &key(id))?;
    }
    w.note_queued_job();
    Ok(id)
}

/// A job by number.
pub fn get(r: &impl Read, id: u64) -> Result<Option<JobRecord>> {
    r.get(Table::Job, &key(id))
}

/// What the worker makes of a lane now.
pub enum Lane {
    Open,
    /// Full for now: its jobs wait where they are.
    Busy,
    /// Resting until then: its jobs move there, out of the way of the others.
    Rests(i64),
}

/// The due jobs to run now, and the due jobs of resting lanes as (job, until).
#[derive(Default)]
pub struct Due {
    pub run: Vec<JobRecord>,
    pub defer: Vec<(JobRecord, i64)>,
}

/// Due entries looked at per call at most: keys only for jobs of busy lanes, so that a busy
/// host's backlog (up to `maxJobs`) costs a bounded scan and holds back nothing behind it.
const SCAN: usize = 20_000;

/// Jobs due at `now`, soonest first: at most `limit` to run (whose lane is open), and those
/// of resting lanes (at most `limit * 16`); at most `SCAN` due entries are looked at.
pub fn due(r: &impl Read, now: i64, limit: usize, lane: &dyn Fn(&str) -> Lane) -> Result<Due> {
    let mut out = Due::default();
    let (mut after, mut looked) = (String::new(), 0);
    while out.run.len() < limit && looked < SCAN {
        let page = r.scan_after(Table::JobDue, &after, 256)?;
        let Some((last, _)) = page.last() else {
            break;
        };
        after = last.clone();
        for (k, l) in page {
            looked += 1;
            let Some((when, id)) = k.split_once('\n') else {
                continue;
            };
            if when.parse::<i64>().unwrap_or(i64::MAX) > now {
                return Ok(out);
            }
            let state = match l.is_empty() {
                true => Lane::Open,
                false => lane(&String::from_utf8_lossy(&l)),
            };
            let job = match state {
                Lane::Busy => continue,
                _ => r.get::<JobRecord>(Table::Job, id)?,
            };
            match (state, job) {
                (Lane::Rests(_), Some(_)) if out.defer.len() >= limit * 16 => {}
                (Lane::Rests(until), Some(j)) => out.defer.push((j, until)),
                (_, Some(j)) => out.run.push(j),
                _ => {}
            }
            if out.run.len() >= limit {
                break;
            }
        }
    }
    Ok(out)
}

/// Moves a waiting job to `until` without counting a run (its host rests until then).
pub fn defer(w: &W, job: &JobRecord, until: i64) -> Result<()> {
    let Some(mut now) = get(w, job.id)? else {
        return Ok(());
    };
    if now.failed || now.due != job.due {
        return Ok(());
    }
    w.delete(Table::JobDue, &due_key(now.due, now.id))?;
    now.due = until;
    let lane = now.lane.as_deref().unwrap_or("");
    w.put_raw(Table::JobDue, &due_key(until, now.id), lane.as_bytes())?;
    w.put(Table::Job, &key(now.id), &now)
}

/// When the next job is due, if any is waiting.
pub fn next_due(r: &impl Read) -> Result<Option<i64>> {
    Ok(r.scan(Table::JobDue, "", 1)?
        .first()
        .and_then(|(k, _)| k.split_once('\n'))
        .and_then(|(when, _)| when.parse().ok()))
}

/// The job ran: it is gone.
pub fn finish(w: &W, job: &JobRecord) -> Result<()> {
    w.delete(Table::Job, &key(job.id))?;
    w.delete(Table::JobDue, &due_key(job.due, job.id))?;
    w.stream_remove(PENDING, &key(job.id))?;
    leave_lane(w, job)
}

fn leave_lane(w: &W, job: &JobRecord) -> Result<()> {
    if let Some(l) = &job.lane {
        w.stream_remove(&lane_stream(l), &key(job.id))?;
    }
    Ok(())
}

/// Records `job` as given up on from the start, with `error` (its lane is full).
pub fn refuse(
    w: &W,
    job: Value,
    lane: &str,
    error: &str,
    now: i64,
    max_failed: usize,
) -> Result<()> {
    let id = w.next("job")?;
    let mut record = JobRecord::new(id, job, Some(lane), now);
    record.last_error = Some(error.to_string());
    record.failed = true;
    w.put(Table::Job, &key(id), &record)?;
    keep_failed(w, id, max_failed)
}

/// Lists a job as given up on; the oldest such goes when more than `max_failed` are kept.
fn keep_failed(w: &W, id: u64, max_failed: usize) -> Result<()> {
    w.stream_push(FAILED, &key(id))?;
    while w.stream_count(FAILED)? > max_failed as u64 {
        let Some((_, oldest)) = w.stream_asc(FAILED, 0, 1)?.into_iter().next() else {
            break;
        };
        w.stream_remove(FAILED, &oldest)?;
        w.delete(Table::Job, &oldest)?;
    }
    Ok(())
}

/// The job failed: it runs again at `due`, or, with `due` None, it is given up on and kept
/// (the oldest given-up job goes when more than `max_failed` are kept).
pub fn failed(
    w: &W,
    job: &JobRecord,
    error: &str,
    due: Option<i64>,
    max_failed: usize,
) -> Result<()> {
    w.delete(Table::JobDue, &due_key(job.due, job.id))?;
    let mut next = job.clone();
    next.attempts += 1;
    next.last_error = Some(error.to_string());
    match due {
        Some(at) => {
            next.due = at;
            let lane = job.lane.as_deref().unwrap_or("");
            w.put_raw(Table::JobDue, &due_key(at, job.id), lane.as_bytes())?;
        }
        None => {
            next.failed = true;
            w.stream_remove(PENDING, &key(job.id))?;
            leave_lane(w, job)?;
            keep_failed(w, job.id, max_failed)?;
        }
    }
    w.put(Table::Job, &key(job.id), &next)
}

/// Every job kept, waiting or given up on, oldest first, at most `limit`.
pub fn list(r: &impl Read, limit: usize) -> Result<Vec<JobRecord>> {
    Ok(r.scan(Table::Job, "", limit)?
        .into_iter()
        .filter_map(|(_, v)| serde_json::from_slice(&v).ok())
        .collect())
}
