//! The start page: how many suppliers, offerings and services the registry holds, how
//! they spread over tiers and statuses, and what the supply-chain graph says about risk —
//! the deepest subcontracting chain, single points of failure and the most shared
//! suppliers. A supplier's own staff go straight to their supplier's page instead.

use askama::Template;
use axum::extract::State;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chainward_core::graph::{ChainGraph, EdgeKind, NodeIx, NodeKey, NodeKind};
use chainward_core::model::{SupplierStatus, Tier};
use chainward_store::{OfferingFilter, Page, ServiceFilter, SupplierFilter};

use super::suppliers::human;
use super::{Frame, PageError, render};
use crate::auth::{Access, Need};
use crate::error::ApiError;
use crate::state::AppState;

/// Rows shown in the single-point-of-failure and concentration tables.
const TOP: usize = 10;

/// A node of the graph as a link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NodeLink {
    /// The node's page.
    pub href: String,
    /// Its name.
    pub label: String,
    /// Supplier, offering or internal service.
    pub kind: &'static str,
}

/// The link to a graph node's page.
pub fn node_link(graph: &ChainGraph, node: NodeIx) -> Option<NodeLink> {
    let (href, kind) = match graph.key(node)? {
        NodeKey::Supplier(id) => (format!("/suppliers/{id}"), "supplier"),
        NodeKey::Offering(id) => (format!("/offerings/{id}"), "offering"),
        NodeKey::Service(id) => (format!("/services/{id}"), "internal service"),
    };
    Some(NodeLink { href, label: graph.label(node).to_owned(), kind })
}

/// The longest chain of subcontracting links in the registry.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeepestChain {
    /// Links in the longest chain (0 when nobody subcontracts).
    pub depth: u32,
    /// The suppliers along it, from the one we contract with.
    pub path: Vec<NodeIx>,
    /// Suppliers in (or beneath) a subcontracting cycle; their chains have no end, so
    /// they are left out of the depth.
    pub in_cycles: usize,
}

/// The longest chain of subcontracting links: longest path over the subcontracting edges,
/// in topological order (Kahn), O(nodes + edges). Suppliers on or beneath a cycle never
/// reach in-degree zero; they are counted, not measured.
pub fn deepest_chain(graph: &ChainGraph) -> DeepestChain {
    let n = graph.n_nodes();
    let subcontracts = |node: NodeIx| graph.successors(node).filter(|&(_, k)| k == EdgeKind::SubcontractsTo);
    let mut in_degree = vec![0u32; n];
    let mut n_suppliers = 0usize;
    for node in 0..n as NodeIx {
        if graph.kind(node) != Some(NodeKind::Supplier) {
            continue;
        }
        n_suppliers += 1;
        for (to, _) in subcontracts(node) {
            if let Some(d) = in_degree.get_mut(to as usize) {
                *d += 1;
            }
        }
    }
    // Longest chain ending at each node, and where it came from.
    let mut length = vec![0u32; n];
    let mut from = vec![NodeIx::MAX; n];
    let mut queue: Vec<NodeIx> = (0..n as NodeIx)
        .filter(|&v| graph.kind(v) == Some(NodeKind::Supplier) && in_degree.get(v as usize) == Some(&0))
        .collect();
    let mut head = 0;
    while let Some(&node) = queue.get(head) {
        head += 1;
        let here = length.get(node as usize).copied().unwrap_or(0);
        for (to, _) in subcontracts(node) {
            if let Some(l) = length.get_mut(to as usize)
                && here + 1 > *l
            {
                *l = here + 1;
                if let Some(f) = from.get_mut(to as usize) {
                    *f = node;
                }
            }
            if let Some(d) = in_degree.get_mut(to as usize) {
                *d -= 1;
                if *d == 0 {
                    queue.push(to);
                }
            }
        }
    }
    let end =
        queue.iter().copied().max_by_key(|&v| (length.get(v as usize).copied().unwrap_or(0), std::cmp::Reverse(v)));
    let mut path = Vec::new();
    let mut at = end;
    while let Some(node) = at {
        path.push(node);
        at = from.get(node as usize).copied().filter(|&f| f != NodeIx::MAX);
    }
    path.reverse();
    let depth = end.and_then(|e| length.get(e as usize).copied()).unwrap_or(0);
    if depth == 0 {
        path.clear();
    }
    DeepestChain { depth, path, in_cycles: n_suppliers - queue.len() }
}

/// One bar of a distribution.
#[derive(Debug, Clone)]
pub struct Bar {
    /// What is counted.
    pub label: String,
    /// The filtered supplier list.
    pub href: String,
    /// How many.
    pub count: u64,
}

/// A single point of failure, as links.
#[derive(Debug, Clone)]
pub struct SpofRow {
    /// The service at risk.
    pub service: NodeLink,
    /// The offering it needs.
    pub need: NodeLink,
    /// What fails alone.
    pub node: NodeLink,
    /// Why, for people.
    pub reason: &'static str,
}

/// A shared supplier.
#[derive(Debug, Clone)]
pub struct ConcentrationRow {
    /// The supplier.
    pub supplier: NodeLink,
    /// Internal services resting on it.
    pub n_services: u32,
    /// Suppliers whose chain reaches it.
    pub n_upstream_suppliers: u32,
}

/// What the graph says, ready to show.
#[derive(Debug, Clone, Default)]
pub struct GraphFacts {
    /// Subcontracting links.
    pub n_links: usize,
    /// Suppliers that are someone's subcontractor.
    pub n_fourth_parties: usize,
    /// Links in the longest subcontracting chain.
    pub depth: u32,
    /// The suppliers along it.
    pub chain: Vec<NodeLink>,
    /// Suppliers on or beneath subcontracting cycles.
    pub in_cycles: usize,
    /// The first single points of failure.
    pub spofs: Vec<SpofRow>,
    /// All single points of failure.
    pub spof_total: usize,
    /// Internal services with at least one.
    pub services_at_risk: usize,
    /// The most shared suppliers.
    pub concentration: Vec<ConcentrationRow>,
}

fn graph_facts(graph: &ChainGraph) -> GraphFacts {
    let mut n_links = 0;
    let mut n_fourth_parties = 0;
    for node in 0..graph.n_nodes() as NodeIx {
        if graph.kind(node) != Some(NodeKind::Supplier) {
            continue;
        }
        n_links += graph.successors(node).filter(|&(_, k)| k == EdgeKind::SubcontractsTo).count();
        if graph.predecessors(node).any(|(_, k)| k == EdgeKind::SubcontractsTo) {
            n_fourth_parties += 1;
        }
    }
    let deepest = deepest_chain(graph);
    let spofs = graph.single_points_of_failure();
    let mut at_risk: Vec<NodeIx> = spofs.iter().map(|s| s.service).collect();
    at_risk.sort_unstable();
    at_risk.dedup();
    GraphFacts {
        n_links,
        n_fourth_parties,
        depth: deepest.depth,
        chain: deepest.path.iter().filter_map(|&n| node_link(graph, n)).collect(),
        in_cycles: deepest.in_cycles,
        spof_total: spofs.len(),
        services_at_risk: at_risk.len(),
        spofs: spofs
            .iter()
            .take(TOP)
            .filter_map(|s| {
                Some(SpofRow {
                    service: node_link(graph, s.service)?,
                    need: node_link(graph, s.need)?,
                    node: node_link(graph, s.node)?,
                    reason: match s.reason {
                        chainward_core::graph::SpofReason::NoAlternative => "no alternative",
                        chainward_core::graph::SpofReason::SharedByAllAlternatives => "every alternative rests on it",
                    },
                })
            })
            .collect(),
        concentration: graph
            .concentration()
            .iter()
            .take(TOP)
            .filter_map(|c| {
                Some(ConcentrationRow {
                    supplier: node_link(graph, c.supplier)?,
                    n_services: c.n_services,
                    n_upstream_suppliers: c.n_upstream_suppliers,
                })
            })
            .collect(),
    }
}

/// `GET /`.
#[derive(Template)]
#[template(path = "dashboard.html")]
pub struct DashboardPage {
    frame: Frame,
    n_suppliers: u64,
    n_offerings: u64,
    n_services: u64,
    by_tier: Vec<Bar>,
    by_status: Vec<Bar>,
    facts: GraphFacts,
    internal: bool,
    can_manage: bool,
}

async fn count_suppliers(access: &Access, filter: SupplierFilter) -> Result<u64, PageError> {
    Ok(access.store().list_suppliers(&filter, Page { offset: 0, limit: 1 }).await?.total)
}

/// `GET /`: the dashboard; supplier users are sent to their own supplier's page.
pub async fn show(access: Access, State(state): State<AppState>, headers: HeaderMap) -> Result<Response, PageError> {
    if let Some(own) = access.caller.supplier_scope() {
        return Ok(Redirect::to(&format!("/suppliers/{own}")).into_response());
    }
    let store = access.store();
    let n_suppliers = count_suppliers(&access, SupplierFilter::default()).await?;
    let n_offerings = store.list_offerings(&OfferingFilter::default(), Page { offset: 0, limit: 1 }).await?.total;
    let internal = access.can(Need::ReadInternal);
    let mut by_tier = Vec::new();
    let mut by_status = Vec::new();
    if n_suppliers > 0 {
        for n in 1..=4u8 {
            let tier = Tier::new(n).map_err(ApiError::internal)?;
            let filter = SupplierFilter { tier: Some(tier), ..SupplierFilter::default() };
            let label = match n {
                1 => "Tier 1 (most critical)".to_owned(),
                4 => "Tier 4 (least critical)".to_owned(),
                n => format!("Tier {n}"),
            };
            by_tier.push(Bar {
                label,
                href: format!("/suppliers?tier={n}"),
                count: count_suppliers(&access, filter).await?,
            });
        }
        for &status in SupplierStatus::ALL {
            let filter = SupplierFilter { status: Some(status), ..SupplierFilter::default() };
            by_status.push(Bar {
                label: human(status.as_str()),
                href: format!("/suppliers?status={}", status.as_str()),
                count: count_suppliers(&access, filter).await?,
            });
        }
    }
    let (n_services, facts) = if internal {
        let n_services = store.list_services(&ServiceFilter::default(), Page { offset: 0, limit: 1 }).await?.total;
        let graph = state.graph().await?;
        let facts = tokio::task::spawn_blocking(move || graph_facts(&graph))
            .await
            .map_err(|e| ApiError::internal(format!("graph query task failed: {e}")))?;
        (n_services, facts)
    } else {
        (0, GraphFacts::default())
    };
    Ok(render(&DashboardPage {
        frame: Frame::new(&access, &headers, "Dashboard", "/"),
        n_suppliers,
        n_offerings,
        n_services,
        by_tier,
        by_status,
        facts,
        internal,
        can_manage: access.can(Need::ManageSuppliers),
    }))
}

#[cfg(test)]
mod tests {
    use chainward_core::graph::{GraphEdge, GraphInput, GraphNode};
    use chainward_core::model::SupplierId;
    use uuid::Uuid;

    use super::*;

    fn supplier(n: u128) -> NodeKey {
        NodeKey::Supplier(SupplierId(Uuid::from_u128(n)))
    }

    /// Suppliers `1..=n_suppliers` named `s1`, … and subcontracting links between them.
    fn graph(n_suppliers: u128, links: &[(u128, u128)]) -> ChainGraph {
        let input = GraphInput {
            nodes: (1..=n_suppliers).map(|n| GraphNode { key: supplier(n), label: format!("s{n}") }).collect(),
            edges: links
                .iter()
                .map(|&(a, b)| GraphEdge { from: supplier(a), to: supplier(b), kind: EdgeKind::SubcontractsTo })
                .collect(),
            alternatives: Vec::new(),
        };
        ChainGraph::build(input).unwrap_or_default()
    }

    fn check(n_suppliers: u128, links: &[(u128, u128)], depth: u32, path: &[&str], in_cycles: usize) {
        let g = graph(n_suppliers, links);
        let found = deepest_chain(&g);
        let labels: Vec<&str> = found.path.iter().map(|&n| g.label(n)).collect();
        assert_eq!((found.depth, labels.as_slice(), found.in_cycles), (depth, path, in_cycles));
    }

    #[test]
    fn no_subcontracting_is_depth_zero() {
        check(0, &[], 0, &[], 0);
        check(2, &[], 0, &[], 0);
    }

    #[test]
    fn the_longest_chain_wins_over_the_shortest_path() {
        // s1 → s2 → s3 → s4
        //  └────────────↗      (a shortcut does not shorten the longest chain)
        check(4, &[(1, 2), (2, 3), (3, 4), (1, 4)], 3, &["s1", "s2", "s3", "s4"], 0);
    }

    #[test]
    fn cycles_are_counted_not_followed() {
        // s1 → s2 → s3 → s2 (cycle), s3 → s4; s5 → s6
        check(6, &[(1, 2), (2, 3), (3, 2), (3, 4), (5, 6)], 1, &["s5", "s6"], 3);
    }
}
