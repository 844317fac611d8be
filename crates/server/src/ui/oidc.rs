//! Signing in through the OpenID Connect provider: `/login/oidc` sends the browser there,
//! `/login/oidc/callback` takes it back, checks everything and starts a session exactly as
//! a password sign-in does. The provider only proves who someone is; the local account
//! (found by the configured claim) holds the role, and a missing, disabled or locked
//! account is refused.

use std::net::IpAddr;

use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chainward_core::access::{Caller, User};
use chainward_core::audit::AuditEvent;
use serde::Deserialize;

use super::login::{ClientAddr, start_session};
use super::{Frame, MessagePage, PageError, render, render_status, safe_next};
use crate::auth::guard::cookie;
use crate::auth::oidc::{Oidc, OidcClaim};
use crate::extract::ApiQuery;
use crate::state::AppState;

/// The cookie that names a sign-in in progress. It is sent back on the provider's redirect,
/// which comes from another site: hence `SameSite=Lax`, and a path that only the callback
/// shares.
const OIDC_COOKIE: &str = "chainward_oidc";

fn not_configured() -> Response {
    render_status(
        StatusCode::NOT_FOUND,
        &MessagePage {
            frame: Frame::public("Not found"),
            heading: "Not found".to_owned(),
            text: "OpenID Connect is not configured: sign in with your username and password.".to_owned(),
        },
    )
}

fn refused(status: StatusCode, text: &str) -> Response {
    let mut response = render_status(
        status,
        &MessagePage {
            frame: Frame::public("Sign-in refused"),
            heading: "Sign-in refused".to_owned(),
            text: text.to_owned(),
        },
    );
    response.headers_mut().append(SET_COOKIE, clear_oidc_cookie());
    response
}

/// Deletes the [`OIDC_COOKIE`].
fn clear_oidc_cookie() -> HeaderValue {
    HeaderValue::from_static("chainward_oidc=; Path=/login/oidc; Max-Age=0; HttpOnly; SameSite=Lax")
}

/// Where to go after sign-in.
#[derive(Debug, Deserialize)]
pub struct StartQuery {
    next: Option<String>,
}

/// `GET /login/oidc`: to the provider, with PKCE, `state` and `nonce`.
pub async fn start(State(state): State<AppState>, ApiQuery(query): ApiQuery<StartQuery>) -> Response {
    let Some(oidc) = state.oidc() else {
        return not_configured();
    };
    let Some((key, url)) = oidc.begin(safe_next(query.next.as_deref())) else {
        tracing::error!("cannot start an OpenID Connect sign-in (the provider's client is unusable)");
        return refused(StatusCode::SERVICE_UNAVAILABLE, "Sign-in through the identity provider is not available now.");
    };
    let mut response = Redirect::to(&url).into_response();
    let secure = if state.secure_cookies() { "; Secure" } else { "" };
    let value = format!("{OIDC_COOKIE}={key}; Path=/login/oidc; Max-Age=600; HttpOnly; SameSite=Lax{secure}");
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// What the provider sends back.
#[derive(Debug, Deserialize)]
pub struct CallbackQuery {
    code: Option<String>,
    state: Option<String>,
    error: Option<String>,
}

/// `GET /login/oidc/callback?code&state`: checks the sign-in and starts a session.
pub async fn callback(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<CallbackQuery>,
) -> Response {
    let Some(oidc) = state.oidc() else {
        return not_configured();
    };
    // The sign-in is taken whatever happens next: a callback can be used once.
    let pending = cookie(&headers, OIDC_COOKIE).and_then(|key| oidc.take(key));
    let Some(pending) = pending else {
        tracing::warn!(%ip, "OpenID Connect callback without a sign-in in progress");
        return refused(StatusCode::FORBIDDEN, "This sign-in expired or was not started here. Sign in again.");
    };
    if !query.state.as_deref().is_some_and(|s| Oidc::state_matches(&pending, s)) {
        tracing::warn!(%ip, "OpenID Connect callback with the wrong state");
        return refused(StatusCode::FORBIDDEN, "This sign-in does not match the one started here. Sign in again.");
    }
    if let Some(error) = query.error {
        tracing::warn!(%ip, error = %error.chars().take(100).collect::<String>(), "the provider refused a sign-in");
        return refused(StatusCode::UNAUTHORIZED, "The identity provider did not sign you in.");
    }
    let Some(code) = query.code else {
        return refused(StatusCode::BAD_REQUEST, "The identity provider sent no code. Sign in again.");
    };
    let next = pending.next.clone();
    let name = match oidc.finish(pending, code).await {
        Ok(name) => name,
        Err(e) => {
            tracing::warn!(%ip, error = %e, "OpenID Connect sign-in refused");
            return refused(StatusCode::UNAUTHORIZED, "The identity provider's answer could not be verified.");
        }
    };
    let user = match find_account(&state, oidc.claim(), &name).await {
        Ok(user) => user,
        Err(e) => return e.into_response(),
    };
    let now = crate::auth::guard::now();
    let reason = match &user {
        None => Some("no account"),
        Some(u) if u.disabled => Some("disabled"),
        Some(u) if u.is_locked(now) => Some("locked"),
        Some(_) => None,
    };
    match (user, reason) {
        (Some(user), None) => {
            let session = start_session(&state, &headers, &user, ip, &next, "oidc").await;
            if !session.status().is_redirection() {
                return session;
            }
            // This response answers a navigation that came from the provider's site, and so
            // would a redirect from it: browsers would not send the new `SameSite=Strict`
            // session cookie on it. A page of our own that moves on (`Refresh`) makes the
            // next request a same-site one.
            let mut page = render(&MessagePage {
                frame: Frame::public("Signed in"),
                heading: "Signed in".to_owned(),
                text: "You are signed in; continuing.".to_owned(),
            });
            for value in session.headers().get_all(SET_COOKIE) {
                page.headers_mut().append(SET_COOKIE, value.clone());
            }
            let refresh = HeaderValue::from_str(&format!("0; url={next}"))
                .unwrap_or_else(|_| HeaderValue::from_static("0; url=/"));
            page.headers_mut().insert(HeaderName::from_static("refresh"), refresh);
            page.headers_mut().append(SET_COOKIE, clear_oidc_cookie());
            page
        }
        (user, reason) => {
            let reason = reason.unwrap_or("refused");
            audit_failure(&state, user.as_ref(), &name, ip, reason).await;
            tracing::warn!(%ip, name = %name, reason, "OpenID Connect sign-in without a usable account");
            refused(
                StatusCode::FORBIDDEN,
                &format!("There is no chainward account for {name} that can sign in; ask an admin."),
            )
        }
    }
}

/// The local account the claim names: by username, or by e-mail address (either regardless
/// of case).
async fn find_account(state: &AppState, claim: OidcClaim, name: &str) -> Result<Option<User>, PageError> {
    let store = state.system_store();
    match claim {
        OidcClaim::PreferredUsername => Ok(store.credentials(name).await?.map(|c| c.user)),
        OidcClaim::Email => {
            let mut found = store
                .list_users()
                .await?
                .into_iter()
                .filter(|u| u.email.as_deref().is_some_and(|e| e.eq_ignore_ascii_case(name)));
            let first = found.next();
            // Two accounts with one address: which of them is meant cannot be told.
            Ok(if found.next().is_some() { None } else { first })
        }
    }
}

async fn audit_failure(state: &AppState, user: Option<&User>, name: &str, ip: IpAddr, reason: &str) {
    let event = AuditEvent::new::<(), serde_json::Value>(
        "login-failed",
        "user",
        user.map(|u| u.id.to_string()),
        None,
        Some(&match user {
            Some(_) => {
                serde_json::json!({ "username": name, "from": ip.to_string(), "method": "oidc", "reason": reason })
            }
            // No account: the name is kept as a digest only, as for a password sign-in.
            None => super::login::unknown_username_details(name, ip, &[("method", "oidc"), ("reason", reason)]),
        }),
    );
    if let Err(e) = state.system_store().with_caller(Caller::system("anonymous")).record_event(event).await {
        tracing::error!(error = %e, "cannot record a failed login");
    }
}
