//! The JSON of the API: request and response types, with explicit conversions to and from
//! the domain types of `chainward_core`.
//!
//! *API Boundary*: these types are the contract with clients and are documented in
//! `/openapi.json`; the domain types may change shape without changing the API. Request
//! types refuse unknown fields, so a misspelt field is an error rather than a silently
//! reset value on a `PUT`.

use chainward_core::graph as graph_core;
use chainward_core::model as domain;
use chainward_core::model::{InvalidValue, check_name};
use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use utoipa::ToSchema;
use uuid::Uuid;

/// Mirrors a closed domain enumeration as an API enumeration with the same kebab-case
/// spelling; the exhaustive matches keep the two in step.
macro_rules! wire_enum {
    ($(#[$doc:meta])* $name:ident <=> $domain:ty { $($(#[$vdoc:meta])* $variant:ident),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        #[serde(rename_all = "kebab-case")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl From<$name> for $domain {
            fn from(value: $name) -> Self {
                match value {
                    $($name::$variant => Self::$variant),+
                }
            }
        }

        impl From<$domain> for $name {
            fn from(value: $domain) -> Self {
                type Domain = $domain;
                match value {
                    $(Domain::$variant => $name::$variant),+
                }
            }
        }
    };
}

wire_enum!(
    /// What a supplier provides.
    SupplierKind <=> domain::SupplierKind {
        /// Infrastructure, platform or software offered as a cloud service.
        CloudServiceProvider,
        /// Sells or licenses software.
        SoftwareVendor,
        /// Sells hardware.
        HardwareVendor,
        /// Operates systems or processes for us.
        ManagedServiceProvider,
        /// Writes software for us.
        OutsourcedDevelopment,
        /// Support contractor or integrator.
        SupportContractor,
        /// Network and telecommunications services.
        Telecommunications,
        /// Data centre and hosting.
        Hosting,
        /// Anything else.
        Other,
    }
);

wire_enum!(
    /// Where a supplier is in its life cycle with us.
    SupplierStatus <=> domain::SupplierStatus {
        /// Being considered.
        Prospect,
        /// Being onboarded.
        Onboarding,
        /// Delivering.
        Active,
        /// Being exited.
        Offboarding,
        /// No longer a supplier.
        Exited,
    }
);

wire_enum!(
    /// The most sensitive kind of our data a supplier can reach.
    DataAccess <=> domain::DataAccess {
        /// No access to our data.
        None,
        /// Internal data.
        Internal,
        /// Confidential data.
        Confidential,
        /// Personal data.
        PersonalData,
    }
);

wire_enum!(
    /// What kind of thing an offering is.
    OfferingKind <=> domain::OfferingKind {
        /// Software product.
        Software,
        /// Hardware product.
        Hardware,
        /// Firmware.
        Firmware,
        /// Cloud service (SaaS, PaaS, IaaS).
        CloudService,
        /// Managed service.
        ManagedService,
        /// Hosting.
        Hosting,
        /// Support service.
        Support,
    }
);

wire_enum!(
    /// The internal function that owns part of a supplier relationship.
    OwnershipArea <=> domain::OwnershipArea {
        /// Procurement.
        Procurement,
        /// IT.
        It,
        /// Information security.
        Security,
        /// Legal.
        Legal,
        /// The business unit that uses the supplier.
        BusinessUnit,
    }
);

wire_enum!(
    /// A RACI role.
    RaciRole <=> domain::RaciRole {
        /// Does the work.
        Responsible,
        /// Answers for it.
        Accountable,
        /// Is asked before.
        Consulted,
        /// Is told after.
        Informed,
    }
);

wire_enum!(
    /// What a node of the supply-chain graph stands for.
    NodeKind <=> graph_core::NodeKind {
        /// A supplier or subcontractor.
        Supplier,
        /// An offering of a supplier.
        Offering,
        /// One of our internal services.
        Service,
    }
);

wire_enum!(
    /// Why a node is a single point of failure.
    SpofReason <=> graph_core::SpofReason {
        /// The service needs the offering and has no alternative for it.
        NoAlternative,
        /// The offering has alternatives, but all of them rest on this node.
        SharedByAllAlternatives,
    }
);

/// A tier from the API's number; `field` names it in the error.
pub(crate) fn tier(field: &'static str, n: u8) -> Result<domain::Tier, InvalidValue> {
    domain::Tier::new(n).map_err(|e| InvalidValue::new(field, e.reason))
}

/// A country code from the API's text.
pub(crate) fn country(text: &str) -> Result<domain::CountryCode, InvalidValue> {
    text.parse()
}

fn default_tier() -> u8 {
    3
}

fn default_status() -> SupplierStatus {
    SupplierStatus::Prospect
}

fn default_data_access() -> DataAccess {
    DataAccess::None
}

/// Legal identifiers of a supplier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct LegalIds {
    /// Legal Entity Identifier (ISO 17442), 20 characters with check digits.
    #[serde(default)]
    pub lei: Option<String>,
    /// D-U-N-S number, 9 digits.
    #[serde(default)]
    pub duns: Option<String>,
    /// VAT number with its two-letter country prefix.
    #[serde(default)]
    pub vat: Option<String>,
    /// Any other registry number.
    #[serde(default)]
    pub other: Option<String>,
}

impl From<LegalIds> for domain::LegalIds {
    fn from(v: LegalIds) -> Self {
        domain::LegalIds { lei: v.lei, duns: v.duns, vat: v.vat, other: v.other }
    }
}

impl From<domain::LegalIds> for LegalIds {
    fn from(v: domain::LegalIds) -> Self {
        LegalIds { lei: v.lei, duns: v.duns, vat: v.vat, other: v.other }
    }
}

/// How to reach a person or team at a supplier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Contact {
    /// Name of the person or team.
    #[serde(default)]
    pub name: Option<String>,
    /// E-mail address.
    #[serde(default)]
    pub email: Option<String>,
    /// Telephone number.
    #[serde(default)]
    pub phone: Option<String>,
}

impl From<Contact> for domain::Contact {
    fn from(v: Contact) -> Self {
        domain::Contact { name: v.name, email: v.email, phone: v.phone }
    }
}

impl From<domain::Contact> for Contact {
    fn from(v: domain::Contact) -> Self {
        Contact { name: v.name, email: v.email, phone: v.phone }
    }
}

/// One RACI assignment: a person of ours holds a role for one area of a supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Ownership {
    /// The area.
    pub area: OwnershipArea,
    /// The RACI role.
    pub role: RaciRole,
    /// The person's name.
    pub person: String,
    /// The person's e-mail.
    pub email: String,
}

impl From<Ownership> for domain::Ownership {
    fn from(v: Ownership) -> Self {
        domain::Ownership { area: v.area.into(), role: v.role.into(), person: v.person, email: v.email }
    }
}

impl From<domain::Ownership> for Ownership {
    fn from(v: domain::Ownership) -> Self {
        Ownership { area: v.area.into(), role: v.role.into(), person: v.person, email: v.email }
    }
}

/// A supplier as a client creates or replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SupplierInput {
    /// Trading name, unique in the registry (case-insensitive).
    pub name: String,
    /// Legal identifiers.
    #[serde(default)]
    pub legal_ids: LegalIds,
    /// What the supplier provides.
    pub kind: SupplierKind,
    /// Country of the legal seat, ISO 3166-1 alpha-2.
    #[serde(default)]
    #[schema(example = "DE")]
    pub country: Option<String>,
    /// Criticality tier, 1 (most critical) to 4; 3 when absent.
    #[serde(default = "default_tier")]
    #[schema(minimum = 1, maximum = 4, default = 3)]
    pub tier: u8,
    /// Life cycle status; `prospect` when absent.
    #[serde(default = "default_status")]
    pub status: SupplierStatus,
    /// The most sensitive data it can reach; `none` when absent.
    #[serde(default = "default_data_access")]
    pub data_access: DataAccess,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// Web site, an http(s) URL.
    #[serde(default)]
    pub website: Option<String>,
    /// Security / PSIRT contact.
    #[serde(default)]
    pub security_contact: Contact,
    /// Who to tell about an incident.
    #[serde(default)]
    pub incident_contact: Contact,
    /// Account manager.
    #[serde(default)]
    pub account_contact: Contact,
    /// RACI assignments of our people.
    #[serde(default)]
    pub owners: Vec<Ownership>,
}

impl TryFrom<SupplierInput> for domain::SupplierData {
    type Error = InvalidValue;
    fn try_from(v: SupplierInput) -> Result<Self, Self::Error> {
        domain::SupplierData {
            name: v.name,
            legal_ids: v.legal_ids.into(),
            kind: v.kind.into(),
            country: v.country.as_deref().map(country).transpose()?,
            tier: tier("tier", v.tier)?,
            status: v.status.into(),
            data_access: v.data_access.into(),
            description: v.description,
            website: v.website,
            security_contact: v.security_contact.into(),
            incident_contact: v.incident_contact.into(),
            account_contact: v.account_contact.into(),
            owners: v.owners.into_iter().map(Into::into).collect(),
        }
        .validated()
    }
}

/// A supplier as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Supplier {
    /// Stable identity.
    pub id: Uuid,
    /// Trading name.
    pub name: String,
    /// Legal identifiers, normalised.
    pub legal_ids: LegalIds,
    /// What the supplier provides.
    pub kind: SupplierKind,
    /// Country of the legal seat.
    pub country: Option<String>,
    /// Criticality tier, 1 (most critical) to 4.
    pub tier: u8,
    /// Life cycle status.
    pub status: SupplierStatus,
    /// The most sensitive data it can reach.
    pub data_access: DataAccess,
    /// Free text.
    pub description: Option<String>,
    /// Web site.
    pub website: Option<String>,
    /// Security / PSIRT contact.
    pub security_contact: Contact,
    /// Who to tell about an incident.
    pub incident_contact: Contact,
    /// Account manager.
    pub account_contact: Contact,
    /// RACI assignments of our people.
    pub owners: Vec<Ownership>,
    /// When the record was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the record last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<domain::Supplier> for Supplier {
    fn from(r: domain::Supplier) -> Self {
        let d = r.data;
        Supplier {
            id: r.id.0,
            name: d.name,
            legal_ids: d.legal_ids.into(),
            kind: d.kind.into(),
            country: d.country.map(|c| c.as_str().to_owned()),
            tier: d.tier.get(),
            status: d.status.into(),
            data_access: d.data_access.into(),
            description: d.description,
            website: d.website,
            security_contact: d.security_contact.into(),
            incident_contact: d.incident_contact.into(),
            account_contact: d.account_contact.into(),
            owners: d.owners.into_iter().map(Into::into).collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Dates are plain ISO 8601 calendar dates, `2024-05-31`.
mod iso_date {
    time::serde::format_description!(pub(crate) date, Date, "[year]-[month]-[day]");
}

/// A supplier hands part of its work to a subcontractor, as a client creates the link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SubcontractInput {
    /// The supplier that subcontracts.
    pub supplier: Uuid,
    /// The subcontractor.
    pub subcontractor: Uuid,
    /// What is subcontracted.
    pub scope: String,
    /// Since when, `YYYY-MM-DD`.
    #[serde(default, with = "iso_date::date::option")]
    pub since: Option<Date>,
    /// Whether the subcontractor handles our data.
    #[serde(default)]
    pub handles_our_data: bool,
}

impl TryFrom<SubcontractInput> for domain::SubcontractData {
    type Error = InvalidValue;
    fn try_from(v: SubcontractInput) -> Result<Self, Self::Error> {
        if v.supplier == v.subcontractor {
            return Err(InvalidValue::new("subcontractor", "a supplier cannot subcontract to itself"));
        }
        Ok(domain::SubcontractData {
            supplier: domain::SupplierId(v.supplier),
            subcontractor: domain::SupplierId(v.subcontractor),
            scope: v.scope.trim().to_owned(),
            since: v.since,
            handles_our_data: v.handles_our_data,
        })
    }
}

/// A subcontracting link.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Subcontract {
    /// Stable identity of the link.
    pub id: Uuid,
    /// The supplier that subcontracts.
    pub supplier: Uuid,
    /// The subcontractor.
    pub subcontractor: Uuid,
    /// What is subcontracted.
    pub scope: String,
    /// Since when.
    #[serde(with = "iso_date::date::option")]
    pub since: Option<Date>,
    /// Whether the subcontractor handles our data.
    pub handles_our_data: bool,
    /// When the link was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the link last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<domain::Subcontract> for Subcontract {
    fn from(r: domain::Subcontract) -> Self {
        Subcontract {
            id: r.id.0,
            supplier: r.data.supplier.0,
            subcontractor: r.data.subcontractor.0,
            scope: r.data.scope,
            since: r.data.since,
            handles_our_data: r.data.handles_our_data,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// An offering as a client creates or replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OfferingInput {
    /// The supplier that delivers it.
    pub supplier: Uuid,
    /// Name, unique in the registry (case-insensitive).
    pub name: String,
    /// What kind of thing it is.
    pub kind: OfferingKind,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
}

impl TryFrom<OfferingInput> for domain::OfferingData {
    type Error = InvalidValue;
    fn try_from(v: OfferingInput) -> Result<Self, Self::Error> {
        Ok(domain::OfferingData {
            supplier: domain::SupplierId(v.supplier),
            name: check_name("name", &v.name)?,
            kind: v.kind.into(),
            description: v.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()),
        })
    }
}

/// A product or service a supplier delivers to us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Offering {
    /// Stable identity.
    pub id: Uuid,
    /// The supplier.
    pub supplier: Uuid,
    /// Name.
    pub name: String,
    /// What kind of thing it is.
    pub kind: OfferingKind,
    /// Free text.
    pub description: Option<String>,
    /// When the record was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the record last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<domain::Offering> for Offering {
    fn from(r: domain::Offering) -> Self {
        Offering {
            id: r.id.0,
            supplier: r.data.supplier.0,
            name: r.data.name,
            kind: r.data.kind.into(),
            description: r.data.description,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// An offering with its releases, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct OfferingDetail {
    /// The offering.
    pub offering: Offering,
    /// Its releases, newest release date first.
    pub releases: Vec<Release>,
}

/// A release as a client adds it to an offering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReleaseInput {
    /// The version, as the supplier writes it.
    pub version: String,
    /// When it was released, `YYYY-MM-DD`.
    #[serde(default, with = "iso_date::date::option")]
    pub released_on: Option<Date>,
}

impl ReleaseInput {
    /// The domain release of `offering`.
    pub(crate) fn into_domain(self, offering: domain::OfferingId) -> Result<domain::ReleaseData, InvalidValue> {
        Ok(domain::ReleaseData {
            offering,
            version: check_name("version", &self.version)?,
            released_on: self.released_on,
        })
    }
}

/// A release (version) of an offering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Release {
    /// Stable identity.
    pub id: Uuid,
    /// The offering.
    pub offering: Uuid,
    /// The version.
    pub version: String,
    /// When it was released.
    #[serde(with = "iso_date::date::option")]
    pub released_on: Option<Date>,
    /// When the record was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the record last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<domain::Release> for Release {
    fn from(r: domain::Release) -> Self {
        Release {
            id: r.id.0,
            offering: r.data.offering.0,
            version: r.data.version,
            released_on: r.data.released_on,
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// An offering a service needs, and the offerings that could replace it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceUse {
    /// The offering in use.
    pub offering: Uuid,
    /// What it is used for.
    #[serde(default)]
    pub purpose: Option<String>,
    /// Offerings that can replace it.
    #[serde(default)]
    pub alternatives: Vec<Uuid>,
}

impl From<ServiceUse> for domain::ServiceUse {
    fn from(v: ServiceUse) -> Self {
        domain::ServiceUse {
            offering: domain::OfferingId(v.offering),
            purpose: v.purpose,
            alternatives: v.alternatives.into_iter().map(domain::OfferingId).collect(),
        }
    }
}

impl From<domain::ServiceUse> for ServiceUse {
    fn from(v: domain::ServiceUse) -> Self {
        ServiceUse {
            offering: v.offering.0,
            purpose: v.purpose,
            alternatives: v.alternatives.into_iter().map(|o| o.0).collect(),
        }
    }
}

/// An internal service as a client creates or replaces it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceInput {
    /// Name, unique in the registry (case-insensitive).
    pub name: String,
    /// The owner (a person or team).
    #[serde(default)]
    pub owner: Option<String>,
    /// The owner's e-mail.
    #[serde(default)]
    pub owner_email: Option<String>,
    /// Recovery time objective in hours.
    #[serde(default)]
    pub rto_hours: Option<u32>,
    /// Criticality tier of the service to us, 1 (most critical) to 4.
    #[schema(minimum = 1, maximum = 4)]
    pub criticality: u8,
    /// Free text.
    #[serde(default)]
    pub description: Option<String>,
    /// The offerings the service needs.
    #[serde(default)]
    pub uses: Vec<ServiceUse>,
}

impl TryFrom<ServiceInput> for domain::ServiceData {
    type Error = InvalidValue;
    fn try_from(v: ServiceInput) -> Result<Self, Self::Error> {
        domain::ServiceData {
            name: v.name,
            owner: v.owner,
            owner_email: v.owner_email,
            rto_hours: v.rto_hours,
            criticality: tier("criticality", v.criticality)?,
            description: v.description,
            uses: v.uses.into_iter().map(Into::into).collect(),
        }
        .validated()
    }
}

/// Something of ours that uses offerings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Service {
    /// Stable identity.
    pub id: Uuid,
    /// Name.
    pub name: String,
    /// The owner.
    pub owner: Option<String>,
    /// The owner's e-mail.
    pub owner_email: Option<String>,
    /// Recovery time objective in hours.
    pub rto_hours: Option<u32>,
    /// Criticality tier, 1 (most critical) to 4.
    pub criticality: u8,
    /// Free text.
    pub description: Option<String>,
    /// The offerings the service needs.
    pub uses: Vec<ServiceUse>,
    /// When the record was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the record last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

impl From<domain::Service> for Service {
    fn from(r: domain::Service) -> Self {
        let d = r.data;
        Service {
            id: r.id.0,
            name: d.name,
            owner: d.owner,
            owner_email: d.owner_email,
            rto_hours: d.rto_hours,
            criticality: d.criticality.get(),
            description: d.description,
            uses: d.uses.into_iter().map(Into::into).collect(),
            created_at: r.created_at,
            updated_at: r.updated_at,
        }
    }
}

/// Declares a page type: one window of a list, the total and the window asked for.
macro_rules! page_type {
    ($(#[$doc:meta])* $name:ident of $item:ty) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
        pub struct $name {
            /// The rows of this page.
            pub items: Vec<$item>,
            /// All rows that match the filter.
            pub total: u64,
            /// Rows skipped.
            pub offset: u64,
            /// Most rows in one page.
            pub limit: u64,
        }
    };
}

page_type!(
    /// A page of suppliers.
    SupplierPage of Supplier
);
page_type!(
    /// A page of subcontracting links.
    SubcontractPage of Subcontract
);
page_type!(
    /// A page of offerings.
    OfferingPage of Offering
);
page_type!(
    /// A page of releases.
    ReleasePage of Release
);
page_type!(
    /// A page of internal services.
    ServicePage of Service
);

/// A node of the supply-chain graph, as paths and results name it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct NodeRef {
    /// What the node stands for.
    pub kind: NodeKind,
    /// The id of the supplier, offering or service.
    pub id: Uuid,
    /// Its name.
    pub name: String,
}

impl From<graph_core::PathStep> for NodeRef {
    fn from(step: graph_core::PathStep) -> Self {
        NodeRef { kind: step.kind.into(), id: step.id, name: step.name }
    }
}

/// A node reached by a traversal, with the path that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ReachedNode {
    /// The node.
    pub node: NodeRef,
    /// Links between it and the origin.
    pub depth: u32,
    /// The explaining path, in the direction of dependence (dependent first).
    pub path: Vec<NodeRef>,
}

page_type!(
    /// A page of nodes reached from an origin.
    ReachedPage of ReachedNode
);

/// The subcontractors of a supplier, at any depth up to the one asked for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SubcontractorTree {
    /// The supplier asked about.
    pub origin: NodeRef,
    /// The deepest level searched; absent when unbounded.
    pub depth: Option<u32>,
    /// Subcontractors, nearest first, each with the chain that reaches it.
    pub items: Vec<ReachedNode>,
}

/// Everything that depends on a node.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Dependents {
    /// The node asked about.
    pub origin: NodeRef,
    /// Dependents, nearest first, each with depth and explaining path.
    pub items: Vec<ReachedNode>,
    /// All dependents that match the filter.
    pub total: u64,
    /// Rows skipped.
    pub offset: u64,
    /// Most rows in one page.
    pub limit: u64,
}

/// The simple paths between two nodes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct PathList {
    /// Where the paths start.
    pub from: NodeRef,
    /// Where they end.
    pub to: NodeRef,
    /// The paths, shortest first.
    pub paths: Vec<Vec<NodeRef>>,
    /// True when a limit stopped the search, so more paths may exist.
    pub truncated: bool,
}

/// How concentrated the chain is on one supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConcentrationEntry {
    /// The supplier.
    pub supplier: NodeRef,
    /// Internal services that rest on it through any chain.
    pub n_services: u32,
    /// Other suppliers whose subcontracting chain reaches it.
    pub n_upstream_suppliers: u32,
}

/// Suppliers ranked by concentration, most shared first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct ConcentrationList {
    /// The top suppliers.
    pub items: Vec<ConcentrationEntry>,
    /// Suppliers with any concentration at all.
    pub total: u64,
}

/// A single point of failure of one internal service.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct SinglePointOfFailure {
    /// The service at risk.
    pub service: NodeRef,
    /// The offering it needs.
    pub need: NodeRef,
    /// The node whose failure alone takes the service down.
    pub node: NodeRef,
    /// Why.
    pub reason: SpofReason,
    /// From the service to the node.
    pub path: Vec<NodeRef>,
}

page_type!(
    /// A page of single points of failure.
    SpofPage of SinglePointOfFailure
);

/// The answer of `/healthz`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, ToSchema)]
pub struct Health {
    /// Always `ok`; a failing database answers 503 with an error body instead.
    pub status: String,
}
