//! The registry's domain model: suppliers, their owners and subcontractors, offerings with
//! releases, and the internal services that use them.
//!
//! These types are the domain, not a wire format: the HTTP API and the database have their
//! own shapes and convert explicitly. Every constrained value (tier, country, legal
//! identifiers, enumerations) is checked when it is built, so a value of these types is
//! valid by construction.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};
use uuid::Uuid;

/// A value that failed validation, with the field it belongs to.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {reason}")]
pub struct InvalidValue {
    /// The field name, as the CSV header and the API use it.
    pub field: &'static str,
    /// What is wrong, and where possible what would be right.
    pub reason: String,
}

impl InvalidValue {
    /// A validation failure of `field`.
    pub fn new(field: &'static str, reason: impl Into<String>) -> Self {
        Self { field, reason: reason.into() }
    }
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub Uuid);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    };
}

id_type!(
    /// The stable identity of a supplier.
    SupplierId
);
id_type!(
    /// The stable identity of a subcontracting link.
    SubcontractId
);
id_type!(
    /// The stable identity of an offering (a product or service of a supplier).
    OfferingId
);
id_type!(
    /// The stable identity of a release of an offering.
    ReleaseId
);
id_type!(
    /// The stable identity of an internal service.
    ServiceId
);
id_type!(
    /// The stable identity of a user account.
    UserId
);
id_type!(
    /// The stable identity of an API token.
    TokenId
);
id_type!(
    /// The stable identity of a stored SBOM document.
    SbomId
);
id_type!(
    /// The stable identity of a distinct component (one package version), shared by every
    /// SBOM that lists it.
    ComponentId
);

/// Declares a closed enumeration with a stable kebab-case spelling, used by the CSV files,
/// the CLI, the API and the database alike.
macro_rules! spelled_enum {
    ($(#[$doc:meta])* $name:ident, $field:literal { $($(#[$vdoc:meta])* $variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name {
            $($(#[$vdoc])* $variant),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The stable spelling.
            pub fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $text),+
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl FromStr for $name {
            type Err = InvalidValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                let wanted = $crate::model::normalise_spelling(s);
                $name::ALL
                    .iter()
                    .copied()
                    .find(|v| v.as_str() == wanted)
                    .ok_or_else(|| {
                        let allowed: Vec<&str> = $name::ALL.iter().map(|v| v.as_str()).collect();
                        InvalidValue::new(
                            $field,
                            format!("unknown value {s:?}; expected one of {}", allowed.join(", ")),
                        )
                    })
            }
        }

        impl TryFrom<String> for $name {
            type Error = InvalidValue;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                s.parse()
            }
        }

        impl From<$name> for &'static str {
            fn from(v: $name) -> &'static str {
                v.as_str()
            }
        }
    };
}

pub(crate) use spelled_enum;

/// Accepts what people type in spreadsheets: any case, spaces or underscores for dashes.
pub(crate) fn normalise_spelling(s: &str) -> String {
    s.trim().chars().map(|c| if c == ' ' || c == '_' { '-' } else { c.to_ascii_lowercase() }).collect()
}

spelled_enum!(
    /// What a person (or an API token) may do; see `docs/access.md`.
    Role, "role" {
        /// Everything, including user accounts.
        Admin = "admin",
        /// Reads and writes everything but user accounts.
        Analyst = "analyst",
        /// Suppliers, their offerings and subcontracting; reads the rest.
        Procurement = "procurement",
        /// Reads everything, the audit log included; writes nothing.
        Auditor = "auditor",
        /// A supplier's own staff in the portal: their own supplier only.
        Supplier = "supplier",
    }
);

spelled_enum!(
    /// What a supplier provides, which drives the requirements that apply to it.
    SupplierKind, "kind" {
        /// Infrastructure, platform or software offered as a cloud service.
        CloudServiceProvider = "cloud-service-provider",
        /// Sells or licenses software.
        SoftwareVendor = "software-vendor",
        /// Sells hardware (devices, appliances, components).
        HardwareVendor = "hardware-vendor",
        /// Operates systems or processes for us.
        ManagedServiceProvider = "managed-service-provider",
        /// Writes software for us.
        OutsourcedDevelopment = "outsourced-development",
        /// Support contractor or integrator.
        SupportContractor = "support-contractor",
        /// Network and telecommunications services.
        Telecommunications = "telecommunications",
        /// Data centre and hosting.
        Hosting = "hosting",
        /// Anything else.
        Other = "other",
    }
);

spelled_enum!(
    /// Where a supplier is in its life cycle with us.
    SupplierStatus, "status" {
        /// Being considered.
        Prospect = "prospect",
        /// Being onboarded (due diligence, contract).
        Onboarding = "onboarding",
        /// Delivering.
        Active = "active",
        /// Being exited.
        Offboarding = "offboarding",
        /// No longer a supplier.
        Exited = "exited",
    }
);

spelled_enum!(
    /// The most sensitive kind of our data a supplier can reach.
    DataAccess, "data_access" {
        /// No access to our data.
        None = "none",
        /// Internal data.
        Internal = "internal",
        /// Confidential data.
        Confidential = "confidential",
        /// Personal data (a processor under GDPR).
        PersonalData = "personal-data",
    }
);

spelled_enum!(
    /// What kind of thing an offering is.
    OfferingKind, "kind" {
        /// Software product.
        Software = "software",
        /// Hardware product.
        Hardware = "hardware",
        /// Firmware.
        Firmware = "firmware",
        /// Cloud service (SaaS, PaaS, IaaS).
        CloudService = "cloud-service",
        /// Managed service.
        ManagedService = "managed-service",
        /// Hosting.
        Hosting = "hosting",
        /// Support service.
        Support = "support",
    }
);

spelled_enum!(
    /// The internal function that owns part of a supplier relationship.
    OwnershipArea, "area" {
        /// Procurement.
        Procurement = "procurement",
        /// IT.
        It = "it",
        /// Information security.
        Security = "security",
        /// Legal.
        Legal = "legal",
        /// The business unit that uses the supplier.
        BusinessUnit = "business-unit",
    }
);

spelled_enum!(
    /// A RACI role.
    RaciRole, "role" {
        /// Does the work.
        Responsible = "responsible",
        /// Answers for it.
        Accountable = "accountable",
        /// Is asked before.
        Consulted = "consulted",
        /// Is told after.
        Informed = "informed",
    }
);

/// A criticality tier, 1 (most critical) to 4 (least).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u8", into = "u8")]
pub struct Tier(u8);

impl Tier {
    /// The most critical tier.
    pub const ONE: Tier = Tier(1);
    /// The least critical tier.
    pub const FOUR: Tier = Tier(4);

    /// A tier from its number; only 1 to 4 exist.
    pub fn new(n: u8) -> Result<Self, InvalidValue> {
        if (1..=4).contains(&n) {
            Ok(Tier(n))
        } else {
            Err(InvalidValue::new("tier", format!("{n} is not a tier; use 1 (most critical) to 4")))
        }
    }

    /// The tier's number.
    pub fn get(self) -> u8 {
        self.0
    }
}

impl TryFrom<u8> for Tier {
    type Error = InvalidValue;
    fn try_from(n: u8) -> Result<Self, Self::Error> {
        Tier::new(n)
    }
}

impl From<Tier> for u8 {
    fn from(t: Tier) -> u8 {
        t.0
    }
}

impl FromStr for Tier {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        let t = t.strip_prefix("tier").or_else(|| t.strip_prefix("Tier")).unwrap_or(t).trim();
        let n: u8 = t.parse().map_err(|_| InvalidValue::new("tier", format!("{s:?} is not a tier; use 1 to 4")))?;
        Tier::new(n)
    }
}

impl fmt::Display for Tier {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// An ISO 3166-1 alpha-2 country code, upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode([u8; 2]);

impl CountryCode {
    /// The code as text.
    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("??")
    }
}

impl FromStr for CountryCode {
    type Err = InvalidValue;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let t = s.trim();
        match t.as_bytes() {
            [a, b] if a.is_ascii_alphabetic() && b.is_ascii_alphabetic() => {
                Ok(CountryCode([a.to_ascii_uppercase(), b.to_ascii_uppercase()]))
            }
            _ => Err(InvalidValue::new("country", format!("{s:?} is not an ISO 3166-1 alpha-2 code such as DE or US"))),
        }
    }
}

impl TryFrom<String> for CountryCode {
    type Error = InvalidValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        s.parse()
    }
}

impl From<CountryCode> for String {
    fn from(c: CountryCode) -> String {
        c.as_str().to_owned()
    }
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Legal identifiers of a supplier. Each is checked for its own format; they are also the
/// keys an import matches existing suppliers by, before the name.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LegalIds {
    /// Legal Entity Identifier (ISO 17442): 20 characters with a mod-97 check.
    pub lei: Option<String>,
    /// Dun & Bradstreet number: 9 digits.
    pub duns: Option<String>,
    /// VAT number with its two-letter country prefix.
    pub vat: Option<String>,
    /// Any other registry number, free text.
    pub other: Option<String>,
}

impl LegalIds {
    /// Checks and normalises every identifier present (upper case, no spaces or dashes in
    /// DUNS and VAT numbers).
    pub fn normalised(self) -> Result<Self, InvalidValue> {
        let lei = self.lei.map(|v| normalise_lei(&v)).transpose()?;
        let duns = self.duns.map(|v| normalise_duns(&v)).transpose()?;
        let vat = self.vat.map(|v| normalise_vat(&v)).transpose()?;
        let other = self.other.map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        Ok(LegalIds { lei, duns, vat, other })
    }

    /// True when no identifier is present.
    pub fn is_empty(&self) -> bool {
        self.lei.is_none() && self.duns.is_none() && self.vat.is_none() && self.other.is_none()
    }
}

/// Checks an LEI: 18 alphanumerics and two check digits, ISO 7064 mod 97-10.
pub fn normalise_lei(raw: &str) -> Result<String, InvalidValue> {
    let lei: String = raw.trim().to_ascii_uppercase();
    if lei.len() != 20 || !lei.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(InvalidValue::new("lei", format!("{raw:?} is not 20 letters and digits")));
    }
    let mut remainder: u32 = 0;
    for b in lei.bytes() {
        let v = if b.is_ascii_digit() { u32::from(b - b'0') } else { u32::from(b - b'A') + 10 };
        remainder = if v >= 10 { (remainder * 100 + v) % 97 } else { (remainder * 10 + v) % 97 };
    }
    if remainder != 1 {
        return Err(InvalidValue::new("lei", format!("{raw:?} fails the ISO 17442 check digits")));
    }
    Ok(lei)
}

fn normalise_duns(raw: &str) -> Result<String, InvalidValue> {
    let digits: String = raw.chars().filter(|c| *c != '-' && !c.is_whitespace()).collect();
    if digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
        Ok(digits)
    } else {
        Err(InvalidValue::new("duns", format!("{raw:?} is not a 9-digit D-U-N-S number")))
    }
}

fn normalise_vat(raw: &str) -> Result<String, InvalidValue> {
    let vat: String =
        raw.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '.').collect::<String>().to_ascii_uppercase();
    let bytes = vat.as_bytes();
    let prefix_ok = bytes.len() >= 4 && bytes.iter().take(2).all(|b| b.is_ascii_alphabetic());
    let body_ok = bytes.iter().skip(2).all(|b| b.is_ascii_alphanumeric());
    if prefix_ok && body_ok && bytes.len() <= 16 {
        Ok(vat)
    } else {
        Err(InvalidValue::new(
            "vat",
            format!("{raw:?} is not a VAT number with a two-letter country prefix, e.g. DE123456789"),
        ))
    }
}

/// How to reach a person or a team at a supplier.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Contact {
    /// Name of the person or team.
    pub name: Option<String>,
    /// E-mail address.
    pub email: Option<String>,
    /// Telephone number.
    pub phone: Option<String>,
}

impl Contact {
    /// True when nothing is known.
    pub fn is_empty(&self) -> bool {
        self.name.is_none() && self.email.is_none() && self.phone.is_none()
    }

    /// Checks the e-mail address, if any.
    pub fn validated(self, field: &'static str) -> Result<Self, InvalidValue> {
        let email = self.email.map(|e| check_email(field, &e)).transpose()?;
        Ok(Contact { email, ..self })
    }
}

/// A light e-mail check: one `@`, something on both sides, a dot in the domain, no spaces.
pub fn check_email(field: &'static str, raw: &str) -> Result<String, InvalidValue> {
    let e = raw.trim();
    let ok = match e.split_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !domain.contains('@')
                && !e.chars().any(|c| c.is_whitespace() || c.is_control())
        }
        None => false,
    };
    if ok { Ok(e.to_owned()) } else { Err(InvalidValue::new(field, format!("{raw:?} is not an e-mail address"))) }
}

/// A stored record: identity and timestamps around the data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Record<I, T> {
    /// Stable identity.
    pub id: I,
    /// The data.
    #[serde(flatten)]
    pub data: T,
    /// When the record was created.
    #[serde(with = "time::serde::rfc3339")]
    pub created_at: OffsetDateTime,
    /// When the record last changed.
    #[serde(with = "time::serde::rfc3339")]
    pub updated_at: OffsetDateTime,
}

/// A supplier, as the registry keeps it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplierData {
    /// Trading name, unique in the registry (case-insensitive).
    pub name: String,
    /// Legal identifiers.
    pub legal_ids: LegalIds,
    /// What the supplier provides.
    pub kind: SupplierKind,
    /// Country of the legal seat.
    pub country: Option<CountryCode>,
    /// Criticality tier.
    pub tier: Tier,
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
}

impl SupplierData {
    /// A supplier with the given name and kind and safe defaults (tier 3, prospect, no data).
    pub fn named(name: impl Into<String>, kind: SupplierKind) -> Self {
        SupplierData {
            name: name.into(),
            legal_ids: LegalIds::default(),
            kind,
            country: None,
            tier: Tier(3),
            status: SupplierStatus::Prospect,
            data_access: DataAccess::None,
            description: None,
            website: None,
            security_contact: Contact::default(),
            incident_contact: Contact::default(),
            account_contact: Contact::default(),
            owners: Vec::new(),
        }
    }

    /// Checks every field and normalises identifiers; the store calls this before writing.
    pub fn validated(self) -> Result<Self, InvalidValue> {
        let name = check_name("name", &self.name)?;
        let legal_ids = self.legal_ids.normalised()?;
        let website = self.website.map(|w| check_website(&w)).transpose()?;
        let owners = self.owners.into_iter().map(Ownership::validated).collect::<Result<Vec<_>, _>>()?;
        Ok(SupplierData {
            name,
            legal_ids,
            website,
            description: self.description.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty()),
            security_contact: self.security_contact.validated("security_contact_email")?,
            incident_contact: self.incident_contact.validated("incident_contact_email")?,
            account_contact: self.account_contact.validated("account_contact_email")?,
            owners,
            ..self
        })
    }
}

/// Trims a name and refuses empty, over-long or control-character names.
pub fn check_name(field: &'static str, raw: &str) -> Result<String, InvalidValue> {
    let name = raw.trim();
    if name.is_empty() {
        return Err(InvalidValue::new(field, "must not be empty"));
    }
    if name.chars().count() > 200 {
        return Err(InvalidValue::new(field, "is longer than 200 characters"));
    }
    if name.chars().any(char::is_control) {
        return Err(InvalidValue::new(field, "contains control characters"));
    }
    Ok(name.to_owned())
}

fn check_website(raw: &str) -> Result<String, InvalidValue> {
    let w = raw.trim();
    if (w.starts_with("https://") || w.starts_with("http://")) && !w.contains(char::is_whitespace) {
        Ok(w.to_owned())
    } else {
        Err(InvalidValue::new("website", format!("{raw:?} is not an http(s) URL")))
    }
}

/// A supplier record.
pub type Supplier = Record<SupplierId, SupplierData>;

/// One RACI assignment: a person of ours holds a role for one area of a supplier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ownership {
    /// The area (procurement, IT, security, legal, business unit).
    pub area: OwnershipArea,
    /// The RACI role.
    pub role: RaciRole,
    /// The person's name.
    pub person: String,
    /// The person's e-mail.
    pub email: String,
}

impl Ownership {
    /// Checks the name and e-mail.
    pub fn validated(self) -> Result<Self, InvalidValue> {
        Ok(Ownership { person: check_name("person", &self.person)?, email: check_email("email", &self.email)?, ..self })
    }
}

/// A supplier hands part of its work to a subcontractor (a fourth party for us).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubcontractData {
    /// The supplier that subcontracts.
    pub supplier: SupplierId,
    /// The subcontractor.
    pub subcontractor: SupplierId,
    /// What is subcontracted.
    pub scope: String,
    /// Since when.
    pub since: Option<Date>,
    /// Whether the subcontractor handles our data.
    pub handles_our_data: bool,
}

/// A subcontracting link record.
pub type Subcontract = Record<SubcontractId, SubcontractData>;

/// A product or service a supplier delivers to us.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OfferingData {
    /// The supplier.
    pub supplier: SupplierId,
    /// Name, unique in the registry (case-insensitive).
    pub name: String,
    /// What kind of thing it is.
    pub kind: OfferingKind,
    /// Free text.
    pub description: Option<String>,
}

/// An offering record.
pub type Offering = Record<OfferingId, OfferingData>;

/// A release (version) of an offering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReleaseData {
    /// The offering.
    pub offering: OfferingId,
    /// The version, as the supplier writes it.
    pub version: String,
    /// When it was released.
    pub released_on: Option<Date>,
}

/// A release record.
pub type Release = Record<ReleaseId, ReleaseData>;

/// Something of ours that uses offerings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceData {
    /// Name, unique in the registry (case-insensitive).
    pub name: String,
    /// The owner (a person or team).
    pub owner: Option<String>,
    /// The owner's e-mail.
    pub owner_email: Option<String>,
    /// Recovery time objective in hours.
    pub rto_hours: Option<u32>,
    /// Criticality tier of the service to us.
    pub criticality: Tier,
    /// Free text.
    pub description: Option<String>,
    /// The offerings the service needs.
    pub uses: Vec<ServiceUse>,
}

impl ServiceData {
    /// Checks names, e-mail and uses.
    pub fn validated(self) -> Result<Self, InvalidValue> {
        let mut seen = std::collections::HashSet::new();
        for u in &self.uses {
            if !seen.insert(u.offering) {
                return Err(InvalidValue::new("uses", "the same offering is listed twice"));
            }
            if u.alternatives.contains(&u.offering) {
                return Err(InvalidValue::new("alternatives", "an offering cannot be its own alternative"));
            }
        }
        Ok(ServiceData {
            name: check_name("name", &self.name)?,
            owner_email: self.owner_email.map(|e| check_email("owner_email", &e)).transpose()?,
            ..self
        })
    }
}

/// An offering an internal service needs, and the offerings that could replace it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ServiceUse {
    /// The offering in use.
    pub offering: OfferingId,
    /// What it is used for.
    pub purpose: Option<String>,
    /// Offerings that can replace it.
    pub alternatives: Vec<OfferingId>,
}

/// An internal service record.
pub type Service = Record<ServiceId, ServiceData>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lei_check_digits_are_verified() {
        // A real LEI (GLEIF's own) and the same with its check digits changed.
        assert_eq!(normalise_lei("5493001KJTIIGC8Y1R12").ok().as_deref(), Some("5493001KJTIIGC8Y1R12"));
        assert!(normalise_lei("5493001KJTIIGC8Y1R13").is_err());
        assert!(normalise_lei("short").is_err());
    }

    #[test]
    fn enums_accept_spreadsheet_spellings() {
        assert_eq!("Cloud Service Provider".parse::<SupplierKind>(), Ok(SupplierKind::CloudServiceProvider));
        assert_eq!("personal_data".parse::<DataAccess>(), Ok(DataAccess::PersonalData));
        let err = "vendor".parse::<SupplierKind>().err().map(|e| e.to_string()).unwrap_or_default();
        assert!(err.contains("software-vendor"), "{err}");
    }

    #[test]
    fn tiers_are_one_to_four() {
        assert_eq!("Tier 2".parse::<Tier>().map(Tier::get), Ok(2));
        assert!("0".parse::<Tier>().is_err());
        assert!("5".parse::<Tier>().is_err());
    }

    #[test]
    fn vat_and_duns_are_normalised() {
        let ids =
            LegalIds { vat: Some("de 123-456-789".into()), duns: Some("15-048-3782".into()), ..LegalIds::default() };
        let ids = ids.normalised().unwrap_or_default();
        assert_eq!(ids.vat.as_deref(), Some("DE123456789"));
        assert_eq!(ids.duns.as_deref(), Some("150483782"));
    }

    #[test]
    fn emails_are_checked() {
        assert!(check_email("email", "a@b.example").is_ok());
        assert!(check_email("email", "a b@c.example").is_err());
        assert!(check_email("email", "nobody").is_err());
    }
}
