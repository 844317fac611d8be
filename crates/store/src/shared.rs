//! What the two backends share: row shapes and their conversion to the domain, validation
//! before writes, filter SQL, error mapping, and [`store_impl!`], the macro that writes the
//! whole [`Store`](crate::Store) implementation once for each backend.
//!
//! The SQL is portable between SQLite and PostgreSQL (`$N` placeholders, `ON CONFLICT …
//! DO UPDATE`, `NULLS LAST`), and the Rust types bound and decoded (`Uuid`, `OffsetDateTime`,
//! `Date`, `bool`, `i16`, `i64`, `String`) have codecs on both, so one body serves both:
//! the macro only substitutes the database and connection types and the `BEGIN` statements.

use std::collections::HashMap;
use std::str::FromStr;

use chainward_core::access::{ApiToken, Caller, Session, User};
use chainward_core::audit::{AuditEntry, AuditEvent};
use chainward_core::batch::{RowProblem, Table, TableCounts, fold};
use chainward_core::model::*;
use time::{Date, OffsetDateTime};
use uuid::Uuid;

use crate::StoreError;

/// The current time, truncated to microseconds so that PostgreSQL round-trips it exactly.
pub(crate) fn now() -> OffsetDateTime {
    to_micros(OffsetDateTime::now_utc())
}

/// A fresh record id.
pub(crate) fn new_id() -> Uuid {
    Uuid::now_v7()
}

/// A time truncated to microseconds, which both databases keep exactly.
pub(crate) fn to_micros(t: OffsetDateTime) -> OffsetDateTime {
    t.replace_microsecond(t.microsecond()).unwrap_or(t)
}

/// A trimmed display name (the username when empty) of at most 200 characters.
pub(crate) fn check_display_name(name: &str, username: &str) -> Result<String, InvalidValue> {
    let name = name.trim();
    if name.chars().count() > 200 {
        return Err(InvalidValue::new("display_name", "longer than 200 characters"));
    }
    Ok(if name.is_empty() { username.to_owned() } else { name.to_owned() })
}

/// A time as the audit log writes it: RFC 3339 in UTC with exactly six fraction digits, so
/// the text (which is hashed) has one spelling and sorts like the time.
pub(crate) fn audit_time(t: OffsetDateTime) -> String {
    let format =
        time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second].[subsecond digits:6]Z");
    let utc = t.to_offset(time::UtcOffset::UTC);
    utc.format(&format).unwrap_or_else(|_| utc.to_string())
}

// ---- who is asking ------------------------------------------------------------------------

/// Refuses a supplier-scoped caller: `what` is outside a supplier's reach.
pub(crate) fn unscoped(caller: &Caller, what: &str) -> Result<(), StoreError> {
    match caller.supplier_scope() {
        None => Ok(()),
        Some(_) => Err(StoreError::Forbidden(format!("a supplier account cannot {what}"))),
    }
}

/// Whether `user` is the caller's own account.
pub(crate) fn is_own(caller: &Caller, user: Option<UserId>) -> bool {
    user.is_some() && user == caller.user
}

/// Refuses a supplier-scoped caller unless `user` is its own account: everyone looks after
/// their own account (reads it, sets its password, manages its tokens), whatever their scope.
pub(crate) fn own_account(caller: &Caller, user: Option<UserId>, what: &str) -> Result<(), StoreError> {
    if is_own(caller, user) { Ok(()) } else { unscoped(caller, what) }
}

/// The only supplier a caller may reach, or `None` for the whole registry. Every reading
/// helper of the store takes it and puts it into its `WHERE` clause.
pub(crate) fn reach_of(caller: &Caller) -> Option<Uuid> {
    caller.supplier_scope().map(|s| s.0)
}

/// What a supplier-scoped caller may change of its own supplier: the profile (description,
/// website, country, contacts) from `proposed`, everything that is our own assessment (name,
/// kind, tier, status, data access, owners, legal identifiers) from `existing`. The legal
/// identifiers are ours to check: were they the supplier's, a clash would tell it that
/// another supplier is registered with the identifier it tried.
pub(crate) fn profile_only(existing: &SupplierData, proposed: SupplierData) -> SupplierData {
    SupplierData {
        name: existing.name.clone(),
        kind: existing.kind,
        tier: existing.tier,
        status: existing.status,
        data_access: existing.data_access,
        owners: existing.owners.clone(),
        legal_ids: existing.legal_ids.clone(),
        country: proposed.country,
        description: proposed.description,
        website: proposed.website,
        security_contact: proposed.security_contact,
        incident_contact: proposed.incident_contact,
        account_contact: proposed.account_contact,
    }
}

/// A conflict as a supplier-scoped caller may see it: which identifier is taken, not by whom.
pub(crate) fn conflict_without_names(fail: Fail) -> Fail {
    match fail.error {
        StoreError::Conflict(_) => {
            let column = fail.column.unwrap_or("identifier");
            Fail {
                column: fail.column,
                error: StoreError::Conflict(format!("the {column} belongs to another supplier")),
            }
        }
        _ => fail,
    }
}

/// The audit event of a change to a record: `before` and `after` as the record's JSON.
pub(crate) fn change<T: serde::Serialize>(
    action: &str,
    entity: &str,
    id: impl std::fmt::Display,
    before: Option<&T>,
    after: Option<&T>,
) -> AuditEvent {
    AuditEvent::new(action, entity, Some(id.to_string()), before, after)
}

/// The audit event of something done to an account that is not a change of its record.
pub(crate) fn account_event(action: &str, user: UserId, after: Option<&User>) -> AuditEvent {
    AuditEvent::new::<User, User>(action, "user", Some(user.to_string()), None, after)
}

impl From<sqlx::Error> for StoreError {
    fn from(e: sqlx::Error) -> Self {
        match &e {
            sqlx::Error::Database(d) if d.is_unique_violation() => {
                StoreError::Conflict(format!("a record with the same key exists already ({})", d.message()))
            }
            _ => StoreError::Database(e.to_string()),
        }
    }
}

/// A failed write, with the column at fault when one is (for import row problems).
#[derive(Debug)]
pub(crate) struct Fail {
    /// The column at fault.
    pub(crate) column: Option<&'static str>,
    /// The error.
    pub(crate) error: StoreError,
}

impl Fail {
    /// A unique key of `column` is taken.
    pub(crate) fn conflict(column: &'static str, message: String) -> Self {
        Fail { column: Some(column), error: StoreError::Conflict(message) }
    }

    /// `column` names an `entity` that does not exist.
    pub(crate) fn not_found(column: &'static str, entity: &'static str, reference: impl ToString) -> Self {
        Fail { column: Some(column), error: StoreError::NotFound { entity, reference: reference.to_string() } }
    }

    /// The problem of a batch row, or the error that must abort the whole import.
    pub(crate) fn into_problem(self, table: Table, line: u64) -> Result<RowProblem, StoreError> {
        let reason = match self.error {
            StoreError::Invalid(v) => format!("{}: {}", v.field, v.reason),
            StoreError::NotFound { entity, reference } => format!("unknown {entity} {reference:?}"),
            StoreError::Conflict(message) => message,
            other => return Err(other),
        };
        Ok(RowProblem { table, line, column: self.column.map(str::to_owned), reason })
    }
}

impl From<StoreError> for Fail {
    fn from(error: StoreError) -> Self {
        let column = match &error {
            StoreError::Invalid(v) => Some(v.field),
            _ => None,
        };
        Fail { column, error }
    }
}

impl From<InvalidValue> for Fail {
    fn from(v: InvalidValue) -> Self {
        Fail { column: Some(v.field), error: StoreError::Invalid(v) }
    }
}

impl From<sqlx::Error> for Fail {
    fn from(e: sqlx::Error) -> Self {
        StoreError::from(e).into()
    }
}

impl From<Fail> for StoreError {
    fn from(f: Fail) -> Self {
        f.error
    }
}

/// What an upsert did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// A new record.
    Created,
    /// An existing record changed.
    Updated,
    /// An existing record was equal already.
    Unchanged,
}

impl Outcome {
    /// Adds the outcome to a table's counts.
    pub(crate) fn count(self, counts: &mut TableCounts) {
        match self {
            Outcome::Created => counts.created += 1,
            Outcome::Updated => counts.updated += 1,
            Outcome::Unchanged => counts.unchanged += 1,
        }
    }
}

/// Decodes an enumeration stored with its `as_str()` spelling.
fn stored<T: FromStr<Err = InvalidValue>>(value: &str) -> Result<T, StoreError> {
    value.parse().map_err(|e: InvalidValue| StoreError::Database(format!("stored {e}")))
}

fn stored_tier(n: i16) -> Result<Tier, StoreError> {
    u8::try_from(n)
        .map_err(|_| InvalidValue::new("tier", format!("{n} is not a tier")))
        .and_then(Tier::new)
        .map_err(|e| StoreError::Database(format!("stored {e}")))
}

/// The columns of [`SupplierRec`], in order.
macro_rules! supplier_cols {
    () => {
        "id, name, lei, duns, vat, other_id, kind, country, tier, status, data_access, description, website, \
         security_contact_name, security_contact_email, security_contact_phone, \
         incident_contact_name, incident_contact_email, incident_contact_phone, \
         account_contact_name, account_contact_email, account_contact_phone, created_at, updated_at"
    };
}
pub(crate) use supplier_cols;

/// The columns of [`SubcontractRec`], in order.
macro_rules! subcontract_cols {
    () => {
        "id, supplier_id, subcontractor_id, scope, since, handles_our_data, created_at, updated_at"
    };
}
pub(crate) use subcontract_cols;

/// The columns of [`OfferingRec`], in order.
macro_rules! offering_cols {
    () => {
        "id, supplier_id, name, kind, description, created_at, updated_at"
    };
}
pub(crate) use offering_cols;

/// The columns of [`ReleaseRec`], in order.
macro_rules! release_cols {
    () => {
        "id, offering_id, version, released_on, created_at, updated_at"
    };
}
pub(crate) use release_cols;

/// The columns of [`ServiceRec`], in order.
macro_rules! service_cols {
    () => {
        "id, name, owner, owner_email, rto_hours, criticality, description, created_at, updated_at"
    };
}
pub(crate) use service_cols;

/// A row of `suppliers`.
#[derive(sqlx::FromRow)]
pub(crate) struct SupplierRec {
    id: Uuid,
    name: String,
    lei: Option<String>,
    duns: Option<String>,
    vat: Option<String>,
    other_id: Option<String>,
    kind: String,
    country: Option<String>,
    tier: i16,
    status: String,
    data_access: String,
    description: Option<String>,
    website: Option<String>,
    security_contact_name: Option<String>,
    security_contact_email: Option<String>,
    security_contact_phone: Option<String>,
    incident_contact_name: Option<String>,
    incident_contact_email: Option<String>,
    incident_contact_phone: Option<String>,
    account_contact_name: Option<String>,
    account_contact_email: Option<String>,
    account_contact_phone: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

/// A row of `supplier_owners`.
#[derive(sqlx::FromRow)]
pub(crate) struct OwnerRec {
    supplier_id: Uuid,
    area: String,
    role: String,
    person: String,
    email: String,
}

/// Suppliers with their owners (owners in position order, any supplier order).
pub(crate) fn assemble_suppliers(rows: Vec<SupplierRec>, owners: Vec<OwnerRec>) -> Result<Vec<Supplier>, StoreError> {
    let mut by_supplier: HashMap<Uuid, Vec<Ownership>> = HashMap::new();
    for o in owners {
        let ownership = Ownership { area: stored(&o.area)?, role: stored(&o.role)?, person: o.person, email: o.email };
        by_supplier.entry(o.supplier_id).or_default().push(ownership);
    }
    rows.into_iter()
        .map(|r| {
            let owners = by_supplier.remove(&r.id).unwrap_or_default();
            r.into_supplier(owners)
        })
        .collect()
}

impl SupplierRec {
    /// The supplier's id.
    pub(crate) fn id(&self) -> Uuid {
        self.id
    }

    fn into_supplier(self, owners: Vec<Ownership>) -> Result<Supplier, StoreError> {
        let contact = |name, email, phone| Contact { name, email, phone };
        Ok(Record {
            id: SupplierId(self.id),
            data: SupplierData {
                name: self.name,
                legal_ids: LegalIds { lei: self.lei, duns: self.duns, vat: self.vat, other: self.other_id },
                kind: stored(&self.kind)?,
                country: self.country.as_deref().map(stored).transpose()?,
                tier: stored_tier(self.tier)?,
                status: stored(&self.status)?,
                data_access: stored(&self.data_access)?,
                description: self.description,
                website: self.website,
                security_contact: contact(
                    self.security_contact_name,
                    self.security_contact_email,
                    self.security_contact_phone,
                ),
                incident_contact: contact(
                    self.incident_contact_name,
                    self.incident_contact_email,
                    self.incident_contact_phone,
                ),
                account_contact: contact(
                    self.account_contact_name,
                    self.account_contact_email,
                    self.account_contact_phone,
                ),
                owners,
            },
            created_at: self.created_at,
            updated_at: self.updated_at,
        })
    }
}

/// A row of `subcontracts`.
#[derive(sqlx::FromRow)]
pub(crate) struct SubcontractRec {
    id: Uuid,
    supplier_id: Uuid,
    subcontractor_id: Uuid,
    scope: String,
    since: Option<Date>,
    handles_our_data: bool,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl From<SubcontractRec> for Subcontract {
    fn from(r: SubcontractRec) -> Self {
        Record {
            id: SubcontractId(r.id),
            data: SubcontractData {
                supplier: SupplierId(r.supplier_id),
                subcontractor: SupplierId(r.subcontractor_id),
                scope: r.scope,
                since: r.since,
                handles_our_data: r.handles_our_data,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A row of `offerings`.
#[derive(sqlx::FromRow)]
pub(crate) struct OfferingRec {
    id: Uuid,
    supplier_id: Uuid,
    name: String,
    kind: String,
    description: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<OfferingRec> for Offering {
    type Error = StoreError;
    fn try_from(r: OfferingRec) -> Result<Self, StoreError> {
        Ok(Record {
            id: OfferingId(r.id),
            data: OfferingData {
                supplier: SupplierId(r.supplier_id),
                name: r.name,
                kind: stored(&r.kind)?,
                description: r.description,
            },
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A row of `releases`.
#[derive(sqlx::FromRow)]
pub(crate) struct ReleaseRec {
    id: Uuid,
    offering_id: Uuid,
    version: String,
    released_on: Option<Date>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl From<ReleaseRec> for Release {
    fn from(r: ReleaseRec) -> Self {
        Record {
            id: ReleaseId(r.id),
            data: ReleaseData { offering: OfferingId(r.offering_id), version: r.version, released_on: r.released_on },
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// A row of `services`.
#[derive(sqlx::FromRow)]
pub(crate) struct ServiceRec {
    id: Uuid,
    name: String,
    owner: Option<String>,
    owner_email: Option<String>,
    rto_hours: Option<i64>,
    criticality: i16,
    description: Option<String>,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl ServiceRec {
    /// The service's id.
    pub(crate) fn id(&self) -> Uuid {
        self.id
    }
}

/// A row of `service_uses`.
#[derive(sqlx::FromRow)]
pub(crate) struct UseRec {
    pub(crate) service_id: Uuid,
    pub(crate) offering_id: Uuid,
    pub(crate) purpose: Option<String>,
}

/// A row of `use_alternatives`.
#[derive(sqlx::FromRow)]
pub(crate) struct AltRec {
    pub(crate) service_id: Uuid,
    pub(crate) offering_id: Uuid,
    pub(crate) alternative_id: Uuid,
}

/// Groups uses (in position order) and alternatives (in position order) by service.
pub(crate) fn group_uses(uses: Vec<UseRec>, alts: Vec<AltRec>) -> HashMap<Uuid, Vec<ServiceUse>> {
    let mut alternatives: HashMap<(Uuid, Uuid), Vec<OfferingId>> = HashMap::new();
    for a in alts {
        alternatives.entry((a.service_id, a.offering_id)).or_default().push(OfferingId(a.alternative_id));
    }
    let mut by_service: HashMap<Uuid, Vec<ServiceUse>> = HashMap::new();
    for u in uses {
        let alternatives = alternatives.remove(&(u.service_id, u.offering_id)).unwrap_or_default();
        by_service.entry(u.service_id).or_default().push(ServiceUse {
            offering: OfferingId(u.offering_id),
            purpose: u.purpose,
            alternatives,
        });
    }
    by_service
}

/// Services with their uses.
pub(crate) fn assemble_services(
    rows: Vec<ServiceRec>,
    uses: Vec<UseRec>,
    alts: Vec<AltRec>,
) -> Result<Vec<Service>, StoreError> {
    let mut uses = group_uses(uses, alts);
    rows.into_iter()
        .map(|r| {
            Ok(Record {
                id: ServiceId(r.id),
                data: ServiceData {
                    name: r.name,
                    owner: r.owner,
                    owner_email: r.owner_email,
                    rto_hours: r
                        .rto_hours
                        .map(u32::try_from)
                        .transpose()
                        .map_err(|e| StoreError::Database(format!("stored rto_hours: {e}")))?,
                    criticality: stored_tier(r.criticality)?,
                    description: r.description,
                    uses: uses.remove(&r.id).unwrap_or_default(),
                },
                created_at: r.created_at,
                updated_at: r.updated_at,
            })
        })
        .collect()
}

/// The columns of [`UserRec`], in order.
macro_rules! user_cols {
    () => {
        "id, username, display_name, email, role, supplier_id, disabled, failed_logins, locked_until, \
         must_change_password, created_at, updated_at"
    };
}
pub(crate) use user_cols;

/// The columns of [`SessionRec`], in order.
macro_rules! session_cols {
    () => {
        "id_hash, user_id, csrf_token, created_at, last_seen_at, expires_at"
    };
}
pub(crate) use session_cols;

/// The columns of [`TokenRec`], in order.
macro_rules! token_cols {
    () => {
        "id, name, user_id, role, supplier_id, prefix, created_by, created_at, expires_at, revoked_at, last_used_at"
    };
}
pub(crate) use token_cols;

/// The columns of [`AuditRec`], in order.
macro_rules! audit_cols {
    () => {
        "seq, at, actor, action, entity, entity_id, before, after, prev_hash, hash"
    };
}
pub(crate) use audit_cols;

/// A row of `users` (without the password hash).
#[derive(sqlx::FromRow)]
pub(crate) struct UserRec {
    id: Uuid,
    username: String,
    display_name: String,
    email: Option<String>,
    role: String,
    supplier_id: Option<Uuid>,
    disabled: bool,
    failed_logins: i32,
    locked_until: Option<OffsetDateTime>,
    must_change_password: bool,
    created_at: OffsetDateTime,
    updated_at: OffsetDateTime,
}

impl TryFrom<UserRec> for User {
    type Error = StoreError;
    fn try_from(r: UserRec) -> Result<Self, StoreError> {
        Ok(User {
            id: UserId(r.id),
            username: r.username,
            display_name: r.display_name,
            email: r.email,
            role: stored(&r.role)?,
            supplier: r.supplier_id.map(SupplierId),
            disabled: r.disabled,
            failed_logins: u32::try_from(r.failed_logins).unwrap_or(0),
            locked_until: r.locked_until,
            must_change_password: r.must_change_password,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
    }
}

/// A row of `users` with the password hash.
#[derive(sqlx::FromRow)]
pub(crate) struct CredentialsRec {
    #[sqlx(flatten)]
    pub(crate) user: UserRec,
    pub(crate) password_hash: String,
}

/// A row of `sessions`.
#[derive(sqlx::FromRow)]
pub(crate) struct SessionRec {
    id_hash: String,
    user_id: Uuid,
    csrf_token: String,
    created_at: OffsetDateTime,
    last_seen_at: OffsetDateTime,
    expires_at: OffsetDateTime,
}

impl From<SessionRec> for Session {
    fn from(r: SessionRec) -> Self {
        Session {
            id_hash: r.id_hash,
            user: UserId(r.user_id),
            csrf_token: r.csrf_token,
            created_at: r.created_at,
            last_seen_at: r.last_seen_at,
            expires_at: r.expires_at,
        }
    }
}

/// A row of `api_tokens` (without the hash).
#[derive(sqlx::FromRow)]
pub(crate) struct TokenRec {
    id: Uuid,
    name: String,
    user_id: Option<Uuid>,
    role: String,
    supplier_id: Option<Uuid>,
    prefix: String,
    created_by: String,
    created_at: OffsetDateTime,
    expires_at: Option<OffsetDateTime>,
    revoked_at: Option<OffsetDateTime>,
    last_used_at: Option<OffsetDateTime>,
}

impl TryFrom<TokenRec> for ApiToken {
    type Error = StoreError;
    fn try_from(r: TokenRec) -> Result<Self, StoreError> {
        Ok(ApiToken {
            id: TokenId(r.id),
            name: r.name,
            user: r.user_id.map(UserId),
            role: stored(&r.role)?,
            supplier: r.supplier_id.map(SupplierId),
            prefix: r.prefix,
            created_by: r.created_by,
            created_at: r.created_at,
            expires_at: r.expires_at,
            revoked_at: r.revoked_at,
            last_used_at: r.last_used_at,
        })
    }
}

/// A row of `audit_log`.
#[derive(sqlx::FromRow)]
pub(crate) struct AuditRec {
    seq: i64,
    at: String,
    actor: String,
    action: String,
    entity: String,
    entity_id: Option<String>,
    before: Option<String>,
    after: Option<String>,
    prev_hash: String,
    hash: String,
}

impl From<AuditRec> for AuditEntry {
    fn from(r: AuditRec) -> Self {
        AuditEntry {
            seq: r.seq,
            at: r.at,
            actor: r.actor,
            action: r.action,
            entity: r.entity,
            entity_id: r.entity_id,
            before: r.before,
            after: r.after,
            prev_hash: r.prev_hash,
            hash: r.hash,
        }
    }
}

/// Trims free text; empty text is no text.
fn trimmed(text: Option<String>) -> Option<String> {
    text.map(|t| t.trim().to_owned()).filter(|t| !t.is_empty())
}

/// Checks an offering before it is written.
pub(crate) fn validate_offering(data: OfferingData) -> Result<OfferingData, InvalidValue> {
    Ok(OfferingData { name: check_name("name", &data.name)?, description: trimmed(data.description), ..data })
}

/// Checks a release before it is written.
pub(crate) fn validate_release(data: ReleaseData) -> Result<ReleaseData, InvalidValue> {
    Ok(ReleaseData { version: check_name("version", &data.version)?, ..data })
}

/// Checks a subcontracting link before it is written.
pub(crate) fn validate_subcontract(data: SubcontractData) -> Result<SubcontractData, InvalidValue> {
    if data.supplier == data.subcontractor {
        return Err(InvalidValue::new("subcontractor", "a supplier cannot subcontract to itself"));
    }
    Ok(SubcontractData { scope: check_name("scope", &data.scope)?, ..data })
}

/// Checks a service before it is written (the core checks plus repeated alternatives).
pub(crate) fn validate_service(data: ServiceData) -> Result<ServiceData, InvalidValue> {
    let data = data.validated()?;
    for u in &data.uses {
        check_alternatives(u)?;
    }
    Ok(ServiceData { description: trimmed(data.description), owner: trimmed(data.owner), ..data })
}

/// Refuses an offering listed as its own alternative or an alternative listed twice.
pub(crate) fn check_alternatives(u: &ServiceUse) -> Result<(), InvalidValue> {
    let mut seen = std::collections::HashSet::new();
    for a in &u.alternatives {
        if *a == u.offering {
            return Err(InvalidValue::new("alternatives", "an offering cannot be its own alternative"));
        }
        if !seen.insert(*a) {
            return Err(InvalidValue::new("alternatives", "the same alternative is listed twice"));
        }
    }
    Ok(())
}

/// How an export refers to each offering: by its bare name where no other offering has it,
/// as `Supplier / Name` where several suppliers offer one of that name, so that the import
/// finds each again. A name holding ` / ` is qualified too, lest its bare form read as the
/// offering of a supplier named like its first part.
pub(crate) fn offering_references(
    offerings: &[Offering],
    supplier_name: impl Fn(&Uuid) -> String,
) -> HashMap<Uuid, String> {
    let mut n_named: HashMap<String, usize> = HashMap::new();
    for o in offerings {
        *n_named.entry(fold(&o.data.name)).or_default() += 1;
    }
    offerings
        .iter()
        .map(|o| {
            let shared = n_named.get(&fold(&o.data.name)).is_some_and(|n| *n > 1);
            let reference = if shared || o.data.name.contains(" / ") {
                format!("{} / {}", supplier_name(&o.data.supplier.0), o.data.name)
            } else {
                o.data.name.clone()
            };
            (o.id.0, reference)
        })
        .collect()
}

/// The forms a supplier reference may take, normalised like the stored values.
pub(crate) struct SupplierKeys {
    /// Case-folded name.
    pub(crate) name_key: String,
    /// As an LEI.
    pub(crate) lei: String,
    /// As a DUNS number.
    pub(crate) duns: String,
    /// As a VAT number.
    pub(crate) vat: String,
}

impl SupplierKeys {
    /// The keys of a reference.
    pub(crate) fn of(reference: &str) -> Self {
        let squeezed = |drop: &[char]| -> String {
            reference
                .chars()
                .filter(|c| !c.is_whitespace() && !drop.contains(c))
                .collect::<String>()
                .to_ascii_uppercase()
        };
        SupplierKeys {
            name_key: fold(reference),
            lei: reference.trim().to_ascii_uppercase(),
            duns: squeezed(&['-']),
            vat: squeezed(&['-', '.']),
        }
    }
}

/// A value bound to a dynamically built query.
#[derive(Debug, Clone)]
pub(crate) enum Arg {
    /// Text.
    Text(String),
    /// A small integer.
    Small(i16),
    /// An id.
    Id(Uuid),
}

/// A `WHERE` clause built from filters, with `$N` placeholders and their values.
#[derive(Debug, Default)]
pub(crate) struct Where {
    /// The clause, starting with ` WHERE` (empty when there is no condition).
    pub(crate) sql: String,
    /// The values, `$1` first.
    pub(crate) args: Vec<Arg>,
}

impl Where {
    /// Adds a condition; `{}` in `template` stands for the value's placeholder.
    fn and(&mut self, template: &str, arg: Arg) {
        self.args.push(arg);
        let placeholder = format!("${}", self.args.len());
        self.sql.push_str(if self.sql.is_empty() { " WHERE " } else { " AND " });
        self.sql.push_str(&template.replace("{}", &placeholder));
    }

    /// The placeholder the next value will take.
    pub(crate) fn next_placeholder(&self, offset: usize) -> String {
        format!("${}", self.args.len() + offset)
    }

    fn name_like(&mut self, q: &Option<String>) {
        if let Some(q) = q.as_deref().map(fold).filter(|q| !q.is_empty()) {
            let mut pattern = String::from("%");
            for c in q.chars() {
                if matches!(c, '%' | '_' | '\\') {
                    pattern.push('\\');
                }
                pattern.push(c);
            }
            pattern.push('%');
            self.and("name_key LIKE {} ESCAPE '\\'", Arg::Text(pattern));
        }
    }

    /// The clause of a supplier filter.
    pub(crate) fn suppliers(f: &crate::SupplierFilter) -> Self {
        let mut w = Where::default();
        w.name_like(&f.q);
        if let Some(kind) = f.kind {
            w.and("kind = {}", Arg::Text(kind.as_str().to_owned()));
        }
        if let Some(status) = f.status {
            w.and("status = {}", Arg::Text(status.as_str().to_owned()));
        }
        if let Some(tier) = f.tier {
            w.and("tier = {}", Arg::Small(i16::from(tier.get())));
        }
        if let Some(country) = f.country {
            w.and("country = {}", Arg::Text(country.as_str().to_owned()));
        }
        w
    }

    /// The clause of an offering filter.
    pub(crate) fn offerings(f: &crate::OfferingFilter) -> Self {
        let mut w = Where::default();
        w.name_like(&f.q);
        if let Some(supplier) = f.supplier {
            w.and("supplier_id = {}", Arg::Id(supplier.0));
        }
        if let Some(kind) = f.kind {
            w.and("kind = {}", Arg::Text(kind.as_str().to_owned()));
        }
        w
    }

    /// Confines the rows to one supplier's (`column` holds the supplier id) when the
    /// caller is supplier-scoped.
    pub(crate) fn within(mut self, column: &str, supplier: Option<Uuid>) -> Self {
        if let Some(supplier) = supplier {
            self.and(&format!("{column} = {{}}"), Arg::Id(supplier));
        }
        self
    }

    /// The clause of an audit filter.
    pub(crate) fn audit(f: &crate::AuditFilter) -> Self {
        let mut w = Where::default();
        for (column, value) in
            [("actor", &f.actor), ("entity", &f.entity), ("entity_id", &f.entity_id), ("action", &f.action)]
        {
            if let Some(value) = value {
                w.and(&format!("{column} = {{}}"), Arg::Text(value.clone()));
            }
        }
        w
    }

    /// The clause of a service filter.
    pub(crate) fn services(f: &crate::ServiceFilter) -> Self {
        let mut w = Where::default();
        w.name_like(&f.q);
        if let Some(tier) = f.criticality {
            w.and("criticality = {}", Arg::Small(i16::from(tier.get())));
        }
        if let Some(offering) = f.uses {
            w.and("id IN (SELECT service_id FROM service_uses WHERE offering_id = {})", Arg::Id(offering.0));
        }
        w
    }
}

/// `$first, $first+1, …` for `n` values.
pub(crate) fn placeholders(first: usize, n: usize) -> String {
    (first..first + n).map(|i| format!("${i}")).collect::<Vec<_>>().join(", ")
}

/// A page's limit and offset as SQL integers, the limit capped.
pub(crate) fn limit_offset(page: crate::Page) -> (i64, i64) {
    let limit = page.limit.min(crate::Page::MAX_LIMIT);
    (i64::try_from(limit).unwrap_or(0), i64::try_from(page.offset).unwrap_or(i64::MAX))
}

/// A count from the database as `u64`.
pub(crate) fn count(n: i64) -> u64 {
    u64::try_from(n).unwrap_or(0)
}

/// How stale a session's `last_seen_at` may get before a request writes it again (the idle
/// timeout is measured with this precision).
pub(crate) const SESSION_TOUCH: time::Duration = time::Duration::seconds(30);

/// Writes the whole [`Store`](crate::Store) implementation for one backend.
///
/// `$store` is the store type (a struct with a `pool` and a `caller` field), `$db` the sqlx
/// database, `$conn` its connection type, `$backend` the [`Backend`](crate::Backend) value,
/// `$begin_write` the statement opening a write transaction, `$begin_read` the one opening a
/// consistent read-only snapshot (export, graph, audit verification), and `$lock_head` what
/// follows a `SELECT` (of the audit head, of the enabled admins) to lock its rows until the
/// end of the transaction (SQLite needs nothing: its write transactions exclude each other
/// from the start). `$head_per_entry` says whether each audit entry moves the recorded head
/// itself (SQLite, which updates a row in place) or the database moves it once, for the
/// transaction's last entry, when the transaction commits (PostgreSQL: a deferred trigger of
/// migration 0005, because every update of one row within a transaction leaves a row version
/// that later reads of the row must walk, which made large imports quadratic).
macro_rules! store_impl {
    (
        $store:ident,
        $db:ty,
        $conn:ty,
        $backend:expr,
        $begin_write:literal,
        $begin_read:literal,
        $lock_head:literal,
        $head_per_entry:literal
    ) => {
        mod imp {
            use std::collections::{HashMap, HashSet};
            use std::sync::Arc;

            use async_trait::async_trait;
            use chainward_core::access::*;
            use chainward_core::audit::*;
            use chainward_core::batch::*;
            use chainward_core::graph::*;
            use chainward_core::model::*;
            use sqlx::AssertSqlSafe;
            use uuid::Uuid;

            use chainward_core::sbom::Sbom;

            use super::$store;
            use $crate::monitoring::*;
            use $crate::sbom::*;
            use $crate::shared::*;
            use $crate::{
                AuditFilter, Backend, OfferingFilter, Page, Paged, Result, ServiceFilter, Store, StoreError,
                SupplierFilter,
            };

            type Conn = $conn;
            type R<T> = std::result::Result<T, Fail>;

            /// Whether [`append_audit`] moves the recorded audit head for each entry.
            const HEAD_PER_ENTRY: bool = $head_per_entry;

            /// One page of `table`'s rows matching `w`, ordered by name, and how many match in
            /// all. `cols` is the column list of the row type `O`.
            async fn page_of<O>(c: &mut Conn, table: &str, cols: &str, w: &Where, page: Page) -> Result<(Vec<O>, u64)>
            where
                O: for<'r> sqlx::FromRow<'r, <$db as sqlx::Database>::Row> + Send + Unpin,
            {
                let (limit, offset) = limit_offset(page);
                let total: (i64,) =
                    bind_as(sqlx::query_as(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}{}", w.sql))), &w.args)
                        .fetch_one(&mut *c)
                        .await?;
                let sql = format!(
                    "SELECT {cols} FROM {table}{} ORDER BY name_key, id LIMIT {} OFFSET {}",
                    w.sql,
                    w.next_placeholder(1),
                    w.next_placeholder(2)
                );
                let rows: Vec<O> =
                    bind_as(sqlx::query_as(AssertSqlSafe(sql)), &w.args).bind(limit).bind(offset).fetch_all(&mut *c).await?;
                Ok((rows, count(total.0)))
            }

            fn bind_as<'q, O>(
                mut q: sqlx::query::QueryAs<'q, $db, O, <$db as sqlx::Database>::Arguments>,
                args: &[Arg],
            ) -> sqlx::query::QueryAs<'q, $db, O, <$db as sqlx::Database>::Arguments> {
                for a in args {
                    q = match a {
                        Arg::Text(s) => q.bind(s.clone()),
                        Arg::Small(n) => q.bind(*n),
                        Arg::Id(u) => q.bind(*u),
                    };
                }
                q
            }

            // ---- reading ------------------------------------------------------------------

            async fn suppliers_with_owners(c: &mut Conn, rows: Vec<SupplierRec>, ids: &[Uuid]) -> R<Vec<Supplier>> {
                if ids.is_empty() {
                    return Ok(assemble_suppliers(rows, Vec::new())?);
                }
                let sql = format!(
                    "SELECT supplier_id, area, role, person, email FROM supplier_owners \
                     WHERE supplier_id IN ({}) ORDER BY supplier_id, position",
                    placeholders(1, ids.len())
                );
                let mut q = sqlx::query_as::<_, OwnerRec>(AssertSqlSafe(sql));
                for id in ids {
                    q = q.bind(*id);
                }
                let owners = q.fetch_all(&mut *c).await?;
                Ok(assemble_suppliers(rows, owners)?)
            }

            // Every helper that reads a supplier, an offering or a release takes `reach`, the
            // one supplier a scoped caller may see (see `reach`), and puts it into its WHERE
            // clause: what lies outside is not found, exactly like what does not exist.

            async fn supplier_by_id(c: &mut Conn, id: Uuid, reach: Option<Uuid>) -> R<Option<Supplier>> {
                let rows: Vec<SupplierRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::supplier_cols!(),
                    " FROM suppliers WHERE id = $1 AND ($2 IS NULL OR id = $2)"
                ))
                .bind(id)
                .bind(reach)
                .fetch_all(&mut *c)
                .await?;
                Ok(suppliers_with_owners(c, rows, &[id]).await?.into_iter().next())
            }

            async fn require_supplier(c: &mut Conn, id: SupplierId, reach: Option<Uuid>) -> R<Supplier> {
                supplier_by_id(c, id.0, reach).await?.ok_or_else(|| Fail::not_found("id", "supplier", id))
            }

            /// Whether the supplier exists within reach.
            async fn supplier_visible(c: &mut Conn, id: Uuid, reach: Option<Uuid>) -> R<bool> {
                let n: i64 =
                    sqlx::query_scalar("SELECT COUNT(*) FROM suppliers WHERE id = $1 AND ($2 IS NULL OR id = $2)")
                        .bind(id)
                        .bind(reach)
                        .fetch_one(&mut *c)
                        .await?;
                Ok(n > 0)
            }

            /// The supplier a reference names: id, name, LEI, DUNS or VAT number, in that order.
            async fn supplier_ref(c: &mut Conn, reference: &str, reach: Option<Uuid>) -> R<Option<Uuid>> {
                if let Ok(id) = Uuid::parse_str(reference.trim()) {
                    let found: Option<Uuid> =
                        sqlx::query_scalar("SELECT id FROM suppliers WHERE id = $1 AND ($2 IS NULL OR id = $2)")
                            .bind(id)
                            .bind(reach)
                            .fetch_optional(&mut *c)
                            .await?;
                    if found.is_some() {
                        return Ok(found);
                    }
                }
                let k = SupplierKeys::of(reference);
                let rows: Vec<(Uuid, String, Option<String>, Option<String>, Option<String>)> = sqlx::query_as(
                    "SELECT id, name_key, lei, duns, vat FROM suppliers \
                     WHERE (name_key = $1 OR lei = $2 OR duns = $3 OR vat = $4) AND ($5 IS NULL OR id = $5)",
                )
                .bind(&k.name_key)
                .bind(&k.lei)
                .bind(&k.duns)
                .bind(&k.vat)
                .bind(reach)
                .fetch_all(&mut *c)
                .await?;
                let pick = |hit: &dyn Fn(&(Uuid, String, Option<String>, Option<String>, Option<String>)) -> bool| {
                    rows.iter().find(|r| hit(r)).map(|r| r.0)
                };
                Ok(pick(&|r| r.1 == k.name_key)
                    .or_else(|| pick(&|r| r.2.as_deref() == Some(k.lei.as_str())))
                    .or_else(|| pick(&|r| r.3.as_deref() == Some(k.duns.as_str())))
                    .or_else(|| pick(&|r| r.4.as_deref() == Some(k.vat.as_str()))))
            }

            /// The id of a service by id or name.
            async fn service_ref(c: &mut Conn, reference: &str) -> R<Option<Uuid>> {
                if let Ok(id) = Uuid::parse_str(reference.trim()) {
                    let found: Option<Uuid> = sqlx::query_scalar("SELECT id FROM services WHERE id = $1")
                        .bind(id)
                        .fetch_optional(&mut *c)
                        .await?;
                    if found.is_some() {
                        return Ok(found);
                    }
                }
                Ok(sqlx::query_scalar("SELECT id FROM services WHERE name_key = $1")
                    .bind(fold(reference))
                    .fetch_optional(&mut *c)
                    .await?)
            }

            /// The id of an offering within reach by id, by a bare name or by a qualified
            /// `Supplier / Name` (see `qualified_offering`). Offering names are unique per supplier
            /// only: a reference that fits several offerings within reach is a conflict that says how
            /// to write it instead. Only offerings within reach count, so a scoped caller never
            /// learns of another supplier's offering through an ambiguity.
            async fn offering_ref(c: &mut Conn, reference: &str, reach: Option<Uuid>) -> R<Option<Uuid>> {
                if let Ok(id) = Uuid::parse_str(reference.trim()) {
                    let found: Option<Uuid> = sqlx::query_scalar(
                        "SELECT id FROM offerings WHERE id = $1 AND ($2 IS NULL OR supplier_id = $2)",
                    )
                    .bind(id)
                    .bind(reach)
                    .fetch_optional(&mut *c)
                    .await?;
                    if found.is_some() {
                        return Ok(found);
                    }
                }
                let named: Vec<Uuid> = sqlx::query_scalar(
                    "SELECT id FROM offerings WHERE name_key = $1 AND ($2 IS NULL OR supplier_id = $2)",
                )
                .bind(fold(reference))
                .bind(reach)
                .fetch_all(&mut *c)
                .await?;
                let qualified = qualified_offering(c, reference, reach).await?;
                match (named.as_slice(), qualified) {
                    ([], found) => Ok(found),
                    ([id], None) => Ok(Some(*id)),
                    ([id], Some(other)) if *id == other => Ok(Some(*id)),
                    (many, None) => Err(StoreError::Conflict(format!(
                        "offering name {:?} is ambiguous: {} suppliers offer one; write it as \"Supplier / {}\" \
                         or use its id",
                        reference.trim(),
                        many.len(),
                        reference.trim()
                    ))
                    .into()),
                    (_, Some(_)) => Err(StoreError::Conflict(format!(
                        "offering reference {:?} is ambiguous: it is the name of an offering and, as \
                         \"Supplier / Offering\", names another; use the offering's id",
                        reference.trim()
                    ))
                    .into()),
                }
            }

            /// The offering within reach that a `Supplier / Name` reference names: the supplier by
            /// any of its references (as `supplier_ref`), the offering by its name at that
            /// supplier. The reference is split at its last ` / ` first, then at earlier ones, so
            /// that supplier names and offering names may hold a ` / ` themselves.
            async fn qualified_offering(c: &mut Conn, reference: &str, reach: Option<Uuid>) -> R<Option<Uuid>> {
                const SEPARATOR: &str = " / ";
                let reference = reference.trim();
                for (at, _) in reference.rmatch_indices(SEPARATOR) {
                    let (supplier, rest) = reference.split_at(at);
                    let name = rest.strip_prefix(SEPARATOR).unwrap_or(rest);
                    if supplier.trim().is_empty() || name.trim().is_empty() {
                        continue;
                    }
                    let Some(supplier) = supplier_ref(c, supplier, reach).await? else { continue };
                    let found: Option<Uuid> =
                        sqlx::query_scalar("SELECT id FROM offerings WHERE supplier_id = $1 AND name_key = $2")
                            .bind(supplier)
                            .bind(fold(name))
                            .fetch_optional(&mut *c)
                            .await?;
                    if found.is_some() {
                        return Ok(found);
                    }
                }
                Ok(None)
            }

            async fn exists(c: &mut Conn, table: &'static str, id: Uuid) -> R<bool> {
                let sql = format!("SELECT COUNT(*) FROM {table} WHERE id = $1");
                let n: i64 = sqlx::query_scalar(AssertSqlSafe(sql)).bind(id).fetch_one(&mut *c).await?;
                Ok(n > 0)
            }

            async fn offering_by_id(c: &mut Conn, id: Uuid, reach: Option<Uuid>) -> R<Option<Offering>> {
                let row: Option<OfferingRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::offering_cols!(),
                    " FROM offerings WHERE id = $1 AND ($2 IS NULL OR supplier_id = $2)"
                ))
                .bind(id)
                .bind(reach)
                .fetch_optional(&mut *c)
                .await?;
                Ok(row.map(Offering::try_from).transpose()?)
            }

            async fn require_offering(c: &mut Conn, id: OfferingId, reach: Option<Uuid>) -> R<Offering> {
                offering_by_id(c, id.0, reach).await?.ok_or_else(|| Fail::not_found("id", "offering", id))
            }

            /// A release within reach (its offering's supplier), by id.
            async fn require_release(c: &mut Conn, id: ReleaseId, reach: Option<Uuid>) -> R<Release> {
                let row: Option<ReleaseRec> = sqlx::query_as(
                    "SELECT r.id, r.offering_id, r.version, r.released_on, r.created_at, r.updated_at \
                     FROM releases r JOIN offerings o ON o.id = r.offering_id \
                     WHERE r.id = $1 AND ($2 IS NULL OR o.supplier_id = $2)",
                )
                .bind(id.0)
                .bind(reach)
                .fetch_optional(&mut *c)
                .await?;
                row.map(Release::from).ok_or_else(|| Fail::not_found("id", "release", id))
            }

            async fn require_service(c: &mut Conn, id: ServiceId) -> R<Service> {
                service_by_id(c, id.0).await?.ok_or_else(|| Fail::not_found("id", "service", id))
            }

            async fn require_subcontract(c: &mut Conn, id: SubcontractId) -> R<Subcontract> {
                let row: Option<SubcontractRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::subcontract_cols!(),
                    " FROM subcontracts WHERE id = $1"
                ))
                .bind(id.0)
                .fetch_optional(&mut *c)
                .await?;
                row.map(Subcontract::from).ok_or_else(|| Fail::not_found("id", "subcontract", id))
            }

            async fn services_with_uses(c: &mut Conn, rows: Vec<ServiceRec>, ids: &[Uuid]) -> R<Vec<Service>> {
                if ids.is_empty() {
                    return Ok(assemble_services(rows, Vec::new(), Vec::new())?);
                }
                let list = placeholders(1, ids.len());
                let sql = format!(
                    "SELECT service_id, offering_id, purpose FROM service_uses \
                     WHERE service_id IN ({list}) ORDER BY service_id, position"
                );
                let mut q = sqlx::query_as::<_, UseRec>(AssertSqlSafe(sql));
                for id in ids {
                    q = q.bind(*id);
                }
                let uses = q.fetch_all(&mut *c).await?;
                let sql = format!(
                    "SELECT service_id, offering_id, alternative_id FROM use_alternatives \
                     WHERE service_id IN ({list}) ORDER BY service_id, offering_id, position"
                );
                let mut q = sqlx::query_as::<_, AltRec>(AssertSqlSafe(sql));
                for id in ids {
                    q = q.bind(*id);
                }
                let alts = q.fetch_all(&mut *c).await?;
                Ok(assemble_services(rows, uses, alts)?)
            }

            async fn service_by_id(c: &mut Conn, id: Uuid) -> R<Option<Service>> {
                let rows: Vec<ServiceRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::service_cols!(),
                    " FROM services WHERE id = $1"
                ))
                .bind(id)
                .fetch_all(&mut *c)
                .await?;
                Ok(services_with_uses(c, rows, &[id]).await?.into_iter().next())
            }

            async fn subcontract_by_pair(c: &mut Conn, supplier: Uuid, subcontractor: Uuid) -> R<Option<Subcontract>> {
                let row: Option<SubcontractRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::subcontract_cols!(),
                    " FROM subcontracts WHERE supplier_id = $1 AND subcontractor_id = $2"
                ))
                .bind(supplier)
                .bind(subcontractor)
                .fetch_optional(&mut *c)
                .await?;
                Ok(row.map(Subcontract::from))
            }

            async fn release_by_version(c: &mut Conn, offering: Uuid, version: &str) -> R<Option<Release>> {
                let row: Option<ReleaseRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::release_cols!(),
                    " FROM releases WHERE offering_id = $1 AND version = $2"
                ))
                .bind(offering)
                .bind(version)
                .fetch_optional(&mut *c)
                .await?;
                Ok(row.map(Release::from))
            }

            async fn name_of(c: &mut Conn, table: &'static str, id: Uuid) -> R<String> {
                let sql = format!("SELECT name FROM {table} WHERE id = $1");
                let name: Option<String> =
                    sqlx::query_scalar(AssertSqlSafe(sql)).bind(id).fetch_optional(&mut *c).await?;
                Ok(name.unwrap_or_else(|| id.to_string()))
            }

            // ---- writing ------------------------------------------------------------------

            /// Inserts or replaces a (validated) supplier with its owners.
            async fn save_supplier(c: &mut Conn, existing: Option<&Supplier>, data: SupplierData) -> R<(Supplier, Outcome)> {
                if let Some(old) = existing {
                    if old.data == data {
                        return Ok((old.clone(), Outcome::Unchanged));
                    }
                }
                let own = existing.map_or(Uuid::nil(), |s| s.id.0);
                let ids = &data.legal_ids;
                let taken: Vec<(Uuid, String, String, Option<String>, Option<String>, Option<String>, Option<String>)> =
                    sqlx::query_as(
                        "SELECT id, name, name_key, lei, duns, vat, other_id FROM suppliers \
                         WHERE id <> $1 AND (name_key = $2 OR lei = $3 OR duns = $4 OR vat = $5 OR other_id = $6)",
                    )
                    .bind(own)
                    .bind(fold(&data.name))
                    .bind(&ids.lei)
                    .bind(&ids.duns)
                    .bind(&ids.vat)
                    .bind(&ids.other)
                    .fetch_all(&mut *c)
                    .await?;
                if let Some((_, name, name_key, lei, duns, vat, other)) = taken.into_iter().next() {
                    let same = |a: &Option<String>, b: &Option<String>| a.is_some() && a == b;
                    return Err(if name_key == fold(&data.name) {
                        Fail::conflict("name", format!("a supplier named {name:?} exists already"))
                    } else if same(&lei, &ids.lei) {
                        Fail::conflict("lei", format!("supplier {name:?} has the LEI {:?} already", ids.lei.as_deref().unwrap_or_default()))
                    } else if same(&duns, &ids.duns) {
                        Fail::conflict("duns", format!("supplier {name:?} has the DUNS number {:?} already", ids.duns.as_deref().unwrap_or_default()))
                    } else if same(&vat, &ids.vat) {
                        Fail::conflict("vat", format!("supplier {name:?} has the VAT number {:?} already", ids.vat.as_deref().unwrap_or_default()))
                    } else {
                        let _ = other;
                        Fail::conflict("other_id", format!("supplier {name:?} has the registry number {:?} already", ids.other.as_deref().unwrap_or_default()))
                    });
                }
                let now = now();
                let (id, created_at, outcome) = match existing {
                    Some(old) => (old.id.0, old.created_at, Outcome::Updated),
                    None => (new_id(), now, Outcome::Created),
                };
                sqlx::query(concat!(
                    "INSERT INTO suppliers (",
                    $crate::shared::supplier_cols!(),
                    ", name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                     $17, $18, $19, $20, $21, $22, $23, $24, $25) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, \
                     lei = excluded.lei, duns = excluded.duns, vat = excluded.vat, other_id = excluded.other_id, \
                     kind = excluded.kind, country = excluded.country, tier = excluded.tier, status = excluded.status, \
                     data_access = excluded.data_access, description = excluded.description, website = excluded.website, \
                     security_contact_name = excluded.security_contact_name, \
                     security_contact_email = excluded.security_contact_email, \
                     security_contact_phone = excluded.security_contact_phone, \
                     incident_contact_name = excluded.incident_contact_name, \
                     incident_contact_email = excluded.incident_contact_email, \
                     incident_contact_phone = excluded.incident_contact_phone, \
                     account_contact_name = excluded.account_contact_name, \
                     account_contact_email = excluded.account_contact_email, \
                     account_contact_phone = excluded.account_contact_phone, updated_at = excluded.updated_at"
                ))
                .bind(id)
                .bind(&data.name)
                .bind(&ids.lei)
                .bind(&ids.duns)
                .bind(&ids.vat)
                .bind(&ids.other)
                .bind(data.kind.as_str())
                .bind(data.country.map(|c| c.as_str().to_owned()))
                .bind(i16::from(data.tier.get()))
                .bind(data.status.as_str())
                .bind(data.data_access.as_str())
                .bind(&data.description)
                .bind(&data.website)
                .bind(&data.security_contact.name)
                .bind(&data.security_contact.email)
                .bind(&data.security_contact.phone)
                .bind(&data.incident_contact.name)
                .bind(&data.incident_contact.email)
                .bind(&data.incident_contact.phone)
                .bind(&data.account_contact.name)
                .bind(&data.account_contact.email)
                .bind(&data.account_contact.phone)
                .bind(created_at)
                .bind(now)
                .bind(fold(&data.name))
                .execute(&mut *c)
                .await?;
                if existing.is_none_or(|old| old.data.owners != data.owners) {
                    sqlx::query("DELETE FROM supplier_owners WHERE supplier_id = $1").bind(id).execute(&mut *c).await?;
                    for (position, o) in (0_i32..).zip(&data.owners) {
                        sqlx::query(
                            "INSERT INTO supplier_owners (supplier_id, position, area, role, person, email) \
                             VALUES ($1, $2, $3, $4, $5, $6)",
                        )
                        .bind(id)
                        .bind(position)
                        .bind(o.area.as_str())
                        .bind(o.role.as_str())
                        .bind(&o.person)
                        .bind(&o.email)
                        .execute(&mut *c)
                        .await?;
                    }
                }
                Ok((Record { id: SupplierId(id), data, created_at, updated_at: now }, outcome))
            }

            /// Inserts or replaces a (validated) subcontracting link. Returns the link as it
            /// was, if it was.
            async fn save_subcontract(
                c: &mut Conn,
                data: SubcontractData,
            ) -> R<(Subcontract, Outcome, Option<Subcontract>)> {
                if !exists(c, "suppliers", data.supplier.0).await? {
                    return Err(Fail::not_found("supplier", "supplier", data.supplier));
                }
                if !exists(c, "suppliers", data.subcontractor.0).await? {
                    return Err(Fail::not_found("subcontractor", "supplier", data.subcontractor));
                }
                let existing = subcontract_by_pair(c, data.supplier.0, data.subcontractor.0).await?;
                if let Some(old) = &existing {
                    if old.data == data {
                        return Ok((old.clone(), Outcome::Unchanged, existing));
                    }
                }
                let now = now();
                let (id, created_at, outcome) = match &existing {
                    Some(old) => (old.id.0, old.created_at, Outcome::Updated),
                    None => (new_id(), now, Outcome::Created),
                };
                sqlx::query(concat!(
                    "INSERT INTO subcontracts (",
                    $crate::shared::subcontract_cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (id) DO UPDATE SET scope = excluded.scope, since = excluded.since, \
                     handles_our_data = excluded.handles_our_data, updated_at = excluded.updated_at"
                ))
                .bind(id)
                .bind(data.supplier.0)
                .bind(data.subcontractor.0)
                .bind(&data.scope)
                .bind(data.since)
                .bind(data.handles_our_data)
                .bind(created_at)
                .bind(now)
                .execute(&mut *c)
                .await?;
                Ok((Record { id: SubcontractId(id), data, created_at, updated_at: now }, outcome, existing))
            }

            /// Inserts or replaces a (validated) offering; its supplier must be within reach.
            async fn save_offering(
                c: &mut Conn,
                existing: Option<&Offering>,
                data: OfferingData,
                reach: Option<Uuid>,
            ) -> R<(Offering, Outcome)> {
                if let Some(old) = existing {
                    if old.data == data {
                        return Ok((old.clone(), Outcome::Unchanged));
                    }
                }
                if !supplier_visible(c, data.supplier.0, reach).await? {
                    return Err(Fail::not_found("supplier", "supplier", data.supplier));
                }
                // Names are unique per supplier: another supplier's offering of the same name is
                // no conflict, and a supplier-scoped caller learns nothing of it.
                let own = existing.map_or(Uuid::nil(), |o| o.id.0);
                let taken: Option<String> = sqlx::query_scalar(
                    "SELECT name FROM offerings WHERE supplier_id = $1 AND name_key = $2 AND id <> $3",
                )
                .bind(data.supplier.0)
                .bind(fold(&data.name))
                .bind(own)
                .fetch_optional(&mut *c)
                .await?;
                if let Some(name) = taken {
                    return Err(Fail::conflict("name", format!("the supplier has an offering named {name:?} already")));
                }
                let now = now();
                let (id, created_at, outcome) = match existing {
                    Some(old) => (old.id.0, old.created_at, Outcome::Updated),
                    None => (new_id(), now, Outcome::Created),
                };
                sqlx::query(concat!(
                    "INSERT INTO offerings (",
                    $crate::shared::offering_cols!(),
                    ", name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
                     ON CONFLICT (id) DO UPDATE SET supplier_id = excluded.supplier_id, name = excluded.name, \
                     name_key = excluded.name_key, kind = excluded.kind, description = excluded.description, \
                     updated_at = excluded.updated_at"
                ))
                .bind(id)
                .bind(data.supplier.0)
                .bind(&data.name)
                .bind(data.kind.as_str())
                .bind(&data.description)
                .bind(created_at)
                .bind(now)
                .bind(fold(&data.name))
                .execute(&mut *c)
                .await?;
                Ok((Record { id: OfferingId(id), data, created_at, updated_at: now }, outcome))
            }

            /// Inserts or replaces a (validated) release, matched by offering and version; the
            /// offering must be within reach. Returns the release as it was, if it was.
            async fn save_release(
                c: &mut Conn,
                data: ReleaseData,
                reach: Option<Uuid>,
            ) -> R<(Release, Outcome, Option<Release>)> {
                if offering_by_id(c, data.offering.0, reach).await?.is_none() {
                    return Err(Fail::not_found("offering", "offering", data.offering));
                }
                let existing = release_by_version(c, data.offering.0, &data.version).await?;
                if let Some(old) = &existing {
                    if old.data == data {
                        return Ok((old.clone(), Outcome::Unchanged, existing));
                    }
                }
                let now = now();
                let (id, created_at, outcome) = match &existing {
                    Some(old) => (old.id.0, old.created_at, Outcome::Updated),
                    None => (new_id(), now, Outcome::Created),
                };
                sqlx::query(concat!(
                    "INSERT INTO releases (",
                    $crate::shared::release_cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6) \
                     ON CONFLICT (id) DO UPDATE SET released_on = excluded.released_on, updated_at = excluded.updated_at"
                ))
                .bind(id)
                .bind(data.offering.0)
                .bind(&data.version)
                .bind(data.released_on)
                .bind(created_at)
                .bind(now)
                .execute(&mut *c)
                .await?;
                Ok((Record { id: ReleaseId(id), data, created_at, updated_at: now }, outcome, existing))
            }

            /// Checks that the offerings of a use and its alternatives exist.
            async fn check_use_refs(c: &mut Conn, u: &ServiceUse) -> R<()> {
                if !exists(c, "offerings", u.offering.0).await? {
                    return Err(Fail::not_found("offering", "offering", u.offering));
                }
                for a in &u.alternatives {
                    if !exists(c, "offerings", a.0).await? {
                        return Err(Fail::not_found("alternatives", "offering", a));
                    }
                }
                Ok(())
            }

            async fn insert_alternatives(c: &mut Conn, service: Uuid, u: &ServiceUse) -> R<()> {
                for (position, a) in (0_i32..).zip(&u.alternatives) {
                    sqlx::query(
                        "INSERT INTO use_alternatives (service_id, offering_id, alternative_id, position) \
                         VALUES ($1, $2, $3, $4)",
                    )
                    .bind(service)
                    .bind(u.offering.0)
                    .bind(a.0)
                    .bind(position)
                    .execute(&mut *c)
                    .await?;
                }
                Ok(())
            }

            /// Inserts or replaces a (validated) service; its uses too when `with_uses`,
            /// otherwise the stored uses are kept.
            async fn save_service(
                c: &mut Conn,
                existing: Option<&Service>,
                mut data: ServiceData,
                with_uses: bool,
            ) -> R<(Service, Outcome)> {
                if !with_uses {
                    data.uses = existing.map(|s| s.data.uses.clone()).unwrap_or_default();
                }
                if let Some(old) = existing {
                    if old.data == data {
                        return Ok((old.clone(), Outcome::Unchanged));
                    }
                }
                if with_uses {
                    for u in &data.uses {
                        check_use_refs(c, u).await?;
                    }
                }
                let own = existing.map_or(Uuid::nil(), |s| s.id.0);
                let taken: Option<String> =
                    sqlx::query_scalar("SELECT name FROM services WHERE name_key = $1 AND id <> $2")
                        .bind(fold(&data.name))
                        .bind(own)
                        .fetch_optional(&mut *c)
                        .await?;
                if let Some(name) = taken {
                    return Err(Fail::conflict("name", format!("a service named {name:?} exists already")));
                }
                let now = now();
                let (id, created_at, outcome) = match existing {
                    Some(old) => (old.id.0, old.created_at, Outcome::Updated),
                    None => (new_id(), now, Outcome::Created),
                };
                sqlx::query(concat!(
                    "INSERT INTO services (",
                    $crate::shared::service_cols!(),
                    ", name_key) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (id) DO UPDATE SET name = excluded.name, name_key = excluded.name_key, \
                     owner = excluded.owner, owner_email = excluded.owner_email, rto_hours = excluded.rto_hours, \
                     criticality = excluded.criticality, description = excluded.description, \
                     updated_at = excluded.updated_at"
                ))
                .bind(id)
                .bind(&data.name)
                .bind(&data.owner)
                .bind(&data.owner_email)
                .bind(data.rto_hours.map(i64::from))
                .bind(i16::from(data.criticality.get()))
                .bind(&data.description)
                .bind(created_at)
                .bind(now)
                .bind(fold(&data.name))
                .execute(&mut *c)
                .await?;
                if with_uses && existing.is_none_or(|old| old.data.uses != data.uses) {
                    sqlx::query("DELETE FROM service_uses WHERE service_id = $1").bind(id).execute(&mut *c).await?;
                    for (position, u) in (0_i32..).zip(&data.uses) {
                        sqlx::query(
                            "INSERT INTO service_uses (service_id, offering_id, purpose, position) \
                             VALUES ($1, $2, $3, $4)",
                        )
                        .bind(id)
                        .bind(u.offering.0)
                        .bind(&u.purpose)
                        .bind(position)
                        .execute(&mut *c)
                        .await?;
                        insert_alternatives(c, id, u).await?;
                    }
                }
                Ok((Record { id: ServiceId(id), data, created_at, updated_at: now }, outcome))
            }

            /// Inserts or replaces one use of a service (and its alternatives); the service's
            /// `updated_at` moves when the use changes. Returns the service as it is now.
            async fn save_use(c: &mut Conn, service: &Service, u: ServiceUse) -> R<(Service, Outcome)> {
                check_alternatives(&u)?;
                check_use_refs(c, &u).await?;
                let id = service.id.0;
                let mut after = service.clone();
                let outcome = match after.data.uses.iter_mut().find(|old| old.offering == u.offering) {
                    None => {
                        sqlx::query(
                            "INSERT INTO service_uses (service_id, offering_id, purpose, position) \
                             SELECT $1, $2, $3, COALESCE(MAX(position) + 1, 0) FROM service_uses WHERE service_id = $1",
                        )
                        .bind(id)
                        .bind(u.offering.0)
                        .bind(&u.purpose)
                        .execute(&mut *c)
                        .await?;
                        insert_alternatives(c, id, &u).await?;
                        after.data.uses.push(u);
                        Outcome::Created
                    }
                    Some(old) if *old == u => return Ok((after, Outcome::Unchanged)),
                    Some(old) => {
                        sqlx::query("UPDATE service_uses SET purpose = $3 WHERE service_id = $1 AND offering_id = $2")
                            .bind(id)
                            .bind(u.offering.0)
                            .bind(&u.purpose)
                            .execute(&mut *c)
                            .await?;
                        sqlx::query("DELETE FROM use_alternatives WHERE service_id = $1 AND offering_id = $2")
                            .bind(id)
                            .bind(u.offering.0)
                            .execute(&mut *c)
                            .await?;
                        insert_alternatives(c, id, &u).await?;
                        *old = u;
                        Outcome::Updated
                    }
                };
                after.updated_at = now();
                sqlx::query("UPDATE services SET updated_at = $2 WHERE id = $1")
                    .bind(id)
                    .bind(after.updated_at)
                    .execute(&mut *c)
                    .await?;
                Ok((after, outcome))
            }

            /// The services that use offering `offering` or list it as an alternative, in
            /// the order of their ids.
            async fn services_using(c: &mut Conn, offering: Uuid) -> R<Vec<Uuid>> {
                let rows: Vec<(Uuid,)> = sqlx::query_as(
                    "SELECT service_id FROM service_uses WHERE offering_id = $1 \
                     UNION SELECT service_id FROM use_alternatives WHERE alternative_id = $1 \
                     ORDER BY service_id",
                )
                .bind(offering)
                .fetch_all(&mut *c)
                .await?;
                Ok(rows.into_iter().map(|(id,)| id).collect())
            }

            /// Deletes one row of `table` (which exists: the caller has just read it).
            async fn delete_row(c: &mut Conn, table: &'static str, id: Uuid) -> R<()> {
                let sql = format!("DELETE FROM {table} WHERE id = $1");
                sqlx::query(AssertSqlSafe(sql)).bind(id).execute(&mut *c).await?;
                Ok(())
            }

            // ---- audit --------------------------------------------------------------------

            /// Reads and locks the recorded audit head until the end of the transaction:
            /// writers of the log wait for each other here. Locking it again in the same
            /// transaction changes nothing (and, on PostgreSQL, writes no new row version).
            async fn lock_audit_head(c: &mut Conn) -> R<(i64, String)> {
                Ok(sqlx::query_as(concat!("SELECT seq, hash FROM audit_head WHERE id = 1", $lock_head))
                    .fetch_one(&mut *c)
                    .await?)
            }

            /// Appends an event to the audit log as `caller`, in the transaction of `c`: locks
            /// the head, chains the event after the last entry and writes it.
            ///
            /// With `HEAD_PER_ENTRY` the last entry is the recorded head, which each entry
            /// moves. Otherwise the database moves the head once, when the transaction
            /// commits, so that within a transaction that has already appended the head lags
            /// behind: the event is chained after the later of the head and the newest entry of
            /// the log (its own last one). The head wins a tie and when it is later than the
            /// log, so that entries removed from the end stay evident: the next entry still
            /// links to the last removed one.
            async fn append_audit(c: &mut Conn, caller: &Caller, event: AuditEvent) -> R<()> {
                let (mut seq, mut prev_hash) = lock_audit_head(c).await?;
                if !HEAD_PER_ENTRY {
                    let newest: Option<(i64, String)> =
                        sqlx::query_as("SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1")
                            .fetch_optional(&mut *c)
                            .await?;
                    if let Some((newest_seq, newest_hash)) = newest.filter(|(s, _)| *s > seq) {
                        (seq, prev_hash) = (newest_seq, newest_hash);
                    }
                }
                let entry = event.chain(seq + 1, audit_time(now()), caller.actor.clone(), prev_hash);
                sqlx::query(concat!(
                    "INSERT INTO audit_log (",
                    $crate::shared::audit_cols!(),
                    ") VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)"
                ))
                .bind(entry.seq)
                .bind(&entry.at)
                .bind(&entry.actor)
                .bind(&entry.action)
                .bind(&entry.entity)
                .bind(&entry.entity_id)
                .bind(&entry.before)
                .bind(&entry.after)
                .bind(&entry.prev_hash)
                .bind(&entry.hash)
                .execute(&mut *c)
                .await?;
                if HEAD_PER_ENTRY {
                    sqlx::query("UPDATE audit_head SET seq = $1, hash = $2 WHERE id = 1")
                        .bind(entry.seq)
                        .bind(&entry.hash)
                        .execute(&mut *c)
                        .await?;
                }
                Ok(())
            }

            /// Audits the outcome of a save: `create` or `update` with the record before and
            /// after; nothing when nothing changed.
            async fn audit_save<T: serde::Serialize>(
                c: &mut Conn,
                caller: &Caller,
                entity: &str,
                id: impl std::fmt::Display,
                outcome: Outcome,
                before: Option<&T>,
                after: &T,
            ) -> R<()> {
                let action = match outcome {
                    Outcome::Unchanged => return Ok(()),
                    Outcome::Created => "create",
                    Outcome::Updated => "update",
                };
                append_audit(c, caller, change(action, entity, id, before, Some(after))).await
            }

            // ---- import -------------------------------------------------------------------

            /// Keys already seen in a batch table: a repeated key was reported by
            /// `duplicate_keys` and its row is skipped.
            #[derive(Default)]
            struct Seen(HashSet<(&'static str, String)>);

            impl Seen {
                /// Records the keys; true when any was seen before.
                fn repeated(&mut self, keys: &[(&'static str, Option<String>)]) -> bool {
                    let mut repeated = false;
                    for (kind, key) in keys {
                        if let Some(key) = key {
                            repeated |= !self.0.insert((*kind, fold(key)));
                        }
                    }
                    repeated
                }
            }

            /// Ends a row's savepoint: keeps and counts a good row; undoes a bad row and
            /// records it as a problem. Errors that are not the row's fault abort the import.
            async fn finish(
                savepoint: sqlx::Transaction<'_, $db>,
                result: R<Outcome>,
                report: &mut ImportReport,
                table: Table,
                line: u64,
            ) -> Result<()> {
                match result {
                    Ok(outcome) => {
                        savepoint.commit().await?;
                        outcome.count(report.counts_mut(table));
                    }
                    Err(fail) => {
                        savepoint.rollback().await?;
                        report.problems.push(fail.into_problem(table, line)?);
                    }
                }
                Ok(())
            }

            // Imports run for unscoped callers only (the trait method refuses the others), so
            // their lookups reach the whole registry (`None`).

            async fn resolve(c: &mut Conn, entity: &'static str, column: &'static str, reference: &str) -> R<Uuid> {
                let found = match entity {
                    "supplier" => supplier_ref(c, reference, None).await?,
                    // An ambiguous offering name is the fault of this column.
                    "offering" => {
                        offering_ref(c, reference, None).await.map_err(|f| Fail { column: Some(column), ..f })?
                    }
                    _ => service_ref(c, reference).await?,
                };
                found.ok_or_else(|| Fail::not_found(column, entity, reference))
            }

            async fn import_supplier(c: &mut Conn, caller: &Caller, data: SupplierData) -> R<Outcome> {
                let data = data.validated()?;
                let ids = &data.legal_ids;
                let mut matched: Option<(Uuid, String, &'static str)> = None;
                let keys = [
                    ("lei", "SELECT id, name FROM suppliers WHERE lei = $1", ids.lei.clone()),
                    ("duns", "SELECT id, name FROM suppliers WHERE duns = $1", ids.duns.clone()),
                    ("vat", "SELECT id, name FROM suppliers WHERE vat = $1", ids.vat.clone()),
                    ("name", "SELECT id, name FROM suppliers WHERE name_key = $1", Some(fold(&data.name))),
                ];
                for (column, sql, value) in keys {
                    let Some(value) = value else { continue };
                    let hit: Option<(Uuid, String)> = sqlx::query_as(sql).bind(value).fetch_optional(&mut *c).await?;
                    match (&matched, hit) {
                        (None, Some((id, name))) => matched = Some((id, name, column)),
                        (Some((first, first_name, by)), Some((id, name))) if *first != id => {
                            return Err(Fail::conflict(
                                column,
                                format!(
                                    "the {by} matches supplier {first_name:?} but the {column} matches supplier {name:?}"
                                ),
                            ));
                        }
                        _ => {}
                    }
                }
                let existing = match matched {
                    Some((id, _, _)) => supplier_by_id(c, id, None).await?,
                    None => None,
                };
                let (supplier, outcome) = save_supplier(c, existing.as_ref(), data).await?;
                audit_save(c, caller, "supplier", supplier.id, outcome, existing.as_ref(), &supplier).await?;
                Ok(outcome)
            }

            async fn import_subcontract(c: &mut Conn, caller: &Caller, row: SubcontractRow) -> R<Outcome> {
                let data = SubcontractData {
                    supplier: SupplierId(resolve(c, "supplier", "supplier", &row.supplier).await?),
                    subcontractor: SupplierId(resolve(c, "supplier", "subcontractor", &row.subcontractor).await?),
                    scope: row.scope,
                    since: row.since,
                    handles_our_data: row.handles_our_data,
                };
                let (link, outcome, before) = save_subcontract(c, validate_subcontract(data)?).await?;
                audit_save(c, caller, "subcontract", link.id, outcome, before.as_ref(), &link).await?;
                Ok(outcome)
            }

            async fn import_offering(c: &mut Conn, caller: &Caller, row: OfferingRow) -> R<Outcome> {
                let data = OfferingData {
                    supplier: SupplierId(resolve(c, "supplier", "supplier", &row.supplier).await?),
                    name: row.name,
                    kind: row.kind,
                    description: row.description,
                };
                let data = validate_offering(data)?;
                // An offering is known by its supplier and its name (unique per supplier).
                let id: Option<Uuid> =
                    sqlx::query_scalar("SELECT id FROM offerings WHERE supplier_id = $1 AND name_key = $2")
                        .bind(data.supplier.0)
                        .bind(fold(&data.name))
                        .fetch_optional(&mut *c)
                        .await?;
                let existing = match id {
                    Some(id) => offering_by_id(c, id, None).await?,
                    None => None,
                };
                let (offering, outcome) = save_offering(c, existing.as_ref(), data, None).await?;
                audit_save(c, caller, "offering", offering.id, outcome, existing.as_ref(), &offering).await?;
                Ok(outcome)
            }

            async fn import_release(c: &mut Conn, caller: &Caller, row: ReleaseRow) -> R<Outcome> {
                let data = ReleaseData {
                    offering: OfferingId(resolve(c, "offering", "offering", &row.offering).await?),
                    version: row.version,
                    released_on: row.released_on,
                };
                let (release, outcome, before) = save_release(c, validate_release(data)?, None).await?;
                audit_save(c, caller, "release", release.id, outcome, before.as_ref(), &release).await?;
                Ok(outcome)
            }

            async fn import_service(c: &mut Conn, caller: &Caller, row: ServiceRow) -> R<Outcome> {
                let data = validate_service(ServiceData {
                    name: row.name,
                    owner: row.owner,
                    owner_email: row.owner_email,
                    rto_hours: row.rto_hours,
                    criticality: row.criticality,
                    description: row.description,
                    uses: Vec::new(),
                })?;
                let existing = match service_ref(c, &data.name).await? {
                    Some(id) => service_by_id(c, id).await?,
                    None => None,
                };
                let (service, outcome) = save_service(c, existing.as_ref(), data, false).await?;
                audit_save(c, caller, "service", service.id, outcome, existing.as_ref(), &service).await?;
                Ok(outcome)
            }

            /// A use changes its service: audited as an update of the service.
            async fn import_use(c: &mut Conn, caller: &Caller, row: UseRow) -> R<Outcome> {
                let id = resolve(c, "service", "service", &row.service).await?;
                let service =
                    service_by_id(c, id).await?.ok_or_else(|| Fail::not_found("service", "service", &row.service))?;
                let offering = OfferingId(resolve(c, "offering", "offering", &row.offering).await?);
                let mut alternatives = Vec::with_capacity(row.alternatives.len());
                for a in &row.alternatives {
                    alternatives.push(OfferingId(resolve(c, "offering", "alternatives", a).await?));
                }
                let purpose = row.purpose.map(|p| p.trim().to_owned()).filter(|p| !p.is_empty());
                let (after, outcome) = save_use(c, &service, ServiceUse { offering, purpose, alternatives }).await?;
                let outcome = match outcome {
                    Outcome::Unchanged => Outcome::Unchanged,
                    // The service itself is updated whether the use is new or changed.
                    Outcome::Created | Outcome::Updated => {
                        audit_save(c, caller, "service", after.id, Outcome::Updated, Some(&service), &after).await?;
                        outcome
                    }
                };
                Ok(outcome)
            }

            async fn import_rows(
                c: &mut Conn,
                caller: &Caller,
                batch: RegistryBatch,
                report: &mut ImportReport,
            ) -> Result<()> {
                for table in Table::ALL {
                    report.counts_mut(table);
                }
                let mut seen = Seen::default();
                for Line { line, row } in batch.suppliers {
                    let ids = &row.legal_ids;
                    let keys = [
                        ("name", Some(row.name.clone())),
                        ("lei", ids.lei.clone()),
                        ("duns", ids.duns.clone()),
                        ("vat", ids.vat.clone()),
                    ];
                    if seen.repeated(&keys) {
                        continue;
                    }
                    let mut savepoint = sqlx::Connection::begin(&mut *c).await?;
                    let result = import_supplier(&mut savepoint, caller, row).await;
                    finish(savepoint, result, report, Table::Suppliers, line).await?;
                }
                let mut seen = Seen::default();
                for Line { line, row } in batch.subcontracts {
                    let key = format!("{} / {}", fold(&row.supplier), fold(&row.subcontractor));
                    if seen.repeated(&[("link", Some(key))]) {
                        continue;
                    }
                    let mut savepoint = sqlx::Connection::begin(&mut *c).await?;
                    let result = import_subcontract(&mut savepoint, caller, row).await;
                    finish(savepoint, result, report, Table::Subcontracts, line).await?;
                }
                let mut seen = Seen::default();
                for Line { line, row } in batch.offerings {
                    let key = format!("{} / {}", fold(&row.supplier), fold(&row.name));
                    if seen.repeated(&[("name", Some(key))]) {
                        continue;
                    }
                    let mut savepoint = sqlx::Connection::begin(&mut *c).await?;
                    let result = import_offering(&mut savepoint, caller, row).await;
                    finish(savepoint, result, report, Table::Offerings, line).await?;
                }
                let mut seen = Seen::default();
                for Line { line, row } in batch.releases {
                    let key = format!("{} / {}", fold(&row.offering), fold(&row.version));
                    if seen.repeated(&[("release", Some(key))]) {
                        continue;
                    }
                    let mut savepoint = sqlx::Connection::begin(&mut *c).await?;
                    let result = import_release(&mut savepoint, caller, row).await;
                    finish(savepoint, result, report, Table::Releases, line).await?;
                }
                let mut seen = Seen::default();
                for Line { line, row } in batch.services {
                    if seen.repeated(&[("name", Some(row.name.clone()))]) {
                        continue;
                    }
                    let mut savepoint = sqlx::Connection::begin(&mut *c).await?;
                    let result = import_service(&mut savepoint, caller, row).await;
                    finish(savepoint, result, report, Table::Services, line).await?;
                }
                let mut seen = Seen::default();
                for Line { line, row } in batch.uses {
                    let key = format!("{} / {}", fold(&row.service), fold(&row.offering));
                    if seen.repeated(&[("use", Some(key))]) {
                        continue;
                    }
                    let mut savepoint = sqlx::Connection::begin(&mut *c).await?;
                    let result = import_use(&mut savepoint, caller, row).await;
                    finish(savepoint, result, report, Table::ServiceUses, line).await?;
                }
                Ok(())
            }

            // ---- export -------------------------------------------------------------------

            async fn export_all(c: &mut Conn) -> Result<RegistryBatch> {
                let rows: Vec<SupplierRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::supplier_cols!(),
                    " FROM suppliers ORDER BY name_key"
                ))
                .fetch_all(&mut *c)
                .await?;
                let owners: Vec<OwnerRec> = sqlx::query_as(
                    "SELECT supplier_id, area, role, person, email FROM supplier_owners ORDER BY supplier_id, position",
                )
                .fetch_all(&mut *c)
                .await?;
                let suppliers = assemble_suppliers(rows, owners)?;
                let supplier_names: HashMap<Uuid, String> =
                    suppliers.iter().map(|s| (s.id.0, s.data.name.clone())).collect();
                let supplier_name = |id: &Uuid| supplier_names.get(id).cloned().unwrap_or_else(|| id.to_string());

                let links: Vec<SubcontractRec> = sqlx::query_as(
                    "SELECT l.id, l.supplier_id, l.subcontractor_id, l.scope, l.since, l.handles_our_data, \
                     l.created_at, l.updated_at FROM subcontracts l \
                     JOIN suppliers a ON a.id = l.supplier_id JOIN suppliers b ON b.id = l.subcontractor_id \
                     ORDER BY a.name_key, b.name_key",
                )
                .fetch_all(&mut *c)
                .await?;
                let subcontracts = links
                    .into_iter()
                    .map(Subcontract::from)
                    .map(|l| Line {
                        line: 0,
                        row: SubcontractRow {
                            supplier: supplier_name(&l.data.supplier.0),
                            subcontractor: supplier_name(&l.data.subcontractor.0),
                            scope: l.data.scope,
                            since: l.data.since,
                            handles_our_data: l.data.handles_our_data,
                        },
                    })
                    .collect();

                let rows: Vec<OfferingRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::offering_cols!(),
                    " FROM offerings ORDER BY name_key"
                ))
                .fetch_all(&mut *c)
                .await?;
                let mut offerings = rows.into_iter().map(Offering::try_from).collect::<Result<Vec<_>>>()?;
                // Offerings of the same name sort by supplier, so that exports compare equal.
                offerings.sort_by_cached_key(|o| (fold(&o.data.name), fold(&supplier_name(&o.data.supplier.0))));
                let offering_names = offering_references(&offerings, &supplier_name);
                let offering_name = |id: &Uuid| offering_names.get(id).cloned().unwrap_or_else(|| id.to_string());
                let offering_rows = offerings
                    .iter()
                    .map(|o| Line {
                        line: 0,
                        row: OfferingRow {
                            supplier: supplier_name(&o.data.supplier.0),
                            name: o.data.name.clone(),
                            kind: o.data.kind,
                            description: o.data.description.clone(),
                        },
                    })
                    .collect();

                let releases: Vec<ReleaseRec> = sqlx::query_as(
                    "SELECT r.id, r.offering_id, r.version, r.released_on, r.created_at, r.updated_at \
                     FROM releases r JOIN offerings o ON o.id = r.offering_id \
                     JOIN suppliers s ON s.id = o.supplier_id ORDER BY o.name_key, s.name_key, r.version",
                )
                .fetch_all(&mut *c)
                .await?;
                let releases = releases
                    .into_iter()
                    .map(Release::from)
                    .map(|r| Line {
                        line: 0,
                        row: ReleaseRow {
                            offering: offering_name(&r.data.offering.0),
                            version: r.data.version,
                            released_on: r.data.released_on,
                        },
                    })
                    .collect();

                let rows: Vec<ServiceRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::service_cols!(),
                    " FROM services ORDER BY name_key"
                ))
                .fetch_all(&mut *c)
                .await?;
                let uses: Vec<UseRec> = sqlx::query_as(
                    "SELECT service_id, offering_id, purpose FROM service_uses ORDER BY service_id, position",
                )
                .fetch_all(&mut *c)
                .await?;
                let alts: Vec<AltRec> = sqlx::query_as(
                    "SELECT service_id, offering_id, alternative_id FROM use_alternatives \
                     ORDER BY service_id, offering_id, position",
                )
                .fetch_all(&mut *c)
                .await?;
                let services = assemble_services(rows, uses, alts)?;
                let mut service_rows = Vec::with_capacity(services.len());
                let mut use_rows = Vec::new();
                for s in services {
                    for u in s.data.uses {
                        use_rows.push(Line {
                            line: 0,
                            row: UseRow {
                                service: s.data.name.clone(),
                                offering: offering_name(&u.offering.0),
                                purpose: u.purpose,
                                alternatives: u.alternatives.iter().map(|a| offering_name(&a.0)).collect(),
                            },
                        });
                    }
                    service_rows.push(Line {
                        line: 0,
                        row: ServiceRow {
                            name: s.data.name,
                            owner: s.data.owner,
                            owner_email: s.data.owner_email,
                            rto_hours: s.data.rto_hours,
                            criticality: s.data.criticality,
                            description: s.data.description,
                        },
                    });
                }
                Ok(RegistryBatch {
                    suppliers: suppliers.into_iter().map(|s| Line { line: 0, row: s.data }).collect(),
                    subcontracts,
                    offerings: offering_rows,
                    releases,
                    services: service_rows,
                    uses: use_rows,
                })
            }

            async fn graph_all(c: &mut Conn) -> Result<GraphInput> {
                let suppliers: Vec<(Uuid, String)> =
                    sqlx::query_as("SELECT id, name FROM suppliers").fetch_all(&mut *c).await?;
                let offerings: Vec<(Uuid, String, Uuid)> =
                    sqlx::query_as("SELECT id, name, supplier_id FROM offerings").fetch_all(&mut *c).await?;
                let services: Vec<(Uuid, String)> =
                    sqlx::query_as("SELECT id, name FROM services").fetch_all(&mut *c).await?;
                let links: Vec<(Uuid, Uuid)> = sqlx::query_as("SELECT supplier_id, subcontractor_id FROM subcontracts")
                    .fetch_all(&mut *c)
                    .await?;
                let uses: Vec<(Uuid, Uuid)> =
                    sqlx::query_as("SELECT service_id, offering_id FROM service_uses").fetch_all(&mut *c).await?;
                let alts: Vec<(Uuid, Uuid, Uuid)> =
                    sqlx::query_as("SELECT service_id, offering_id, alternative_id FROM use_alternatives")
                        .fetch_all(&mut *c)
                        .await?;
                let mut input = GraphInput {
                    nodes: Vec::with_capacity(suppliers.len() + offerings.len() + services.len()),
                    edges: Vec::with_capacity(offerings.len() + links.len() + uses.len()),
                    alternatives: Vec::with_capacity(alts.len()),
                };
                for (id, label) in suppliers {
                    input.nodes.push(GraphNode { key: NodeKey::Supplier(SupplierId(id)), label });
                }
                for (id, label, supplier) in offerings {
                    let key = NodeKey::Offering(OfferingId(id));
                    input.nodes.push(GraphNode { key, label });
                    input.edges.push(GraphEdge {
                        from: key,
                        to: NodeKey::Supplier(SupplierId(supplier)),
                        kind: EdgeKind::ProvidedBy,
                    });
                }
                for (id, label) in services {
                    input.nodes.push(GraphNode { key: NodeKey::Service(ServiceId(id)), label });
                }
                for (from, to) in links {
                    input.edges.push(GraphEdge {
                        from: NodeKey::Supplier(SupplierId(from)),
                        to: NodeKey::Supplier(SupplierId(to)),
                        kind: EdgeKind::SubcontractsTo,
                    });
                }
                for (service, offering) in uses {
                    input.edges.push(GraphEdge {
                        from: NodeKey::Service(ServiceId(service)),
                        to: NodeKey::Offering(OfferingId(offering)),
                        kind: EdgeKind::Uses,
                    });
                }
                for (service, primary, alternative) in alts {
                    input.alternatives.push(GraphAlternative {
                        service: ServiceId(service),
                        primary: OfferingId(primary),
                        alternative: OfferingId(alternative),
                    });
                }
                Ok(input)
            }

            // ---- accounts -----------------------------------------------------------------

            async fn user_by_id(c: &mut Conn, id: Uuid) -> R<Option<User>> {
                let row: Option<UserRec> =
                    sqlx::query_as(concat!("SELECT ", $crate::shared::user_cols!(), " FROM users WHERE id = $1"))
                        .bind(id)
                        .fetch_optional(&mut *c)
                        .await?;
                Ok(row.map(User::try_from).transpose()?)
            }

            async fn require_user(c: &mut Conn, id: UserId) -> R<User> {
                user_by_id(c, id.0).await?.ok_or_else(|| Fail::not_found("id", "user", id))
            }

            async fn token_by_id(c: &mut Conn, id: TokenId) -> R<ApiToken> {
                let row: Option<TokenRec> =
                    sqlx::query_as(concat!("SELECT ", $crate::shared::token_cols!(), " FROM api_tokens WHERE id = $1"))
                        .bind(id.0)
                        .fetch_optional(&mut *c)
                        .await?;
                row.map(ApiToken::try_from).transpose()?.ok_or_else(|| Fail::not_found("id", "token", id))
            }

            /// Deletes the sessions of `user` that have passed their absolute expiry. (The
            /// times are compared here, not in SQL: SQLite keeps them as text of varying
            /// length, which does not sort like the time.)
            async fn purge_expired_sessions(c: &mut Conn, user: UserId, now: time::OffsetDateTime) -> R<()> {
                let sessions: Vec<(String, time::OffsetDateTime)> =
                    sqlx::query_as("SELECT id_hash, expires_at FROM sessions WHERE user_id = $1")
                        .bind(user.0)
                        .fetch_all(&mut *c)
                        .await?;
                for (id_hash, expires_at) in sessions {
                    if expires_at <= now {
                        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *c).await?;
                    }
                }
                Ok(())
            }

            /// Entries after `after_seq`, oldest first.
            async fn audit_page(c: &mut Conn, after_seq: i64, limit: u64) -> R<Vec<AuditEntry>> {
                let (limit, _) = limit_offset(Page { offset: 0, limit });
                let rows: Vec<AuditRec> = sqlx::query_as(concat!(
                    "SELECT ",
                    $crate::shared::audit_cols!(),
                    " FROM audit_log WHERE seq > $1 ORDER BY seq LIMIT $2"
                ))
                .bind(after_seq)
                .bind(limit)
                .fetch_all(&mut *c)
                .await?;
                Ok(rows.into_iter().map(AuditEntry::from).collect())
            }

            // ---- the trait ----------------------------------------------------------------

            impl $store {
                /// The one supplier this store's caller may reach, if it is confined to one.
                fn reach(&self) -> Option<Uuid> {
                    reach_of(&self.caller)
                }
            }

            #[async_trait]
            impl Store for $store {
                fn backend(&self) -> Backend {
                    $backend
                }

                fn caller(&self) -> &Caller {
                    &self.caller
                }

                fn with_caller(&self, caller: Caller) -> Arc<dyn Store> {
                    Arc::new($store { pool: self.pool.clone(), caller })
                }

                async fn ping(&self) -> Result<()> {
                    sqlx::query("SELECT 1").execute(&self.pool).await?;
                    Ok(())
                }

                async fn create_supplier(&self, data: SupplierData) -> Result<Supplier> {
                    unscoped(&self.caller, "create suppliers")?;
                    let data = data.validated()?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let (supplier, outcome) = save_supplier(&mut tx, None, data).await?;
                    audit_save(&mut tx, &self.caller, "supplier", supplier.id, outcome, None, &supplier).await?;
                    tx.commit().await?;
                    Ok(supplier)
                }

                async fn update_supplier(&self, id: SupplierId, data: SupplierData) -> Result<Supplier> {
                    let reach = self.reach();
                    // Unscoped callers hear about bad data before unknown ids, as they always did.
                    let data = if reach.is_none() { data.validated()? } else { data };
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let existing = require_supplier(&mut tx, id, reach).await?;
                    let saved = match reach {
                        None => save_supplier(&mut tx, Some(&existing), data).await,
                        Some(_) => {
                            let data = profile_only(&existing.data, data).validated()?;
                            save_supplier(&mut tx, Some(&existing), data).await.map_err(conflict_without_names)
                        }
                    };
                    let (supplier, outcome) = saved?;
                    if outcome != Outcome::Unchanged {
                        audit_save(&mut tx, &self.caller, "supplier", id, outcome, Some(&existing), &supplier).await?;
                        tx.commit().await?;
                    }
                    Ok(supplier)
                }

                async fn delete_supplier(&self, id: SupplierId) -> Result<()> {
                    unscoped(&self.caller, "delete suppliers")?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let before = require_supplier(&mut tx, id, self.reach()).await?;
                    // The supplier's accounts and API tokens go with it (the schema cascades):
                    // each leaves a `delete` entry of its own, the tokens without their hashes.
                    let users: Vec<UserRec> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::shared::user_cols!(),
                        " FROM users WHERE supplier_id = $1 ORDER BY created_at, id"
                    ))
                    .bind(id.0)
                    .fetch_all(&mut *tx)
                    .await?;
                    let tokens: Vec<TokenRec> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::shared::token_cols!(),
                        " FROM api_tokens WHERE supplier_id = $1 \
                         OR user_id IN (SELECT id FROM users WHERE supplier_id = $1) ORDER BY created_at, id"
                    ))
                    .bind(id.0)
                    .fetch_all(&mut *tx)
                    .await?;
                    for token in tokens {
                        let token = ApiToken::try_from(token)?;
                        append_audit(&mut tx, &self.caller, change("delete", "token", token.id, Some(&token), None))
                            .await?;
                    }
                    for user in users {
                        let user = User::try_from(user)?;
                        append_audit(&mut tx, &self.caller, change("delete", "user", user.id, Some(&user), None))
                            .await?;
                    }
                    delete_row(&mut tx, "suppliers", id.0).await?;
                    append_audit(&mut tx, &self.caller, change("delete", "supplier", id, Some(&before), None)).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn get_supplier(&self, id: SupplierId) -> Result<Supplier> {
                    let mut c = self.pool.acquire().await?;
                    Ok(require_supplier(&mut c, id, self.reach()).await?)
                }

                async fn find_supplier(&self, reference: &str) -> Result<Supplier> {
                    let reach = self.reach();
                    let mut c = self.pool.acquire().await?;
                    let not_found = || StoreError::NotFound { entity: "supplier", reference: reference.to_owned() };
                    let id = supplier_ref(&mut c, reference, reach).await?.ok_or_else(not_found)?;
                    supplier_by_id(&mut c, id, reach).await?.ok_or_else(not_found)
                }

                async fn supplier_names(&self, ids: &[SupplierId]) -> Result<HashMap<SupplierId, String>> {
                    let mut ids: Vec<Uuid> = ids.iter().map(|s| s.0).filter(|id| self.reach().is_none_or(|r| r == *id)).collect();
                    ids.sort_unstable();
                    ids.dedup();
                    ids.truncate(usize::try_from(Page::MAX_LIMIT).unwrap_or(usize::MAX));
                    if ids.is_empty() {
                        return Ok(HashMap::new());
                    }
                    let sql = format!("SELECT id, name FROM suppliers WHERE id IN ({})", placeholders(1, ids.len()));
                    let mut q = sqlx::query_as::<_, (Uuid, String)>(AssertSqlSafe(sql));
                    for id in &ids {
                        q = q.bind(*id);
                    }
                    let rows = q.fetch_all(&self.pool).await?;
                    Ok(rows.into_iter().map(|(id, name)| (SupplierId(id), name)).collect())
                }

                async fn list_suppliers(&self, filter: &SupplierFilter, page: Page) -> Result<Paged<Supplier>> {
                    let w = Where::suppliers(filter).within("id", self.reach());
                    let mut c = self.pool.acquire().await?;
                    let (rows, total): (Vec<SupplierRec>, u64) =
                        page_of(&mut c, "suppliers", $crate::shared::supplier_cols!(), &w, page).await?;
                    let ids: Vec<Uuid> = rows.iter().map(SupplierRec::id).collect();
                    let items = suppliers_with_owners(&mut c, rows, &ids).await?;
                    Ok(Paged { items, total })
                }

                async fn create_subcontract(&self, data: SubcontractData) -> Result<Subcontract> {
                    unscoped(&self.caller, "manage subcontracting")?;
                    let data = validate_subcontract(data)?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    if subcontract_by_pair(&mut tx, data.supplier.0, data.subcontractor.0).await?.is_some() {
                        let a = name_of(&mut tx, "suppliers", data.supplier.0).await?;
                        let b = name_of(&mut tx, "suppliers", data.subcontractor.0).await?;
                        return Err(StoreError::Conflict(format!("supplier {a:?} subcontracts to {b:?} already")));
                    }
                    let (link, outcome, _) = save_subcontract(&mut tx, data).await?;
                    audit_save(&mut tx, &self.caller, "subcontract", link.id, outcome, None, &link).await?;
                    tx.commit().await?;
                    Ok(link)
                }

                async fn delete_subcontract(&self, id: SubcontractId) -> Result<()> {
                    unscoped(&self.caller, "manage subcontracting")?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let before = require_subcontract(&mut tx, id).await?;
                    delete_row(&mut tx, "subcontracts", id.0).await?;
                    let event = change("delete", "subcontract", id, Some(&before), None);
                    append_audit(&mut tx, &self.caller, event).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn list_subcontracts(&self, supplier: Option<SupplierId>) -> Result<Vec<Subcontract>> {
                    unscoped(&self.caller, "see subcontracting")?;
                    let mut c = self.pool.acquire().await?;
                    if let Some(s) = supplier {
                        if !supplier_visible(&mut c, s.0, None).await? {
                            return Err(Fail::not_found("supplier", "supplier", s).into());
                        }
                    }
                    let sql = "SELECT l.id, l.supplier_id, l.subcontractor_id, l.scope, l.since, l.handles_our_data, \
                         l.created_at, l.updated_at FROM subcontracts l \
                         JOIN suppliers a ON a.id = l.supplier_id JOIN suppliers b ON b.id = l.subcontractor_id \
                         WHERE $1 IS NULL OR l.supplier_id = $1 OR l.subcontractor_id = $1 \
                         ORDER BY a.name_key, b.name_key";
                    let rows: Vec<SubcontractRec> =
                        sqlx::query_as(sql).bind(supplier.map(|s| s.0)).fetch_all(&mut *c).await?;
                    Ok(rows.into_iter().map(Subcontract::from).collect())
                }

                async fn create_offering(&self, data: OfferingData) -> Result<Offering> {
                    let data = validate_offering(data)?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let (offering, outcome) = save_offering(&mut tx, None, data, self.reach()).await?;
                    audit_save(&mut tx, &self.caller, "offering", offering.id, outcome, None, &offering).await?;
                    tx.commit().await?;
                    Ok(offering)
                }

                async fn update_offering(&self, id: OfferingId, data: OfferingData) -> Result<Offering> {
                    let reach = self.reach();
                    let data = validate_offering(data)?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let existing = require_offering(&mut tx, id, reach).await?;
                    let (offering, outcome) = save_offering(&mut tx, Some(&existing), data, reach).await?;
                    if outcome != Outcome::Unchanged {
                        audit_save(&mut tx, &self.caller, "offering", id, outcome, Some(&existing), &offering).await?;
                        tx.commit().await?;
                    }
                    Ok(offering)
                }

                async fn delete_offering(&self, id: OfferingId) -> Result<()> {
                    let reach = self.reach();
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let before = require_offering(&mut tx, id, reach).await?;
                    let users = services_using(&mut tx, id.0).await?;
                    if reach.is_some() && !users.is_empty() {
                        // Our services are none of a supplier's business: it neither changes
                        // them nor learns which they are.
                        return Err(StoreError::Conflict(
                            "this offering is in use by the organisation; ask your contact there to retire it".into(),
                        ));
                    }
                    let mut services_before = Vec::with_capacity(users.len());
                    for service in users {
                        services_before.push(require_service(&mut tx, ServiceId(service)).await?);
                    }
                    delete_row(&mut tx, "offerings", id.0).await?;
                    append_audit(&mut tx, &self.caller, change("delete", "offering", id, Some(&before), None)).await?;
                    // The deletion took the offering out of these services' uses (or their
                    // alternatives): each is a change of the service, audited as such.
                    let changed_at = now();
                    for service_before in services_before {
                        sqlx::query("UPDATE services SET updated_at = $2 WHERE id = $1")
                            .bind(service_before.id.0)
                            .bind(changed_at)
                            .execute(&mut *tx)
                            .await?;
                        let service_after = require_service(&mut tx, service_before.id).await?;
                        let event =
                            change("update", "service", service_before.id, Some(&service_before), Some(&service_after));
                        append_audit(&mut tx, &self.caller, event).await?;
                    }
                    tx.commit().await?;
                    Ok(())
                }

                async fn get_offering(&self, id: OfferingId) -> Result<Offering> {
                    let mut c = self.pool.acquire().await?;
                    Ok(require_offering(&mut c, id, self.reach()).await?)
                }

                async fn find_offering(&self, reference: &str) -> Result<Offering> {
                    let reach = self.reach();
                    let mut c = self.pool.acquire().await?;
                    let not_found = || StoreError::NotFound { entity: "offering", reference: reference.to_owned() };
                    let id = offering_ref(&mut c, reference, reach).await?.ok_or_else(not_found)?;
                    offering_by_id(&mut c, id, reach).await?.ok_or_else(not_found)
                }

                async fn list_offerings(&self, filter: &OfferingFilter, page: Page) -> Result<Paged<Offering>> {
                    let reach = self.reach();
                    let mut c = self.pool.acquire().await?;
                    // A supplier out of reach answers exactly like one that does not exist.
                    if let Some(s) = filter.supplier {
                        if !supplier_visible(&mut c, s.0, reach).await? {
                            return Err(Fail::not_found("supplier", "supplier", s).into());
                        }
                    }
                    let w = Where::offerings(filter).within("supplier_id", reach);
                    let (rows, total): (Vec<OfferingRec>, u64) =
                        page_of(&mut c, "offerings", $crate::shared::offering_cols!(), &w, page).await?;
                    let items = rows.into_iter().map(Offering::try_from).collect::<Result<Vec<_>>>()?;
                    Ok(Paged { items, total })
                }

                async fn create_release(&self, data: ReleaseData) -> Result<Release> {
                    let reach = self.reach();
                    let data = validate_release(data)?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    // Out of reach first: a conflict would reveal another supplier's release.
                    let offering = offering_by_id(&mut tx, data.offering.0, reach)
                        .await?
                        .ok_or_else(|| Fail::not_found("offering", "offering", data.offering))?;
                    if release_by_version(&mut tx, data.offering.0, &data.version).await?.is_some() {
                        return Err(StoreError::Conflict(format!(
                            "offering {:?} has a release {:?} already",
                            offering.data.name, data.version
                        )));
                    }
                    let (release, outcome, _) = save_release(&mut tx, data, reach).await?;
                    audit_save(&mut tx, &self.caller, "release", release.id, outcome, None, &release).await?;
                    tx.commit().await?;
                    Ok(release)
                }

                async fn delete_release(&self, id: ReleaseId) -> Result<()> {
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let before = require_release(&mut tx, id, self.reach()).await?;
                    delete_row(&mut tx, "releases", id.0).await?;
                    append_audit(&mut tx, &self.caller, change("delete", "release", id, Some(&before), None)).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn get_release(&self, id: ReleaseId) -> Result<Release> {
                    let mut c = self.pool.acquire().await?;
                    Ok(require_release(&mut c, id, self.reach()).await?)
                }

                async fn list_releases(&self, offering: OfferingId) -> Result<Vec<Release>> {
                    let mut c = self.pool.acquire().await?;
                    require_offering(&mut c, offering, self.reach()).await?;
                    let rows: Vec<ReleaseRec> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::shared::release_cols!(),
                        " FROM releases WHERE offering_id = $1 ORDER BY released_on DESC NULLS LAST, version DESC"
                    ))
                    .bind(offering.0)
                    .fetch_all(&mut *c)
                    .await?;
                    Ok(rows.into_iter().map(Release::from).collect())
                }

                async fn create_service(&self, data: ServiceData) -> Result<Service> {
                    unscoped(&self.caller, "manage internal services")?;
                    let data = validate_service(data)?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let (service, outcome) = save_service(&mut tx, None, data, true).await?;
                    audit_save(&mut tx, &self.caller, "service", service.id, outcome, None, &service).await?;
                    tx.commit().await?;
                    Ok(service)
                }

                async fn update_service(&self, id: ServiceId, data: ServiceData) -> Result<Service> {
                    unscoped(&self.caller, "manage internal services")?;
                    let data = validate_service(data)?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let existing = require_service(&mut tx, id).await?;
                    let (service, outcome) = save_service(&mut tx, Some(&existing), data, true).await?;
                    if outcome != Outcome::Unchanged {
                        audit_save(&mut tx, &self.caller, "service", id, outcome, Some(&existing), &service).await?;
                        tx.commit().await?;
                    }
                    Ok(service)
                }

                async fn delete_service(&self, id: ServiceId) -> Result<()> {
                    unscoped(&self.caller, "manage internal services")?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let before = require_service(&mut tx, id).await?;
                    delete_row(&mut tx, "services", id.0).await?;
                    append_audit(&mut tx, &self.caller, change("delete", "service", id, Some(&before), None)).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn get_service(&self, id: ServiceId) -> Result<Service> {
                    unscoped(&self.caller, "see internal services")?;
                    let mut c = self.pool.acquire().await?;
                    Ok(require_service(&mut c, id).await?)
                }

                async fn find_service(&self, reference: &str) -> Result<Service> {
                    unscoped(&self.caller, "see internal services")?;
                    let mut c = self.pool.acquire().await?;
                    let not_found = || StoreError::NotFound { entity: "service", reference: reference.to_owned() };
                    let id = service_ref(&mut c, reference).await?.ok_or_else(not_found)?;
                    service_by_id(&mut c, id).await?.ok_or_else(not_found)
                }

                async fn list_services(&self, filter: &ServiceFilter, page: Page) -> Result<Paged<Service>> {
                    unscoped(&self.caller, "see internal services")?;
                    let w = Where::services(filter);
                    let mut c = self.pool.acquire().await?;
                    let (rows, total): (Vec<ServiceRec>, u64) =
                        page_of(&mut c, "services", $crate::shared::service_cols!(), &w, page).await?;
                    let ids: Vec<Uuid> = rows.iter().map(ServiceRec::id).collect();
                    let items = services_with_uses(&mut c, rows, &ids).await?;
                    Ok(Paged { items, total })
                }

                async fn import(&self, batch: RegistryBatch, mode: ImportMode) -> Result<ImportReport> {
                    unscoped(&self.caller, "import")?;
                    let mut report = ImportReport { problems: batch.duplicate_keys(), ..ImportReport::default() };
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    // The head is locked once, outside the rows' savepoints: a lock taken
                    // within a row that is undone would be given up with it, letting another
                    // writer in half-way through the import.
                    lock_audit_head(&mut tx).await?;
                    import_rows(&mut tx, &self.caller, batch, &mut report).await?;
                    let keep = match mode {
                        ImportMode::SkipBad => true,
                        ImportMode::AllOrNothing => report.problems.is_empty(),
                        ImportMode::DryRun => false,
                    };
                    if !keep {
                        // The entries of the rows go with them.
                        tx.rollback().await?;
                        report.written = false;
                    } else {
                        if report.n_changed() > 0 {
                            // Each row has its own entry; this one says they came in one import.
                            let summary = serde_json::json!({
                                "counts": report.counts,
                                "problems": report.problems.len(),
                            });
                            let event = AuditEvent::new::<(), _>("import", "registry", None, None, Some(&summary));
                            append_audit(&mut tx, &self.caller, event).await?;
                        }
                        tx.commit().await?;
                        report.written = true;
                    }
                    Ok(report)
                }

                async fn export(&self) -> Result<RegistryBatch> {
                    unscoped(&self.caller, "export the registry")?;
                    let mut tx = self.pool.begin_with($begin_read).await?;
                    let batch = export_all(&mut tx).await?;
                    tx.rollback().await?;
                    Ok(batch)
                }

                async fn registry_revision(&self) -> Result<i64> {
                    let (revision,): (i64,) =
                        sqlx::query_as("SELECT revision FROM registry_revision WHERE id = 1").fetch_one(&self.pool).await?;
                    Ok(revision)
                }

                async fn graph_input(&self) -> Result<GraphInput> {
                    unscoped(&self.caller, "see the supply-chain graph")?;
                    let mut tx = self.pool.begin_with($begin_read).await?;
                    let input = graph_all(&mut tx).await?;
                    tx.rollback().await?;
                    Ok(input)
                }

                // ---- accounts ---------------------------------------------------------------

                async fn create_user(&self, user: NewUser) -> Result<User> {
                    unscoped(&self.caller, "manage accounts")?;
                    let user = user.validated()?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let key = fold(&user.username);
                    let taken: Option<String> = sqlx::query_scalar("SELECT username FROM users WHERE username_key = $1")
                        .bind(&key)
                        .fetch_optional(&mut *tx)
                        .await?;
                    if let Some(name) = taken {
                        return Err(StoreError::Conflict(format!("the username {name:?} is taken")));
                    }
                    if let Some(s) = user.supplier {
                        if !supplier_visible(&mut tx, s.0, None).await? {
                            return Err(Fail::not_found("supplier", "supplier", s).into());
                        }
                    }
                    let now = now();
                    let created = User {
                        id: UserId(new_id()),
                        username: user.username,
                        display_name: user.display_name,
                        email: user.email,
                        role: user.role,
                        supplier: user.supplier,
                        disabled: false,
                        failed_logins: 0,
                        locked_until: None,
                        must_change_password: user.must_change_password,
                        created_at: now,
                        updated_at: now,
                    };
                    sqlx::query(concat!(
                        "INSERT INTO users (",
                        $crate::shared::user_cols!(),
                        ", username_key, password_hash) \
                         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)"
                    ))
                    .bind(created.id.0)
                    .bind(&created.username)
                    .bind(&created.display_name)
                    .bind(&created.email)
                    .bind(created.role.as_str())
                    .bind(created.supplier.map(|s| s.0))
                    .bind(created.disabled)
                    .bind(0_i32)
                    .bind(created.locked_until)
                    .bind(created.must_change_password)
                    .bind(created.created_at)
                    .bind(created.updated_at)
                    .bind(&key)
                    .bind(&user.password_hash)
                    .execute(&mut *tx)
                    .await?;
                    let event = change("create", "user", created.id, None, Some(&created));
                    append_audit(&mut tx, &self.caller, event).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn get_user(&self, id: UserId) -> Result<User> {
                    own_account(&self.caller, Some(id), "see other accounts")?;
                    let mut c = self.pool.acquire().await?;
                    Ok(require_user(&mut c, id).await?)
                }

                async fn credentials(&self, username: &str) -> Result<Option<Credentials>> {
                    let row: Option<CredentialsRec> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::shared::user_cols!(),
                        ", password_hash FROM users WHERE username_key = $1"
                    ))
                    .bind(fold(username))
                    .fetch_optional(&self.pool)
                    .await?;
                    let found = match row {
                        Some(r) => Some(Credentials { user: User::try_from(r.user)?, password_hash: r.password_hash }),
                        None => None,
                    };
                    // Only after the look-up is it known whose name it is; an unknown name is
                    // refused like another person's, so a scoped caller learns nothing of either.
                    own_account(&self.caller, found.as_ref().map(|c| c.user.id), "see other accounts")?;
                    Ok(found)
                }

                async fn list_users(&self) -> Result<Vec<User>> {
                    unscoped(&self.caller, "manage accounts")?;
                    let rows: Vec<UserRec> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::shared::user_cols!(),
                        " FROM users ORDER BY username_key"
                    ))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.into_iter().map(User::try_from).collect()
                }

                async fn update_user(&self, id: UserId, requested: UserChange) -> Result<User> {
                    unscoped(&self.caller, "manage accounts")?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let before = require_user(&mut tx, id).await?;
                    let mut after = before.clone();
                    if let Some(name) = requested.display_name {
                        after.display_name = check_display_name(&name, &after.username)?;
                    }
                    if let Some(email) = requested.email {
                        after.email = match email.as_deref().map(str::trim) {
                            None | Some("") => None,
                            Some(e) => Some(check_email("email", e)?),
                        };
                    }
                    if let Some(role) = requested.role {
                        after.role = role;
                        // Leaving the supplier role leaves the supplier unless told otherwise.
                        if role != Role::Supplier && requested.supplier.is_none() {
                            after.supplier = None;
                        }
                    }
                    if let Some(supplier) = requested.supplier {
                        after.supplier = supplier;
                    }
                    check_role_supplier(after.role, after.supplier)?;
                    if let Some(s) = after.supplier.filter(|s| before.supplier != Some(*s)) {
                        if !supplier_visible(&mut tx, s.0, None).await? {
                            return Err(Fail::not_found("supplier", "supplier", s).into());
                        }
                    }
                    if let Some(disabled) = requested.disabled {
                        after.disabled = disabled;
                    }
                    if after == before {
                        return Ok(before);
                    }
                    let enabled_admin = |u: &User| u.role == Role::Admin && !u.disabled;
                    if enabled_admin(&before) && !enabled_admin(&after) {
                        // The enabled admins stay locked until the end of the transaction, so two
                        // admins demoting each other at once cannot both succeed (SQLite's write
                        // transactions exclude each other anyway).
                        let admins: Vec<Uuid> = sqlx::query_scalar(concat!(
                            "SELECT id FROM users WHERE role = $1 AND disabled = $2 ORDER BY id",
                            $lock_head
                        ))
                        .bind(Role::Admin.as_str())
                        .bind(false)
                        .fetch_all(&mut *tx)
                        .await?;
                        if admins.iter().all(|a| *a == id.0) {
                            return Err(StoreError::Conflict(format!(
                                "{:?} is the last enabled admin; make another account an admin first",
                                before.username
                            )));
                        }
                    }
                    after.updated_at = now();
                    sqlx::query(
                        "UPDATE users SET display_name = $2, email = $3, role = $4, supplier_id = $5, disabled = $6, \
                         updated_at = $7 WHERE id = $1",
                    )
                    .bind(id.0)
                    .bind(&after.display_name)
                    .bind(&after.email)
                    .bind(after.role.as_str())
                    .bind(after.supplier.map(|s| s.0))
                    .bind(after.disabled)
                    .bind(after.updated_at)
                    .execute(&mut *tx)
                    .await?;
                    if after.disabled {
                        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id.0).execute(&mut *tx).await?;
                    }
                    let event = change("update", "user", id, Some(&before), Some(&after));
                    append_audit(&mut tx, &self.caller, event).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn set_password(
                    &self,
                    id: UserId,
                    password_hash: &str,
                    must_change_password: bool,
                    keep_session: Option<&str>,
                ) -> Result<()> {
                    own_account(&self.caller, Some(id), "manage other accounts")?;
                    if !password_hash.starts_with("$argon2id$") {
                        return Err(InvalidValue::new("password_hash", "not an Argon2id PHC string").into());
                    }
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let mut user = require_user(&mut tx, id).await?;
                    user.failed_logins = 0;
                    user.locked_until = None;
                    user.must_change_password = must_change_password;
                    user.updated_at = now();
                    sqlx::query(
                        "UPDATE users SET password_hash = $2, failed_logins = 0, locked_until = NULL, \
                         must_change_password = $3, updated_at = $4 WHERE id = $1",
                    )
                    .bind(id.0)
                    .bind(password_hash)
                    .bind(must_change_password)
                    .bind(user.updated_at)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND ($2 IS NULL OR id_hash <> $2)")
                        .bind(id.0)
                        .bind(keep_session)
                        .execute(&mut *tx)
                        .await?;
                    append_audit(&mut tx, &self.caller, account_event("set-password", id, Some(&user))).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn record_login_failure(&self, id: UserId) -> Result<User> {
                    unscoped(&self.caller, "manage accounts")?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let mut user = require_user(&mut tx, id).await?;
                    user.failed_logins = user.failed_logins.saturating_add(1);
                    let locks = user.failed_logins >= LOCKOUT_THRESHOLD;
                    if locks {
                        user.locked_until = Some(now() + LOCKOUT_DURATION);
                    }
                    sqlx::query("UPDATE users SET failed_logins = $2, locked_until = $3 WHERE id = $1")
                        .bind(id.0)
                        .bind(i32::try_from(user.failed_logins).unwrap_or(i32::MAX))
                        .bind(user.locked_until)
                        .execute(&mut *tx)
                        .await?;
                    append_audit(&mut tx, &self.caller, account_event("login-failed", id, Some(&user))).await?;
                    if locks {
                        append_audit(&mut tx, &self.caller, account_event("lockout", id, Some(&user))).await?;
                    }
                    tx.commit().await?;
                    Ok(user)
                }

                async fn count_admins(&self) -> Result<u64> {
                    unscoped(&self.caller, "manage accounts")?;
                    let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE role = $1 AND disabled = $2")
                        .bind(Role::Admin.as_str())
                        .bind(false)
                        .fetch_one(&self.pool)
                        .await?;
                    Ok(count(n))
                }

                // ---- sessions ---------------------------------------------------------------

                async fn create_session(&self, session: Session) -> Result<()> {
                    unscoped(&self.caller, "manage sessions")?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let user = require_user(&mut tx, session.user).await?;
                    purge_expired_sessions(&mut tx, user.id, now()).await?;
                    sqlx::query(concat!(
                        "INSERT INTO sessions (",
                        $crate::shared::session_cols!(),
                        ") VALUES ($1, $2, $3, $4, $5, $6)"
                    ))
                    .bind(&session.id_hash)
                    .bind(session.user.0)
                    .bind(&session.csrf_token)
                    .bind(session.created_at)
                    .bind(session.last_seen_at)
                    .bind(session.expires_at)
                    .execute(&mut *tx)
                    .await?;
                    sqlx::query("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1")
                        .bind(user.id.0)
                        .execute(&mut *tx)
                        .await?;
                    // Neither the session's hash nor its CSRF token goes into the log.
                    append_audit(&mut tx, &self.caller, account_event("login", user.id, None)).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn session(&self, id_hash: &str, idle: time::Duration) -> Result<Option<(Session, User)>> {
                    unscoped(&self.caller, "manage sessions")?;
                    // Every request asks this: reads take no write lock, and `last_seen_at`
                    // is written at most every SESSION_TOUCH, not on every request.
                    let mut c = self.pool.acquire().await?;
                    let row: Option<SessionRec> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::shared::session_cols!(),
                        " FROM sessions WHERE id_hash = $1"
                    ))
                    .bind(id_hash)
                    .fetch_optional(&mut *c)
                    .await?;
                    let Some(mut session) = row.map(Session::from) else { return Ok(None) };
                    let now = now();
                    if now >= session.expires_at || now - session.last_seen_at > idle {
                        sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *c).await?;
                        return Ok(None);
                    }
                    let Some(user) = user_by_id(&mut c, session.user.0).await?.filter(|u| !u.disabled) else {
                        return Ok(None);
                    };
                    if now - session.last_seen_at >= $crate::shared::SESSION_TOUCH {
                        sqlx::query("UPDATE sessions SET last_seen_at = $2 WHERE id_hash = $1")
                            .bind(id_hash)
                            .bind(now)
                            .execute(&mut *c)
                            .await?;
                        session.last_seen_at = now;
                    }
                    Ok(Some((session, user)))
                }

                async fn delete_session(&self, id_hash: &str) -> Result<()> {
                    unscoped(&self.caller, "manage sessions")?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let user: Option<Uuid> = sqlx::query_scalar("SELECT user_id FROM sessions WHERE id_hash = $1")
                        .bind(id_hash)
                        .fetch_optional(&mut *tx)
                        .await?;
                    // Logging out of a session that has ended already is no error.
                    let Some(user) = user else { return Ok(()) };
                    sqlx::query("DELETE FROM sessions WHERE id_hash = $1").bind(id_hash).execute(&mut *tx).await?;
                    append_audit(&mut tx, &self.caller, account_event("logout", UserId(user), None)).await?;
                    tx.commit().await?;
                    Ok(())
                }

                // ---- API tokens -------------------------------------------------------------

                async fn create_token(&self, token: NewToken) -> Result<ApiToken> {
                    // A scoped caller's own token reaches no further than the caller.
                    let within_scope = self.caller.supplier_scope().is_none_or(|own| {
                        is_own(&self.caller, token.user) && (token.role, token.supplier) == (Role::Supplier, Some(own))
                    });
                    if !within_scope {
                        return Err(StoreError::Forbidden(
                            "a supplier account can create only its own tokens, confined to its supplier".to_owned(),
                        ));
                    }
                    let name = check_name("name", &token.name)?;
                    check_role_supplier(token.role, token.supplier)?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    if let Some(user) = token.user {
                        let user = require_user(&mut tx, user).await.map_err(|f| match f.error {
                            StoreError::NotFound { .. } => Fail::not_found("user", "user", user),
                            error => Fail { column: f.column, error },
                        })?;
                        // A supplier's person can never hold a token that reaches further.
                        let within = (token.role, token.supplier) == (Role::Supplier, user.supplier);
                        if user.role == Role::Supplier && !within {
                            return Err(InvalidValue::new(
                                "supplier",
                                "a supplier account's token must have the supplier role and its supplier",
                            )
                            .into());
                        }
                    }
                    if let Some(s) = token.supplier {
                        if !supplier_visible(&mut tx, s.0, None).await? {
                            return Err(Fail::not_found("supplier", "supplier", s).into());
                        }
                    }
                    let created = ApiToken {
                        id: TokenId(new_id()),
                        name,
                        user: token.user,
                        role: token.role,
                        supplier: token.supplier,
                        prefix: token.prefix,
                        created_by: self.caller.actor.clone(),
                        created_at: now(),
                        expires_at: token.expires_at.map(to_micros),
                        revoked_at: None,
                        last_used_at: None,
                    };
                    sqlx::query(concat!(
                        "INSERT INTO api_tokens (",
                        $crate::shared::token_cols!(),
                        ", token_hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)"
                    ))
                    .bind(created.id.0)
                    .bind(&created.name)
                    .bind(created.user.map(|u| u.0))
                    .bind(created.role.as_str())
                    .bind(created.supplier.map(|s| s.0))
                    .bind(&created.prefix)
                    .bind(&created.created_by)
                    .bind(created.created_at)
                    .bind(created.expires_at)
                    .bind(created.revoked_at)
                    .bind(created.last_used_at)
                    .bind(&token.token_hash)
                    .execute(&mut *tx)
                    .await?;
                    let event = change("create", "token", created.id, None, Some(&created));
                    append_audit(&mut tx, &self.caller, event).await?;
                    tx.commit().await?;
                    Ok(created)
                }

                async fn list_tokens(&self, user: Option<UserId>) -> Result<Vec<ApiToken>> {
                    own_account(&self.caller, user, "see other accounts' API tokens")?;
                    let rows: Vec<TokenRec> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::shared::token_cols!(),
                        " FROM api_tokens WHERE $1 IS NULL OR user_id = $1 ORDER BY created_at, id"
                    ))
                    .bind(user.map(|u| u.0))
                    .fetch_all(&self.pool)
                    .await?;
                    rows.into_iter().map(ApiToken::try_from).collect()
                }

                async fn revoke_token(&self, id: TokenId) -> Result<ApiToken> {
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    let found = token_by_id(&mut tx, id).await;
                    // An unknown token is refused like another person's: a scoped caller learns
                    // nothing of either.
                    let owner = found.as_ref().ok().and_then(|t| t.user);
                    own_account(&self.caller, owner, "revoke other accounts' API tokens")?;
                    let before = found?;
                    if before.revoked_at.is_some() {
                        return Ok(before);
                    }
                    let after = ApiToken { revoked_at: Some(now()), ..before.clone() };
                    sqlx::query("UPDATE api_tokens SET revoked_at = $2 WHERE id = $1")
                        .bind(id.0)
                        .bind(after.revoked_at)
                        .execute(&mut *tx)
                        .await?;
                    let event = change("revoke", "token", id, Some(&before), Some(&after));
                    append_audit(&mut tx, &self.caller, event).await?;
                    tx.commit().await?;
                    Ok(after)
                }

                async fn token(&self, token_hash: &str) -> Result<Option<(ApiToken, Option<User>)>> {
                    unscoped(&self.caller, "manage API tokens")?;
                    let mut c = self.pool.acquire().await?;
                    let row: Option<TokenRec> = sqlx::query_as(concat!(
                        "SELECT ",
                        $crate::shared::token_cols!(),
                        " FROM api_tokens WHERE token_hash = $1"
                    ))
                    .bind(token_hash)
                    .fetch_optional(&mut *c)
                    .await?;
                    let Some(mut token) = row.map(ApiToken::try_from).transpose()? else { return Ok(None) };
                    let now = now();
                    if !token.is_usable(now) {
                        return Ok(None);
                    }
                    let user = match token.user {
                        None => None,
                        Some(id) => match user_by_id(&mut c, id.0).await? {
                            Some(user) if !user.disabled => Some(user),
                            _ => return Ok(None),
                        },
                    };
                    // At most one write a minute per token, however busy it is.
                    if token.last_used_at.is_none_or(|last| now - last >= time::Duration::MINUTE) {
                        sqlx::query("UPDATE api_tokens SET last_used_at = $2 WHERE id = $1")
                            .bind(token.id.0)
                            .bind(now)
                            .execute(&mut *c)
                            .await?;
                        token.last_used_at = Some(now);
                    }
                    Ok(Some((token, user)))
                }

                // ---- audit log --------------------------------------------------------------

                async fn record_event(&self, event: AuditEvent) -> Result<()> {
                    unscoped(&self.caller, "write the audit log")?;
                    let mut tx = self.pool.begin_with($begin_write).await?;
                    append_audit(&mut tx, &self.caller, event).await?;
                    tx.commit().await?;
                    Ok(())
                }

                async fn list_audit(&self, filter: &AuditFilter, page: Page) -> Result<Paged<AuditEntry>> {
                    unscoped(&self.caller, "read the audit log")?;
                    let w = Where::audit(filter);
                    let (limit, offset) = limit_offset(page);
                    let mut c = self.pool.acquire().await?;
                    let count_sql = format!("SELECT COUNT(*) FROM audit_log{}", w.sql);
                    let total: (i64,) =
                        bind_as(sqlx::query_as(AssertSqlSafe(count_sql)), &w.args).fetch_one(&mut *c).await?;
                    let sql = format!(
                        "SELECT {} FROM audit_log{} ORDER BY seq DESC LIMIT {} OFFSET {}",
                        $crate::shared::audit_cols!(),
                        w.sql,
                        w.next_placeholder(1),
                        w.next_placeholder(2)
                    );
                    let rows: Vec<AuditRec> = bind_as(sqlx::query_as(AssertSqlSafe(sql)), &w.args)
                        .bind(limit)
                        .bind(offset)
                        .fetch_all(&mut *c)
                        .await?;
                    Ok(Paged { items: rows.into_iter().map(AuditEntry::from).collect(), total: count(total.0) })
                }

                async fn audit_entries(&self, after_seq: i64, limit: u64) -> Result<Vec<AuditEntry>> {
                    unscoped(&self.caller, "read the audit log")?;
                    let mut c = self.pool.acquire().await?;
                    Ok(audit_page(&mut c, after_seq, limit).await?)
                }

                async fn verify_audit(&self) -> Result<Verdict> {
                    unscoped(&self.caller, "read the audit log")?;
                    // One snapshot: entries appended meanwhile are neither half-seen nor
                    // mistaken for a head that moved past the chain.
                    let mut tx = self.pool.begin_with($begin_read).await?;
                    let (head_seq, head_hash): (i64, String) =
                        sqlx::query_as("SELECT seq, hash FROM audit_head WHERE id = 1").fetch_one(&mut *tx).await?;
                    let mut verifier = ChainVerifier::default();
                    let mut after_seq = 0;
                    'pages: loop {
                        let entries = audit_page(&mut tx, after_seq, Page::MAX_LIMIT).await?;
                        let Some(last) = entries.last() else { break };
                        after_seq = last.seq;
                        for entry in &entries {
                            if !verifier.push(entry) {
                                break 'pages;
                            }
                        }
                    }
                    tx.rollback().await?;
                    Ok(verifier.finish(Some((head_seq, head_hash.as_str()))))
                }

                async fn ingest_sbom(&self, ingest: SbomIngest) -> Result<IngestReport> {
                    self.sbom_ingest(ingest).await
                }
                async fn list_sboms(&self, filter: &SbomFilter, page: Page) -> Result<Paged<SbomSummary>> {
                    self.sbom_list(filter, page).await
                }
                async fn get_sbom(&self, id: SbomId) -> Result<SbomSummary> {
                    self.sbom_get(id).await
                }
                async fn sbom_problems(&self, id: SbomId) -> Result<serde_json::Value> {
                    self.sbom_stored_problems(id).await
                }
                async fn sbom_content(&self, id: SbomId) -> Result<Vec<u8>> {
                    self.sbom_bytes(id).await
                }
                async fn delete_sbom(&self, id: SbomId) -> Result<()> {
                    self.sbom_delete(id).await
                }
                async fn sbom_components(&self, id: SbomId, search: Option<&str>, page: Page) -> Result<Paged<StoredComponent>> {
                    self.sbom_component_page(id, search, page).await
                }
                async fn sbom_quality(&self, id: SbomId) -> Result<Option<chainward_core::sbom::quality::Quality>> {
                    self.sbom_quality_report(id).await
                }
                async fn stored_sbom(&self, id: SbomId) -> Result<Sbom> {
                    self.sbom_model(id).await
                }
                async fn release_sbom(&self, release: ReleaseId) -> Result<Option<ReleaseSbom>> {
                    self.sbom_of_release(release).await
                }
                async fn add_supplier_alias(&self, supplier: SupplierId, alias: &str) -> Result<SupplierAlias> {
                    self.alias_add(supplier, alias).await
                }
                async fn delete_supplier_alias(&self, alias: &str) -> Result<()> {
                    self.alias_delete(alias).await
                }
                async fn list_supplier_aliases(&self, supplier: Option<SupplierId>) -> Result<Vec<SupplierAlias>> {
                    self.alias_list(supplier).await
                }
                async fn unmatched_suppliers(&self, limit: u64) -> Result<Vec<UnmatchedSupplier>> {
                    self.suppliers_unmatched(limit).await
                }
                async fn record_bom_upload(&self, token: Uuid, outcome: std::result::Result<SbomId, String>) -> Result<()> {
                    self.upload_record(token, outcome).await
                }
                async fn bom_upload(&self, token: Uuid) -> Result<BomUpload> {
                    self.upload_state(token).await
                }
                async fn set_baseline(&self, offering: OfferingId, name: &str, source: &str, n_rules: u64) -> Result<StoredBaseline> {
                    self.baseline_set(offering, name, source, n_rules).await
                }
                async fn get_baseline(&self, offering: OfferingId) -> Result<Option<StoredBaseline>> {
                    self.baseline_get(offering).await
                }
                async fn record_config_check(&self, check: NewConfigCheck) -> Result<ConfigCheck> {
                    self.config_check_record(check).await
                }
                async fn list_config_checks(&self, offering: OfferingId, limit: u64) -> Result<Vec<ConfigCheck>> {
                    self.config_check_list(offering, limit).await
                }
                async fn upsert_advisories(&self, batch: Vec<NewAdvisory>) -> Result<AdvisoryUpsert> {
                    self.m_upsert_advisories(batch).await
                }
                async fn advisories_named(&self, names: &[String]) -> Result<Vec<(String, String)>> {
                    self.m_advisories_named(names).await
                }
                async fn advisories_page(&self, after: Option<&str>, limit: u64) -> Result<Vec<(String, String)>> {
                    self.m_advisories_page(after, limit).await
                }
                async fn advisory(&self, id: &str) -> Result<Option<(AdvisorySummary, String)>> {
                    self.m_advisory(id).await
                }
                async fn advisories_known_as(&self, id: &str) -> Result<Vec<AdvisorySummary>> {
                    self.m_advisories_known_as(id).await
                }
                async fn kev_ids(&self) -> Result<HashSet<String>> {
                    self.m_kev_ids().await
                }
                async fn kev_entry(&self, cve: &str) -> Result<Option<KevRecord>> {
                    self.m_kev_entry(cve).await
                }
                async fn upsert_kev(&self, entries: Vec<KevRecord>) -> Result<KevUpsert> {
                    self.m_upsert_kev(entries).await
                }
                async fn components_without_package(&self, limit: u64) -> Result<Vec<PackageComponent>> {
                    self.m_components_without_package(limit).await
                }
                async fn set_component_packages(&self, rows: Vec<(ComponentId, Option<PackageRef>)>) -> Result<()> {
                    self.m_set_component_packages(rows).await
                }
                async fn release_components(&self, release: ReleaseId) -> Result<Vec<PackageComponent>> {
                    self.m_release_components(release).await
                }
                async fn release_components_named(&self, names: &[String]) -> Result<Vec<(ReleaseId, PackageComponent)>> {
                    self.m_release_components_named(names).await
                }
                async fn apply_matches(&self, runs: Vec<MatchRun>) -> Result<MatchOutcome> {
                    self.m_apply_matches(runs).await
                }
                async fn list_findings(&self, filter: &FindingFilter, page: Page) -> Result<Paged<Finding>> {
                    self.m_list_findings(filter, page).await
                }
                async fn get_finding(&self, id: Uuid) -> Result<(Finding, Vec<TriageEntry>)> {
                    self.m_get_finding(id).await
                }
                async fn triage(&self, request: TriageRequest) -> Result<TriageOutcome> {
                    self.m_triage(request).await
                }
                async fn record_feed_import(&self, import: FeedImport) -> Result<()> {
                    self.m_record_feed_import(import).await
                }
                async fn feed_status(&self, n_imports: u64) -> Result<FeedStatus> {
                    self.m_feed_status(n_imports).await
                }
                async fn feed_import(&self, id: uuid::Uuid) -> Result<FeedImport> {
                    self.m_feed_import(id).await
                }
                async fn finding_events(&self, after_seq: i64, limit: u64) -> Result<Vec<FindingEvent>> {
                    self.m_finding_events(after_seq, limit).await
                }
            }

            $crate::sbom::sbom_fns!($store, $db, $begin_write, $begin_read);
            $crate::monitoring::monitoring_fns!($store, $db, $begin_write, $begin_read);
        }
    };
}
pub(crate) use store_impl;
