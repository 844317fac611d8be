//! Internal service pages: the list, a service's page (the offerings it uses with their
//! suppliers and alternatives, its single points of failure, the picture of everything it
//! rests on), the form that records a new service, and deletion.
//!
//! The offerings a service uses are typed one per line, by name:
//! `offering | purpose | alternative; alternative`. Every name is resolved through the
//! store, and a name that matches nothing is reported with its line number.

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chainward_core::graph::{ChainGraph, EdgeKind, NodeKey};
use chainward_core::model::{OfferingId, ServiceData, ServiceId, ServiceUse, Tier, check_name};
use chainward_core::picture::service_dependencies;
use chainward_store::{Page, ServiceFilter, StoreError};

use super::dashboard::{NodeLink, SpofRow, node_link};
use super::suppliers::{Choice, EmptyForm, FieldErrors, Fields, Link, PAGE_SIZE, draw, parse_id, tier_choices};
use super::{CsrfForm, Frame, PageError, Pager, redirect_with_flash, render, render_status};
use crate::auth::{Access, Need};
use crate::error::ApiError;
use crate::state::AppState;

/// Most lines of offerings one service may list.
const MAX_USES: usize = 500;

/// One row of the service list.
#[derive(Debug, Clone)]
pub struct ServiceRow {
    /// The service.
    pub service: Link,
    /// Owner, or empty.
    pub owner: String,
    /// Criticality tier.
    pub criticality: u8,
    /// RTO, or empty.
    pub rto: String,
    /// Offerings used.
    pub n_uses: usize,
}

/// `GET /services`.
#[derive(Template)]
#[template(path = "services.html")]
pub struct ListPage {
    frame: Frame,
    filters: Fields,
    tiers: Vec<Choice>,
    filter_error: Option<String>,
    rows: Vec<ServiceRow>,
    pager: Pager,
    filtered: bool,
    can_edit: bool,
}

const SERVICE_FILTERS: &[&str] = &["q", "criticality"];

/// `GET /services`: search and criticality filter, 50 a page.
pub async fn list(
    access: Access,
    headers: HeaderMap,
    Query(pairs): Query<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let filters = Fields::new(pairs);
    let offset = filters.offset();
    let base = format!("/services{}", filters.query(SERVICE_FILTERS));
    let criticality = filters.opt("criticality").map(|c| c.parse::<Tier>()).transpose();
    let (rows, pager, filter_error) = match criticality {
        Ok(criticality) => {
            let filter = ServiceFilter { q: filters.opt("q"), criticality, uses: None };
            let found = access.store().list_services(&filter, Page { offset, limit: PAGE_SIZE }).await?;
            let rows = found
                .items
                .iter()
                .map(|s| ServiceRow {
                    service: Link { href: format!("/services/{}", s.id), label: s.data.name.clone() },
                    owner: s.data.owner.clone().unwrap_or_default(),
                    criticality: s.data.criticality.get(),
                    rto: s.data.rto_hours.map(|h| format!("{h} h")).unwrap_or_default(),
                    n_uses: s.data.uses.len(),
                })
                .collect();
            (rows, Pager::new(&base, offset, PAGE_SIZE, found.items.len(), found.total), None)
        }
        Err(e) => (Vec::new(), Pager::new(&base, 0, PAGE_SIZE, 0, 0), Some(format!("Criticality: {}.", e.reason))),
    };
    let page = ListPage {
        frame: Frame::new(&access, &headers, "Internal services", "/services"),
        tiers: tier_choices(filters.get("criticality")),
        filtered: SERVICE_FILTERS.iter().any(|f| filters.opt(f).is_some()),
        filters,
        filter_error: filter_error.clone(),
        rows,
        pager,
        can_edit: access.can(Need::EditServices),
    };
    Ok(if filter_error.is_some() { render_status(StatusCode::BAD_REQUEST, &page) } else { render(&page) })
}

/// One offering a service uses, for display.
#[derive(Debug, Clone)]
pub struct UseView {
    /// The offering.
    pub offering: Link,
    /// Its supplier, when known.
    pub supplier: Option<Link>,
    /// What it is used for.
    pub purpose: String,
    /// Offerings that can replace it.
    pub alternatives: Vec<Link>,
}

/// `GET /services/{id}`.
#[derive(Template)]
#[template(path = "service.html")]
pub struct ShowPage {
    frame: Frame,
    id: String,
    name: String,
    owner: String,
    owner_email: String,
    rto: String,
    criticality: u8,
    description: String,
    uses: Vec<UseView>,
    spofs: Vec<SpofRow>,
    can_edit: bool,
    created: String,
    updated: String,
}

/// The offering, with its supplier, as links from the graph.
fn offering_links(graph: &ChainGraph, offering: OfferingId) -> (Link, Option<Link>) {
    let Some(node) = graph.find(NodeKey::Offering(offering)) else {
        // Not in the graph yet (changed a moment ago): the id still leads to the page.
        return (Link { href: format!("/offerings/{offering}"), label: offering.to_string() }, None);
    };
    let as_link = |n: NodeLink| Link { href: n.href, label: n.label };
    let link = node_link(graph, node)
        .map(as_link)
        .unwrap_or_else(|| Link { href: format!("/offerings/{offering}"), label: offering.to_string() });
    let supplier = graph
        .successors(node)
        .find(|&(_, k)| k == EdgeKind::ProvidedBy)
        .and_then(|(s, _)| node_link(graph, s))
        .map(as_link);
    (link, supplier)
}

/// `GET /services/{id}`: the service, what it uses, and what fails it alone.
pub async fn show(
    access: Access,
    State(state): State<AppState>,
    headers: HeaderMap,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = ServiceId(parse_id(&raw)?);
    let service = access.store().get_service(id).await?;
    let graph = state.graph().await?;
    let service_uses = service.data.uses.clone();
    let (uses, spofs) = tokio::task::spawn_blocking(move || {
        let uses: Vec<UseView> = service_uses
            .iter()
            .map(|u| {
                let (offering, supplier) = offering_links(&graph, u.offering);
                UseView {
                    offering,
                    supplier,
                    purpose: u.purpose.clone().unwrap_or_default(),
                    alternatives: u.alternatives.iter().map(|&a| offering_links(&graph, a).0).collect(),
                }
            })
            .collect();
        let spofs: Vec<SpofRow> = match graph.find(NodeKey::Service(id)) {
            Some(node) => graph
                .single_points_of_failure()
                .iter()
                .filter(|s| s.service == node)
                .filter_map(|s| {
                    Some(SpofRow {
                        service: node_link(&graph, s.service)?,
                        need: node_link(&graph, s.need)?,
                        node: node_link(&graph, s.node)?,
                        reason: match s.reason {
                            chainward_core::graph::SpofReason::NoAlternative => "no alternative",
                            chainward_core::graph::SpofReason::SharedByAllAlternatives => {
                                "every alternative rests on it"
                            }
                        },
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        (uses, spofs)
    })
    .await
    .map_err(|e| ApiError::internal(format!("graph query task failed: {e}")))?;
    let d = &service.data;
    Ok(render(&ShowPage {
        frame: Frame::new(&access, &headers, d.name.clone(), "/services"),
        id: id.to_string(),
        name: d.name.clone(),
        owner: d.owner.clone().unwrap_or_default(),
        owner_email: d.owner_email.clone().unwrap_or_default(),
        rto: d.rto_hours.map(|h| format!("{h} hours")).unwrap_or_default(),
        criticality: d.criticality.get(),
        description: d.description.clone().unwrap_or_default(),
        uses,
        spofs,
        can_edit: access.can(Need::EditServices),
        created: service.created_at.date().to_string(),
        updated: service.updated_at.date().to_string(),
    }))
}

/// The new-service form.
#[derive(Template)]
#[template(path = "service_form.html")]
pub struct FormPage {
    frame: Frame,
    values: Fields,
    errors: FieldErrors,
    tiers: Vec<Choice>,
}

impl FormPage {
    fn new(access: &Access, headers: &HeaderMap, values: Fields, errors: FieldErrors) -> Self {
        FormPage {
            frame: Frame::new(access, headers, "New internal service", "/services"),
            tiers: tier_choices(values.get("criticality")),
            values,
            errors,
        }
    }
}

/// `GET /services/new`.
pub async fn new_form(access: Access, headers: HeaderMap) -> Response {
    let mut values = Fields::default();
    values.set("criticality", "3");
    render(&FormPage::new(&access, &headers, values, FieldErrors::default()))
}

/// One line of the "offerings used" field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseLine {
    /// Line number, from 1.
    pub line: usize,
    /// Name (or id) of the offering.
    pub offering: String,
    /// What it is used for.
    pub purpose: Option<String>,
    /// Names (or ids) of the offerings that can replace it.
    pub alternatives: Vec<String>,
}

/// Reads the "offerings used" field: one offering a line, `offering | purpose |
/// alternative; alternative`; blank lines are skipped. The error names the line.
pub fn parse_uses(text: &str) -> Result<Vec<UseLine>, String> {
    let mut out = Vec::new();
    for (i, raw) in text.lines().enumerate() {
        let line = i + 1;
        if raw.trim().is_empty() {
            continue;
        }
        let mut parts = raw.splitn(3, '|').map(str::trim);
        let offering = parts.next().unwrap_or("").to_owned();
        if offering.is_empty() {
            return Err(format!("line {line}: the offering's name comes first"));
        }
        let purpose = parts.next().filter(|p| !p.is_empty()).map(str::to_owned);
        let alternatives: Vec<String> =
            parts.next().unwrap_or("").split(';').map(str::trim).filter(|a| !a.is_empty()).map(str::to_owned).collect();
        out.push(UseLine { line, offering, purpose, alternatives });
        if out.len() > MAX_USES {
            return Err(format!("more than {MAX_USES} offerings; record the service through the API or an import"));
        }
    }
    Ok(out)
}

/// Reads the new-service form; offering names are resolved through the caller's store.
async fn service_data(access: &Access, fields: &Fields) -> Result<ServiceData, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = check_name("name", fields.get("name")).map_err(|e| errors.add_invalid(&e)).ok();
    let criticality = fields.get("criticality").parse::<Tier>().map_err(|e| errors.add("criticality", e.reason)).ok();
    let rto_hours = match fields.opt("rto_hours") {
        None => None,
        Some(text) => match text.parse::<u32>() {
            Ok(h) => Some(h),
            Err(_) => {
                errors.add("rto_hours", format!("{text:?} is not a whole number of hours"));
                None
            }
        },
    };
    let mut uses = Vec::new();
    match parse_uses(fields.get("uses")) {
        Err(message) => errors.add("uses", message),
        Ok(lines) => {
            let store = access.store();
            'lines: for line in lines {
                let mut ids = Vec::with_capacity(1 + line.alternatives.len());
                for name in std::iter::once(&line.offering).chain(&line.alternatives) {
                    match store.find_offering(name).await {
                        Ok(o) => ids.push(o.id),
                        Err(StoreError::NotFound { .. }) => {
                            errors.add(
                                "uses",
                                format!("line {}: no offering is named \u{201c}{name}\u{201d}", line.line),
                            );
                            break 'lines;
                        }
                        Err(e) => {
                            errors.add("uses", format!("line {}: {e}", line.line));
                            break 'lines;
                        }
                    }
                }
                let (offering, alternatives) = match ids.split_first() {
                    Some((first, rest)) => (*first, rest.to_vec()),
                    None => continue,
                };
                uses.push(ServiceUse { offering, purpose: line.purpose, alternatives });
            }
        }
    }
    let (Some(name), Some(criticality)) = (name, criticality) else { return Err(errors) };
    if !errors.is_empty() {
        return Err(errors);
    }
    ServiceData {
        name,
        owner: fields.opt("owner"),
        owner_email: fields.opt("owner_email"),
        rto_hours,
        criticality,
        description: fields.opt("description"),
        uses,
    }
    .validated()
    .map_err(|e| {
        let mut errors = FieldErrors::default();
        // Both "uses" and "alternatives" are about the one field.
        let field = if e.field == "alternatives" { "uses" } else { e.field };
        errors.add(field, e.reason);
        errors
    })
}

/// `POST /services`: records a service with the offerings it uses, or shows the form
/// again with the failures.
pub async fn create(
    access: Access,
    headers: HeaderMap,
    CsrfForm(pairs): CsrfForm<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let fields = Fields::new(pairs);
    let data = match service_data(&access, &fields).await {
        Ok(data) => data,
        Err(errors) => {
            return Ok(render_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage::new(&access, &headers, fields, errors),
            ));
        }
    };
    match access.store().create_service(data).await {
        Ok(s) => Ok(redirect_with_flash(
            &format!("/services/{}", s.id),
            &format!("Service \u{201c}{}\u{201d} recorded.", s.data.name),
            false,
        )),
        Err(StoreError::Invalid(value)) => {
            let mut errors = FieldErrors::default();
            errors.add_invalid(&value);
            Ok(render_status(StatusCode::UNPROCESSABLE_ENTITY, &FormPage::new(&access, &headers, fields, errors)))
        }
        Err(StoreError::Conflict(message)) => {
            let mut errors = FieldErrors::default();
            errors.add("name", message);
            Ok(render_status(StatusCode::CONFLICT, &FormPage::new(&access, &headers, fields, errors)))
        }
        Err(e) => Err(e.into()),
    }
}

/// `POST /services/{id}/delete`.
pub async fn delete(
    access: Access,
    Path(raw): Path<String>,
    CsrfForm(_): CsrfForm<EmptyForm>,
) -> Result<Response, PageError> {
    let id = ServiceId(parse_id(&raw)?);
    let store = access.store();
    let service = store.get_service(id).await?;
    store.delete_service(id).await?;
    Ok(redirect_with_flash("/services", &format!("Service \u{201c}{}\u{201d} deleted.", service.data.name), false))
}

/// `GET /services/{id}/dependencies.svg`: the picture of everything the service rests on.
pub async fn dependencies_svg(
    access: Access,
    State(state): State<AppState>,
    Path(raw): Path<String>,
) -> Result<Response, PageError> {
    let id = ServiceId(parse_id(&raw)?);
    access.store().get_service(id).await?;
    draw(&state, "dependencies", &format!("the dependencies of {id}"), move |graph| service_dependencies(graph, id))
        .await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(line: usize, offering: &str, purpose: Option<&str>, alternatives: &[&str]) -> UseLine {
        UseLine {
            line,
            offering: offering.to_owned(),
            purpose: purpose.map(str::to_owned),
            alternatives: alternatives.iter().map(|a| (*a).to_owned()).collect(),
        }
    }

    #[test]
    fn uses_are_read_one_a_line() {
        let text = "Mail\n\n  Cloud DB | orders | Other DB;  Third DB ; \nCDN |  | Backup CDN\n";
        assert_eq!(
            parse_uses(text),
            Ok(vec![
                line(1, "Mail", None, &[]),
                line(3, "Cloud DB", Some("orders"), &["Other DB", "Third DB"]),
                line(4, "CDN", None, &["Backup CDN"]),
            ])
        );
        assert_eq!(parse_uses(""), Ok(Vec::new()));
        assert_eq!(parse_uses("ok\n | purpose"), Err("line 2: the offering's name comes first".to_owned()));
    }
}
