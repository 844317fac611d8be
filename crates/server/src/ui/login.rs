//! Signing in and out, and the first-run set-up link that creates the first admin.
//!
//! A session starts only here: a fresh random id is issued at every login and any session
//! the browser presented before is ended (no session fixation). The cookie holds the id;
//! the database holds its SHA-256, so several server instances share sessions and a
//! database leak does not leak live sessions. The login form itself carries a token bound
//! to a cookie (login CSRF).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use askama::Template;
use axum::Form;
use axum::extract::connect_info::ConnectInfo;
use axum::extract::{FromRequestParts, State};
use axum::http::header::SET_COOKIE;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chainward_core::access::{NewUser, Session, User};
use chainward_core::audit::AuditEvent;
use chainward_core::model::Role;
use serde::Deserialize;

use super::{Frame, clear_cookie, forbidden_page, redirect_with_flash, render, render_status, safe_next};
use crate::auth::guard::cookie;
use crate::auth::{
    MaybeAccess, SESSION_COOKIE, check_password_policy, hash_password, password, secret, verify_password,
};
use crate::extract::ApiQuery;
use crate::state::AppState;

const LOGIN_COOKIE: &str = "chainward_login";

/// The client's address (loopback when the server runs without connection info, as in
/// router-only tests).
pub struct ClientAddr(pub IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientAddr {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let ip = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map_or(IpAddr::V4(Ipv4Addr::LOCALHOST), |ConnectInfo(addr)| addr.ip());
        Ok(ClientAddr(ip))
    }
}

/// The login page.
#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    frame: Frame,
    next: String,
    login_token: String,
    username: String,
    error: Option<String>,
    /// The OpenID Connect button's text, when that sign-in is configured.
    oidc_label: Option<String>,
    oidc_href: String,
}

/// Where to go after login.
#[derive(Debug, Deserialize)]
pub struct NextQuery {
    next: Option<String>,
}

fn login_page(state: &AppState, status: StatusCode, next: String, username: String, error: Option<String>) -> Response {
    let login_token = secret::random_hex(32);
    let oidc_label = state.oidc().map(|o| o.label().to_owned());
    let oidc_href = format!("/login/oidc?next={}", super::url_encode(&next));
    let mut response = render_status(
        status,
        &LoginPage {
            frame: Frame::public("Sign in"),
            next,
            login_token: login_token.clone(),
            username,
            error,
            oidc_label,
            oidc_href,
        },
    );
    let cookie = format!("{LOGIN_COOKIE}={login_token}; Path=/login; Max-Age=3600; HttpOnly; SameSite=Strict");
    if let Ok(v) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// `GET /login`.
pub async fn show(
    State(state): State<AppState>,
    MaybeAccess(access): MaybeAccess,
    ApiQuery(query): ApiQuery<NextQuery>,
) -> Response {
    let next = safe_next(query.next.as_deref());
    if access.is_some() {
        return Redirect::to(&next).into_response();
    }
    login_page(&state, StatusCode::OK, next, String::new(), None)
}

/// The login form.
#[derive(Debug, Deserialize)]
pub struct LoginForm {
    username: String,
    password: String,
    #[serde(rename = "_login", default)]
    login_token: String,
    next: Option<String>,
}

const GENERIC_FAILURE: &str =
    "Wrong username or password, or the account is locked for a while after repeated failures.";

/// What the audit log keeps of a sign-in for an account that does not exist: not the typed
/// name (people sometimes type their password there, and the log is permanent) but the
/// first 16 hex digits of the SHA-256 of the trimmed, lowercased text and its length in
/// characters, so an auditor can still check a candidate name. `extra` adds fields.
pub(crate) fn unknown_username_details(typed: &str, ip: IpAddr, extra: &[(&str, &str)]) -> serde_json::Value {
    use sha2::{Digest, Sha256};
    let normalized = typed.trim().to_lowercase();
    let digest = hex::encode(Sha256::digest(normalized.as_bytes()));
    let mut details = serde_json::json!({
        "username_sha256": digest.get(..16).unwrap_or(&digest),
        "username_length": normalized.chars().count(),
        "from": ip.to_string(),
    });
    if let Some(map) = details.as_object_mut() {
        for (key, value) in extra {
            map.insert((*key).to_owned(), serde_json::Value::from(*value));
        }
    }
    details
}

/// `POST /login`.
pub async fn submit(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(form.next.as_deref());
    let username: String = form.username.trim().chars().take(64).collect();
    let expected = cookie(&headers, LOGIN_COOKIE).unwrap_or("");
    if !secret::same(&form.login_token, expected) {
        tracing::warn!(%ip, "login form without its login token refused");
        return login_page(
            &state,
            StatusCode::FORBIDDEN,
            next,
            username,
            Some("The sign-in form expired. Try again.".into()),
        );
    }
    if let Some(wait) = state.throttle().wait(ip) {
        tracing::warn!(%ip, "login throttled");
        let minutes = wait.as_secs().div_ceil(60);
        return login_page(
            &state,
            StatusCode::TOO_MANY_REQUESTS,
            next,
            username,
            Some(format!("Too many failed sign-ins from your address. Try again in {minutes} minutes.")),
        );
    }
    let store = state.system_store();
    let found = match store.credentials(&username).await {
        Ok(found) => found,
        Err(e) => return super::PageError::from(e).into_response(),
    };
    let hash = found.as_ref().map_or_else(|| password::decoy_hash().to_owned(), |c| c.password_hash.clone());
    let presented = form.password;
    let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &presented)).await.unwrap_or(false);
    let now = crate::auth::guard::now();
    let user = match found {
        Some(c) if matches && !c.user.disabled && !c.user.is_locked(now) => c.user,
        Some(c) => {
            state.throttle().fail(ip);
            if !c.user.disabled
                && let Err(e) = store.record_login_failure(c.user.id).await
            {
                tracing::error!(error = %e, "cannot record a failed login");
            }
            tracing::warn!(%ip, user = %c.user.username, "failed login");
            return login_page(&state, StatusCode::UNAUTHORIZED, next, username, Some(GENERIC_FAILURE.into()));
        }
        None => {
            state.throttle().fail(ip);
            let event = AuditEvent::new::<(), serde_json::Value>(
                "login-failed",
                "user",
                None,
                None,
                Some(&unknown_username_details(&username, ip, &[])),
            );
            if let Err(e) =
                store.with_caller(chainward_core::access::Caller::system("anonymous")).record_event(event).await
            {
                tracing::error!(error = %e, "cannot record a failed login");
            }
            tracing::warn!(%ip, "failed login for an unknown username");
            return login_page(&state, StatusCode::UNAUTHORIZED, next, username, Some(GENERIC_FAILURE.into()));
        }
    };
    let target = if user.must_change_password { "/account?reason=change-password".to_owned() } else { next };
    let mut response = start_session(&state, &headers, &user, ip, &target, "password").await;
    response.headers_mut().append(SET_COOKIE, clear_cookie(LOGIN_COOKIE));
    response
}

/// Starts a session for `user`, who has just proved who they are (by password or through
/// the OpenID Connect provider), and sends the browser to `target`: a new random id (any
/// session the browser presented before is ended), only its hash stored, a new CSRF token,
/// the cookie, and the `login` entry in the audit log.
pub(crate) async fn start_session(
    state: &AppState,
    headers: &HeaderMap,
    user: &User,
    ip: IpAddr,
    target: &str,
    method: &str,
) -> Response {
    let store = state.system_store();
    let now = crate::auth::guard::now();
    // A session the browser already had is ended: the new one gets a new id.
    if let Some(old) = cookie(headers, SESSION_COOKIE) {
        let _ = store.delete_session(&secret::digest(old)).await;
    }
    let token = secret::random_hex(32);
    let session = Session {
        id_hash: secret::digest(&token),
        user: user.id,
        csrf_token: secret::random_hex(32),
        created_at: now,
        last_seen_at: now,
        expires_at: now + state.session_absolute(),
    };
    // Sessions are the server's business, not the account's scope: the entry names the user.
    let as_user = chainward_core::access::Caller { scope: chainward_core::access::Scope::Everything, ..user.caller() };
    if let Err(e) = store.with_caller(as_user).create_session(session).await {
        return super::PageError::from(e).into_response();
    }
    tracing::info!(%ip, user = %user.username, method, "signed in");
    let mut response = Redirect::to(target).into_response();
    let secure = if state.secure_cookies() { "; Secure" } else { "" };
    let max_age = state.session_absolute().whole_seconds();
    let value = format!("{SESSION_COOKIE}={token}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Strict{secure}");
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// The logout form (CSRF-checked: nobody can sign you out from another site).
#[derive(Debug, Deserialize)]
pub struct LogoutForm {}

/// `POST /logout`.
pub async fn logout(
    State(state): State<AppState>,
    access: crate::auth::Access,
    super::CsrfForm(_): super::CsrfForm<LogoutForm>,
) -> Response {
    let as_user =
        chainward_core::access::Caller { scope: chainward_core::access::Scope::Everything, ..access.caller.clone() };
    if let Some(session) = &access.session
        && let Err(e) = state.system_store().with_caller(as_user).delete_session(&session.id_hash).await
    {
        tracing::error!(error = %e, "cannot end a session");
    }
    let mut response = redirect_with_flash("/login", "You are signed out.", false);
    response.headers_mut().append(SET_COOKIE, clear_cookie(SESSION_COOKIE));
    response
}

/// The first-run page.
#[derive(Template)]
#[template(path = "setup.html")]
pub struct SetupPage {
    frame: Frame,
    token: String,
    username: String,
    error: Option<String>,
}

/// The set-up link's token.
#[derive(Debug, Deserialize)]
pub struct SetupQuery {
    token: Option<String>,
}

async fn setup_open(state: &AppState, token: &str) -> bool {
    state.setup_token_matches(token) && state.system_store().count_admins().await.is_ok_and(|n| n == 0)
}

/// `GET /setup?token=…`: the form for the first admin, while there is none.
pub async fn setup(State(state): State<AppState>, ApiQuery(query): ApiQuery<SetupQuery>) -> Response {
    let token = query.token.unwrap_or_default();
    if !setup_open(&state, &token).await {
        return forbidden_page("This set-up link is not valid: it was used already, or an admin exists.");
    }
    render(&SetupPage { frame: Frame::public("Set up chainward"), token, username: String::new(), error: None })
}

/// The set-up form.
#[derive(Debug, Deserialize)]
pub struct SetupForm {
    token: String,
    username: String,
    display_name: Option<String>,
    password: String,
    password_again: String,
}

/// `POST /setup`: creates the first admin and closes the link.
pub async fn setup_submit(State(state): State<AppState>, Form(form): Form<SetupForm>) -> Response {
    if !setup_open(&state, &form.token).await {
        return forbidden_page("This set-up link is not valid: it was used already, or an admin exists.");
    }
    let again = |error: String| {
        render_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &SetupPage {
                frame: Frame::public("Set up chainward"),
                token: form.token.clone(),
                username: form.username.clone(),
                error: Some(error),
            },
        )
    };
    if form.password != form.password_again {
        return again("The two passwords differ.".into());
    }
    if let Err(e) = check_password_policy(&form.password, form.username.trim()) {
        return again(e);
    }
    // The link is taken (closed) before anything is created: of two requests racing with
    // the same token only one goes on. It opens again if the admin cannot be created, also
    // when the request is dropped half-way.
    if !state.take_setup(&form.token) {
        return forbidden_page("This set-up link is not valid: it was used already, or an admin exists.");
    }
    let mut taken = TakenSetup { state: &state, token: Some(form.token.clone()) };
    let password = form.password.clone();
    let hash = match tokio::task::spawn_blocking(move || hash_password(&password)).await {
        Ok(Ok(hash)) => hash,
        _ => return again("The password could not be hashed; see the server log.".into()),
    };
    let user = NewUser {
        username: form.username.clone(),
        display_name: form.display_name.clone().unwrap_or_default(),
        email: None,
        role: Role::Admin,
        supplier: None,
        password_hash: hash,
        must_change_password: false,
    };
    let store = state.system_store().with_caller(chainward_core::access::Caller::system("setup-link"));
    match store.create_user(user).await {
        Ok(user) => {
            taken.token = None;
            tracing::info!(user = %user.username, "first admin created through the set-up link");
            redirect_with_flash("/login", "The admin account is ready. Sign in.", false)
        }
        Err(e) => again(e.to_string()),
    }
}

/// The set-up link taken by a `POST /setup` that has not created the admin yet: dropped
/// with its token still set, it opens the link again.
struct TakenSetup<'a> {
    state: &'a AppState,
    token: Option<String>,
}

impl Drop for TakenSetup<'_> {
    fn drop(&mut self) {
        if let Some(token) = self.token.take() {
            self.state.reopen_setup(&token);
        }
    }
}
