//! The layered layout: cycle breaking, longest-path columns, bend points for long edges,
//! barycenter ordering and vertical placement. Works on dense indexes; the real nodes are
//! `0..n` in picture order and the bend points ("dummy nodes") follow them.

use std::collections::{HashMap, HashSet};

use super::{Options, Picture, PictureError};

/// Width of every box, in pixels.
pub(super) const BOX_WIDTH: f64 = 200.0;
/// Height of every box.
pub(super) const BOX_HEIGHT: f64 = 44.0;
/// Horizontal gap between columns, where edges bend and edge labels sit.
pub(super) const COLUMN_GAP: f64 = 100.0;
/// Distance between the left edges of two neighbouring columns.
pub(super) const COLUMN_WIDTH: f64 = BOX_WIDTH + COLUMN_GAP;
/// Empty border around the drawing.
pub(super) const MARGIN: f64 = 20.0;
/// Vertical gap between two boxes of a column.
pub(super) const BOX_GAP: f64 = 20.0;
/// Vertical gap between an edge passing through a column and its neighbours there.
pub(super) const BEND_GAP: f64 = 12.0;

/// Barycenter sweeps (one down and one up each) at most; the best order seen is kept.
const MAX_SWEEPS: usize = 12;
/// Sweeps without improvement before giving up early.
const PATIENCE: usize = 3;
/// Rounds of vertical placement (one down and one up each).
const PLACEMENT_ROUNDS: usize = 4;
/// Bend points allowed per node of [`Options::max_nodes`].
const BENDS_PER_NODE: usize = 10;

/// A point of the drawing, in pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Point {
    pub(super) x: f64,
    pub(super) y: f64,
}

/// How one edge of the picture is drawn.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Route {
    /// Index into `Picture::edges`.
    pub(super) edge: usize,
    /// From the original source to the original target: the first point is on the side of
    /// the source box, the last on the side of the target box, and in between come pairs of
    /// points where the edge crosses a column. Segments alternate: a curve across a gap,
    /// a straight line through a column, a curve across a gap, and so on.
    pub(super) points: Vec<Point>,
}

/// The result of laying out a picture.
#[derive(Debug, Clone, PartialEq)]
pub(super) struct Layout {
    /// Canvas width.
    pub(super) width: f64,
    /// Canvas height.
    pub(super) height: f64,
    /// Number of columns.
    pub(super) n_layers: usize,
    /// The column of each node, in picture order.
    pub(super) layer: Vec<usize>,
    /// Top-left corner of each node's box, in picture order.
    pub(super) boxes: Vec<Point>,
    /// The edges drawn.
    pub(super) routes: Vec<Route>,
}

/// An edge between two real nodes, deduplicated, pointing the way it is laid out.
struct LaidEdge {
    /// Index into `Picture::edges`.
    edge: usize,
    /// The node in the lower column.
    upper: usize,
    /// The node in the higher column.
    lower: usize,
    /// True when the picture's edge points from `lower` to `upper` (a reversed back edge).
    reversed: bool,
}

/// Lays out `picture`; the caller has checked the node limit.
pub(super) fn lay_out(picture: &Picture, options: &Options) -> Result<Layout, PictureError> {
    let n = picture.nodes.len();
    let edges = resolve(picture)?;
    if edges.len() > options.max_edges {
        return Err(PictureError::TooManyEdges { edges: edges.len(), max: options.max_edges });
    }

    let reversed = back_edges(n, &edges);
    let laid: Vec<LaidEdge> = edges
        .iter()
        .zip(&reversed)
        .map(|(&(edge, from, to), &rev)| {
            if rev {
                LaidEdge { edge, upper: to, lower: from, reversed: true }
            } else {
                LaidEdge { edge, upper: from, lower: to, reversed: false }
            }
        })
        .collect();
    let layer = layers(n, &laid);
    let n_layers = layer.iter().copied().max().map_or(0, |m| m + 1);

    let bends: usize = laid.iter().map(|e| span(&layer, e).saturating_sub(1)).sum();
    let max_bends = options.max_nodes.saturating_mul(BENDS_PER_NODE);
    if bends > max_bends {
        return Err(PictureError::TooComplex { bends, max: max_bends });
    }

    // The layout graph: real nodes, then one dummy per column an edge passes through.
    let mut grid = Grid::new(n, &layer, n_layers, n + bends);
    let mut chains: Vec<Vec<usize>> = Vec::with_capacity(laid.len());
    for e in &laid {
        let mut chain = vec![e.upper];
        let mut at = e.upper;
        let from_layer = layer.get(e.upper).copied().unwrap_or(0);
        let to_layer = layer.get(e.lower).copied().unwrap_or(0);
        for l in from_layer + 1..to_layer {
            let dummy = grid.add_dummy(l);
            grid.link(at, dummy);
            chain.push(dummy);
            at = dummy;
        }
        grid.link(at, e.lower);
        chain.push(e.lower);
        chains.push(chain);
    }

    grid.initial_order();
    grid.reduce_crossings();
    grid.place();

    let boxes =
        (0..n).map(|v| Point { x: grid.column_left(v), y: grid.y.get(v).copied().unwrap_or(0.0) + MARGIN }).collect();
    let routes = laid
        .iter()
        .zip(&chains)
        .map(|(e, chain)| {
            let mut points = Vec::with_capacity(chain.len() * 2);
            let last = chain.len().saturating_sub(1);
            for (i, &v) in chain.iter().enumerate() {
                let y = grid.y.get(v).copied().unwrap_or(0.0) + MARGIN + BOX_HEIGHT / 2.0;
                let left = grid.column_left(v);
                if i != 0 {
                    points.push(Point { x: left, y });
                }
                if i != last {
                    points.push(Point { x: left + BOX_WIDTH, y });
                }
            }
            if e.reversed {
                points.reverse();
            }
            Route { edge: e.edge, points }
        })
        .collect();
    let width = if n_layers == 0 { 2.0 * MARGIN + BOX_WIDTH } else { 2.0 * MARGIN + grid.column_x(n_layers - 1) };
    let width = width.max(2.0 * MARGIN + BOX_WIDTH);
    let height = 2.0 * MARGIN + grid.height + BOX_HEIGHT;
    let layer = grid.layer.get(..n).map(<[usize]>::to_vec).unwrap_or_default();
    Ok(Layout { width, height, n_layers, layer, boxes, routes })
}

/// The edges as `(index in the picture, from, to)` node indexes, without repeats and
/// without edges from a node to itself.
fn resolve(picture: &Picture) -> Result<Vec<(usize, usize, usize)>, PictureError> {
    let mut index: HashMap<&str, usize> = HashMap::with_capacity(picture.nodes.len());
    for (i, node) in picture.nodes.iter().enumerate() {
        if index.insert(node.key.as_str(), i).is_some() {
            return Err(PictureError::DuplicateNode(node.key.clone()));
        }
    }
    let mut seen = HashSet::new();
    let mut edges = Vec::new();
    for (e, edge) in picture.edges.iter().enumerate() {
        let (Some(&from), Some(&to)) = (index.get(edge.from.as_str()), index.get(edge.to.as_str())) else {
            return Err(PictureError::DanglingEdge { from: edge.from.clone(), to: edge.to.clone() });
        };
        if from != to && seen.insert((from, to)) {
            edges.push((e, from, to));
        }
    }
    Ok(edges)
}

/// The columns an edge crosses, its own two included minus one.
fn span(layer: &[usize], e: &LaidEdge) -> usize {
    let from = layer.get(e.upper).copied().unwrap_or(0);
    let to = layer.get(e.lower).copied().unwrap_or(0);
    to.saturating_sub(from)
}

/// Marks the back edges of an iterative depth-first search, started from the sources in
/// picture order and then from whatever is left: reversing them leaves no cycle.
fn back_edges(n: usize, edges: &[(usize, usize, usize)]) -> Vec<bool> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut in_degree = vec![0usize; n];
    for (i, &(_, from, to)) in edges.iter().enumerate() {
        if let Some(list) = out.get_mut(from) {
            list.push(i);
        }
        if let Some(d) = in_degree.get_mut(to) {
            *d += 1;
        }
    }
    // 0 = not visited, 1 = on the stack, 2 = finished.
    let mut state = vec![0u8; n];
    let mut reversed = vec![false; edges.len()];
    let roots = (0..n).filter(|&v| in_degree.get(v) == Some(&0)).chain(0..n);
    let mut stack: Vec<(usize, usize)> = Vec::new();
    for root in roots {
        if state.get(root) != Some(&0) {
            continue;
        }
        if let Some(s) = state.get_mut(root) {
            *s = 1;
        }
        stack.push((root, 0));
        while let Some((v, cursor)) = stack.last_mut() {
            let v = *v;
            let next = out.get(v).and_then(|list| list.get(*cursor)).copied();
            *cursor += 1;
            match next {
                Some(e) => {
                    let to = edges.get(e).map_or(v, |&(_, _, to)| to);
                    match state.get(to) {
                        Some(0) => {
                            if let Some(s) = state.get_mut(to) {
                                *s = 1;
                            }
                            stack.push((to, 0));
                        }
                        Some(1) => {
                            if let Some(r) = reversed.get_mut(e) {
                                *r = true;
                            }
                        }
                        _ => {}
                    }
                }
                None => {
                    if let Some(s) = state.get_mut(v) {
                        *s = 2;
                    }
                    stack.pop();
                }
            }
        }
    }
    reversed
}

/// Longest-path columns from the sources (Kahn's order), then, walking back from the
/// sinks, every node with more edges out than in moved right to just before its nearest
/// successor: that shortens more edges than it lengthens, so fewer bend points. It puts,
/// say, an offering nobody uses next to its supplier rather than with the services.
fn layers(n: usize, edges: &[LaidEdge]) -> Vec<usize> {
    let mut out: Vec<Vec<usize>> = vec![Vec::new(); n];
    let mut in_degree = vec![0usize; n];
    for e in edges {
        if let Some(list) = out.get_mut(e.upper) {
            list.push(e.lower);
        }
        if let Some(d) = in_degree.get_mut(e.lower) {
            *d += 1;
        }
    }
    let mut layer = vec![0usize; n];
    let mut remaining = in_degree.clone();
    let mut queue: Vec<usize> = (0..n).filter(|&v| in_degree.get(v) == Some(&0)).collect();
    let mut head = 0;
    while let Some(&v) = queue.get(head) {
        head += 1;
        let here = layer.get(v).copied().unwrap_or(0);
        for &w in out.get(v).map(Vec::as_slice).unwrap_or(&[]) {
            if let Some(l) = layer.get_mut(w) {
                *l = (*l).max(here + 1);
            }
            if let Some(d) = remaining.get_mut(w) {
                *d = d.saturating_sub(1);
                if *d == 0 {
                    queue.push(w);
                }
            }
        }
    }
    for &v in queue.iter().rev() {
        let successors = out.get(v).map(Vec::as_slice).unwrap_or(&[]);
        if successors.len() <= in_degree.get(v).copied().unwrap_or(0) {
            continue;
        }
        let nearest = successors.iter().filter_map(|&w| layer.get(w).copied()).min();
        if let (Some(nearest), Some(l)) = (nearest, layer.get_mut(v)) {
            *l = (*l).max(nearest.saturating_sub(1));
        }
    }
    layer
}

/// The layered layout graph: columns of real and dummy nodes with their order and height.
struct Grid {
    n_real: usize,
    layer: Vec<usize>,
    /// Neighbours in the column before.
    up: Vec<Vec<usize>>,
    /// Neighbours in the column after.
    down: Vec<Vec<usize>>,
    /// Nodes of each column, top to bottom.
    columns: Vec<Vec<usize>>,
    /// Position of each node within its column.
    position: Vec<usize>,
    /// Distance of each node's box top (dummies: centre minus half a box) from the top of
    /// the drawing, margin excluded.
    y: Vec<f64>,
    /// Height of the fullest column, from the first top to the last top.
    height: f64,
}

impl Grid {
    fn new(n_real: usize, layer: &[usize], n_layers: usize, capacity: usize) -> Grid {
        let mut all_layers = Vec::with_capacity(capacity);
        all_layers.extend_from_slice(layer);
        Grid {
            n_real,
            layer: all_layers,
            up: vec![Vec::new(); n_real],
            down: vec![Vec::new(); n_real],
            columns: vec![Vec::new(); n_layers],
            position: Vec::new(),
            y: Vec::new(),
            height: 0.0,
        }
    }

    fn add_dummy(&mut self, layer: usize) -> usize {
        self.layer.push(layer);
        self.up.push(Vec::new());
        self.down.push(Vec::new());
        self.layer.len() - 1
    }

    fn link(&mut self, upper: usize, lower: usize) {
        if let Some(d) = self.down.get_mut(upper) {
            d.push(lower);
        }
        if let Some(u) = self.up.get_mut(lower) {
            u.push(upper);
        }
    }

    fn is_dummy(&self, v: usize) -> bool {
        v >= self.n_real
    }

    fn column_x(&self, layer: usize) -> f64 {
        layer as f64 * COLUMN_WIDTH + BOX_WIDTH
    }

    fn column_left(&self, v: usize) -> f64 {
        MARGIN + self.layer.get(v).copied().unwrap_or(0) as f64 * COLUMN_WIDTH
    }

    /// A first order: the first column in picture order, each later one in the order its
    /// nodes are first reached from the column before (a breadth-first order, which keeps
    /// families together), then the nodes not reached that way in index order.
    fn initial_order(&mut self) {
        let total = self.layer.len();
        let mut placed = vec![false; total];
        let mut by_layer: Vec<Vec<usize>> = vec![Vec::new(); self.columns.len()];
        for (v, &l) in self.layer.iter().enumerate() {
            if let Some(b) = by_layer.get_mut(l) {
                b.push(v);
            }
        }
        let mut columns: Vec<Vec<usize>> = Vec::with_capacity(by_layer.len());
        for members in by_layer {
            let mut column = Vec::with_capacity(members.len());
            for &v in columns.last().map(Vec::as_slice).unwrap_or(&[]) {
                for &w in self.down.get(v).map(Vec::as_slice).unwrap_or(&[]) {
                    if let Some(p) = placed.get_mut(w)
                        && !*p
                    {
                        *p = true;
                        column.push(w);
                    }
                }
            }
            // The sources of this column, which nothing on the left reaches.
            for v in members {
                if let Some(p) = placed.get_mut(v)
                    && !*p
                {
                    *p = true;
                    column.push(v);
                }
            }
            columns.push(column);
        }
        self.columns = columns;
        self.position = vec![0; total];
        self.renumber();
    }

    fn renumber(&mut self) {
        for column in &self.columns {
            for (i, &v) in column.iter().enumerate() {
                if let Some(p) = self.position.get_mut(v) {
                    *p = i;
                }
            }
        }
    }

    /// Barycenter sweeps, keeping the order with the fewest crossings; at most
    /// [`MAX_SWEEPS`] of them, fewer when [`PATIENCE`] sweeps bring nothing.
    fn reduce_crossings(&mut self) {
        let mut best = self.columns.clone();
        let mut best_crossings = self.crossings();
        let mut idle = 0;
        for _ in 0..MAX_SWEEPS {
            if best_crossings == 0 || idle >= PATIENCE {
                break;
            }
            for l in 1..self.columns.len() {
                self.sort_column(l, true);
            }
            for l in (0..self.columns.len().saturating_sub(1)).rev() {
                self.sort_column(l, false);
            }
            let crossings = self.crossings();
            if crossings < best_crossings {
                best_crossings = crossings;
                best = self.columns.clone();
                idle = 0;
            } else {
                idle += 1;
            }
        }
        self.columns = best;
        self.renumber();
    }

    /// Sorts column `l` by the mean position of each node's neighbours in the column
    /// before (`from_above`) or after; a node without such neighbours keeps its place.
    fn sort_column(&mut self, l: usize, from_above: bool) {
        let Some(column) = self.columns.get(l) else { return };
        let mut keyed: Vec<(f64, usize)> = column
            .iter()
            .map(|&v| {
                let neighbours = if from_above { self.up.get(v) } else { self.down.get(v) };
                let neighbours = neighbours.map(Vec::as_slice).unwrap_or(&[]);
                let own = self.position.get(v).copied().unwrap_or(0) as f64;
                let key = if neighbours.is_empty() {
                    own
                } else {
                    neighbours.iter().map(|&w| self.position.get(w).copied().unwrap_or(0) as f64).sum::<f64>()
                        / neighbours.len() as f64
                };
                (key, v)
            })
            .collect();
        keyed.sort_by(|a, b| a.0.total_cmp(&b.0));
        let sorted: Vec<usize> = keyed.into_iter().map(|(_, v)| v).collect();
        for (i, &v) in sorted.iter().enumerate() {
            if let Some(p) = self.position.get_mut(v) {
                *p = i;
            }
        }
        if let Some(c) = self.columns.get_mut(l) {
            *c = sorted;
        }
    }

    /// Edge crossings between all pairs of neighbouring columns, each pair counted as the
    /// inversions of the lower ends once the edges are sorted by their upper ends
    /// (a Fenwick tree: O(E log V)).
    fn crossings(&self) -> u64 {
        let mut total = 0u64;
        for l in 0..self.columns.len().saturating_sub(1) {
            let Some(column) = self.columns.get(l) else { continue };
            let width = self.columns.get(l + 1).map_or(0, Vec::len);
            let mut pairs: Vec<(usize, usize)> = Vec::new();
            for &v in column {
                let pv = self.position.get(v).copied().unwrap_or(0);
                for &w in self.down.get(v).map(Vec::as_slice).unwrap_or(&[]) {
                    pairs.push((pv, self.position.get(w).copied().unwrap_or(0)));
                }
            }
            pairs.sort_unstable();
            let mut tree = vec![0u64; width + 1];
            for (inserted, &(_, lower)) in pairs.iter().enumerate() {
                // The earlier edges (upper end above this one's, or the same) cross this
                // one when their lower end is further down: all of them but those whose
                // lower end is at or above this one's.
                let mut at = lower + 1;
                let mut not_greater = 0u64;
                while at > 0 {
                    not_greater += tree.get(at).copied().unwrap_or(0);
                    at &= at - 1;
                }
                total += (inserted as u64).saturating_sub(not_greater);
                let mut at = lower + 1;
                while at <= width {
                    if let Some(t) = tree.get_mut(at) {
                        *t += 1;
                    }
                    at += at & at.wrapping_neg();
                }
            }
        }
        total
    }

    /// The least distance between the tops of `a` and `b` when `b` comes right below `a`.
    fn separation(&self, a: usize, b: usize) -> f64 {
        match (self.is_dummy(a), self.is_dummy(b)) {
            (false, false) => BOX_HEIGHT + BOX_GAP,
            (true, true) => BEND_GAP,
            _ => BOX_HEIGHT / 2.0 + BEND_GAP,
        }
    }

    /// Vertical placement: every column is stacked tightly first; the fullest column fixes
    /// the height. Then each round pulls every node towards the mean height of its
    /// neighbours in the column before (then after), keeping the separations, by isotonic
    /// regression (pool adjacent violators, linear time), clipped to the height.
    fn place(&mut self) {
        self.y = vec![0.0; self.layer.len()];
        let mut offsets: Vec<Vec<f64>> = Vec::with_capacity(self.columns.len());
        for column in &self.columns {
            let mut at = 0.0;
            let mut offs = Vec::with_capacity(column.len());
            let mut previous: Option<usize> = None;
            for &v in column {
                if let Some(p) = previous {
                    at += self.separation(p, v);
                }
                offs.push(at);
                previous = Some(v);
            }
            self.height = self.height.max(at);
            offsets.push(offs);
        }
        for (column, offs) in self.columns.iter().zip(&offsets) {
            for (&v, &o) in column.iter().zip(offs) {
                if let Some(y) = self.y.get_mut(v) {
                    *y = o;
                }
            }
        }
        for _ in 0..PLACEMENT_ROUNDS {
            for l in 1..self.columns.len() {
                self.pull(l, &offsets, true);
            }
            for l in (0..self.columns.len().saturating_sub(1)).rev() {
                self.pull(l, &offsets, false);
            }
        }
    }

    fn pull(&mut self, l: usize, offsets: &[Vec<f64>], from_above: bool) {
        let (Some(column), Some(offs)) = (self.columns.get(l), offsets.get(l)) else { return };
        // Targets in the shifted coordinates z = y - offset, where the separations become
        // "z does not decrease".
        let targets: Vec<f64> = column
            .iter()
            .zip(offs)
            .map(|(&v, &o)| {
                let neighbours = if from_above { self.up.get(v) } else { self.down.get(v) };
                let neighbours = neighbours.map(Vec::as_slice).unwrap_or(&[]);
                let own = self.y.get(v).copied().unwrap_or(0.0);
                let wanted = if neighbours.is_empty() {
                    own
                } else {
                    neighbours.iter().map(|&w| self.y.get(w).copied().unwrap_or(0.0)).sum::<f64>()
                        / neighbours.len() as f64
                };
                wanted - o
            })
            .collect();
        let z = isotonic(&targets);
        let room = self.height - offs.last().copied().unwrap_or(0.0);
        for ((&v, &o), &zi) in column.iter().zip(offs).zip(&z) {
            if let Some(y) = self.y.get_mut(v) {
                *y = zi.clamp(0.0, room.max(0.0)) + o;
            }
        }
    }
}

/// The non-decreasing sequence nearest to `targets` in least squares (pool adjacent
/// violators).
fn isotonic(targets: &[f64]) -> Vec<f64> {
    // Blocks of (sum, count), merged while a block's mean is below the one before.
    let mut blocks: Vec<(f64, usize)> = Vec::with_capacity(targets.len());
    for &t in targets {
        blocks.push((t, 1));
        while blocks.len() >= 2 {
            let (Some(&(s2, c2)), Some(&(s1, c1))) = (blocks.last(), blocks.get(blocks.len() - 2)) else { break };
            if s1 / c1 as f64 <= s2 / c2 as f64 {
                break;
            }
            blocks.pop();
            if let Some(b) = blocks.last_mut() {
                *b = (s1 + s2, c1 + c2);
            }
        }
    }
    blocks.into_iter().flat_map(|(s, c)| std::iter::repeat_n(s / c as f64, c)).collect()
}
