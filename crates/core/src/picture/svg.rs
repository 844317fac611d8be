//! Writes a laid-out picture as SVG: escaping, link filtering, label cutting, colours.
//!
//! Only presentation attributes and classes style the drawing, never a `<style>` element
//! or `style` attribute, so the SVG passes a Content-Security-Policy without
//! `'unsafe-inline'`; pages may still restyle it through the classes.

use std::collections::HashMap;
use std::fmt::Write as _;

use super::layout::{BOX_HEIGHT, BOX_WIDTH, COLUMN_GAP, Layout, Point};
use super::{NodeKind, Options, Picture};

/// Font size of labels, in pixels; never reduced.
pub(super) const LABEL_FONT: f64 = 13.0;
/// Font size of sublabels and edge labels.
pub(super) const SMALL_FONT: f64 = 11.0;
/// Horizontal padding inside a box.
const PADDING: f64 = 10.0;
/// Fonts, most readable first; all have metrics close to the widths in [`char_width`].
const FONT_FAMILY: &str = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif";
/// Text colour: near-black on the light fills gives a contrast ratio above 12:1.
const TEXT_COLOUR: &str = "#111827";
/// Edge colour: dark grey, above 7:1 on white.
const EDGE_COLOUR: &str = "#4b5563";

/// Fill, outline and corner radius of each kind. Shapes differ as well as colours, so the
/// kinds stay apart for readers who do not see the colours.
fn appearance(kind: NodeKind) -> (&'static str, &'static str, f64) {
    match kind {
        NodeKind::Service => ("#dbeafe", "#1d4ed8", 18.0),
        NodeKind::Offering => ("#dcfce7", "#15803d", 8.0),
        NodeKind::Supplier => ("#fef3c7", "#b45309", 2.0),
        NodeKind::Subcontractor => ("#ffedd5", "#c2410c", 0.0),
        NodeKind::Component => ("#ede9fe", "#6d28d9", 4.0),
        NodeKind::Vulnerability => ("#fee2e2", "#b91c1c", 0.0),
        NodeKind::Other => ("#f3f4f6", "#4b5563", 4.0),
    }
}

/// Escapes text for XML content and attribute values. Characters XML 1.0 does not allow
/// (most control characters, U+FFFE, U+FFFF) and the C1 controls become U+FFFD; line
/// breaks and tabs become spaces, since every text here is one line.
pub(super) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            '\t' | '\n' | '\r' => out.push(' '),
            c if c.is_control() || c == '\u{fffe}' || c == '\u{ffff}' => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// The link as it may be written: only a site-relative path (`/suppliers/…`). Absolute
/// and scheme URLs (`javascript:`, `data:`, `https:`), protocol-relative ones (`//host`,
/// `/\host`) and anything with spaces, control characters or backslashes are refused.
pub(super) fn safe_href(href: &str) -> Option<&str> {
    let mut chars = href.chars();
    let first = chars.next();
    let second = chars.next();
    let ok = first == Some('/')
        && !matches!(second, Some('/') | Some('\\'))
        && !href.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\');
    ok.then_some(href)
}

/// The width of a character in ems, on the generous side of common sans-serif fonts (so
/// that a cut label fits even in a wider font).
fn char_width(c: char) -> f64 {
    match c {
        'i' | 'j' | 'l' | 'I' | '.' | ',' | ':' | ';' | '!' | '|' | '\'' | ' ' => 0.35,
        'f' | 't' | 'r' | '(' | ')' | '[' | ']' | '-' => 0.45,
        'm' | 'w' | 'M' | 'W' | '@' | '%' => 0.95,
        'A'..='Z' => 0.75,
        c if c.is_ascii() => 0.62,
        // Latin, Greek and Cyrillic letters with accents and the like.
        '\u{80}'..='\u{2e7f}' => 0.75,
        // East Asian scripts and everything else: full width.
        _ => 1.05,
    }
}

/// The text as written in a box `room` pixels wide at `font_size`: unchanged when it
/// fits, otherwise cut after the last character that fits with an ellipsis. Whitespace is
/// collapsed first. Bold text is taken as a tenth wider.
pub(super) fn fit(text: &str, room: f64, font_size: f64, bold: bool) -> String {
    let scale = font_size * if bold { 1.1 } else { 1.0 };
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    let width: f64 = collapsed.chars().map(char_width).sum::<f64>() * scale;
    if width <= room {
        return collapsed;
    }
    let budget = room - char_width('\u{2026}').min(1.0) * scale;
    let mut used = 0.0;
    let mut out = String::new();
    for c in collapsed.chars() {
        used += char_width(c) * scale;
        if used > budget {
            break;
        }
        out.push(c);
    }
    let mut out = out.trim_end().to_owned();
    out.push('\u{2026}');
    out
}

/// The id prefix with every character that could break out of an attribute removed.
fn clean_prefix(prefix: &str) -> String {
    let kept: String = prefix.chars().filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_').collect();
    if kept.starts_with(|c: char| c.is_ascii_alphabetic()) { kept } else { format!("p{kept}") }
}

/// A number for an attribute: one decimal, no trailing `.0`.
fn num(v: f64) -> String {
    let r = (v * 10.0).round() / 10.0;
    if r == r.trunc() { format!("{}", r as i64) } else { format!("{r:.1}") }
}

/// The `d` attribute of an edge: curves across gaps, straight lines through columns.
fn path_data(points: &[Point]) -> String {
    let mut d = String::new();
    let Some(first) = points.first() else { return d };
    let _ = write!(d, "M{},{}", num(first.x), num(first.y));
    for (i, pair) in points.windows(2).enumerate() {
        let (Some(p), Some(q)) = (pair.first(), pair.get(1)) else { continue };
        if i % 2 == 0 {
            let cx = (p.x + q.x) / 2.0;
            let _ = write!(d, " C{},{} {},{} {},{}", num(cx), num(p.y), num(cx), num(q.y), num(q.x), num(q.y));
        } else {
            let _ = write!(d, " L{},{}", num(q.x), num(q.y));
        }
    }
    d
}

/// Writes the whole SVG document.
pub(super) fn write(picture: &Picture, layout: &Layout, options: &Options) -> String {
    let prefix = clean_prefix(&options.id_prefix);
    let (width, height) = (num(layout.width), num(layout.height));
    let mut s = String::with_capacity(600 + picture.nodes.len() * 700 + picture.edges.len() * 250);
    let _ = write!(
        s,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" viewBox="0 0 {width} {height}" role="img" aria-labelledby="{prefix}-title" aria-describedby="{prefix}-desc" class="chain-picture">"#
    );
    let _ = write!(s, r#"<title id="{prefix}-title">{}</title>"#, escape(&picture.title));
    let _ = write!(s, r#"<desc id="{prefix}-desc">{}</desc>"#, escape(&picture.description));
    let _ = write!(
        s,
        r#"<defs><marker id="{prefix}-arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="8" markerHeight="8" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="{EDGE_COLOUR}"/></marker></defs>"#
    );
    s.push_str(r##"<rect class="background" x="0" y="0" width="100%" height="100%" fill="#ffffff"/>"##);

    write_edges(&mut s, picture, layout, &prefix);
    write_nodes(&mut s, picture, layout);

    if picture.nodes.is_empty() {
        let _ = write!(
            s,
            r##"<text x="20" y="40" font-family="{FONT_FAMILY}" font-size="{}" fill="{TEXT_COLOUR}">Nothing to draw.</text>"##,
            num(LABEL_FONT)
        );
    }
    s.push_str("</svg>");
    s
}

fn write_edges(s: &mut String, picture: &Picture, layout: &Layout, prefix: &str) {
    let _ = write!(s, r#"<g class="edges" fill="none" stroke="{EDGE_COLOUR}" stroke-width="1.5">"#);
    let labels: HashMap<&str, &str> = picture.nodes.iter().map(|n| (n.key.as_str(), n.label.as_str())).collect();
    let name = |key: &str| labels.get(key).copied().unwrap_or(key).to_owned();
    for route in &layout.routes {
        let Some(edge) = picture.edges.get(route.edge) else { continue };
        let mut tooltip = format!("{} \u{2192} {}", name(&edge.from), name(&edge.to));
        if let Some(label) = &edge.label {
            tooltip = format!("{tooltip}: {label}");
        }
        let class = if edge.dashed { "edge edge-dashed" } else { "edge" };
        let dash = if edge.dashed { r#" stroke-dasharray="6 4""# } else { "" };
        let _ = write!(
            s,
            r#"<g class="{class}"><title>{}</title><path d="{}"{dash} marker-end="url(#{prefix}-arrow)"/></g>"#,
            escape(&tooltip),
            path_data(&route.points)
        );
    }
    s.push_str("</g>");
    // Edge labels go above all edges, each on a white halo, in the middle of the first gap
    // the edge crosses. All labels of one gap share their x, so a label is left out (its
    // text stays in the edge's tooltip) when it would touch one already written there.
    let mut written: HashMap<i64, Vec<f64>> = HashMap::new();
    let _ = write!(
        s,
        r##"<g class="edge-labels" font-family="{FONT_FAMILY}" font-size="{}" fill="{TEXT_COLOUR}" text-anchor="middle" stroke="#ffffff" stroke-width="3" paint-order="stroke">"##,
        num(SMALL_FONT)
    );
    for route in &layout.routes {
        let Some(label) = picture.edges.get(route.edge).and_then(|e| e.label.as_deref()) else { continue };
        let (Some(p), Some(q)) = (route.points.first(), route.points.get(1)) else { continue };
        let text = fit(label, COLUMN_GAP - 8.0, SMALL_FONT, false);
        if text.is_empty() {
            continue;
        }
        let (x, y) = ((p.x + q.x) / 2.0, (p.y + q.y) / 2.0 - 3.0);
        let in_gap = written.entry(x.round() as i64).or_default();
        if in_gap.iter().any(|&other| (other - y).abs() < SMALL_FONT + 2.0) {
            continue;
        }
        in_gap.push(y);
        let _ = write!(s, r#"<text x="{}" y="{}">{}</text>"#, num(x), num(y), escape(&text));
    }
    s.push_str("</g>");
}

fn write_nodes(s: &mut String, picture: &Picture, layout: &Layout) {
    let _ = write!(
        s,
        r#"<g class="nodes" font-family="{FONT_FAMILY}" font-size="{}" fill="{TEXT_COLOUR}">"#,
        num(LABEL_FONT)
    );
    for (node, corner) in picture.nodes.iter().zip(&layout.boxes) {
        let (fill, outline, radius) = appearance(node.kind);
        let href = node.href.as_deref().and_then(safe_href);
        let mut class = format!("node node-{}", node.kind.as_str());
        if node.emphasis {
            class.push_str(" emphasis");
        }
        match href {
            Some(h) => {
                let _ = write!(s, r#"<a class="{class}" href="{}">"#, escape(h));
            }
            None => {
                let _ = write!(s, r#"<g class="{class}">"#);
            }
        }
        let mut tooltip = node.label.clone();
        if let Some(sub) = &node.sublabel {
            tooltip = format!("{tooltip} ({sub})");
        }
        let _ = write!(s, "<title>{}</title>", escape(&tooltip));
        let stroke_width = if node.emphasis { "3" } else { "1.5" };
        let _ = write!(
            s,
            r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{fill}" stroke="{outline}" stroke-width="{stroke_width}"/>"#,
            num(corner.x),
            num(corner.y),
            num(BOX_WIDTH),
            num(BOX_HEIGHT),
            num(radius)
        );
        let room = BOX_WIDTH - 2.0 * PADDING;
        let text_x = num(corner.x + PADDING);
        let weight = if node.emphasis { r#" font-weight="bold""# } else { "" };
        let label = fit(&node.label, room, LABEL_FONT, node.emphasis);
        match &node.sublabel {
            Some(sub) => {
                let _ = write!(
                    s,
                    r#"<text class="label" x="{text_x}" y="{}"{weight}>{}</text>"#,
                    num(corner.y + 19.0),
                    escape(&label)
                );
                let _ = write!(
                    s,
                    r#"<text class="sublabel" x="{text_x}" y="{}" font-size="{}">{}</text>"#,
                    num(corner.y + 35.0),
                    num(SMALL_FONT),
                    escape(&fit(sub, room, SMALL_FONT, false))
                );
            }
            None => {
                let _ = write!(
                    s,
                    r#"<text class="label" x="{text_x}" y="{}"{weight}>{}</text>"#,
                    num(corner.y + BOX_HEIGHT / 2.0 + LABEL_FONT * 0.35),
                    escape(&label)
                );
            }
        }
        s.push_str(if href.is_some() { "</a>" } else { "</g>" });
    }
    s.push_str("</g>");
}
