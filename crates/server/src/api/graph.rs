//! Questions to the supply-chain graph: fourth parties, dependents (blast radius), paths,
//! concentration and single points of failure.
//!
//! Ids may be any node's UUID (supplier, offering or service); they are resolved against
//! the graph. Queries run on the blocking pool, since some (concentration, path search)
//! visit the whole graph.

use axum::Json;
use axum::extract::State;
use chainward_core::graph::{ChainGraph, NodeIx, NodeKey, PathLimits};
use chainward_core::model::{OfferingId, ServiceId, SupplierId};
use serde::Deserialize;
use utoipa::IntoParams;
use uuid::Uuid;

use super::model::{
    ConcentrationEntry, ConcentrationList, Dependents, NodeKind, NodeRef, PathList, ReachedNode, SinglePointOfFailure,
    SpofPage, SubcontractorTree,
};
use super::page;
use crate::error::{ApiError, ErrorBody};
use crate::extract::{ApiPath, ApiQuery};
use crate::state::AppState;

/// The longest path `/api/v1/graph/paths` searches, in links.
pub const MAX_PATH_DEPTH: u32 = 32;
/// The most paths `/api/v1/graph/paths` returns.
pub const MAX_PATHS: usize = 1000;

/// Runs a query against the current graph on the blocking pool.
async fn on_graph<T, F>(state: &AppState, query: F) -> Result<T, ApiError>
where
    T: Send + 'static,
    F: FnOnce(&ChainGraph) -> Result<T, ApiError> + Send + 'static,
{
    let graph = state.graph().await?;
    tokio::task::spawn_blocking(move || query(&graph))
        .await
        .map_err(|e| ApiError::internal(format!("graph query task failed: {e}")))?
}

/// The node with this id, whatever its kind.
fn resolve(graph: &ChainGraph, id: Uuid) -> Result<NodeIx, ApiError> {
    [NodeKey::Supplier(SupplierId(id)), NodeKey::Offering(OfferingId(id)), NodeKey::Service(ServiceId(id))]
        .into_iter()
        .find_map(|key| graph.find(key))
        .ok_or_else(|| ApiError::NotFound(format!("no supplier, offering or service has the id {id}")))
}

fn node_ref(graph: &ChainGraph, node: NodeIx) -> Result<NodeRef, ApiError> {
    graph
        .key(node)
        .map(|key| NodeRef { kind: key.kind().into(), id: key.uuid(), name: graph.label(node).to_owned() })
        .ok_or_else(|| ApiError::internal(format!("graph node {node} has no key")))
}

fn path_refs(graph: &ChainGraph, path: &[NodeIx]) -> Vec<NodeRef> {
    graph.describe(path).into_iter().map(Into::into).collect()
}

/// How deep to follow subcontracting.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DepthQuery {
    /// Most subcontracting links to follow (1 = direct subcontractors); unbounded when absent.
    pub depth: Option<u32>,
}

/// The subcontractors of a supplier (fourth parties and beyond), each with the shortest
/// chain that reaches it.
#[utoipa::path(
    get, path = "/api/v1/graph/subcontractors/{supplier_id}", tag = "graph",
    params(("supplier_id" = Uuid, Path, description = "the supplier's id"), DepthQuery),
    responses(
        (status = 200, description = "the subcontractor tree, nearest first", body = SubcontractorTree),
        (status = 400, description = "the id is not a supplier's, or a bad depth", body = ErrorBody),
        (status = 404, description = "no node has this id", body = ErrorBody),
    )
)]
pub async fn subcontractors(
    State(state): State<AppState>,
    ApiPath(supplier_id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<DepthQuery>,
) -> Result<Json<SubcontractorTree>, ApiError> {
    if query.depth == Some(0) {
        return Err(ApiError::BadRequest("depth: use 1 or more, or leave it out for every level".to_owned()));
    }
    let tree = on_graph(&state, move |graph| {
        let origin = resolve(graph, supplier_id)?;
        let origin_ref = node_ref(graph, origin)?;
        if origin_ref.kind != NodeKind::Supplier {
            let what = if origin_ref.kind == NodeKind::Offering { "an offering" } else { "a service" };
            return Err(ApiError::BadRequest(format!("supplier_id: {supplier_id} is {what}, not a supplier")));
        }
        let items = graph
            .subcontractors(origin, query.depth.unwrap_or(u32::MAX))
            .into_iter()
            .map(|reached| {
                Ok(ReachedNode {
                    node: node_ref(graph, reached.node)?,
                    depth: reached.depth,
                    path: path_refs(graph, &reached.path),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(SubcontractorTree { origin: origin_ref, depth: query.depth, items })
    })
    .await?;
    Ok(Json(tree))
}

/// Filter and window of the dependents of a node.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DependentsQuery {
    /// Only dependents of this kind, e.g. `service` for the internal services affected.
    pub kind: Option<NodeKind>,
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// Everything that depends on a supplier, offering or service, directly or through any
/// chain (the blast radius of an incident there), each with its depth and a shortest
/// explaining path from the dependent to the node asked about.
#[utoipa::path(
    get, path = "/api/v1/graph/dependents/{id}", tag = "graph",
    params(("id" = Uuid, Path, description = "the id of a supplier, offering or service"), DependentsQuery),
    responses(
        (status = 200, description = "dependents, nearest first", body = Dependents),
        (status = 400, description = "a malformed id or filter", body = ErrorBody),
        (status = 404, description = "no node has this id", body = ErrorBody),
    )
)]
pub async fn dependents(
    State(state): State<AppState>,
    ApiPath(id): ApiPath<Uuid>,
    ApiQuery(query): ApiQuery<DependentsQuery>,
) -> Result<Json<Dependents>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let wanted = query.kind.map(chainward_core::graph::NodeKind::from);
    let found = on_graph(&state, move |graph| {
        let origin = resolve(graph, id)?;
        let reach = graph.dependents(origin);
        let matching: Vec<NodeIx> = reach
            .reached()
            .filter(|&node| node != origin && wanted.is_none_or(|kind| graph.kind(node) == Some(kind)))
            .collect();
        let total = matching.len() as u64;
        let skip = usize::try_from(page.offset).unwrap_or(usize::MAX);
        let take = usize::try_from(page.limit).unwrap_or(usize::MAX);
        let items = matching
            .into_iter()
            .skip(skip)
            .take(take)
            .map(|node| {
                let reached = reach.explain(node);
                Ok(ReachedNode {
                    node: node_ref(graph, node)?,
                    depth: reached.depth,
                    path: path_refs(graph, &reached.path),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(Dependents { origin: node_ref(graph, origin)?, items, total, offset: page.offset, limit: page.limit })
    })
    .await?;
    Ok(Json(found))
}

/// The two ends and the bounds of a path search.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PathsQuery {
    /// The dependent end: a service, offering or supplier.
    pub from: Uuid,
    /// What it may depend on: an offering or supplier.
    pub to: Uuid,
    /// Longest path in links, 1 to 32 (default 12).
    pub max_depth: Option<u32>,
    /// Most paths returned, 1 to 1000 (default 100).
    pub max_paths: Option<usize>,
}

/// Every simple path of dependence from one node to another (service → offering →
/// supplier → subcontractor …), shortest first.
#[utoipa::path(
    get, path = "/api/v1/graph/paths", tag = "graph",
    params(PathsQuery),
    responses(
        (status = 200, description = "the paths, shortest first", body = PathList),
        (status = 400, description = "a missing or malformed parameter", body = ErrorBody),
        (status = 404, description = "no node has one of the ids", body = ErrorBody),
    )
)]
pub async fn paths(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<PathsQuery>,
) -> Result<Json<PathList>, ApiError> {
    let defaults = PathLimits::default();
    let max_depth = query.max_depth.unwrap_or(defaults.max_depth);
    if !(1..=MAX_PATH_DEPTH).contains(&max_depth) {
        return Err(ApiError::BadRequest(format!("max_depth: {max_depth} is out of range; use 1 to {MAX_PATH_DEPTH}")));
    }
    let max_paths = query.max_paths.unwrap_or(defaults.max_paths);
    if !(1..=MAX_PATHS).contains(&max_paths) {
        return Err(ApiError::BadRequest(format!("max_paths: {max_paths} is out of range; use 1 to {MAX_PATHS}")));
    }
    let (from, to) = (query.from, query.to);
    let list = on_graph(&state, move |graph| {
        let from_ix = resolve(graph, from)?;
        let to_ix = resolve(graph, to)?;
        let found = graph.paths(from_ix, to_ix, PathLimits { max_depth, max_paths });
        Ok(PathList {
            from: node_ref(graph, from_ix)?,
            to: node_ref(graph, to_ix)?,
            paths: found.paths.iter().map(|path| path_refs(graph, path)).collect(),
            truncated: found.truncated,
        })
    })
    .await?;
    Ok(Json(list))
}

/// How many of the most concentrated suppliers to return.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ConcentrationQuery {
    /// Most suppliers to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// Suppliers ranked by how many of our services and other suppliers rest on them through
/// any chain: the fourth-party concentration the direct-supplier view hides.
#[utoipa::path(
    get, path = "/api/v1/graph/concentration", tag = "graph",
    params(ConcentrationQuery),
    responses(
        (status = 200, description = "the most shared suppliers first", body = ConcentrationList),
        (status = 400, description = "a bad limit", body = ErrorBody),
    )
)]
pub async fn concentration(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<ConcentrationQuery>,
) -> Result<Json<ConcentrationList>, ApiError> {
    let page = page(None, query.limit)?;
    let list = on_graph(&state, move |graph| {
        let ranked = graph.concentration();
        let total = ranked.len() as u64;
        let items = ranked
            .iter()
            .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
            .map(|c| {
                Ok(ConcentrationEntry {
                    supplier: node_ref(graph, c.supplier)?,
                    n_services: c.n_services,
                    n_upstream_suppliers: c.n_upstream_suppliers,
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(ConcentrationList { items, total })
    })
    .await?;
    Ok(Json(list))
}

/// The window of the single-point-of-failure list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct SpofQuery {
    /// Rows to skip.
    pub offset: Option<u64>,
    /// Most rows to return, 1 to 1000 (default 50).
    pub limit: Option<u64>,
}

/// Single points of failure of every internal service: offerings without alternative,
/// and suppliers or subcontractors that every alternative rests on.
#[utoipa::path(
    get, path = "/api/v1/graph/spof", tag = "graph",
    params(SpofQuery),
    responses(
        (status = 200, description = "one page of single points of failure", body = SpofPage),
        (status = 400, description = "a bad window", body = ErrorBody),
    )
)]
pub async fn spof(
    State(state): State<AppState>,
    ApiQuery(query): ApiQuery<SpofQuery>,
) -> Result<Json<SpofPage>, ApiError> {
    let page = page(query.offset, query.limit)?;
    let found = on_graph(&state, move |graph| {
        let all = graph.single_points_of_failure();
        let total = all.len() as u64;
        let items = all
            .iter()
            .skip(usize::try_from(page.offset).unwrap_or(usize::MAX))
            .take(usize::try_from(page.limit).unwrap_or(usize::MAX))
            .map(|s| {
                Ok(SinglePointOfFailure {
                    service: node_ref(graph, s.service)?,
                    need: node_ref(graph, s.need)?,
                    node: node_ref(graph, s.node)?,
                    reason: s.reason.into(),
                    path: path_refs(graph, &s.path),
                })
            })
            .collect::<Result<Vec<_>, ApiError>>()?;
        Ok(SpofPage { items, total, offset: page.offset, limit: page.limit })
    })
    .await?;
    Ok(Json(found))
}
