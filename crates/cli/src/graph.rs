//! `graph` commands: load the registry into the graph engine once, then ask it.

use std::sync::Arc;

use anyhow::{Result, bail};
use chainward_core::graph::{ChainGraph, NodeIx, NodeKey, NodeKind, PathLimits, PathStep};
use chainward_store::{Store, StoreError};
use serde::Serialize;

use crate::Outcome;
use crate::args::{Format, GraphCommand, NodeKindArg};
use crate::output::{Table, print};

/// Builds the graph from the whole registry.
pub async fn load(store: &dyn Store) -> Result<ChainGraph> {
    let input = store.graph_input().await?;
    Ok(tokio::task::spawn_blocking(move || ChainGraph::build(input)).await??)
}

/// Resolves a name or id to a node, asking for `--kind` when it names several things.
async fn resolve(store: &dyn Store, graph: &ChainGraph, reference: &str, kind: Option<NodeKindArg>) -> Result<NodeIx> {
    let want = |k: NodeKindArg| kind.is_none_or(|w| w == k);
    let mut found: Vec<(NodeKindArg, NodeKey)> = Vec::new();
    if want(NodeKindArg::Supplier)
        && let Some(s) = not_found_is_none(store.find_supplier(reference).await)?
    {
        found.push((NodeKindArg::Supplier, NodeKey::Supplier(s.id)));
    }
    // Several suppliers may offer something of that name: that is the answer only when the
    // name means nothing else, which `--kind` would have to settle first.
    let mut ambiguous_offering = None;
    if want(NodeKindArg::Offering) {
        match store.find_offering(reference).await {
            Ok(o) => found.push((NodeKindArg::Offering, NodeKey::Offering(o.id))),
            Err(StoreError::NotFound { .. }) => {}
            Err(StoreError::Conflict(message)) => ambiguous_offering = Some(message),
            Err(e) => return Err(e.into()),
        }
    }
    if want(NodeKindArg::Service)
        && let Some(s) = not_found_is_none(store.find_service(reference).await)?
    {
        found.push((NodeKindArg::Service, NodeKey::Service(s.id)));
    }
    match (found.as_slice(), ambiguous_offering) {
        ([], Some(message)) => bail!("{message}"),
        ([], None) => {
            bail!("nothing named {reference:?}{}", kind.map(|k| format!(" of kind {k:?}")).unwrap_or_default())
        }
        ([(_, key)], None) => graph.find(*key).ok_or_else(|| anyhow::anyhow!("{reference:?} is not in the graph")),
        (many, ambiguous_offering) => {
            let mut kinds: Vec<String> = many.iter().map(|(k, _)| format!("{k:?}").to_lowercase()).collect();
            if ambiguous_offering.is_some() {
                kinds.push("offering".into());
            }
            bail!("{reference:?} names a {}; say which with --kind", kinds.join(" and a "))
        }
    }
}

fn not_found_is_none<T>(r: Result<T, StoreError>) -> Result<Option<T>> {
    match r {
        Ok(v) => Ok(Some(v)),
        Err(StoreError::NotFound { .. }) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

fn arrow(path: &[PathStep]) -> String {
    path.iter().map(|s| s.name.as_str()).collect::<Vec<_>>().join(" -> ")
}

/// One reached node and the path that explains it.
#[derive(Serialize)]
struct ReachedView {
    kind: NodeKind,
    id: uuid::Uuid,
    name: String,
    depth: u32,
    path: Vec<PathStep>,
}

/// One single point of failure.
#[derive(Serialize)]
struct SpofView {
    service: String,
    need: String,
    node: PathStep,
    reason: &'static str,
    path: Vec<PathStep>,
}

/// One concentration row.
#[derive(Serialize)]
struct ConcentrationView {
    supplier: PathStep,
    n_services: u32,
    n_upstream_suppliers: u32,
}

/// Runs a `graph` command.
pub async fn run(store: Arc<dyn Store>, format: Format, command: GraphCommand) -> Result<Outcome> {
    let graph = load(store.as_ref()).await?;
    let step = |n: NodeIx| graph.describe(&[n]).into_iter().next();
    let view = |r: chainward_core::graph::Reached| -> Option<ReachedView> {
        let s = step(r.node)?;
        Some(ReachedView { kind: s.kind, id: s.id, name: s.name, depth: r.depth, path: graph.describe(&r.path) })
    };
    match command {
        GraphCommand::Subcontractors { supplier, depth } => {
            let origin = resolve(store.as_ref(), &graph, &supplier, Some(NodeKindArg::Supplier)).await?;
            let reached: Vec<ReachedView> = graph.subcontractors(origin, depth).into_iter().filter_map(view).collect();
            print(format, &reached, || {
                let mut t = Table::new(&["subcontractor", "depth", "chain"]);
                for r in &reached {
                    t.row(vec![r.name.clone(), r.depth.to_string(), arrow(&r.path)]);
                }
                t.render()
            })?;
        }
        GraphCommand::Dependents { node, kind, all } => {
            let origin = resolve(store.as_ref(), &graph, &node, kind).await?;
            let reach = graph.dependents(origin);
            let mut reached: Vec<ReachedView> = reach
                .reached()
                .filter(|&n| n != origin && (all || graph.kind(n) == Some(NodeKind::Service)))
                .filter_map(|n| view(reach.explain(n)))
                .collect();
            reached.sort_by(|a, b| (a.kind, a.depth, &a.name).cmp(&(b.kind, b.depth, &b.name)));
            print(format, &reached, || {
                let mut t = Table::new(&["dependent", "kind", "depth", "because"]);
                for r in &reached {
                    t.row(vec![r.name.clone(), r.kind.as_str().to_owned(), r.depth.to_string(), arrow(&r.path)]);
                }
                t.render()
            })?;
        }
        GraphCommand::Path { from, to, from_kind, to_kind, max_depth, max_paths } => {
            let a = resolve(store.as_ref(), &graph, &from, from_kind).await?;
            let b = resolve(store.as_ref(), &graph, &to, to_kind).await?;
            let found = graph.paths(a, b, PathLimits { max_depth, max_paths });
            let paths: Vec<Vec<PathStep>> = found.paths.iter().map(|p| graph.describe(p)).collect();
            #[derive(Serialize)]
            struct PathsView<'a> {
                paths: &'a [Vec<PathStep>],
                truncated: bool,
            }
            print(format, &PathsView { paths: &paths, truncated: found.truncated }, || {
                let mut out: String = paths.iter().map(|p| format!("{}\n", arrow(p))).collect();
                if paths.is_empty() {
                    out.push_str(
                        "no path (paths follow dependence: service -> offering -> supplier -> subcontractor)\n",
                    );
                }
                if found.truncated {
                    out.push_str("(more paths may exist: raise --max-depth or --max-paths)\n");
                }
                out
            })?;
        }
        GraphCommand::Concentration { limit } => {
            let rows: Vec<ConcentrationView> = graph
                .concentration()
                .iter()
                .take(limit)
                .filter_map(|c| {
                    Some(ConcentrationView {
                        supplier: step(c.supplier)?,
                        n_services: c.n_services,
                        n_upstream_suppliers: c.n_upstream_suppliers,
                    })
                })
                .collect();
            print(format, &rows, || {
                let mut t = Table::new(&["supplier", "services depending", "suppliers subcontracting to it"]);
                for r in &rows {
                    t.row(vec![r.supplier.name.clone(), r.n_services.to_string(), r.n_upstream_suppliers.to_string()]);
                }
                t.render()
            })?;
        }
        GraphCommand::Spof => {
            let mut rows: Vec<SpofView> = graph
                .single_points_of_failure()
                .iter()
                .filter_map(|s| {
                    Some(SpofView {
                        service: graph.label(s.service).to_owned(),
                        need: graph.label(s.need).to_owned(),
                        node: step(s.node)?,
                        reason: s.reason.as_str(),
                        path: graph.describe(&s.path),
                    })
                })
                .collect();
            rows.sort_by(|a, b| (&a.service, &a.need, &a.node.name).cmp(&(&b.service, &b.need, &b.node.name)));
            print(format, &rows, || {
                let mut t = Table::new(&["service", "single point of failure", "reason", "path"]);
                for r in &rows {
                    t.row(vec![r.service.clone(), r.node.name.clone(), r.reason.to_owned(), arrow(&r.path)]);
                }
                t.render()
            })?;
        }
    }
    Ok(Outcome::Ok)
}
