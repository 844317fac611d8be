//! Storage stories: each story is written once and runs on SQLite (a file in a fresh
//! temporary directory) always, and on PostgreSQL (a fresh database per store, dropped at
//! the end) when `CHAINWARD_TEST_POSTGRES` holds an admin URL such as
//! `postgres://postgres@127.0.0.1:5432/postgres`.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, missing_docs)]

use std::future::Future;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chainward_core::batch::{
    ImportMode, ImportReport, Line, OfferingRow, RegistryBatch, ReleaseRow, ServiceRow, SubcontractRow, Table,
    TableCounts, UseRow,
};
use chainward_core::graph::ChainGraph;
use chainward_core::model::*;
use chainward_store::{Backend, OfferingFilter, Page, ServiceFilter, Store, StoreError, SupplierFilter, open};
use sqlx::{AssertSqlSafe, Connection};
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
        store
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
);

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

    store.create_offering(offering(acme.id, "Widget")).await.unwrap();
    let msg = conflict_message(store.create_offering(offering(other.id, "WIDGET")).await);
    assert!(msg.contains("\"Widget\""), "{msg}");

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
