//! Reading a remote URL for a local user (api.md §16): signed two-legged as that user's
//! account at the URL's host, passing on the reader's conditional headers.
use super::client::{Failure, Request, Response};
use super::credentials::{identity_for, signed};
use crate::app::App;

/// GETs `url` for the local person `person`, with `If-Modified-Since`/`If-None-Match`.
pub async fn get(
    app: &App,
    person: &str,
    url: &str,
    conditions: &[(&'static str, String)],
) -> Result<Response, Failure> {
    let who = identity_for(app, Some(person));
    let make = || {
        let mut r = Request::get(url);
        r.headers.push(("accept", super::client::AS1.into()));
        r.headers.extend(conditions.iter().cloned());
        r
    };
    signed(app, &who, &make).await
}
