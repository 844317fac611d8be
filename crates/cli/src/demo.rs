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
    sboms(store.as_ref()).await?;
    print(format, &Loaded { report: &report, users: &logins }, || {
        format!("{}\n{}", crate::csv::summary(&report), logins_table(&logins))
    })?;
    Ok(Outcome::Ok)
}

/// The demo SBOMs: two releases of the Field Service App (Appcraft Studio) as CycloneDX 1.6,
/// the second with upgrades, a new package and one package whose hash changed under the same
/// version (the diff flags it as possible tampering); and a TLS configuration baseline for
/// Harbor Dedicated Hosting. Releases that have an SBOM already are left as they are.
pub async fn sboms(store: &dyn Store) -> Result<usize> {
    let offering = store.find_offering("Field Service App").await?;
    let existing = store
        .list_sboms(
            &chainward_store::sbom::SbomFilter { offering: Some(offering.id), release: None },
            Default::default(),
        )
        .await?;
    let mut stored = 0;
    demo_advisory(store).await?;
    if existing.total == 0 {
        for (release, tampered) in [("2.8.0", false), ("2.9.2", true)] {
            let request = chainward_server::transparency::IngestRequest {
                offering: offering.id.to_string(),
                release: Some(release.to_owned()),
                file_name: Some(format!("field-service-app-{release}.cdx.json")),
                ..Default::default()
            };
            let bytes = serde_json::to_vec_pretty(&demo_sbom(release, tampered))?;
            chainward_server::transparency::ingest(store, bytes, request, Default::default())
                .await
                .map_err(|e| anyhow::anyhow!("demo SBOM {release}: {e}"))?;
            stored += 1;
        }
    }
    let hosting = store.find_offering("Harbor Dedicated Hosting").await?;
    if store.get_baseline(hosting.id).await?.is_none() {
        let baseline = include_bytes!("../../../docs/examples/baseline-web-tls.yaml");
        chainward_server::transparency::set_baseline(store, hosting.id, baseline)
            .await
            .map_err(|e| anyhow::anyhow!("demo baseline: {e}"))?;
    }
    Ok(stored)
}

/// One real advisory (axios SSRF, CVE-2024-39338, written as an OSV record in
/// `docs/examples/`), so the demo shows a finding without any feed imported: the Field
/// Service App 2.8.0 ships axios 1.6.2, which it affects; 2.9.2 upgraded past the fix. The
/// SBOMs are matched when ingested; an unchanged advisory is skipped on reload.
async fn demo_advisory(store: &dyn Store) -> Result<()> {
    let bytes = include_bytes!("../../../docs/examples/demo-advisory-axios.osv.json");
    let record =
        chainward_formats::feeds::osv::parse_record(bytes).map_err(|e| anyhow::anyhow!("demo advisory: {e}"))?;
    let raw = String::from_utf8_lossy(bytes).into_owned();
    let row = chainward_server::monitoring::new_advisory(&record.advisory, raw, "chainward demo");
    let names: Vec<String> = row.packages.iter().map(|(_, name)| name.clone()).collect();
    let stored = store.upsert_advisories(vec![row]).await?;
    if !stored.new.is_empty() || !stored.updated.is_empty() {
        chainward_server::monitoring::rematch_packages(store, &names).await?;
    }
    Ok(())
}

/// A CycloneDX 1.6 SBOM of the demo app's release.
fn demo_sbom(release: &str, later: bool) -> serde_json::Value {
    // (name, version in 2.8.0, version in 2.9.2, licence, supplier, SHA-256 seed)
    const PACKAGES: &[(&str, &str, &str, &str, &str)] = &[
        ("react", "18.2.0", "18.3.1", "MIT", "Meta Platforms"),
        ("react-dom", "18.2.0", "18.3.1", "MIT", "Meta Platforms"),
        ("axios", "1.6.2", "1.7.7", "MIT", "Axios"),
        ("lodash", "4.17.21", "4.17.21", "MIT", "OpenJS Foundation"),
        ("date-fns", "2.30.0", "3.6.0", "MIT", ""),
        ("leaflet", "1.9.4", "1.9.4", "BSD-2-Clause", "Leaflet"),
        ("idb", "7.1.1", "8.0.0", "ISC", ""),
        ("workbox-window", "7.0.0", "7.1.0", "MIT", "Google"),
    ];
    let hash = |name: &str, version: &str, salt: &str| {
        use sha2::Digest as _;
        hex::encode(sha2::Sha256::digest(format!("{name}@{version}{salt}").as_bytes()))
    };
    let mut components: Vec<serde_json::Value> = PACKAGES
        .iter()
        .map(|&(name, old, new, licence, supplier)| {
            let version = if later { new } else { old };
            // lodash keeps its version in 2.9.2, but what was shipped is not the same file.
            let salt = if later && name == "lodash" { "-rebuilt" } else { "" };
            let mut component = serde_json::json!({
                "type": "library", "bom-ref": format!("pkg:npm/{name}@{version}"), "name": name,
                "version": version, "purl": format!("pkg:npm/{name}@{version}"),
                "hashes": [{"alg": "SHA-256", "content": hash(name, version, salt)}],
                "licenses": [{"license": {"id": licence}}],
            });
            if let (false, Some(fields)) = (supplier.is_empty(), component.as_object_mut()) {
                fields.insert("supplier".into(), serde_json::json!({"name": supplier}));
            }
            component
        })
        .collect();
    if later {
        components.push(serde_json::json!({
            "type": "library", "bom-ref": "pkg:npm/zod@3.23.8", "name": "zod", "version": "3.23.8",
            "purl": "pkg:npm/zod@3.23.8", "licenses": [{"license": {"id": "MIT"}}],
            "hashes": [{"alg": "SHA-256", "content": hash("zod", "3.23.8", "")}],
        }));
    }
    let refs: Vec<String> = components.iter().filter_map(|c| c["bom-ref"].as_str().map(str::to_owned)).collect();
    serde_json::json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "serialNumber": if later { "urn:uuid:6f1d2b52-9c1e-4a7e-9d0a-2f8f5c0b2a92" } else { "urn:uuid:0b5c3a1e-4d2f-4e8b-a1c9-7e6d5f4c3b21" },
        "metadata": {
            "timestamp": if later { "2026-09-21T10:00:00Z" } else { "2026-02-09T10:00:00Z" },
            "lifecycles": [{"phase": "build"}],
            "authors": [{"name": "Appcraft Studio build pipeline"}],
            "tools": {"components": [{"type": "application", "name": "cyclonedx-npm", "version": "1.19.3"}]},
            "supplier": {"name": "Appcraft Studio"},
            "component": {"type": "application", "bom-ref": "field-service-app", "name": "Field Service App", "version": release}
        },
        "components": components,
        "dependencies": [{"ref": "field-service-app", "dependsOn": refs}],
    })
}
