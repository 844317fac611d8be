//! Server-rendered SVG pictures of supply chains: a small generic picture model (boxes and
//! arrows), a layered left-to-right layout and an SVG writer, plus builders that turn views
//! of the [`ChainGraph`](crate::graph::ChainGraph) into pictures.
//!
//! The layout is the classic Sugiyama pipeline, each step kept linear or near-linear so a
//! picture of a few thousand boxes lays out in milliseconds:
//!
//! 1. cycles are broken by reversing the back edges of a depth-first search (the arrow
//!    still points the original way);
//! 2. nodes are put in columns by longest path from the sources;
//! 3. edges that span several columns get a bend point in each column they cross, so they
//!    run through gaps between boxes instead of through boxes;
//! 4. a bounded number of barycenter sweeps reorders each column to reduce crossings,
//!    keeping the order with the fewest;
//! 5. vertical positions pull each box towards its neighbours (isotonic regression keeps
//!    the minimum spacing), clipped so the canvas is never taller than its fullest column.
//!
//! *Architecture Invariant*: text is never shrunk to fit. Boxes and fonts have fixed sizes,
//! long labels are cut with an ellipsis (the full text is in a `<title>` tooltip), and the
//! canvas grows instead. Beyond [`Options::max_nodes`] a picture is refused with
//! [`PictureError::TooLarge`] and the caller shows a table or a message.
//!
//! *Architecture Invariant*: the SVG is safe to inline in a page under a strict
//! Content-Security-Policy: every text is XML-escaped, links are only site-relative paths,
//! and styling is done with presentation attributes and classes, never `style`.

mod chain;
mod layout;
mod svg;

pub use chain::{BUILDER_NODE_CAP, service_dependencies, supplier_chain};

/// A picture: boxes joined by arrows, with a title and a description for assistive
/// technology.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Picture {
    /// Short name of the picture, the accessible name of the SVG.
    pub title: String,
    /// One or two sentences on what the picture shows, the accessible description.
    pub description: String,
    /// The boxes. Keys must be unique.
    pub nodes: Vec<PicNode>,
    /// The arrows, by node key. Repeated arrows are drawn once; an arrow from a node to
    /// itself is not drawn.
    pub edges: Vec<PicEdge>,
}

/// One box of a picture.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PicNode {
    /// Identity within the picture; edges refer to it. Never shown.
    pub key: String,
    /// The main text, cut with an ellipsis when too long for the box.
    pub label: String,
    /// A smaller second line, such as the kind of node.
    pub sublabel: Option<String>,
    /// What the node stands for; decides colour and shape.
    pub kind: NodeKind,
    /// A site-relative link (`/suppliers/…`). Anything else is dropped when drawing.
    pub href: Option<String>,
    /// Drawn with a heavier outline and bold text: the node the picture is about.
    pub emphasis: bool,
}

/// What a box stands for: decides its colour and corner shape.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum NodeKind {
    /// One of our internal services.
    Service,
    /// An offering of a supplier.
    Offering,
    /// A supplier we contract with directly.
    Supplier,
    /// A supplier of a supplier (fourth party and beyond).
    Subcontractor,
    /// A software component.
    Component,
    /// A vulnerability.
    Vulnerability,
    /// Anything else.
    Other,
}

impl NodeKind {
    /// The stable spelling, also used as a CSS class suffix (`node-supplier`).
    pub fn as_str(self) -> &'static str {
        match self {
            NodeKind::Service => "service",
            NodeKind::Offering => "offering",
            NodeKind::Supplier => "supplier",
            NodeKind::Subcontractor => "subcontractor",
            NodeKind::Component => "component",
            NodeKind::Vulnerability => "vulnerability",
            NodeKind::Other => "other",
        }
    }
}

/// One arrow of a picture, pointing the way dependence flows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PicEdge {
    /// Key of the node the arrow starts at.
    pub from: String,
    /// Key of the node the arrow points to.
    pub to: String,
    /// A short text written near the start of the arrow, cut when too long.
    pub label: Option<String>,
    /// Drawn dashed: a weaker link, such as an alternative that is not in use.
    pub dashed: bool,
}

/// Limits and naming for [`render_svg`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Options {
    /// Most boxes drawn; more is refused with [`PictureError::TooLarge`].
    pub max_nodes: usize,
    /// Most arrows drawn; more is refused with [`PictureError::TooManyEdges`].
    pub max_edges: usize,
    /// Prefix of the `id` attributes in the SVG (title, description, arrowhead), so that
    /// several pictures can share one page. Characters other than ASCII letters, digits,
    /// `-` and `_` are dropped.
    pub id_prefix: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { max_nodes: 2000, max_edges: 10_000, id_prefix: "chain-picture".to_owned() }
    }
}

/// Why a picture was not drawn.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PictureError {
    /// More nodes than [`Options::max_nodes`].
    #[error(
        "the picture has {nodes} nodes, more than the {max} that can be drawn readably; narrow it down or use the table"
    )]
    TooLarge {
        /// Nodes in the picture.
        nodes: usize,
        /// The limit.
        max: usize,
    },
    /// More edges than [`Options::max_edges`].
    #[error(
        "the picture has {edges} edges, more than the {max} that can be drawn readably; narrow it down or use the table"
    )]
    TooManyEdges {
        /// Distinct edges in the picture.
        edges: usize,
        /// The limit.
        max: usize,
    },
    /// Edges that span many columns would need more bend points than the layout allows
    /// (ten per node of the limit).
    #[error("the picture's long edges need {bends} bend points, more than {max}; narrow it down or use the table")]
    TooComplex {
        /// Bend points needed.
        bends: usize,
        /// The limit.
        max: usize,
    },
    /// Two nodes share a key.
    #[error("node key {0:?} appears twice in the picture")]
    DuplicateNode(String),
    /// An edge names a node that is not in the picture.
    #[error("edge from {from:?} to {to:?} names a node that is not in the picture")]
    DanglingEdge {
        /// Source key.
        from: String,
        /// Target key.
        to: String,
    },
}

/// Lays out `picture` and writes it as a standalone SVG document (no XML declaration, so
/// it can also be inlined in HTML).
pub fn render_svg(picture: &Picture, options: &Options) -> Result<String, PictureError> {
    if picture.nodes.len() > options.max_nodes {
        return Err(PictureError::TooLarge { nodes: picture.nodes.len(), max: options.max_nodes });
    }
    let layout = layout::lay_out(picture, options)?;
    Ok(svg::write(picture, &layout, options))
}

#[cfg(test)]
mod tests;
