//! VEX triage: the state of one vulnerability in one product, as CycloneDX VEX, OpenVEX
//! and CSAF VEX express it, reduced to one model. The four states and five
//! justifications are the CISA "minimum requirements for VEX" ones that OpenVEX spells;
//! responses are CycloneDX's. Readers and writers live in `chainward_formats::vex`.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// The triage state of a finding.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexStatus {
    /// Not yet known whether the product is affected (the state of a new finding).
    UnderInvestigation,
    /// The product is affected; a response or action statement says what is done.
    Affected,
    /// The product contains a fix.
    Fixed,
    /// The product is not affected; a justification says why.
    NotAffected,
}

/// Why a product is not affected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Justification {
    /// The vulnerable component is not in the product.
    ComponentNotPresent,
    /// The component is present but the vulnerable code is not.
    VulnerableCodeNotPresent,
    /// The vulnerable code cannot run in the product.
    VulnerableCodeNotInExecutePath,
    /// The vulnerable code runs but an attacker cannot reach or control it.
    VulnerableCodeCannotBeControlledByAdversary,
    /// The product has built-in protections.
    InlineMitigationsAlreadyExist,
}

/// What is done about an affected product (CycloneDX `analysis.response`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Response {
    /// It cannot be fixed.
    CanNotFix,
    /// It will not be fixed.
    WillNotFix,
    /// Update to a fixed version.
    Update,
    /// Roll back to an unaffected version.
    Rollback,
    /// A workaround is available.
    WorkaroundAvailable,
}

/// A triage decision: the state and what supports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Triage {
    /// The state.
    pub status: VexStatus,
    /// Required for `not_affected`, absent otherwise.
    pub justification: Option<Justification>,
    /// For `affected`: what is done.
    pub response: Option<Response>,
    /// Free text: the impact statement, action statement or reason.
    pub detail: Option<String>,
}

/// Why a triage decision is not well-formed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum TriageError {
    /// `not_affected` needs a justification (VEX minimum requirements).
    #[error("not_affected needs a justification (one of {})", Justification::NAMES.join(", "))]
    MissingJustification,
    /// A justification only goes with `not_affected`.
    #[error("a justification is only allowed with not_affected")]
    JustificationWithoutNotAffected,
    /// A response only goes with `affected`.
    #[error("a response is only allowed with affected")]
    ResponseWithoutAffected,
}

impl Triage {
    /// Checks the combination of fields against the VEX rules.
    pub fn check(&self) -> Result<(), TriageError> {
        match (self.status, self.justification, self.response) {
            (VexStatus::NotAffected, None, _) => Err(TriageError::MissingJustification),
            (s, Some(_), _) if s != VexStatus::NotAffected => Err(TriageError::JustificationWithoutNotAffected),
            (s, _, Some(_)) if s != VexStatus::Affected => Err(TriageError::ResponseWithoutAffected),
            _ => Ok(()),
        }
    }
}

/// One VEX statement as read from a document: a vulnerability, the products it is about,
/// and the decision.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexStatement {
    /// The vulnerability id as the document names it (`CVE-…`, `GHSA-…`).
    pub vulnerability: String,
    /// Other ids the document gives for it.
    pub aliases: Vec<String>,
    /// The products the statement is about: purls when the document gives them, else
    /// CPEs or names (kept as written).
    pub products: Vec<VexProduct>,
    /// The decision.
    pub triage: Triage,
    /// When the statement was made (RFC 3339), when the document says.
    pub timestamp: Option<String>,
}

/// A product or component a statement names.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexProduct {
    /// Package URL.
    pub purl: Option<String>,
    /// CPE 2.2 or 2.3 name.
    pub cpe: Option<String>,
    /// Name (and version) as written, when nothing else identifies it.
    pub name: Option<String>,
    /// Subcomponents (purls) the statement narrows to, OpenVEX-style.
    pub subcomponents: Vec<String>,
}

/// A VEX document's format.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum VexFormat {
    /// CycloneDX with `vulnerabilities[].analysis`.
    CycloneDx,
    /// OpenVEX 0.2.
    OpenVex,
    /// CSAF 2.0/2.1 with `product_status`.
    Csaf,
}

/// A VEX document read into statements.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct VexDocument {
    /// The format it came in.
    pub format: VexFormat,
    /// The document's id (`@id`, `serialNumber`, CSAF tracking id), when it has one.
    pub id: Option<String>,
    /// Who issued it.
    pub author: Option<String>,
    /// When it was issued.
    pub timestamp: Option<String>,
    /// Its statements.
    pub statements: Vec<VexStatement>,
}

macro_rules! names {
    ($ty:ident { $($variant:ident = $name:literal),* $(,)? }) => {
        impl $ty {
            /// Every value's stable name.
            pub const NAMES: &'static [&'static str] = &[$($name),*];
            /// The stable snake_case name.
            pub fn as_str(self) -> &'static str {
                match self { $($ty::$variant => $name),* }
            }
        }
        impl fmt::Display for $ty {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl FromStr for $ty {
            type Err = String;
            fn from_str(text: &str) -> Result<Self, String> {
                match text {
                    $($name => Ok($ty::$variant),)*
                    other => Err(format!("unknown {} {other:?}: expected one of {}", stringify!($ty).to_lowercase(), Self::NAMES.join(", "))),
                }
            }
        }
    };
}

names!(VexStatus {
    UnderInvestigation = "under_investigation",
    Affected = "affected",
    Fixed = "fixed",
    NotAffected = "not_affected",
});
names!(Justification {
    ComponentNotPresent = "component_not_present",
    VulnerableCodeNotPresent = "vulnerable_code_not_present",
    VulnerableCodeNotInExecutePath = "vulnerable_code_not_in_execute_path",
    VulnerableCodeCannotBeControlledByAdversary = "vulnerable_code_cannot_be_controlled_by_adversary",
    InlineMitigationsAlreadyExist = "inline_mitigations_already_exist",
});
names!(Response {
    CanNotFix = "can_not_fix",
    WillNotFix = "will_not_fix",
    Update = "update",
    Rollback = "rollback",
    WorkaroundAvailable = "workaround_available",
});
