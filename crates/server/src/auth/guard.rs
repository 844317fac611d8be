//! The authorization middleware every matched route passes through, and the extractors
//! handlers use afterwards: [`Access`] (who is asking) and [`Db`] (the store, acting for
//! them, so every query is scoped and every change audited as them).

use std::sync::Arc;

use axum::extract::{FromRequestParts, MatchedPath, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, HOST, ORIGIN, WWW_AUTHENTICATE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use chainward_core::access::{ApiToken, Caller, Session, User};
use chainward_core::model::Role;
use chainward_store::Store;
use time::OffsetDateTime;

use super::need::{Need, Surface};
use super::secret;
use crate::error::ApiError;
use crate::state::AppState;

/// The header on a 403 given by the authorization table, so the route × role matrix test
/// can tell it from a handler's own refusal.
pub const DENIED_HEADER: &str = "x-chainward-denied";

/// The name of the session cookie.
pub const SESSION_COOKIE: &str = "chainward_session";

/// Who is asking, as the guard established it.
#[derive(Clone)]
pub struct Access {
    /// The caller every store query runs for.
    pub caller: Caller,
    /// The account, for sessions and personal tokens.
    pub user: Option<User>,
    /// The session, for the web UI (holds the CSRF token).
    pub session: Option<Session>,
    /// The token, for the API.
    pub token: Option<ApiToken>,
    store: Arc<dyn Store>,
}

impl std::fmt::Debug for Access {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Access").field("caller", &self.caller).finish_non_exhaustive()
    }
}

impl Access {
    /// The store acting for this caller.
    pub fn store(&self) -> &dyn Store {
        &*self.store
    }

    /// The role.
    pub fn role(&self) -> Role {
        self.caller.role
    }

    /// Whether the caller's role has `need`.
    pub fn can(&self, need: Need) -> bool {
        need.allows(self.caller.role)
    }

    /// The session's CSRF token (empty for API callers, which have no forms).
    pub fn csrf_token(&self) -> &str {
        self.session.as_ref().map_or("", |s| s.csrf_token.as_str())
    }
}

/// The store acting for the caller: the only store handlers get, so no query can forget
/// the caller's scope or the audit log.
pub struct Db(pub Arc<dyn Store>);

impl std::ops::Deref for Db {
    type Target = dyn Store;
    fn deref(&self) -> &Self::Target {
        &*self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Access {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        parts.extensions.get::<Access>().cloned().ok_or_else(|| ApiError::Unauthenticated("sign in first".to_owned()))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Db {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let access = Access::from_request_parts(parts, state).await?;
        Ok(Db(access.store))
    }
}

/// An optional [`Access`], for public pages that look different when signed in.
pub struct MaybeAccess(pub Option<Access>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeAccess {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeAccess(parts.extensions.get::<Access>().cloned()))
    }
}

/// A cookie's value from the request headers.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

/// The API token of a request: the bearer token of an `Authorization` header, else an
/// `X-Api-Key` header (what Dependency-Track clients send, so that their pipelines can
/// upload here unchanged).
fn bearer(headers: &HeaderMap) -> Option<&str> {
    if let Some(value) = headers.get(AUTHORIZATION) {
        let value = value.to_str().ok()?;
        let (scheme, token) = value.split_once(' ')?;
        return scheme.eq_ignore_ascii_case("bearer").then(|| token.trim());
    }
    headers.get("x-api-key")?.to_str().ok().map(str::trim)
}

/// Why a caller could not be identified (logged; the client learns only "unauthenticated").
enum Refusal {
    /// Nothing presented.
    Anonymous,
    /// Something presented that is not valid.
    Invalid(&'static str),
}

async fn from_token(state: &AppState, headers: &HeaderMap) -> Result<Access, Refusal> {
    let presented = bearer(headers).ok_or(Refusal::Anonymous)?;
    if !presented.starts_with(secret::TOKEN_PREFIX) || presented.len() > 200 {
        return Err(Refusal::Invalid("malformed API token"));
    }
    let store = state.system_store();
    let found = store.token(&secret::digest(presented)).await.map_err(|e| {
        tracing::error!(error = %e, "cannot look up an API token");
        Refusal::Invalid("token lookup failed")
    })?;
    let (token, user) = found.ok_or(Refusal::Invalid("unknown, expired or revoked API token"))?;
    let mut caller = token.caller();
    if let Some(user) = &user {
        // A personal token never does more than its person may do today.
        let still_allowed = user.role == token.role || (token.role == Role::Auditor && user.role != Role::Supplier);
        if !still_allowed || (user.role == Role::Supplier && user.supplier != token.supplier) {
            return Err(Refusal::Invalid("the token's role exceeds its user's current role"));
        }
        caller.actor = format!("token:{} (user:{})", token.name, user.username);
    }
    Ok(Access { store: store.with_caller(caller.clone()), caller, user, session: None, token: Some(token) })
}

async fn from_session(state: &AppState, headers: &HeaderMap) -> Result<Access, Refusal> {
    let presented = cookie(headers, SESSION_COOKIE).ok_or(Refusal::Anonymous)?;
    if presented.len() != 64 || !presented.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Err(Refusal::Invalid("malformed session cookie"));
    }
    let store = state.system_store();
    let found = store.session(&secret::digest(presented), state.session_idle()).await.map_err(|e| {
        tracing::error!(error = %e, "cannot look up a session");
        Refusal::Invalid("session lookup failed")
    })?;
    let (session, user) = found.ok_or(Refusal::Invalid("unknown or expired session"))?;
    let caller = user.caller();
    Ok(Access {
        store: store.with_caller(caller.clone()),
        caller,
        user: Some(user),
        session: Some(session),
        token: None,
    })
}

/// A state-changing browser request must come from our own pages: a present `Origin` must
/// be this host, and `Sec-Fetch-Site` must not say cross-site. (The form's CSRF token is
/// checked by the form extractor as well.)
fn same_origin(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()).is_some_and(|v| v == "cross-site") {
        return false;
    }
    match (headers.get(ORIGIN).and_then(|v| v.to_str().ok()), headers.get(HOST).and_then(|v| v.to_str().ok())) {
        (None, _) => true,
        (Some("null"), _) => false,
        (Some(origin), Some(host)) => origin.split_once("://").is_some_and(|(_, h)| h == host),
        (Some(_), None) => false,
    }
}

/// Establishes who is asking and whether the route's [`Need`] allows it; puts [`Access`]
/// into the request for the handler. Runs after routing (as a route layer), so it knows
/// the matched route.
pub async fn authorize(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let path = request.extensions().get::<MatchedPath>().map(|p| p.as_str().to_owned()).unwrap_or_default();
    let method = request.method().clone();
    let surface = Surface::of(&path);
    let Some(need) = state.need(&method, &path) else {
        // Cannot happen: the table and the router are built from the same list.
        tracing::error!(%method, %path, "route without an authorization entry");
        return ApiError::Forbidden("this route has no authorization rule".to_owned()).into_response();
    };
    if surface == Surface::Ui && !is_safe(&method) && !same_origin(request.headers()) {
        tracing::warn!(%method, %path, "cross-origin form post refused");
        return crate::ui::forbidden_page("This form was sent from another site and was refused.");
    }
    // Static files are the same for everyone: no session lookup (a database query) for
    // every stylesheet and script request.
    let identity = if need == Need::Public && path.starts_with("/static/") {
        Err(Refusal::Anonymous)
    } else {
        match surface {
            Surface::Api => from_token(&state, request.headers()).await,
            Surface::Ui => from_session(&state, request.headers()).await,
        }
    };
    let access = match identity {
        Ok(access) => Some(access),
        Err(Refusal::Anonymous) => None,
        Err(Refusal::Invalid(why)) => {
            tracing::warn!(%method, %path, reason = why, "credentials refused");
            None
        }
    };
    match (need, access) {
        (Need::Public, access) => {
            if let Some(access) = access {
                request.extensions_mut().insert(access);
            }
            next.run(request).await
        }
        (_, None) => unauthenticated(surface, &method, request.uri()),
        (need, Some(access)) if !need.allows(access.caller.role) => {
            tracing::info!(actor = %access.caller.actor, %method, %path, "forbidden by role");
            let mut response = match surface {
                Surface::Api => ApiError::Forbidden(format!("the {} role may not {method} {path}", access.caller.role))
                    .into_response(),
                Surface::Ui => crate::ui::forbidden_page("Your role does not give access to this page."),
            };
            // Marks a refusal by the authorization table (as opposed to a handler's own 403).
            response.headers_mut().insert(DENIED_HEADER, HeaderValue::from_static("role"));
            response
        }
        (_, Some(access)) => {
            let must_change = access.user.as_ref().is_some_and(|u| u.must_change_password);
            if surface == Surface::Ui && must_change && !path.starts_with("/account") && path != "/logout" {
                return Redirect::to("/account?reason=change-password").into_response();
            }
            request.extensions_mut().insert(access);
            next.run(request).await
        }
    }
}

fn is_safe(method: &Method) -> bool {
    matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

fn unauthenticated(surface: Surface, method: &Method, uri: &axum::http::Uri) -> Response {
    match surface {
        Surface::Api => {
            let mut response = ApiError::Unauthenticated(
                "send an API token as `Authorization: Bearer cw_…` (create one under Account → API tokens)".to_owned(),
            )
            .into_response();
            response.headers_mut().insert(WWW_AUTHENTICATE, HeaderValue::from_static("Bearer realm=\"chainward\""));
            response
        }
        Surface::Ui if is_safe(method) => {
            let next = uri.path_and_query().map_or("/", |p| p.as_str());
            let target = format!("/login?next={}", crate::ui::url_encode(next));
            Redirect::to(&target).into_response()
        }
        Surface::Ui => {
            (StatusCode::UNAUTHORIZED, crate::ui::message_page("Signed out", "Your session has ended. Sign in again."))
                .into_response()
        }
    }
}

/// The time now, for the guard's checks.
pub fn now() -> OffsetDateTime {
    OffsetDateTime::now_utc()
}
