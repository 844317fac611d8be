//! Middleware of every route: request timeout, security headers and request metrics.

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::http::header::{CONTENT_SECURITY_POLICY, REFERRER_POLICY, X_CONTENT_TYPE_OPTIONS};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::error::ApiError;
use crate::metrics::UNMATCHED_ROUTE;
use crate::state::AppState;

/// The API serves only JSON and text: nothing may load, nothing may frame it.
const CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// Answers 503 with an `unavailable` error body when the handler takes longer than the
/// configured request timeout; the handler's future is dropped.
pub(crate) async fn timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let limit = state.request_timeout();
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => ApiError::Unavailable {
            message: format!(
                "the request took longer than {} s and was stopped; narrow the query or try again later",
                limit.as_secs_f64()
            ),
            detail: None,
        }
        .into_response(),
    }
}

/// Sets the security headers on every response.
pub(crate) async fn security_headers(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(CSP));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    response
}

/// Counts the request and its latency under its matched route template.
pub(crate) async fn record_metrics(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<MatchedPath>()
        .map(|path| path.as_str().to_owned())
        .unwrap_or_else(|| UNMATCHED_ROUTE.to_owned());
    let started = Instant::now();
    let response = next.run(request).await;
    state.metrics().record(&method, &route, response.status().as_u16(), started.elapsed());
    response
}
