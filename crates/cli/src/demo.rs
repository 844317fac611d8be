//! `demo load`: the demo organisation and one demo account of every role.

use std::sync::Arc;

use anyhow::{Result, bail};
use chainward_core::access::NewUser;
use chainward_core::batch::{ImportMode, ImportReport};
use chainward_core::model::Role;
use chainward_store::Store;
use serde::Serialize;

use crate::Outcome;
use crate::args::Format;
use crate::output::{Table, print};

/// The supplier the demo `supplier` account belongs to: the cloud provider most of the
/// demo's chains run through, with offerings of its own.
pub const DEMO_SUPPLIER: &str = "Nimbus Cloud";

/// The demo accounts: username (also the role) and password. These passwords are published
/// (in `--help` and the docs): they are for a local demo only.
const DEMO_ACCOUNTS: [(Role, &str); 5] = [
    (Role::Admin, "demo-admin-password"),
    (Role::Analyst, "demo-analyst-password"),
    (Role::Procurement, "demo-procurement-password"),
    (Role::Auditor, "demo-auditor-password"),
    (Role::Supplier, "demo-supplier-password"),
];

/// Imports the demo organisation; running it again changes nothing.
pub async fn import(store: &dyn Store) -> Result<ImportReport> {
    let report = store.import(chainward_core::demo::organisation(), ImportMode::AllOrNothing).await?;
    if !report.problems.is_empty() {
        let list: Vec<String> = report.problems.iter().map(ToString::to_string).collect();
        bail!("the demo data does not fit this database:\n  {}", list.join("\n  "));
    }
    Ok(report)
}

/// A demo login, as printed.
#[derive(Debug, Clone, Serialize)]
pub struct DemoLogin {
    /// Login name.
    pub username: String,
    /// The published password; `None` when an account of that name existed already and was
    /// left as it is.
    pub password: Option<String>,
    /// Role.
    pub role: Role,
    /// The supplier of the supplier account.
    pub supplier: Option<String>,
    /// Whether this run created it.
    pub created: bool,
}

/// Creates the demo accounts that do not exist yet (matched by username); existing accounts
/// are left untouched, whatever their role or password.
pub async fn users(store: &dyn Store) -> Result<Vec<DemoLogin>> {
    let supplier = store.find_supplier(DEMO_SUPPLIER).await?;
    let mut logins = Vec::new();
    for (role, password) in DEMO_ACCOUNTS {
        let username = role.as_str().to_owned();
        let supplier_name = (role == Role::Supplier).then(|| supplier.data.name.clone());
        if let Some(existing) = store.credentials(&username).await? {
            logins.push(DemoLogin {
                username: existing.user.username,
                password: None,
                role: existing.user.role,
                supplier: supplier_name.filter(|_| existing.user.supplier == Some(supplier.id)),
                created: false,
            });
            continue;
        }
        let new = NewUser {
            username: username.clone(),
            display_name: format!("Demo {role}"),
            email: None,
            role,
            supplier: (role == Role::Supplier).then_some(supplier.id),
            password_hash: crate::accounts::hash(password.to_owned()).await?,
            must_change_password: false,
        };
        store.create_user(new).await?;
        logins.push(DemoLogin {
            username,
            password: Some(password.to_owned()),
            role,
            supplier: supplier_name,
            created: true,
        });
    }
    Ok(logins)
}

/// The first enabled demo account that still has its published password, if any: such an
/// account must not be reachable beyond this machine.
pub async fn account_with_published_password(store: &dyn Store) -> Result<Option<String>> {
    for (role, password) in DEMO_ACCOUNTS {
        let Some(credentials) = store.credentials(role.as_str()).await? else { continue };
        if credentials.user.disabled {
            continue;
        }
        let hash = credentials.password_hash;
        let published = tokio::task::spawn_blocking(move || chainward_server::auth::verify_password(&hash, password));
        if published.await? {
            return Ok(Some(credentials.user.username));
        }
    }
    Ok(None)
}

/// The demo logins as a table.
pub fn logins_table(logins: &[DemoLogin]) -> String {
    let mut t = Table::new(&["username", "password", "role", "supplier"]);
    for l in logins {
        t.row(vec![
            l.username.clone(),
            l.password.clone().unwrap_or_else(|| "(existed already: unchanged)".to_owned()),
            l.role.to_string(),
            l.supplier.clone().unwrap_or_else(|| "-".to_owned()),
        ]);
    }
    format!("demo logins (for a local demo only; the passwords are published):\n{}", t.render())
}

/// What `demo load` prints.
#[derive(Serialize)]
struct Loaded<'a> {
    #[serde(flatten)]
    report: &'a ImportReport,
    users: &'a [DemoLogin],
}

/// Runs `demo load`.
pub async fn load(store: Arc<dyn Store>, format: Format) -> Result<Outcome> {
    let report = import(store.as_ref()).await?;
    let logins = users(store.as_ref()).await?;
    print(format, &Loaded { report: &report, users: &logins }, || {
        format!("{}\n{}", crate::csv::summary(&report), logins_table(&logins))
    })?;
    Ok(Outcome::Ok)
}
