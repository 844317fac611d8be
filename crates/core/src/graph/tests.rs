//! Graph queries on small drawn chains.

use super::*;

/// Builds a graph from `(kind, name)` nodes and `(from, to)` edges by name; edge kinds
/// follow from the node kinds. Alternatives are `(service, primary, alternative)`.
fn graph(nodes: &[(NodeKind, &str)], edges: &[(&str, &str)], alternatives: &[(&str, &str, &str)]) -> ChainGraph {
    let key = |name: &str| -> NodeKey {
        let (i, (kind, _)) =
            nodes.iter().enumerate().find(|(_, (_, n))| *n == name).unwrap_or((usize::MAX, &(NodeKind::Supplier, "")));
        let u = Uuid::from_u128(i as u128 + 1);
        match kind {
            NodeKind::Supplier => NodeKey::Supplier(SupplierId(u)),
            NodeKind::Offering => NodeKey::Offering(OfferingId(u)),
            NodeKind::Service => NodeKey::Service(ServiceId(u)),
        }
    };
    let input = GraphInput {
        nodes: nodes.iter().map(|(_, n)| GraphNode { key: key(n), label: (*n).to_owned() }).collect(),
        edges: edges
            .iter()
            .map(|(f, t)| {
                let (from, to) = (key(f), key(t));
                let kind = match (from.kind(), to.kind()) {
                    (NodeKind::Service, _) => EdgeKind::Uses,
                    (NodeKind::Offering, _) => EdgeKind::ProvidedBy,
                    _ => EdgeKind::SubcontractsTo,
                };
                GraphEdge { from, to, kind }
            })
            .collect(),
        alternatives: alternatives
            .iter()
            .map(|(s, p, a)| GraphAlternative {
                service: ServiceId(key(s).uuid()),
                primary: OfferingId(key(p).uuid()),
                alternative: OfferingId(key(a).uuid()),
            })
            .collect(),
    };
    match ChainGraph::build(input) {
        Ok(g) => g,
        Err(e) => unreachable!("test graph does not build: {e}"),
    }
}

fn ix(g: &ChainGraph, name: &str) -> NodeIx {
    (0..g.n_nodes() as NodeIx).find(|&n| g.label(n) == name).unwrap_or(NodeIx::MAX)
}

fn names(g: &ChainGraph, path: &[NodeIx]) -> String {
    path.iter().map(|&n| g.label(n)).collect::<Vec<_>>().join(" > ")
}

use NodeKind::{Offering as O, Service as V, Supplier as S};

/// ```text
///  payroll ──uses──▶ hr-saas ──by──▶ HRCo ──sub──▶ Cloudy ──sub──▶ Telco
///                                      │                ▲
///  shop ──uses──▶ web-host ──by──▶ HostCo ──sub─────────┘
///    └──uses──▶ cdn (alt: cdn2) ──by──▶ EdgeCo ──sub──▶ Telco
///                    cdn2 ──by──▶ EdgeTwo ──sub──▶ Telco
/// ```
fn sample() -> ChainGraph {
    graph(
        &[
            (V, "payroll"),
            (V, "shop"),
            (O, "hr-saas"),
            (O, "web-host"),
            (O, "cdn"),
            (O, "cdn2"),
            (S, "HRCo"),
            (S, "HostCo"),
            (S, "Cloudy"),
            (S, "Telco"),
            (S, "EdgeCo"),
            (S, "EdgeTwo"),
        ],
        &[
            ("payroll", "hr-saas"),
            ("hr-saas", "HRCo"),
            ("HRCo", "Cloudy"),
            ("Cloudy", "Telco"),
            ("shop", "web-host"),
            ("web-host", "HostCo"),
            ("HostCo", "Cloudy"),
            ("shop", "cdn"),
            ("cdn", "EdgeCo"),
            ("EdgeCo", "Telco"),
            ("cdn2", "EdgeTwo"),
            ("EdgeTwo", "Telco"),
        ],
        &[("shop", "cdn", "cdn2")],
    )
}

#[test]
fn subcontractors_are_found_to_the_asked_depth() {
    let g = sample();
    let hr = ix(&g, "HRCo");
    let one: Vec<_> = g.subcontractors(hr, 1).iter().map(|r| names(&g, &r.path)).collect();
    assert_eq!(one, ["HRCo > Cloudy"]);
    let all: Vec<_> = g.subcontractors(hr, 10).iter().map(|r| (names(&g, &r.path), r.depth)).collect();
    assert_eq!(all, [("HRCo > Cloudy".to_owned(), 1), ("HRCo > Cloudy > Telco".to_owned(), 2)]);
}

#[test]
fn dependents_are_explained_by_a_path_from_the_dependent() {
    let g = sample();
    let telco = ix(&g, "Telco");
    let reach = g.dependents(telco);
    let mut services: Vec<_> =
        reach.reached().filter(|&n| g.kind(n) == Some(NodeKind::Service)).map(|n| names(&g, &reach.path(n))).collect();
    services.sort();
    // Each dependent is explained by a shortest path: shop reaches Telco in three links
    // through its CDN, not in four through its web host.
    assert_eq!(services, ["payroll > hr-saas > HRCo > Cloudy > Telco", "shop > cdn > EdgeCo > Telco"]);
    // The alternative cdn2 is not in use, so its supplier EdgeTwo does not count as a dependent path.
    assert_eq!(reach.depth(ix(&g, "EdgeTwo")), Some(1));
    assert_eq!(reach.depth(ix(&g, "cdn2")), Some(2));
    assert_eq!(reach.len(), 12);
}

#[test]
fn every_simple_path_is_listed_shortest_first() {
    let g = sample();
    let p = g.paths(ix(&g, "shop"), ix(&g, "Telco"), PathLimits::default());
    let listed: Vec<_> = p.paths.iter().map(|p| names(&g, p)).collect();
    assert_eq!(listed, ["shop > cdn > EdgeCo > Telco", "shop > web-host > HostCo > Cloudy > Telco"]);
    assert!(!p.truncated);
    let capped = g.paths(ix(&g, "shop"), ix(&g, "Telco"), PathLimits { max_depth: 12, max_paths: 1 });
    assert_eq!(capped.paths.len(), 1);
    assert!(capped.truncated);
    let shallow = g.paths(ix(&g, "shop"), ix(&g, "Telco"), PathLimits { max_depth: 3, max_paths: 10 });
    assert_eq!(shallow.paths.len(), 1);
    assert!(shallow.truncated);
    let none = g.paths(ix(&g, "Telco"), ix(&g, "shop"), PathLimits::default());
    assert!(none.paths.is_empty());
}

#[test]
fn concentration_ranks_the_shared_subprocessor_first() {
    let g = sample();
    let ranked: Vec<_> = g
        .concentration()
        .iter()
        .map(|c| (g.label(c.supplier).to_owned(), c.n_services, c.n_upstream_suppliers))
        .collect();
    assert_eq!(
        ranked.first().cloned(),
        Some(("Telco".to_owned(), 2, 5)),
        "Telco is reached by both services and by HRCo, Cloudy, HostCo, EdgeCo and EdgeTwo: {ranked:?}"
    );
    assert!(ranked.contains(&("Cloudy".to_owned(), 2, 2)));
}

#[test]
fn single_points_of_failure_include_the_alternative_that_is_no_alternative() {
    let g = sample();
    let mut found: Vec<_> = g
        .single_points_of_failure()
        .iter()
        .map(|s| format!("{}: {} ({})", g.label(s.service), g.label(s.node), s.reason.as_str()))
        .collect();
    found.sort();
    assert_eq!(
        found,
        [
            "payroll: hr-saas (no-alternative)",
            "shop: Telco (shared-by-all-alternatives)",
            "shop: web-host (no-alternative)",
        ]
    );
}

#[test]
fn bad_input_is_refused_with_the_reason() {
    let a = NodeKey::Supplier(SupplierId(Uuid::from_u128(1)));
    let b = NodeKey::Service(ServiceId(Uuid::from_u128(2)));
    let node = |key| GraphNode { key, label: String::new() };
    let dup = ChainGraph::build(GraphInput { nodes: vec![node(a), node(a)], ..GraphInput::default() });
    assert_eq!(dup.err(), Some(GraphError::DuplicateNode(a)));
    let wrong = ChainGraph::build(GraphInput {
        nodes: vec![node(a), node(b)],
        edges: vec![GraphEdge { from: a, to: b, kind: EdgeKind::SubcontractsTo }],
        ..GraphInput::default()
    });
    assert!(matches!(wrong, Err(GraphError::WrongEdgeKinds { .. })));
    let dangling = ChainGraph::build(GraphInput {
        nodes: vec![node(a)],
        edges: vec![GraphEdge {
            from: a,
            to: NodeKey::Supplier(SupplierId(Uuid::from_u128(9))),
            kind: EdgeKind::SubcontractsTo,
        }],
        ..GraphInput::default()
    });
    assert!(matches!(dangling, Err(GraphError::DanglingEdge { .. })));
}

#[test]
fn cycles_in_subcontracting_terminate() {
    // A ─sub▶ B ─sub▶ A: suppliers that subcontract to each other.
    let g = graph(&[(S, "A"), (S, "B")], &[("A", "B"), ("B", "A")], &[]);
    assert_eq!(g.subcontractors(ix(&g, "A"), 50).len(), 1);
    assert_eq!(g.dependents(ix(&g, "A")).len(), 2);
    assert_eq!(g.paths(ix(&g, "A"), ix(&g, "B"), PathLimits::default()).paths.len(), 1);
}

#[test]
fn only_the_uppermost_shared_dependency_is_reported() {
    // app ─uses▶ a (alt: b);  a ─by▶ A ─sub▶ Host ─sub▶ Power;  b ─by▶ B ─sub▶ Host
    // Host and Power are both shared by a and b, but Power is implied by Host.
    let g = graph(
        &[(V, "app"), (O, "a"), (O, "b"), (S, "A"), (S, "B"), (S, "Host"), (S, "Power")],
        &[("app", "a"), ("a", "A"), ("b", "B"), ("A", "Host"), ("B", "Host"), ("Host", "Power")],
        &[("app", "a", "b")],
    );
    let found: Vec<_> =
        g.single_points_of_failure().iter().map(|s| (g.label(s.node).to_owned(), names(&g, &s.path))).collect();
    assert_eq!(found, [("Host".to_owned(), "app > a > A > Host".to_owned())]);
}

#[test]
fn path_search_explores_only_branches_that_lead_to_the_target() {
    // A service using 40 offerings of 40 suppliers that all subcontract to each other in a
    // ring of 40 has an astronomical number of simple paths that never reach `T`; the
    // search must still answer at once with the one path there is.
    //   svc ─uses▶ o0..o39 ─by▶ s0..s39;  s_i ─sub▶ s_{i+1} and s_{i+2} (mod 40);  o0 ─by▶ …
    //   T is reached only from the extra offering `oT` ─by▶ T.
    let mut nodes: Vec<(NodeKind, String)> = vec![(V, "svc".into()), (O, "oT".into()), (S, "T".into())];
    let mut edges: Vec<(String, String)> = vec![("svc".into(), "oT".into()), ("oT".into(), "T".into())];
    for i in 0..40 {
        nodes.push((O, format!("o{i}")));
        nodes.push((S, format!("s{i}")));
        edges.push(("svc".into(), format!("o{i}")));
        edges.push((format!("o{i}"), format!("s{i}")));
        edges.push((format!("s{i}"), format!("s{}", (i + 1) % 40)));
        edges.push((format!("s{i}"), format!("s{}", (i + 2) % 40)));
    }
    let node_refs: Vec<(NodeKind, &str)> = nodes.iter().map(|(k, n)| (*k, n.as_str())).collect();
    let edge_refs: Vec<(&str, &str)> = edges.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let g = graph(&node_refs, &edge_refs, &[]);
    let found = g.paths(ix(&g, "svc"), ix(&g, "T"), PathLimits { max_depth: 40, max_paths: 100 });
    let listed: Vec<_> = found.paths.iter().map(|p| names(&g, p)).collect();
    assert_eq!(listed, ["svc > oT > T"]);
    assert!(!found.truncated);
}

/// A small deterministic generator for random graphs (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_f491_4f6c_dd1d) % n.max(1) as u64) as usize
    }
}

/// A random chain: services use offerings, offerings are provided by suppliers, suppliers
/// subcontract to any supplier (cycles included), some uses have alternatives.
fn random_graph(rng: &mut Rng) -> ChainGraph {
    let (n_services, n_offerings, n_suppliers) = (1 + rng.below(6), 1 + rng.below(10), 1 + rng.below(12));
    let mut nodes: Vec<(NodeKind, String)> = Vec::new();
    nodes.extend((0..n_services).map(|i| (V, format!("v{i}"))));
    nodes.extend((0..n_offerings).map(|i| (O, format!("o{i}"))));
    nodes.extend((0..n_suppliers).map(|i| (S, format!("s{i}"))));
    let mut edges: Vec<(String, String)> = Vec::new();
    let mut alternatives: Vec<(String, String, String)> = Vec::new();
    for v in 0..n_services {
        let mut used = std::collections::HashSet::new();
        for _ in 0..rng.below(4) {
            let o = rng.below(n_offerings);
            if used.insert(o) {
                edges.push((format!("v{v}"), format!("o{o}")));
                let alt = rng.below(n_offerings);
                if alt != o && rng.below(2) == 0 {
                    alternatives.push((format!("v{v}"), format!("o{o}"), format!("o{alt}")));
                }
            }
        }
    }
    for o in 0..n_offerings {
        edges.push((format!("o{o}"), format!("s{}", rng.below(n_suppliers))));
    }
    let mut links = std::collections::HashSet::new();
    for _ in 0..rng.below(2 * n_suppliers) {
        let (a, b) = (rng.below(n_suppliers), rng.below(n_suppliers));
        if a != b && links.insert((a, b)) {
            edges.push((format!("s{a}"), format!("s{b}")));
        }
    }
    let node_refs: Vec<(NodeKind, &str)> = nodes.iter().map(|(k, n)| (*k, n.as_str())).collect();
    let edge_refs: Vec<(&str, &str)> = edges.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let alt_refs: Vec<(&str, &str, &str)> =
        alternatives.iter().map(|(a, b, c)| (a.as_str(), b.as_str(), c.as_str())).collect();
    graph(&node_refs, &edge_refs, &alt_refs)
}

fn has_edge(g: &ChainGraph, from: NodeIx, to: NodeIx) -> bool {
    g.forward.neighbours(from).any(|(n, _)| n == to)
}

/// Naive reachability by repeated relaxation, to hold the BFS against.
fn naive_reach(g: &ChainGraph, from: NodeIx) -> Vec<bool> {
    let n = g.n_nodes();
    let mut reached = vec![false; n];
    reached[from as usize] = true;
    let mut changed = true;
    while changed {
        changed = false;
        for a in 0..n as NodeIx {
            if reached[a as usize] {
                for (b, _) in g.forward.neighbours(a) {
                    if !reached[b as usize] {
                        reached[b as usize] = true;
                        changed = true;
                    }
                }
            }
        }
    }
    reached
}

#[test]
fn queries_agree_with_naive_definitions_on_random_graphs() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    for _ in 0..300 {
        let g = random_graph(&mut rng);
        let n = g.n_nodes() as NodeIx;
        let reach: Vec<Vec<bool>> = (0..n).map(|a| naive_reach(&g, a)).collect();
        for origin in 0..n {
            // Dependents: exactly the nodes that reach the origin, each explained by a
            // shortest path of real edges from the dependent to the origin.
            let dependents = g.dependents(origin);
            for node in 0..n {
                assert_eq!(dependents.depth(node).is_some(), reach[node as usize][origin as usize]);
                let path = dependents.path(node);
                if let Some(depth) = dependents.depth(node) {
                    assert_eq!(path.len() as u32, depth + 1);
                    assert_eq!((path.first(), path.last()), (Some(&node), Some(&origin)));
                    assert!(path.windows(2).all(|w| has_edge(&g, w[0], w[1])), "{path:?}");
                }
            }
            // Paths: simple, real edges, within the limits, and found whenever one exists.
            for to in 0..n {
                let limits = PathLimits { max_depth: 30, max_paths: 1000 };
                let found = g.paths(origin, to, limits);
                assert_eq!(!found.paths.is_empty(), reach[origin as usize][to as usize], "{origin} -> {to}");
                for p in &found.paths {
                    let unique: std::collections::HashSet<_> = p.iter().collect();
                    assert_eq!(unique.len(), p.len(), "not simple: {p:?}");
                    assert!(p.windows(2).all(|w| has_edge(&g, w[0], w[1])));
                    assert!(p.len() as u32 <= limits.max_depth + 1);
                }
                assert!(found.paths.windows(2).all(|w| w[0].len() <= w[1].len()), "shortest first");
            }
        }
        // Single points of failure: removing the reported node (and what rests on it) must
        // leave the need without a working option.
        for spof in g.single_points_of_failure() {
            assert_eq!(g.kind(spof.service), Some(NodeKind::Service));
            assert!(reach[spof.need as usize][spof.node as usize]);
            let alternatives = g.alternatives.get(&(spof.service, spof.need)).cloned().unwrap_or_default();
            for option in std::iter::once(spof.need).chain(alternatives) {
                assert!(reach[option as usize][spof.node as usize], "option {option} does not rest on {}", spof.node);
            }
        }
    }
}
