//! Pictures of small drawn graphs, hostile labels, random graphs of 200 nodes and the demo
//! organisation, each SVG parsed back with roxmltree.

use std::collections::HashMap;

use uuid::Uuid;

use super::layout::{BEND_GAP, BOX_GAP, BOX_HEIGHT, BOX_WIDTH, COLUMN_WIDTH, Layout, MARGIN, lay_out};
use super::svg::{fit, safe_href};
use super::*;
use crate::graph::{ChainGraph, EdgeKind, GraphAlternative, GraphEdge, GraphInput, GraphNode, NodeKey};
use crate::model::{OfferingId, ServiceId, SupplierId};

/// A picture of nodes of kind `Other` named by their keys, joined by `(from, to)` edges.
fn picture(nodes: &[&str], edges: &[(&str, &str)]) -> Picture {
    Picture {
        title: "test".to_owned(),
        description: "a test picture".to_owned(),
        nodes: nodes
            .iter()
            .map(|k| PicNode {
                key: (*k).to_owned(),
                label: (*k).to_owned(),
                sublabel: None,
                kind: NodeKind::Other,
                href: None,
                emphasis: false,
            })
            .collect(),
        edges: edges
            .iter()
            .map(|(f, t)| PicEdge { from: (*f).to_owned(), to: (*t).to_owned(), label: None, dashed: false })
            .collect(),
    }
}

fn layout(p: &Picture) -> Layout {
    match lay_out(p, &Options::default()) {
        Ok(l) => l,
        Err(e) => panic!("layout failed: {e}"),
    }
}

fn render(p: &Picture) -> String {
    match render_svg(p, &Options::default()) {
        Ok(svg) => svg,
        Err(e) => panic!("render failed: {e}"),
    }
}

/// The column of each node, by key.
fn columns(p: &Picture) -> Vec<(String, usize)> {
    p.nodes.iter().map(|n| n.key.clone()).zip(layout(p).layer).collect()
}

/// Parses `svg` and checks what every picture must satisfy: well-formed XML, an SVG root
/// with an accessible name and description, no scripts, no inline styles, no event
/// handler attributes, only site-relative links, no text below the fixed font sizes.
fn check_svg(svg: &str) -> roxmltree::Document<'_> {
    let doc = match roxmltree::Document::parse(svg) {
        Ok(d) => d,
        Err(e) => panic!("not well-formed XML: {e}\n{svg}"),
    };
    let root = doc.root_element();
    assert_eq!(root.tag_name().name(), "svg");
    assert_eq!(root.tag_name().namespace(), Some("http://www.w3.org/2000/svg"));
    assert_eq!(root.attribute("role"), Some("img"));
    let title_id = root.attribute("aria-labelledby").unwrap();
    let desc_id = root.attribute("aria-describedby").unwrap();
    let by_id = |id: &str| doc.descendants().find(|n| n.attribute("id") == Some(id)).map(|n| n.tag_name().name());
    assert_eq!(by_id(title_id), Some("title"));
    assert_eq!(by_id(desc_id), Some("desc"));
    let (width, height) = (root.attribute("width").unwrap(), root.attribute("height").unwrap());
    assert_eq!(root.attribute("viewBox"), Some(format!("0 0 {width} {height}").as_str()));
    for node in doc.descendants().filter(|n| n.is_element()) {
        let name = node.tag_name().name();
        assert!(!matches!(name, "script" | "style" | "foreignObject" | "image" | "use"), "element {name}");
        for a in node.attributes() {
            assert!(a.name() != "style" && !a.name().starts_with("on"), "attribute {}={:?}", a.name(), a.value());
        }
        if let Some(href) = node.attribute("href") {
            assert!(href.starts_with('/') && !href.starts_with("//"), "{href}");
        }
        if let Some(size) = node.attribute("font-size") {
            assert!(size.parse::<f64>().unwrap() >= 11.0, "font-size {size}");
        }
        assert!(node.attribute("textLength").is_none());
    }
    assert!(!svg.contains("<script"));
    doc
}

/// The boxes of the nodes as (x, y, width, height), with the node's title text.
fn boxes(doc: &roxmltree::Document<'_>) -> Vec<(f64, f64, f64, f64, String)> {
    let num = |n: roxmltree::Node<'_, '_>, a: &str| n.attribute(a).unwrap().parse::<f64>().unwrap();
    doc.descendants()
        .filter(|n| {
            n.has_tag_name("rect")
                && n.parent().and_then(|p| p.attribute("class")).is_some_and(|c| c.starts_with("node "))
        })
        .map(|r| {
            let title = r.parent().and_then(|p| p.children().find(|c| c.has_tag_name("title"))).and_then(|t| t.text());
            (num(r, "x"), num(r, "y"), num(r, "width"), num(r, "height"), title.unwrap_or("").to_owned())
        })
        .collect()
}

fn assert_no_overlaps(doc: &roxmltree::Document<'_>) {
    let b = boxes(doc);
    for (i, a) in b.iter().enumerate() {
        for c in b.iter().skip(i + 1) {
            let apart = a.0 + a.2 <= c.0 || c.0 + c.2 <= a.0 || a.1 + a.3 <= c.1 || c.1 + c.3 <= a.1;
            assert!(apart, "{a:?} overlaps {c:?}");
        }
    }
}

/// ```text
///  a ──▶ b ──▶ d
///  │           ▲
///  └──▶ c ─────┘
///       e ─────┘   (a source: sits in the column before d, not with a)
///  f               (alone: first column)
/// ```
#[test]
fn a_small_dag_is_layered_by_longest_path() {
    let p = picture(&["a", "b", "c", "d", "e", "f"], &[("a", "b"), ("a", "c"), ("b", "d"), ("c", "d"), ("e", "d")]);
    let got = columns(&p);
    let want: Vec<(String, usize)> = [("a", 0), ("b", 1), ("c", 1), ("d", 2), ("e", 1), ("f", 0)]
        .iter()
        .map(|(k, l)| ((*k).to_owned(), *l))
        .collect();
    assert_eq!(got, want);
    let svg = render(&p);
    let doc = check_svg(&svg);
    assert_no_overlaps(&doc);
    // Every edge is drawn with the arrowhead.
    assert_eq!(doc.descendants().filter(|n| n.attribute("marker-end").is_some()).count(), 5);
}

/// ```text
///  a ──▶ b ──▶ c ──▶ d
///  ▲           │
///  └───────────┘       (c ──▶ a closes a cycle)
/// ```
#[test]
fn a_cycle_is_broken_and_its_arrow_still_points_the_right_way() {
    let p = picture(&["a", "b", "c", "d"], &[("a", "b"), ("b", "c"), ("c", "d"), ("c", "a")]);
    let l = layout(&p);
    assert_eq!(l.layer, [0, 1, 2, 3]);
    let back = l.routes.iter().find(|r| r.edge == 3).unwrap();
    let (first, last) = (back.points.first().unwrap(), back.points.last().unwrap());
    // From the left side of c's box (through b's column) to the right side of a's box.
    assert_eq!(first.x, l.boxes[2].x);
    assert_eq!(last.x, l.boxes[0].x + BOX_WIDTH);
    assert_eq!(back.points.len(), 4);
    check_svg(&render(&p));
}

/// ```text
///  a ◀──▶ b    (two edges, opposite ways)      s ──▶ s  (a loop: not drawn)
/// ```
#[test]
fn two_cycles_and_loops_do_not_stop_the_drawing() {
    let p = picture(&["a", "b", "s"], &[("a", "b"), ("b", "a"), ("s", "s"), ("a", "b")]);
    let l = layout(&p);
    assert_eq!(l.layer, [0, 1, 0]);
    // The repeated a ──▶ b is drawn once and the loop not at all.
    assert_eq!(l.routes.len(), 2);
    check_svg(&render(&p));
}

#[test]
fn every_text_is_escaped() {
    let hostile = [
        "<script>alert(1)</script>",
        "\"onload=\"alert(1)",
        "' onmouseover='alert(2)",
        "Tom & Jerry's <b>\"shop\"</b>",
        "]]><!-- -->&amp;",
        "control \u{0}\u{1b}[31m\u{7f}\u{fffe} chars\nand lines",
    ];
    let mut p = picture(&[], &[]);
    p.title = hostile[0].to_owned();
    p.description = hostile[1].to_owned();
    for (i, label) in hostile.iter().enumerate() {
        p.nodes.push(PicNode {
            key: format!("<k{i}>"),
            label: (*label).to_owned(),
            sublabel: Some((*label).to_owned()),
            kind: NodeKind::Vulnerability,
            href: Some(format!("/x?a={i}&b=\"'><script>")),
            emphasis: i == 0,
        });
    }
    p.edges.push(PicEdge {
        from: "<k0>".to_owned(),
        to: "<k1>".to_owned(),
        label: Some("<script>x</script>".to_owned()),
        dashed: true,
    });
    let svg = render(&p);
    let doc = check_svg(&svg);
    assert!(!svg.contains("<script") && !svg.contains("onload=\"") && !svg.contains("<b>"));
    // The texts come back intact (control characters aside) in the titles.
    let titles: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("title")).filter_map(|n| n.text()).collect();
    assert_eq!(titles.first(), Some(&"<script>alert(1)</script>"));
    assert!(titles.contains(&"Tom & Jerry's <b>\"shop\"</b> (Tom & Jerry's <b>\"shop\"</b>)"), "{titles:?}");
    let cleaned = "control \u{fffd}\u{fffd}[31m\u{fffd}\u{fffd} chars and lines";
    assert!(titles.contains(&format!("{cleaned} ({cleaned})").as_str()), "{titles:?}");
    let desc = doc.descendants().find(|n| n.has_tag_name("desc")).and_then(|n| n.text());
    assert_eq!(desc, Some("\"onload=\"alert(1)"));
    let links: Vec<&str> = doc.descendants().filter_map(|n| n.attribute("href")).collect();
    assert_eq!(links.first(), Some(&"/x?a=0&b=\"'><script>"));
}

#[test]
fn only_site_relative_links_are_written() {
    let cases = [
        ("/suppliers/0190d7a4-0000-7000-8000-000000000001", true),
        ("/offerings/x?tab=risk#top", true),
        ("/", true),
        ("javascript:alert(1)", false),
        ("JaVaScRiPt:alert(1)", false),
        (" javascript:alert(1)", false),
        ("data:text/html,<script>alert(1)</script>", false),
        ("https://evil.example/", false),
        ("//evil.example/", false),
        ("/\\evil.example/", false),
        ("/a b", false),
        ("/a\tb", false),
        ("/a\u{0}", false),
        ("suppliers/1", false),
        ("", false),
    ];
    for (href, ok) in cases {
        assert_eq!(safe_href(href).is_some(), ok, "{href:?}");
    }
    let mut p = picture(&[], &[]);
    for (i, (href, _)) in cases.iter().enumerate() {
        p.nodes.push(PicNode {
            key: i.to_string(),
            label: format!("node {i}"),
            sublabel: None,
            kind: NodeKind::Supplier,
            href: Some((*href).to_owned()),
            emphasis: false,
        });
    }
    let svg = render(&p);
    let doc = check_svg(&svg);
    let links: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("a")).filter_map(|n| n.attribute("href")).collect();
    let want: Vec<&str> = cases.iter().filter(|c| c.1).map(|c| c.0).collect();
    assert_eq!(links, want);
    // Nodes without a usable link are still drawn, just not as links.
    assert_eq!(boxes(&doc).len(), cases.len());
    assert!(!svg.to_lowercase().contains("javascript"));
}

#[test]
fn the_svg_has_a_title_a_description_an_arrowhead_and_no_inline_style() {
    let mut p = picture(&["a", "b"], &[("a", "b")]);
    p.title = "Supply chain of a".to_owned();
    let svg = render_svg(&p, &Options { id_prefix: "pic-1\"><x".to_owned(), ..Options::default() }).unwrap();
    let doc = check_svg(&svg);
    let root = doc.root_element();
    assert_eq!(root.attribute("aria-labelledby"), Some("pic-1x-title"));
    let marker = doc.descendants().find(|n| n.has_tag_name("marker")).unwrap();
    assert_eq!(marker.parent().map(|p| p.tag_name().name()), Some("defs"));
    assert_eq!(marker.attribute("id"), Some("pic-1x-arrow"));
    let path = doc.descendants().find(|n| n.attribute("marker-end").is_some()).unwrap();
    assert_eq!(path.attribute("marker-end"), Some("url(#pic-1x-arrow)"));
    assert!(!svg.contains("style"));
    // The first child of the root is its title.
    assert_eq!(root.first_element_child().map(|n| n.tag_name().name()), Some("title"));
}

#[test]
fn an_empty_picture_says_so() {
    let svg = render(&picture(&[], &[]));
    let doc = check_svg(&svg);
    assert!(doc.descendants().any(|n| n.text() == Some("Nothing to draw.")));
}

#[test]
fn pictures_beyond_the_limits_are_refused() {
    let keys: Vec<String> = (0..2001).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    assert_eq!(
        render_svg(&picture(&refs, &[]), &Options::default()),
        Err(PictureError::TooLarge { nodes: 2001, max: 2000 })
    );
    assert!(render_svg(&picture(&refs[..2000], &[]), &Options::default()).is_ok());

    let small = Options { max_nodes: 4, max_edges: 2, ..Options::default() };
    let p = picture(&["a", "b", "c"], &[("a", "b"), ("b", "c"), ("a", "c")]);
    assert_eq!(render_svg(&p, &small), Err(PictureError::TooManyEdges { edges: 3, max: 2 }));

    // Twelve nodes with an edge from every node to every later one lie in twelve columns,
    // and the edges need Σ (j - i - 1) = 220 bend points, more than the 10 × 12 allowed.
    let keys: Vec<String> = (0..12).map(|i| i.to_string()).collect();
    let refs: Vec<&str> = keys.iter().map(String::as_str).collect();
    let edges: Vec<(&str, &str)> =
        (0..12).flat_map(|i| (i + 1..12).map(move |j| (i, j))).map(|(i, j)| (refs[i], refs[j])).collect();
    let tight = Options { max_nodes: 12, ..Options::default() };
    assert_eq!(render_svg(&picture(&refs, &edges), &tight), Err(PictureError::TooComplex { bends: 220, max: 120 }));

    assert_eq!(
        render_svg(&picture(&["a", "a"], &[]), &Options::default()),
        Err(PictureError::DuplicateNode("a".to_owned()))
    );
    assert_eq!(
        render_svg(&picture(&["a"], &[("a", "z")]), &Options::default()),
        Err(PictureError::DanglingEdge { from: "a".to_owned(), to: "z".to_owned() })
    );
}

#[test]
fn labels_are_cut_with_an_ellipsis_never_shrunk() {
    assert_eq!(fit("Nimbus Cloud", 180.0, 13.0, false), "Nimbus Cloud");
    assert_eq!(fit("  two\n  lines ", 180.0, 13.0, false), "two lines");
    let long = "Atlantic Subsea Cable Consortium International Holdings";
    let cut = fit(long, 180.0, 13.0, false);
    assert!(cut.ends_with('\u{2026}') && long.starts_with(cut.trim_end_matches('\u{2026}')), "{cut}");
    assert!(cut.chars().count() < long.chars().count());
    // Wide letters and scripts get fewer characters in the same room.
    assert!(
        fit(&"W".repeat(40), 180.0, 13.0, false).chars().count()
            < fit(&"i".repeat(40), 180.0, 13.0, false).chars().count()
    );
    assert!(fit(&"漢".repeat(40), 180.0, 13.0, false).chars().count() <= 14);
    // Bold text is taken as wider.
    assert!(fit(long, 180.0, 13.0, true).len() <= cut.len());
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

const KINDS: [NodeKind; 7] = [
    NodeKind::Service,
    NodeKind::Offering,
    NodeKind::Supplier,
    NodeKind::Subcontractor,
    NodeKind::Component,
    NodeKind::Vulnerability,
    NodeKind::Other,
];

/// `n` nodes with labels of 1 to 60 characters; each node points to one to three of the
/// `window` nodes after it (a DAG), or, with `back_edges`, also sometimes to one before it.
fn random_picture(rng: &mut Rng, n: usize, window: usize, back_edges: bool) -> Picture {
    let words =
        ["Nimbus", "Cloud", "Atlantic", "Subsea", "Cable", "Kernel", "Forge", "WWW", "Ltd", "漢字", "Über", "&", "<x>"];
    let mut p = picture(&[], &[]);
    for i in 0..n {
        let mut label = String::new();
        for _ in 0..1 + rng.below(8) {
            label.push_str(words[rng.below(words.len())]);
            label.push(' ');
        }
        label.truncate(label.trim_end().len());
        p.nodes.push(PicNode {
            key: format!("n{i}"),
            label: format!("{i} {label}"),
            sublabel: (!i.is_multiple_of(3)).then(|| format!("sub {label}")),
            kind: KINDS[i % KINDS.len()],
            href: Some(format!("/suppliers/{i}")),
            emphasis: i.is_multiple_of(50),
        });
    }
    for i in 0..n {
        for _ in 0..1 + rng.below(3) {
            let j = i + 1 + rng.below(window);
            if j < n {
                p.edges.push(PicEdge {
                    from: format!("n{i}"),
                    to: format!("n{j}"),
                    label: Some("uses".to_owned()),
                    dashed: j.is_multiple_of(4),
                });
            }
        }
        if back_edges && i > 0 && rng.below(10) == 0 {
            let j = rng.below(i);
            p.edges.push(PicEdge { from: format!("n{i}"), to: format!("n{j}"), label: None, dashed: false });
        }
    }
    p
}

#[test]
fn two_hundred_nodes_never_overlap() {
    let mut rng = Rng(0x9e37_79b9_7f4a_7c15);
    for (window, back_edges) in [(5, false), (20, false), (60, false), (10, true), (200, true)] {
        let p = random_picture(&mut rng, 200, window, back_edges);
        let svg = render(&p);
        let doc = check_svg(&svg);
        assert_no_overlaps(&doc);
        assert_eq!(boxes(&doc).len(), 200);
    }
}

#[test]
fn two_hundred_nodes_keep_every_label_and_a_bounded_canvas() {
    let mut rng = Rng(0x2545_f491_4f6c_dd1d);
    let p = random_picture(&mut rng, 200, 12, true);
    let l = layout(&p);
    let svg = render(&p);
    let doc = check_svg(&svg);

    // Every node is drawn once, its full text in the tooltip and its label written in
    // full or cut with an ellipsis.
    let drawn = boxes(&doc);
    assert_eq!(drawn.len(), p.nodes.len());
    let groups: Vec<roxmltree::Node<'_, '_>> =
        doc.descendants().filter(|n| n.attribute("class").is_some_and(|c| c.starts_with("node "))).collect();
    assert_eq!(groups.len(), p.nodes.len());
    for (node, group) in p.nodes.iter().zip(&groups) {
        let title = group.children().find(|c| c.has_tag_name("title")).and_then(|t| t.text()).unwrap();
        let full = node.label.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(title.starts_with(&full), "{title:?} lacks {full:?}");
        let shown = group.children().find(|c| c.attribute("class") == Some("label")).and_then(|t| t.text()).unwrap();
        assert!(
            shown == full || (shown.ends_with('\u{2026}') && full.starts_with(shown.trim_end_matches('\u{2026}'))),
            "{shown:?} is not {full:?}"
        );
        assert_eq!(group.attribute("href"), node.href.as_deref());
    }

    // The canvas is exactly as wide as its columns and no taller than its fullest column.
    let width: f64 = doc.root_element().attribute("width").unwrap().parse().unwrap();
    let height: f64 = doc.root_element().attribute("height").unwrap().parse().unwrap();
    assert!(l.n_layers >= 3);
    assert_eq!(width, 2.0 * MARGIN + (l.n_layers - 1) as f64 * COLUMN_WIDTH + BOX_WIDTH);
    let mut real = vec![0usize; l.n_layers];
    for &layer in &l.layer {
        real[layer] += 1;
    }
    // Bend points: the pairs of route points inside a column.
    let mut bends = vec![0usize; l.n_layers];
    for r in &l.routes {
        for p in r.points.iter().skip(1).step_by(2).take(r.points.len() / 2 - 1) {
            bends[((p.x - MARGIN) / COLUMN_WIDTH).round() as usize] += 1;
        }
    }
    let tallest = real
        .iter()
        .zip(&bends)
        .map(|(&r, &b)| r as f64 * (BOX_HEIGHT + BOX_GAP) + b as f64 * (BOX_HEIGHT / 2.0 + BEND_GAP))
        .fold(0.0, f64::max);
    assert!(height <= 2.0 * MARGIN + BOX_HEIGHT + tallest, "{height} > {tallest}");
    let max_real = real.iter().copied().max().unwrap_or(0) as f64;
    assert!(height >= 2.0 * MARGIN + BOX_HEIGHT + (max_real - 1.0) * (BOX_HEIGHT + BOX_GAP));
}

/// ```text
///  a ──▶ x         The first order, breadth first, is x z y, and a ──▶ z crosses
///  │     ▲         b ──▶ x. The barycenter sweep puts z above x, and nothing
///  │     │         crosses any more.
///  └──▶ z │
///  b ─────┘
///  └──▶ y
/// ```
#[test]
fn barycenter_sweeps_remove_a_crossing() {
    let p = picture(&["a", "b", "x", "z", "y"], &[("a", "x"), ("a", "z"), ("b", "y"), ("b", "x")]);
    let l = layout(&p);
    assert_eq!(l.layer, [0, 0, 1, 1, 1]);
    let (x, z, y) = (l.boxes[2].y, l.boxes[3].y, l.boxes[4].y);
    assert!(z < x && x < y, "z {z}, x {x}, y {y}");
}

// The demo organisation as a graph: names become UUIDs, each kind counted apart (the
// demo has a service and an offering both called "Claims Portal").
fn demo_graph() -> (ChainGraph, HashMap<(char, String), Uuid>) {
    let batch = crate::demo::organisation();
    let mut ids: HashMap<(char, String), Uuid> = HashMap::new();
    let mut nodes = Vec::new();
    let id = |kind: char, name: &str, ids: &mut HashMap<(char, String), Uuid>| -> Uuid {
        let next = Uuid::from_u128(ids.len() as u128 + 1);
        *ids.entry((kind, name.to_owned())).or_insert(next)
    };
    for s in &batch.suppliers {
        let u = id('s', &s.row.name, &mut ids);
        nodes.push(GraphNode { key: NodeKey::Supplier(SupplierId(u)), label: s.row.name.clone() });
    }
    for o in &batch.offerings {
        let u = id('o', &o.row.name, &mut ids);
        nodes.push(GraphNode { key: NodeKey::Offering(OfferingId(u)), label: o.row.name.clone() });
    }
    for s in &batch.services {
        let u = id('v', &s.row.name, &mut ids);
        nodes.push(GraphNode { key: NodeKey::Service(ServiceId(u)), label: s.row.name.clone() });
    }
    let key = |kind: char, name: &str| ids.get(&(kind, name.to_owned())).copied().unwrap();
    let mut edges = Vec::new();
    for l in &batch.subcontracts {
        edges.push(GraphEdge {
            from: NodeKey::Supplier(SupplierId(key('s', &l.row.supplier))),
            to: NodeKey::Supplier(SupplierId(key('s', &l.row.subcontractor))),
            kind: EdgeKind::SubcontractsTo,
        });
    }
    for o in &batch.offerings {
        edges.push(GraphEdge {
            from: NodeKey::Offering(OfferingId(key('o', &o.row.name))),
            to: NodeKey::Supplier(SupplierId(key('s', &o.row.supplier))),
            kind: EdgeKind::ProvidedBy,
        });
    }
    let mut alternatives = Vec::new();
    for u in &batch.uses {
        edges.push(GraphEdge {
            from: NodeKey::Service(ServiceId(key('v', &u.row.service))),
            to: NodeKey::Offering(OfferingId(key('o', &u.row.offering))),
            kind: EdgeKind::Uses,
        });
        for a in &u.row.alternatives {
            alternatives.push(GraphAlternative {
                service: ServiceId(key('v', &u.row.service)),
                primary: OfferingId(key('o', &u.row.offering)),
                alternative: OfferingId(key('o', a)),
            });
        }
    }
    let graph = ChainGraph::build(GraphInput { nodes, edges, alternatives }).unwrap();
    (graph, ids)
}

/// The picture as lines of text: nodes as `kind label [sublabel]` (`*` marks emphasis),
/// then edges as `from > to (label)`, `- -` for dashed.
fn describe(p: &Picture) -> Vec<String> {
    let label: HashMap<&str, &str> = p.nodes.iter().map(|n| (n.key.as_str(), n.label.as_str())).collect();
    let mut out: Vec<String> = p
        .nodes
        .iter()
        .map(|n| {
            let star = if n.emphasis { "*" } else { "" };
            format!("{star}{} {} [{}]", n.kind.as_str(), n.label, n.sublabel.as_deref().unwrap_or(""))
        })
        .collect();
    out.extend(p.edges.iter().map(|e| {
        let arrow = if e.dashed { "- ->" } else { ">" };
        format!("{} {arrow} {} ({})", label[e.from.as_str()], label[e.to.as_str()], e.label.as_deref().unwrap_or(""))
    }));
    out
}

#[test]
fn the_supply_chain_of_nimbus_cloud() {
    let (graph, ids) = demo_graph();
    let nimbus = SupplierId(ids[&('s', "Nimbus Cloud".to_owned())]);
    let p = supplier_chain(&graph, nimbus, 1).unwrap();
    assert_eq!(p.title, "Supply chain of Nimbus Cloud");
    assert_eq!(
        p.description,
        "Nimbus Cloud: its 2 offerings, the 2 internal services that use them, and its 3 subcontractors up to 1 link away."
    );
    assert_eq!(
        describe(&p),
        [
            "service Data Warehouse [internal service]",
            "service Partner API Gateway [internal service]",
            "offering Nimbus Compute [offering]",
            "offering Nimbus Object Storage [offering]",
            "*supplier Nimbus Cloud [supplier]",
            "subcontractor Kernel Forge [subcontractor · depth 1]",
            "subcontractor Fibrenet Telecom [subcontractor · 1 more beyond]",
            "subcontractor Rackworks Hardware [subcontractor · 1 more beyond]",
            "Data Warehouse > Nimbus Compute (uses)",
            "Partner API Gateway > Nimbus Compute (uses)",
            "Data Warehouse > Nimbus Object Storage (uses)",
            "Nimbus Compute > Nimbus Cloud (provided by)",
            "Nimbus Object Storage > Nimbus Cloud (provided by)",
            "Nimbus Cloud > Kernel Forge (subcontracts)",
            "Nimbus Cloud > Fibrenet Telecom (subcontracts)",
            "Nimbus Cloud > Rackworks Hardware (subcontracts)",
        ]
    );
    for n in &p.nodes {
        let href = n.href.as_deref().unwrap();
        let (section, id) = href.trim_start_matches('/').split_once('/').unwrap();
        assert!(["suppliers", "offerings", "services"].contains(&section) && Uuid::parse_str(id).is_ok(), "{href}");
    }
    assert_eq!(p.nodes[4].href, Some(format!("/suppliers/{}", nimbus.0)));

    let deeper = supplier_chain(&graph, nimbus, 5).unwrap();
    let names: Vec<&str> =
        deeper.nodes.iter().filter(|n| n.kind == NodeKind::Subcontractor).map(|n| n.label.as_str()).collect();
    assert_eq!(
        names,
        ["Kernel Forge", "Fibrenet Telecom", "Rackworks Hardware", "Atlantic Subsea Cable", "Siliconia Components"]
    );
    let l = layout(&deeper);
    // Services, offerings, Nimbus, then two columns of subcontractors.
    assert_eq!(l.n_layers, 5);
    let doc_svg = render(&deeper);
    let doc = check_svg(&doc_svg);
    assert_no_overlaps(&doc);
    let emphasised: Vec<_> =
        doc.descendants().filter(|n| n.attribute("class").is_some_and(|c| c.ends_with(" emphasis"))).collect();
    assert_eq!(emphasised.len(), 1);
    assert_eq!(emphasised[0].attribute("href"), Some(format!("/suppliers/{}", nimbus.0).as_str()));

    assert!(supplier_chain(&graph, SupplierId(Uuid::from_u128(u128::MAX)), 3).is_none());
}

/// Harbor's service desk chain reaches Kernel Forge at the third level; the depth limit
/// cuts it.
#[test]
fn the_depth_limit_cuts_the_chain_of_harbor_hosting() {
    let (graph, ids) = demo_graph();
    let harbor = SupplierId(ids[&('s', "Harbor Hosting".to_owned())]);
    let subcontractors = |depth: u32| -> Vec<String> {
        let p = supplier_chain(&graph, harbor, depth).unwrap();
        p.nodes.iter().filter(|n| n.kind == NodeKind::Subcontractor).map(|n| n.label.clone()).collect()
    };
    assert_eq!(subcontractors(0), Vec::<String>::new());
    assert_eq!(subcontractors(2).len(), 5);
    assert!(!subcontractors(2).contains(&"Kernel Forge".to_owned()));
    assert!(subcontractors(3).contains(&"Kernel Forge".to_owned()));
    let p = supplier_chain(&graph, harbor, 0).unwrap();
    let harbor_node = p.nodes.iter().find(|n| n.emphasis).unwrap();
    assert_eq!(harbor_node.sublabel.as_deref(), Some("supplier · 3 more beyond"));
    check_svg(&render(&p));
}

#[test]
fn the_dependencies_of_the_online_shop() {
    let (graph, ids) = demo_graph();
    let shop = ServiceId(ids[&('v', "Online Shop".to_owned())]);
    let p = service_dependencies(&graph, shop).unwrap();
    assert_eq!(p.title, "Dependencies of Online Shop");
    assert_eq!(
        p.description,
        "Online Shop: the 2 offerings it uses with their alternatives, their 4 suppliers and 8 subcontractors beneath them."
    );
    assert_eq!(
        describe(&p),
        [
            "*service Online Shop [internal service]",
            "offering Harbor Dedicated Hosting [offering]",
            "offering Nimbus Compute [alternative to Harbor Dedicated Hosting]",
            "offering PayGate Payments [offering]",
            "offering CoinRail Payments [alternative to PayGate Payments]",
            "supplier Harbor Hosting [supplier]",
            "supplier Nimbus Cloud [supplier]",
            "supplier PayGate [supplier]",
            "supplier CoinRail [supplier]",
            "subcontractor FirstLine Helpdesk [subcontractor]",
            "subcontractor Rackworks Hardware [subcontractor]",
            "subcontractor Vaultline Backup [subcontractor]",
            "subcontractor Kernel Forge [subcontractor]",
            "subcontractor Fibrenet Telecom [subcontractor]",
            "subcontractor DeepFix Engineering [subcontractor]",
            "subcontractor Siliconia Components [subcontractor]",
            "subcontractor Atlantic Subsea Cable [subcontractor]",
            "Online Shop > Harbor Dedicated Hosting (uses)",
            "Online Shop - -> Nimbus Compute (alternative)",
            "Online Shop > PayGate Payments (uses)",
            "Online Shop - -> CoinRail Payments (alternative)",
            "Harbor Dedicated Hosting > Harbor Hosting (provided by)",
            "Nimbus Compute > Nimbus Cloud (provided by)",
            "PayGate Payments > PayGate (provided by)",
            "CoinRail Payments > CoinRail (provided by)",
            "Harbor Hosting > FirstLine Helpdesk (subcontracts)",
            "Harbor Hosting > Rackworks Hardware (subcontracts)",
            "Harbor Hosting > Vaultline Backup (subcontracts)",
            "Nimbus Cloud > Kernel Forge (subcontracts)",
            "Nimbus Cloud > Fibrenet Telecom (subcontracts)",
            "Nimbus Cloud > Rackworks Hardware (subcontracts)",
            "PayGate > Nimbus Cloud (subcontracts)",
            "CoinRail > Nimbus Cloud (subcontracts)",
            "FirstLine Helpdesk > DeepFix Engineering (subcontracts)",
            "Rackworks Hardware > Siliconia Components (subcontracts)",
            "Fibrenet Telecom > Atlantic Subsea Cable (subcontracts)",
            "DeepFix Engineering > Kernel Forge (subcontracts)",
        ]
    );
    let svg = render(&p);
    let doc = check_svg(&svg);
    assert_no_overlaps(&doc);
    assert_eq!(doc.descendants().filter(|n| n.attribute("stroke-dasharray").is_some()).count(), 2);
    assert!(service_dependencies(&graph, ServiceId(Uuid::from_u128(u128::MAX))).is_none());
}

#[test]
fn every_demo_service_and_supplier_draws() {
    let (graph, ids) = demo_graph();
    for ((kind, name), id) in &ids {
        let p = match kind {
            's' => supplier_chain(&graph, SupplierId(*id), 10),
            'v' => service_dependencies(&graph, ServiceId(*id)),
            _ => continue,
        };
        let p = p.unwrap_or_else(|| panic!("{name} is not in the graph"));
        assert_eq!(p.nodes.iter().filter(|n| n.emphasis).count(), 1, "{name}");
        let svg = render(&p);
        assert_no_overlaps(&check_svg(&svg));
    }
}

/// ```text
///  Hub ──▶ Sub 0, Sub 1, … Sub 10049   (more than a builder collects)
/// ```
#[test]
fn builders_stop_at_their_cap_and_the_renderer_refuses_the_rest() {
    let hub = NodeKey::Supplier(SupplierId(Uuid::from_u128(1)));
    let subs: Vec<NodeKey> =
        (0..BUILDER_NODE_CAP as u128 + 50).map(|i| NodeKey::Supplier(SupplierId(Uuid::from_u128(i + 2)))).collect();
    let mut nodes = vec![GraphNode { key: hub, label: "Hub".to_owned() }];
    nodes.extend(subs.iter().enumerate().map(|(i, &key)| GraphNode { key, label: format!("Sub {i}") }));
    let edges = subs.iter().map(|&to| GraphEdge { from: hub, to, kind: EdgeKind::SubcontractsTo }).collect();
    let graph = ChainGraph::build(GraphInput { nodes, edges, alternatives: Vec::new() }).unwrap();
    let p = supplier_chain(&graph, SupplierId(hub.uuid()), 3).unwrap();
    assert_eq!(p.nodes.len(), BUILDER_NODE_CAP);
    assert_eq!(p.edges.len(), BUILDER_NODE_CAP - 1);
    assert!(p.description.ends_with(" Only the first 10000 nodes are shown."), "{}", p.description);
    assert_eq!(p.nodes[0].sublabel.as_deref(), Some("supplier · 51 more beyond"));
    assert_eq!(render_svg(&p, &Options::default()), Err(PictureError::TooLarge { nodes: 10_000, max: 2000 }));
}
