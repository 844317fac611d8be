//! The supply-chain graph: compact integer node indexes and adjacency arrays (CSR) in both
//! directions, built once from the registry and then asked questions without touching the
//! database.
//!
//! Edges point the way dependence flows: an internal service *uses* an offering, an
//! offering is *provided by* a supplier, a supplier *subcontracts to* another supplier.
//! "Who depends on X" is therefore reverse reachability, and "what does X rest on" is
//! forward reachability. Alternatives (an offering that can replace one a service uses)
//! are not dependencies; they are kept beside the graph for the single-point-of-failure
//! analysis.
//!
//! *Architecture Invariant*: no query allocates per edge visited; traversals share
//! epoch-stamped scratch arrays, so a query costs O(nodes + edges reached).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

use serde::Serialize;
use uuid::Uuid;

use crate::model::{OfferingId, ServiceId, SupplierId};

/// What a node stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NodeKind {
    /// A supplier or subcontractor.
    Supplier,
    /// An offering of a supplier.
    Offering,
    /// One of our internal services.
    Service,
}

impl NodeKind {
    /// The stable spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Supplier => "supplier",
            NodeKind::Offering => "offering",
            NodeKind::Service => "service",
        }
    }
}

/// The identity of a node outside the graph.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
pub enum NodeKey {
    /// A supplier.
    Supplier(SupplierId),
    /// An offering.
    Offering(OfferingId),
    /// An internal service.
    Service(ServiceId),
}

impl NodeKey {
    /// The kind of node.
    pub fn kind(self) -> NodeKind {
        match self {
            NodeKey::Supplier(_) => NodeKind::Supplier,
            NodeKey::Offering(_) => NodeKind::Offering,
            NodeKey::Service(_) => NodeKind::Service,
        }
    }

    /// The underlying UUID.
    pub fn uuid(self) -> Uuid {
        match self {
            NodeKey::Supplier(SupplierId(u)) | NodeKey::Offering(OfferingId(u)) | NodeKey::Service(ServiceId(u)) => u,
        }
    }
}

/// How one node depends on another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EdgeKind {
    /// Service → offering.
    Uses,
    /// Offering → supplier.
    ProvidedBy,
    /// Supplier → subcontractor.
    SubcontractsTo,
}

impl EdgeKind {
    /// The stable spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            EdgeKind::Uses => "uses",
            EdgeKind::ProvidedBy => "provided-by",
            EdgeKind::SubcontractsTo => "subcontracts-to",
        }
    }

    fn allowed(self, from: NodeKind, to: NodeKind) -> bool {
        matches!(
            (self, from, to),
            (EdgeKind::Uses, NodeKind::Service, NodeKind::Offering)
                | (EdgeKind::ProvidedBy, NodeKind::Offering, NodeKind::Supplier)
                | (EdgeKind::SubcontractsTo, NodeKind::Supplier, NodeKind::Supplier)
        )
    }
}

/// A node as the store hands it over.
#[derive(Debug, Clone)]
pub struct GraphNode {
    /// Identity.
    pub key: NodeKey,
    /// Display name.
    pub label: String,
}

/// An edge as the store hands it over.
#[derive(Debug, Clone, Copy)]
pub struct GraphEdge {
    /// The dependent.
    pub from: NodeKey,
    /// What it depends on.
    pub to: NodeKey,
    /// How.
    pub kind: EdgeKind,
}

/// Offering `alternative` can replace offering `primary` for service `service`.
#[derive(Debug, Clone, Copy)]
pub struct GraphAlternative {
    /// The service.
    pub service: ServiceId,
    /// The offering in use.
    pub primary: OfferingId,
    /// The replacement.
    pub alternative: OfferingId,
}

/// Everything the graph is built from.
#[derive(Debug, Clone, Default)]
pub struct GraphInput {
    /// Nodes.
    pub nodes: Vec<GraphNode>,
    /// Dependency edges.
    pub edges: Vec<GraphEdge>,
    /// Alternatives.
    pub alternatives: Vec<GraphAlternative>,
}

/// Why the input could not become a graph.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GraphError {
    /// Two nodes with one key.
    #[error("node {0:?} appears twice")]
    DuplicateNode(NodeKey),
    /// An edge names a node that is not in the input.
    #[error("edge {kind} from {from:?} to {to:?} names a node that is not in the graph", kind = .kind.as_str())]
    DanglingEdge {
        /// Source.
        from: NodeKey,
        /// Target.
        to: NodeKey,
        /// Kind.
        kind: EdgeKind,
    },
    /// An edge between the wrong kinds of node.
    #[error("edge {kind} cannot go from a {from} to a {to}", kind = .kind.as_str(), from = .from.as_str(), to = .to.as_str())]
    WrongEdgeKinds {
        /// Kind.
        kind: EdgeKind,
        /// Source kind.
        from: NodeKind,
        /// Target kind.
        to: NodeKind,
    },
    /// More than u32::MAX nodes or edges.
    #[error("the graph is larger than 4 billion nodes or edges")]
    TooLarge,
}

/// A node's index in the graph: dense, 0 to `n_nodes - 1`.
pub type NodeIx = u32;

/// A hasher for UUID keys: UUIDs are already well mixed (v4 random, v7 random in the low
/// bits), so folding the two halves is enough and far cheaper than SipHash on 1M keys.
#[derive(Default)]
struct UuidFold(u64);

impl Hasher for UuidFold {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut buf = [0u8; 8];
            for (dst, src) in buf.iter_mut().zip(chunk) {
                *dst = *src;
            }
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(buf)).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
        }
    }
    fn write_u64(&mut self, v: u64) {
        self.0 = (self.0.rotate_left(5) ^ v).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
    fn write_u8(&mut self, v: u8) {
        self.write_u64(u64::from(v));
    }
    fn write_usize(&mut self, v: usize) {
        self.write_u64(v as u64);
    }
}

type KeyMap = HashMap<NodeKey, NodeIx, BuildHasherDefault<UuidFold>>;

/// Compressed sparse rows: the neighbours of node `n` are `targets[offsets[n]..offsets[n+1]]`.
#[derive(Debug, Clone, Default)]
struct Csr {
    offsets: Vec<u32>,
    targets: Vec<NodeIx>,
    kinds: Vec<EdgeKind>,
}

impl Csr {
    fn build(n_nodes: usize, edges: &[(NodeIx, NodeIx, EdgeKind)], reverse: bool) -> Csr {
        let mut offsets = vec![0u32; n_nodes + 1];
        for &(from, to, _) in edges {
            let src = if reverse { to } else { from } as usize;
            if let Some(slot) = offsets.get_mut(src + 1) {
                *slot += 1;
            }
        }
        for i in 1..offsets.len() {
            let prev = offsets.get(i - 1).copied().unwrap_or(0);
            if let Some(slot) = offsets.get_mut(i) {
                *slot += prev;
            }
        }
        let mut cursor: Vec<u32> = offsets.iter().take(n_nodes).copied().collect();
        let mut targets = vec![0 as NodeIx; edges.len()];
        let mut kinds = vec![EdgeKind::Uses; edges.len()];
        for &(from, to, kind) in edges {
            let (src, dst) = if reverse { (to, from) } else { (from, to) };
            if let Some(c) = cursor.get_mut(src as usize) {
                let at = *c as usize;
                *c += 1;
                if let (Some(t), Some(k)) = (targets.get_mut(at), kinds.get_mut(at)) {
                    *t = dst;
                    *k = kind;
                }
            }
        }
        Csr { offsets, targets, kinds }
    }

    fn neighbours(&self, n: NodeIx) -> impl Iterator<Item = (NodeIx, EdgeKind)> + '_ {
        let start = self.offsets.get(n as usize).copied().unwrap_or(0) as usize;
        let end = self.offsets.get(n as usize + 1).copied().unwrap_or(0) as usize;
        let targets = self.targets.get(start..end).unwrap_or(&[]);
        let kinds = self.kinds.get(start..end).unwrap_or(&[]);
        targets.iter().copied().zip(kinds.iter().copied())
    }
}

/// The supply-chain graph.
#[derive(Debug, Clone, Default)]
pub struct ChainGraph {
    keys: Vec<NodeKey>,
    labels: Vec<Box<str>>,
    index: KeyMap,
    forward: Csr,
    reverse: Csr,
    /// (service, primary) → alternatives, as node indexes.
    alternatives: HashMap<(NodeIx, NodeIx), Vec<NodeIx>>,
    /// Whole-graph analyses, computed once on first use: the graph never changes after
    /// it is built, and every page, route and command that asks gets the same answer.
    concentration: OnceLock<Vec<Concentration>>,
    spofs: OnceLock<Vec<SinglePointOfFailure>>,
}

impl ChainGraph {
    /// Builds the graph: dense indexes for the keys, adjacency arrays both ways.
    pub fn build(input: GraphInput) -> Result<ChainGraph, GraphError> {
        let n = input.nodes.len();
        if n >= u32::MAX as usize || input.edges.len() >= u32::MAX as usize {
            return Err(GraphError::TooLarge);
        }
        let mut index = KeyMap::with_capacity_and_hasher(n, BuildHasherDefault::default());
        let mut keys = Vec::with_capacity(n);
        let mut labels = Vec::with_capacity(n);
        for node in input.nodes {
            let ix = keys.len() as NodeIx;
            if index.insert(node.key, ix).is_some() {
                return Err(GraphError::DuplicateNode(node.key));
            }
            keys.push(node.key);
            labels.push(node.label.into_boxed_str());
        }
        let mut edges = Vec::with_capacity(input.edges.len());
        for e in &input.edges {
            if !e.kind.allowed(e.from.kind(), e.to.kind()) {
                return Err(GraphError::WrongEdgeKinds { kind: e.kind, from: e.from.kind(), to: e.to.kind() });
            }
            match (index.get(&e.from), index.get(&e.to)) {
                (Some(&from), Some(&to)) => edges.push((from, to, e.kind)),
                _ => return Err(GraphError::DanglingEdge { from: e.from, to: e.to, kind: e.kind }),
            }
        }
        let forward = Csr::build(n, &edges, false);
        let reverse = Csr::build(n, &edges, true);
        let mut alternatives: HashMap<(NodeIx, NodeIx), Vec<NodeIx>> = HashMap::new();
        for a in &input.alternatives {
            let s = index.get(&NodeKey::Service(a.service));
            let p = index.get(&NodeKey::Offering(a.primary));
            let alt = index.get(&NodeKey::Offering(a.alternative));
            match (s, p, alt) {
                (Some(&s), Some(&p), Some(&alt)) => alternatives.entry((s, p)).or_default().push(alt),
                _ => {
                    return Err(GraphError::DanglingEdge {
                        from: NodeKey::Offering(a.primary),
                        to: NodeKey::Offering(a.alternative),
                        kind: EdgeKind::Uses,
                    });
                }
            }
        }
        Ok(ChainGraph {
            keys,
            labels,
            index,
            forward,
            reverse,
            alternatives,
            concentration: OnceLock::new(),
            spofs: OnceLock::new(),
        })
    }

    /// Number of nodes.
    pub fn n_nodes(&self) -> usize {
        self.keys.len()
    }

    /// Number of dependency edges.
    pub fn n_edges(&self) -> usize {
        self.forward.targets.len()
    }

    /// The index of a node, if it is in the graph.
    pub fn find(&self, key: NodeKey) -> Option<NodeIx> {
        self.index.get(&key).copied()
    }

    /// The key of a node.
    pub fn key(&self, n: NodeIx) -> Option<NodeKey> {
        self.keys.get(n as usize).copied()
    }

    /// The display name of a node.
    pub fn label(&self, n: NodeIx) -> &str {
        self.labels.get(n as usize).map(|l| &**l).unwrap_or("?")
    }

    /// The kind of a node.
    pub fn kind(&self, n: NodeIx) -> Option<NodeKind> {
        self.key(n).map(NodeKey::kind)
    }

    /// The nodes `n` depends on directly, each with the kind of the edge: the offerings a
    /// service uses, the supplier of an offering, the subcontractors of a supplier.
    pub fn successors(&self, n: NodeIx) -> impl Iterator<Item = (NodeIx, EdgeKind)> + '_ {
        self.forward.neighbours(n)
    }

    /// The nodes that depend on `n` directly, each with the kind of the edge: the services
    /// that use an offering, the offerings of a supplier, the suppliers that subcontract to it.
    pub fn predecessors(&self, n: NodeIx) -> impl Iterator<Item = (NodeIx, EdgeKind)> + '_ {
        self.reverse.neighbours(n)
    }

    /// The offerings that can replace offering `primary` for service `service`; empty when
    /// there are none.
    pub fn alternatives(&self, service: NodeIx, primary: NodeIx) -> &[NodeIx] {
        self.alternatives.get(&(service, primary)).map(Vec::as_slice).unwrap_or(&[])
    }

    /// A path as keys and labels, ready to print or serialise.
    pub fn describe(&self, path: &[NodeIx]) -> Vec<PathStep> {
        path.iter()
            .filter_map(|&n| {
                self.key(n).map(|key| PathStep { kind: key.kind(), id: key.uuid(), name: self.label(n).to_owned() })
            })
            .collect()
    }

    /// The subcontractors of supplier `origin` (fourth parties and beyond) up to `max_depth`
    /// links away, each with the shortest chain that reaches it.
    pub fn subcontractors(&self, origin: NodeIx, max_depth: u32) -> Vec<Reached> {
        let reach = self.bfs(origin, Direction::Forward, Some(EdgeKind::SubcontractsTo), max_depth);
        reach.reached().filter(|&n| n != origin).map(|n| reach.explain(n)).collect()
    }

    /// Everything that depends on `origin`, directly or through any chain: reverse
    /// reachability over all dependency edges. The result keeps the BFS tree, so the
    /// explaining path of each dependent is built only when asked for.
    pub fn dependents(&self, origin: NodeIx) -> Reachability {
        self.bfs(origin, Direction::Reverse, None, u32::MAX)
    }

    /// Everything `origin` rests on, directly or through any chain.
    pub fn dependencies(&self, origin: NodeIx) -> Reachability {
        self.bfs(origin, Direction::Forward, None, u32::MAX)
    }

    fn bfs(&self, origin: NodeIx, direction: Direction, only: Option<EdgeKind>, max_depth: u32) -> Reachability {
        let n = self.n_nodes();
        let mut parent = vec![NodeIx::MAX; n];
        let mut depth = vec![u32::MAX; n];
        let mut order = Vec::new();
        if (origin as usize) < n {
            if let Some(d) = depth.get_mut(origin as usize) {
                *d = 0;
            }
            order.push(origin);
            let csr = match direction {
                Direction::Forward => &self.forward,
                Direction::Reverse => &self.reverse,
            };
            let mut head = 0;
            while let Some(&node) = order.get(head) {
                head += 1;
                let d = depth.get(node as usize).copied().unwrap_or(u32::MAX);
                if d >= max_depth {
                    continue;
                }
                for (next, kind) in csr.neighbours(node) {
                    if only.is_some_and(|k| k != kind) {
                        continue;
                    }
                    if let Some(slot) = depth.get_mut(next as usize)
                        && *slot == u32::MAX
                    {
                        *slot = d + 1;
                        if let Some(p) = parent.get_mut(next as usize) {
                            *p = node;
                        }
                        order.push(next);
                    }
                }
            }
        }
        Reachability { origin, direction, parent, depth, order }
    }

    /// Every simple path from `from` to `to` along dependency edges, shortest first, at
    /// most `limits.max_paths` of them and none longer than `limits.max_depth` edges.
    pub fn paths(&self, from: NodeIx, to: NodeIx, limits: PathLimits) -> Paths {
        let mut found = Vec::new();
        let mut truncated = false;
        let n = self.n_nodes();
        if (from as usize) < n && (to as usize) < n {
            // Iterative DFS with an explicit stack of (node, next-neighbour cursor); the
            // on-path flags keep paths simple. The distance of every node to `to` prunes
            // branches that cannot reach it within the depth left, so the search does work
            // only on branches that lead to paths, however dense the graph.
            let to_distance = self.bfs(to, Direction::Reverse, None, u32::MAX);
            let mut on_path = vec![false; n];
            let mut path = vec![from];
            let mut cursors = vec![0usize];
            if let Some(f) = on_path.get_mut(from as usize) {
                *f = true;
            }
            if from == to {
                found.push(path.clone());
            } else if to_distance.depth(from).is_none_or(|d| d > limits.max_depth) {
                // No path at all, or none within the depth (then say more exist).
                truncated = to_distance.depth(from).is_some();
            } else {
                while let (Some(&node), Some(cursor)) = (path.last(), cursors.last_mut()) {
                    let next = self.forward.neighbours(node).nth(*cursor);
                    *cursor += 1;
                    match next {
                        Some((next, _)) => {
                            if on_path.get(next as usize).copied().unwrap_or(true) {
                                continue;
                            }
                            let edges_so_far = path.len() as u32;
                            let Some(distance) = to_distance.depth(next) else {
                                // `to` cannot be reached from there.
                                continue;
                            };
                            if edges_so_far + distance > limits.max_depth {
                                truncated = true;
                                continue;
                            }
                            if next == to {
                                if found.len() >= limits.max_paths {
                                    truncated = true;
                                    break;
                                }
                                let mut p = path.clone();
                                p.push(next);
                                found.push(p);
                                continue;
                            }
                            if let Some(f) = on_path.get_mut(next as usize) {
                                *f = true;
                            }
                            path.push(next);
                            cursors.push(0);
                        }
                        None => {
                            if let Some(done) = path.pop()
                                && let Some(f) = on_path.get_mut(done as usize)
                            {
                                *f = false;
                            }
                            cursors.pop();
                        }
                    }
                }
            }
        }
        found.sort_by_key(Vec::len);
        Paths { paths: found, truncated }
    }

    /// Suppliers ranked by how many chains reach them: how many of our internal services
    /// rest on each (through any chain), and how many other suppliers reach it through
    /// subcontracting. A subcontractor that many services and suppliers share is a
    /// concentration risk the direct-supplier view hides.
    /// Computed once per graph.
    pub fn concentration(&self) -> &[Concentration] {
        self.concentration.get_or_init(|| self.compute_concentration())
    }

    fn compute_concentration(&self) -> Vec<Concentration> {
        let n = self.n_nodes();
        let mut n_services = vec![0u32; n];
        let mut n_suppliers = vec![0u32; n];
        let mut scratch = Scratch::new(n);
        for origin in 0..n as NodeIx {
            match self.kind(origin) {
                Some(NodeKind::Service) => scratch.visit(&self.forward, origin, None, |node| {
                    if let Some(c) = n_services.get_mut(node as usize).filter(|_| node != origin) {
                        *c += 1;
                    }
                }),
                Some(NodeKind::Supplier) => {
                    scratch.visit(&self.forward, origin, Some(EdgeKind::SubcontractsTo), |node| {
                        if let Some(c) = n_suppliers.get_mut(node as usize).filter(|_| node != origin) {
                            *c += 1;
                        }
                    })
                }
                _ => {}
            }
        }
        let mut out: Vec<Concentration> = (0..n as NodeIx)
            .filter(|&s| self.kind(s) == Some(NodeKind::Supplier))
            .map(|s| Concentration {
                supplier: s,
                n_services: n_services.get(s as usize).copied().unwrap_or(0),
                n_upstream_suppliers: n_suppliers.get(s as usize).copied().unwrap_or(0),
            })
            .filter(|c| c.n_services > 0 || c.n_upstream_suppliers > 0)
            .collect();
        out.sort_by(|a, b| {
            (b.n_services, b.n_upstream_suppliers)
                .cmp(&(a.n_services, a.n_upstream_suppliers))
                .then_with(|| self.label(a.supplier).cmp(self.label(b.supplier)))
        });
        out
    }

    /// Single points of failure of every internal service.
    ///
    /// A service needs each offering it uses; a need is met while the offering or one of
    /// its alternatives works; an offering works while its supplier and that supplier's
    /// whole subcontracting chain work. So a node is a single point of failure of a service
    /// when some need has no alternative (the offering itself), or when every option of a
    /// need rests on that node (a supplier or subcontractor shared by all alternatives —
    /// the alternative that is no alternative). Of the nodes every option rests on, only the
    /// uppermost are reported: a subcontractor beneath a shared supplier is implied by it.
    ///
    /// Computed once per graph.
    pub fn single_points_of_failure(&self) -> &[SinglePointOfFailure] {
        self.spofs.get_or_init(|| self.compute_single_points_of_failure())
    }

    fn compute_single_points_of_failure(&self) -> Vec<SinglePointOfFailure> {
        let n = self.n_nodes();
        let mut out = Vec::new();
        let mut hits = vec![0u32; n];
        let mut scratch = Scratch::new(n);
        for service in 0..n as NodeIx {
            if self.kind(service) != Some(NodeKind::Service) {
                continue;
            }
            for (primary, kind) in self.forward.neighbours(service) {
                if kind != EdgeKind::Uses {
                    continue;
                }
                let alternatives = self.alternatives.get(&(service, primary)).map(Vec::as_slice).unwrap_or(&[]);
                if alternatives.is_empty() {
                    out.push(SinglePointOfFailure {
                        service,
                        need: primary,
                        node: primary,
                        reason: SpofReason::NoAlternative,
                        path: vec![service, primary],
                    });
                    continue;
                }
                // Count, for every node, how many options rest on it; the nodes every
                // option rests on are shared points of failure.
                let options: Vec<NodeIx> = std::iter::once(primary).chain(alternatives.iter().copied()).collect();
                let mut touched = Vec::new();
                for &option in &options {
                    scratch.visit(&self.forward, option, None, |node| {
                        if let Some(h) = hits.get_mut(node as usize) {
                            if *h == 0 {
                                touched.push(node);
                            }
                            *h += 1;
                        }
                    });
                }
                let n_options = options.len() as u32;
                let primary_reach = self.dependencies(primary);
                let shared = |n: NodeIx| hits.get(n as usize).copied() == Some(n_options);
                for &node in &touched {
                    // Everything beneath a shared node is shared too; report only the
                    // uppermost ones, whose failure explains the rest.
                    if shared(node) && !self.reverse.neighbours(node).any(|(up, _)| shared(up)) {
                        let mut path = vec![service];
                        path.extend(primary_reach.path(node));
                        out.push(SinglePointOfFailure {
                            service,
                            need: primary,
                            node,
                            reason: SpofReason::SharedByAllAlternatives,
                            path,
                        });
                    }
                }
                for node in touched {
                    if let Some(h) = hits.get_mut(node as usize) {
                        *h = 0;
                    }
                }
            }
        }
        out
    }
}

/// Reusable visited-marks for many traversals over one graph: an epoch counter instead of
/// clearing the array each time.
struct Scratch {
    seen: Vec<u32>,
    epoch: u32,
    queue: Vec<NodeIx>,
}

impl Scratch {
    fn new(n: usize) -> Self {
        Scratch { seen: vec![0; n], epoch: 0, queue: Vec::new() }
    }

    fn visit(&mut self, csr: &Csr, origin: NodeIx, only: Option<EdgeKind>, mut each: impl FnMut(NodeIx)) {
        self.epoch = self.epoch.wrapping_add(1);
        if self.epoch == 0 {
            self.seen.iter_mut().for_each(|s| *s = 0);
            self.epoch = 1;
        }
        let epoch = self.epoch;
        self.queue.clear();
        if let Some(s) = self.seen.get_mut(origin as usize) {
            *s = epoch;
            self.queue.push(origin);
        }
        let mut head = 0;
        while let Some(&node) = self.queue.get(head) {
            head += 1;
            each(node);
            for (next, kind) in csr.neighbours(node) {
                if only.is_some_and(|k| k != kind) {
                    continue;
                }
                if let Some(s) = self.seen.get_mut(next as usize)
                    && *s != epoch
                {
                    *s = epoch;
                    self.queue.push(next);
                }
            }
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Direction {
    Forward,
    Reverse,
}

/// The result of a breadth-first traversal: which nodes were reached, how far away, and
/// the BFS tree that explains each with a shortest path.
#[derive(Debug, Clone)]
pub struct Reachability {
    origin: NodeIx,
    direction: Direction,
    parent: Vec<NodeIx>,
    depth: Vec<u32>,
    order: Vec<NodeIx>,
}

impl Reachability {
    /// The nodes reached, origin first, in breadth-first order.
    pub fn reached(&self) -> impl Iterator<Item = NodeIx> + '_ {
        self.order.iter().copied()
    }

    /// How many nodes were reached, the origin included.
    pub fn len(&self) -> usize {
        self.order.len()
    }

    /// True when not even the origin was reached (it was not in the graph).
    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The distance of `node` from the origin, if it was reached.
    pub fn depth(&self, node: NodeIx) -> Option<u32> {
        self.depth.get(node as usize).copied().filter(|d| *d != u32::MAX)
    }

    /// A shortest path between the origin and `node`, written in the direction of
    /// dependence: for dependents it starts at the dependent and ends at the origin, for
    /// dependencies and subcontractors it starts at the origin. Empty if not reached.
    pub fn path(&self, node: NodeIx) -> Vec<NodeIx> {
        if self.depth(node).is_none() {
            return Vec::new();
        }
        let mut path = vec![node];
        let mut at = node;
        while at != self.origin {
            match self.parent.get(at as usize) {
                Some(&p) if p != NodeIx::MAX => {
                    path.push(p);
                    at = p;
                }
                _ => break,
            }
        }
        if self.direction == Direction::Forward {
            path.reverse();
        }
        path
    }

    /// `node` with its depth and path.
    pub fn explain(&self, node: NodeIx) -> Reached {
        Reached { node, depth: self.depth(node).unwrap_or(0), path: self.path(node) }
    }
}

/// A node reached by a traversal, with the path that explains it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Reached {
    /// The node.
    pub node: NodeIx,
    /// Links between it and the origin.
    pub depth: u32,
    /// The explaining path, in the direction of dependence.
    pub path: Vec<NodeIx>,
}

/// One step of a printed path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PathStep {
    /// Kind of node.
    pub kind: NodeKind,
    /// Its id.
    pub id: Uuid,
    /// Its name.
    pub name: String,
}

/// Bounds on a path search; the number of simple paths grows exponentially with depth.
#[derive(Debug, Clone, Copy)]
pub struct PathLimits {
    /// Longest path, in edges.
    pub max_depth: u32,
    /// Most paths returned.
    pub max_paths: usize,
}

impl Default for PathLimits {
    fn default() -> Self {
        PathLimits { max_depth: 12, max_paths: 100 }
    }
}

/// The paths found between two nodes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Paths {
    /// The paths, shortest first.
    pub paths: Vec<Vec<NodeIx>>,
    /// True when a limit stopped the search, so more paths may exist.
    pub truncated: bool,
}

/// How concentrated the chain is on one supplier.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Concentration {
    /// The supplier.
    pub supplier: NodeIx,
    /// Internal services that rest on it through any chain.
    pub n_services: u32,
    /// Other suppliers whose subcontracting chain reaches it.
    pub n_upstream_suppliers: u32,
}

/// Why a node is a single point of failure.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum SpofReason {
    /// The service needs the offering and has no alternative for it.
    NoAlternative,
    /// The offering has alternatives, but all of them rest on this node.
    SharedByAllAlternatives,
}

impl SpofReason {
    /// The stable spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            SpofReason::NoAlternative => "no-alternative",
            SpofReason::SharedByAllAlternatives => "shared-by-all-alternatives",
        }
    }
}

/// A single point of failure of one internal service.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SinglePointOfFailure {
    /// The service at risk.
    pub service: NodeIx,
    /// The offering it needs.
    pub need: NodeIx,
    /// The node whose failure alone takes the service down.
    pub node: NodeIx,
    /// Why.
    pub reason: SpofReason,
    /// From the service to the node.
    pub path: Vec<NodeIx>,
}

#[cfg(test)]
mod tests;
