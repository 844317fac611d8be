//! The signed-in person's own account: who they are, their password and their personal
//! API tokens.
//!
//! A new token's secret is shown exactly once, on the page that answers the form: never in
//! a redirect, a URL or a flash cookie, and only its SHA-256 is stored. A personal token
//! never does more than its person: it has the person's role (or the read-only `auditor`
//! role, which any internal account may hand to a script), and a supplier account's tokens
//! are confined to that supplier. The guard checks this again on every request, so a token
//! stops working when its person is demoted.
//!
//! Every handler here uses the caller's own store ([`Access::store`]), scope and all: the
//! store lets every caller, a supplier's staff included, look after the account it acts for,
//! and refuses them anyone else's. The user id always comes from the session, never from
//! the request.

use std::str::FromStr;

use askama::Template;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chainward_core::access::{ApiToken, NewToken, User};
use chainward_core::model::{Role, TokenId};
use chainward_store::StoreError;
use serde::Deserialize;
use time::OffsetDateTime;

use super::login::ClientAddr;
use super::{CsrfForm, Frame, PageError, redirect_with_flash, render, render_status};
use crate::auth::guard::now;
use crate::auth::{Access, check_password_policy, hash_password, secret, verify_password};
use crate::error::ApiError;
use crate::extract::ApiQuery;
use crate::state::AppState;

/// How long a new token may live, as the forms offer it: (form value, label).
pub const EXPIRY_CHOICES: [(&str, &str); 4] =
    [("30", "30 days"), ("90", "90 days"), ("365", "one year"), ("none", "never (not recommended)")];

/// The expiry a form asked for, counted from `now`; `Ok(None)` is "never".
pub fn parse_expiry(value: &str, now: OffsetDateTime) -> Result<Option<OffsetDateTime>, String> {
    match value.trim() {
        "none" => Ok(None),
        days @ ("30" | "90" | "365") => {
            let days: i64 = days.parse().map_err(|_| "choose how long the token lives".to_owned())?;
            Ok(Some(now + time::Duration::days(days)))
        }
        _ => Err("choose how long the token lives: 30, 90 or 365 days, or never".to_owned()),
    }
}

/// A token name, trimmed: 1 to 64 printable characters.
pub fn check_token_name(name: &str) -> Result<String, String> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err("give the token a name of 1 to 64 characters that says what it is for".to_owned());
    }
    if name.chars().any(char::is_control) {
        return Err("the token name may not contain control characters".to_owned());
    }
    Ok(name.to_owned())
}

/// A fresh token secret, refused when the operating system gave no randomness.
pub fn fresh_token_secret() -> Result<String, PageError> {
    let secret = secret::new_token();
    if secret.len() <= secret::TOKEN_PREFIX.len() {
        return Err(PageError(ApiError::internal("no randomness for a new API token")));
    }
    Ok(secret)
}

/// The first characters of a secret, stored to recognise the token in lists.
pub fn token_prefix(secret: &str) -> String {
    secret.chars().take(secret::TOKEN_PREFIX.len() + 8).collect()
}

/// The roles a person with `role` may give their personal tokens: their own, and the
/// read-only `auditor` role unless they are a supplier's staff.
pub fn personal_token_roles(role: Role) -> Vec<Role> {
    let mut roles = vec![role];
    if role != Role::Supplier && role != Role::Auditor {
        roles.push(Role::Auditor);
    }
    roles
}

/// A time as pages show it.
pub fn when(t: OffsetDateTime) -> String {
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute] UTC");
    let utc = t.to_offset(time::UtcOffset::UTC);
    utc.format(&format).unwrap_or_else(|_| utc.to_string())
}

/// An id from a path; one that does not parse is simply not found.
pub fn parse_id<T: FromStr>(raw: &str) -> Result<T, PageError> {
    raw.parse().map_err(|_| PageError(ApiError::NotFound(format!("{raw:?} is not the id of anything here"))))
}

/// The message of a store error a person can act on (a taken name, an invalid value, a
/// refusal), to show beside the form; anything else is a failure page.
pub fn actionable(error: StoreError) -> Result<String, PageError> {
    match error {
        StoreError::Conflict(message) | StoreError::Forbidden(message) => Ok(message),
        StoreError::Invalid(value) => Ok(value.to_string()),
        other => Err(PageError::from(other)),
    }
}

/// One choice of a `<select>`.
#[derive(Debug, Clone)]
pub struct Choice {
    /// The submitted value.
    pub value: String,
    /// The shown text.
    pub label: String,
    /// Whether it is chosen.
    pub selected: bool,
}

impl Choice {
    /// A choice, selected when `value` is `current`.
    pub fn new(value: impl Into<String>, label: impl Into<String>, current: &str) -> Choice {
        let value = value.into();
        let selected = value == current;
        Choice { value, label: label.into(), selected }
    }
}

/// The expiry choices with `current` selected.
pub fn expiry_choices(current: &str) -> Vec<Choice> {
    EXPIRY_CHOICES.iter().map(|(value, label)| Choice::new(*value, *label, current)).collect()
}

/// An API token as a table row shows it.
#[derive(Debug, Clone)]
pub struct TokenRow {
    /// Identity, for the revoke form.
    pub id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: String,
    /// The supplier it is confined to, by name; empty when none.
    pub supplier: String,
    /// The first characters of the secret.
    pub prefix: String,
    /// Who created it, and when.
    pub created: String,
    /// Creation's actor.
    pub created_by: String,
    /// Expiry, or "never".
    pub expires: String,
    /// Last use, or "never".
    pub last_used: String,
    /// `active`, `expired` or `revoked …`.
    pub state: String,
    /// Whether it still works (and can be revoked).
    pub usable: bool,
}

impl TokenRow {
    /// The row of `token`, with its supplier's name when it has one.
    pub fn new(token: &ApiToken, supplier: Option<String>, now: OffsetDateTime) -> TokenRow {
        let state = match (token.revoked_at, token.expires_at) {
            (Some(at), _) => format!("revoked {}", when(at)),
            (None, Some(at)) if at <= now => "expired".to_owned(),
            _ => "active".to_owned(),
        };
        TokenRow {
            id: token.id.to_string(),
            name: token.name.clone(),
            role: token.role.to_string(),
            supplier: supplier.unwrap_or_default(),
            prefix: token.prefix.clone(),
            created: when(token.created_at),
            created_by: token.created_by.clone(),
            expires: token.expires_at.map_or_else(|| "never".to_owned(), when),
            last_used: token.last_used_at.map_or_else(|| "never".to_owned(), when),
            state,
            usable: token.is_usable(now),
        }
    }
}

/// The page that shows a new secret (a token, a one-time password) once.
#[derive(Template)]
#[template(path = "secret.html")]
pub struct SecretPage {
    /// Layout.
    pub frame: Frame,
    /// Heading.
    pub heading: String,
    /// What the secret is.
    pub text: String,
    /// The secret.
    pub secret: String,
    /// How to use it.
    pub usage: Option<String>,
    /// Where to go next.
    pub back_href: String,
    /// The text of that link.
    pub back_label: String,
}

/// The account page.
#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    frame: Frame,
    user: User,
    role: String,
    supplier: Option<String>,
    must_change: bool,
    password_error: Option<String>,
    token_error: Option<String>,
    token_name: String,
    token_roles: Vec<Choice>,
    expiries: Vec<Choice>,
    tokens: Vec<TokenRow>,
}

/// What the account page shows besides the account.
#[derive(Debug, Default)]
struct Notices {
    password_error: Option<String>,
    token_error: Option<String>,
    token_name: String,
    token_role: String,
    expiry: String,
}

/// The signed-in account, or a refusal for callers without one.
fn signed_in(access: &Access) -> Result<&User, PageError> {
    access.user.as_ref().ok_or_else(|| PageError(ApiError::Forbidden("this page is for signed-in people".to_owned())))
}

async fn account_page(
    access: &Access,
    headers: &HeaderMap,
    status: StatusCode,
    must_change: bool,
    notices: Notices,
) -> Result<Response, PageError> {
    let user = signed_in(access)?;
    let store = access.store();
    let supplier = match user.supplier {
        Some(id) => Some(store.get_supplier(id).await?.data.name),
        None => None,
    };
    let now = now();
    let tokens = store
        .list_tokens(Some(user.id))
        .await?
        .iter()
        .map(|t| TokenRow::new(t, t.supplier.and(supplier.clone()), now))
        .collect();
    let wanted_role = if notices.token_role.is_empty() { user.role.to_string() } else { notices.token_role.clone() };
    let token_roles = personal_token_roles(user.role)
        .into_iter()
        .map(|r| Choice::new(r.as_str(), r.as_str(), &wanted_role))
        .collect();
    let expiry = if notices.expiry.is_empty() { "90" } else { notices.expiry.as_str() };
    let page = AccountPage {
        frame: Frame::new(access, headers, "Your account", "/account"),
        role: user.role.to_string(),
        user: user.clone(),
        supplier,
        must_change: must_change || user.must_change_password,
        password_error: notices.password_error,
        token_error: notices.token_error,
        token_name: notices.token_name,
        token_roles,
        expiries: expiry_choices(expiry),
        tokens,
    };
    Ok(render_status(status, &page))
}

/// Why the account page was opened.
#[derive(Debug, Deserialize)]
pub struct AccountQuery {
    reason: Option<String>,
}

/// `GET /account`: who am I, the password form and my API tokens.
pub async fn show(
    access: Access,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<AccountQuery>,
) -> Result<Response, PageError> {
    let must_change = query.reason.as_deref() == Some("change-password");
    account_page(&access, &headers, StatusCode::OK, must_change, Notices::default()).await
}

/// The change-password form.
#[derive(Debug, Deserialize)]
pub struct PasswordForm {
    #[serde(default)]
    current_password: String,
    #[serde(default)]
    new_password: String,
    #[serde(default)]
    new_password_again: String,
}

/// `POST /account/password`: checks the current password, sets the new one and ends the
/// account's other sessions.
pub async fn change_password(
    State(state): State<AppState>,
    ClientAddr(ip): ClientAddr,
    access: Access,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<PasswordForm>,
) -> Result<Response, PageError> {
    let user = signed_in(&access)?.clone();
    let refuse = |status: StatusCode, message: String| {
        let notices = Notices { password_error: Some(message), ..Notices::default() };
        let access = access.clone();
        let headers = headers.clone();
        async move { account_page(&access, &headers, status, false, notices).await }
    };
    // Guessing the current password through a stolen session is throttled like logins.
    if let Some(wait) = state.throttle().wait(ip) {
        let minutes = wait.as_secs().div_ceil(60);
        return refuse(
            StatusCode::TOO_MANY_REQUESTS,
            format!("Too many wrong passwords from your address. Try again in {minutes} minutes."),
        )
        .await;
    }
    let Some(credentials) = access.store().credentials(&user.username).await? else {
        return Err(PageError(ApiError::NotFound("your account no longer exists".to_owned())));
    };
    let hash = credentials.password_hash;
    let current = form.current_password.clone();
    let matches = tokio::task::spawn_blocking(move || verify_password(&hash, &current)).await.unwrap_or(false);
    if !matches {
        state.throttle().fail(ip);
        tracing::warn!(%ip, user = %user.username, "wrong current password on a password change");
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "The current password is wrong.".to_owned()).await;
    }
    if form.new_password != form.new_password_again {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, "The two new passwords differ.".to_owned()).await;
    }
    if form.new_password == form.current_password {
        return refuse(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose a password different from the current one.".to_owned(),
        )
        .await;
    }
    if let Err(e) = check_password_policy(&form.new_password, &user.username) {
        return refuse(StatusCode::UNPROCESSABLE_ENTITY, sentence(&e)).await;
    }
    let new_password = form.new_password;
    let hash = tokio::task::spawn_blocking(move || hash_password(&new_password))
        .await
        .map_err(|e| PageError(ApiError::internal(format!("password hashing task failed: {e}"))))?
        .map_err(|e| PageError(ApiError::internal(e)))?;
    let keep = access.session.as_ref().map(|s| s.id_hash.as_str());
    access.store().set_password(user.id, &hash, false, keep).await?;
    tracing::info!(user = %user.username, "password changed");
    Ok(redirect_with_flash("/account", "Your password is changed. Your other sessions have been signed out.", false))
}

/// A lower-case message as a sentence.
pub fn sentence(message: &str) -> String {
    let mut chars = message.chars();
    match chars.next() {
        Some(first) => {
            let mut text: String = first.to_uppercase().chain(chars).collect();
            if !text.ends_with('.') {
                text.push('.');
            }
            text
        }
        None => String::new(),
    }
}

/// The new-token form.
#[derive(Debug, Deserialize)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    expires: String,
}

/// `POST /account/tokens`: creates a personal API token and shows its secret once.
pub async fn create_token(
    access: Access,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<TokenForm>,
) -> Result<Response, PageError> {
    let user = signed_in(&access)?.clone();
    let refuse = |message: String| {
        let notices = Notices {
            token_error: Some(message),
            token_name: form.name.clone(),
            token_role: form.role.clone(),
            expiry: form.expires.clone(),
            ..Notices::default()
        };
        let access = access.clone();
        let headers = headers.clone();
        async move { account_page(&access, &headers, StatusCode::UNPROCESSABLE_ENTITY, false, notices).await }
    };
    if user.must_change_password {
        return refuse("Change your password before you create API tokens.".to_owned()).await;
    }
    let name = match check_token_name(&form.name) {
        Ok(name) => name,
        Err(e) => return refuse(sentence(&e)).await,
    };
    let allowed = personal_token_roles(user.role);
    let Some(role) = Role::from_str(&form.role).ok().filter(|r| allowed.contains(r)) else {
        let names: Vec<&str> = allowed.iter().map(|r| r.as_str()).collect();
        return refuse(format!("Choose the token's role: {}.", names.join(" or "))).await;
    };
    let now = now();
    let expires_at = match parse_expiry(&form.expires, now) {
        Ok(at) => at,
        Err(e) => return refuse(sentence(&e)).await,
    };
    let secret = fresh_token_secret()?;
    let token = NewToken {
        name,
        user: Some(user.id),
        role,
        supplier: if role == Role::Supplier { user.supplier } else { None },
        token_hash: secret::digest(&secret),
        prefix: token_prefix(&secret),
        expires_at,
    };
    let created = match access.store().create_token(token).await {
        Ok(created) => created,
        Err(e) => return refuse(sentence(&actionable(e)?)).await,
    };
    tracing::info!(user = %user.username, token = %created.name, "personal API token created");
    let expiry =
        created.expires_at.map_or_else(|| "It does not expire.".to_owned(), |at| format!("It expires {}.", when(at)));
    Ok(render(&SecretPage {
        frame: Frame::new(&access, &headers, "New API token", "/account"),
        heading: format!("API token “{}”", created.name),
        text: format!("The token acts as you with the {} role. {expiry}", created.role),
        secret,
        usage: Some("Send it as the header  Authorization: Bearer <token>  to the API under /api/v1.".to_owned()),
        back_href: "/account".to_owned(),
        back_label: "Back to your account".to_owned(),
    }))
}

/// Forms that only confirm an action carry nothing but the CSRF token.
#[derive(Debug, Deserialize)]
pub struct ConfirmForm {}

/// `POST /account/tokens/{id}/revoke`: revokes one of the caller's own tokens.
pub async fn revoke_token(
    access: Access,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let user = signed_in(&access)?;
    let id: TokenId = parse_id(&id)?;
    let store = access.store();
    // Only the caller's own tokens: anyone else's is "not found", whether it exists or not.
    let mine = store.list_tokens(Some(user.id)).await?;
    let Some(token) = mine.into_iter().find(|t| t.id == id) else {
        return Err(PageError(ApiError::NotFound("you have no such token".to_owned())));
    };
    if token.revoked_at.is_some() {
        return Ok(redirect_with_flash("/account", &format!("The token “{}” was revoked already.", token.name), false));
    }
    let revoked = store.revoke_token(id).await?;
    tracing::info!(user = %user.username, token = %revoked.name, "personal API token revoked");
    Ok(redirect_with_flash("/account", &format!("The token “{}” is revoked.", revoked.name), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn expiries_are_the_offered_ones_only() {
        let now = time::macros::datetime!(2026-01-01 00:00 UTC);
        assert_eq!(parse_expiry("30", now), Ok(Some(time::macros::datetime!(2026-01-31 00:00 UTC))));
        assert_eq!(parse_expiry("none", now), Ok(None));
        assert!(parse_expiry("7", now).is_err());
        assert!(parse_expiry("", now).is_err());
    }

    #[test]
    fn personal_tokens_never_exceed_their_person() {
        assert_eq!(personal_token_roles(Role::Admin), [Role::Admin, Role::Auditor]);
        assert_eq!(personal_token_roles(Role::Auditor), [Role::Auditor]);
        assert_eq!(personal_token_roles(Role::Supplier), [Role::Supplier]);
    }

    #[test]
    fn token_names_are_trimmed_and_bounded() {
        assert_eq!(check_token_name("  ci upload "), Ok("ci upload".to_owned()));
        assert!(check_token_name("   ").is_err());
        assert!(check_token_name(&"x".repeat(65)).is_err());
        assert!(check_token_name("a\nb").is_err());
        assert_eq!(token_prefix("cw_0123456789abcdef"), "cw_01234567");
        assert_eq!(sentence("the password must be longer"), "The password must be longer.");
    }
}
