//! Middleware of every route: request timeout, security headers and request metrics.
//! (Authorization is [`crate::auth::guard::authorize`].)

use std::time::Instant;

use axum::extract::{MatchedPath, Request, State};
use axum::http::HeaderValue;
use axum::http::header::{
    CONTENT_SECURITY_POLICY, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY, X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};

use crate::auth::Surface;
use crate::error::ApiError;
use crate::metrics::UNMATCHED_ROUTE;
use crate::state::AppState;

/// The API serves only JSON and text: nothing may load, nothing may frame it.
const API_CSP: &str = "default-src 'none'; frame-ancestors 'none'";

/// The web UI loads its own stylesheet, script and images only; no inline script or style,
/// forms post only to us, nothing may frame it.
const UI_CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; \
                      form-action 'self'; base-uri 'none'; frame-ancestors 'none'";

/// Routes that receive file uploads.
const UPLOAD_PATHS: &[&str] = &["/import"];
/// How many request timeouts an upload may take.
const UPLOAD_TIMEOUT_FACTOR: u32 = 10;

/// Answers 503 with an `unavailable` error body when the handler takes longer than the
/// configured request timeout; the handler's future is dropped.
pub(crate) async fn timeout(State(state): State<AppState>, request: Request, next: Next) -> Response {
    // An upload of tens of megabytes over a slow link needs longer than a page.
    let limit = if request.method() == axum::http::Method::POST && UPLOAD_PATHS.contains(&request.uri().path()) {
        state.request_timeout().saturating_mul(UPLOAD_TIMEOUT_FACTOR)
    } else {
        state.request_timeout()
    };
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

/// Sets the security headers on every response: the API's or the UI's content security
/// policy, nosniff, no referrer (beyond our own pages), no framing, and HSTS when serving TLS.
pub(crate) async fn security_headers(State(hsts): State<bool>, request: Request, next: Next) -> Response {
    let surface = Surface::of(request.uri().path());
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    let csp = if surface == Surface::Api { API_CSP } else { UI_CSP };
    headers.insert(CONTENT_SECURITY_POLICY, HeaderValue::from_static(csp));
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // The UI keeps referrers to itself: with `no-referrer`, browsers send `Origin: null` on
    // form posts, and the guard's same-origin check could not tell our forms from others.
    let referrer = if surface == Surface::Api { "no-referrer" } else { "same-origin" };
    headers.insert(REFERRER_POLICY, HeaderValue::from_static(referrer));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    if hsts {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=31536000"));
    }
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
