//! The letter's HTML, read back as blocks for the PDF: the small part of HTML a letter template
//! uses (headings, paragraphs, lists, tables, a rule, bold), with the classes the layout knows
//! (`notice`, `right`, `center`, `small`, `muted`, `title`) and `data-bar` on a table cell for
//! the allocation chart. Anything else is read as a plain container; `<style>`, `<script>` and
//! `<head>` are skipped. Depth and size are bounded: a template cannot exhaust the process.

use std::collections::BTreeMap;

/// The deepest nesting read; deeper elements are flattened into their parent.
const MAX_DEPTH: usize = 64;
/// The longest letter HTML read (bytes).
pub const MAX_HTML: usize = 4 << 20;

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Style {
    pub bold: bool,
    pub small: bool,
    pub muted: bool,
    pub notice: bool,
    pub align: Align,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Align {
    #[default]
    Left,
    Center,
    Right,
}

/// A run of text of one weight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub text: String,
    pub bold: bool,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Heading {
        level: u8,
        runs: Vec<Run>,
        style: Style,
    },
    Paragraph {
        runs: Vec<Run>,
        style: Style,
        bullet: bool,
    },
    Table {
        rows: Vec<Row>,
    },
    Rule,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Row {
    pub cells: Vec<Cell>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub runs: Vec<Run>,
    pub header: bool,
    pub align: Align,
    /// A bar of this percent of the cell's width (0–100), drawn behind the text.
    pub bar: Option<u32>,
    pub colspan: usize,
}

#[derive(Debug)]
struct Element {
    tag: String,
    attrs: BTreeMap<String, String>,
    children: Vec<Node>,
}

#[derive(Debug)]
enum Node {
    Text(String),
    Element(Element),
}

fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(i) = rest.find('&') {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        // The ';' within the first 12 bytes (an ASCII byte: slicing there is safe).
        let end = rest.bytes().take(12).position(|b| b == b';');
        let decoded = end.and_then(|e| {
            let name = &rest[1..e];
            let c = match name {
                "amp" => Some('&'),
                "lt" => Some('<'),
                "gt" => Some('>'),
                "quot" => Some('"'),
                "apos" | "#39" | "#x27" => Some('\''),
                "nbsp" => Some('\u{a0}'),
                n if n.starts_with("#x") || n.starts_with("#X") => u32::from_str_radix(&n[2..], 16)
                    .ok()
                    .and_then(char::from_u32),
                n if n.starts_with('#') => n[1..].parse().ok().and_then(char::from_u32),
                _ => None,
            };
            c.map(|c| (c, e))
        });
        match decoded {
            Some((c, e)) => {
                out.push(c);
                rest = &rest[e + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

fn parse_attrs(s: &str) -> BTreeMap<String, String> {
    let mut attrs = BTreeMap::new();
    let mut rest = s.trim();
    while !rest.is_empty() {
        let name_end = rest
            .find(|c: char| c == '=' || c.is_whitespace())
            .unwrap_or(rest.len());
        let name = rest[..name_end].to_ascii_lowercase();
        rest = rest[name_end..].trim_start();
        let mut value = String::new();
        if let Some(r) = rest.strip_prefix('=') {
            let r = r.trim_start();
            if let Some(q) = r.chars().next().filter(|c| *c == '"' || *c == '\'') {
                let body = &r[1..];
                let end = body.find(q).unwrap_or(body.len());
                value = decode_entities(&body[..end]);
                rest = body.get(end + 1..).unwrap_or("");
            } else {
                let end = r.find(char::is_whitespace).unwrap_or(r.len());
                value = decode_entities(&r[..end]);
                rest = &r[end..];
            }
        }
        if !name.is_empty() && name != "/" {
            attrs.insert(name, value);
        }
        rest = rest.trim_start();
    }
    attrs
}

/// What a `<br>` reads as until white space is collapsed.
const BREAK: char = '\u{2028}';

const VOID: &[&str] = &["br", "hr", "meta", "link", "img", "input", "col"];
const SKIPPED: &[&str] = &["style", "script", "head", "title"];

/// Reads HTML into a tree (lenient: unclosed elements close with their parent).
fn parse_tree(html: &str) -> Vec<Node> {
    let html = &html[..floor_boundary(html, MAX_HTML)];
    let mut stack: Vec<Element> = vec![Element {
        tag: String::new(),
        attrs: BTreeMap::new(),
        children: Vec::new(),
    }];
    let mut rest = html;
    while !rest.is_empty() {
        let Some(lt) = rest.find('<') else {
            push_text(&mut stack, rest);
            break;
        };
        if lt > 0 {
            push_text(&mut stack, &rest[..lt]);
        }
        rest = &rest[lt..];
        if let Some(r) = rest.strip_prefix("<!--") {
            rest = r.find("-->").map_or("", |e| &r[e + 3..]);
            continue;
        }
        let Some(gt) = rest.find('>') else {
            push_text(&mut stack, rest);
            break;
        };
        let inner = &rest[1..gt];
        rest = &rest[gt + 1..];
        if inner.starts_with('!') || inner.starts_with('?') {
            continue;
        }
        if let Some(name) = inner.strip_prefix('/') {
            let name = name.trim().to_ascii_lowercase();
            if let Some(pos) = stack.iter().rposition(|e| e.tag == name)
                && pos > 0
            {
                while stack.len() > pos {
                    close(&mut stack);
                }
            }
            continue;
        }
        let self_closing = inner.ends_with('/');
        let inner = inner.trim_end_matches('/');
        let name_end = inner.find(char::is_whitespace).unwrap_or(inner.len());
        let tag = inner[..name_end].to_ascii_lowercase();
        if tag.is_empty() {
            continue;
        }
        if SKIPPED.contains(&tag.as_str()) && !self_closing {
            let close_tag = format!("</{tag}");
            rest = find_ci(rest, &close_tag).map_or("", |e| {
                let after = &rest[e..];
                after.find('>').map_or("", |g| &after[g + 1..])
            });
            continue;
        }
        // A new row, cell or list item closes an open one (as HTML does).
        let closes: &[&str] = match tag.as_str() {
            "tr" => &["tr", "td", "th"],
            "td" | "th" => &["td", "th"],
            "li" => &["li"],
            "p" => &["p"],
            _ => &[],
        };
        if !closes.is_empty()
            && let Some(pos) = stack.iter().rposition(|e| closes.contains(&e.tag.as_str()))
            && pos > 0
            && !stack[pos..]
                .iter()
                .any(|e| e.tag == "table" || e.tag == "ul" || e.tag == "ol")
        {
            while stack.len() > pos {
                close(&mut stack);
            }
        }
        let el = Element {
            tag: tag.clone(),
            attrs: parse_attrs(&inner[name_end..]),
            children: Vec::new(),
        };
        if self_closing || VOID.contains(&tag.as_str()) || stack.len() > MAX_DEPTH {
            if let Some(top) = stack.last_mut() {
                top.children.push(Node::Element(el));
            }
        } else {
            stack.push(el);
        }
    }
    while stack.len() > 1 {
        close(&mut stack);
    }
    stack.pop().map(|e| e.children).unwrap_or_default()
}

fn floor_boundary(s: &str, max: usize) -> usize {
    let mut i = s.len().min(max);
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

fn find_ci(hay: &str, needle: &str) -> Option<usize> {
    let h = hay.to_ascii_lowercase();
    h.find(&needle.to_ascii_lowercase())
}

fn push_text(stack: &mut [Element], t: &str) {
    if let Some(top) = stack.last_mut() {
        top.children.push(Node::Text(decode_entities(t)));
    }
}

fn close(stack: &mut Vec<Element>) {
    if let Some(el) = stack.pop()
        && let Some(parent) = stack.last_mut()
    {
        parent.children.push(Node::Element(el));
    }
}

fn classes(el: &Element) -> Vec<&str> {
    el.attrs
        .get("class")
        .map(|c| c.split_whitespace().collect())
        .unwrap_or_default()
}

fn style_of(el: &Element, parent: &Style) -> Style {
    let mut s = parent.clone();
    for c in classes(el) {
        match c {
            "notice" => s.notice = true,
            "right" => s.align = Align::Right,
            "center" => s.align = Align::Center,
            "small" => s.small = true,
            "muted" => s.muted = true,
            "title" | "bold" => s.bold = true,
            _ => {}
        }
    }
    s
}

/// Collapses white space as HTML does.
fn collapse(runs: Vec<Run>) -> Vec<Run> {
    let mut out: Vec<Run> = Vec::new();
    let mut last_space = true;
    for r in runs {
        let mut t = String::with_capacity(r.text.len());
        for ch in r.text.chars() {
            if ch == BREAK {
                t.push('\n');
                last_space = true;
            } else if ch.is_whitespace() && ch != '\u{a0}' {
                if !last_space {
                    t.push(' ');
                    last_space = true;
                }
            } else {
                t.push(ch);
                last_space = false;
            }
        }
        if t.is_empty() {
            continue;
        }
        match out.last_mut() {
            Some(l) if l.bold == r.bold => l.text.push_str(&t),
            _ => out.push(Run {
                text: t,
                bold: r.bold,
            }),
        }
    }
    if let Some(l) = out.last_mut() {
        let trimmed = l.text.trim_end_matches(' ').len();
        l.text.truncate(trimmed);
    }
    out.retain(|r| !r.text.is_empty());
    out
}

fn inline(nodes: &[Node], bold: bool, out: &mut Vec<Run>) {
    for n in nodes {
        match n {
            Node::Text(t) => out.push(Run {
                text: t.clone(),
                bold,
            }),
            Node::Element(e) => match e.tag.as_str() {
                "br" => out.push(Run {
                    text: BREAK.to_string(),
                    bold,
                }),
                "strong" | "b" | "th" => inline(&e.children, true, out),
                _ => inline(&e.children, bold || classes(e).contains(&"title"), out),
            },
        }
    }
}

fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "h1" | "h2"
            | "h3"
            | "h4"
            | "p"
            | "div"
            | "section"
            | "header"
            | "footer"
            | "article"
            | "main"
            | "body"
            | "html"
            | "ul"
            | "ol"
            | "li"
            | "table"
            | "hr"
            | "figure"
            | "blockquote"
            | "address"
    )
}

fn blocks_of(nodes: &[Node], style: &Style, bullet: bool, out: &mut Vec<Block>) {
    let mut pending: Vec<Run> = Vec::new();
    let flush = |pending: &mut Vec<Run>, out: &mut Vec<Block>| {
        let runs = collapse(std::mem::take(pending));
        if !runs.is_empty() {
            out.push(Block::Paragraph {
                runs,
                style: style.clone(),
                bullet,
            });
        }
    };
    for n in nodes {
        match n {
            Node::Element(e) if is_block(&e.tag) => {
                flush(&mut pending, out);
                let s = style_of(e, style);
                match e.tag.as_str() {
                    "h1" | "h2" | "h3" | "h4" => {
                        let mut runs = Vec::new();
                        inline(&e.children, true, &mut runs);
                        let runs = collapse(runs);
                        if !runs.is_empty() {
                            let level = e.tag.as_bytes()[1] - b'0';
                            out.push(Block::Heading {
                                level,
                                runs,
                                style: s,
                            });
                        }
                    }
                    "hr" => out.push(Block::Rule),
                    "table" => out.push(Block::Table {
                        rows: table_rows(&e.children),
                    }),
                    "li" => blocks_of(&e.children, &s, true, out),
                    _ => blocks_of(&e.children, &s, false, out),
                }
            }
            Node::Element(e) => {
                let s = style_of(e, style);
                inline(std::slice::from_ref(n), s.bold, &mut pending);
            }
            Node::Text(_) => inline(std::slice::from_ref(n), style.bold, &mut pending),
        }
    }
    flush(&mut pending, out);
}

fn table_rows(nodes: &[Node]) -> Vec<Row> {
    let mut rows = Vec::new();
    for n in nodes {
        let Node::Element(e) = n else { continue };
        match e.tag.as_str() {
            "tr" => {
                let cells = e
                    .children
                    .iter()
                    .filter_map(|c| match c {
                        Node::Element(c) if c.tag == "td" || c.tag == "th" => Some(c),
                        _ => None,
                    })
                    .map(|c| {
                        let mut runs = Vec::new();
                        inline(&c.children, c.tag == "th", &mut runs);
                        let cls = classes(c);
                        Cell {
                            runs: collapse(runs),
                            header: c.tag == "th",
                            align: if cls.contains(&"right") || cls.contains(&"num") {
                                Align::Right
                            } else if cls.contains(&"center") {
                                Align::Center
                            } else {
                                Align::Left
                            },
                            bar: c.attrs.get("data-bar").and_then(|b| bar_percent(b)),
                            colspan: c
                                .attrs
                                .get("colspan")
                                .and_then(|s| s.parse().ok())
                                .unwrap_or(1usize)
                                .clamp(1, 32),
                        }
                    })
                    .collect();
                rows.push(Row { cells });
            }
            "thead" | "tbody" | "tfoot" => rows.extend(table_rows(&e.children)),
            _ => {}
        }
    }
    rows
}

/// `"37.5"` → 38 (whole percent, 0–100).
fn bar_percent(s: &str) -> Option<u32> {
    let d: rust_decimal::Decimal = s.trim().trim_end_matches('%').parse().ok()?;
    let d = d.round();
    let v = u32::try_from(d.mantissa()).ok()?;
    Some(v.min(100))
}

/// The blocks of a letter's HTML.
pub fn blocks(html: &str) -> Vec<Block> {
    let tree = parse_tree(html);
    let mut out = Vec::new();
    blocks_of(&tree, &Style::default(), false, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_letter() {
        let b = blocks(
            "<html><head><style>p{color:red}</style></head><body>\
             <p class=\"notice right\">⊙涉及个人隐私，请妥善保管</p>\
             <h1>投资理财建议书</h1><p>致尊敬的 <strong>张三</strong> 先生：<br>您好！</p>\
             <table><tr><th>类别<th>现在</tr><tr><td>现金类<td data-bar=\"37.5\" class=num>37.50%</table>\
             <ul><li>一<li>二</ul><hr></body></html>",
        );
        assert!(
            matches!(&b[0], Block::Paragraph { style, .. } if style.notice && style.align == Align::Right)
        );
        assert!(matches!(&b[1], Block::Heading { level: 1, .. }));
        let Block::Paragraph { runs, .. } = &b[2] else {
            panic!("{b:?}")
        };
        assert_eq!(
            runs[1],
            Run {
                text: "张三".into(),
                bold: true
            }
        );
        assert!(runs[2].text.contains("先生：\n您好！"), "{runs:?}");
        let Block::Table { rows } = &b[3] else {
            panic!("{b:?}")
        };
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[1].cells[1].bar, Some(38));
        assert_eq!(rows[1].cells[1].align, Align::Right);
        assert!(matches!(&b[4], Block::Paragraph { bullet: true, .. }));
        assert!(matches!(b.last(), Some(Block::Rule)));
    }

    #[test]
    fn survives_hostile_markup() {
        let deep = "<div>".repeat(10_000) + "x";
        assert!(!blocks(&deep).is_empty());
        for s in [
            "<",
            "<<>>",
            "</p></p>",
            "&#xFFFFFFFF;&",
            "<table><td>",
            "<style>",
            "<p a='",
            "<br/ >",
        ] {
            let _ = blocks(s);
        }
    }
}
