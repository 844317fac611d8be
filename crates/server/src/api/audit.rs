//! The audit log, for auditors: every change with who, when, before and after, and the
//! hash chain that makes tampering evident.

use axum::Json;
use chainward_core::audit::AuditEntry;
use chainward_store::AuditFilter;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::page;
use crate::auth::Db;
use crate::error::{ApiError, ErrorBody};
use crate::extract::ApiQuery;

/// Filters and window of the audit log.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// Only entries by this actor (`user:alice`).
    pub actor: Option<String>,
    /// Only entries about this kind of thing (`supplier`).
    pub entity: Option<String>,
    /// Only entries about this id.
    pub entity_id: Option<String>,
    /// Only this action (`update`).
    pub action: Option<String>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

impl AuditQuery {
    /// The store's filter.
    pub fn filter(&self) -> AuditFilter {
        let keep = |v: &Option<String>| v.as_deref().map(str::trim).filter(|v| !v.is_empty()).map(str::to_owned);
        AuditFilter {
            actor: keep(&self.actor),
            entity: keep(&self.entity),
            entity_id: keep(&self.entity_id),
            action: keep(&self.action),
        }
    }
}

/// One entry of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: i64,
    /// When (RFC 3339).
    pub at: String,
    /// Who.
    pub actor: String,
    /// What.
    pub action: String,
    /// On what kind of thing.
    pub entity: String,
    /// Which one.
    pub entity_id: Option<String>,
    /// The thing before the change.
    #[schema(value_type = Object)]
    pub before: Option<serde_json::Value>,
    /// The thing after the change.
    #[schema(value_type = Object)]
    pub after: Option<serde_json::Value>,
    /// The hash of the entry before.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

impl From<AuditEntry> for AuditRecord {
    fn from(e: AuditEntry) -> Self {
        let json = |t: Option<String>| t.map(|t| serde_json::from_str(&t).unwrap_or(serde_json::Value::String(t)));
        AuditRecord {
            seq: e.seq,
            at: e.at,
            actor: e.actor,
            action: e.action,
            entity: e.entity,
            entity_id: e.entity_id,
            before: json(e.before),
            after: json(e.after),
            prev_hash: e.prev_hash,
            hash: e.hash,
        }
    }
}

/// One page of the audit log.
#[derive(Debug, Serialize, ToSchema)]
pub struct AuditPage {
    /// Entries, newest first.
    pub items: Vec<AuditRecord>,
    /// Entries matching the filter.
    pub total: u64,
    /// Rows skipped.
    pub offset: u64,
    /// Page size.
    pub limit: u64,
}

/// Lists the audit log, newest first.
#[utoipa::path(
    get, path = "/api/v1/audit", tag = "operations",
    params(AuditQuery),
    responses(
        (status = 200, description = "one page of the audit log", body = AuditPage),
        (status = 401, description = "no valid API token", body = ErrorBody),
        (status = 403, description = "the role may not read the audit log", body = ErrorBody),
    )
)]
pub async fn list_audit(db: Db, ApiQuery(query): ApiQuery<AuditQuery>) -> Result<Json<AuditPage>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let found = db.list_audit(&query.filter(), page).await?;
    Ok(Json(AuditPage {
        items: found.items.into_iter().map(Into::into).collect(),
        total: found.total,
        offset: page.offset,
        limit: page.limit,
    }))
}
