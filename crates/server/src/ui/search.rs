//! Search across the registry from the box in every page's header: suppliers, offerings
//! and (for roles that may see them) internal services whose name contains the text. It
//! runs on the caller's store, so a supplier's user finds only its own company.

use askama::Template;
use axum::http::HeaderMap;
use axum::response::Response;
use chainward_store::{OfferingFilter, Page, ServiceFilter, SupplierFilter};
use serde::Deserialize;

use super::{Frame, PageError, render};
use crate::auth::{Access, Need};
use crate::extract::ApiQuery;

/// Most hits shown per kind.
const HITS: u64 = 25;

/// One hit.
#[derive(Debug, Clone)]
pub struct Hit {
    /// Link.
    pub href: String,
    /// Name.
    pub name: String,
}

/// Hits of one kind, and how many there are in all.
#[derive(Debug, Clone)]
pub struct Group {
    /// `Suppliers`, `Offerings`, `Services`.
    pub heading: &'static str,
    /// The first hits.
    pub hits: Vec<Hit>,
    /// All matches.
    pub total: u64,
    /// The full list, filtered.
    pub more: String,
}

/// The search page.
#[derive(Template)]
#[template(path = "search.html")]
pub struct SearchPage {
    frame: Frame,
    q: String,
    groups: Vec<Group>,
}

/// The search text.
#[derive(Debug, Deserialize)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /search?q=…`.
pub async fn show(
    access: Access,
    headers: HeaderMap,
    ApiQuery(query): ApiQuery<SearchQuery>,
) -> Result<Response, PageError> {
    let q: String = query.q.trim().chars().take(200).collect();
    let mut groups = Vec::new();
    if !q.is_empty() {
        let store = access.store();
        let page = Page { offset: 0, limit: HITS };
        let encoded = super::url_encode(&q);
        let found =
            store.list_suppliers(&SupplierFilter { q: Some(q.clone()), ..SupplierFilter::default() }, page).await?;
        groups.push(Group {
            heading: "Suppliers",
            hits: found
                .items
                .iter()
                .map(|s| Hit { href: format!("/suppliers/{}", s.id), name: s.data.name.clone() })
                .collect(),
            total: found.total,
            more: format!("/suppliers?q={encoded}"),
        });
        let found =
            store.list_offerings(&OfferingFilter { q: Some(q.clone()), ..OfferingFilter::default() }, page).await?;
        groups.push(Group {
            heading: "Offerings",
            hits: found
                .items
                .iter()
                .map(|o| Hit { href: format!("/offerings/{}", o.id), name: o.data.name.clone() })
                .collect(),
            total: found.total,
            more: format!("/offerings?q={encoded}"),
        });
        if access.can(Need::ReadInternal) {
            let found =
                store.list_services(&ServiceFilter { q: Some(q.clone()), ..ServiceFilter::default() }, page).await?;
            groups.push(Group {
                heading: "Services",
                hits: found
                    .items
                    .iter()
                    .map(|s| Hit { href: format!("/services/{}", s.id), name: s.data.name.clone() })
                    .collect(),
                total: found.total,
                more: format!("/services?q={encoded}"),
            });
        }
    }
    let frame =
        Frame::new(&access, &headers, if q.is_empty() { "Search".to_owned() } else { format!("Search: {q}") }, "");
    Ok(render(&SearchPage { frame, q, groups }))
}
