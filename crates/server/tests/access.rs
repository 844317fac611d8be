//! Access control, end to end: the route × role matrix over every route of the router,
//! cross-supplier attempts, sessions, CSRF, tokens and security headers. The matrix and
//! the cross-supplier stories run on SQLite, and on PostgreSQL as well when
//! `CHAINWARD_TEST_POSTGRES` names a server (each run creates its own database).

// Test scaffolding indexes its own fixture tables and fails loudly on broken fixtures.
#![allow(clippy::indexing_slicing, clippy::panic)]

use std::collections::BTreeSet;
use std::sync::Arc;

use chainward_core::access::{NewUser, Session};
use chainward_core::model::*;
use chainward_server::auth::{Need, secret};
use chainward_server::{ServerConfig, launch, route_needs};
use chainward_store::Store;
use reqwest::{Client, Method, StatusCode};
use serde_json::{Value, json};

use crate::{TestResult, client_with, make_token};

type Error = Box<dyn std::error::Error>;

/// What a role gets on a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Gets {
    /// Passes the guard (the handler answers).
    Yes,
    /// Stopped by the guard with 403.
    No,
}
use Gets::{No, Yes};

/// The route × role matrix, written out by hand: what each role must get on each route,
/// in the order admin, analyst, procurement, auditor, supplier. A route added to the
/// router without a line here fails `every_route_has_a_matrix_entry`.
const MATRIX: &[(&str, &str, [Gets; 5])] = &[
    // ---- JSON API ----
    ("GET", "/api/v1/suppliers", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/api/v1/suppliers", [Yes, Yes, Yes, No, No]),
    ("GET", "/api/v1/suppliers/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("PUT", "/api/v1/suppliers/{id}", [Yes, Yes, Yes, No, Yes]),
    ("DELETE", "/api/v1/suppliers/{id}", [Yes, Yes, Yes, No, No]),
    ("GET", "/api/v1/suppliers/{id}/subcontractors", [Yes, Yes, Yes, Yes, No]),
    ("GET", "/api/v1/subcontracts", [Yes, Yes, Yes, Yes, No]),
    ("POST", "/api/v1/subcontracts", [Yes, Yes, Yes, No, No]),
    ("DELETE", "/api/v1/subcontracts/{id}", [Yes, Yes, Yes, No, No]),
    ("GET", "/api/v1/offerings", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/api/v1/offerings", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/api/v1/offerings/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("PUT", "/api/v1/offerings/{id}", [Yes, Yes, Yes, No, Yes]),
    ("DELETE", "/api/v1/offerings/{id}", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/api/v1/offerings/{id}/releases", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/api/v1/offerings/{id}/releases", [Yes, Yes, Yes, No, Yes]),
    ("DELETE", "/api/v1/releases/{id}", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/api/v1/services", [Yes, Yes, Yes, Yes, No]),
    ("POST", "/api/v1/services", [Yes, Yes, No, No, No]),
    ("GET", "/api/v1/services/{id}", [Yes, Yes, Yes, Yes, No]),
    ("PUT", "/api/v1/services/{id}", [Yes, Yes, No, No, No]),
    ("DELETE", "/api/v1/services/{id}", [Yes, Yes, No, No, No]),
    ("GET", "/api/v1/graph/subcontractors/{supplier_id}", [Yes, Yes, Yes, Yes, No]),
    ("GET", "/api/v1/graph/dependents/{id}", [Yes, Yes, Yes, Yes, No]),
    ("GET", "/api/v1/graph/paths", [Yes, Yes, Yes, Yes, No]),
    ("GET", "/api/v1/graph/concentration", [Yes, Yes, Yes, Yes, No]),
    ("GET", "/api/v1/graph/spof", [Yes, Yes, Yes, Yes, No]),
    ("GET", "/api/v1/me", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/audit", [Yes, Yes, No, Yes, No]),
    ("GET", "/healthz", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/metrics", [Yes, Yes, No, Yes, No]),
    ("GET", "/openapi.json", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/api/v1/sboms", [Yes, Yes, Yes, No, Yes]),
    ("POST", "/api/v1/sboms/validate", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/sboms", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/sboms/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("DELETE", "/api/v1/sboms/{id}", [Yes, Yes, Yes, No, No]),
    ("GET", "/api/v1/sboms/{id}/content", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/sboms/{id}/components", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/sboms/{id}/quality", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/releases/{id}/sbom", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/offerings/{id}/diff", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/offerings/{id}/baseline", [Yes, Yes, Yes, Yes, Yes]),
    ("PUT", "/api/v1/offerings/{id}/baseline", [Yes, Yes, No, No, No]),
    ("POST", "/api/v1/offerings/{id}/config-checks", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/api/v1/component-suppliers/unmatched", [Yes, Yes, Yes, Yes, No]),
    ("GET", "/api/v1/suppliers/{id}/aliases", [Yes, Yes, Yes, Yes, No]),
    ("POST", "/api/v1/suppliers/{id}/aliases", [Yes, Yes, No, No, No]),
    ("DELETE", "/api/v1/supplier-aliases/{alias}", [Yes, Yes, No, No, No]),
    ("PUT", "/api/v1/bom", [Yes, Yes, Yes, No, Yes]),
    ("POST", "/api/v1/bom", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/api/v1/bom/token/{uuid}", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/api/v1/event/token/{uuid}", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/api/v1/findings", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/findings/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/api/v1/findings/triage", [Yes, Yes, No, No, Yes]),
    ("GET", "/api/v1/vulnerabilities/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/advisories/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/feeds", [Yes, Yes, Yes, Yes, No]),
    ("POST", "/api/v1/feeds/osv", [Yes, Yes, No, No, No]),
    ("POST", "/api/v1/feeds/kev", [Yes, Yes, No, No, No]),
    ("POST", "/api/v1/releases/{id}/vex", [Yes, Yes, No, No, Yes]),
    ("GET", "/api/v1/releases/{id}/vex", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/api/v1/scan", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/api/v1/finding-events", [Yes, Yes, Yes, Yes, No]),
    // ---- web UI ----
    ("GET", "/static/app.css", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/static/app.js", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/login", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/login", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/login/oidc", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/login/oidc/callback", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/logout", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/setup", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/setup", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/search", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/suppliers", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/suppliers", [Yes, Yes, Yes, No, No]),
    ("GET", "/suppliers/new", [Yes, Yes, Yes, No, No]),
    ("GET", "/suppliers/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/suppliers/{id}", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/suppliers/{id}/edit", [Yes, Yes, Yes, No, Yes]),
    ("POST", "/suppliers/{id}/delete", [Yes, Yes, Yes, No, No]),
    ("GET", "/suppliers/{id}/chain.svg", [Yes, Yes, Yes, Yes, No]),
    ("POST", "/suppliers/{id}/subcontractors", [Yes, Yes, Yes, No, No]),
    ("POST", "/subcontracts/{id}/delete", [Yes, Yes, Yes, No, No]),
    ("GET", "/offerings", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/offerings", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/offerings/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/offerings/{id}", [Yes, Yes, Yes, No, Yes]),
    ("POST", "/offerings/{id}/delete", [Yes, Yes, Yes, No, Yes]),
    ("POST", "/offerings/{id}/releases", [Yes, Yes, Yes, No, Yes]),
    ("POST", "/releases/{id}/delete", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/sboms/validate", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/sboms/validate", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/offerings/{id}/sboms/new", [Yes, Yes, Yes, No, Yes]),
    ("POST", "/offerings/{id}/sboms", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/sboms/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/sboms/{id}/content", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/sboms/{id}/delete", [Yes, Yes, Yes, No, No]),
    ("GET", "/releases/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/releases/{id}/export", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/offerings/{id}/diff", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/releases/{id}/vex", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/releases/{id}/vex", [Yes, Yes, No, No, Yes]),
    ("GET", "/findings", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/findings/triage", [Yes, Yes, No, No, Yes]),
    ("GET", "/findings/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/vulnerabilities/{id}", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/feeds", [Yes, Yes, Yes, Yes, No]),
    ("POST", "/feeds/osv", [Yes, Yes, No, No, No]),
    ("POST", "/feeds/kev", [Yes, Yes, No, No, No]),
    ("GET", "/feeds/imports/{id}", [Yes, Yes, Yes, Yes, No]),
    ("GET", "/offerings/{id}/baseline", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/offerings/{id}/baseline", [Yes, Yes, No, No, No]),
    ("POST", "/offerings/{id}/config-checks", [Yes, Yes, Yes, No, Yes]),
    ("GET", "/component-suppliers", [Yes, Yes, Yes, Yes, No]),
    ("POST", "/component-suppliers/aliases", [Yes, Yes, No, No, No]),
    ("POST", "/component-suppliers/aliases/delete", [Yes, Yes, No, No, No]),
    ("GET", "/services", [Yes, Yes, Yes, Yes, No]),
    ("POST", "/services", [Yes, Yes, No, No, No]),
    ("GET", "/services/new", [Yes, Yes, No, No, No]),
    ("GET", "/services/{id}", [Yes, Yes, Yes, Yes, No]),
    ("POST", "/services/{id}/delete", [Yes, Yes, No, No, No]),
    ("GET", "/services/{id}/dependencies.svg", [Yes, Yes, Yes, Yes, No]),
    ("GET", "/import", [Yes, Yes, Yes, No, No]),
    ("POST", "/import", [Yes, Yes, Yes, No, No]),
    ("GET", "/audit", [Yes, Yes, No, Yes, No]),
    ("GET", "/audit/export", [Yes, Yes, No, Yes, No]),
    ("GET", "/account", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/account/password", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/account/tokens", [Yes, Yes, Yes, Yes, Yes]),
    ("POST", "/account/tokens/{id}/revoke", [Yes, Yes, Yes, Yes, Yes]),
    ("GET", "/admin/users", [Yes, No, No, No, No]),
    ("POST", "/admin/users", [Yes, No, No, No, No]),
    ("GET", "/admin/users/{id}", [Yes, No, No, No, No]),
    ("POST", "/admin/users/{id}", [Yes, No, No, No, No]),
    ("POST", "/admin/users/{id}/password", [Yes, No, No, No, No]),
    ("POST", "/admin/tokens", [Yes, No, No, No, No]),
    ("POST", "/admin/tokens/{id}/revoke", [Yes, No, No, No, No]),
];

const ROLES: [Role; 5] = [Role::Admin, Role::Analyst, Role::Procurement, Role::Auditor, Role::Supplier];

#[test]
fn every_route_has_a_matrix_entry() {
    let routed: BTreeSet<(String, String)> =
        route_needs().into_iter().map(|(m, p, _)| (m.to_string(), p.to_owned())).collect();
    let listed: BTreeSet<(String, String)> = MATRIX.iter().map(|(m, p, _)| (m.to_string(), p.to_string())).collect();
    let missing: Vec<_> = routed.difference(&listed).collect();
    let stale: Vec<_> = listed.difference(&routed).collect();
    assert!(missing.is_empty(), "routes without a line in the route × role matrix: {missing:?}");
    assert!(stale.is_empty(), "matrix lines for routes that do not exist: {stale:?}");
    assert_eq!(MATRIX.len(), listed.len(), "a route is listed twice in the matrix");
}

#[test]
fn the_authorization_table_agrees_with_the_matrix() {
    for (method, path, need) in route_needs() {
        let Some((_, _, gets)) = MATRIX.iter().find(|(m, p, _)| *m == method.as_str() && *p == path) else {
            continue; // reported by every_route_has_a_matrix_entry
        };
        for (role, expected) in ROLES.iter().zip(gets) {
            let allowed = need.allows(*role);
            assert_eq!(allowed, *expected == Yes, "{method} {path} for {role}: table says {need:?}");
        }
    }
}

/// A server over a fresh database, with a fixture registry and one signed-in session and
/// one API token per role.
pub(crate) struct World {
    pub server: chainward_server::RunningServer,
    pub store: Arc<dyn Store>,
    /// Per role (in [`ROLES`] order): API token client.
    pub api: Vec<Client>,
    /// Per role: (session cookie value, CSRF token).
    pub sessions: Vec<(String, String)>,
    /// The supplier the supplier role belongs to ("Own Co"), its offering and release.
    pub own: (SupplierId, OfferingId, ReleaseId),
    /// Another supplier ("Other Co"), its offering and release.
    pub other: (SupplierId, OfferingId, ReleaseId),
    /// An SBOM of the own release (1.0) and one of the other supplier's.
    pub own_sbom: SbomId,
    /// A Dependency-Track style upload token of the own supplier.
    pub own_upload: uuid::Uuid,
    pub other_sbom: SbomId,
    pub service: ServiceId,
    pub subcontract: SubcontractId,
    /// An account the admin routes may change without ending a session the matrix uses.
    pub spare: UserId,
    /// The finding of [`FIXTURE_ADVISORY`] in the own release, and in the other supplier's.
    pub own_finding: uuid::Uuid,
    pub other_finding: uuid::Uuid,
    /// The KEV import that listed [`FIXTURE_CVE`].
    pub kev_import: uuid::Uuid,
    pub plain: Client,
}

fn supplier_data(name: &str) -> SupplierData {
    serde_json::from_value(json!({
        "name": name, "legal_ids": {}, "kind": "software-vendor", "country": null, "tier": 2,
        "status": "active", "data_access": "none", "description": null, "website": null,
        "security_contact": {}, "incident_contact": {}, "account_contact": {}, "owners": []
    }))
    .unwrap_or_else(|e| panic!("fixture supplier: {e}"))
}

/// Stores a one-component CycloneDX SBOM as release 1.0 of `offering`, as every door does.
async fn fixture_sbom(store: &dyn Store, offering: OfferingId, product: &str) -> Result<SbomId, Error> {
    let bom = json!({
        "bomFormat": "CycloneDX", "specVersion": "1.6", "version": 1,
        "metadata": {"component": {"type": "application", "name": product, "version": "1.0"}},
        "components": [{"type": "library", "name": "left-pad", "version": "1.3.0", "purl": "pkg:npm/left-pad@1.3.0"}]
    });
    let request = chainward_server::transparency::IngestRequest {
        offering: offering.to_string(),
        release: Some("1.0".into()),
        file_name: Some("fixture.cdx.json".into()),
        ..Default::default()
    };
    let outcome = chainward_server::transparency::ingest(store, serde_json::to_vec(&bom)?, request, Default::default())
        .await
        .map_err(|e| format!("fixture SBOM: {e}"))?;
    Ok(outcome.report.sbom.id)
}

/// A made-up advisory (well-formed OSV) for the fixture SBOMs' left-pad 1.3.0, known as
/// [`FIXTURE_CVE`], which a fixture KEV catalogue lists.
pub(crate) const FIXTURE_ADVISORY: &str = "GHSA-9x9x-9x9x-9x9x";
pub(crate) const FIXTURE_CVE: &str = "CVE-2099-0001";

/// Stores [`FIXTURE_ADVISORY`], imports a KEV catalogue naming [`FIXTURE_CVE`], and
/// matches `releases`; returns the KEV import's id.
async fn fixture_advisory(store: &dyn Store, releases: &[ReleaseId]) -> Result<uuid::Uuid, Error> {
    let record = json!({
        "schema_version": "1.6.0",
        "id": FIXTURE_ADVISORY,
        "modified": "2099-01-02T00:00:00Z",
        "published": "2099-01-01T00:00:00Z",
        "aliases": [FIXTURE_CVE],
        "summary": "Fixture: padding overflow in left-pad",
        "severity": [{"type": "CVSS_V3", "score": "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H"}],
        "affected": [{
            "package": {"ecosystem": "npm", "name": "left-pad"},
            "ranges": [{"type": "SEMVER", "events": [{"introduced": "0"}, {"fixed": "1.3.1"}]}]
        }]
    });
    let advisory: chainward_core::vuln::osv::Advisory = serde_json::from_value(record.clone())?;
    let row = chainward_server::monitoring::new_advisory(&advisory, record.to_string(), "fixture");
    store.upsert_advisories(vec![row]).await?;
    let kev = json!({
        "title": "fixture", "catalogVersion": "2099.01.01", "dateReleased": "2099-01-01T00:00:00Z", "count": 1,
        "vulnerabilities": [{
            "cveID": FIXTURE_CVE, "vendorProject": "left-pad", "product": "left-pad",
            "vulnerabilityName": "left-pad padding overflow", "dateAdded": "2099-01-01",
            "shortDescription": "A fixture.", "requiredAction": "Update to 1.3.1.", "dueDate": "2099-01-22",
            "knownRansomwareCampaignUse": "Known", "notes": "", "cwes": []
        }]
    });
    let import = chainward_server::monitoring::import_kev(store, kev.to_string().as_bytes(), "fixture-kev.json")
        .await
        .map_err(|e| format!("fixture KEV: {e}"))?;
    for release in releases {
        chainward_server::monitoring::match_release(store, *release).await?;
    }
    Ok(import.id)
}

/// The one finding of `release`.
async fn only_finding(store: &dyn Store, release: ReleaseId) -> Result<uuid::Uuid, Error> {
    let filter = chainward_store::monitoring::FindingFilter { release: Some(release), ..Default::default() };
    let found = store.list_findings(&filter, chainward_store::Page::default()).await?;
    match found.items.as_slice() {
        [one] => Ok(one.id),
        other => Err(format!("expected one fixture finding in release {release}, found {}", other.len()).into()),
    }
}

/// The database URL for a backend: SQLite in memory, or a fresh PostgreSQL database.
pub(crate) async fn database(postgres: bool) -> Result<Option<Arc<dyn Store>>, Error> {
    if !postgres {
        return Ok(Some(chainward_store::open("sqlite::memory:").await?));
    }
    let Ok(base) = std::env::var("CHAINWARD_TEST_POSTGRES") else { return Ok(None) };
    let name = format!("cw_server_{}", uuid::Uuid::now_v7().simple());
    let status = std::process::Command::new("psql")
        .args([base.as_str(), "-q", "-c", &format!("CREATE DATABASE {name}")])
        .status()?;
    assert!(status.success(), "psql could not create the test database");
    let url = match base.rsplit_once('/') {
        Some((server, _)) => format!("{server}/{name}"),
        None => return Err("CHAINWARD_TEST_POSTGRES must end in /DATABASE".into()),
    };
    Ok(Some(chainward_store::open(&url).await?))
}

impl World {
    pub(crate) async fn start(store: Arc<dyn Store>) -> Result<World, Error> {
        World::start_with(store, ServerConfig::default()).await
    }

    pub(crate) async fn start_with(store: Arc<dyn Store>, config: ServerConfig) -> Result<World, Error> {
        let config = ServerConfig { listen: "127.0.0.1:0".parse()?, ..config };
        let own_s = store.create_supplier(supplier_data("Own Co")).await?;
        let other_s = store.create_supplier(supplier_data("Other Co")).await?;
        let offering = |s: SupplierId, name: &str| OfferingData {
            supplier: s,
            name: name.to_owned(),
            kind: OfferingKind::ALL.first().copied().unwrap_or_else(|| panic!("offering kinds")),
            description: None,
        };
        let own_o = store.create_offering(offering(own_s.id, "Own Product")).await?;
        let other_o = store.create_offering(offering(other_s.id, "Other Product")).await?;
        let release = |o: OfferingId| ReleaseData { offering: o, version: "1.0".into(), released_on: None };
        let own_r = store.create_release(release(own_o.id)).await?;
        let other_r = store.create_release(release(other_o.id)).await?;
        let link = store
            .create_subcontract(SubcontractData {
                supplier: own_s.id,
                subcontractor: other_s.id,
                scope: "hosting".into(),
                since: None,
                handles_our_data: false,
            })
            .await?;
        let service: ServiceData = serde_json::from_value(json!({
            "name": "Payments", "owner": null, "owner_email": null, "rto_hours": 4, "criticality": 1,
            "description": null, "uses": [{"offering": own_o.id, "purpose": null, "alternatives": []}]
        }))?;
        let service = store.create_service(service).await?;
        let own_sbom = fixture_sbom(&*store, own_o.id, "Own Product").await?;
        let other_sbom = fixture_sbom(&*store, other_o.id, "Other Product").await?;
        // A baseline and an upload token of the own supplier, for the routes that read them.
        let baseline = b"name: fixture\nrules:\n  - id: tls\n    path: tls.enabled\n    equals: true\n";
        chainward_server::transparency::set_baseline(&*store, own_o.id, baseline)
            .await
            .map_err(|e| format!("fixture baseline: {e}"))?;
        let own_upload = uuid::Uuid::now_v7();
        let own_scope = chainward_core::access::Caller {
            actor: "fixture".into(),
            user: None,
            role: Role::Supplier,
            scope: chainward_core::access::Scope::Supplier(own_s.id),
        };
        store.with_caller(own_scope).record_bom_upload(own_upload, Ok(own_sbom)).await?;
        let kev_import = fixture_advisory(&*store, &[own_r.id, other_r.id]).await?;
        let own_finding = only_finding(&*store, own_r.id).await?;
        let other_finding = only_finding(&*store, other_r.id).await?;

        let server = launch(config, Arc::clone(&store)).await?;
        let hash = chainward_server::auth::hash_password("a sound test passphrase")?;
        let mut api = Vec::new();
        let mut sessions = Vec::new();
        for role in ROLES {
            let supplier = (role == Role::Supplier).then_some(own_s.id);
            let user = store
                .create_user(NewUser {
                    username: format!("{role}-user"),
                    display_name: String::new(),
                    email: None,
                    role,
                    supplier,
                    password_hash: hash.clone(),
                    must_change_password: false,
                })
                .await?;
            let secret_token = make_token(&*store, &format!("{role}-token"), role, supplier).await?;
            api.push(client_with(&secret_token)?);
            let cookie = secret::random_hex(32);
            let csrf = secret::random_hex(32);
            let now = time::OffsetDateTime::now_utc();
            store
                .create_session(Session {
                    id_hash: secret::digest(&cookie),
                    user: user.id,
                    csrf_token: csrf.clone(),
                    created_at: now,
                    last_seen_at: now,
                    expires_at: now + time::Duration::hours(1),
                })
                .await?;
            sessions.push((cookie, csrf));
        }
        let spare = store
            .create_user(NewUser {
                username: "spare-user".into(),
                display_name: String::new(),
                email: None,
                role: Role::Auditor,
                supplier: None,
                password_hash: hash.clone(),
                must_change_password: false,
            })
            .await?
            .id;
        let plain = Client::builder().no_proxy().redirect(reqwest::redirect::Policy::none()).build()?;
        Ok(World {
            server,
            store,
            api,
            sessions,
            own: (own_s.id, own_o.id, own_r.id),
            other: (other_s.id, other_o.id, other_r.id),
            own_sbom,
            own_upload,
            other_sbom,
            service: service.id,
            subcontract: link.id,
            spare,
            own_finding,
            other_finding,
            kev_import,
            plain,
        })
    }

    pub(crate) fn url(&self, path: &str) -> String {
        format!("{}{path}", self.server.base_url())
    }

    /// A UI request as role `r` (index into [`ROLES`]) with its session cookie.
    pub(crate) fn ui(&self, r: usize, method: Method, path: &str) -> reqwest::RequestBuilder {
        let (cookie, _) = &self.sessions[r];
        self.plain
            .request(method, self.url(path))
            .header(reqwest::header::COOKIE, format!("chainward_session={cookie}"))
    }

    /// A UI form post as role `r`, with its CSRF token added.
    pub(crate) async fn post_form(
        &self,
        r: usize,
        path: &str,
        fields: &[(&str, &str)],
    ) -> reqwest::Result<reqwest::Response> {
        let (_, csrf) = &self.sessions[r];
        let mut form: Vec<(&str, &str)> = vec![("_csrf", csrf.as_str())];
        form.extend_from_slice(fields);
        self.ui(r, Method::POST, path).form(&form).send().await
    }

    /// Fills a route template with ids visible to role `r`; routes that destroy get an id
    /// that exists nowhere, so the matrix does not delete its own fixtures.
    fn concrete(&self, method: &str, template: &str) -> String {
        let destroys = method == "DELETE" || template.ends_with("/delete") || template.ends_with("/revoke");
        let nowhere = uuid::Uuid::now_v7().to_string();
        let pick = |id: String| if destroys { nowhere.clone() } else { id };
        let (s, o, rel) = self.own;
        let mut path = template.to_owned();
        let id = if template.contains("/suppliers/") || template.contains("/graph/") {
            pick(s.to_string())
        } else if template.contains("/offerings/") {
            pick(o.to_string())
        } else if template.contains("/releases/") {
            pick(rel.to_string())
        } else if template.contains("/services/") {
            pick(self.service.to_string())
        } else if template.contains("/sboms/") {
            pick(self.own_sbom.to_string())
        } else if template.contains("/subcontracts/") {
            pick(self.subcontract.to_string())
        } else if template.contains("/findings/") {
            pick(self.own_finding.to_string())
        } else if template.contains("/vulnerabilities/") {
            pick(FIXTURE_CVE.to_owned())
        } else if template.contains("/advisories/") {
            pick(FIXTURE_ADVISORY.to_owned())
        } else if template.contains("/feeds/imports/") {
            pick(self.kev_import.to_string())
        } else if template.contains("/admin/users/") {
            // Changing an account whose session the matrix uses would end that session.
            pick(self.spare.to_string())
        } else {
            nowhere.clone()
        };
        path = path
            .replace("{supplier_id}", &id)
            .replace("{id}", &id)
            .replace("{uuid}", &pick(self.own_upload.to_string()))
            .replace("{alias}", "nobody");
        if path == "/api/v1/graph/paths" {
            path = format!("{path}?from={}&to={s}", self.service);
        }
        if template == "/api/v1/offerings/{id}/diff" {
            path = format!("{path}?from=1.0&to=1.0");
        }
        path
    }

    pub(crate) async fn stop(self) -> TestResult {
        self.server.shutdown().await?;
        Ok(())
    }
}

/// Whether the guard stopped the request: 403 with its marker header.
fn denied_by_guard(response: &reqwest::Response) -> bool {
    response.status() == StatusCode::FORBIDDEN && response.headers().contains_key("x-chainward-denied")
}

async fn check_matrix(world: &World) -> TestResult {
    let mut failures = Vec::new();
    for (method, template, gets) in MATRIX {
        let method_v: Method = method.parse()?;
        let ui = !(template.starts_with("/api/")
            || *template == "/metrics"
            || *template == "/healthz"
            || *template == "/openapi.json");
        for (r, expected) in gets.iter().enumerate() {
            let path = world.concrete(method, template);
            // Skip routes that would end the very session the matrix relies on.
            let response = if ui {
                if method_v == Method::POST {
                    match *template {
                        "/logout" | "/account/password" => {
                            // Sent without the CSRF token: the handler (not the guard) refuses.
                            world.ui(r, Method::POST, &path).form(&[("x", "y")]).send().await?
                        }
                        // Uploads: a multipart form with the CSRF token and nothing else.
                        "/import"
                        | "/sboms/validate"
                        | "/offerings/{id}/sboms"
                        | "/offerings/{id}/baseline"
                        | "/offerings/{id}/config-checks"
                        | "/feeds/osv"
                        | "/feeds/kev"
                        | "/releases/{id}/vex" => {
                            let (_, csrf) = &world.sessions[r];
                            let form = reqwest::multipart::Form::new().text("_csrf", csrf.clone());
                            world.ui(r, Method::POST, &path).multipart(form).send().await?
                        }
                        _ => world.post_form(r, &path, &[]).await?,
                    }
                } else {
                    world.ui(r, method_v.clone(), &path).send().await?
                }
            } else {
                let request = world.api[r].request(method_v.clone(), world.url(&path));
                let request = if method_v == Method::POST || method_v == Method::PUT {
                    request.json(&json!({}))
                } else {
                    request
                };
                request.send().await?
            };
            let status = response.status();
            let got = if denied_by_guard(&response) { No } else { Yes };
            let role = ROLES[r];
            if got != *expected {
                failures.push(format!("{method} {path} as {role}: expected {expected:?}, got {status}"));
            } else if got == Yes && (status == StatusCode::UNAUTHORIZED && *template != "/login") {
                failures.push(format!("{method} {path} as {role}: the credentials were not accepted ({status})"));
            } else if got == Yes
                && method_v == Method::GET
                && !(status.is_success() || status.is_redirection())
                && !template.starts_with("/setup")
                // Not configured in this world: 404 "OpenID Connect is not configured".
                && !template.starts_with("/login/oidc")
            {
                let body = response.text().await.unwrap_or_default();
                failures.push(format!("{method} {path} as {role}: allowed but answered {status}: {body:.200}"));
            }
        }
    }
    assert!(failures.is_empty(), "route × role matrix failures:\n{}", failures.join("\n"));
    Ok(())
}

async fn check_anonymous(world: &World) -> TestResult {
    for (method, path, need) in route_needs() {
        if need == Need::Public {
            continue;
        }
        let path = world.concrete(method.as_str(), path);
        let response = world.plain.request(method.clone(), world.url(&path)).send().await?;
        let status = response.status();
        if path.starts_with("/api/") || path == "/metrics" {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} without a token");
            assert!(response.headers().contains_key("www-authenticate"), "{method} {path}");
        } else if method == Method::GET {
            assert_eq!(status, StatusCode::SEE_OTHER, "{method} {path} without a session");
            let location = response.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or_default();
            assert!(location.starts_with("/login?next="), "{method} {path}: {location}");
        } else {
            assert_eq!(status, StatusCode::UNAUTHORIZED, "{method} {path} without a session");
        }
    }
    Ok(())
}

async fn matrix_on(postgres: bool) -> TestResult {
    let Some(store) = database(postgres).await? else { return Ok(()) };
    let world = World::start(store).await?;
    check_matrix(&world).await?;
    check_anonymous(&world).await?;
    world.stop().await
}

#[tokio::test]
async fn route_role_matrix_holds_on_sqlite() -> TestResult {
    matrix_on(false).await
}

#[tokio::test]
async fn route_role_matrix_holds_on_postgres() -> TestResult {
    matrix_on(true).await
}

/// Replaces the ids in an error text, so two texts can be compared for what they reveal.
fn without_ids(text: &str, ids: &[String]) -> String {
    ids.iter().fold(text.to_owned(), |t, id| t.replace(id, "ID"))
}

async fn cross_supplier_on(postgres: bool) -> TestResult {
    let Some(store) = database(postgres).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let sup = 4; // the supplier role, confined to Own Co
    let api = &w.api[sup];
    let (other_s, other_o, other_r) = w.other;
    let (own_s, own_o, _) = w.own;
    let ghost = uuid::Uuid::now_v7().to_string();
    let ids = [other_s.to_string(), other_o.to_string(), other_r.to_string(), ghost.clone()];

    // Guessed ids: every verb, API and UI, answers 404 exactly as for an id that does not exist.
    let api_attempts: Vec<(Method, String, Option<Value>)> = vec![
        (Method::GET, format!("/api/v1/suppliers/{other_s}"), None),
        (
            Method::PUT,
            format!("/api/v1/suppliers/{other_s}"),
            Some(json!({"name": "Other Co", "kind": "software-vendor"})),
        ),
        (Method::GET, format!("/api/v1/offerings/{other_o}"), None),
        (
            Method::PUT,
            format!("/api/v1/offerings/{other_o}"),
            Some(json!({"supplier": own_s, "name": "X", "kind": "software"})),
        ),
        (Method::DELETE, format!("/api/v1/offerings/{other_o}"), None),
        (Method::GET, format!("/api/v1/offerings/{other_o}/releases"), None),
        (Method::POST, format!("/api/v1/offerings/{other_o}/releases"), Some(json!({"version": "9"}))),
        (Method::DELETE, format!("/api/v1/releases/{other_r}"), None),
        // Another supplier's id in a body and in a query string.
        (
            Method::POST,
            "/api/v1/offerings".into(),
            Some(json!({"supplier": other_s, "name": "Planted", "kind": "software"})),
        ),
        (
            Method::PUT,
            format!("/api/v1/offerings/{own_o}"),
            Some(json!({"supplier": other_s, "name": "Moved", "kind": "software"})),
        ),
        (Method::GET, format!("/api/v1/offerings?supplier={other_s}"), None),
    ];
    for (method, path, body) in &api_attempts {
        let request = api.request(method.clone(), w.url(path));
        let request = match body {
            Some(b) => request.json(b),
            None => request,
        };
        let response = request.send().await?;
        let status = response.status();
        let text = response.text().await?;
        assert_eq!(status, StatusCode::NOT_FOUND, "{method} {path} as a supplier user: {text}");
        // Without a body, the answer is the one a made-up id gets: nothing tells that the
        // other supplier's object exists.
        if body.is_none() {
            let ghost_path = ids[..3].iter().fold(path.clone(), |p, id| p.replace(id, &ghost));
            let ghost_text = api.request(method.clone(), w.url(&ghost_path)).send().await?.text().await?;
            assert_eq!(without_ids(&text, &ids), without_ids(&ghost_text, &ids), "{method} {path}");
        }
    }
    // Lists, counts and search never show the other supplier.
    let list: Value = api.get(w.url("/api/v1/suppliers?q=Other")).send().await?.json().await?;
    assert_eq!(list["total"], 0, "{list}");
    let list: Value = api.get(w.url("/api/v1/suppliers")).send().await?.json().await?;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["name"], "Own Co");
    let list: Value = api.get(w.url("/api/v1/offerings")).send().await?.json().await?;
    assert_eq!(list["total"], 1, "{list}");

    // The UI: pages, forms and pictures.
    let other_sbom = w.other_sbom;
    for path in [
        format!("/suppliers/{other_s}"),
        format!("/suppliers/{other_s}/edit"),
        format!("/offerings/{other_o}"),
        format!("/offerings/{other_o}/sboms/new"),
        format!("/offerings/{other_o}/diff?from=1.0&to=1.0"),
        format!("/offerings/{other_o}/baseline"),
        format!("/releases/{other_r}"),
        format!("/releases/{other_r}/export?format=spdx"),
        format!("/sboms/{other_sbom}"),
        format!("/sboms/{other_sbom}/content"),
    ] {
        let response = w.ui(sup, Method::GET, &path).send().await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "GET {path}");
        let body = response.text().await?;
        assert!(!body.contains("Other Co") && !body.contains("Other Product"), "GET {path} names the other supplier");
    }
    for (path, fields) in [
        (format!("/suppliers/{other_s}"), vec![("description", "mine now")]),
        (format!("/offerings/{other_o}"), vec![("name", "Renamed"), ("kind", "software")]),
        (format!("/offerings/{other_o}/delete"), vec![]),
        (format!("/offerings/{other_o}/releases"), vec![("version", "6.6.6")]),
        (format!("/releases/{other_r}/delete"), vec![]),
        ("/offerings".to_owned(), vec![("supplier", "OTHER"), ("name", "Planted"), ("kind", "software")]),
    ] {
        let other_id = other_s.to_string();
        let fields: Vec<(&str, &str)> =
            fields.into_iter().map(|(k, v)| (k, if v == "OTHER" { other_id.as_str() } else { v })).collect();
        let response = w.post_form(sup, &path, &fields).await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "POST {path}");
    }
    let page = w.ui(sup, Method::GET, "/search?q=Other").send().await?.text().await?;
    assert!(!page.contains("Other Co") && !page.contains("Other Product"), "the search shows the other supplier");
    let page = w.ui(sup, Method::GET, "/suppliers?q=Other").send().await?.text().await?;
    assert!(!page.contains("Other Co"), "the supplier search shows the other supplier");
    let page = w.ui(sup, Method::GET, "/offerings").send().await?.text().await?;
    assert!(!page.contains("Other Product"), "the offering list shows the other supplier's offering");
    // Monitoring: the other supplier's finding, its release's VEX and its triage answer 404
    // on the API and in the UI; lists and the vulnerability page show only the own finding.
    let (own_finding, other_finding) = (w.own_finding, w.other_finding);
    for (method, path, body) in [
        (Method::GET, format!("/api/v1/findings/{other_finding}"), None),
        (
            Method::POST,
            "/api/v1/findings/triage".to_owned(),
            Some(json!({"findings": [other_finding], "status": "fixed", "detail": "not mine"})),
        ),
        (Method::GET, format!("/api/v1/releases/{other_r}/vex"), None),
    ] {
        let request = api.request(method.clone(), w.url(&path));
        let request = match body {
            Some(b) => request.json(&b),
            None => request,
        };
        let response = request.send().await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{method} {path} as a supplier user");
    }
    let response = api
        .post(w.url(&format!("/api/v1/releases/{other_r}/vex")))
        .body(r#"{"@context": "https://openvex.dev/ns/v0.2.0", "statements": []}"#)
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "POST a VEX to the other supplier's release");
    let list: Value = api.get(w.url("/api/v1/findings?include_inactive=true")).send().await?.json().await?;
    assert_eq!(list["total"], 1, "{list}");
    assert_eq!(list["items"][0]["id"], json!(own_finding), "{list}");
    let vulnerability: Value =
        api.get(w.url(&format!("/api/v1/vulnerabilities/{FIXTURE_CVE}"))).send().await?.json().await?;
    assert_eq!(vulnerability["n_findings"], 1, "{vulnerability}");
    assert!(!vulnerability.to_string().contains(&other_finding.to_string()), "{vulnerability}");
    for path in [format!("/findings/{other_finding}"), format!("/releases/{other_r}/vex?format=openvex")] {
        let response = w.ui(sup, Method::GET, &path).send().await?;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "GET {path}");
        let body = response.text().await?;
        assert!(!body.contains("Other Co") && !body.contains("Other Product"), "GET {path} names the other supplier");
    }
    let other_id = other_finding.to_string();
    let response = w
        .post_form(sup, "/findings/triage", &[("finding", &other_id), ("status", "fixed"), ("detail", "not mine")])
        .await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "POST /findings/triage for the other supplier's finding");
    let form = reqwest::multipart::Form::new()
        .text("_csrf", w.sessions[sup].1.clone())
        .part("file", reqwest::multipart::Part::bytes(b"{}".to_vec()).file_name("vex.json"));
    let response = w.ui(sup, Method::POST, &format!("/releases/{other_r}/vex")).multipart(form).send().await?;
    assert_eq!(response.status(), StatusCode::NOT_FOUND, "POST /releases/{other_r}/vex");
    for path in ["/findings?state=all".to_owned(), format!("/vulnerabilities/{FIXTURE_CVE}")] {
        let response = w.ui(sup, Method::GET, &path).send().await?;
        assert_eq!(response.status(), StatusCode::OK, "GET {path}");
        let body = response.text().await?;
        assert!(body.contains(&format!("/findings/{own_finding}")), "GET {path} misses the own finding");
        assert!(!body.contains(&other_id), "GET {path} shows the other supplier's finding");
        assert!(!body.contains("Other Co") && !body.contains("Other Product"), "GET {path} names the other supplier");
    }
    let status = w.store.get_finding(other_finding).await?.0.triage.status;
    assert_eq!(status, chainward_core::vuln::vex::VexStatus::UnderInvestigation, "the other finding was changed");

    // Its own record comes without our people (the RACI owners).
    let mut own = w.store.get_supplier(own_s).await?;
    own.data.owners = serde_json::from_value(
        json!([{"area": "security", "role": "accountable", "person": "Internal Person", "email": "ip@example.com"}]),
    )?;
    w.store.update_supplier(own_s, own.data).await?;
    let seen: Value = api.get(w.url(&format!("/api/v1/suppliers/{own_s}"))).send().await?.json().await?;
    assert_eq!(seen["owners"], json!([]), "{seen}");
    let page = w.ui(sup, Method::GET, &format!("/suppliers/{own_s}")).send().await?.text().await?;
    assert!(!page.contains("Internal Person"), "the supplier's user sees our owners");
    let staff: Value = w.api[0].get(w.url(&format!("/api/v1/suppliers/{own_s}"))).send().await?.json().await?;
    assert_eq!(staff["owners"][0]["person"], "Internal Person");

    // The other supplier's data is untouched.
    let other = w.store.get_supplier(other_s).await?;
    assert_eq!(other.data.description, None);
    assert_eq!(w.store.get_offering(other_o).await?.data.name, "Other Product");
    w.stop().await
}

#[tokio::test]
async fn cross_supplier_attempts_answer_404_on_sqlite() -> TestResult {
    cross_supplier_on(false).await
}

#[tokio::test]
async fn cross_supplier_attempts_answer_404_on_postgres() -> TestResult {
    cross_supplier_on(true).await
}

/// Gets the login page and returns (login cookie, login token).
async fn login_form(client: &Client, base: &str) -> Result<(String, String), Error> {
    let response = client.get(format!("{base}/login")).send().await?;
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("chainward_login="))
        .and_then(|v| v.split(';').next())
        .ok_or("no login cookie")?
        .to_owned();
    let body = response.text().await?;
    let token = body
        .split("name=\"_login\" value=\"")
        .nth(1)
        .and_then(|rest| rest.split('"').next())
        .ok_or("no login token in the form")?
        .to_owned();
    Ok((cookie, token))
}

pub(crate) async fn login(client: &Client, base: &str, user: &str, password: &str) -> Result<reqwest::Response, Error> {
    let (cookie, token) = login_form(client, base).await?;
    Ok(client
        .post(format!("{base}/login"))
        .header("cookie", cookie)
        .form(&[("username", user), ("password", password), ("_login", token.as_str())])
        .send()
        .await?)
}

fn session_cookie(response: &reqwest::Response) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("chainward_session=") && !v.starts_with("chainward_session=;"))
        .map(str::to_owned)
}

#[tokio::test]
async fn login_sets_a_fresh_strict_httponly_session_and_locks_after_failures() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let base = w.server.base_url();
    // A session id planted before login is not adopted (no fixation).
    let planted = secret::random_hex(32);
    let (cookie, token) = login_form(&w.plain, &base).await?;
    let response = w
        .plain
        .post(format!("{base}/login"))
        .header("cookie", format!("{cookie}; chainward_session={planted}"))
        .form(&[("username", "analyst-user"), ("password", "a sound test passphrase"), ("_login", token.as_str())])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let set = session_cookie(&response).ok_or("no session cookie")?;
    assert!(set.contains("HttpOnly") && set.contains("SameSite=Strict") && set.contains("Path=/"), "{set}");
    assert!(!set.contains(&planted), "the planted session id was adopted");
    let fresh = set.split(';').next().unwrap_or_default().to_owned();
    let page = w.plain.get(format!("{base}/suppliers")).header("cookie", &fresh).send().await?;
    assert_eq!(page.status(), StatusCode::OK);
    let planted_page = w
        .plain
        .get(format!("{base}/suppliers"))
        .header("cookie", format!("chainward_session={planted}"))
        .send()
        .await?;
    assert_eq!(planted_page.status(), StatusCode::SEE_OTHER, "the planted id must not be a session");

    // Without the login token, a login is refused (login CSRF).
    let forged = w
        .plain
        .post(format!("{base}/login"))
        .form(&[("username", "analyst-user"), ("password", "a sound test passphrase"), ("_login", "forged")])
        .send()
        .await?;
    assert_eq!(forged.status(), StatusCode::FORBIDDEN);
    assert!(session_cookie(&forged).is_none());

    // Five wrong passwords lock the account; then even the right one is refused, with the
    // same message as a wrong one.
    for _ in 0..5 {
        let r = login(&w.plain, &base, "auditor-user", "wrong password entirely").await?;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    }
    let r = login(&w.plain, &base, "auditor-user", "a sound test passphrase").await?;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "a locked account logged in");
    assert!(r.text().await?.contains("Wrong username or password"));
    let unknown = login(&w.plain, &base, "nobody-at-all", "whatever it is").await?;
    assert_eq!(unknown.status(), StatusCode::UNAUTHORIZED);
    let audit = w.store.list_audit(&chainward_store::AuditFilter::default(), chainward_store::Page::default()).await?;
    let actions: Vec<&str> = audit.items.iter().map(|e| e.action.as_str()).collect();
    assert!(
        actions.contains(&"lockout") && actions.contains(&"login-failed") && actions.contains(&"login"),
        "{actions:?}"
    );
    w.stop().await
}

#[tokio::test]
async fn forms_without_the_right_csrf_token_are_refused() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let admin = 0;
    for token in [None, Some("forged"), Some("")] {
        let mut form = vec![("name", "Via CSRF"), ("kind", "software-vendor"), ("tier", "2")];
        if let Some(t) = token {
            form.push(("_csrf", t));
        }
        let response = w.ui(admin, Method::POST, "/suppliers").form(&form).send().await?;
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "csrf {token:?}");
    }
    // Another user's CSRF token does not work either.
    let (_, analyst_csrf) = &w.sessions[1];
    let response = w
        .ui(admin, Method::POST, "/suppliers")
        .form(&[("name", "Via CSRF"), ("kind", "software-vendor"), ("tier", "2"), ("_csrf", analyst_csrf.as_str())])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    // A cross-site origin is refused even with the right token.
    let (_, csrf) = &w.sessions[admin];
    let response = w
        .ui(admin, Method::POST, "/suppliers")
        .header("origin", "https://evil.example")
        .form(&[("name", "Via CSRF"), ("kind", "software-vendor"), ("tier", "2"), ("_csrf", csrf.as_str())])
        .send()
        .await?;
    assert_eq!(response.status(), StatusCode::FORBIDDEN);
    assert!(w.store.find_supplier("Via CSRF").await.is_err(), "a forged form changed the registry");
    w.stop().await
}

#[tokio::test]
async fn revoked_expired_and_malformed_tokens_are_401() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let token = make_token(&*w.store, "short-lived", Role::Auditor, None).await?;
    let client = client_with(&token)?;
    assert_eq!(client.get(w.url("/api/v1/suppliers")).send().await?.status(), StatusCode::OK);
    let listed = w.store.list_tokens(None).await?;
    let id = listed.iter().find(|t| t.name == "short-lived").map(|t| t.id).ok_or("token not listed")?;
    w.store.revoke_token(id).await?;
    assert_eq!(client.get(w.url("/api/v1/suppliers")).send().await?.status(), StatusCode::UNAUTHORIZED);

    let secret_token = secret::new_token();
    w.store
        .create_token(chainward_core::access::NewToken {
            name: "expired".into(),
            user: None,
            role: Role::Admin,
            supplier: None,
            token_hash: secret::digest(&secret_token),
            prefix: "cw_".into(),
            expires_at: Some(time::OffsetDateTime::now_utc() - time::Duration::minutes(1)),
        })
        .await?;
    let expired = client_with(&secret_token)?;
    assert_eq!(expired.get(w.url("/api/v1/suppliers")).send().await?.status(), StatusCode::UNAUTHORIZED);
    for bad in ["cw_", "not-a-token", &"cw_x".repeat(300), "cw_<script>"] {
        let r = w.plain.get(w.url("/api/v1/suppliers")).header("authorization", format!("Bearer {bad}")).send().await?;
        assert_eq!(r.status(), StatusCode::UNAUTHORIZED, "{bad:.20}");
    }
    // A session cookie does not open the API (the API takes tokens only).
    let (cookie, _) = &w.sessions[0];
    let r =
        w.plain.get(w.url("/api/v1/suppliers")).header("cookie", format!("chainward_session={cookie}")).send().await?;
    assert_eq!(r.status(), StatusCode::UNAUTHORIZED);
    w.stop().await
}

#[tokio::test]
async fn ui_pages_carry_a_strict_csp_and_escape_what_users_typed() -> TestResult {
    let Some(store) = database(false).await? else { return Ok(()) };
    let w = World::start(store).await?;
    let evil = "<script>alert(1)</script>\"><img src=x onerror=alert(2)>";
    let mut data = supplier_data("Evil Co");
    data.description = Some(evil.to_owned());
    let evil_s = w.store.create_supplier(data).await?;
    let response = w.ui(0, Method::GET, &format!("/suppliers/{}", evil_s.id)).send().await?;
    let csp =
        response.headers().get("content-security-policy").and_then(|v| v.to_str().ok()).unwrap_or_default().to_owned();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline") && csp.contains("frame-ancestors 'none'"),
        "{csp}"
    );
    assert_eq!(response.headers().get("x-frame-options").and_then(|v| v.to_str().ok()), Some("DENY"));
    let body = response.text().await?;
    assert!(!body.contains("<script>alert"), "raw script in the page");
    assert!(!body.contains("<img src=x"), "raw markup in the page");
    assert!(
        body.contains("&lt;script&gt;alert(1)&lt;/script&gt;") || body.contains("&#60;script&#62;"),
        "the text is not shown escaped"
    );
    w.stop().await
}
