//! Pictures of the supply-chain graph: the chain beneath one supplier, and everything one
//! internal service rests on.
//!
//! Arrows point the way dependence flows, as in the graph: service → offering → supplier →
//! subcontractor, so pictures read left to right from what we run to who runs it.

use std::collections::{HashMap, HashSet};

use super::{NodeKind, PicEdge, PicNode, Picture};
use crate::graph::{ChainGraph, EdgeKind, NodeIx, NodeKey, NodeKind as GraphKind};
use crate::model::{ServiceId, SupplierId};

/// Most nodes a builder collects. The chain beneath a node can reach much of a large
/// registry; the builders stop there (and say so in the description) rather than build a
/// picture far beyond what [`render_svg`](super::render_svg) will draw.
pub const BUILDER_NODE_CAP: usize = 10_000;

/// The supplier `supplier`, its subcontractors up to `depth_limit` links away (and the
/// subcontracting links among them), its offerings and the internal services that use
/// them. The supplier is emphasised. `None` when the supplier is not in the graph.
pub fn supplier_chain(graph: &ChainGraph, supplier: SupplierId, depth_limit: u32) -> Option<Picture> {
    let origin = graph.find(NodeKey::Supplier(supplier))?;
    let name = graph.label(origin).to_owned();
    let mut b = Builder::new(graph);

    // Services and offerings first, so the first column starts in a sensible order.
    let offerings: Vec<NodeIx> =
        graph.predecessors(origin).filter(|&(_, k)| k == EdgeKind::ProvidedBy).map(|(o, _)| o).collect();
    let uses: Vec<(NodeIx, NodeIx)> = offerings
        .iter()
        .flat_map(|&o| graph.predecessors(o).filter(|&(_, k)| k == EdgeKind::Uses).map(move |(s, _)| (s, o)))
        .collect();
    for &(service, _) in &uses {
        b.add(service, NodeKind::Service, Some("internal service".to_owned()));
    }
    for &offering in &offerings {
        b.add(offering, NodeKind::Offering, Some("offering".to_owned()));
    }
    b.add(origin, NodeKind::Supplier, Some("supplier".to_owned()));
    b.emphasise(origin);
    for &(service, offering) in &uses {
        b.link(service, offering, Some("uses"), false);
    }
    for &offering in &offerings {
        b.link(offering, origin, Some("provided by"), false);
    }

    // Breadth first along subcontracting links, as `ChainGraph::subcontractors` goes, so
    // each subcontractor is labelled with its shortest distance; here the builder's cap
    // bounds the work too.
    let mut depths: HashMap<NodeIx, u32> = HashMap::from([(origin, 0)]);
    let mut drawn_suppliers = vec![origin];
    let mut head = 0;
    while let Some(&from) = drawn_suppliers.get(head) {
        head += 1;
        let depth = depths.get(&from).copied().unwrap_or(0);
        if depth >= depth_limit {
            continue;
        }
        for (to, kind) in graph.successors(from) {
            if kind == EdgeKind::SubcontractsTo && !depths.contains_key(&to) && b.add(to, NodeKind::Subcontractor, None)
            {
                depths.insert(to, depth + 1);
                drawn_suppliers.push(to);
            }
        }
    }
    let n_subcontractors = drawn_suppliers.len().saturating_sub(1);
    // Every subcontracting link among the nodes drawn; links to nodes beyond the depth
    // limit are counted on the node they leave from.
    for &from in &drawn_suppliers {
        let mut beyond = 0usize;
        for (to, kind) in graph.successors(from) {
            if kind != EdgeKind::SubcontractsTo {
                continue;
            }
            if b.contains(to) {
                b.link(from, to, Some("subcontracts"), false);
            } else {
                beyond += 1;
            }
        }
        let sublabel = match (from == origin, depths.get(&from), beyond) {
            (true, _, 0) => None,
            (true, _, n) => Some(format!("supplier \u{b7} {n} more beyond")),
            (false, Some(d), 0) => Some(format!("subcontractor \u{b7} depth {d}")),
            (false, _, n) => Some(format!("subcontractor \u{b7} {n} more beyond")),
        };
        if let Some(sublabel) = sublabel {
            b.set_sublabel(from, sublabel);
        }
    }

    let n_services = b.picture.nodes.iter().filter(|n| n.kind == NodeKind::Service).count();
    let links = if depth_limit == 1 { "link" } else { "links" };
    let mut description = format!(
        "{name}: its {} offerings, the {n_services} internal services that use them, and its {n_subcontractors} \
         subcontractors up to {depth_limit} {links} away.",
        offerings.len()
    );
    if b.truncated {
        description.push_str(&format!(" Only the first {BUILDER_NODE_CAP} nodes are shown."));
    }
    Some(b.finish(format!("Supply chain of {name}"), description))
}

/// The internal service `service`, the offerings it uses and their alternatives (dashed),
/// the suppliers of those offerings, and all their subcontractors, recursively. The
/// service is emphasised. `None` when the service is not in the graph.
pub fn service_dependencies(graph: &ChainGraph, service: ServiceId) -> Option<Picture> {
    let origin = graph.find(NodeKey::Service(service))?;
    let name = graph.label(origin).to_owned();
    let mut b = Builder::new(graph);
    b.add(origin, NodeKind::Service, Some("internal service".to_owned()));
    b.emphasise(origin);

    let mut offerings = Vec::new();
    let mut n_used = 0usize;
    for (primary, kind) in graph.successors(origin) {
        if kind != EdgeKind::Uses {
            continue;
        }
        n_used += 1;
        if b.add(primary, NodeKind::Offering, Some("offering".to_owned())) {
            offerings.push(primary);
        }
        b.link(origin, primary, Some("uses"), false);
        for &alternative in graph.alternatives(origin, primary) {
            let sublabel = format!("alternative to {}", graph.label(primary));
            if b.add(alternative, NodeKind::Offering, Some(sublabel)) {
                offerings.push(alternative);
            }
            b.link(origin, alternative, Some("alternative"), true);
        }
    }

    // Breadth first from the offerings: their suppliers, then subcontractors. The offerings
    // come first in the queue, so every supplier we buy from directly is met as a supplier
    // before it can be met as someone's subcontractor.
    let mut queue: Vec<NodeIx> = offerings;
    let mut head = 0;
    let mut n_suppliers = 0usize;
    while let Some(&from) = queue.get(head) {
        head += 1;
        for (to, kind) in graph.successors(from) {
            let (node_kind, sublabel, label) = match kind {
                EdgeKind::ProvidedBy => (NodeKind::Supplier, "supplier", "provided by"),
                EdgeKind::SubcontractsTo => (NodeKind::Subcontractor, "subcontractor", "subcontracts"),
                EdgeKind::Uses => continue,
            };
            if b.add(to, node_kind, Some(sublabel.to_owned())) {
                queue.push(to);
                if node_kind == NodeKind::Supplier {
                    n_suppliers += 1;
                }
            }
            b.link(from, to, Some(label), false);
        }
    }

    let n_subcontractors = b.picture.nodes.iter().filter(|n| n.kind == NodeKind::Subcontractor).count();
    let mut description = format!(
        "{name}: the {n_used} offerings it uses with their alternatives, their {n_suppliers} suppliers and \
         {n_subcontractors} subcontractors beneath them."
    );
    if b.truncated {
        description.push_str(&format!(" Only the first {BUILDER_NODE_CAP} nodes are shown."));
    }
    Some(b.finish(format!("Dependencies of {name}"), description))
}

/// Collects the nodes and edges of a picture from graph indexes.
struct Builder<'g> {
    graph: &'g ChainGraph,
    picture: Picture,
    /// Graph index → position in `picture.nodes`.
    drawn: HashMap<NodeIx, usize>,
    linked: HashSet<(NodeIx, NodeIx)>,
    truncated: bool,
}

impl<'g> Builder<'g> {
    fn new(graph: &'g ChainGraph) -> Self {
        Builder { graph, picture: Picture::default(), drawn: HashMap::new(), linked: HashSet::new(), truncated: false }
    }

    fn contains(&self, n: NodeIx) -> bool {
        self.drawn.contains_key(&n)
    }

    /// Adds node `n` unless it is there already or the cap is reached; true when added.
    fn add(&mut self, n: NodeIx, kind: NodeKind, sublabel: Option<String>) -> bool {
        if self.contains(n) {
            return false;
        }
        if self.picture.nodes.len() >= BUILDER_NODE_CAP {
            self.truncated = true;
            return false;
        }
        let Some(key) = self.graph.key(n) else { return false };
        self.drawn.insert(n, self.picture.nodes.len());
        self.picture.nodes.push(PicNode {
            key: node_key(key),
            label: self.graph.label(n).to_owned(),
            sublabel,
            kind,
            href: Some(href(key)),
            emphasis: false,
        });
        true
    }

    fn node_mut(&mut self, n: NodeIx) -> Option<&mut PicNode> {
        let at = self.drawn.get(&n).copied()?;
        self.picture.nodes.get_mut(at)
    }

    fn set_sublabel(&mut self, n: NodeIx, sublabel: String) {
        if let Some(node) = self.node_mut(n) {
            node.sublabel = Some(sublabel);
        }
    }

    fn emphasise(&mut self, n: NodeIx) {
        if let Some(node) = self.node_mut(n) {
            node.emphasis = true;
        }
    }

    /// Adds the edge `from → to` once, if both ends are drawn.
    fn link(&mut self, from: NodeIx, to: NodeIx, label: Option<&str>, dashed: bool) {
        if !self.contains(from) || !self.contains(to) || !self.linked.insert((from, to)) {
            return;
        }
        let (Some(f), Some(t)) = (self.graph.key(from), self.graph.key(to)) else { return };
        self.picture.edges.push(PicEdge {
            from: node_key(f),
            to: node_key(t),
            label: label.map(str::to_owned),
            dashed,
        });
    }

    fn finish(mut self, title: String, description: String) -> Picture {
        self.picture.title = title;
        self.picture.description = description;
        self.picture
    }
}

/// The picture key of a graph node: its kind and UUID.
fn node_key(key: NodeKey) -> String {
    format!("{}:{}", key.kind().as_str(), key.uuid())
}

/// The page of a graph node in the web interface.
fn href(key: NodeKey) -> String {
    let section = match key.kind() {
        GraphKind::Supplier => "suppliers",
        GraphKind::Offering => "offerings",
        GraphKind::Service => "services",
    };
    format!("/{section}/{}", key.uuid())
}
