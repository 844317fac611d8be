//! Who may do what: passwords, OpenID Connect sign-in, secrets, the authorization table, the guard middleware and
//! login throttling. See `docs/access.md` for the model.

pub mod guard;
pub mod need;
pub mod oidc;
pub mod password;
pub mod secret;
pub mod throttle;

pub use guard::{Access, Db, MaybeAccess, SESSION_COOKIE};
pub use need::{Need, Surface};
pub use password::{check_password_policy, hash_password, verify_password};
