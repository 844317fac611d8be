//! Who is asking: accounts, API tokens, sessions and the [`Caller`] every store query runs
//! for. A caller's [`Scope`] is enforced by the store itself, so a supplier's user can only
//! ever reach its own supplier, whichever handler asks.

use serde::{Deserialize, Serialize};
use time::OffsetDateTime;

use crate::model::{InvalidValue, Role, SupplierId, TokenId, UserId};

/// Which part of the registry a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "kind", content = "supplier")]
pub enum Scope {
    /// The whole registry.
    Everything,
    /// One supplier: its profile and its offerings, nothing else.
    Supplier(SupplierId),
}

/// Who a store query runs for: the name written to the audit log, the role, and the scope
/// the store enforces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Caller {
    /// Written to the audit log: `user:alice`, `token:ci-upload`, `cli:root`, `system`.
    pub actor: String,
    /// The account, when a person (or their token) is asking.
    pub user: Option<UserId>,
    /// What the caller may do (the server checks it per route).
    pub role: Role,
    /// What the caller may see (the store enforces it per query).
    pub scope: Scope,
}

impl Caller {
    /// An unrestricted caller that is not a person: the command line, start-up tasks.
    pub fn system(actor: impl Into<String>) -> Caller {
        Caller { actor: actor.into(), user: None, role: Role::Admin, scope: Scope::Everything }
    }

    /// The supplier a supplier-scoped caller is confined to.
    pub fn supplier_scope(&self) -> Option<SupplierId> {
        match self.scope {
            Scope::Everything => None,
            Scope::Supplier(id) => Some(id),
        }
    }
}

/// Failed logins in a row that lock an account.
pub const LOCKOUT_THRESHOLD: u32 = 5;
/// How long a locked account stays locked.
pub const LOCKOUT_DURATION: time::Duration = time::Duration::minutes(15);

/// A local account (the password hash is kept apart, in [`Credentials`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct User {
    /// Identity.
    pub id: UserId,
    /// Login name, unique regardless of case.
    pub username: String,
    /// Shown in the UI and the audit log.
    pub display_name: String,
    /// Where to reach the person.
    pub email: Option<String>,
    /// What the account may do.
    pub role: Role,
    /// The supplier a `supplier` account belongs to (always set for that role, never for others).
    pub supplier: Option<SupplierId>,
    /// A disabled account cannot log in and its sessions and tokens stop working.
    pub disabled: bool,
    /// Failed logins since the last successful one.
    pub failed_logins: u32,
    /// Logins are refused until then.
    #[serde(with = "time::serde::rfc3339::option")]
    pub locked_until: Option<OffsetDateTime>,
    /// The password must be changed at the next login (set by an admin reset).
    pub must_change_password: bool,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Last change.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl User {
    /// The scope the account's queries run in.
    pub fn scope(&self) -> Scope {
        match self.supplier {
            Some(s) if self.role == Role::Supplier => Scope::Supplier(s),
            _ => Scope::Everything,
        }
    }

    /// The caller this account acts as.
    pub fn caller(&self) -> Caller {
        Caller { actor: format!("user:{}", self.username), user: Some(self.id), role: self.role, scope: self.scope() }
    }

    /// Whether logins are refused right now because of failed attempts.
    pub fn is_locked(&self, now: OffsetDateTime) -> bool {
        self.locked_until.is_some_and(|until| until > now)
    }
}

/// A user with the stored password hash (PHC string), for checking a login.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Credentials {
    /// The account.
    pub user: User,
    /// Argon2id PHC string.
    pub password_hash: String,
}

/// What creating an account takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewUser {
    /// Login name: 1–64 characters of letters, digits, `.`, `_`, `-`, `@`.
    pub username: String,
    /// Shown name (the username when empty).
    pub display_name: String,
    /// E-mail.
    pub email: Option<String>,
    /// Role.
    pub role: Role,
    /// Required for, and only for, the `supplier` role.
    pub supplier: Option<SupplierId>,
    /// Argon2id PHC string (never the password).
    #[serde(skip_serializing)]
    pub password_hash: String,
    /// Force a password change at first login.
    pub must_change_password: bool,
}

impl NewUser {
    /// Checks the username and the role/supplier pairing.
    pub fn validated(mut self) -> Result<Self, InvalidValue> {
        self.username = check_username(&self.username)?;
        self.display_name = self.display_name.trim().to_owned();
        if self.display_name.is_empty() {
            self.display_name = self.username.clone();
        }
        if self.display_name.chars().count() > 200 {
            return Err(InvalidValue::new("display_name", "longer than 200 characters"));
        }
        self.email = match self.email.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(e) => Some(crate::model::check_email("email", e)?),
        };
        check_role_supplier(self.role, self.supplier)?;
        if !self.password_hash.starts_with("$argon2id$") {
            return Err(InvalidValue::new("password_hash", "not an Argon2id PHC string"));
        }
        Ok(self)
    }
}

/// A supplier account must name its supplier; no other account may.
pub fn check_role_supplier(role: Role, supplier: Option<SupplierId>) -> Result<(), InvalidValue> {
    match (role, supplier) {
        (Role::Supplier, None) => Err(InvalidValue::new("supplier", "a supplier account must name its supplier")),
        (Role::Supplier, Some(_)) | (_, None) => Ok(()),
        (_, Some(_)) => Err(InvalidValue::new("supplier", "only supplier accounts (and tokens) belong to a supplier")),
    }
}

/// A trimmed, valid username.
pub fn check_username(name: &str) -> Result<String, InvalidValue> {
    let name = name.trim();
    if name.is_empty() || name.chars().count() > 64 {
        return Err(InvalidValue::new("username", "must be 1 to 64 characters"));
    }
    if let Some(bad) = name.chars().find(|c| !(c.is_alphanumeric() || matches!(c, '.' | '_' | '-' | '@'))) {
        return Err(InvalidValue::new("username", format!("may not contain {bad:?}")));
    }
    Ok(name.to_owned())
}

/// Changes an admin makes to an account (`None` keeps the value).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct UserChange {
    /// New shown name.
    pub display_name: Option<String>,
    /// New e-mail (`Some(None)` clears it).
    pub email: Option<Option<String>>,
    /// New role (with `supplier` when the role is `supplier`).
    pub role: Option<Role>,
    /// New supplier (`Some(None)` clears it).
    pub supplier: Option<Option<SupplierId>>,
    /// Disable (true) or enable (false); disabling ends the account's sessions.
    pub disabled: Option<bool>,
}

/// A server-side session. The cookie carries a random token; only its SHA-256 is stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// Hex SHA-256 of the cookie's token.
    pub id_hash: String,
    /// The account.
    pub user: UserId,
    /// The token forms must echo (CSRF protection).
    pub csrf_token: String,
    /// Login time.
    pub created_at: OffsetDateTime,
    /// Last request.
    pub last_seen_at: OffsetDateTime,
    /// Absolute end, whatever the activity.
    pub expires_at: OffsetDateTime,
}

/// An API token as listed (the secret itself is shown once and stored hashed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiToken {
    /// Identity.
    pub id: TokenId,
    /// What it is for (`ci-upload`).
    pub name: String,
    /// The person it acts for; `None` for a service token.
    pub user: Option<UserId>,
    /// Its role (never above its user's).
    pub role: Role,
    /// The one supplier it is confined to, if any.
    pub supplier: Option<SupplierId>,
    /// The first characters of the secret, to recognise it.
    pub prefix: String,
    /// Who created it.
    pub created_by: String,
    /// Creation time.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// Refused after this time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub expires_at: Option<OffsetDateTime>,
    /// Refused since this time.
    #[serde(with = "time::serde::rfc3339::option")]
    pub revoked_at: Option<OffsetDateTime>,
    /// Last request made with it.
    #[serde(with = "time::serde::rfc3339::option")]
    pub last_used_at: Option<OffsetDateTime>,
}

impl ApiToken {
    /// Whether the token may be used at `now`.
    pub fn is_usable(&self, now: OffsetDateTime) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|e| e > now)
    }

    /// The scope of the token's queries.
    pub fn scope(&self) -> Scope {
        match self.supplier {
            Some(s) => Scope::Supplier(s),
            None => Scope::Everything,
        }
    }

    /// The caller this token acts as.
    pub fn caller(&self) -> Caller {
        Caller { actor: format!("token:{}", self.name), user: self.user, role: self.role, scope: self.scope() }
    }
}

/// What creating a token takes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewToken {
    /// What it is for.
    pub name: String,
    /// The person it acts for.
    pub user: Option<UserId>,
    /// Its role.
    pub role: Role,
    /// The supplier it is confined to (required for the supplier role).
    pub supplier: Option<SupplierId>,
    /// Hex SHA-256 of the secret.
    pub token_hash: String,
    /// The first characters of the secret.
    pub prefix: String,
    /// When it stops working.
    pub expires_at: Option<OffsetDateTime>,
}
