//! The JSON API under `/api/v1`: one module per resource, the wire types in [`model`].
//!
//! Handlers are thin: extract, convert the wire type to the domain type, call the store or
//! the graph, convert back. The cached graph follows the store's registry revision, so no
//! handler has to remember to invalidate it.

pub mod audit;
pub mod graph;
pub mod model;
pub mod monitoring;
pub mod offerings;
pub mod sboms;
pub mod services;
pub mod suppliers;
pub mod system;

use axum::Json;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use chainward_store::Page;

use crate::error::ApiError;

/// Rows in a page when the client does not say.
pub const DEFAULT_LIMIT: u64 = 50;

/// The page a client asked for, checked: `limit` is 1 to [`Page::MAX_LIMIT`].
pub(crate) fn page(offset: Option<u64>, limit: Option<u64>) -> Result<Page, ApiError> {
    let limit = limit.unwrap_or(DEFAULT_LIMIT);
    if limit == 0 || limit > Page::MAX_LIMIT {
        return Err(ApiError::BadRequest(format!("limit: {limit} is out of range; use 1 to {}", Page::MAX_LIMIT)));
    }
    Ok(Page { offset: offset.unwrap_or(0), limit })
}

/// One page of a list held in memory, and the list's length.
pub(crate) fn window<T>(items: Vec<T>, page: Page) -> (Vec<T>, u64) {
    let total = items.len() as u64;
    let skip = usize::try_from(page.offset).unwrap_or(usize::MAX);
    let take = usize::try_from(page.limit).unwrap_or(usize::MAX);
    (items.into_iter().skip(skip).take(take).collect(), total)
}

/// `201 Created` with the new record's address in `Location`.
pub(crate) fn created<T: serde::Serialize>(location: String, body: T) -> Response {
    (StatusCode::CREATED, [(header::LOCATION, location)], Json(body)).into_response()
}
