//! `user` and `token` commands: local accounts and API tokens, managed from the machine the
//! database is on (the way to create the first admin).

use std::collections::HashMap;
use std::io::BufRead;
use std::sync::Arc;

use anyhow::{Context, Result, anyhow, bail};
use chainward_core::access::{ApiToken, NewToken, NewUser, User, UserChange, check_role_supplier};
use chainward_core::model::{Role, SupplierId, TokenId, UserId};
use chainward_server::auth::secret::{TOKEN_PREFIX, new_token, random_hex};
use chainward_server::auth::{check_password_policy, hash_password};
use chainward_store::Store;
use serde::Serialize;
use time::OffsetDateTime;

use crate::Outcome;
use crate::args::{Format, TokenCommand, UserCommand};
use crate::output::{Table, opt, print};

/// Characters of a generated password: lower-case letters and digits without the ones that
/// are easily confused (`0`/`o`, `1`/`l`), 32 of them, so each is exactly 5 random bits.
const PASSWORD_ALPHABET: &[u8; 32] = b"abcdefghijkmnpqrstuvwxyz23456789";

/// Characters of a token shown in lists to recognise it (`cw_` and 7 hex digits).
const TOKEN_PREFIX_CHARS: usize = 10;

/// A one-time password: 20 random characters (100 bits) in groups of five,
/// `abcde-fghij-kmnpq-rstuv`, meeting the password policy.
pub fn generated_password(username: &str) -> Result<String> {
    // The policy fails only by chance (the username inside, fewer than 4 distinct
    // characters); a second draw is then all but certain to pass.
    for _ in 0..16 {
        let random = random_hex(20);
        if random.len() != 40 {
            bail!("the operating system gave no randomness; cannot generate a password");
        }
        let mut password = String::with_capacity(23);
        for (i, pair) in random.as_bytes().chunks(2).enumerate() {
            let byte = std::str::from_utf8(pair).ok().and_then(|p| u8::from_str_radix(p, 16).ok()).unwrap_or(0);
            if i > 0 && i % 5 == 0 {
                password.push('-');
            }
            // 256 is a multiple of 32, so the modulo keeps every character equally likely.
            let c = PASSWORD_ALPHABET.get(usize::from(byte) % PASSWORD_ALPHABET.len()).copied().unwrap_or(b'a');
            password.push(char::from(c));
        }
        if check_password_policy(&password, username).is_ok() {
            return Ok(password);
        }
    }
    bail!("cannot generate a password that meets the policy")
}

/// The first line of standard input, without its line ending, checked against the policy.
fn password_from_stdin(username: &str) -> Result<String> {
    let mut line = String::new();
    std::io::stdin().lock().read_line(&mut line).context("cannot read the password from standard input")?;
    let password = line.trim_end_matches(['\n', '\r']);
    if password.is_empty() {
        bail!("no password on standard input (give it on the first line, or leave out --password-stdin)");
    }
    check_password_policy(password, username).map_err(|e| anyhow!(e))?;
    Ok(password.to_owned())
}

/// An Argon2id hash, computed off the async threads (it takes tens of milliseconds).
pub async fn hash(password: String) -> Result<String> {
    tokio::task::spawn_blocking(move || hash_password(&password)).await?.map_err(|e| anyhow!(e))
}

/// The account with that username (regardless of case).
async fn find_user(store: &dyn Store, username: &str) -> Result<User> {
    match store.credentials(username.trim()).await? {
        Some(credentials) => Ok(credentials.user),
        None => Err(anyhow!("no account is named {username:?}; see `chainward user list`")),
    }
}

/// The supplier a `--supplier` option names.
async fn find_supplier(store: &dyn Store, reference: Option<&str>) -> Result<Option<SupplierId>> {
    Ok(match reference {
        Some(r) => Some(store.find_supplier(r).await?.id),
        None => None,
    })
}

/// Supplier names by id, for tables.
async fn supplier_names(store: &dyn Store, ids: impl IntoIterator<Item = SupplierId>) -> HashMap<SupplierId, String> {
    let mut names = HashMap::new();
    for id in ids {
        if let std::collections::hash_map::Entry::Vacant(e) = names.entry(id) {
            e.insert(store.get_supplier(id).await.map(|s| s.data.name).unwrap_or_else(|_| id.to_string()));
        }
    }
    names
}

/// An account with the password it was given, when the command chose it.
#[derive(Serialize)]
struct WithPassword<'a> {
    user: &'a User,
    /// The generated one-time password (absent when it came from standard input).
    one_time_password: Option<&'a str>,
}

fn password_notice(username: &str, password: &str) -> String {
    format!(
        "one-time password for {username} (shown only this once; it must be changed at the first login):\n  {password}\n"
    )
}

/// Runs a `user` command.
pub async fn user(store: Arc<dyn Store>, format: Format, command: UserCommand) -> Result<Outcome> {
    let store = store.as_ref();
    match command {
        UserCommand::Add { username, role, supplier, display_name, email, password_stdin } => {
            let supplier = find_supplier(store, supplier.as_deref()).await?;
            check_role_supplier(role, supplier)?;
            let (password, generated) = if password_stdin {
                (password_from_stdin(&username)?, false)
            } else {
                (generated_password(&username)?, true)
            };
            let new = NewUser {
                username,
                display_name: display_name.unwrap_or_default(),
                email,
                role,
                supplier,
                password_hash: hash(password.clone()).await?,
                must_change_password: generated,
            };
            let user = store.create_user(new).await?;
            let shown = WithPassword { user: &user, one_time_password: generated.then_some(password.as_str()) };
            print(format, &shown, || {
                let mut out = format!("created user {} ({}, id {})\n", user.username, user.role, user.id);
                if generated {
                    out.push_str(&password_notice(&user.username, &password));
                }
                out
            })?;
        }
        UserCommand::List => {
            let users = store.list_users().await?;
            let names = supplier_names(store, users.iter().filter_map(|u| u.supplier)).await;
            let now = OffsetDateTime::now_utc();
            print(format, &users, || {
                let mut t = Table::new(&["username", "role", "supplier", "display name", "email", "state", "id"]);
                for u in &users {
                    t.row(vec![
                        u.username.clone(),
                        u.role.to_string(),
                        opt(&u.supplier.and_then(|s| names.get(&s))),
                        u.display_name.clone(),
                        opt(&u.email),
                        user_state(u, now),
                        u.id.to_string(),
                    ]);
                }
                t.render()
            })?;
        }
        UserCommand::Passwd { username, password_stdin } => {
            let user = find_user(store, &username).await?;
            let (password, generated) = if password_stdin {
                (password_from_stdin(&user.username)?, false)
            } else {
                (generated_password(&user.username)?, true)
            };
            store.set_password(user.id, &hash(password.clone()).await?, generated, None).await?;
            let user = store.get_user(user.id).await?;
            let shown = WithPassword { user: &user, one_time_password: generated.then_some(password.as_str()) };
            print(format, &shown, || {
                let mut out = format!("new password set for {}; their sessions have ended\n", user.username);
                if generated {
                    out.push_str(&password_notice(&user.username, &password));
                }
                out
            })?;
        }
        UserCommand::Disable { username } => {
            let user = find_user(store, &username).await?;
            if user.role == Role::Admin && !user.disabled && store.count_admins().await? <= 1 {
                bail!(
                    "{} is the only enabled admin; create another with `chainward user add --role admin NAME` first",
                    user.username
                );
            }
            let user = store.update_user(user.id, UserChange { disabled: Some(true), ..UserChange::default() }).await?;
            print(format, &user, || format!("disabled {}: its sessions and tokens no longer work\n", user.username))?;
        }
        UserCommand::Enable { username } => {
            let user = find_user(store, &username).await?;
            let user =
                store.update_user(user.id, UserChange { disabled: Some(false), ..UserChange::default() }).await?;
            print(format, &user, || format!("enabled {}\n", user.username))?;
        }
    }
    Ok(Outcome::Ok)
}

fn user_state(u: &User, now: OffsetDateTime) -> String {
    let mut state = vec![if u.disabled { "disabled" } else { "enabled" }];
    if u.is_locked(now) {
        state.push("locked");
    }
    if u.must_change_password {
        state.push("must change password");
    }
    state.join(", ")
}

/// What `token create` prints: the token and, this once, its secret.
#[derive(Serialize)]
struct CreatedToken<'a> {
    token: &'a ApiToken,
    secret: &'a str,
}

/// Checks that a token for `user` with `role` stays within the account's rights, and gives
/// the supplier it is confined to.
fn token_supplier(user: &User, role: Role, supplier: Option<SupplierId>) -> Result<Option<SupplierId>> {
    if user.disabled {
        bail!("{} is disabled; enable the account first", user.username);
    }
    let read_only = role == Role::Auditor && user.role != Role::Supplier;
    if role != user.role && !read_only {
        let or_auditor = if user.role == Role::Supplier { "" } else { " (or auditor, read-only)" };
        bail!("a token for {} may have the role {}{or_auditor}, not {role}", user.username, user.role);
    }
    match (user.role, supplier) {
        (Role::Supplier, None) => Ok(user.supplier),
        (Role::Supplier, Some(s)) if Some(s) != user.supplier => {
            bail!("a token for {} can only be confined to the account's own supplier", user.username)
        }
        _ => Ok(supplier),
    }
}

/// Runs a `token` command.
pub async fn token(store: Arc<dyn Store>, format: Format, command: TokenCommand) -> Result<Outcome> {
    let store = store.as_ref();
    match command {
        TokenCommand::Create { name, role, supplier, user, expires_days } => {
            let name = name.trim().to_owned();
            if name.is_empty() {
                bail!("--name: give the token a name that says what it is for, e.g. ci-upload");
            }
            let mut supplier = find_supplier(store, supplier.as_deref()).await?;
            let user = match user {
                Some(u) => Some(find_user(store, &u).await?),
                None => None,
            };
            if let Some(u) = &user {
                supplier = token_supplier(u, role, supplier)?;
            }
            check_role_supplier(role, supplier)?;
            let secret = new_token();
            if secret.len() <= TOKEN_PREFIX.len() {
                bail!("the operating system gave no randomness; cannot create a token");
            }
            let expires_at = expires_days.map(|days| OffsetDateTime::now_utc() + time::Duration::days(i64::from(days)));
            let token = store
                .create_token(NewToken {
                    name,
                    user: user.as_ref().map(|u| u.id),
                    role,
                    supplier,
                    token_hash: chainward_server::auth::secret::digest(&secret),
                    prefix: secret.chars().take(TOKEN_PREFIX_CHARS).collect(),
                    expires_at,
                })
                .await?;
            print(format, &CreatedToken { token: &token, secret: &secret }, || {
                format!(
                    "created token {} ({}, id {})\nits secret, shown only this once (send it as `Authorization: Bearer …`):\n  {secret}\n",
                    token.name, token.role, token.id
                )
            })?;
        }
        TokenCommand::List { user } => {
            let user = match user {
                Some(u) => Some(find_user(store, &u).await?.id),
                None => None,
            };
            let tokens = store.list_tokens(user).await?;
            let usernames: HashMap<UserId, String> =
                store.list_users().await?.into_iter().map(|u| (u.id, u.username)).collect();
            let suppliers = supplier_names(store, tokens.iter().filter_map(|t| t.supplier)).await;
            let now = OffsetDateTime::now_utc();
            print(format, &tokens, || {
                let mut t =
                    Table::new(&["name", "prefix", "role", "supplier", "user", "state", "expires", "last used", "id"]);
                for token in &tokens {
                    t.row(vec![
                        token.name.clone(),
                        format!("{}…", token.prefix),
                        token.role.to_string(),
                        opt(&token.supplier.and_then(|s| suppliers.get(&s))),
                        opt(&token.user.and_then(|u| usernames.get(&u))),
                        token_state(token, now).to_owned(),
                        opt(&token.expires_at.map(day)),
                        opt(&token.last_used_at.map(day)),
                        token.id.to_string(),
                    ]);
                }
                t.render()
            })?;
        }
        TokenCommand::Revoke { id } => {
            let id = match id.trim().parse::<TokenId>() {
                Ok(id) => id,
                Err(_) => token_by_prefix(store, id.trim()).await?,
            };
            let token = store.revoke_token(id).await?;
            print(format, &token, || format!("revoked token {} ({})\n", token.name, token.id))?;
        }
    }
    Ok(Outcome::Ok)
}

/// The one token whose listed prefix is `prefix` (with or without the trailing `…`).
async fn token_by_prefix(store: &dyn Store, prefix: &str) -> Result<TokenId> {
    let prefix = prefix.trim_end_matches('…');
    let matching: Vec<TokenId> =
        store.list_tokens(None).await?.into_iter().filter(|t| t.prefix == prefix).map(|t| t.id).collect();
    match matching.as_slice() {
        [one] => Ok(*one),
        [] => bail!("no token has the id or prefix {prefix:?}; see `chainward token list`"),
        _ => bail!("{} tokens have the prefix {prefix:?}; give the id instead", matching.len()),
    }
}

fn token_state(token: &ApiToken, now: OffsetDateTime) -> &'static str {
    if token.revoked_at.is_some() {
        "revoked"
    } else if !token.is_usable(now) {
        "expired"
    } else {
        "active"
    }
}

/// A time shown as its UTC date and minute.
fn day(at: OffsetDateTime) -> String {
    let at = at.to_offset(time::UtcOffset::UTC);
    let format = time::macros::format_description!("[year]-[month]-[day] [hour]:[minute]");
    at.format(format).unwrap_or_else(|_| at.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_passwords_are_long_grouped_and_meet_the_policy() {
        let a = generated_password("alice").unwrap_or_default();
        assert_eq!(a.len(), 23, "{a}");
        assert_eq!(a.split('-').filter(|g| !g.is_empty()).count(), 4, "{a}");
        assert!(check_password_policy(&a, "alice").is_ok());
        assert_ne!(a, generated_password("alice").unwrap_or_default());
    }
}
