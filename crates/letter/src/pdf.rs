//! The letter's blocks laid out on A4 pages and written as PDF with the embedded CJK font.
//!
//! Layout is integer arithmetic in milli-points (1/1000 pt), as are the glyph advances read from
//! the font; the page is drawn under a 1/1000 scale, so no coordinate is computed in floating
//! point. Lines break between any two CJK characters and at spaces between Latin words, never
//! before a closing mark (，。、）…) or after an opening one (（《“…). Tables wrap their cells, keep
//! a row on one page and repeat their header row on the next; every page carries its number.

use crate::markup::{Align, Block, Cell, Run, Style};
use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

/// Kejing CJK Sans: a subset of Noto Sans CJK SC (SIL OFL 1.1), see `fonts/OFL.txt`.
pub static REGULAR: &[u8] = include_bytes!("../fonts/KejingCJKSans-Regular.otf");
pub static BOLD: &[u8] = include_bytes!("../fonts/KejingCJKSans-Bold.otf");

const PAGE_W: i64 = 595_276;
const PAGE_H: i64 = 841_890;
const MARGIN_X: i64 = 62_362; // 22 mm
const MARGIN_TOP: i64 = 56_693; // 20 mm
const MARGIN_BOTTOM: i64 = 62_362;
const BODY: i64 = 10_500;
const SMALL: i64 = 8_800;
const CELL_PAD: i64 = 4_000;
/// At most this many pages: a letter is a few pages; a runaway template stops here.
const MAX_PAGES: usize = 60;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Color(u8, u8, u8);

const INK: Color = Color(0x22, 0x22, 0x22);
const MUTED: Color = Color(0x66, 0x66, 0x66);
const NOTICE: Color = Color(0xb0, 0x12, 0x2b);
const HEADING: Color = Color(0x1f, 0x3a, 0x68);
const RULE: Color = Color(0xc8, 0xce, 0xd6);
const HEAD_FILL: Color = Color(0xee, 0xf2, 0xf7);
const BAR: Color = Color(0xf3, 0xc1, 0xc6);

#[derive(Debug, Clone)]
enum Op {
    Text {
        x: i64,
        baseline: i64,
        size: i64,
        bold: bool,
        color: Color,
        text: String,
    },
    Fill {
        x: i64,
        y: i64,
        w: i64,
        h: i64,
        color: Color,
    },
    Line {
        x1: i64,
        y1: i64,
        x2: i64,
        y2: i64,
        color: Color,
    },
}

/// Glyph metrics of the two faces.
struct Metrics<'a> {
    regular: ttf_parser::Face<'a>,
    bold: ttf_parser::Face<'a>,
}

impl Metrics<'_> {
    fn face(&self, bold: bool) -> &ttf_parser::Face<'_> {
        if bold { &self.bold } else { &self.regular }
    }
    fn width(&self, text: &str, bold: bool, size: i64) -> i64 {
        let f = self.face(bold);
        let upem = i64::from(f.units_per_em()).max(1);
        let units: i64 = text
            .chars()
            .map(|c| {
                f.glyph_index(c)
                    .and_then(|g| f.glyph_hor_advance(g))
                    .map_or(upem / 2, i64::from)
            })
            .sum();
        units * size / upem
    }
    fn ascent(&self, size: i64) -> i64 {
        let f = &self.regular;
        i64::from(f.ascender()) * size / i64::from(f.units_per_em()).max(1)
    }
}

fn line_height(size: i64) -> i64 {
    size * 16 / 10
}

fn is_cjk(c: char) -> bool {
    matches!(c as u32, 0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFF00..=0xFFEF | 0x2460..=0x24FF | 0x2000..=0x206F)
}

fn no_break_before(c: char) -> bool {
    "，。、；：！？）》」』”’%．,.;:!?)]}…·".contains(c)
}

fn no_break_after(c: char) -> bool {
    "（《「『“‘([{¥$".contains(c)
}

/// A piece of a line: text of one weight that is not broken inside.
#[derive(Debug, Clone)]
struct Token {
    text: String,
    bold: bool,
    space: bool,
    hard_break: bool,
}

fn tokens(runs: &[Run]) -> Vec<Token> {
    let mut out: Vec<Token> = Vec::new();
    for r in runs {
        let mut word = String::new();
        let flush = |word: &mut String, out: &mut Vec<Token>| {
            if !word.is_empty() {
                out.push(Token {
                    text: std::mem::take(word),
                    bold: r.bold,
                    space: false,
                    hard_break: false,
                });
            }
        };
        for c in r.text.chars() {
            if c == '\n' {
                flush(&mut word, &mut out);
                out.push(Token {
                    text: String::new(),
                    bold: r.bold,
                    space: false,
                    hard_break: true,
                });
            } else if c == ' ' {
                flush(&mut word, &mut out);
                out.push(Token {
                    text: " ".into(),
                    bold: r.bold,
                    space: true,
                    hard_break: false,
                });
            } else if is_cjk(c) {
                flush(&mut word, &mut out);
                out.push(Token {
                    text: c.to_string(),
                    bold: r.bold,
                    space: false,
                    hard_break: false,
                });
            } else {
                word.push(c);
            }
        }
        flush(&mut word, &mut out);
    }
    // Glue a closing mark to what precedes it and an opening mark to what follows.
    let mut glued: Vec<Token> = Vec::new();
    let mut carry: Option<Token> = None;
    for mut t in out {
        if let Some(open) = carry.take() {
            if t.bold == open.bold && !t.space && !t.hard_break {
                t.text = format!("{}{}", open.text, t.text);
            } else {
                glued.push(open);
            }
        }
        let first = t.text.chars().next();
        let last = t.text.chars().last();
        if let (Some(prev), Some(f)) = (glued.last_mut(), first)
            && no_break_before(f)
            && !prev.space
            && !prev.hard_break
            && prev.bold == t.bold
        {
            prev.text.push_str(&t.text);
            continue;
        }
        if last.is_some_and(no_break_after) && !t.space {
            carry = Some(t);
            continue;
        }
        glued.push(t);
    }
    glued.extend(carry);
    glued
}

/// One laid-out line: pieces with their x offset from the line's start.
struct Line {
    pieces: Vec<(i64, String, bool)>,
    width: i64,
}

fn break_lines(m: &Metrics<'_>, runs: &[Run], size: i64, max: i64) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut cur = Line {
        pieces: Vec::new(),
        width: 0,
    };
    let push = |cur: &mut Line, text: &str, bold: bool, w: i64| {
        match cur.pieces.last_mut() {
            Some((_, t, b)) if *b == bold => t.push_str(text),
            _ => cur.pieces.push((cur.width, text.to_owned(), bold)),
        }
        cur.width += w;
    };
    for t in tokens(runs) {
        if t.hard_break {
            lines.push(std::mem::replace(
                &mut cur,
                Line {
                    pieces: Vec::new(),
                    width: 0,
                },
            ));
            continue;
        }
        if t.space && cur.pieces.is_empty() {
            continue;
        }
        let w = m.width(&t.text, t.bold, size);
        if cur.width + w > max && !cur.pieces.is_empty() && !t.space {
            lines.push(std::mem::replace(
                &mut cur,
                Line {
                    pieces: Vec::new(),
                    width: 0,
                },
            ));
        }
        if w > max {
            // A word longer than the line: break it by character.
            for c in t.text.chars() {
                let cw = m.width(c.encode_utf8(&mut [0; 4]), t.bold, size);
                if cur.width + cw > max && !cur.pieces.is_empty() {
                    lines.push(std::mem::replace(
                        &mut cur,
                        Line {
                            pieces: Vec::new(),
                            width: 0,
                        },
                    ));
                }
                push(&mut cur, c.encode_utf8(&mut [0; 4]), t.bold, cw);
            }
            continue;
        }
        push(&mut cur, &t.text, t.bold, w);
    }
    if !cur.pieces.is_empty() || lines.is_empty() {
        lines.push(cur);
    }
    // Trailing spaces do not count for alignment.
    for l in &mut lines {
        if let Some((_, t, b)) = l.pieces.last_mut()
            && t.ends_with(' ')
        {
            let trimmed = t.trim_end().to_owned();
            l.width -= m.width(&t[trimmed.len()..], *b, size);
            *t = trimmed;
        }
    }
    lines
}

struct Layout<'a> {
    m: Metrics<'a>,
    pages: Vec<Vec<Op>>,
    y: i64,
}

impl Layout<'_> {
    fn bottom() -> i64 {
        PAGE_H - MARGIN_BOTTOM
    }
    fn new_page(&mut self) {
        if self.pages.len() < MAX_PAGES {
            self.pages.push(Vec::new());
        }
        self.y = MARGIN_TOP;
    }
    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }
    fn ensure(&mut self, h: i64) {
        if self.y + h > Self::bottom() && self.y > MARGIN_TOP {
            self.new_page();
        }
    }

    fn text_block(&mut self, runs: &[Run], size: i64, style: &Style, color: Color, indent: i64) {
        let width = PAGE_W - 2 * MARGIN_X - indent;
        let lh = line_height(size);
        let asc = self.m.ascent(size);
        for line in break_lines(&self.m, runs, size, width) {
            self.ensure(lh);
            let x0 = MARGIN_X
                + indent
                + match style.align {
                    Align::Left => 0,
                    Align::Center => (width - line.width) / 2,
                    Align::Right => width - line.width,
                };
            let baseline = self.y + (lh - size) / 2 + asc;
            for (dx, text, bold) in line.pieces {
                self.ops().push(Op::Text {
                    x: x0 + dx,
                    baseline,
                    size,
                    bold: bold || style.bold,
                    color,
                    text,
                });
            }
            self.y += lh;
        }
    }

    fn block(&mut self, b: &Block) {
        match b {
            Block::Heading { level, runs, style } => {
                let size = match level {
                    1 => 18_000,
                    2 => 13_000,
                    _ => 11_500,
                };
                self.y += if *level == 1 { 6_000 } else { 9_000 };
                self.ensure(line_height(size) + line_height(BODY) * 2);
                let mut s = style.clone();
                s.bold = true;
                if *level == 1 && s.align == Align::Left {
                    s.align = Align::Center;
                }
                self.text_block(runs, size, &s, HEADING, 0);
                if *level == 2 {
                    let y = self.y;
                    self.ops().push(Op::Line {
                        x1: MARGIN_X,
                        y1: y,
                        x2: PAGE_W - MARGIN_X,
                        y2: y,
                        color: RULE,
                    });
                }
                self.y += 4_000;
            }
            Block::Paragraph {
                runs,
                style,
                bullet,
            } => {
                let size = if style.small { SMALL } else { BODY };
                let color = if style.notice {
                    NOTICE
                } else if style.muted {
                    MUTED
                } else {
                    INK
                };
                let mut s = style.clone();
                s.bold |= style.notice;
                if *bullet {
                    let mut r = vec![Run {
                        text: "• ".into(),
                        bold: false,
                    }];
                    r.extend(runs.iter().cloned());
                    self.text_block(&r, size, &s, color, 8_000);
                } else {
                    self.text_block(runs, size, &s, color, 0);
                }
                self.y += size / 3;
            }
            Block::Rule => {
                self.y += 4_000;
                let y = self.y;
                self.ops().push(Op::Line {
                    x1: MARGIN_X,
                    y1: y,
                    x2: PAGE_W - MARGIN_X,
                    y2: y,
                    color: RULE,
                });
                self.y += 6_000;
            }
            Block::Table { rows } => self.table(rows),
        }
    }

    fn table(&mut self, rows: &[crate::markup::Row]) {
        let cols = rows
            .iter()
            .map(|r| r.cells.iter().map(|c| c.colspan).sum::<usize>())
            .max()
            .unwrap_or(0)
            .clamp(0, 32);
        if cols == 0 {
            return;
        }
        let size = BODY * 9 / 10;
        let avail = PAGE_W - 2 * MARGIN_X;
        // Natural widths (a cell's text on one line), shared out in proportion, each at least
        // a sixth of an even share.
        let mut natural = vec![size * 2; cols];
        for r in rows {
            let mut i = 0;
            for c in &r.cells {
                if c.colspan == 1 && i < cols {
                    let w: i64 = c
                        .runs
                        .iter()
                        .map(|run| self.m.width(&run.text, run.bold || c.header, size))
                        .sum::<i64>()
                        + 2 * CELL_PAD;
                    natural[i] = natural[i].max(w.min(avail));
                }
                i += c.colspan;
            }
        }
        let total: i64 = natural.iter().sum();
        let widths: Vec<i64> = if total <= avail {
            let extra = (avail - total) / i64::try_from(cols).unwrap_or(1);
            natural.iter().map(|w| w + extra).collect()
        } else {
            let floor = avail / i64::try_from(cols * 6).unwrap_or(1);
            let w: Vec<i64> = natural
                .iter()
                .map(|n| (n * avail / total).max(floor))
                .collect();
            let s: i64 = w.iter().sum();
            w.iter().map(|x| x * avail / s.max(1)).collect()
        };
        let header = rows
            .first()
            .filter(|r| !r.cells.is_empty() && r.cells.iter().all(|c| c.header));
        self.y += 3_000;
        for (i, r) in rows.iter().enumerate() {
            let h = self.row_height(&r.cells, &widths, size);
            if self.y + h > Self::bottom() && self.y > MARGIN_TOP {
                self.new_page();
                if let Some(hr) = header
                    && i > 0
                {
                    let hh = self.row_height(&hr.cells, &widths, size);
                    self.row(&hr.cells, &widths, size, hh);
                }
            }
            self.row(&r.cells, &widths, size, h);
        }
        self.y += 6_000;
    }

    fn cell_width(widths: &[i64], at: usize, span: usize) -> i64 {
        widths.iter().skip(at).take(span).sum()
    }

    fn row_height(&self, cells: &[Cell], widths: &[i64], size: i64) -> i64 {
        let mut at = 0;
        let mut lines = 1;
        for c in cells {
            let w = Self::cell_width(widths, at, c.colspan) - 2 * CELL_PAD;
            let runs: Vec<Run> = c
                .runs
                .iter()
                .map(|r| Run {
                    text: r.text.clone(),
                    bold: r.bold || c.header,
                })
                .collect();
            lines = lines.max(break_lines(&self.m, &runs, size, w.max(size)).len());
            at += c.colspan;
        }
        i64::try_from(lines).unwrap_or(1) * line_height(size) + 2 * CELL_PAD
    }

    fn row(&mut self, cells: &[Cell], widths: &[i64], size: i64, h: i64) {
        let top = self.y;
        let mut x = MARGIN_X;
        let mut at = 0;
        let lh = line_height(size);
        let asc = self.m.ascent(size);
        for c in cells {
            let w = Self::cell_width(widths, at, c.colspan);
            if c.header {
                self.ops().push(Op::Fill {
                    x,
                    y: top,
                    w,
                    h,
                    color: HEAD_FILL,
                });
            }
            if let Some(p) = c.bar {
                let bw = (w - 2 * CELL_PAD) * i64::from(p) / 100;
                self.ops().push(Op::Fill {
                    x: x + CELL_PAD,
                    y: top + CELL_PAD / 2,
                    w: bw,
                    h: h - CELL_PAD,
                    color: BAR,
                });
            }
            let inner = w - 2 * CELL_PAD;
            let runs: Vec<Run> = c
                .runs
                .iter()
                .map(|r| Run {
                    text: r.text.clone(),
                    bold: r.bold || c.header,
                })
                .collect();
            let mut y = top + CELL_PAD;
            for line in break_lines(&self.m, &runs, size, inner.max(size)) {
                let x0 = x
                    + CELL_PAD
                    + match c.align {
                        Align::Left => 0,
                        Align::Center => (inner - line.width) / 2,
                        Align::Right => inner - line.width,
                    };
                let baseline = y + (lh - size) / 2 + asc;
                for (dx, text, bold) in line.pieces {
                    self.ops().push(Op::Text {
                        x: x0 + dx,
                        baseline,
                        size,
                        bold,
                        color: INK,
                        text,
                    });
                }
                y += lh;
            }
            x += w;
            at += c.colspan;
        }
        let right = MARGIN_X + widths.iter().sum::<i64>();
        for (y1, y2) in [(top, top), (top + h, top + h)] {
            self.ops().push(Op::Line {
                x1: MARGIN_X,
                y1,
                x2: right,
                y2,
                color: RULE,
            });
        }
        let mut x = MARGIN_X;
        self.ops().push(Op::Line {
            x1: x,
            y1: top,
            x2: x,
            y2: top + h,
            color: RULE,
        });
        for w in widths {
            x += w;
            self.ops().push(Op::Line {
                x1: x,
                y1: top,
                x2: x,
                y2: top + h,
                color: RULE,
            });
        }
        self.y = top + h;
    }
}

/// Why a PDF could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PdfError {
    #[error("the embedded font cannot be read")]
    Font,
    #[error("the PDF could not be written: {0}")]
    Write(String),
}

fn paint(c: Color) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

/// Lays the blocks out on A4 pages and writes the PDF, with `title` in its metadata and
/// `footer` (e.g. the privacy notice) beside the page number on every page.
pub fn write_pdf(blocks: &[Block], title: &str, footer: &str) -> Result<Vec<u8>, PdfError> {
    write_pdf_paged(blocks, title, footer, &|i, n| {
        format!("第 {i} 页 / 共 {n} 页")
    })
}

/// [`write_pdf`] with the page number in the reader's words: `page_label(i, n)` for page `i`
/// of `n`.
pub fn write_pdf_paged(
    blocks: &[Block],
    title: &str,
    footer: &str,
    page_label: &dyn Fn(usize, usize) -> String,
) -> Result<Vec<u8>, PdfError> {
    let m = Metrics {
        regular: ttf_parser::Face::parse(REGULAR, 0).map_err(|_| PdfError::Font)?,
        bold: ttf_parser::Face::parse(BOLD, 0).map_err(|_| PdfError::Font)?,
    };
    let mut l = Layout {
        m,
        pages: vec![Vec::new()],
        y: MARGIN_TOP,
    };
    for b in blocks {
        if l.pages.len() >= MAX_PAGES && l.y > Layout::bottom() - line_height(BODY) * 2 {
            break;
        }
        l.block(b);
    }
    let regular = Font::new(REGULAR.into(), 0).ok_or(PdfError::Font)?;
    let bold = Font::new(BOLD.into(), 0).ok_or(PdfError::Font)?;
    let mut doc = Document::new();
    doc.set_metadata(
        krilla::metadata::Metadata::new()
            .title(title.to_owned())
            .creator("kejing".to_owned()),
    );
    let n = l.pages.len();
    let size = PageSettings::from_wh(595.276, 841.89).ok_or(PdfError::Write("page size".into()))?;
    for (i, ops) in l.pages.iter().enumerate() {
        let mut page = doc.start_page_with(size.clone());
        let mut s = page.surface();
        s.push_transform(&Transform::from_scale(0.001, 0.001));
        let foot = format!("{footer}    {}", page_label(i + 1, n));
        let fw = l.m.width(&foot, false, SMALL);
        let footer_op = Op::Text {
            x: PAGE_W - MARGIN_X - fw,
            baseline: PAGE_H - MARGIN_BOTTOM / 2,
            size: SMALL,
            bold: false,
            color: MUTED,
            text: foot,
        };
        for op in ops.iter().chain(std::iter::once(&footer_op)) {
            match op {
                Op::Text {
                    x,
                    baseline,
                    size,
                    bold: b,
                    color,
                    text,
                } => {
                    s.set_fill(Some(Fill {
                        paint: paint(*color),
                        opacity: NormalizedF32::ONE,
                        rule: Default::default(),
                    }));
                    let font = if *b { bold.clone() } else { regular.clone() };
                    s.draw_text(
                        Point::from_xy(*x as f32, *baseline as f32),
                        font,
                        *size as f32,
                        text,
                        false,
                        TextDirection::Auto,
                    );
                }
                Op::Fill { x, y, w, h, color } => {
                    let mut pb = PathBuilder::new();
                    if let Some(r) = Rect::from_xywh(*x as f32, *y as f32, *w as f32, *h as f32) {
                        pb.push_rect(r);
                    }
                    if let Some(path) = pb.finish() {
                        s.set_fill(Some(Fill {
                            paint: paint(*color),
                            opacity: NormalizedF32::ONE,
                            rule: Default::default(),
                        }));
                        s.set_stroke(None);
                        s.draw_path(&path);
                    }
                }
                Op::Line {
                    x1,
                    y1,
                    x2,
                    y2,
                    color,
                } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1 as f32, *y1 as f32);
                    pb.line_to(*x2 as f32, *y2 as f32);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke {
                            paint: paint(*color),
                            width: 600.0,
                            ..Default::default()
                        }));
                        s.draw_path(&path);
                        s.set_stroke(None);
                    }
                }
            }
        }
        s.pop();
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| PdfError::Write(format!("{e:?}")))
}
