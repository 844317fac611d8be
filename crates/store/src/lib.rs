#![doc = include_str!("../README.md")]
#![deny(clippy::unwrap_used, clippy::expect_used, clippy::panic, clippy::indexing_slicing, clippy::todo)]

use std::sync::Arc;

use async_trait::async_trait;
use chainward_core::access::*;
use chainward_core::audit::{AuditEntry, AuditEvent, Verdict};
use chainward_core::batch::{ImportMode, ImportReport, RegistryBatch};
use chainward_core::graph::GraphInput;
use chainward_core::model::*;
use chainward_core::sbom::Sbom;

mod error;
pub mod monitoring;
mod postgres;
pub mod sbom;
mod shared;
mod sqlite;

pub use error::StoreError;
pub use postgres::PgStore;
pub use sqlite::SqliteStore;

/// Results of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;

/// Which database a store runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    /// Embedded SQLite.
    Sqlite,
    /// PostgreSQL server.
    Postgres,
}

/// A window into a long list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    /// Rows to skip.
    pub offset: u64,
    /// Most rows to return (the store caps it at [`Page::MAX_LIMIT`]).
    pub limit: u64,
}

impl Page {
    /// The largest page the store returns.
    pub const MAX_LIMIT: u64 = 1000;
    /// Everything, in pages of the largest size (callers loop).
    pub const FIRST: Page = Page { offset: 0, limit: Page::MAX_LIMIT };
}

impl Default for Page {
    fn default() -> Self {
        Page { offset: 0, limit: 50 }
    }
}

/// One page of a list and the total number of matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paged<T> {
    /// The rows of this page.
    pub items: Vec<T>,
    /// All rows that match the filter.
    pub total: u64,
}

/// Filters for listing suppliers; all present filters must hold.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SupplierFilter {
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Kind.
    pub kind: Option<SupplierKind>,
    /// Status.
    pub status: Option<SupplierStatus>,
    /// Tier.
    pub tier: Option<Tier>,
    /// Country.
    pub country: Option<CountryCode>,
}

/// Filters for listing offerings.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OfferingFilter {
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Only this supplier's offerings.
    pub supplier: Option<SupplierId>,
    /// Kind.
    pub kind: Option<OfferingKind>,
}

/// Filters for listing internal services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServiceFilter {
    /// Case-insensitive substring of the name.
    pub q: Option<String>,
    /// Criticality.
    pub criticality: Option<Tier>,
    /// Only services that use this offering.
    pub uses: Option<OfferingId>,
}

/// Filters for reading the audit log.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    /// Exact actor (`user:alice`).
    pub actor: Option<String>,
    /// Exact entity kind (`supplier`).
    pub entity: Option<String>,
    /// Exact entity id.
    pub entity_id: Option<String>,
    /// Exact action.
    pub action: Option<String>,
}

/// The one storage interface. *API Boundary*: the server and the CLI reach the database only
/// through it.
///
/// **Who is asking.** Every store value acts for one [`Caller`] ([`open`] gives
/// [`Caller::system`]`("system")`; [`Store::with_caller`] gives a view for another). Every
/// change is written to the audit log as that caller, in the transaction of the change.
/// A caller with [`Scope::Supplier`] sees its own supplier and that supplier's offerings
/// and releases only: anything else answers [`StoreError::NotFound`] exactly as if it did
/// not exist (lists leave it out, counts do not include it, a list filtered by another
/// supplier's id answers `NotFound` for that supplier), and operations outside a supplier's
/// reach (services, subcontracts, import, export, graph, sessions, other people's accounts
/// and tokens, the audit log) answer [`StoreError::Forbidden`]. A supplier-scoped caller may
/// change only its supplier's profile (description, website, country, contacts), not our
/// own assessment of it (kind, tier, status, data access, owners, name, legal identifiers),
/// and may not delete an offering that our services use ([`StoreError::Conflict`]).
///
/// **One's own account.** Every caller, scoped or not, looks after the account it acts for
/// (`caller.user`): [`get_user`](Store::get_user), [`credentials`](Store::credentials) of its
/// own username, [`set_password`](Store::set_password), [`list_tokens`](Store::list_tokens)
/// of itself, [`create_token`](Store::create_token) for itself (a supplier-scoped caller
/// only with the supplier role and its own supplier) and [`revoke_token`](Store::revoke_token)
/// of its own tokens. Anything else about accounts is for unscoped callers only.
#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Which backend this is.
    fn backend(&self) -> Backend;
    /// The caller this store acts for.
    fn caller(&self) -> &Caller;
    /// The same database, acting for `caller` (cheap: shares the connection pool).
    fn with_caller(&self, caller: Caller) -> Arc<dyn Store>;
    /// Checks that the database answers.
    async fn ping(&self) -> Result<()>;

    /// Creates a supplier (validated first).
    async fn create_supplier(&self, data: SupplierData) -> Result<Supplier>;
    /// Replaces a supplier's data (owners included); `updated_at` moves only if it changed.
    async fn update_supplier(&self, id: SupplierId, data: SupplierData) -> Result<Supplier>;
    /// Deletes a supplier with its offerings, releases, links and uses of its offerings, and
    /// its accounts and API tokens (each with a `delete` entry in the audit log).
    async fn delete_supplier(&self, id: SupplierId) -> Result<()>;
    /// One supplier by id.
    async fn get_supplier(&self, id: SupplierId) -> Result<Supplier>;
    /// One supplier by id, name (case-insensitive), LEI, DUNS or VAT number.
    async fn find_supplier(&self, reference: &str) -> Result<Supplier>;
    /// The names of the suppliers with these ids, in one query (for list pages that show
    /// whose each row is). Ids that do not exist or are out of the caller's reach are
    /// simply absent. At most [`Page::MAX_LIMIT`] ids are looked up.
    async fn supplier_names(&self, ids: &[SupplierId]) -> Result<std::collections::HashMap<SupplierId, String>>;
    /// Suppliers matching a filter, by name.
    async fn list_suppliers(&self, filter: &SupplierFilter, page: Page) -> Result<Paged<Supplier>>;

    /// Links a supplier to a subcontractor.
    async fn create_subcontract(&self, data: SubcontractData) -> Result<Subcontract>;
    /// Removes a subcontracting link.
    async fn delete_subcontract(&self, id: SubcontractId) -> Result<()>;
    /// Links where the supplier is either side (`NotFound` when it does not exist), or all
    /// links.
    async fn list_subcontracts(&self, supplier: Option<SupplierId>) -> Result<Vec<Subcontract>>;

    /// Creates an offering; `Conflict` when its supplier has one of that name (case-insensitive)
    /// already. Other suppliers' offerings may have the same name.
    async fn create_offering(&self, data: OfferingData) -> Result<Offering>;
    /// Replaces an offering's data; names are unique per supplier, as for `create_offering`.
    async fn update_offering(&self, id: OfferingId, data: OfferingData) -> Result<Offering>;
    /// Deletes an offering with its releases and the uses of it; each service that used it
    /// (or listed it as an alternative) gets an `update` entry in the audit log. A
    /// supplier-scoped caller cannot delete an offering that a service uses or lists as an
    /// alternative ([`StoreError::Conflict`], naming no service).
    async fn delete_offering(&self, id: OfferingId) -> Result<()>;
    /// One offering by id.
    async fn get_offering(&self, id: OfferingId) -> Result<Offering>;
    /// One offering by id, by `Supplier / Name` (the supplier by any of its references) or
    /// by a bare name. Offering names are unique per supplier only: a bare name that several
    /// offerings within the caller's reach have answers [`StoreError::Conflict`] and asks for
    /// the qualified form or the id. A supplier-scoped caller's reach is its own offerings,
    /// so it never meets an ambiguity that another supplier's offering causes.
    async fn find_offering(&self, reference: &str) -> Result<Offering>;
    /// Offerings matching a filter, by name; `NotFound` when the filter names a supplier
    /// that does not exist (or lies out of the caller's reach).
    async fn list_offerings(&self, filter: &OfferingFilter, page: Page) -> Result<Paged<Offering>>;
    /// Adds a release to an offering.
    async fn create_release(&self, data: ReleaseData) -> Result<Release>;
    /// Removes a release.
    async fn delete_release(&self, id: ReleaseId) -> Result<()>;
    /// The releases of an offering, newest release date first (undated last); `NotFound`
    /// when the offering does not exist.
    async fn list_releases(&self, offering: OfferingId) -> Result<Vec<Release>>;
    /// One release by id (within reach: its offering's supplier).
    async fn get_release(&self, id: ReleaseId) -> Result<Release>;

    /// Creates an internal service with its uses.
    async fn create_service(&self, data: ServiceData) -> Result<Service>;
    /// Replaces a service's data and uses.
    async fn update_service(&self, id: ServiceId, data: ServiceData) -> Result<Service>;
    /// Deletes a service.
    async fn delete_service(&self, id: ServiceId) -> Result<()>;
    /// One service by id.
    async fn get_service(&self, id: ServiceId) -> Result<Service>;
    /// One service by id or name.
    async fn find_service(&self, reference: &str) -> Result<Service>;
    /// Services matching a filter, by name.
    async fn list_services(&self, filter: &ServiceFilter, page: Page) -> Result<Paged<Service>>;

    /// Applies a batch in one transaction: upserts suppliers (matched by LEI, DUNS, VAT,
    /// then name), links, offerings (matched by supplier and name), releases, services and
    /// uses, resolving names (offerings as [`find_offering`](Store::find_offering) does). With
    /// [`ImportMode::AllOrNothing`] any bad row means nothing is written; with
    /// [`ImportMode::SkipBad`] the good rows are written; with [`ImportMode::DryRun`]
    /// everything is checked and rolled back. Re-applying the same batch
    /// changes nothing.
    async fn import(&self, batch: RegistryBatch, mode: ImportMode) -> Result<ImportReport>;
    /// The whole registry as a batch, names as references, sorted by name. An offering
    /// whose name another supplier's offering shares is referred to as `Supplier / Name`,
    /// so that importing the export finds each again.
    async fn export(&self) -> Result<RegistryBatch>;
    /// A number that changes whenever anything in the registry changes (database
    /// triggers bump it in the writing transaction, whoever writes). Caches of derived data
    /// compare it to know they are stale; one indexed single-row read.
    async fn registry_revision(&self) -> Result<i64>;
    /// Every node, edge and alternative, for [`chainward_core::graph::ChainGraph::build`].
    async fn graph_input(&self) -> Result<GraphInput>;

    // ---- accounts (unscoped callers; scoped ones for their own account only) ---------

    /// Creates an account; `Conflict` when the username is taken (regardless of case).
    async fn create_user(&self, user: NewUser) -> Result<User>;
    /// One account by id (a scoped caller: its own only).
    async fn get_user(&self, id: UserId) -> Result<User>;
    /// An account with its password hash, by username (regardless of case), for login. A
    /// scoped caller may ask for its own username only; any other is `Forbidden`, whether
    /// it exists or not.
    async fn credentials(&self, username: &str) -> Result<Option<Credentials>>;
    /// Every account, by username.
    async fn list_users(&self) -> Result<Vec<User>>;
    /// Changes an account; disabling it deletes its sessions. `Conflict` when the change
    /// would disable or demote the last enabled admin.
    async fn update_user(&self, id: UserId, change: UserChange) -> Result<User>;
    /// Sets a new password hash, clears failed logins and the lock, sets
    /// `must_change_password`, and deletes the account's sessions except `keep_session`
    /// (the hash of the session making the change). A scoped caller: its own only.
    async fn set_password(
        &self,
        id: UserId,
        password_hash: &str,
        must_change_password: bool,
        keep_session: Option<&str>,
    ) -> Result<()>;
    /// Records a failed login: bumps the counter and locks the account for
    /// [`LOCKOUT_DURATION`] at [`LOCKOUT_THRESHOLD`] failures; audited
    /// (`login-failed`, and `lockout` when it locks). Returns the account as it is now.
    async fn record_login_failure(&self, id: UserId) -> Result<User>;
    /// Number of enabled accounts with the admin role.
    async fn count_admins(&self) -> Result<u64>;

    // ---- sessions (unscoped callers only) --------------------------------------------

    /// Stores a new session; audited as a `login` of its user. Also clears the user's
    /// failed logins.
    async fn create_session(&self, session: Session) -> Result<()>;
    /// The session with that hash and its account, if the session exists, has not passed
    /// its absolute expiry, has been used within `idle` and its account is enabled.
    /// Updates `last_seen_at`. Expired sessions are deleted.
    async fn session(&self, id_hash: &str, idle: time::Duration) -> Result<Option<(Session, User)>>;
    /// Ends a session (logout); audited.
    async fn delete_session(&self, id_hash: &str) -> Result<()>;

    // ---- API tokens (unscoped callers; scoped ones for their own account only) -------

    /// Stores a new token (its hash only); audited. A scoped caller: a token of its own,
    /// with the supplier role and its own supplier.
    async fn create_token(&self, token: NewToken) -> Result<ApiToken>;
    /// Tokens of one user, or all tokens (a scoped caller: its own only).
    async fn list_tokens(&self, user: Option<UserId>) -> Result<Vec<ApiToken>>;
    /// Revokes a token (it stays listed, marked revoked); audited. A scoped caller: one of
    /// its own only; any other is `Forbidden`, whether it exists or not.
    async fn revoke_token(&self, id: TokenId) -> Result<ApiToken>;
    /// The usable token with that hash, with its user when it has one (a token of a
    /// disabled user is not usable). Updates `last_used_at` (at most once a minute).
    async fn token(&self, token_hash: &str) -> Result<Option<(ApiToken, Option<User>)>>;

    // ---- audit log (unscoped callers only) -------------------------------------------

    /// Appends an event that is not a change made through the store (the server's own
    /// security events), chained like every other entry.
    async fn record_event(&self, event: AuditEvent) -> Result<()>;
    /// Entries matching a filter, newest first.
    async fn list_audit(&self, filter: &AuditFilter, page: Page) -> Result<Paged<AuditEntry>>;
    /// Entries with `seq` above `after_seq`, oldest first, at most `limit` (capped at
    /// [`Page::MAX_LIMIT`]; for export and verification in constant memory).
    async fn audit_entries(&self, after_seq: i64, limit: u64) -> Result<Vec<AuditEntry>>;
    /// Recomputes the whole chain and compares its end with the recorded head.
    async fn verify_audit(&self) -> Result<Verdict>;

    // ---- transparency: SBOMs, supplier aliases, baselines (docs/sbom.md) -----------------

    /// Stores an SBOM under a release of an offering within reach (the release is created
    /// when missing), its components (merged by identity with every other SBOM's) and edges,
    /// in one transaction, audited as `ingest sbom`.
    async fn ingest_sbom(&self, ingest: sbom::SbomIngest) -> Result<sbom::IngestReport>;
    /// SBOM documents within reach, newest first.
    async fn list_sboms(&self, filter: &sbom::SbomFilter, page: Page) -> Result<Paged<sbom::SbomSummary>>;
    /// One SBOM document within reach.
    async fn get_sbom(&self, id: SbomId) -> Result<sbom::SbomSummary>;
    /// The validation problems stored with an SBOM document within reach (at most the first
    /// 1,000), as the validator reported them: a JSON array of `{code, severity, path,
    /// message}`.
    async fn sbom_problems(&self, id: SbomId) -> Result<serde_json::Value>;
    /// The original bytes of an SBOM document within reach.
    async fn sbom_content(&self, id: SbomId) -> Result<Vec<u8>>;
    /// Deletes an SBOM document within reach (audited).
    async fn delete_sbom(&self, id: SbomId) -> Result<()>;
    /// The components of an SBOM document within reach, in document order, optionally only
    /// those whose name, version, purl or supplier contain `search` (case-insensitive).
    async fn sbom_components(
        &self,
        id: SbomId,
        search: Option<&str>,
        page: Page,
    ) -> Result<Paged<sbom::StoredComponent>>;
    /// The quality report of an SBOM document within reach, as computed at ingest.
    async fn sbom_quality(&self, id: SbomId) -> Result<Option<chainward_core::sbom::quality::Quality>>;
    /// The model of an SBOM document rebuilt from the stored rows.
    async fn stored_sbom(&self, id: SbomId) -> Result<Sbom>;
    /// The latest SBOM of a release within reach, rebuilt; `None` when it has none.
    async fn release_sbom(&self, release: ReleaseId) -> Result<Option<sbom::ReleaseSbom>>;
    /// Adds an alias under which SBOMs name a registered supplier (unscoped callers only).
    async fn add_supplier_alias(&self, supplier: SupplierId, alias: &str) -> Result<sbom::SupplierAlias>;
    /// Removes an alias.
    async fn delete_supplier_alias(&self, alias: &str) -> Result<()>;
    /// Aliases, of one supplier or all.
    async fn list_supplier_aliases(&self, supplier: Option<SupplierId>) -> Result<Vec<sbom::SupplierAlias>>;
    /// Component supplier names in stored SBOMs that match no registered supplier or alias,
    /// most frequent first (unscoped callers only).
    async fn unmatched_suppliers(&self, limit: u64) -> Result<Vec<sbom::UnmatchedSupplier>>;
    /// Records the outcome of a Dependency-Track style upload under its token.
    async fn record_bom_upload(&self, token: uuid::Uuid, outcome: std::result::Result<SbomId, String>) -> Result<()>;
    /// The state of an upload token (within reach).
    async fn bom_upload(&self, token: uuid::Uuid) -> Result<sbom::BomUpload>;
    /// Sets (replaces) the configuration baseline of an offering (unscoped callers only).
    async fn set_baseline(
        &self,
        offering: OfferingId,
        name: &str,
        source: &str,
        n_rules: u64,
    ) -> Result<sbom::StoredBaseline>;
    /// The baseline of an offering within reach, if it has one.
    async fn get_baseline(&self, offering: OfferingId) -> Result<Option<sbom::StoredBaseline>>;
    /// Records a configuration check against an offering's baseline (audited).
    async fn record_config_check(&self, check: sbom::NewConfigCheck) -> Result<sbom::ConfigCheck>;
    /// The latest configuration checks of an offering within reach, newest first.
    async fn list_config_checks(&self, offering: OfferingId, limit: u64) -> Result<Vec<sbom::ConfigCheck>>;

    // ---- monitoring: advisories, KEV, findings, triage (docs/monitoring.md) -----------

    /// Stores advisories: new ids inserted, ids whose stored `modified` is older replaced
    /// (with their packages and ids), the rest skipped. One transaction. Not for suppliers.
    async fn upsert_advisories(&self, batch: Vec<monitoring::NewAdvisory>) -> Result<monitoring::AdvisoryUpsert>;
    /// The stored records (id, JSON) of advisories naming a package with one of `names`.
    async fn advisories_named(&self, names: &[String]) -> Result<Vec<(String, String)>>;
    /// Stored records (id, JSON) in id order after `after`, at most `limit` (10,000).
    async fn advisories_page(&self, after: Option<&str>, limit: u64) -> Result<Vec<(String, String)>>;
    /// One advisory by its own id, with its record.
    async fn advisory(&self, id: &str) -> Result<Option<(monitoring::AdvisorySummary, String)>>;
    /// Advisories known as `id` (their own id or an alias).
    async fn advisories_known_as(&self, id: &str) -> Result<Vec<monitoring::AdvisorySummary>>;
    /// The CVE ids in the KEV catalogue.
    async fn kev_ids(&self) -> Result<std::collections::HashSet<String>>;
    /// One KEV entry.
    async fn kev_entry(&self, cve: &str) -> Result<Option<monitoring::KevRecord>>;
    /// Stores the KEV catalogue (new and changed entries) and flags findings. Not for suppliers.
    async fn upsert_kev(&self, entries: Vec<monitoring::KevRecord>) -> Result<monitoring::KevUpsert>;
    /// Distinct components whose OSV package has not been worked out yet.
    async fn components_without_package(&self, limit: u64) -> Result<Vec<monitoring::PackageComponent>>;
    /// Records components' OSV packages (`None`: no OSV package, e.g. no purl).
    async fn set_component_packages(
        &self,
        rows: Vec<(chainward_core::model::ComponentId, Option<monitoring::PackageRef>)>,
    ) -> Result<()>;
    /// The distinct components of a release (its latest SBOM), within reach.
    async fn release_components(&self, release: ReleaseId) -> Result<Vec<monitoring::PackageComponent>>;
    /// Every release (latest SBOM) component whose OSV package name is one of `names`.
    async fn release_components_named(
        &self,
        names: &[String],
    ) -> Result<Vec<(ReleaseId, monitoring::PackageComponent)>>;
    /// Applies match runs in one transaction: new findings (with carried decisions and
    /// `new_finding` events), refreshed ones, and ones no longer produced made inactive.
    async fn apply_matches(&self, runs: Vec<monitoring::MatchRun>) -> Result<monitoring::MatchOutcome>;
    /// Findings within reach, most urgent first.
    async fn list_findings(&self, filter: &monitoring::FindingFilter, page: Page)
    -> Result<Paged<monitoring::Finding>>;
    /// One finding within reach and its triage history.
    async fn get_finding(&self, id: uuid::Uuid) -> Result<(monitoring::Finding, Vec<monitoring::TriageEntry>)>;
    /// Records a triage decision for findings within reach, audited per finding.
    async fn triage(&self, request: monitoring::TriageRequest) -> Result<monitoring::TriageOutcome>;
    /// Records a feed import's report, audited as `import feed`.
    async fn record_feed_import(&self, import: monitoring::FeedImport) -> Result<()>;
    /// What the store holds of the feeds and the latest `n_imports` imports.
    async fn feed_status(&self, n_imports: u64) -> Result<monitoring::FeedStatus>;
    /// One feed import's report, however old (`NotFound` when there is none).
    async fn feed_import(&self, id: uuid::Uuid) -> Result<monitoring::FeedImport>;
    /// Stored finding events after `after_seq`. Not for suppliers.
    async fn finding_events(&self, after_seq: i64, limit: u64) -> Result<Vec<monitoring::FindingEvent>>;
}

/// Opens the database a URL names and brings its schema up to date: `sqlite://PATH`
/// (created if missing; `sqlite::memory:` for a private in-memory database), a bare file
/// path (SQLite), `postgres://…` or `postgresql://…`. Any other scheme is an error; a
/// database that cannot be reached is [`StoreError::Unavailable`] (after at most ~5 s).
pub async fn open(url: &str) -> Result<Arc<dyn Store>> {
    let shown = without_password(url);
    let store: Arc<dyn Store> = match url.split_once("://") {
        Some(("sqlite", _)) => Arc::new(SqliteStore::open(&shown, sqlite::Location::Url(url)).await?),
        Some(("postgres" | "postgresql", _)) => Arc::new(PgStore::open(url, &shown).await?),
        Some(_) => return Err(StoreError::UnknownScheme(shown)),
        None if url.starts_with("sqlite:") => Arc::new(SqliteStore::open(url, sqlite::Location::Url(url)).await?),
        None => Arc::new(SqliteStore::open(url, sqlite::Location::Path(url)).await?),
    };
    tracing::debug!(url = %shown, backend = ?store.backend(), "store opened");
    Ok(store)
}

/// The URL with the password of its user info (and any `password=` parameter) removed.
fn without_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_owned() };
    let (authority, tail) = rest.split_at(rest.find(['/', '?']).unwrap_or(rest.len()));
    let authority = match authority.rsplit_once('@') {
        Some((user_info, host)) => {
            let user = user_info.split_once(':').map_or(user_info, |(user, _)| user);
            format!("{user}@{host}")
        }
        None => authority.to_owned(),
    };
    let tail = match tail.split_once('?') {
        Some((path, query)) => {
            let kept: Vec<&str> = query.split('&').filter(|p| !p.starts_with("password=")).collect();
            if kept.is_empty() { path.to_owned() } else { format!("{path}?{}", kept.join("&")) }
        }
        None => tail.to_owned(),
    };
    format!("{scheme}://{authority}{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_are_removed_from_urls() {
        assert_eq!(without_password("postgres://u:secret@h:5432/db"), "postgres://u@h:5432/db");
        assert_eq!(
            without_password("postgres://u@h/db?password=x&sslmode=require"),
            "postgres://u@h/db?sslmode=require"
        );
        assert_eq!(without_password("sqlite://data/cw.db"), "sqlite://data/cw.db");
        assert_eq!(without_password("cw.db"), "cw.db");
    }
}
