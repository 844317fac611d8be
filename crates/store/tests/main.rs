//! Storage stories: each story is written once and runs on SQLite (a file in a fresh
//! temporary directory) always, and on PostgreSQL (a fresh database per store, dropped at
//! the end) when `CHAINWARD_TEST_POSTGRES` holds an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chainward_core::access::*;
use chainward_core::audit::{AuditEntry, AuditEvent, ChainBreak, GENESIS};
use chainward_core::batch::{
    ImportMode, ImportReport, Line, OfferingRow, RegistryBatch, ReleaseRow, ServiceRow, SubcontractRow, Table,
    TableCounts, UseRow,
};
use chainward_core::graph::ChainGraph;
use chainward_core::model::*;
use chainward_store::{
    AuditFilter, Backend, OfferingFilter, Page, ServiceFilter, Store, StoreError, SupplierFilter, open,
};
use sqlx::{AssertSqlSafe, Connection};
use time::OffsetDateTime;
use time::macros::date;
use uuid::Uuid;

// ---- harness ------------------------------------------------------------------------------

/// Hands out fresh stores for one story and removes them afterwards.
#[derive(Clone)]
struct Db(Arc<DbInner>);

struct DbInner {
    backend: Backend,
    /// SQLite: the temporary directory.
    dir: PathBuf,
    /// PostgreSQL: the admin URL.
    admin: Option<String>,
    /// Databases (PostgreSQL) made so far.
    made: Mutex<Vec<String>>,
}

/// The URL of database `name` on the server of `admin`.
fn with_database(admin: &str, name: &str) -> String {
    let (scheme, rest) = admin.split_once("://").unwrap();
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let query = tail.split_once('?').map(|(_, q)| format!("?{q}")).unwrap_or_default();
    format!("{scheme}://{authority}/{name}{query}")
}

impl Db {
    fn backend(&self) -> Backend {
        self.0.backend
    }

    /// A new, empty store.
    async fn store(&self) -> Arc<dyn Store> {
        self.store_and_url().await.0
    }

    /// A new, empty store and its URL, for tests that reach around the store.
    async fn store_and_url(&self) -> (Arc<dyn Store>, String) {
        let mut made = self.0.made.lock().unwrap().len();
        let url = match (&self.0.admin, self.0.backend) {
            (Some(admin), Backend::Postgres) => {
                let name = format!("chainward_t_{}", Uuid::now_v7().simple());
                let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
                sqlx::query(AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&mut conn).await.unwrap();
                conn.close().await.unwrap();
                let url = with_database(admin, &name);
                self.0.made.lock().unwrap().push(name);
                url
            }
            _ => {
                made += 1;
                self.0.made.lock().unwrap().push(made.to_string());
                format!("sqlite://{}", self.0.dir.join(format!("store-{made}.db")).display())
            }
        };
        let store = open(&url).await.unwrap();
        assert_eq!(store.backend(), self.0.backend);
        (store, url)
    }

    async fn cleanup(&self) {
        if let Some(admin) = &self.0.admin {
            let names = std::mem::take(&mut *self.0.made.lock().unwrap());
            let mut conn = sqlx::PgConnection::connect(admin).await.unwrap();
            for name in names {
                sqlx::query(AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")))
                    .execute(&mut conn)
                    .await
                    .unwrap();
            }
            conn.close().await.unwrap();
        }
        let _ = std::fs::remove_dir_all(&self.0.dir);
    }
}

/// Runs a story on a backend; PostgreSQL stories pass trivially without
/// `CHAINWARD_TEST_POSTGRES`.
async fn run<F, Fut>(backend: Backend, story: F)
where
    F: FnOnce(Db) -> Fut,
    Fut: Future<Output = ()> + Send + 'static,
{
    let admin = match backend {
        Backend::Sqlite => None,
        Backend::Postgres => match std::env::var("CHAINWARD_TEST_POSTGRES") {
            Ok(url) if !url.trim().is_empty() => Some(url),
            _ => {
                eprintln!("CHAINWARD_TEST_POSTGRES is not set: PostgreSQL story skipped");
                return;
            }
        },
    };
    let dir = std::env::temp_dir().join(format!("chainward-store-test-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = Db(Arc::new(DbInner { backend, dir, admin, made: Mutex::new(Vec::new()) }));
    let outcome = tokio::spawn(story(db.clone())).await;
    db.cleanup().await;
    if let Err(e) = outcome {
        match e.try_into_panic() {
            Ok(panic) => std::panic::resume_unwind(panic),
            Err(e) => panic!("story did not finish: {e}"),
        }
    }
}

/// Declares every story once per backend: `sqlite::NAME` and `postgres::NAME`.
macro_rules! stories {
    ($($story:ident),* $(,)?) => {
        mod sqlite {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    super::run(chainward_store::Backend::Sqlite, super::$story).await;
                }
            )*
        }
        mod postgres {
            $(
                #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
                async fn $story() {
                    super::run(chainward_store::Backend::Postgres, super::$story).await;
                }
            )*
        }
    };
}

stories!(
    supplier_crud,
    offering_and_release_crud,
    service_crud,
    subcontract_crud,
    unique_names_conflict,
    unknown_ids_are_not_found,
    filters_and_pages,
    delete_cascades,
    update_without_change_keeps_updated_at,
    import_all_or_nothing_writes_nothing,
    import_skip_bad_writes_the_rest,
    dry_run_checks_everything_and_writes_nothing,
    reimport_changes_nothing,
    import_matches_suppliers_by_identifiers,
    export_import_round_trip,
    graph_input_builds,
    every_change_moves_the_registry_revision,
    regression_postgres_revision_moves_once_per_transaction,
    failed_multi_row_write_leaves_nothing,
    demo_organisation_imports,
    supplier_scope_hides_other_suppliers,
    supplier_scope_forbids_what_lies_outside_a_supplier,
    supplier_scope_changes_only_the_profile,
    offering_names_are_unique_per_supplier,
    imports_resolve_qualified_offering_names,
    exports_qualify_shared_offering_names,
    everyone_looks_after_their_own_account,
    every_change_leaves_an_audit_entry,
    imports_audit_each_written_row,
    failed_and_dry_run_imports_leave_no_audit_entries,
    verify_audit_detects_an_edited_entry,
    verify_audit_detects_a_rehashed_entry,
    verify_audit_detects_a_deleted_entry,
    verify_audit_detects_a_removed_tail,
    verify_audit_reads_the_log_in_pages,
    concurrent_writers_keep_one_chain,
    regression_postgres_audit_head_moves_once_per_transaction,
    supplier_cannot_delete_an_offering_in_use,
    deleting_an_offering_in_use_audits_the_services,
    deleting_a_supplier_audits_its_accounts_and_tokens,
    list_audit_filters_newest_first,
    account_changes_do_not_move_the_registry_revision,
    usernames_are_unique_regardless_of_case,
    supplier_accounts_need_an_existing_supplier,
    five_failed_logins_lock_the_account,
    set_password_clears_the_lock_and_ends_other_sessions,
    disabling_an_account_ends_its_sessions_and_tokens,
    count_admins_counts_enabled_admins,
    sessions_expire_when_idle_and_absolutely,
    tokens_are_refused_when_revoked_or_expired,
    token_last_used_at_moves_at_most_once_a_minute,
    supplier_account_tokens_stay_within_the_supplier,
    the_last_enabled_admin_stays,
    regression_two_admins_disabling_each_other_leave_one,
    sbom_ingest_merges_components_and_rebuilds_the_model,
    sbom_scope_and_failed_ingest_write_nothing,
    advisories_are_stored_incrementally_and_found_by_package_and_alias,
    findings_appear_are_seen_again_go_and_carry_decisions_to_new_releases,
    findings_are_confined_to_the_suppliers_scope,
);

mod monitoring;
use monitoring::{
    advisories_are_stored_incrementally_and_found_by_package_and_alias,
    findings_appear_are_seen_again_go_and_carry_decisions_to_new_releases,
    findings_are_confined_to_the_suppliers_scope,
};
mod sboms;
use sboms::{sbom_ingest_merges_components_and_rebuilds_the_model, sbom_scope_and_failed_ingest_write_nothing};

// ---- helpers ------------------------------------------------------------------------------

const LEI: &str = "5493001KJTIIGC8Y1R12";
const ACME_LEI: &str = "5299000ACMECLOUD0070";

fn not_found<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::NotFound { .. }))
}

fn conflict_message<T: std::fmt::Debug>(r: Result<T, StoreError>) -> String {
    match r {
        Err(StoreError::Conflict(m)) => m,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn acme() -> SupplierData {
    let mut s = SupplierData::named("Acme Cloud", SupplierKind::CloudServiceProvider);
    s.legal_ids = LegalIds {
        lei: Some(ACME_LEI.into()),
        duns: Some("15-048-3782".into()),
        vat: Some("de 123 456 789".into()),
        other: Some("HRB 1234".into()),
    };
    s.country = Some("de".parse().unwrap());
    s.tier = Tier::ONE;
    s.status = SupplierStatus::Active;
    s.data_access = DataAccess::PersonalData;
    s.description = Some("  Hosting  ".into());
    s.website = Some("https://acme.example".into());
    s.security_contact = Contact { name: Some("PSIRT".into()), email: Some("psirt@acme.example".into()), phone: None };
    s.incident_contact = Contact { name: None, email: Some("soc@acme.example".into()), phone: Some("+49 1".into()) };
    s.account_contact = Contact { name: Some("Ann".into()), email: None, phone: Some("+49 2".into()) };
    s.owners = vec![
        Ownership {
            area: OwnershipArea::Security,
            role: RaciRole::Accountable,
            person: "Aylin".into(),
            email: "aylin@us.example".into(),
        },
        Ownership {
            area: OwnershipArea::It,
            role: RaciRole::Informed,
            person: "Tom".into(),
            email: "tom@us.example".into(),
        },
    ];
    s
}

fn named(name: &str) -> SupplierData {
    SupplierData::named(name, SupplierKind::SoftwareVendor)
}

fn offering(supplier: SupplierId, name: &str) -> OfferingData {
    OfferingData { supplier, name: name.into(), kind: OfferingKind::CloudService, description: None }
}

fn service(name: &str, uses: Vec<ServiceUse>) -> ServiceData {
    ServiceData {
        name: name.into(),
        owner: Some("Lena".into()),
        owner_email: Some("lena@us.example".into()),
        rto_hours: Some(4),
        criticality: Tier::ONE,
        description: None,
        uses,
    }
}

fn uses(offering: OfferingId, alternatives: &[OfferingId]) -> ServiceUse {
    ServiceUse { offering, purpose: Some("runs it".into()), alternatives: alternatives.to_vec() }
}

fn line<T>(line: u64, row: T) -> Line<T> {
    Line { line, row }
}

/// A small registry: three suppliers (one subcontracting to another), three offerings with
/// releases, two services with uses and one alternative.
fn registry() -> RegistryBatch {
    let mut a = named("Alpha Hosting");
    a.legal_ids.vat = Some("DE111111111".into());
    a.owners = acme().owners;
    let mut b = named("Beta Mail");
    b.legal_ids.lei = Some(LEI.into());
    let c = named("Gamma Backup");
    RegistryBatch {
        suppliers: vec![line(2, a), line(3, b), line(4, c)],
        subcontracts: vec![line(
            2,
            SubcontractRow {
                supplier: "Alpha Hosting".into(),
                subcontractor: "gamma backup".into(),
                scope: "backups".into(),
                since: Some(date!(2024 - 01 - 01)),
                handles_our_data: true,
            },
        )],
        offerings: vec![
            line(
                2,
                OfferingRow {
                    supplier: "DE111111111".into(),
                    name: "Alpha VM".into(),
                    kind: OfferingKind::Hosting,
                    description: None,
                },
            ),
            line(
                3,
                OfferingRow {
                    supplier: LEI.into(),
                    name: "Beta Mail".into(),
                    kind: OfferingKind::CloudService,
                    description: Some("mail".into()),
                },
            ),
            line(
                4,
                OfferingRow {
                    supplier: "Gamma Backup".into(),
                    name: "Gamma Vault".into(),
                    kind: OfferingKind::ManagedService,
                    description: None,
                },
            ),
        ],
        releases: vec![
            line(
                2,
                ReleaseRow {
                    offering: "Alpha VM".into(),
                    version: "1.0".into(),
                    released_on: Some(date!(2025 - 01 - 02)),
                },
            ),
            line(3, ReleaseRow { offering: "Alpha VM".into(), version: "2.0".into(), released_on: None }),
        ],
        services: vec![
            line(
                2,
                ServiceRow {
                    name: "Shop".into(),
                    owner: Some("Lena".into()),
                    owner_email: Some("lena@us.example".into()),
                    rto_hours: Some(4),
                    criticality: Tier::ONE,
                    description: None,
                },
            ),
            line(
                3,
                ServiceRow {
                    name: "CRM".into(),
                    owner: None,
                    owner_email: None,
                    rto_hours: None,
                    criticality: Tier::FOUR,
                    description: Some("customers".into()),
                },
            ),
        ],
        uses: vec![
            line(
                2,
                UseRow {
                    service: "Shop".into(),
                    offering: "Alpha VM".into(),
                    purpose: Some("hosting".into()),
                    alternatives: vec!["Gamma Vault".into()],
                },
            ),
            line(
                3,
                UseRow { service: "Shop".into(), offering: "beta mail".into(), purpose: None, alternatives: vec![] },
            ),
            line(
                4,
                UseRow {
                    service: "CRM".into(),
                    offering: "Beta Mail".into(),
                    purpose: Some("notifications".into()),
                    alternatives: vec![],
                },
            ),
        ],
    }
}

fn counts(report: &ImportReport, table: Table) -> TableCounts {
    report.counts.get(&table).copied().unwrap_or_default()
}

/// Waits long enough for a new timestamp to differ.
async fn tick() {
    tokio::time::sleep(Duration::from_millis(5)).await;
}

// ---- stories ------------------------------------------------------------------------------

async fn supplier_crud(db: Db) {
    let store = db.store().await;
    store.ping().await.unwrap();
    let created = store.create_supplier(acme()).await.unwrap();
    assert_eq!(created.created_at, created.updated_at);
    assert_eq!(created.data, acme().validated().unwrap());
    assert_eq!(created.data.legal_ids.vat.as_deref(), Some("DE123456789"));
    assert_eq!(created.data.description.as_deref(), Some("Hosting"));
    assert_eq!(created.id.0.get_version_num(), 7);

    let got = store.get_supplier(created.id).await.unwrap();
    assert_eq!(got, created, "what was written is what is read, timestamps included");

    for reference in [
        created.id.to_string(),
        "acme cloud".to_owned(),
        " ACME CLOUD ".to_owned(),
        ACME_LEI.to_lowercase(),
        "150483782".to_owned(),
        "DE-123-456-789".to_owned(),
    ] {
        assert_eq!(store.find_supplier(&reference).await.unwrap().id, created.id, "{reference}");
    }
    assert!(not_found(store.find_supplier("nobody").await));

    tick().await;
    let mut changed = acme();
    changed.name = "Acme Cloud GmbH".into();
    changed.owners.pop();
    changed.tier = Tier::new(2).unwrap();
    let updated = store.update_supplier(created.id, changed.clone()).await.unwrap();
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at > created.updated_at);
    assert_eq!(updated.data, changed.validated().unwrap());
    assert_eq!(store.get_supplier(created.id).await.unwrap(), updated);

    let mut bad = acme();
    bad.security_contact.email = Some("not an address".into());
    assert!(
        matches!(store.create_supplier(bad).await, Err(StoreError::Invalid(v)) if v.field == "security_contact_email")
    );

    store.delete_supplier(created.id).await.unwrap();
    assert!(not_found(store.get_supplier(created.id).await));
    assert!(not_found(store.delete_supplier(created.id).await));
}

async fn offering_and_release_crud(db: Db) {
    let store = db.store().await;
    let s = store.create_supplier(named("Vendor")).await.unwrap();
    let t = store.create_supplier(named("Other Vendor")).await.unwrap();
    let mut data = offering(s.id, "  Vendor DB ");
    data.description = Some(" ".into());
    let o = store.create_offering(data).await.unwrap();
    assert_eq!(o.data.name, "Vendor DB");
    assert_eq!(o.data.description, None);
    assert_eq!(o.created_at, o.updated_at);
    assert_eq!(store.get_offering(o.id).await.unwrap(), o);
    assert_eq!(store.find_offering("vendor db").await.unwrap(), o);
    assert_eq!(store.find_offering(&o.id.to_string()).await.unwrap(), o);

    tick().await;
    let moved = OfferingData { kind: OfferingKind::Software, ..offering(t.id, "Vendor DB 2") };
    let u = store.update_offering(o.id, moved.clone()).await.unwrap();
    assert_eq!(u.data, moved);
    assert_eq!(u.created_at, o.created_at);
    assert!(u.updated_at > o.updated_at);

    assert!(matches!(store.create_offering(offering(s.id, " ")).await, Err(StoreError::Invalid(_))));
    let unknown = SupplierId(Uuid::now_v7());
    assert!(matches!(
        store.create_offering(offering(unknown, "Ghost")).await,
        Err(StoreError::NotFound { entity: "supplier", .. })
    ));

    let r1 = store
        .create_release(ReleaseData { offering: o.id, version: "1.0".into(), released_on: Some(date!(2024 - 05 - 01)) })
        .await
        .unwrap();
    let r2 = store
        .create_release(ReleaseData { offering: o.id, version: "1.1".into(), released_on: Some(date!(2025 - 05 - 01)) })
        .await
        .unwrap();
    let r0 =
        store.create_release(ReleaseData { offering: o.id, version: "0.9".into(), released_on: None }).await.unwrap();
    assert_eq!(r1.created_at, r1.updated_at);
    let listed: Vec<ReleaseId> = store.list_releases(o.id).await.unwrap().iter().map(|r| r.id).collect();
    assert_eq!(listed, [r2.id, r1.id, r0.id], "newest release date first, undated last");
    assert_eq!(store.list_releases(o.id).await.unwrap()[1], r1);
    let msg = conflict_message(
        store.create_release(ReleaseData { offering: o.id, version: "1.0".into(), released_on: None }).await,
    );
    assert!(msg.contains("\"1.0\""), "{msg}");
    assert!(not_found(
        store
            .create_release(ReleaseData {
                offering: OfferingId(Uuid::now_v7()),
                version: "1".into(),
                released_on: None
            })
            .await
    ));
    store.delete_release(r0.id).await.unwrap();
    assert_eq!(store.list_releases(o.id).await.unwrap().len(), 2);
    assert!(not_found(store.delete_release(r0.id).await));

    store.delete_offering(o.id).await.unwrap();
    assert!(not_found(store.get_offering(o.id).await));
    assert!(not_found(store.list_releases(o.id).await));
}

async fn service_crud(db: Db) {
    let store = db.store().await;
    let s = store.create_supplier(named("Vendor")).await.unwrap();
    let a = store.create_offering(offering(s.id, "A")).await.unwrap();
    let b = store.create_offering(offering(s.id, "B")).await.unwrap();
    let c = store.create_offering(offering(s.id, "C")).await.unwrap();

    let data = service("Shop", vec![uses(b.id, &[c.id, a.id]), uses(a.id, &[])]);
    let created = store.create_service(data.clone()).await.unwrap();
    assert_eq!(created.data, data);
    assert_eq!(created.created_at, created.updated_at);
    assert_eq!(store.get_service(created.id).await.unwrap(), created, "uses and alternatives keep their order");
    assert_eq!(store.find_service("SHOP").await.unwrap(), created);
    assert_eq!(store.find_service(&created.id.to_string()).await.unwrap(), created);

    tick().await;
    let changed =
        ServiceData { rto_hours: None, criticality: Tier::FOUR, ..service("Shop", vec![uses(c.id, &[b.id])]) };
    let updated = store.update_service(created.id, changed.clone()).await.unwrap();
    assert_eq!(updated.data, changed);
    assert_eq!(updated.created_at, created.created_at);
    assert!(updated.updated_at > created.updated_at);
    assert_eq!(store.get_service(created.id).await.unwrap(), updated);

    assert!(matches!(
        store.create_service(service("Loop", vec![uses(a.id, &[a.id])])).await,
        Err(StoreError::Invalid(_))
    ));
    assert!(matches!(
        store.create_service(service("Twice", vec![uses(a.id, &[]), uses(a.id, &[])])).await,
        Err(StoreError::Invalid(_))
    ));

    store.delete_service(created.id).await.unwrap();
    assert!(not_found(store.get_service(created.id).await));
    assert!(not_found(store.find_service("Shop").await));
}

async fn subcontract_crud(db: Db) {
    let store = db.store().await;
    let a = store.create_supplier(named("A")).await.unwrap();
    let b = store.create_supplier(named("B")).await.unwrap();
    let c = store.create_supplier(named("C")).await.unwrap();
    let link = |from: SupplierId, to: SupplierId| SubcontractData {
        supplier: from,
        subcontractor: to,
        scope: " hosting ".into(),
        since: Some(date!(2023 - 02 - 03)),
        handles_our_data: true,
    };
    let ab = store.create_subcontract(link(a.id, b.id)).await.unwrap();
    assert_eq!(ab.data.scope, "hosting");
    assert_eq!(ab.created_at, ab.updated_at);
    let bc = store.create_subcontract(link(b.id, c.id)).await.unwrap();
    assert_eq!(store.list_subcontracts(None).await.unwrap(), [ab.clone(), bc.clone()]);
    assert_eq!(store.list_subcontracts(Some(b.id)).await.unwrap().len(), 2, "either side");
    assert_eq!(store.list_subcontracts(Some(a.id)).await.unwrap(), std::slice::from_ref(&ab));

    let msg = conflict_message(store.create_subcontract(link(a.id, b.id)).await);
    assert!(msg.contains("\"A\"") && msg.contains("\"B\""), "{msg}");
    assert!(matches!(store.create_subcontract(link(a.id, a.id)).await, Err(StoreError::Invalid(_))));
    assert!(matches!(
        store.create_subcontract(link(a.id, SupplierId(Uuid::now_v7()))).await,
        Err(StoreError::NotFound { entity: "supplier", .. })
    ));

    store.delete_subcontract(ab.id).await.unwrap();
    assert_eq!(store.list_subcontracts(None).await.unwrap(), [bc]);
    assert!(not_found(store.delete_subcontract(ab.id).await));
}

async fn unique_names_conflict(db: Db) {
    let store = db.store().await;
    let acme = store.create_supplier(named("Acme")).await.unwrap();
    let msg = conflict_message(store.create_supplier(named(" ACME ")).await);
    assert_eq!(msg, "a supplier named \"Acme\" exists already");

    let mut with_vat = named("Vatty");
    with_vat.legal_ids.vat = Some("FR12345678901".into());
    store.create_supplier(with_vat.clone()).await.unwrap();
    with_vat.name = "Other".into();
    with_vat.legal_ids.vat = Some("fr 12345678901".into());
    let msg = conflict_message(store.create_supplier(with_vat).await);
    assert!(msg.contains("VAT") && msg.contains("FR12345678901"), "{msg}");

    let other = store.create_supplier(named("Other")).await.unwrap();
    let msg = conflict_message(store.update_supplier(other.id, named("acme")).await);
    assert!(msg.contains("\"Acme\""), "{msg}");

    // Offering names are unique per supplier: another supplier may use the name.
    store.create_offering(offering(acme.id, "Widget")).await.unwrap();
    let msg = conflict_message(store.create_offering(offering(acme.id, "WIDGET")).await);
    assert_eq!(msg, "the supplier has an offering named \"Widget\" already");
    store.create_offering(offering(other.id, "WIDGET")).await.unwrap();

    store.create_service(service("Shop", vec![])).await.unwrap();
    let msg = conflict_message(store.create_service(service("shop", vec![])).await);
    assert!(msg.contains("\"Shop\""), "{msg}");
    assert_eq!(store.list_suppliers(&SupplierFilter::default(), Page::default()).await.unwrap().total, 3);
}

async fn unknown_ids_are_not_found(db: Db) {
    let store = db.store().await;
    let id = Uuid::now_v7();
    assert!(not_found(store.get_supplier(SupplierId(id)).await));
    assert!(not_found(store.update_supplier(SupplierId(id), named("X")).await));
    assert!(not_found(store.delete_supplier(SupplierId(id)).await));
    assert!(not_found(store.delete_subcontract(SubcontractId(id)).await));
    assert!(not_found(store.get_offering(OfferingId(id)).await));
    assert!(not_found(store.update_offering(OfferingId(id), offering(SupplierId(id), "X")).await));
    assert!(not_found(store.delete_offering(OfferingId(id)).await));
    assert!(not_found(store.find_offering(&id.to_string()).await));
    assert!(not_found(store.delete_release(ReleaseId(id)).await));
    assert!(not_found(store.get_service(ServiceId(id)).await));
    assert!(not_found(store.update_service(ServiceId(id), service("X", vec![])).await));
    assert!(not_found(store.delete_service(ServiceId(id)).await));
    assert!(not_found(store.find_service("X").await));
    // A list filtered by a supplier that does not exist is not an empty list.
    let ghost = OfferingFilter { supplier: Some(SupplierId(id)), ..OfferingFilter::default() };
    hidden(store.list_offerings(&ghost, Page::default()).await, "supplier", &id.to_string());
    hidden(store.list_subcontracts(Some(SupplierId(id))).await, "supplier", &id.to_string());
    let s = store.create_supplier(named("S")).await.unwrap();
    assert!(matches!(
        store.create_service(service("X", vec![uses(OfferingId(id), &[])])).await,
        Err(StoreError::NotFound { entity: "offering", .. })
    ));
    let o = store.create_offering(offering(s.id, "O")).await.unwrap();
    assert!(matches!(
        store.create_service(service("X", vec![uses(o.id, &[OfferingId(id)])])).await,
        Err(StoreError::NotFound { entity: "offering", .. })
    ));
}

async fn filters_and_pages(db: Db) {
    let store = db.store().await;
    for i in 0..25_u8 {
        let mut s = named(&format!("Supplier {i:02}"));
        if i % 5 == 0 {
            s.kind = SupplierKind::Hosting;
            s.tier = Tier::ONE;
            s.country = Some("NL".parse().unwrap());
        }
        if i == 7 {
            s.name = "100%_Special".into();
            s.status = SupplierStatus::Exited;
        }
        store.create_supplier(s).await.unwrap();
    }
    let all = SupplierFilter::default();
    let page = store.list_suppliers(&all, Page { offset: 20, limit: 10 }).await.unwrap();
    assert_eq!(page.total, 25);
    assert_eq!(page.items.len(), 5);
    let first = store.list_suppliers(&all, Page { offset: 0, limit: 3 }).await.unwrap();
    let names: Vec<&str> = first.items.iter().map(|s| s.data.name.as_str()).collect();
    assert_eq!(names, ["100%_Special", "Supplier 00", "Supplier 01"], "ordered by name, case-insensitively");
    let huge = store.list_suppliers(&all, Page { offset: 0, limit: 1_000_000 }).await.unwrap();
    assert_eq!(huge.items.len(), 25);
    assert!(store.list_suppliers(&all, Page { offset: 100, limit: 10 }).await.unwrap().items.is_empty());

    let q = |q: &str| SupplierFilter { q: Some(q.into()), ..SupplierFilter::default() };
    assert_eq!(store.list_suppliers(&q("SUPPLIER 1"), Page::default()).await.unwrap().total, 10);
    assert_eq!(store.list_suppliers(&q("%_"), Page::default()).await.unwrap().total, 1, "wildcards are literal");
    assert_eq!(store.list_suppliers(&q("_"), Page::default()).await.unwrap().total, 1);
    let hosting = SupplierFilter { kind: Some(SupplierKind::Hosting), ..SupplierFilter::default() };
    assert_eq!(store.list_suppliers(&hosting, Page::default()).await.unwrap().total, 5);
    let tier_nl = SupplierFilter {
        tier: Some(Tier::ONE),
        country: Some("NL".parse().unwrap()),
        q: Some("supplier 1".into()),
        ..SupplierFilter::default()
    };
    let found = store.list_suppliers(&tier_nl, Page::default()).await.unwrap();
    assert_eq!((found.total, found.items[0].data.name.as_str()), (2, "Supplier 10"));
    let exited = SupplierFilter { status: Some(SupplierStatus::Exited), ..SupplierFilter::default() };
    assert_eq!(store.list_suppliers(&exited, Page::default()).await.unwrap().total, 1);

    let s1 = store.find_supplier("Supplier 01").await.unwrap();
    let s2 = store.find_supplier("Supplier 02").await.unwrap();
    let mut offerings = Vec::new();
    for i in 0..6 {
        let mut o = offering(if i < 4 { s1.id } else { s2.id }, &format!("Offering {i}"));
        if i % 2 == 0 {
            o.kind = OfferingKind::Hardware;
        }
        offerings.push(store.create_offering(o).await.unwrap());
    }
    let by_supplier = OfferingFilter { supplier: Some(s1.id), ..OfferingFilter::default() };
    let page = store.list_offerings(&by_supplier, Page { offset: 1, limit: 2 }).await.unwrap();
    assert_eq!(page.total, 4);
    assert_eq!(page.items, offerings[1..3]);
    let hardware =
        OfferingFilter { kind: Some(OfferingKind::Hardware), q: Some("ING 4".into()), ..OfferingFilter::default() };
    assert_eq!(store.list_offerings(&hardware, Page::default()).await.unwrap().items, offerings[4..5]);

    let x = store.create_service(service("X", vec![uses(offerings[0].id, &[])])).await.unwrap();
    let y = store
        .create_service(ServiceData {
            criticality: Tier::FOUR,
            ..service("Y", vec![uses(offerings[0].id, &[]), uses(offerings[1].id, &[])])
        })
        .await
        .unwrap();
    store.create_service(service("Z", vec![])).await.unwrap();
    let users = ServiceFilter { uses: Some(offerings[0].id), ..ServiceFilter::default() };
    let page = store.list_services(&users, Page::default()).await.unwrap();
    assert_eq!((page.total, page.items), (2, vec![x, y.clone()]));
    let low = ServiceFilter { criticality: Some(Tier::FOUR), ..ServiceFilter::default() };
    assert_eq!(store.list_services(&low, Page::default()).await.unwrap().items, [y]);
    assert_eq!(
        store.list_services(&ServiceFilter::default(), Page { offset: 2, limit: 5 }).await.unwrap().items.len(),
        1
    );
}

async fn delete_cascades(db: Db) {
    let store = db.store().await;
    store.import(registry(), ImportMode::AllOrNothing).await.unwrap();
    let alpha = store.find_supplier("Alpha Hosting").await.unwrap();
    let vm = store.find_offering("Alpha VM").await.unwrap();
    store.delete_supplier(alpha.id).await.unwrap();
    assert!(not_found(store.get_offering(vm.id).await), "its offering goes");
    assert!(not_found(store.list_releases(vm.id).await), "and the releases");
    assert!(store.list_subcontracts(None).await.unwrap().is_empty(), "and its links");
    let shop = store.find_service("Shop").await.unwrap();
    assert_eq!(shop.data.uses.len(), 1, "the use of its offering goes, the service stays");

    let vault = store.find_offering("Gamma Vault").await.unwrap();
    let mail = store.find_offering("Beta Mail").await.unwrap();
    store.update_service(shop.id, service("Shop", vec![uses(mail.id, &[vault.id])])).await.unwrap();
    store.delete_offering(vault.id).await.unwrap();
    let shop = store.get_service(shop.id).await.unwrap();
    assert_eq!(
        shop.data.uses,
        [ServiceUse { offering: mail.id, purpose: Some("runs it".into()), alternatives: vec![] }]
    );

    store.delete_service(shop.id).await.unwrap();
    let graph = store.graph_input().await.unwrap();
    assert_eq!(graph.edges.len(), 2, "CRM uses Beta Mail, Beta Mail provided by Beta");
    let crm = store.find_service("CRM").await.unwrap();
    assert_eq!(crm.data.uses.len(), 1);
}

async fn update_without_change_keeps_updated_at(db: Db) {
    let store = db.store().await;
    let s = store.create_supplier(acme()).await.unwrap();
    let o = store.create_offering(offering(s.id, "O")).await.unwrap();
    let p = store.create_offering(offering(s.id, "P")).await.unwrap();
    let svc = store.create_service(service("Svc", vec![uses(o.id, &[p.id])])).await.unwrap();
    tick().await;
    assert_eq!(store.update_supplier(s.id, acme()).await.unwrap(), s);
    assert_eq!(store.get_supplier(s.id).await.unwrap(), s);
    assert_eq!(store.update_offering(o.id, offering(s.id, " O ")).await.unwrap(), o);
    assert_eq!(store.get_offering(o.id).await.unwrap(), o);
    assert_eq!(store.update_service(svc.id, service("Svc", vec![uses(o.id, &[p.id])])).await.unwrap(), svc);
    assert_eq!(store.get_service(svc.id).await.unwrap(), svc);
}

async fn import_all_or_nothing_writes_nothing(db: Db) {
    let store = db.store().await;
    let mut batch = registry();
    batch.offerings[1].row.supplier = "Nobody Inc".into();
    batch.services[1].row.owner_email = Some("not-an-address".into());
    let report = store.import(batch, ImportMode::AllOrNothing).await.unwrap();
    assert!(!report.written);
    let offering_problem = report.problems.iter().find(|p| p.table == Table::Offerings).expect("offering problem");
    assert_eq!((offering_problem.line, offering_problem.column.as_deref()), (3, Some("supplier")));
    assert!(offering_problem.reason.contains("Nobody Inc"), "{}", offering_problem.reason);
    let service_problem = report.problems.iter().find(|p| p.table == Table::Services).expect("service problem");
    assert_eq!((service_problem.line, service_problem.column.as_deref()), (3, Some("owner_email")));
    // The uses of the missing offering and the missing service are reported as well.
    assert!(report.problems.iter().any(|p| p.table == Table::ServiceUses && p.line == 3));
    assert_eq!(counts(&report, Table::Suppliers).created, 3, "counts of what would have been written");

    assert_eq!(store.list_suppliers(&SupplierFilter::default(), Page::default()).await.unwrap().total, 0);
    assert_eq!(store.list_offerings(&OfferingFilter::default(), Page::default()).await.unwrap().total, 0);
    assert_eq!(store.list_services(&ServiceFilter::default(), Page::default()).await.unwrap().total, 0);
    assert!(store.export().await.unwrap().is_empty());

    let mut dup = registry();
    dup.suppliers.push(line(9, named("alpha hosting")));
    let report = store.import(dup, ImportMode::AllOrNothing).await.unwrap();
    assert!(!report.written);
    assert_eq!(report.problems.len(), 1);
    assert_eq!((report.problems[0].line, report.problems[0].column.as_deref()), (9, Some("name")));
    assert!(store.export().await.unwrap().is_empty());
}

async fn dry_run_checks_everything_and_writes_nothing(db: Db) {
    let store = db.store().await;
    let clean = store.import(registry(), ImportMode::DryRun).await.unwrap();
    assert!(!clean.written);
    assert!(clean.problems.is_empty(), "{:?}", clean.problems);
    assert_eq!(counts(&clean, Table::Suppliers).created, 3, "counts of what would have been written");
    let mut batch = registry();
    batch.offerings[1].row.supplier = "Nobody Inc".into();
    let report = store.import(batch, ImportMode::DryRun).await.unwrap();
    assert!(!report.written);
    assert!(report.problems.iter().any(|p| p.table == Table::Offerings && p.line == 3));
    assert!(store.export().await.unwrap().is_empty(), "a dry run wrote something");
}

async fn import_skip_bad_writes_the_rest(db: Db) {
    let store = db.store().await;
    let mut batch = registry();
    batch.offerings[1].row.supplier = "Nobody Inc".into();
    batch.suppliers.push(line(9, named("alpha hosting")));
    let report = store.import(batch, ImportMode::SkipBad).await.unwrap();
    assert!(report.written);
    let lines: Vec<(Table, u64)> = report.problems.iter().map(|p| (p.table, p.line)).collect();
    assert_eq!(
        lines,
        [(Table::Suppliers, 9), (Table::Offerings, 3), (Table::ServiceUses, 3), (Table::ServiceUses, 4)],
        "{:#?}",
        report.problems
    );
    assert_eq!(counts(&report, Table::Suppliers), TableCounts { created: 3, updated: 0, unchanged: 0 });
    assert_eq!(counts(&report, Table::Offerings).created, 2);
    assert_eq!(counts(&report, Table::ServiceUses).created, 1);
    assert_eq!(store.list_suppliers(&SupplierFilter::default(), Page::default()).await.unwrap().total, 3);
    assert!(not_found(store.find_offering("Beta Mail").await));
    assert_eq!(store.find_service("Shop").await.unwrap().data.uses.len(), 1);
}

async fn reimport_changes_nothing(db: Db) {
    let store = db.store().await;
    let first = store.import(registry(), ImportMode::AllOrNothing).await.unwrap();
    assert!(first.written && first.problems.is_empty(), "{:?}", first.problems);
    assert_eq!(first.n_changed(), 3 + 1 + 3 + 2 + 2 + 3);
    let before = (
        store.list_suppliers(&SupplierFilter::default(), Page::FIRST).await.unwrap(),
        store.list_offerings(&OfferingFilter::default(), Page::FIRST).await.unwrap(),
        store.list_services(&ServiceFilter::default(), Page::FIRST).await.unwrap(),
        store.list_subcontracts(None).await.unwrap(),
    );
    tick().await;
    let again = store.import(registry(), ImportMode::AllOrNothing).await.unwrap();
    assert!(again.written && again.problems.is_empty());
    assert_eq!(again.n_changed(), 0, "{:?}", again.counts);
    assert_eq!(counts(&again, Table::ServiceUses).unchanged, 3);
    let after = (
        store.list_suppliers(&SupplierFilter::default(), Page::FIRST).await.unwrap(),
        store.list_offerings(&OfferingFilter::default(), Page::FIRST).await.unwrap(),
        store.list_services(&ServiceFilter::default(), Page::FIRST).await.unwrap(),
        store.list_subcontracts(None).await.unwrap(),
    );
    assert_eq!(before, after, "updated_at untouched");

    // One changed use: one update, and the service's updated_at moves.
    let mut batch = registry();
    batch.uses[1].row.purpose = Some("newsletters".into());
    let report = store.import(batch, ImportMode::AllOrNothing).await.unwrap();
    assert_eq!(counts(&report, Table::ServiceUses), TableCounts { created: 0, updated: 1, unchanged: 2 });
    assert_eq!(report.n_changed(), 1);
    let shop = store.find_service("Shop").await.unwrap();
    assert!(shop.updated_at > before.2.items.iter().find(|s| s.id == shop.id).unwrap().updated_at);
}

async fn import_matches_suppliers_by_identifiers(db: Db) {
    let store = db.store().await;
    let mut acme = named("Acme");
    acme.legal_ids.vat = Some("DE999999999".into());
    let batch = |s: SupplierData| RegistryBatch { suppliers: vec![line(2, s)], ..RegistryBatch::default() };
    store.import(batch(acme.clone()), ImportMode::AllOrNothing).await.unwrap();
    let original = store.find_supplier("Acme").await.unwrap();

    acme.name = "Acme Holdings".into();
    acme.legal_ids.vat = Some("de 999 999 999".into());
    let report = store.import(batch(acme.clone()), ImportMode::AllOrNothing).await.unwrap();
    assert_eq!(counts(&report, Table::Suppliers), TableCounts { created: 0, updated: 1, unchanged: 0 });
    let renamed = store.find_supplier("acme holdings").await.unwrap();
    assert_eq!((renamed.id, renamed.created_at), (original.id, original.created_at));
    assert!(not_found(store.find_supplier("Acme").await));

    // A new LEI for the same VAT number is taken on; the LEI then matches.
    acme.legal_ids.lei = Some(LEI.into());
    acme.legal_ids.vat = None;
    clean(store.import(batch(acme.clone()), ImportMode::AllOrNothing).await);
    let by_lei = store.find_supplier(LEI).await.unwrap();
    assert_eq!(by_lei.id, original.id);

    // Identifiers that point to two different suppliers are a problem of that row.
    store.create_supplier(named("Zeta")).await.unwrap();
    let mut mixed = named("Zeta");
    mixed.legal_ids.lei = Some(LEI.into());
    let report = store.import(batch(mixed), ImportMode::SkipBad).await.unwrap();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    let p = &report.problems[0];
    assert_eq!((p.table, p.line, p.column.as_deref()), (Table::Suppliers, 2, Some("name")));
    assert!(p.reason.contains("Acme Holdings") && p.reason.contains("Zeta"), "{}", p.reason);
    assert_eq!(store.list_suppliers(&SupplierFilter::default(), Page::default()).await.unwrap().total, 2);
}

/// Asserts that an import went through without problems.
fn clean(report: Result<ImportReport, StoreError>) -> ImportReport {
    let report = report.unwrap();
    assert!(report.written && report.problems.is_empty(), "{:?}", report.problems);
    report
}

async fn export_import_round_trip(db: Db) {
    let store = db.store().await;
    clean(store.import(registry(), ImportMode::AllOrNothing).await);
    // Some records by hand too, with every field set.
    let acme = store.create_supplier(acme()).await.unwrap();
    let o = store.create_offering(offering(acme.id, "Acme Edge")).await.unwrap();
    let vm = store.find_offering("Alpha VM").await.unwrap();
    store.create_service(service("Edge", vec![uses(o.id, &[vm.id]), uses(vm.id, &[o.id])])).await.unwrap();

    let exported = store.export().await.unwrap();
    assert_eq!(exported.suppliers.len(), 4);
    assert!(exported.suppliers.iter().all(|s| s.line == 0));
    let names: Vec<&str> = exported.suppliers.iter().map(|s| s.row.name.as_str()).collect();
    assert_eq!(names, ["Acme Cloud", "Alpha Hosting", "Beta Mail", "Gamma Backup"]);
    assert_eq!(exported.uses.len(), 5);

    let fresh = db.store().await;
    let report = fresh.import(exported.clone(), ImportMode::AllOrNothing).await.unwrap();
    assert!(report.written && report.problems.is_empty(), "{:?}", report.problems);
    assert_eq!(fresh.export().await.unwrap(), exported);
    assert_eq!(fresh.find_supplier("Acme Cloud").await.unwrap().data, acme.data);

    let again = store.import(exported.clone(), ImportMode::AllOrNothing).await.unwrap();
    assert_eq!(again.n_changed(), 0, "{:?}", again.counts);
    assert_eq!(store.export().await.unwrap(), exported);
}

async fn graph_input_builds(db: Db) {
    let store = db.store().await;
    clean(store.import(registry(), ImportMode::AllOrNothing).await);
    let input = store.graph_input().await.unwrap();
    assert_eq!(input.nodes.len(), 3 + 3 + 2);
    // 3 provided-by, 1 subcontracts-to, 3 uses.
    assert_eq!(input.edges.len(), 7);
    assert_eq!(input.alternatives.len(), 1);
    let labels: Vec<&str> = input.nodes.iter().map(|n| n.label.as_str()).collect();
    assert!(labels.contains(&"Gamma Vault") && labels.contains(&"Shop") && labels.contains(&"Beta Mail"));
    let graph = ChainGraph::build(input).unwrap();
    assert_eq!((graph.n_nodes(), graph.n_edges()), (8, 7));

    let empty = db.store().await;
    let graph = ChainGraph::build(empty.graph_input().await.unwrap()).unwrap();
    assert_eq!(graph.n_nodes(), 0);
}

async fn every_change_moves_the_registry_revision(db: Db) {
    let store = db.store().await;
    let mut last = store.registry_revision().await.unwrap();
    let mut moved = |now: i64, what: &str| {
        assert!(now != last, "{what} did not move the revision");
        last = now;
    };
    clean(store.import(registry(), ImportMode::AllOrNothing).await);
    moved(store.registry_revision().await.unwrap(), "an import");
    let s = store.find_supplier("Gamma Backup").await.unwrap();
    let mut data = s.data.clone();
    data.description = Some("changed".into());
    store.update_supplier(s.id, data).await.unwrap();
    moved(store.registry_revision().await.unwrap(), "an update");
    let unchanged = store.registry_revision().await.unwrap();
    let dry = store.import(registry(), ImportMode::DryRun).await.unwrap();
    assert!(!dry.written);
    assert_eq!(store.registry_revision().await.unwrap(), unchanged, "a dry run moved the revision");
    store.delete_supplier(s.id).await.unwrap();
    moved(store.registry_revision().await.unwrap(), "a cascading delete");
}

/// Regression: the PostgreSQL trigger bumped the revision row once per statement, so a
/// large import updated one row thousands of times in one transaction and slowed down
/// quadratically (29k rows took 262 s). It now bumps once per transaction.
async fn regression_postgres_revision_moves_once_per_transaction(db: Db) {
    let store = db.store().await;
    let before = store.registry_revision().await.unwrap();
    clean(store.import(registry(), ImportMode::AllOrNothing).await);
    let after = store.registry_revision().await.unwrap();
    match store.backend() {
        Backend::Postgres => assert_eq!(after - before, 1, "one import, one transaction, one bump"),
        // SQLite has no transaction-local state for triggers; its row triggers bump per row,
        // which costs nothing like PostgreSQL's row versions.
        Backend::Sqlite => assert!(after > before),
    }
}

async fn failed_multi_row_write_leaves_nothing(db: Db) {
    let store = db.store().await;
    let s = store.create_supplier(named("S")).await.unwrap();
    let o = store.create_offering(offering(s.id, "O")).await.unwrap();
    let ghost = OfferingId(Uuid::now_v7());
    let r = store.create_service(service("Half", vec![uses(o.id, &[]), uses(ghost, &[])])).await;
    assert!(matches!(r, Err(StoreError::NotFound { entity: "offering", .. })), "{r:?}");
    assert_eq!(store.list_services(&ServiceFilter::default(), Page::default()).await.unwrap().total, 0);
    assert!(store.graph_input().await.unwrap().edges.len() == 1, "only provided-by");

    let svc = store.create_service(service("Whole", vec![uses(o.id, &[])])).await.unwrap();
    let r = store.update_service(svc.id, service("Renamed", vec![uses(ghost, &[])])).await;
    assert!(not_found(r));
    assert_eq!(store.get_service(svc.id).await.unwrap(), svc, "nothing of the update stays");

    let mut bad_owner = acme();
    bad_owner.owners[1].email = "nope".into();
    assert!(matches!(store.create_supplier(bad_owner).await, Err(StoreError::Invalid(_))));
    assert!(not_found(store.find_supplier("Acme Cloud").await));
}

async fn demo_organisation_imports(db: Db) {
    let store = db.store().await;
    let demo = chainward_core::demo::organisation();
    let report = store.import(demo.clone(), ImportMode::AllOrNothing).await.unwrap();
    assert!(report.written && report.problems.is_empty(), "{:#?}", report.problems);
    assert_eq!(counts(&report, Table::Suppliers).created as usize, demo.suppliers.len());
    assert_eq!(counts(&report, Table::ServiceUses).created as usize, demo.uses.len());
    let graph = ChainGraph::build(store.graph_input().await.unwrap()).unwrap();
    assert_eq!(graph.n_nodes(), demo.suppliers.len() + demo.offerings.len() + demo.services.len());
    assert_eq!(graph.n_edges(), demo.subcontracts.len() + demo.offerings.len() + demo.uses.len());
    let again = store.import(demo, ImportMode::AllOrNothing).await.unwrap();
    assert_eq!(again.n_changed(), 0);
    let _ = db.backend();
}

// ---- access: supplier scope -----------------------------------------------------------------

fn forbidden<T: std::fmt::Debug>(r: Result<T, StoreError>) -> bool {
    matches!(r, Err(StoreError::Forbidden(_)))
}

/// Asserts `NotFound` for `entity` with exactly the reference asked for: the answer an id
/// that never existed gets.
#[track_caller]
fn hidden<T: std::fmt::Debug>(r: Result<T, StoreError>, entity: &str, reference: &str) {
    match r {
        Err(StoreError::NotFound { entity: e, reference: got }) if e == entity && got == reference => {}
        other => panic!("expected {entity} {reference:?} not found, got {other:?}"),
    }
}

/// The store as a person of `supplier`.
fn as_supplier(store: &Arc<dyn Store>, supplier: SupplierId) -> Arc<dyn Store> {
    store.with_caller(Caller {
        actor: "user:portal".into(),
        user: None,
        role: Role::Supplier,
        scope: Scope::Supplier(supplier),
    })
}

/// Two suppliers, each with an offering and a release:
///
/// ```text
///   Acme Cloud ── Acme Edge ── 1.0        (the scoped caller's own)
///   Rival Systems ── Rival DB ── 2.0      (someone else's)
/// ```
struct TwoSuppliers {
    acme: Supplier,
    rival: Supplier,
    edge: Offering,
    rival_db: Offering,
    rival_release: Release,
}

async fn two_suppliers(store: &Arc<dyn Store>) -> TwoSuppliers {
    let acme = store.create_supplier(acme()).await.unwrap();
    let mut rival = named("Rival Systems");
    rival.legal_ids.lei = Some(LEI.into());
    let rival = store.create_supplier(rival).await.unwrap();
    let edge = store.create_offering(offering(acme.id, "Acme Edge")).await.unwrap();
    let rival_db = store.create_offering(offering(rival.id, "Rival DB")).await.unwrap();
    store.create_release(ReleaseData { offering: edge.id, version: "1.0".into(), released_on: None }).await.unwrap();
    let rival_release = store
        .create_release(ReleaseData { offering: rival_db.id, version: "2.0".into(), released_on: None })
        .await
        .unwrap();
    TwoSuppliers { acme, rival, edge, rival_db, rival_release }
}

async fn supplier_scope_hides_other_suppliers(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let portal = as_supplier(&store, t.acme.id);
    assert_eq!(portal.caller().scope, Scope::Supplier(t.acme.id));
    let rival_id = t.rival.id.to_string();
    let ghost = SupplierId(Uuid::now_v7());

    // Lists and their totals hold the own supplier only.
    let all = portal.list_suppliers(&SupplierFilter::default(), Page::default()).await.unwrap();
    assert_eq!((all.items, all.total), (vec![t.acme.clone()], 1));
    let rivals = SupplierFilter { q: Some("rival".into()), ..SupplierFilter::default() };
    assert_eq!(portal.list_suppliers(&rivals, Page::default()).await.unwrap().total, 0);

    // Another supplier answers exactly like one that does not exist.
    assert_eq!(portal.get_supplier(t.acme.id).await.unwrap(), t.acme);
    hidden(portal.get_supplier(t.rival.id).await, "supplier", &rival_id);
    hidden(portal.get_supplier(ghost).await, "supplier", &ghost.to_string());
    let rival_error = portal.get_supplier(t.rival.id).await.unwrap_err().to_string();
    let ghost_error = portal.get_supplier(ghost).await.unwrap_err().to_string();
    assert_eq!(rival_error.replace(&rival_id, "ID"), ghost_error.replace(&ghost.to_string(), "ID"));
    for reference in [rival_id.as_str(), "Rival Systems", "rival systems", LEI] {
        hidden(portal.find_supplier(reference).await, "supplier", reference);
    }
    assert_eq!(portal.find_supplier("acme cloud").await.unwrap().id, t.acme.id);
    hidden(portal.update_supplier(t.rival.id, named("Rival Systems")).await, "supplier", &rival_id);
    // Names by id: another supplier's is absent, as a made-up id's is.
    let names = portal.supplier_names(&[t.acme.id, t.rival.id, ghost, t.acme.id]).await.unwrap();
    assert_eq!(names.into_iter().collect::<Vec<_>>(), vec![(t.acme.id, "Acme Cloud".to_owned())]);
    let names = store.supplier_names(&[t.acme.id, t.rival.id, ghost]).await.unwrap();
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names.get(&t.rival.id).map(String::as_str), Some("Rival Systems"));

    // Offerings: the own ones only, whatever the filter says.
    let listed = portal.list_offerings(&OfferingFilter::default(), Page::default()).await.unwrap();
    assert_eq!((listed.items, listed.total), (vec![t.edge.clone()], 1));
    let theirs = OfferingFilter { supplier: Some(t.rival.id), ..OfferingFilter::default() };
    hidden(portal.list_offerings(&theirs, Page::default()).await, "supplier", &rival_id);
    let nobody = OfferingFilter { supplier: Some(ghost), ..OfferingFilter::default() };
    hidden(portal.list_offerings(&nobody, Page::default()).await, "supplier", &ghost.to_string());
    let own = OfferingFilter { supplier: Some(t.acme.id), ..OfferingFilter::default() };
    assert_eq!(portal.list_offerings(&own, Page::default()).await.unwrap().items, vec![t.edge.clone()]);
    let rival_db = t.rival_db.id.to_string();
    hidden(portal.get_offering(t.rival_db.id).await, "offering", &rival_db);
    hidden(portal.find_offering("Rival DB").await, "offering", "Rival DB");
    hidden(portal.find_offering(&rival_db).await, "offering", &rival_db);
    hidden(portal.update_offering(t.rival_db.id, offering(t.acme.id, "Mine Now")).await, "offering", &rival_db);
    hidden(portal.delete_offering(t.rival_db.id).await, "offering", &rival_db);
    hidden(portal.list_releases(t.rival_db.id).await, "offering", &rival_db);
    let release = ReleaseData { offering: t.rival_db.id, version: "2.0".into(), released_on: None };
    hidden(portal.create_release(release).await, "offering", &rival_db);
    hidden(portal.delete_release(t.rival_release.id).await, "release", &t.rival_release.id.to_string());

    // Referring to another supplier is referring to nobody.
    hidden(portal.create_offering(offering(t.rival.id, "Sneaky")).await, "supplier", &rival_id);
    hidden(portal.update_offering(t.edge.id, offering(t.rival.id, "Acme Edge")).await, "supplier", &rival_id);

    // The own offerings and releases are the portal's to manage.
    let own = portal.create_offering(offering(t.acme.id, "Acme Mail")).await.unwrap();
    let renamed = portal.update_offering(own.id, offering(t.acme.id, "Acme Mail 2")).await.unwrap();
    assert_eq!(renamed.data.name, "Acme Mail 2");
    let r = portal.create_release(ReleaseData { offering: own.id, version: "3".into(), released_on: None }).await;
    portal.delete_release(r.unwrap().id).await.unwrap();
    portal.delete_offering(own.id).await.unwrap();
    assert_eq!(portal.list_releases(t.edge.id).await.unwrap().len(), 1);

    // Nothing of the rival changed.
    assert_eq!(store.get_supplier(t.rival.id).await.unwrap(), t.rival);
    assert_eq!(store.get_offering(t.rival_db.id).await.unwrap(), t.rival_db);
    assert_eq!(store.list_releases(t.rival_db.id).await.unwrap(), [t.rival_release]);
}

async fn supplier_scope_forbids_what_lies_outside_a_supplier(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let svc = store.create_service(service("Shop", vec![uses(t.edge.id, &[])])).await.unwrap();
    let link = store
        .create_subcontract(SubcontractData {
            supplier: t.acme.id,
            subcontractor: t.rival.id,
            scope: "backups".into(),
            since: None,
            handles_our_data: false,
        })
        .await
        .unwrap();
    let portal = as_supplier(&store, t.acme.id);

    assert!(forbidden(portal.create_supplier(named("New")).await));
    assert!(forbidden(portal.delete_supplier(t.acme.id).await), "not even its own");
    assert!(forbidden(portal.delete_supplier(t.rival.id).await));
    assert!(forbidden(portal.list_subcontracts(None).await));
    assert!(forbidden(portal.list_subcontracts(Some(t.acme.id)).await));
    let data = SubcontractData { subcontractor: t.acme.id, supplier: t.rival.id, ..link.data.clone() };
    assert!(forbidden(portal.create_subcontract(data).await));
    assert!(forbidden(portal.delete_subcontract(link.id).await));
    assert!(forbidden(portal.list_services(&ServiceFilter::default(), Page::default()).await));
    assert!(forbidden(portal.get_service(svc.id).await));
    assert!(forbidden(portal.find_service("Shop").await));
    assert!(forbidden(portal.create_service(service("Mine", vec![])).await));
    assert!(forbidden(portal.update_service(svc.id, service("Shop", vec![])).await));
    assert!(forbidden(portal.delete_service(svc.id).await));
    assert!(forbidden(portal.import(registry(), ImportMode::DryRun).await));
    assert!(forbidden(portal.export().await));
    assert!(forbidden(portal.graph_input().await));
    assert!(forbidden(portal.create_user(new_user("eve", Role::Admin, None)).await));
    assert!(forbidden(portal.list_users().await));
    assert!(forbidden(portal.credentials("eve").await));
    assert!(forbidden(portal.count_admins().await));
    assert!(forbidden(portal.session("x", time::Duration::HOUR).await));
    assert!(forbidden(portal.token("x").await));
    assert!(forbidden(portal.list_tokens(None).await));
    assert!(forbidden(portal.record_event(AuditEvent::new::<(), ()>("x", "y", None, None, None)).await));
    assert!(forbidden(portal.list_audit(&AuditFilter::default(), Page::default()).await));
    assert!(forbidden(portal.audit_entries(0, 10).await));
    assert!(forbidden(portal.verify_audit().await));
    // Nothing happened.
    assert_eq!(store.get_service(svc.id).await.unwrap(), svc);
    assert_eq!(store.list_subcontracts(None).await.unwrap(), [link]);
}

async fn supplier_scope_changes_only_the_profile(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let portal = as_supplier(&store, t.acme.id);
    let mut proposed = named("Hacked Name");
    proposed.tier = Tier::FOUR;
    proposed.status = SupplierStatus::Exited;
    proposed.data_access = DataAccess::None;
    proposed.kind = SupplierKind::HardwareVendor;
    proposed.owners = vec![];
    proposed.description = Some("We host things".into());
    proposed.website = Some("https://acme.example/new".into());
    proposed.country = Some("fr".parse().unwrap());
    proposed.legal_ids.vat = Some("FR 12 345678901".into());
    proposed.legal_ids.other = Some("Hacked id".into());
    proposed.security_contact.email = Some("security@acme.example".into());
    let updated = portal.update_supplier(t.acme.id, proposed).await.unwrap();

    let before = &t.acme.data;
    let after = &updated.data;
    assert_eq!(
        (&after.name, after.kind, after.tier, after.status, after.data_access, &after.owners, &after.legal_ids),
        (&before.name, before.kind, before.tier, before.status, before.data_access, &before.owners, &before.legal_ids),
        "our own assessment stays, the legal identifiers included"
    );
    assert_eq!(after.description.as_deref(), Some("We host things"));
    assert_eq!(after.website.as_deref(), Some("https://acme.example/new"));
    assert_eq!(after.country.map(|c| c.as_str().to_owned()).as_deref(), Some("FR"));
    assert_eq!(after.security_contact.email.as_deref(), Some("security@acme.example"));
    assert_eq!(store.get_supplier(t.acme.id).await.unwrap(), updated);
    let last = store.list_audit(&AuditFilter::default(), Page::default()).await.unwrap().items.remove(0);
    assert_eq!((last.actor.as_str(), last.action.as_str()), ("user:portal", "update"));

    // An identifier of another supplier is not taken either, so nothing clashes and nothing
    // tells the supplier that another one is registered with it.
    let mut taken = updated.data.clone();
    taken.legal_ids.lei = Some(LEI.into());
    let unchanged = portal.update_supplier(t.acme.id, taken).await.unwrap();
    assert_eq!(unchanged, updated);
    assert_eq!(store.get_supplier(t.acme.id).await.unwrap().data.legal_ids, before.legal_ids);
}

/// [`two_suppliers`], and an offering "Portal" at each:
///
/// ```text
///   Acme Cloud ──── Acme Edge, Portal
///   Rival Systems ── Rival DB, Portal
/// ```
async fn offering_names_are_unique_per_supplier(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let ours = store.create_offering(offering(t.acme.id, "Portal")).await.unwrap();
    let theirs = store.create_offering(offering(t.rival.id, "portal")).await.unwrap();

    // The same supplier twice conflicts, whether created or renamed.
    let msg = conflict_message(store.create_offering(offering(t.acme.id, " PORTAL ")).await);
    assert_eq!(msg, "the supplier has an offering named \"Portal\" already");
    let msg = conflict_message(store.update_offering(t.edge.id, offering(t.acme.id, "portal")).await);
    assert_eq!(msg, "the supplier has an offering named \"Portal\" already");

    // A supplier-scoped caller takes names only another supplier uses without a hint of it.
    let rival_mail = store.create_offering(offering(t.rival.id, "Rival Mail")).await.unwrap();
    let portal = as_supplier(&store, t.acme.id);
    let copy = portal.create_offering(offering(t.acme.id, "Rival DB")).await.unwrap();
    let renamed = portal.update_offering(t.edge.id, offering(t.acme.id, "rival mail")).await.unwrap();
    assert_eq!(renamed.data.name, "rival mail");
    let msg = conflict_message(portal.create_offering(offering(t.acme.id, "RIVAL DB")).await);
    assert_eq!(msg, "the supplier has an offering named \"Rival DB\" already");
    assert_eq!(store.get_offering(rival_mail.id).await.unwrap(), rival_mail);
    assert_eq!(store.get_offering(t.rival_db.id).await.unwrap(), t.rival_db);

    // A bare name is ambiguous for a caller who sees several offerings of it...
    let msg = conflict_message(store.find_offering(" portal ").await);
    assert_eq!(
        msg,
        "offering name \"portal\" is ambiguous: 2 suppliers offer one; write it as \"Supplier / portal\" or use its id"
    );
    conflict_message(store.find_offering("Rival DB").await);
    // ...and unique for each supplier, who sees only its own.
    assert_eq!(portal.find_offering("Portal").await.unwrap(), ours);
    assert_eq!(portal.find_offering("rival db").await.unwrap(), copy);
    assert_eq!(as_supplier(&store, t.rival.id).find_offering("PORTAL").await.unwrap(), theirs);
    assert_eq!(as_supplier(&store, t.rival.id).find_offering("Rival DB").await.unwrap(), t.rival_db);

    // Qualified by any reference of the supplier.
    let acme_id = t.acme.id.to_string();
    for reference in [
        "Acme Cloud / Portal",
        " acme cloud / PORTAL ",
        &format!("{ACME_LEI} / Portal"),
        &format!("{acme_id} / portal"),
    ] {
        assert_eq!(store.find_offering(reference).await.unwrap(), ours, "{reference}");
        assert_eq!(portal.find_offering(reference).await.unwrap(), ours, "{reference}");
    }
    assert_eq!(store.find_offering(&format!("{LEI} / portal")).await.unwrap(), theirs);
    assert_eq!(store.find_offering(&theirs.id.to_string()).await.unwrap(), theirs);
    // Another supplier's qualified offering is, for a scoped caller, nobody's.
    hidden(portal.find_offering("Rival Systems / Portal").await, "offering", "Rival Systems / Portal");
    hidden(store.find_offering("Nobody / Portal").await, "offering", "Nobody / Portal");
    hidden(store.find_offering("Acme Cloud / Rival DB / x").await, "offering", "Acme Cloud / Rival DB / x");

    // Names may hold " / " themselves: the reference is split at each, the last first.
    let eu = store.create_offering(offering(t.acme.id, "Edge / EU")).await.unwrap();
    assert_eq!(store.find_offering("edge / eu").await.unwrap(), eu);
    assert_eq!(store.find_offering("Acme Cloud / Edge / EU").await.unwrap(), eu);
    // A reference that is one offering's name and, qualified, another's says so.
    let edge = store.create_supplier(named("Edge")).await.unwrap();
    store.create_offering(offering(edge.id, "EU")).await.unwrap();
    let msg = conflict_message(store.find_offering("Edge / EU").await);
    assert!(msg.contains("\"Edge / EU\" is ambiguous") && msg.contains("use the offering's id"), "{msg}");
}

/// Rows for two suppliers that each offer a "Portal", the Rival also "Rival DB" and, with a
/// ` / ` in its name, "Edge / EU":
///
/// ```text
///   Acme Cloud ──── Portal ── 1.0          Shop ──uses──> Rival Systems / Portal
///   Rival Systems ── Portal                     (alternative: Acme Cloud / Portal)
///                 ── Rival DB ── 2.0
///                 ── Edge / EU ── 3.0
/// ```
fn portals() -> RegistryBatch {
    let mut rival = named("Rival Systems");
    rival.legal_ids.lei = Some(LEI.into());
    let offering_row = |supplier: &str, name: &str| OfferingRow {
        supplier: supplier.into(),
        name: name.into(),
        kind: OfferingKind::Software,
        description: None,
    };
    let release = |offering: &str, version: &str| ReleaseRow {
        offering: offering.into(),
        version: version.into(),
        released_on: None,
    };
    RegistryBatch {
        suppliers: vec![line(2, acme()), line(3, rival)],
        offerings: vec![
            line(2, offering_row("Acme Cloud", "Portal")),
            line(3, offering_row(LEI, "portal")),
            line(4, offering_row("Rival Systems", "Rival DB")),
            line(5, offering_row("Rival Systems", "Edge / EU")),
        ],
        releases: vec![
            line(2, release("acme cloud / portal", "1.0")),
            line(3, release("Rival DB", "2.0")),
            line(4, release("Rival Systems / Edge / EU", "3.0")),
        ],
        services: vec![line(
            2,
            ServiceRow {
                name: "Shop".into(),
                owner: None,
                owner_email: None,
                rto_hours: None,
                criticality: Tier::ONE,
                description: None,
            },
        )],
        uses: vec![line(
            2,
            UseRow {
                service: "Shop".into(),
                offering: format!("{LEI} / Portal"),
                purpose: None,
                alternatives: vec!["Acme Cloud / PORTAL".into()],
            },
        )],
        ..RegistryBatch::default()
    }
}

async fn imports_resolve_qualified_offering_names(db: Db) {
    let store = db.store().await;
    let report = clean(store.import(portals(), ImportMode::AllOrNothing).await);
    assert_eq!(counts(&report, Table::Offerings).created, 4, "a name at another supplier is another offering");
    let ours = store.find_offering("Acme Cloud / Portal").await.unwrap();
    let theirs = store.find_offering("Rival Systems / Portal").await.unwrap();
    assert_ne!(ours.data.supplier, theirs.data.supplier);
    let versions = |o: &Offering| {
        let (store, id) = (Arc::clone(&store), o.id);
        async move { store.list_releases(id).await.unwrap().into_iter().map(|r| r.data.version).collect::<Vec<_>>() }
    };
    assert_eq!(versions(&ours).await, ["1.0"]);
    assert!(versions(&theirs).await.is_empty());
    assert_eq!(versions(&store.find_offering("Rival DB").await.unwrap()).await, ["2.0"]);
    assert_eq!(versions(&store.find_offering("Edge / EU").await.unwrap()).await, ["3.0"]);
    let shop = store.find_service("Shop").await.unwrap();
    assert_eq!(shop.data.uses, [ServiceUse { offering: theirs.id, purpose: None, alternatives: vec![ours.id] }]);

    // Again: every offering is found by its supplier and name, nothing changes.
    let again = clean(store.import(portals(), ImportMode::AllOrNothing).await);
    assert_eq!(again.n_changed(), 0, "{:?}", again.counts);

    // A bare name two suppliers offer is the fault of the column that holds it.
    let mut batch = portals();
    batch.releases.push(line(5, ReleaseRow { offering: "Portal".into(), version: "9".into(), released_on: None }));
    batch.uses.push(line(
        3,
        UseRow {
            service: "Shop".into(),
            offering: "Rival DB".into(),
            purpose: None,
            alternatives: vec!["portal".into()],
        },
    ));
    let report = store.import(batch, ImportMode::SkipBad).await.unwrap();
    let problems: Vec<(Table, u64, Option<&str>, &str)> =
        report.problems.iter().map(|p| (p.table, p.line, p.column.as_deref(), p.reason.as_str())).collect();
    let ambiguous = |name: &str| {
        format!(
            "offering name {name:?} is ambiguous: 2 suppliers offer one; write it as \"Supplier / {name}\" or use its id"
        )
    };
    assert_eq!(
        problems,
        [
            (Table::Releases, 5, Some("offering"), ambiguous("Portal").as_str()),
            (Table::ServiceUses, 3, Some("alternatives"), ambiguous("portal").as_str()),
        ]
    );
}

async fn exports_qualify_shared_offering_names(db: Db) {
    let store = db.store().await;
    clean(store.import(portals(), ImportMode::AllOrNothing).await);
    let exported = store.export().await.unwrap();
    // Offering rows name their supplier anyway; references qualify where a bare name would
    // be ambiguous, or where it holds a " / " itself.
    let offerings: Vec<(&str, &str)> =
        exported.offerings.iter().map(|o| (o.row.supplier.as_str(), o.row.name.as_str())).collect();
    assert_eq!(
        offerings,
        [
            ("Rival Systems", "Edge / EU"),
            ("Acme Cloud", "Portal"),
            ("Rival Systems", "portal"),
            ("Rival Systems", "Rival DB")
        ]
    );
    let releases: Vec<&str> = exported.releases.iter().map(|r| r.row.offering.as_str()).collect();
    assert_eq!(releases, ["Rival Systems / Edge / EU", "Acme Cloud / Portal", "Rival DB"]);
    let uses: Vec<(&str, Vec<&str>)> = exported
        .uses
        .iter()
        .map(|u| (u.row.offering.as_str(), u.row.alternatives.iter().map(String::as_str).collect()))
        .collect();
    assert_eq!(uses, [("Rival Systems / portal", vec!["Acme Cloud / Portal"])]);

    let fresh = db.store().await;
    clean(fresh.import(exported.clone(), ImportMode::AllOrNothing).await);
    assert_eq!(fresh.export().await.unwrap(), exported);
    let again = clean(store.import(exported.clone(), ImportMode::AllOrNothing).await);
    assert_eq!(again.n_changed(), 0, "{:?}", again.counts);

    // Once the name is unique again, references are bare again.
    store.delete_offering(store.find_offering("Rival Systems / Portal").await.unwrap().id).await.unwrap();
    let exported = store.export().await.unwrap();
    let releases: Vec<&str> = exported.releases.iter().map(|r| r.row.offering.as_str()).collect();
    assert_eq!(releases, ["Rival Systems / Edge / EU", "Portal", "Rival DB"]);
}

async fn everyone_looks_after_their_own_account(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let ivy = store.create_user(new_user("ivy", Role::Supplier, Some(t.acme.id))).await.unwrap();
    let victor = store.create_user(new_user("victor", Role::Analyst, None)).await.unwrap();
    let victors = store.create_token(new_token("victor's", Some(victor.id), "hv")).await.unwrap();
    let portal = store.with_caller(ivy.caller());
    assert_eq!(portal.caller().scope, Scope::Supplier(t.acme.id));
    let ghost = UserId(Uuid::now_v7());

    // The own account: read it, its credentials, its password.
    assert_eq!(portal.get_user(ivy.id).await.unwrap(), ivy);
    assert_eq!(portal.credentials("IVY").await.unwrap().unwrap().user, ivy);
    portal.set_password(ivy.id, OTHER_HASH, false, None).await.unwrap();
    assert_eq!(store.credentials("ivy").await.unwrap().unwrap().password_hash, OTHER_HASH);

    // Its own tokens, confined like the account.
    let mut mine = new_token("mine", Some(ivy.id), "hi");
    (mine.role, mine.supplier) = (Role::Supplier, Some(t.acme.id));
    let mine = portal.create_token(mine).await.unwrap();
    assert_eq!((mine.created_by.as_str(), mine.caller().scope), ("user:ivy", Scope::Supplier(t.acme.id)));
    assert_eq!(portal.list_tokens(Some(ivy.id)).await.unwrap(), vec![mine.clone()]);
    let mut wider = [new_token("wide", Some(ivy.id), "h1"), new_token("rival", Some(ivy.id), "h2")];
    (wider[1].role, wider[1].supplier) = (Role::Supplier, Some(t.rival.id));
    let mut for_victor = new_token("for victor", Some(victor.id), "h3");
    (for_victor.role, for_victor.supplier) = (Role::Supplier, Some(t.acme.id));
    let mut service_token = new_token("service", None, "h4");
    (service_token.role, service_token.supplier) = (Role::Supplier, Some(t.acme.id));
    for token in wider.into_iter().chain([for_victor, service_token]) {
        let name = token.name.clone();
        assert!(forbidden(portal.create_token(token).await), "{name}");
    }
    assert!(portal.revoke_token(mine.id).await.unwrap().revoked_at.is_some());

    // Anyone else's account and tokens are refused, whether they exist or not.
    assert!(forbidden(portal.get_user(victor.id).await));
    assert!(forbidden(portal.get_user(ghost).await));
    assert!(forbidden(portal.credentials("victor").await));
    assert!(forbidden(portal.credentials("nobody").await));
    assert!(forbidden(portal.set_password(victor.id, OTHER_HASH, false, None).await));
    assert!(forbidden(portal.set_password(ghost, OTHER_HASH, false, None).await));
    assert!(forbidden(portal.list_tokens(Some(victor.id)).await));
    assert!(forbidden(portal.list_tokens(None).await));
    assert!(forbidden(portal.revoke_token(victors.id).await));
    assert!(forbidden(portal.revoke_token(TokenId(Uuid::now_v7())).await));
    // And the rest of account management, even of the own account.
    assert!(forbidden(portal.update_user(ivy.id, UserChange { disabled: Some(true), ..UserChange::default() }).await));
    assert!(forbidden(portal.record_login_failure(ivy.id).await));
    assert!(forbidden(portal.list_users().await));
    assert!(forbidden(portal.count_admins().await));
    assert!(forbidden(portal.create_user(new_user("eve", Role::Admin, None)).await));
    // Nothing of victor's changed.
    assert_eq!(store.credentials("victor").await.unwrap().unwrap().password_hash, PASSWORD_HASH);
    assert!(store.token("hv").await.unwrap().is_some());

    // Every change is the account's own, in the log.
    let own: Vec<(String, String)> =
        audit_log(&store).await.into_iter().filter(|e| e.actor == "user:ivy").map(|e| (e.action, e.entity)).collect();
    let expected = [("set-password", "user"), ("create", "token"), ("revoke", "token")];
    assert_eq!(own, expected.map(|(a, e)| (a.to_owned(), e.to_owned())));

    // An unscoped person keeps the whole of account management (the server decides who
    // reaches it).
    let analyst = store.with_caller(victor.caller());
    assert_eq!(analyst.get_user(ivy.id).await.unwrap().id, ivy.id);
    assert_eq!(analyst.list_tokens(None).await.unwrap().len(), 2);
}

// ---- audit log ------------------------------------------------------------------------------

fn new_user(username: &str, role: Role, supplier: Option<SupplierId>) -> NewUser {
    NewUser {
        username: username.into(),
        display_name: String::new(),
        email: None,
        role,
        supplier,
        password_hash: PASSWORD_HASH.into(),
        must_change_password: false,
    }
}

const PASSWORD_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$SECRET-HASH-never-logged";
const OTHER_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$OTHER-HASH-never-logged";

fn session_for(user: UserId, id_hash: &str, last_seen_ago: time::Duration, expires_in: time::Duration) -> Session {
    let now = OffsetDateTime::now_utc();
    Session {
        id_hash: id_hash.into(),
        user,
        csrf_token: format!("csrf-of-{id_hash}"),
        created_at: now - last_seen_ago,
        last_seen_at: now - last_seen_ago,
        expires_at: now + expires_in,
    }
}

fn new_token(name: &str, user: Option<UserId>, token_hash: &str) -> NewToken {
    NewToken {
        name: name.into(),
        user,
        role: Role::Analyst,
        supplier: None,
        token_hash: token_hash.into(),
        prefix: "cw_1234".into(),
        expires_at: None,
    }
}

/// Every entry, oldest first.
async fn audit_log(store: &Arc<dyn Store>) -> Vec<AuditEntry> {
    store.audit_entries(0, 1000).await.unwrap()
}

fn json(text: &Option<String>) -> serde_json::Value {
    serde_json::from_str(text.as_deref().expect("json text")).unwrap()
}

async fn every_change_leaves_an_audit_entry(db: Db) {
    let store = db.store().await.with_caller(Caller::system("user:alice"));
    assert!(audit_log(&store).await.is_empty());

    let s = store.create_supplier(acme()).await.unwrap();
    let mut data = s.data.clone();
    data.tier = Tier::FOUR;
    store.update_supplier(s.id, data.clone()).await.unwrap();
    store.update_supplier(s.id, data).await.unwrap(); // unchanged: no entry
    let other = store.create_supplier(named("Other")).await.unwrap();
    let link = store
        .create_subcontract(SubcontractData {
            supplier: s.id,
            subcontractor: other.id,
            scope: "mail".into(),
            since: None,
            handles_our_data: true,
        })
        .await
        .unwrap();
    store.delete_subcontract(link.id).await.unwrap();
    let o = store.create_offering(offering(s.id, "Edge")).await.unwrap();
    store.update_offering(o.id, offering(s.id, "Edge 2")).await.unwrap();
    let r = store.create_release(ReleaseData { offering: o.id, version: "1".into(), released_on: None }).await.unwrap();
    store.delete_release(r.id).await.unwrap();
    let svc = store.create_service(service("Shop", vec![uses(o.id, &[])])).await.unwrap();
    store.update_service(svc.id, service("Shop", vec![])).await.unwrap();
    store.delete_service(svc.id).await.unwrap();
    store.delete_offering(o.id).await.unwrap();
    let user = store.create_user(new_user("bob", Role::Analyst, None)).await.unwrap();
    store
        .update_user(user.id, UserChange { display_name: Some("Bob B".into()), ..UserChange::default() })
        .await
        .unwrap();
    store.set_password(user.id, OTHER_HASH, true, None).await.unwrap();
    store.record_login_failure(user.id).await.unwrap();
    let session = session_for(user.id, "session-hash-never-logged", time::Duration::ZERO, time::Duration::HOUR);
    store.create_session(session.clone()).await.unwrap();
    store.delete_session(&session.id_hash).await.unwrap();
    let token = store.create_token(new_token("ci", Some(user.id), "token-hash-never-logged")).await.unwrap();
    store.revoke_token(token.id).await.unwrap();
    store
        .record_event(AuditEvent::new::<(), ()>("access-denied", "route", Some("/admin".into()), None, None))
        .await
        .unwrap();
    store.delete_supplier(s.id).await.unwrap();

    let log = audit_log(&store).await;
    let done: Vec<(&str, &str)> = log.iter().map(|e| (e.action.as_str(), e.entity.as_str())).collect();
    assert_eq!(
        done,
        [
            ("create", "supplier"),
            ("update", "supplier"),
            ("create", "supplier"),
            ("create", "subcontract"),
            ("delete", "subcontract"),
            ("create", "offering"),
            ("update", "offering"),
            ("create", "release"),
            ("delete", "release"),
            ("create", "service"),
            ("update", "service"),
            ("delete", "service"),
            ("delete", "offering"),
            ("create", "user"),
            ("update", "user"),
            ("set-password", "user"),
            ("login-failed", "user"),
            ("login", "user"),
            ("logout", "user"),
            ("create", "token"),
            ("revoke", "token"),
            ("access-denied", "route"),
            ("delete", "supplier"),
        ]
    );
    assert!(log.iter().all(|e| e.actor == "user:alice"));
    let seqs: Vec<i64> = log.iter().map(|e| e.seq).collect();
    assert_eq!(seqs, (1..=23).collect::<Vec<_>>());
    assert_eq!(log[0].prev_hash, GENESIS);
    assert!(log.windows(2).all(|w| w[1].prev_hash == w[0].hash));
    assert!(
        log.iter().all(|e| e.at.ends_with('Z') && e.at.len() == "2026-01-01T00:00:00.000000Z".len()),
        "{}",
        log[0].at
    );

    // Before and after are the records' JSON.
    let (create, update) = (&log[0], &log[1]);
    assert_eq!(create.entity_id.as_deref(), Some(s.id.to_string().as_str()));
    assert_eq!(create.before, None);
    assert_eq!(serde_json::from_value::<Supplier>(json(&create.after)).unwrap(), s);
    assert_eq!(json(&update.before)["tier"], json(&create.after)["tier"]);
    assert_eq!(json(&update.after)["tier"], serde_json::json!(4));
    assert_eq!(json(&update.after)["owners"].as_array().unwrap().len(), 2, "owners included");
    let delete = log.last().unwrap();
    assert_eq!((json(&delete.before)["name"].as_str(), &delete.after), (Some("Acme Cloud"), &None));
    assert_eq!(json(&log[6].after)["name"], "Edge 2");
    assert_eq!(json(&log[14].after)["display_name"], "Bob B");
    assert!(json(&log[20].after)["revoked_at"].is_string());
    assert_eq!(log[17].entity_id.as_deref(), Some(user.id.to_string().as_str()), "a login is of its user");

    // Secrets never reach the log.
    for e in &log {
        let text = serde_json::to_string(e).unwrap();
        for secret in ["SECRET-HASH", "OTHER-HASH", "session-hash-never-logged", "csrf-of-", "token-hash-never-logged"]
        {
            assert!(!text.contains(secret), "{secret} in {text}");
        }
    }
    let verdict = store.verify_audit().await.unwrap();
    assert!(verdict.intact(), "{verdict:?}");
    assert_eq!(verdict.entries, 23);
    assert_eq!(verdict.head_hash.as_deref(), Some(delete.hash.as_str()));
}

async fn imports_audit_each_written_row(db: Db) {
    let store = db.store().await.with_caller(Caller::system("cli:root"));
    let report = clean(store.import(registry(), ImportMode::AllOrNothing).await);
    let log = audit_log(&store).await;
    // A use is a change of its service; one more entry sums the import up.
    assert_eq!(log.len() as u64, report.n_changed() + 1);
    let count = |action: &str, entity: &str| log.iter().filter(|e| e.action == action && e.entity == entity).count();
    assert_eq!(count("create", "supplier"), 3);
    assert_eq!(count("create", "subcontract"), 1);
    assert_eq!(count("create", "offering"), 3);
    assert_eq!(count("create", "release"), 2);
    assert_eq!(count("create", "service"), 2);
    assert_eq!(count("update", "service"), 3, "one per use");
    let summary = log.last().unwrap();
    assert_eq!((summary.action.as_str(), summary.entity.as_str()), ("import", "registry"));
    assert_eq!(json(&summary.after)["counts"]["suppliers"]["created"], 3);
    let shop_uses: Vec<&AuditEntry> =
        log.iter().filter(|e| e.action == "update" && json(&e.after)["name"] == "Shop").collect();
    assert_eq!(json(&shop_uses[1].before)["uses"].as_array().unwrap().len(), 1);
    assert_eq!(json(&shop_uses[1].after)["uses"].as_array().unwrap().len(), 2);
    assert!(log.iter().all(|e| e.actor == "cli:root"));

    // Re-importing changes nothing and writes nothing to the log.
    let again = clean(store.import(registry(), ImportMode::AllOrNothing).await);
    assert_eq!(again.n_changed(), 0);
    assert_eq!(audit_log(&store).await.len(), log.len());
    assert!(store.verify_audit().await.unwrap().intact());
}

async fn failed_and_dry_run_imports_leave_no_audit_entries(db: Db) {
    let store = db.store().await;
    let mut batch = registry();
    batch.offerings[1].row.supplier = "Nobody Inc".into();
    let failed = store.import(batch.clone(), ImportMode::AllOrNothing).await.unwrap();
    assert!(!failed.written && !failed.problems.is_empty());
    assert!(audit_log(&store).await.is_empty(), "a failed all-or-nothing import left entries");
    let dry = store.import(registry(), ImportMode::DryRun).await.unwrap();
    assert!(!dry.written && dry.problems.is_empty());
    assert!(audit_log(&store).await.is_empty(), "a dry run left entries");
    let verdict = store.verify_audit().await.unwrap();
    assert!(verdict.intact() && verdict.entries == 0, "{verdict:?}");

    // Skipping bad rows: their entries go with them, the good rows keep theirs.
    let skipped = store.import(batch, ImportMode::SkipBad).await.unwrap();
    assert!(skipped.written && !skipped.problems.is_empty());
    let log = audit_log(&store).await;
    assert_eq!(log.len() as u64, skipped.n_changed() + 1);
    let offerings: Vec<String> = log
        .iter()
        .filter(|e| e.entity == "offering")
        .map(|e| json(&e.after)["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(offerings, ["Alpha VM", "Gamma Vault"], "the skipped offering left no entry");
    assert!(store.verify_audit().await.unwrap().intact());
}

/// Runs SQL on the store's database directly, as someone with database access would.
async fn tamper(backend: Backend, url: &str, sql: &str) {
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            sqlx::query(AssertSqlSafe(sql)).execute(&mut c).await.unwrap();
            c.close().await.unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            sqlx::query(AssertSqlSafe(sql)).execute(&mut c).await.unwrap();
            c.close().await.unwrap();
        }
    }
}

/// A store with five audit entries (five suppliers created) and its URL.
async fn five_entries(db: &Db) -> (Arc<dyn Store>, String) {
    let (store, url) = db.store_and_url().await;
    for name in ["A", "B", "C", "D", "E"] {
        store.create_supplier(named(name)).await.unwrap();
    }
    let verdict = store.verify_audit().await.unwrap();
    assert!(verdict.intact() && verdict.entries == 5, "{verdict:?}");
    (store, url)
}

async fn verify_audit_detects_an_edited_entry(db: Db) {
    let (store, url) = five_entries(&db).await;
    tamper(db.backend(), &url, r#"UPDATE audit_log SET after = '{"name":"Mallory"}' WHERE seq = 2"#).await;
    let verdict = store.verify_audit().await.unwrap();
    assert_eq!(verdict.first_break, Some(ChainBreak::Altered { seq: 2 }));
    assert!(!verdict.intact());

    // An actor rewritten in the last entry, too.
    let (store, url) = five_entries(&db).await;
    tamper(db.backend(), &url, "UPDATE audit_log SET actor = 'user:nobody' WHERE seq = 5").await;
    assert_eq!(store.verify_audit().await.unwrap().first_break, Some(ChainBreak::Altered { seq: 5 }));
}

async fn verify_audit_detects_a_rehashed_entry(db: Db) {
    let (store, url) = five_entries(&db).await;
    let mut entry = audit_log(&store).await.remove(1);
    entry.after = Some(r#"{"name":"Mallory"}"#.into());
    entry.hash = entry.computed_hash();
    let sql = format!("UPDATE audit_log SET after = '{}', hash = '{}' WHERE seq = 2", entry.after.unwrap(), entry.hash);
    tamper(db.backend(), &url, &sql).await;
    assert_eq!(store.verify_audit().await.unwrap().first_break, Some(ChainBreak::BrokenLink { seq: 3 }));
}

async fn verify_audit_detects_a_deleted_entry(db: Db) {
    let (store, url) = five_entries(&db).await;
    tamper(db.backend(), &url, "DELETE FROM audit_log WHERE seq = 3").await;
    let verdict = store.verify_audit().await.unwrap();
    assert_eq!(verdict.first_break, Some(ChainBreak::Removed { seq: 4, expected_seq: 3 }));
}

async fn verify_audit_detects_a_removed_tail(db: Db) {
    let (store, url) = five_entries(&db).await;
    tamper(db.backend(), &url, "DELETE FROM audit_log WHERE seq >= 4").await;
    let verdict = store.verify_audit().await.unwrap();
    assert_eq!(verdict.first_break, Some(ChainBreak::Truncated { last_seq: 3, head_seq: 5 }));

    // The whole log removed is noticed as well.
    let (store, url) = five_entries(&db).await;
    tamper(db.backend(), &url, "DELETE FROM audit_log").await;
    assert_eq!(
        store.verify_audit().await.unwrap().first_break,
        Some(ChainBreak::Truncated { last_seq: 0, head_seq: 5 })
    );
}

async fn verify_audit_reads_the_log_in_pages(db: Db) {
    let (store, url) = db.store_and_url().await;
    let n = 1_100;
    let batch = RegistryBatch {
        suppliers: (0..n).map(|i| line(i + 2, named(&format!("Supplier {i:04}")))).collect(),
        ..RegistryBatch::default()
    };
    clean(store.import(batch, ImportMode::AllOrNothing).await);
    let verdict = store.verify_audit().await.unwrap();
    assert!(verdict.intact(), "{verdict:?}");
    assert_eq!(verdict.entries, n + 1);
    assert_eq!(store.audit_entries(0, 5_000).await.unwrap().len(), 1_000, "pages are capped");
    assert_eq!(store.audit_entries(1_000, 1_000).await.unwrap().len(), 101);
    tamper(db.backend(), &url, "UPDATE audit_log SET entity_id = NULL WHERE seq = 1050").await;
    assert_eq!(store.verify_audit().await.unwrap().first_break, Some(ChainBreak::Altered { seq: 1_050 }));
}

async fn concurrent_writers_keep_one_chain(db: Db) {
    let store = db.store().await;
    let writers: Vec<_> = (0..6)
        .map(|w| {
            let store = store.with_caller(Caller::system(format!("writer:{w}")));
            tokio::spawn(async move {
                for i in 0..5 {
                    store.create_supplier(named(&format!("W{w} S{i}"))).await.unwrap();
                }
            })
        })
        .collect();
    for w in writers {
        w.await.unwrap();
    }
    let verdict = store.verify_audit().await.unwrap();
    assert!(verdict.intact(), "{verdict:?}");
    assert_eq!(verdict.entries, 30);
}

/// Reads one row of the store's database directly (two columns: a number and a text).
async fn peek(backend: Backend, url: &str, sql: &str) -> (i64, String) {
    match backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(url).await.unwrap();
            let row = sqlx::query_as(AssertSqlSafe(sql)).fetch_one(&mut c).await.unwrap();
            c.close().await.unwrap();
            row
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(url).await.unwrap();
            let row = sqlx::query_as(AssertSqlSafe(sql)).fetch_one(&mut c).await.unwrap();
            c.close().await.unwrap();
            row
        }
    }
}

/// Regression: every audit entry updated the one `audit_head` row, so on PostgreSQL a large
/// import updated it thousands of times in one transaction, each time leaving a row version
/// that the next read and update walked: quadratic (29,474 rows took 508 s). PostgreSQL now
/// moves the head once per transaction, at commit; SQLite still moves it per entry.
async fn regression_postgres_audit_head_moves_once_per_transaction(db: Db) {
    let (store, url) = db.store_and_url().await;
    // Count the head's updates, as someone with database access would.
    tamper(db.backend(), &url, "CREATE TABLE head_moves (id INTEGER PRIMARY KEY, n BIGINT NOT NULL)").await;
    tamper(db.backend(), &url, "INSERT INTO head_moves (id, n) VALUES (1, 0)").await;
    let counter = match db.backend() {
        Backend::Sqlite => {
            "CREATE TRIGGER count_head_moves AFTER UPDATE ON audit_head \
             BEGIN UPDATE head_moves SET n = n + 1 WHERE id = 1; END"
        }
        Backend::Postgres => {
            tamper(
                db.backend(),
                &url,
                "CREATE FUNCTION count_head_move() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN UPDATE head_moves SET n = n + 1 WHERE id = 1; RETURN NULL; END; $$",
            )
            .await;
            "CREATE TRIGGER count_head_moves AFTER UPDATE ON audit_head \
             FOR EACH ROW EXECUTE FUNCTION count_head_move()"
        }
    };
    tamper(db.backend(), &url, counter).await;
    let (backend, url) = (db.backend(), url.as_str());
    let moves = || async move { peek(backend, url, "SELECT n, 'moves' FROM head_moves WHERE id = 1").await.0 };
    let head = || async move { peek(backend, url, "SELECT seq, hash FROM audit_head WHERE id = 1").await };

    let n = 2_000;
    let mut batch = RegistryBatch {
        suppliers: (0..n).map(|i| line(i + 2, named(&format!("Supplier {i:04}")))).collect(),
        ..RegistryBatch::default()
    };
    // A bad row half-way: its savepoint, audit entry included, is undone.
    batch.suppliers.insert(1_000, line(9_999, named("")));
    let started = Instant::now();
    let report = store.import(batch, ImportMode::SkipBad).await.unwrap();
    let took = started.elapsed();
    assert_eq!(report.problems.len(), 1, "{:?}", report.problems);
    assert_eq!(counts(&report, Table::Suppliers).created, n);

    let tail = store.audit_entries(i64::try_from(n).unwrap() - 1, 10).await.unwrap();
    let last = tail.last().unwrap();
    assert_eq!(last.seq, i64::try_from(n).unwrap() + 1, "{n} rows and the import's summary");
    assert_eq!(head().await, (last.seq, last.hash.clone()), "the head is the last entry");
    match db.backend() {
        Backend::Postgres => assert_eq!(moves().await, 1, "one import, one transaction, one move of the head"),
        Backend::Sqlite => assert_eq!(moves().await, last.seq, "SQLite moves the head per entry"),
    }
    assert!(took < Duration::from_secs(60), "the import took {took:?}");

    // Later transactions chain after it and move the head once each.
    store.create_supplier(named("After")).await.unwrap();
    let after = store.audit_entries(last.seq, 10).await.unwrap();
    assert_eq!(after.len(), 1);
    assert_eq!(after[0].prev_hash, last.hash);
    assert_eq!(head().await, (after[0].seq, after[0].hash.clone()));
    if db.backend() == Backend::Postgres {
        assert_eq!(moves().await, 2);
    }
    let verdict = store.verify_audit().await.unwrap();
    assert!(verdict.intact(), "{verdict:?}");
    assert_eq!(verdict.entries, u64::try_from(after[0].seq).unwrap());

    // A removed tail stays evident: the next entry links to the last removed one.
    tamper(backend, url, &format!("DELETE FROM audit_log WHERE seq >= {}", after[0].seq - 1)).await;
    store.create_supplier(named("Later")).await.unwrap();
    let verdict = store.verify_audit().await.unwrap();
    assert!(!verdict.intact(), "{verdict:?}");
    assert_eq!(head().await.0, after[0].seq + 1);
}

/// A (bare) service using `offering`, and another listing it as the alternative of `other`.
async fn services_around(store: &Arc<dyn Store>, offering: OfferingId, other: OfferingId) -> (Service, Service) {
    let user = store.create_service(service("Shop", vec![uses(offering, &[])])).await.unwrap();
    let fallback = store.create_service(service("CRM", vec![uses(other, &[offering])])).await.unwrap();
    (user, fallback)
}

async fn supplier_cannot_delete_an_offering_in_use(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let portal = as_supplier(&store, t.acme.id);
    let spare = store.create_offering(offering(t.acme.id, "Acme Spare")).await.unwrap();
    let (shop, crm) = services_around(&store, t.edge.id, t.rival_db.id).await;
    let entries = audit_log(&store).await.len();

    // Used directly.
    let message = conflict_message(portal.delete_offering(t.edge.id).await);
    assert_eq!(message, "this offering is in use by the organisation; ask your contact there to retire it");
    // Only an alternative.
    store.update_service(shop.id, service("Shop", vec![])).await.unwrap();
    let message = conflict_message(portal.delete_offering(t.edge.id).await);
    assert!(!message.contains("CRM") && !message.contains("Shop"), "{message}");
    assert_eq!(store.get_service(crm.id).await.unwrap(), crm, "our service is untouched");
    assert!(portal.get_offering(t.edge.id).await.is_ok());
    assert_eq!(audit_log(&store).await.len(), entries + 1, "the refusals leave no trace");
    // Another supplier's offering stays hidden, used or not.
    hidden(portal.delete_offering(t.rival_db.id).await, "offering", &t.rival_db.id.to_string());
    // An offering no service uses is the supplier's to delete.
    portal.delete_offering(spare.id).await.unwrap();
    assert!(not_found(store.get_offering(spare.id).await));
}

async fn deleting_an_offering_in_use_audits_the_services(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let (shop, crm) = services_around(&store, t.edge.id, t.rival_db.id).await;
    let seen = audit_log(&store).await.len();
    tick().await;
    store.delete_offering(t.edge.id).await.unwrap();

    let shop_after = store.get_service(shop.id).await.unwrap();
    let crm_after = store.get_service(crm.id).await.unwrap();
    assert!(shop_after.data.uses.is_empty());
    assert_eq!(crm_after.data.uses, [uses(t.rival_db.id, &[])]);
    assert!(shop_after.updated_at > shop.updated_at && crm_after.updated_at > crm.updated_at);
    let log = audit_log(&store).await;
    let new: Vec<(&str, &str, Option<&str>)> =
        log[seen..].iter().map(|e| (e.action.as_str(), e.entity.as_str(), e.entity_id.as_deref())).collect();
    let mut services = [(shop.id, &shop, &shop_after), (crm.id, &crm, &crm_after)];
    services.sort_by_key(|(id, _, _)| id.0);
    let (first, second) = (services[0].0.to_string(), services[1].0.to_string());
    let edge = t.edge.id.to_string();
    assert_eq!(
        new,
        [
            ("delete", "offering", Some(edge.as_str())),
            ("update", "service", Some(first.as_str())),
            ("update", "service", Some(second.as_str())),
        ]
    );
    for ((_, before, after), entry) in services.iter().zip(&log[seen + 1..]) {
        assert_eq!(json(&entry.before), serde_json::to_value(before).unwrap());
        assert_eq!(json(&entry.after), serde_json::to_value(after).unwrap());
    }
    assert!(store.verify_audit().await.unwrap().intact());
}

async fn deleting_a_supplier_audits_its_accounts_and_tokens(db: Db) {
    let store = db.store().await;
    let t = two_suppliers(&store).await;
    let ivy = store.create_user(new_user("ivy", Role::Supplier, Some(t.acme.id))).await.unwrap();
    let rex = store.create_user(new_user("rex", Role::Supplier, Some(t.rival.id))).await.unwrap();
    let mut own = new_token("ivy's", Some(ivy.id), "hash-of-ivys-token");
    (own.role, own.supplier) = (Role::Supplier, Some(t.acme.id));
    let own = store.create_token(own).await.unwrap();
    let mut bare = new_token("feed", None, "hash-of-the-feed-token");
    (bare.role, bare.supplier) = (Role::Supplier, Some(t.acme.id));
    let bare = store.create_token(bare).await.unwrap();
    let mut rivals = new_token("rex's", Some(rex.id), "hash-of-rexs-token");
    (rivals.role, rivals.supplier) = (Role::Supplier, Some(t.rival.id));
    store.create_token(rivals).await.unwrap();
    let seen = audit_log(&store).await.len();

    store.delete_supplier(t.acme.id).await.unwrap();
    assert!(not_found(store.get_user(ivy.id).await));
    assert_eq!(store.list_tokens(None).await.unwrap().len(), 1, "the rival's token stays");
    let log = audit_log(&store).await;
    let new = &log[seen..];
    let mut deleted: Vec<(&str, &str)> = new.iter().map(|e| (e.entity.as_str(), e.action.as_str())).collect();
    assert_eq!(deleted.pop(), Some(("supplier", "delete")), "the supplier's own entry comes last");
    deleted.sort_unstable();
    assert_eq!(deleted, [("token", "delete"), ("token", "delete"), ("user", "delete")]);
    let entry_of = |id: String| new.iter().find(|e| e.entity_id.as_deref() == Some(id.as_str())).unwrap();
    assert_eq!(json(&entry_of(ivy.id.to_string()).before), serde_json::to_value(&ivy).unwrap());
    assert!(entry_of(ivy.id.to_string()).after.is_none());
    for token in [&own, &bare] {
        let entry = entry_of(token.id.to_string());
        assert_eq!(json(&entry.before), serde_json::to_value(token).unwrap());
        assert!(entry.after.is_none());
    }
    for entry in new {
        let text = format!("{entry:?}");
        assert!(!text.contains("hash-of") && !text.contains("SECRET-HASH"), "{text}");
    }
    assert!(store.verify_audit().await.unwrap().intact());
}

async fn list_audit_filters_newest_first(db: Db) {
    let store = db.store().await;
    let alice = store.with_caller(Caller::system("user:alice"));
    let bob = store.with_caller(Caller::system("user:bob"));
    let a = alice.create_supplier(named("A")).await.unwrap();
    bob.create_supplier(named("B")).await.unwrap();
    let mut changed = a.data.clone();
    changed.description = Some("x".into());
    bob.update_supplier(a.id, changed).await.unwrap();

    let all = store.list_audit(&AuditFilter::default(), Page::default()).await.unwrap();
    assert_eq!(all.total, 3);
    assert_eq!(all.items.iter().map(|e| e.seq).collect::<Vec<_>>(), [3, 2, 1], "newest first");
    let by_bob = AuditFilter { actor: Some("user:bob".into()), ..AuditFilter::default() };
    let page = store.list_audit(&by_bob, Page { offset: 0, limit: 1 }).await.unwrap();
    assert_eq!((page.total, page.items.len(), page.items[0].seq), (2, 1, 3));
    let of_a = AuditFilter {
        entity: Some("supplier".into()),
        entity_id: Some(a.id.to_string()),
        action: Some("update".into()),
        ..AuditFilter::default()
    };
    let page = store.list_audit(&of_a, Page::default()).await.unwrap();
    assert_eq!((page.total, page.items[0].actor.as_str()), (1, "user:bob"));
    assert_eq!(store.audit_entries(1, 10).await.unwrap().iter().map(|e| e.seq).collect::<Vec<_>>(), [2, 3]);
}

async fn account_changes_do_not_move_the_registry_revision(db: Db) {
    let store = db.store().await;
    let s = store.create_supplier(named("S")).await.unwrap();
    let before = store.registry_revision().await.unwrap();
    let user = store.create_user(new_user("carol", Role::Supplier, Some(s.id))).await.unwrap();
    store.update_user(user.id, UserChange { display_name: Some("C".into()), ..UserChange::default() }).await.unwrap();
    store.record_login_failure(user.id).await.unwrap();
    let session = session_for(user.id, "h", time::Duration::ZERO, time::Duration::HOUR);
    store.create_session(session).await.unwrap();
    store.session("h", time::Duration::HOUR).await.unwrap().unwrap();
    let mut token = new_token("t", Some(user.id), "th");
    (token.role, token.supplier) = (Role::Supplier, Some(s.id));
    store.create_token(token).await.unwrap();
    store.token("th").await.unwrap().unwrap();
    store.record_event(AuditEvent::new::<(), ()>("x", "y", None, None, None)).await.unwrap();
    assert_eq!(store.registry_revision().await.unwrap(), before);
}

// ---- accounts, sessions, tokens ----------------------------------------------------------------

async fn usernames_are_unique_regardless_of_case(db: Db) {
    let store = db.store().await;
    let alice = store.create_user(new_user(" Alice ", Role::Admin, None)).await.unwrap();
    assert_eq!((alice.username.as_str(), alice.display_name.as_str()), ("Alice", "Alice"));
    assert!(!alice.disabled && alice.failed_logins == 0 && alice.locked_until.is_none());
    let message = conflict_message(store.create_user(new_user("aLICE", Role::Analyst, None)).await);
    assert!(message.contains("Alice"), "{message}");
    let found = store.credentials("ALICE").await.unwrap().unwrap();
    assert_eq!((found.user, found.password_hash.as_str()), (alice.clone(), PASSWORD_HASH));
    assert!(store.credentials("nobody").await.unwrap().is_none());
    assert_eq!(store.get_user(alice.id).await.unwrap(), alice);
    assert!(not_found(store.get_user(UserId(Uuid::now_v7())).await));
    store.create_user(new_user("aaron", Role::Auditor, None)).await.unwrap();
    let names: Vec<String> = store.list_users().await.unwrap().into_iter().map(|u| u.username).collect();
    assert_eq!(names, ["aaron", "Alice"]);
    let mut bad = new_user("bad name!", Role::Admin, None);
    assert!(matches!(store.create_user(bad.clone()).await, Err(StoreError::Invalid(_))));
    bad.username = "plain".into();
    bad.password_hash = "plaintext".into();
    assert!(matches!(store.create_user(bad).await, Err(StoreError::Invalid(_))), "only hashes are stored");
}

async fn supplier_accounts_need_an_existing_supplier(db: Db) {
    let store = db.store().await;
    assert!(matches!(store.create_user(new_user("s", Role::Supplier, None)).await, Err(StoreError::Invalid(_))));
    let ghost = SupplierId(Uuid::now_v7());
    assert!(not_found(store.create_user(new_user("s", Role::Supplier, Some(ghost))).await));
    let s = store.create_supplier(named("S")).await.unwrap();
    assert!(matches!(store.create_user(new_user("a", Role::Analyst, Some(s.id))).await, Err(StoreError::Invalid(_))));
    let user = store.create_user(new_user("s", Role::Supplier, Some(s.id))).await.unwrap();
    assert_eq!(user.caller().scope, Scope::Supplier(s.id));
    // Leaving the supplier role leaves the supplier.
    let analyst = store.update_user(user.id, UserChange { role: Some(Role::Analyst), ..UserChange::default() }).await;
    assert_eq!(analyst.unwrap().supplier, None);
    let back = UserChange { role: Some(Role::Supplier), supplier: Some(Some(s.id)), ..UserChange::default() };
    store.update_user(user.id, back).await.unwrap();
    // A supplier's accounts go with it.
    store.delete_supplier(s.id).await.unwrap();
    assert!(not_found(store.get_user(user.id).await));
}

async fn five_failed_logins_lock_the_account(db: Db) {
    let store = db.store().await;
    let user = store.create_user(new_user("dave", Role::Analyst, None)).await.unwrap();
    for n in 1..LOCKOUT_THRESHOLD {
        let now = store.record_login_failure(user.id).await.unwrap();
        assert_eq!(now.failed_logins, n);
        assert!(!now.is_locked(OffsetDateTime::now_utc()), "locked after {n} failures");
    }
    let started = OffsetDateTime::now_utc();
    let locked = store.record_login_failure(user.id).await.unwrap();
    assert_eq!(locked.failed_logins, LOCKOUT_THRESHOLD);
    assert!(locked.is_locked(started));
    let until = locked.locked_until.unwrap();
    assert!(
        until >= started + LOCKOUT_DURATION - time::Duration::SECOND
            && until <= started + LOCKOUT_DURATION + time::Duration::SECOND * 5
    );
    assert!(!locked.is_locked(started + LOCKOUT_DURATION + time::Duration::MINUTE));
    assert_eq!(store.get_user(user.id).await.unwrap(), locked);
    let log = audit_log(&store).await;
    assert_eq!(log.iter().filter(|e| e.action == "login-failed").count(), 5);
    assert_eq!(log.iter().filter(|e| e.action == "lockout").count(), 1);
    assert_eq!(log.last().unwrap().action, "lockout");

    // A successful login clears the failures.
    store.create_session(session_for(user.id, "s", time::Duration::ZERO, time::Duration::HOUR)).await.unwrap();
    let user = store.get_user(user.id).await.unwrap();
    assert_eq!((user.failed_logins, user.locked_until), (0, None));
}

async fn set_password_clears_the_lock_and_ends_other_sessions(db: Db) {
    let store = db.store().await;
    let user = store.create_user(new_user("erin", Role::Analyst, None)).await.unwrap();
    for _ in 0..LOCKOUT_THRESHOLD {
        store.record_login_failure(user.id).await.unwrap();
    }
    for hash in ["mine", "other"] {
        store.create_session(session_for(user.id, hash, time::Duration::ZERO, time::Duration::HOUR)).await.unwrap();
    }
    for _ in 0..2 {
        store.record_login_failure(user.id).await.unwrap();
    }
    store.set_password(user.id, OTHER_HASH, true, Some("mine")).await.unwrap();
    let after = store.get_user(user.id).await.unwrap();
    assert_eq!((after.failed_logins, after.locked_until, after.must_change_password), (0, None, true));
    assert_eq!(store.credentials("erin").await.unwrap().unwrap().password_hash, OTHER_HASH);
    assert!(store.session("mine", time::Duration::HOUR).await.unwrap().is_some(), "the changing session stays");
    assert!(store.session("other", time::Duration::HOUR).await.unwrap().is_none(), "the others end");

    store.set_password(user.id, PASSWORD_HASH, false, None).await.unwrap();
    assert!(store.session("mine", time::Duration::HOUR).await.unwrap().is_none(), "all end");
    assert!(matches!(store.set_password(user.id, "plain", false, None).await, Err(StoreError::Invalid(_))));
    assert!(not_found(store.set_password(UserId(Uuid::now_v7()), PASSWORD_HASH, false, None).await));
}

async fn disabling_an_account_ends_its_sessions_and_tokens(db: Db) {
    let store = db.store().await;
    let user = store.create_user(new_user("frank", Role::Analyst, None)).await.unwrap();
    store.create_session(session_for(user.id, "s1", time::Duration::ZERO, time::Duration::HOUR)).await.unwrap();
    store.create_token(new_token("t", Some(user.id), "t1")).await.unwrap();
    assert!(store.token("t1").await.unwrap().is_some());
    let disable = UserChange { disabled: Some(true), ..UserChange::default() };
    let disabled = store.update_user(user.id, disable.clone()).await.unwrap();
    assert!(disabled.disabled && disabled.updated_at >= user.updated_at);
    assert!(store.session("s1", time::Duration::HOUR).await.unwrap().is_none());
    assert!(store.token("t1").await.unwrap().is_none(), "a disabled user's token stops working");
    // A session created meanwhile (a race with the disabling) is refused as well.
    store.create_session(session_for(user.id, "s2", time::Duration::ZERO, time::Duration::HOUR)).await.unwrap();
    assert!(store.session("s2", time::Duration::HOUR).await.unwrap().is_none());
    // Disabling twice changes nothing and logs nothing.
    let entries = audit_log(&store).await.len();
    assert_eq!(store.update_user(user.id, disable).await.unwrap(), disabled);
    assert_eq!(audit_log(&store).await.len(), entries);
    store.update_user(user.id, UserChange { disabled: Some(false), ..UserChange::default() }).await.unwrap();
    assert!(store.token("t1").await.unwrap().is_some(), "tokens are refused, not deleted");
    assert!(store.session("s1", time::Duration::HOUR).await.unwrap().is_none(), "sessions were deleted");
}

async fn count_admins_counts_enabled_admins(db: Db) {
    let store = db.store().await;
    assert_eq!(store.count_admins().await.unwrap(), 0);
    let a = store.create_user(new_user("root", Role::Admin, None)).await.unwrap();
    store.create_user(new_user("root2", Role::Admin, None)).await.unwrap();
    store.create_user(new_user("viewer", Role::Auditor, None)).await.unwrap();
    assert_eq!(store.count_admins().await.unwrap(), 2);
    store.update_user(a.id, UserChange { disabled: Some(true), ..UserChange::default() }).await.unwrap();
    assert_eq!(store.count_admins().await.unwrap(), 1);
}

async fn sessions_expire_when_idle_and_absolutely(db: Db) {
    let store = db.store().await;
    let user = store.create_user(new_user("gina", Role::Analyst, None)).await.unwrap();
    let idle = time::Duration::minutes(30);
    let minutes = time::Duration::minutes;

    let fresh = session_for(user.id, "fresh", minutes(5), time::Duration::HOUR);
    store.create_session(fresh.clone()).await.unwrap();
    let (got, who) = store.session("fresh", idle).await.unwrap().unwrap();
    assert_eq!(who, store.get_user(user.id).await.unwrap());
    assert_eq!((got.csrf_token.as_str(), got.user), ("csrf-of-fresh", user.id));
    assert!(got.last_seen_at > fresh.last_seen_at + minutes(4), "last_seen_at moves");
    let (again, _) = store.session("fresh", idle).await.unwrap().unwrap();
    assert!(again.last_seen_at >= got.last_seen_at);

    let idle_one = session_for(user.id, "idle", minutes(31), time::Duration::HOUR);
    store.create_session(idle_one).await.unwrap();
    assert!(store.session("idle", idle).await.unwrap().is_none(), "idle too long");
    assert!(store.session("idle", time::Duration::DAY).await.unwrap().is_none(), "and deleted");

    let old = session_for(user.id, "old", time::Duration::ZERO, -time::Duration::SECOND);
    store.create_session(old).await.unwrap();
    assert!(store.session("old", idle).await.unwrap().is_none(), "past its absolute expiry");
    assert!(store.session("unknown", idle).await.unwrap().is_none());

    store.delete_session("fresh").await.unwrap();
    assert!(store.session("fresh", idle).await.unwrap().is_none(), "logged out");
    store.delete_session("fresh").await.unwrap();
    let log = audit_log(&store).await;
    assert_eq!(log.iter().filter(|e| e.action == "logout").count(), 1, "one logout, however often");
    assert_eq!(log.iter().filter(|e| e.action == "login").count(), 3);
}

async fn tokens_are_refused_when_revoked_or_expired(db: Db) {
    let store = db.store().await.with_caller(Caller::system("user:admin"));
    let user = store.create_user(new_user("hank", Role::Analyst, None)).await.unwrap();
    let personal = store.create_token(new_token("laptop", Some(user.id), "h-personal")).await.unwrap();
    assert_eq!((personal.created_by.as_str(), personal.revoked_at), ("user:admin", None));
    let service = store.create_token(new_token("ci-upload", None, "h-service")).await.unwrap();
    let mut expiring = new_token("old", None, "h-expired");
    expiring.expires_at = Some(OffsetDateTime::now_utc() - time::Duration::SECOND);
    store.create_token(expiring).await.unwrap();
    let mut later = new_token("later", None, "h-later");
    later.expires_at = Some(OffsetDateTime::now_utc() + time::Duration::DAY);
    store.create_token(later).await.unwrap();

    let (got, who) = store.token("h-personal").await.unwrap().unwrap();
    assert_eq!((got.id, who.map(|u| u.id)), (personal.id, Some(user.id)));
    let (got, who) = store.token("h-service").await.unwrap().unwrap();
    assert_eq!((got.id, who), (service.id, None));
    assert!(store.token("h-expired").await.unwrap().is_none(), "expired");
    assert!(store.token("h-later").await.unwrap().is_some());
    assert!(store.token("h-unknown").await.unwrap().is_none());
    assert!(matches!(store.create_token(new_token("dup", None, "h-service")).await, Err(StoreError::Conflict(_))));

    let revoked = store.revoke_token(personal.id).await.unwrap();
    assert!(revoked.revoked_at.is_some());
    assert!(store.token("h-personal").await.unwrap().is_none(), "revoked");
    assert_eq!(store.revoke_token(personal.id).await.unwrap(), revoked, "revoking twice changes nothing");
    assert!(not_found(store.revoke_token(TokenId(Uuid::now_v7())).await));
    let mine = store.list_tokens(Some(user.id)).await.unwrap();
    assert_eq!(mine.len(), 1);
    assert_eq!(mine[0].revoked_at, revoked.revoked_at, "a revoked token stays listed");
    assert_eq!(store.list_tokens(None).await.unwrap().len(), 4);
    assert_eq!(audit_log(&store).await.iter().filter(|e| e.action == "revoke").count(), 1);
}

async fn token_last_used_at_moves_at_most_once_a_minute(db: Db) {
    let (store, url) = db.store_and_url().await;
    let token = store.create_token(new_token("ci", None, "h")).await.unwrap();
    assert_eq!(token.last_used_at, None);
    let (first, _) = store.token("h").await.unwrap().unwrap();
    let used = first.last_used_at.expect("set on first use");
    tick().await;
    let (second, _) = store.token("h").await.unwrap().unwrap();
    assert_eq!(second.last_used_at, Some(used), "not again within a minute");
    assert_eq!(store.list_tokens(None).await.unwrap()[0].last_used_at, Some(used));
    // Two minutes later (the stored time set back), it moves again.
    let earlier = used - time::Duration::minutes(2);
    let stored = match db.backend() {
        Backend::Sqlite => format!("'{}'", earlier.format(&time::format_description::well_known::Rfc3339).unwrap()),
        Backend::Postgres => {
            format!("'{}'::timestamptz", earlier.format(&time::format_description::well_known::Rfc3339).unwrap())
        }
    };
    tamper(db.backend(), &url, &format!("UPDATE api_tokens SET last_used_at = {stored}")).await;
    let (third, _) = store.token("h").await.unwrap().unwrap();
    assert!(third.last_used_at.unwrap() > used, "{third:?}");
}

async fn supplier_account_tokens_stay_within_the_supplier(db: Db) {
    let store = db.store().await;
    let s = store.create_supplier(named("S")).await.unwrap();
    let user = store.create_user(new_user("ivy", Role::Supplier, Some(s.id))).await.unwrap();
    // A token reaching the whole registry for a supplier's person is refused.
    assert!(matches!(store.create_token(new_token("wide", Some(user.id), "h1")).await, Err(StoreError::Invalid(_))));
    let mut token = new_token("narrow", Some(user.id), "h2");
    (token.role, token.supplier) = (Role::Supplier, Some(s.id));
    let created = store.create_token(token).await.unwrap();
    assert_eq!(created.caller().scope, Scope::Supplier(s.id));
    let mut ghost = new_token("ghost", None, "h3");
    (ghost.role, ghost.supplier) = (Role::Supplier, Some(SupplierId(Uuid::now_v7())));
    assert!(not_found(store.create_token(ghost).await));
    assert!(not_found(store.create_token(new_token("nobody's", Some(UserId(Uuid::now_v7())), "h4")).await));
}

fn disable() -> UserChange {
    UserChange { disabled: Some(true), ..UserChange::default() }
}

#[track_caller]
fn last_admin<T: std::fmt::Debug>(r: Result<T, StoreError>, username: &str) {
    let message = conflict_message(r);
    assert!(message.starts_with(&format!("{username:?} is the last enabled admin")), "{message}");
}

async fn the_last_enabled_admin_stays(db: Db) {
    let store = db.store().await;
    let s = store.create_supplier(named("S")).await.unwrap();
    let root = store.create_user(new_user("root", Role::Admin, None)).await.unwrap();
    let entries = audit_log(&store).await.len();
    last_admin(store.update_user(root.id, disable()).await, "root");
    last_admin(
        store.update_user(root.id, UserChange { role: Some(Role::Analyst), ..UserChange::default() }).await,
        "root",
    );
    let to_supplier = UserChange { role: Some(Role::Supplier), supplier: Some(Some(s.id)), ..UserChange::default() };
    last_admin(store.update_user(root.id, to_supplier).await, "root");
    assert_eq!(audit_log(&store).await.len(), entries, "refused changes leave no trace");
    assert_eq!(store.get_user(root.id).await.unwrap(), root);
    // Other changes to the last admin are fine.
    let renamed = UserChange { display_name: Some("Root".into()), ..UserChange::default() };
    assert_eq!(store.update_user(root.id, renamed).await.unwrap().display_name, "Root");

    // A disabled admin is no admin to fall back on.
    let spare = store.create_user(new_user("spare", Role::Admin, None)).await.unwrap();
    store.update_user(spare.id, disable()).await.unwrap();
    last_admin(store.update_user(root.id, disable()).await, "root");
    // An enabled one is.
    store.update_user(spare.id, UserChange { disabled: Some(false), ..UserChange::default() }).await.unwrap();
    store.update_user(root.id, UserChange { role: Some(Role::Auditor), ..UserChange::default() }).await.unwrap();
    last_admin(store.update_user(spare.id, disable()).await, "spare");
    assert_eq!(store.count_admins().await.unwrap(), 1);
}

/// Two admins disabling each other at the same moment: each sees the other still enabled
/// unless the check and the change are one locked step.
async fn regression_two_admins_disabling_each_other_leave_one(db: Db) {
    let store = db.store().await;
    let mut survivor = store.create_user(new_user("admin-0", Role::Admin, None)).await.unwrap();
    for round in 1..=5 {
        let newcomer = store.create_user(new_user(&format!("admin-{round}"), Role::Admin, None)).await.unwrap();
        let (a, b) = (store.clone(), store.clone());
        let (one, other) = (survivor.id, newcomer.id);
        let (first, second) = tokio::join!(
            tokio::spawn(async move { a.update_user(one, disable()).await }),
            tokio::spawn(async move { b.update_user(other, disable()).await }),
        );
        let (first, second) = (first.unwrap(), second.unwrap());
        assert!(first.is_ok() != second.is_ok(), "round {round}: {first:?} / {second:?}");
        assert_eq!(store.count_admins().await.unwrap(), 1, "round {round}");
        survivor = if first.is_ok() { newcomer } else { survivor };
    }
}

// ---- opening ------------------------------------------------------------------------------

#[tokio::test]
async fn unknown_scheme_is_refused() {
    assert!(matches!(open("mysql://x").await, Err(StoreError::UnknownScheme(_))));
}

#[tokio::test]
async fn unreachable_postgres_fails_fast() {
    let started = Instant::now();
    let r = open("postgres://nobody:secret@127.0.0.1:1/x").await;
    match r {
        Err(StoreError::Unavailable { url, reason }) => {
            assert_eq!(url, "postgres://nobody@127.0.0.1:1/x", "password removed");
            assert!(!reason.is_empty());
        }
        Err(other) => panic!("expected Unavailable, got {other:?}"),
        Ok(_) => panic!("expected Unavailable, got a store"),
    }
    assert!(started.elapsed() < Duration::from_secs(8), "{:?}", started.elapsed());
}

#[tokio::test]
async fn sqlite_memory_and_bare_paths_open() {
    let memory = open("sqlite::memory:").await.unwrap();
    assert_eq!(memory.backend(), Backend::Sqlite);
    memory.create_supplier(named("Kept")).await.unwrap();
    tokio::time::sleep(Duration::from_millis(10)).await;
    assert_eq!(memory.find_supplier("kept").await.unwrap().data.name, "Kept", "one connection, kept open");

    let dir = std::env::temp_dir().join(format!("chainward-store-test-{}", Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("bare.db");
    let bare = open(path.to_str().unwrap()).await.unwrap();
    bare.create_supplier(named("On disk")).await.unwrap();
    drop(bare);
    let reopened = open(&format!("sqlite://{}", path.display())).await.unwrap();
    assert_eq!(
        reopened.find_supplier("on disk").await.unwrap().data.name,
        "On disk",
        "migrations run again harmlessly"
    );
    drop(reopened);
    let _ = std::fs::remove_dir_all(&dir);

    let missing_dir = open("sqlite:///nonexistent-dir-for-chainward/x.db").await;
    assert!(matches!(missing_dir, Err(StoreError::Unavailable { .. })));
}

/// SQLite via sqlx binds `$N` placeholders by number, as PostgreSQL does, so one SQL text
/// serves both backends.
#[tokio::test]
async fn sqlite_binds_dollar_placeholders_by_number() {
    let mut conn = sqlx::SqliteConnection::connect("sqlite::memory:").await.unwrap();
    let row: (String, i64, String) =
        sqlx::query_as("SELECT $2, $1, $2 || 'x'").bind(7_i64).bind("a").fetch_one(&mut conn).await.unwrap();
    assert_eq!(row, ("a".to_owned(), 7, "ax".to_owned()));
}

#[test]
fn migration_folders_hold_the_same_names() {
    let names = |backend: &str| {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations").join(backend);
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        names
    };
    assert_eq!(names("sqlite"), names("postgres"));
}
