//! Fuzz target: the SVG renderer gets labels, links and edges from the registry (typed by
//! people, suppliers included). Whatever they hold, rendering must not panic, and what it
//! renders must be well-formed: no raw markup from a label, no link that leaves the site.

#![no_main]

use chainward_core::picture::{NodeKind, Options, PicEdge, PicNode, Picture, render_svg};
use libfuzzer_sys::fuzz_target;

const KINDS: [NodeKind; 7] = [
    NodeKind::Service,
    NodeKind::Offering,
    NodeKind::Supplier,
    NodeKind::Subcontractor,
    NodeKind::Component,
    NodeKind::Vulnerability,
    NodeKind::Other,
];

fuzz_target!(|data: &[u8]| {
    // The input is split on 0xFF: node texts first, then pairs of bytes as edges.
    let mut parts = data.split(|b| *b == 0xFF);
    let texts: Vec<String> = parts.next().unwrap_or_default().split(|b| *b == 0xFE).map(|t| String::from_utf8_lossy(t).into_owned()).take(64).collect();
    let nodes: Vec<PicNode> = texts
        .iter()
        .enumerate()
        .map(|(i, text)| PicNode {
            key: format!("n{i}"),
            label: text.clone(),
            sublabel: (i % 2 == 0).then(|| text.chars().rev().collect()),
            kind: KINDS[i % KINDS.len()],
            href: Some(text.clone()),
            emphasis: i == 0,
        })
        .collect();
    let edge_bytes = parts.next().unwrap_or_default();
    let n = nodes.len().max(1);
    let edges: Vec<PicEdge> = edge_bytes
        .chunks_exact(2)
        .take(256)
        .map(|pair| PicEdge {
            from: format!("n{}", usize::from(pair[0]) % n),
            to: format!("n{}", usize::from(pair[1]) % n),
            label: Some(String::from_utf8_lossy(pair).into_owned()),
            dashed: pair[0] % 2 == 0,
        })
        .collect();
    let picture = Picture { title: texts.first().cloned().unwrap_or_default(), description: String::new(), nodes, edges };
    if let Ok(svg) = render_svg(&picture, &Options::default()) {
        assert!(!svg.contains("<script"), "raw script in the picture");
        for link in svg.split("href=\"").skip(1) {
            assert!(link.starts_with('/') && !link.starts_with("//"), "a link that leaves the site: {link:.40}");
        }
        assert_eq!(svg.matches("<svg").count(), 1, "more than one root element");
    }
});
