//! What each route needs, and which roles have it: the one authorization table. Every
//! route of the router is registered with a [`Need`]; the route × role matrix test holds
//! this table against what the server really answers.

use chainward_core::model::Role;

/// What a route needs from its caller.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Need {
    /// Anyone, signed in or not (health, login, static files).
    Public,
    /// Any signed-in account: its own password and tokens.
    SignedIn,
    /// Reading suppliers and offerings. Supplier accounts have it too: the store confines
    /// them to their own supplier.
    ReadRegistry,
    /// Reading what only we may see: internal services, subcontracting, the graph, the
    /// dashboard.
    ReadInternal,
    /// Changing a supplier's profile and its offerings (supplier accounts: their own).
    EditSuppliers,
    /// Creating and deleting suppliers, subcontracting links, CSV imports.
    ManageSuppliers,
    /// Changing internal services.
    EditServices,
    /// Reading and exporting the audit log.
    ReadAudit,
    /// Accounts and service tokens.
    ManageUsers,
    /// Operational data (metrics).
    Operate,
    /// Uploading SBOMs, SWID tags and configurations for offerings (supplier accounts: their
    /// own offerings), and following the uploads.
    UploadEvidence,
    /// Setting security requirements: configuration baselines, supplier aliases.
    SetRequirements,
    /// Triage of vulnerability findings: VEX decisions, VEX documents (supplier accounts:
    /// their own offerings' findings).
    Triage,
    /// Importing advisory feeds (OSV, CISA KEV).
    ManageFeeds,
}

impl Need {
    /// Whether `role` has this need.
    pub fn allows(self, role: Role) -> bool {
        use Role::*;
        match self {
            Need::Public | Need::SignedIn | Need::ReadRegistry => true,
            Need::ReadInternal => matches!(role, Admin | Analyst | Procurement | Auditor),
            Need::EditSuppliers => matches!(role, Admin | Analyst | Procurement | Supplier),
            Need::ManageSuppliers => matches!(role, Admin | Analyst | Procurement),
            Need::EditServices => matches!(role, Admin | Analyst),
            Need::ReadAudit | Need::Operate => matches!(role, Admin | Analyst | Auditor),
            Need::ManageUsers => matches!(role, Admin),
            Need::UploadEvidence => matches!(role, Admin | Analyst | Procurement | Supplier),
            Need::SetRequirements | Need::ManageFeeds => matches!(role, Admin | Analyst),
            Need::Triage => matches!(role, Admin | Analyst | Supplier),
        }
    }
}

/// How a route's callers prove who they are.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Surface {
    /// The JSON API and the operational endpoints (`/healthz`, `/metrics`,
    /// `/openapi.json`): `Authorization: Bearer` API tokens only, no cookies (so no
    /// cross-site request can ride on a browser's session).
    Api,
    /// The web UI: the session cookie, with CSRF tokens on every form.
    Ui,
}

impl Surface {
    /// The surface a path belongs to.
    pub fn of(path: &str) -> Surface {
        if path.starts_with("/api/") || matches!(path, "/metrics" | "/healthz" | "/openapi.json") {
            Surface::Api
        } else {
            Surface::Ui
        }
    }
}
