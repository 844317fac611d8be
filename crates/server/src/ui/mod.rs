//! The web UI: server-rendered pages (askama templates in `crates/server/templates/`),
//! one module per capability. Pages work without JavaScript; the one script of our own
//! (`/static/app.js`) only adds conveniences such as upload progress.
//!
//! Every page gets a [`Frame`] (who is signed in, the navigation their role may use, the
//! CSRF token for forms, a flash message). Every form that changes something is read
//! with [`CsrfForm`], which refuses a missing or wrong CSRF token before the handler runs.
//! See ARCHITECTURE.md, "Adding a capability's pages".

pub mod account;
pub mod admin;
pub mod audit;
pub mod baselines;
pub mod component_suppliers;
pub mod dashboard;
pub mod feeds;
pub mod findings;
pub mod import;
pub mod login;
pub mod offerings;
pub mod oidc;
pub mod sboms;
pub mod search;
pub mod services;
pub mod suppliers;
pub mod vulnerabilities;

use askama::Template;
use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::header::{CACHE_CONTROL, CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use chainward_core::model::Role;
use chainward_store::StoreError;
use serde::de::DeserializeOwned;

use crate::auth::guard::cookie;
use crate::auth::{Access, Need, secret};
use crate::error::ApiError;

/// The name of the one-shot flash message cookie.
const FLASH_COOKIE: &str = "chainward_flash";

/// One entry of the navigation.
#[derive(Debug, Clone)]
pub struct NavItem {
    /// Link target.
    pub href: &'static str,
    /// Shown text.
    pub label: &'static str,
    /// Whether it is the current section.
    pub current: bool,
}

/// What every page's layout needs.
#[derive(Debug, Clone, Default)]
pub struct Frame {
    /// Page title.
    pub title: String,
    /// `display name (role)` of who is signed in; empty on public pages.
    pub who: String,
    /// The role, spelled.
    pub role: String,
    /// The navigation the role may use.
    pub nav: Vec<NavItem>,
    /// The CSRF token forms must carry.
    pub csrf: String,
    /// A one-shot message from the previous request.
    pub flash: Option<String>,
    /// Whether the flash reports a failure.
    pub flash_error: bool,
}

impl Frame {
    /// The frame for a signed-in caller on a page of section `current` (its nav href).
    pub fn new(access: &Access, headers: &HeaderMap, title: impl Into<String>, current: &str) -> Frame {
        let (who, role) = match &access.user {
            Some(user) => (user.display_name.clone(), user.role.to_string()),
            None => (access.caller.actor.clone(), access.role().to_string()),
        };
        let nav = navigation(access.role())
            .into_iter()
            .map(|(href, label)| NavItem { href, label, current: href == current })
            .collect();
        let flash = cookie(headers, FLASH_COOKIE).map(url_decode).filter(|f| !f.is_empty());
        let flash_error = flash.as_deref().is_some_and(|f| f.starts_with('!'));
        let flash = flash.map(|f| f.trim_start_matches('!').to_owned());
        Frame { title: title.into(), who, role, nav, csrf: access.csrf_token().to_owned(), flash, flash_error }
    }

    /// The frame of a public page (login, set-up).
    pub fn public(title: impl Into<String>) -> Frame {
        Frame { title: title.into(), ..Frame::default() }
    }
}

/// The sections a role sees in the navigation, in order.
fn navigation(role: Role) -> Vec<(&'static str, &'static str)> {
    let mut nav = Vec::new();
    if Need::ReadInternal.allows(role) {
        nav.push(("/", "Dashboard"));
    }
    nav.push(("/suppliers", if role == Role::Supplier { "Our company" } else { "Suppliers" }));
    nav.push(("/offerings", "Offerings"));
    nav.push(("/sboms/validate", "SBOMs"));
    nav.push(("/findings", "Findings"));
    if Need::ReadInternal.allows(role) {
        nav.push(("/feeds", "Feeds"));
        nav.push(("/services", "Services"));
        nav.push(("/component-suppliers", "Component suppliers"));
    }
    if Need::ManageSuppliers.allows(role) {
        nav.push(("/import", "Import"));
    }
    if Need::ReadAudit.allows(role) {
        nav.push(("/audit", "Audit log"));
    }
    if Need::ManageUsers.allows(role) {
        nav.push(("/admin/users", "Users"));
    }
    nav.push(("/account", "Account"));
    nav
}

/// Renders a template into a page; a template error is a server fault.
pub fn render<T: Template>(template: &T) -> Response {
    match template.render() {
        Ok(html) => {
            let mut response = Html(html).into_response();
            // Pages carry per-user data and CSRF tokens: never store them.
            response.headers_mut().insert(CACHE_CONTROL, HeaderValue::from_static("no-store"));
            // A page that was rendered has shown its flash: clear it.
            response.headers_mut().append(SET_COOKIE, clear_cookie(FLASH_COOKIE));
            response
        }
        Err(e) => ApiError::internal(format!("template error: {e}")).into_response(),
    }
}

/// Renders with a status other than 200.
pub fn render_status<T: Template>(status: StatusCode, template: &T) -> Response {
    let mut response = render(template);
    *response.status_mut() = status;
    response
}

/// A page that says something and offers the way home.
#[derive(Template)]
#[template(path = "message.html")]
pub struct MessagePage {
    /// Layout.
    pub frame: Frame,
    /// Heading.
    pub heading: String,
    /// Text.
    pub text: String,
}

/// A plain page with a heading and a text.
pub fn message_page(heading: &str, text: &str) -> Response {
    render(&MessagePage { frame: Frame::public(heading), heading: heading.to_owned(), text: text.to_owned() })
}

/// The 403 page.
pub fn forbidden_page(text: &str) -> Response {
    render_status(
        StatusCode::FORBIDDEN,
        &MessagePage { frame: Frame::public("Not allowed"), heading: "Not allowed".to_owned(), text: text.to_owned() },
    )
}

/// A failure of a page handler, shown as a page (not JSON).
#[derive(Debug)]
pub struct PageError(pub ApiError);

impl From<ApiError> for PageError {
    fn from(e: ApiError) -> Self {
        PageError(e)
    }
}

impl From<StoreError> for PageError {
    fn from(e: StoreError) -> Self {
        PageError(ApiError::from(e))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let status = self.0.status();
        self.0.log();
        let (heading, text) = match status {
            StatusCode::NOT_FOUND => ("Not found", "There is nothing here, or it is not yours to see.".to_owned()),
            StatusCode::FORBIDDEN => ("Not allowed", self.0.body().message),
            s if s.is_server_error() => ("Something went wrong", self.0.body().message),
            _ => ("That did not work", self.0.body().message),
        };
        render_status(status, &MessagePage { frame: Frame::public(heading), heading: heading.to_owned(), text })
    }
}

/// A redirect that shows `message` on the next page (`error` makes it an error notice).
pub fn redirect_with_flash(to: &str, message: &str, error: bool) -> Response {
    let text = if error { format!("!{message}") } else { message.to_owned() };
    let mut response = Redirect::to(to).into_response();
    let value = format!("{FLASH_COOKIE}={}; Path=/; Max-Age=60; HttpOnly; SameSite=Strict", url_encode(&text));
    if let Ok(v) = HeaderValue::from_str(&value) {
        response.headers_mut().append(SET_COOKIE, v);
    }
    response
}

/// A `Set-Cookie` that deletes a cookie.
pub fn clear_cookie(name: &str) -> HeaderValue {
    HeaderValue::from_str(&format!("{name}=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"))
        .unwrap_or_else(|_| HeaderValue::from_static("x=; Max-Age=0"))
}

/// Percent-encodes everything but unreserved characters.
pub fn url_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for b in text.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Decodes percent-encoding (invalid sequences are kept as they are).
pub fn url_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        if b == b'%'
            && let Some(hex) = bytes.get(i + 1..i + 3)
            && let Ok(v) = u8::from_str_radix(std::str::from_utf8(hex).unwrap_or("zz"), 16)
        {
            out.push(v);
            i += 3;
            continue;
        }
        out.push(if b == b'+' { b' ' } else { b });
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Only local paths are followed after login (no open redirects): a value that parses as
/// a URI path (and query) starting with a single `/`, with no whitespace or control
/// character anywhere (browsers drop tabs and newlines from URLs, so `/\t/evil.example`
/// would become `//evil.example`) and no backslash (which browsers read as `/`).
pub fn safe_next(next: Option<&str>) -> String {
    let local = |n: &str| {
        n.len() < 2000
            && n.starts_with('/')
            && !n.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\')
            && !n.starts_with("//")
            && n.parse::<axum::http::uri::PathAndQuery>().is_ok_and(|pq| pq.as_str() == n)
    };
    match next {
        Some(n) if local(n) => n.to_owned(),
        _ => "/".to_owned(),
    }
}

/// A URL-encoded form whose `_csrf` field must match the session's CSRF token; checked
/// before the handler runs, so no handler can forget it. A wrong or missing token is 403.
pub struct CsrfForm<T>(pub T);

#[derive(serde::Deserialize)]
struct CsrfOnly {
    #[serde(rename = "_csrf", default)]
    csrf: String,
}

impl<S, T> FromRequest<S> for CsrfForm<T>
where
    S: Send + Sync,
    T: DeserializeOwned,
{
    type Rejection = Response;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let access = request.extensions().get::<Access>().cloned();
        let is_form = request
            .headers()
            .get(CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                PageError(ApiError::PayloadTooLarge("the form is larger than the server accepts".to_owned()))
                    .into_response()
            } else {
                PageError(ApiError::BadRequest("the form could not be read".to_owned())).into_response()
            }
        })?;
        let Some(access) = access else {
            return Err(forbidden_page("Sign in first."));
        };
        if !is_form {
            return Err(PageError(ApiError::BadRequest("send the form as application/x-www-form-urlencoded".into()))
                .into_response());
        }
        let presented: CsrfOnly = serde_urlencoded::from_bytes(&bytes).unwrap_or(CsrfOnly { csrf: String::new() });
        if !secret::same(&presented.csrf, access.csrf_token()) {
            tracing::warn!(actor = %access.caller.actor, "form with a missing or wrong CSRF token refused");
            return Err(forbidden_page(
                "The form's security token is missing or out of date. Go back, reload the page and try again.",
            ));
        }
        serde_urlencoded::from_bytes::<T>(&bytes)
            .map(CsrfForm)
            .map_err(|e| PageError(ApiError::BadRequest(format!("the form is malformed: {e}"))).into_response())
    }
}

/// Checks a CSRF token taken from a multipart form.
#[allow(clippy::result_large_err)] // the error is the response itself, as axum rejections are
pub fn check_csrf(access: &Access, presented: &str) -> Result<(), Response> {
    if secret::same(presented, access.csrf_token()) {
        Ok(())
    } else {
        tracing::warn!(actor = %access.caller.actor, "upload with a missing or wrong CSRF token refused");
        Err(forbidden_page("The form's security token is missing or out of date. Reload the page and try again."))
    }
}

/// An empty form field is "not given".
pub fn given(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// Pagination links for a list page.
#[derive(Debug, Clone)]
pub struct Pager {
    /// First row shown (1-based), 0 when empty.
    pub from: u64,
    /// Last row shown.
    pub to: u64,
    /// All rows.
    pub total: u64,
    /// Link to the previous page.
    pub prev: Option<String>,
    /// Link to the next page.
    pub next: Option<String>,
}

impl Pager {
    /// The pager of a list at `offset` with `shown` rows of `total`, for `base` (a path
    /// with its filter query, without offset).
    pub fn new(base: &str, offset: u64, limit: u64, shown: usize, total: u64) -> Pager {
        let sep = if base.contains('?') { '&' } else { '?' };
        let shown = shown as u64;
        Pager {
            from: if shown == 0 { 0 } else { offset + 1 },
            to: offset + shown,
            total,
            prev: (offset > 0).then(|| format!("{base}{sep}offset={}", offset.saturating_sub(limit))),
            next: (offset + shown < total).then(|| format!("{base}{sep}offset={}", offset + limit)),
        }
    }
}

/// The stylesheet.
pub async fn stylesheet() -> Response {
    static_file("text/css; charset=utf-8", include_str!("../../static/app.css"))
}

/// The one script.
pub async fn script() -> Response {
    static_file("text/javascript; charset=utf-8", include_str!("../../static/app.js"))
}

fn static_file(content_type: &'static str, body: &'static str) -> Response {
    (
        StatusCode::OK,
        [
            (CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (CACHE_CONTROL, HeaderValue::from_static("max-age=3600")),
        ],
        body,
    )
        .into_response()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_round_trip_and_next_stays_local() {
        let text = "a b&c=d/é<>";
        assert_eq!(url_decode(&url_encode(text)), text);
        assert_eq!(safe_next(Some("/suppliers?q=x")), "/suppliers?q=x");
        assert_eq!(safe_next(Some("//evil.example")), "/");
        assert_eq!(safe_next(Some("https://evil.example")), "/");
        assert_eq!(safe_next(Some("/\\evil")), "/");
        assert_eq!(safe_next(Some(&url_decode("/%09/evil.example"))), "/");
        assert_eq!(safe_next(Some("/\t/evil.example")), "/");
        assert_eq!(safe_next(Some("/\r\n/x")), "/");
        assert_eq!(safe_next(Some("/ /evil")), "/");
        assert_eq!(safe_next(Some("/\u{0}x")), "/");
        assert_eq!(safe_next(Some("/\u{a0}/evil")), "/");
        assert_eq!(safe_next(Some("\t//evil.example")), "/");
        assert_eq!(safe_next(Some("/a\\b")), "/");
        assert_eq!(safe_next(Some("/offerings?tier=critical&q=a%20b")), "/offerings?tier=critical&q=a%20b");
        assert_eq!(safe_next(None), "/");
    }

    #[test]
    fn the_pager_links_neighbours() {
        let p = Pager::new("/suppliers?q=a", 50, 50, 50, 120);
        assert_eq!((p.from, p.to, p.total), (51, 100, 120));
        assert_eq!(p.prev.as_deref(), Some("/suppliers?q=a&offset=0"));
        assert_eq!(p.next.as_deref(), Some("/suppliers?q=a&offset=100"));
        assert!(Pager::new("/x", 0, 50, 0, 0).next.is_none());
    }
}
