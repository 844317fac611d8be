//! Administration of accounts and service tokens (admins only).
//!
//! Passwords an admin hands out (a generated initial password, a reset) are one-time: the
//! account must choose its own at the next sign-in, and the generated text is shown once on
//! the page that answers the form. The same goes for service tokens' secrets. The last
//! enabled admin cannot be disabled or demoted, so the registry is never left without
//! someone who can manage accounts.

use std::collections::HashMap;
use std::str::FromStr;

use askama::Template;
use axum::extract::Path;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chainward_core::access::{NewToken, NewUser, User, UserChange, check_role_supplier};
use chainward_core::model::{Role, SupplierId, TokenId, UserId};
use chainward_store::{Page, Store, SupplierFilter};
use serde::Deserialize;

use super::account::{
    Choice, SecretPage, TokenRow, actionable, expiry_choices, fresh_token_secret, parse_expiry, parse_id, sentence,
    token_prefix, when,
};
use super::{CsrfForm, Frame, PageError, given, redirect_with_flash, render, render_status};
use crate::auth::guard::now;
use crate::auth::{Access, check_password_policy, hash_password, secret};
use crate::error::ApiError;

const USERS: &str = "/admin/users";

/// Suppliers by name, for the selects and to name the supplier of accounts and tokens.
async fn supplier_names(store: &dyn Store) -> Result<Vec<(SupplierId, String)>, PageError> {
    let mut names = Vec::new();
    let mut page = Page::FIRST;
    loop {
        let found = store.list_suppliers(&SupplierFilter::default(), page).await?;
        let n = found.items.len() as u64;
        names.extend(found.items.into_iter().map(|s| (s.id, s.data.name)));
        page.offset += n;
        if n == 0 || page.offset >= found.total {
            return Ok(names);
        }
    }
}

fn supplier_choices(names: &[(SupplierId, String)], current: &str) -> Vec<Choice> {
    let mut choices = vec![Choice::new("", "— none (other roles) —", current)];
    choices.extend(names.iter().map(|(id, name)| Choice::new(id.to_string(), name.clone(), current)));
    choices
}

fn role_choices(current: &str) -> Vec<Choice> {
    Role::ALL.iter().map(|r| Choice::new(r.as_str(), r.as_str(), current)).collect()
}

/// A generated one-time password: 96 random bits as four groups of six hex digits.
fn one_time_password() -> Result<String, PageError> {
    let hex = secret::random_hex(12);
    if hex.len() != 24 {
        return Err(PageError(ApiError::internal("no randomness for a one-time password")));
    }
    let groups: Vec<String> = hex.as_bytes().chunks(6).map(|c| String::from_utf8_lossy(c).into_owned()).collect();
    Ok(groups.join("-"))
}

async fn hashed(password: String) -> Result<String, PageError> {
    tokio::task::spawn_blocking(move || hash_password(&password))
        .await
        .map_err(|e| PageError(ApiError::internal(format!("password hashing task failed: {e}"))))?
        .map_err(|e| PageError(ApiError::internal(e)))
}

/// The role and supplier a form asked for: the supplier counts only for the supplier
/// role, which needs one.
fn role_and_supplier(role: &str, supplier: &str) -> Result<(Role, Option<SupplierId>), String> {
    let role = Role::from_str(role).map_err(|e| sentence(&e.to_string()))?;
    let supplier = if role == Role::Supplier {
        let id = given(&Some(supplier.to_owned()))
            .ok_or("Choose the supplier a supplier account (or token) belongs to.")?
            .parse::<SupplierId>()
            .map_err(|_| "Choose the supplier from the list.".to_owned())?;
        Some(id)
    } else {
        None
    };
    check_role_supplier(role, supplier).map_err(|e| sentence(&e.to_string()))?;
    Ok((role, supplier))
}

/// Whether a change would leave no enabled admin: `before` is an enabled admin, the change
/// demotes or disables it, and it is the only one.
pub fn removes_last_admin(before: &User, role: Role, disabled: bool, enabled_admins: u64) -> bool {
    let was_admin = before.role == Role::Admin && !before.disabled;
    let stays_admin = role == Role::Admin && !disabled;
    was_admin && !stays_admin && enabled_admins <= 1
}

/// An account as the users table shows it.
#[derive(Debug, Clone)]
pub struct UserRow {
    id: String,
    username: String,
    display_name: String,
    email: String,
    role: String,
    supplier: String,
    disabled: bool,
    locked_until: String,
    failed_logins: u32,
    must_change: bool,
    created: String,
    updated: String,
}

impl UserRow {
    fn new(user: &User, suppliers: &HashMap<SupplierId, String>) -> UserRow {
        let now = now();
        UserRow {
            id: user.id.to_string(),
            username: user.username.clone(),
            display_name: user.display_name.clone(),
            email: user.email.clone().unwrap_or_default(),
            role: user.role.to_string(),
            supplier: user
                .supplier
                .map(|s| suppliers.get(&s).cloned().unwrap_or_else(|| s.to_string()))
                .unwrap_or_default(),
            disabled: user.disabled,
            locked_until: user.locked_until.filter(|_| user.is_locked(now)).map(when).unwrap_or_default(),
            failed_logins: user.failed_logins,
            must_change: user.must_change_password,
            created: when(user.created_at),
            updated: when(user.updated_at),
        }
    }
}

/// The new-account form.
#[derive(Debug, Default, Deserialize)]
pub struct NewUserForm {
    #[serde(default)]
    username: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    password: String,
    /// `on` to generate a one-time password instead.
    generate: Option<String>,
}

/// The service-token form.
#[derive(Debug, Default, Deserialize)]
pub struct ServiceTokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    supplier: String,
    #[serde(default)]
    expires: String,
}

/// The users page: accounts, the new-account form and service tokens.
#[derive(Template)]
#[template(path = "users.html")]
pub struct UsersPage {
    frame: Frame,
    users: Vec<UserRow>,
    service_tokens: Vec<TokenRow>,
    new_user: NewUserForm,
    user_roles: Vec<Choice>,
    user_suppliers: Vec<Choice>,
    user_error: Option<String>,
    new_token: ServiceTokenForm,
    token_roles: Vec<Choice>,
    token_suppliers: Vec<Choice>,
    expiries: Vec<Choice>,
    token_error: Option<String>,
}

#[derive(Default)]
struct UsersNotices {
    new_user: NewUserForm,
    user_error: Option<String>,
    new_token: ServiceTokenForm,
    token_error: Option<String>,
}

async fn users_page(
    access: &Access,
    headers: &HeaderMap,
    status: StatusCode,
    notices: UsersNotices,
) -> Result<Response, PageError> {
    let store = access.store();
    let names = supplier_names(store).await?;
    let by_id: HashMap<SupplierId, String> = names.iter().cloned().collect();
    let users = store.list_users().await?.iter().map(|u| UserRow::new(u, &by_id)).collect();
    let now = now();
    let service_tokens = store
        .list_tokens(None)
        .await?
        .iter()
        .filter(|t| t.user.is_none())
        .map(|t| TokenRow::new(t, t.supplier.and_then(|s| by_id.get(&s).cloned()), now))
        .collect();
    let UsersNotices { new_user, user_error, new_token, token_error } = notices;
    let user_role = if new_user.role.is_empty() { "analyst" } else { new_user.role.as_str() };
    let token_role = if new_token.role.is_empty() { "auditor" } else { new_token.role.as_str() };
    let expiry = if new_token.expires.is_empty() { "90" } else { new_token.expires.as_str() };
    let page = UsersPage {
        frame: Frame::new(access, headers, "Users", USERS),
        users,
        service_tokens,
        user_roles: role_choices(user_role),
        user_suppliers: supplier_choices(&names, &new_user.supplier),
        user_error,
        token_roles: role_choices(token_role),
        token_suppliers: supplier_choices(&names, &new_token.supplier),
        expiries: expiry_choices(expiry),
        token_error,
        new_user,
        new_token,
    };
    Ok(render_status(status, &page))
}

/// `GET /admin/users`: every account, the new-account form and the service tokens.
pub async fn users(access: Access, headers: HeaderMap) -> Result<Response, PageError> {
    users_page(&access, &headers, StatusCode::OK, UsersNotices::default()).await
}

/// `POST /admin/users`: creates an account, with the given initial password or a
/// generated one-time password shown once.
pub async fn create_user(
    access: Access,
    headers: HeaderMap,
    CsrfForm(mut form): CsrfForm<NewUserForm>,
) -> Result<Response, PageError> {
    let generate = form.generate.is_some();
    let checked = role_and_supplier(&form.role, &form.supplier).and_then(|(role, supplier)| {
        if generate {
            return Ok((role, supplier, None));
        }
        check_password_policy(&form.password, form.username.trim()).map_err(|e| sentence(&e))?;
        Ok((role, supplier, Some(std::mem::take(&mut form.password))))
    });
    let (role, supplier, typed) = match checked {
        Ok(checked) => checked,
        Err(message) => {
            form.password.clear();
            let notices = UsersNotices { new_user: form, user_error: Some(message), ..UsersNotices::default() };
            return users_page(&access, &headers, StatusCode::UNPROCESSABLE_ENTITY, notices).await;
        }
    };
    let generated = if typed.is_none() { Some(one_time_password()?) } else { None };
    let password = typed.or_else(|| generated.clone()).unwrap_or_default();
    let new_user = NewUser {
        username: form.username.trim().to_owned(),
        display_name: form.display_name.trim().to_owned(),
        email: given(&Some(form.email.clone())).map(str::to_owned),
        role,
        supplier,
        password_hash: hashed(password).await?,
        // A password the admin knows is never the account's own: it changes at first sign-in.
        must_change_password: true,
    };
    let user = match access.store().create_user(new_user).await {
        Ok(user) => user,
        Err(e) => {
            let message = sentence(&actionable(e)?);
            let notices = UsersNotices { new_user: form, user_error: Some(message), ..UsersNotices::default() };
            return users_page(&access, &headers, StatusCode::UNPROCESSABLE_ENTITY, notices).await;
        }
    };
    tracing::info!(actor = %access.caller.actor, user = %user.username, "account created");
    let back = format!("{USERS}/{}", user.id);
    match generated {
        Some(password) => Ok(render(&SecretPage {
            frame: Frame::new(&access, &headers, "Account created", USERS),
            heading: format!("Account “{}” created", user.username),
            text: format!(
                "Give this one-time password to {} through a channel you trust. They must choose their own \
                 password when they first sign in.",
                user.display_name
            ),
            secret: password,
            usage: None,
            back_href: back,
            back_label: "Go to the account".to_owned(),
        })),
        None => Ok(redirect_with_flash(
            &back,
            &format!("Account “{}” created. They must choose a new password when they first sign in.", user.username),
            false,
        )),
    }
}

/// One account's page: the edit form, the password reset and its tokens.
#[derive(Template)]
#[template(path = "user.html")]
pub struct UserPage {
    frame: Frame,
    user: UserRow,
    is_self: bool,
    form: UserForm,
    roles: Vec<Choice>,
    suppliers: Vec<Choice>,
    error: Option<String>,
    tokens: Vec<TokenRow>,
}

/// The edit form of an account.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct UserForm {
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    supplier: String,
    /// `on` when disabled.
    disabled: Option<String>,
}

impl UserForm {
    fn of(user: &User) -> UserForm {
        UserForm {
            display_name: user.display_name.clone(),
            email: user.email.clone().unwrap_or_default(),
            role: user.role.to_string(),
            supplier: user.supplier.map(|s| s.to_string()).unwrap_or_default(),
            disabled: user.disabled.then(|| "on".to_owned()),
        }
    }
}

async fn user_page(
    access: &Access,
    headers: &HeaderMap,
    id: UserId,
    status: StatusCode,
    edited: Option<(UserForm, String)>,
) -> Result<Response, PageError> {
    let store = access.store();
    let user = store.get_user(id).await?;
    let names = supplier_names(store).await?;
    let by_id: HashMap<SupplierId, String> = names.iter().cloned().collect();
    let now = now();
    let tokens = store
        .list_tokens(Some(id))
        .await?
        .iter()
        .map(|t| TokenRow::new(t, t.supplier.and_then(|s| by_id.get(&s).cloned()), now))
        .collect();
    let (form, error) = match edited {
        Some((form, error)) => (form, Some(error)),
        None => (UserForm::of(&user), None),
    };
    let page = UserPage {
        frame: Frame::new(access, headers, format!("User {}", user.username), USERS),
        is_self: access.user.as_ref().is_some_and(|me| me.id == user.id),
        user: UserRow::new(&user, &by_id),
        roles: role_choices(&form.role),
        suppliers: supplier_choices(&names, &form.supplier),
        form,
        error,
        tokens,
    };
    Ok(render_status(status, &page))
}

/// `GET /admin/users/{id}`.
pub async fn user(access: Access, headers: HeaderMap, Path(id): Path<String>) -> Result<Response, PageError> {
    let id: UserId = parse_id(&id)?;
    user_page(&access, &headers, id, StatusCode::OK, None).await
}

/// `POST /admin/users/{id}`: changes the name, e-mail, role, supplier and whether the
/// account is disabled.
pub async fn update_user(
    access: Access,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<UserForm>,
) -> Result<Response, PageError> {
    let id: UserId = parse_id(&id)?;
    let store = access.store();
    let before = store.get_user(id).await?;
    let disabled = form.disabled.is_some();
    let (role, supplier) = match role_and_supplier(&form.role, &form.supplier) {
        Ok(checked) => checked,
        Err(message) => {
            return user_page(&access, &headers, id, StatusCode::UNPROCESSABLE_ENTITY, Some((form, message))).await;
        }
    };
    if removes_last_admin(&before, role, disabled, store.count_admins().await?) {
        let message = format!(
            "{} is the last enabled admin: make another account an admin first, then change this one.",
            before.username
        );
        return user_page(&access, &headers, id, StatusCode::UNPROCESSABLE_ENTITY, Some((form, message))).await;
    }
    let change = UserChange {
        display_name: Some(form.display_name.trim().to_owned()),
        email: Some(given(&Some(form.email.clone())).map(str::to_owned)),
        role: Some(role),
        supplier: Some(supplier),
        disabled: Some(disabled),
    };
    let after = match store.update_user(id, change).await {
        Ok(after) => after,
        Err(e) => {
            let message = sentence(&actionable(e)?);
            return user_page(&access, &headers, id, StatusCode::UNPROCESSABLE_ENTITY, Some((form, message))).await;
        }
    };
    tracing::info!(actor = %access.caller.actor, user = %after.username, "account changed");
    let is_self = access.user.as_ref().is_some_and(|me| me.id == id);
    if is_self && (after.disabled || after.role != Role::Admin) {
        // The admin pages are no longer theirs (or their session has ended).
        return Ok(redirect_with_flash("/account", "Your account is changed.", false));
    }
    Ok(redirect_with_flash(&format!("{USERS}/{id}"), &format!("Account “{}” saved.", after.username), false))
}

/// Forms that only confirm an action, with where to return.
#[derive(Debug, Default, Deserialize)]
pub struct ConfirmForm {
    /// The admin page to go back to.
    return_to: Option<String>,
}

/// `POST /admin/users/{id}/password`: sets a generated one-time password, ends the
/// account's sessions and shows the password once.
pub async fn reset_password(
    access: Access,
    headers: HeaderMap,
    Path(id): Path<String>,
    CsrfForm(_): CsrfForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let id: UserId = parse_id(&id)?;
    if access.user.as_ref().is_some_and(|me| me.id == id) {
        return Ok(redirect_with_flash("/account", "Change your own password here, with your current one.", true));
    }
    let store = access.store();
    let user = store.get_user(id).await?;
    let password = one_time_password()?;
    let hash = hashed(password.clone()).await?;
    store.set_password(id, &hash, true, None).await?;
    tracing::info!(actor = %access.caller.actor, user = %user.username, "password reset by an admin");
    Ok(render(&SecretPage {
        frame: Frame::new(&access, &headers, "Password reset", USERS),
        heading: format!("New password for “{}”", user.username),
        text: format!(
            "{}'s sessions have ended. Give them this one-time password through a channel you trust; they must \
             choose their own password when they next sign in.",
            user.display_name
        ),
        secret: password,
        usage: None,
        back_href: format!("{USERS}/{id}"),
        back_label: "Back to the account".to_owned(),
    }))
}

/// `POST /admin/tokens`: creates a service token (acting for no person) and shows its
/// secret once.
pub async fn create_token(
    access: Access,
    headers: HeaderMap,
    CsrfForm(form): CsrfForm<ServiceTokenForm>,
) -> Result<Response, PageError> {
    let now = now();
    let checked = super::account::check_token_name(&form.name).map_err(|e| sentence(&e)).and_then(|name| {
        let (role, supplier) = role_and_supplier(&form.role, &form.supplier)?;
        let expires_at = parse_expiry(&form.expires, now).map_err(|e| sentence(&e))?;
        Ok((name, role, supplier, expires_at))
    });
    let (name, role, supplier, expires_at) = match checked {
        Ok(checked) => checked,
        Err(message) => {
            let notices = UsersNotices { new_token: form, token_error: Some(message), ..UsersNotices::default() };
            return users_page(&access, &headers, StatusCode::UNPROCESSABLE_ENTITY, notices).await;
        }
    };
    let secret = fresh_token_secret()?;
    let token = NewToken {
        name,
        user: None,
        role,
        supplier,
        token_hash: secret::digest(&secret),
        prefix: token_prefix(&secret),
        expires_at,
    };
    let created = match access.store().create_token(token).await {
        Ok(created) => created,
        Err(e) => {
            let message = sentence(&actionable(e)?);
            let notices = UsersNotices { new_token: form, token_error: Some(message), ..UsersNotices::default() };
            return users_page(&access, &headers, StatusCode::UNPROCESSABLE_ENTITY, notices).await;
        }
    };
    tracing::info!(actor = %access.caller.actor, token = %created.name, "service token created");
    let expiry =
        created.expires_at.map_or_else(|| "It does not expire.".to_owned(), |at| format!("It expires {}.", when(at)));
    Ok(render(&SecretPage {
        frame: Frame::new(&access, &headers, "New service token", USERS),
        heading: format!("Service token “{}”", created.name),
        text: format!("The token acts as token:{} with the {} role. {expiry}", created.name, created.role),
        secret,
        usage: Some("Send it as the header  Authorization: Bearer <token>  to the API under /api/v1.".to_owned()),
        back_href: USERS.to_owned(),
        back_label: "Back to users".to_owned(),
    }))
}

/// Where a revoke form may return: an admin page, nothing else.
fn admin_return(to: Option<&str>) -> String {
    match to {
        Some(to) if to.starts_with("/admin/") && !to.contains("//") && !to.contains('\\') && to.len() < 200 => {
            to.to_owned()
        }
        _ => USERS.to_owned(),
    }
}

/// `POST /admin/tokens/{id}/revoke`: revokes any token.
pub async fn revoke_token(
    access: Access,
    Path(id): Path<String>,
    CsrfForm(form): CsrfForm<ConfirmForm>,
) -> Result<Response, PageError> {
    let id: TokenId = parse_id(&id)?;
    let back = admin_return(form.return_to.as_deref());
    let revoked = access.store().revoke_token(id).await?;
    tracing::info!(actor = %access.caller.actor, token = %revoked.name, "API token revoked by an admin");
    Ok(redirect_with_flash(&back, &format!("The token “{}” is revoked.", revoked.name), false))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn admin(disabled: bool) -> User {
        let at = time::macros::datetime!(2026-01-01 00:00 UTC);
        User {
            id: UserId(uuid::Uuid::nil()),
            username: "root".into(),
            display_name: "Root".into(),
            email: None,
            role: Role::Admin,
            supplier: None,
            disabled,
            failed_logins: 0,
            locked_until: None,
            must_change_password: false,
            created_at: at,
            updated_at: at,
        }
    }

    #[test]
    fn the_last_enabled_admin_stays() {
        assert!(removes_last_admin(&admin(false), Role::Analyst, false, 1));
        assert!(removes_last_admin(&admin(false), Role::Admin, true, 1));
        assert!(!removes_last_admin(&admin(false), Role::Admin, false, 1), "no change");
        assert!(!removes_last_admin(&admin(false), Role::Analyst, false, 2), "another admin remains");
        assert!(!removes_last_admin(&admin(true), Role::Analyst, true, 1), "was not an enabled admin");
    }

    #[test]
    fn roles_and_suppliers_pair_up() {
        let id = uuid::Uuid::now_v7().to_string();
        assert_eq!(role_and_supplier("analyst", &id).map(|(r, s)| (r, s.is_none())), Ok((Role::Analyst, true)));
        assert!(role_and_supplier("supplier", &id).is_ok_and(|(_, s)| s.is_some()));
        assert!(role_and_supplier("supplier", "").unwrap_err().contains("Choose the supplier"));
        assert!(role_and_supplier("root", "").is_err());
    }

    #[test]
    fn one_time_passwords_meet_the_policy_and_returns_stay_on_admin_pages() {
        let password = one_time_password().map_err(|e| format!("{e:?}")).unwrap_or_default();
        assert_eq!(password.len(), 27, "{password}");
        assert!(check_password_policy(&password, "someone").is_ok());
        assert_eq!(admin_return(Some("/admin/users/x")), "/admin/users/x");
        assert_eq!(admin_return(Some("https://evil.example/admin/")), USERS);
        assert_eq!(admin_return(Some("/admin//evil")), USERS);
        assert_eq!(admin_return(None), USERS);
    }
}
