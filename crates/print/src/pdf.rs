//! A [`Document`] typeset as an A4 PDF with krilla: a cover, a table of
//! contents with page numbers, one section per page start, paragraphs with a
//! two-character first-line indent, 三线表 tables whose heading repeats on
//! every page they run onto, bar charts with their target, a running head, page
//! numbers and a PDF outline. Layout runs first into positioned drawing
//! operations (so the contents know every section's page), then krilla writes
//! them with the shipped font, embedding only the glyphs used.

use crate::font;
use crate::layout::{break_lines, column_widths, widest_token};
use krilla::color::rgb;
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke, StrokeDash};
use krilla::text::{Font, TextDirection};
use pocnet_domain::document::{section_number, BarChart, Block, Document, Table};
use std::collections::BTreeSet;

/// A4 in points.
pub(crate) const PAGE_W: f32 = 595.28;
pub(crate) const PAGE_H: f32 = 841.89;
const LEFT: f32 = 64.0;
const TOP: f32 = 78.0;
const BOTTOM: f32 = 72.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * LEFT;
/// Body text: 五号 (10.5 pt) on 1.75 lines.
const BODY: f32 = 10.5;
const LEADING: f32 = 1.75;
const TABLE: f32 = 9.0;
const INK: Rgb = (0x1f, 0x29, 0x37);
const MUTED: Rgb = (0x6b, 0x72, 0x80);
const RULE: Rgb = (0x37, 0x41, 0x51);
const BAR: Rgb = (0x2f, 0x6f, 0xb3);
const TARGET: Rgb = (0xc0, 0x39, 0x2b);
const HEAD_FILL: Rgb = (0xee, 0xf2, 0xf7);

pub(crate) type Rgb = (u8, u8, u8);

/// A printed document.
#[derive(Debug)]
pub struct Printed {
    /// The PDF file.
    pub bytes: Vec<u8>,
    /// Its pages.
    pub pages: usize,
    /// Characters the shipped font lacks (printed as empty boxes).
    pub missing: BTreeSet<char>,
}

/// Why a document could not be printed.
#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    /// The shipped font did not load.
    #[error("the shipped font could not be read")]
    Font,
    /// krilla refused the document.
    #[error("PDF: {0}")]
    Pdf(String),
    /// The QR code's text does not fit in a QR code.
    #[error("QR: {0}")]
    Qr(String),
}

/// One positioned drawing operation (y grows downwards, as krilla's).
#[derive(Debug, Clone)]
pub(crate) enum Op {
    Text { x: f32, baseline: f32, size: f32, text: String, color: Rgb },
    Fill { x: f32, y: f32, w: f32, h: f32, color: Rgb },
    Line { from: (f32, f32), to: (f32, f32), width: f32, color: Rgb, dashed: bool },
    /// Squares of side `side` at their top-left corners, filled as one path (a QR code's modules:
    /// adjacent squares merge, with no hairline seams between them).
    Squares { corners: Vec<(f32, f32)>, side: f32, color: Rgb },
}

/// Where a section starts, for the contents and the outline.
struct Mark {
    title: String,
    page: usize,
    y: f32,
}

struct Pager {
    pages: Vec<Vec<Op>>,
    y: f32,
    marks: Vec<Mark>,
    tables: usize,
    charts: usize,
}

fn measure(size: f32) -> impl Fn(&str) -> f32 {
    move |s: &str| font::width(s, size)
}

impl Pager {
    fn page(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.pages.push(Vec::new());
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last]
    }

    fn new_page(&mut self) {
        self.pages.push(Vec::new());
        self.y = TOP;
    }

    fn room(&self) -> f32 {
        PAGE_H - BOTTOM - self.y
    }

    /// Starts a new page unless `h` more points fit on this one.
    fn ensure(&mut self, h: f32) {
        if self.room() < h && self.y > TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, top: f32, size: f32, text: &str, color: Rgb) {
        if !text.is_empty() {
            let baseline = top + size * font::ASCENT;
            self.page().push(Op::Text { x, baseline, size, text: text.to_owned(), color });
        }
    }

    fn rule(&mut self, y: f32, x: f32, w: f32, width: f32) {
        self.page().push(Op::Line { from: (x, y), to: (x + w, y), width, color: RULE, dashed: false });
    }

    /// Lines of text at `size`, left-aligned (or centred), breaking across pages.
    fn lines(&mut self, text: &str, size: f32, indent: f32, color: Rgb, centred: bool) {
        let lh = size * LEADING;
        let lines = break_lines(text, CONTENT_W, indent, &measure(size));
        for (i, line) in lines.iter().enumerate() {
            self.ensure(lh);
            let x = if centred { LEFT + (CONTENT_W - font::width(line, size)) / 2.0 } else if i == 0 { LEFT + indent } else { LEFT };
            let top = self.y + (lh - size) / 2.0;
            self.text(x, top, size, line, color);
            self.y += lh;
        }
    }

    fn section(&mut self, n: usize, heading: &str) {
        self.new_page();
        let title = format!("{}、{heading}", section_number(n));
        self.marks.push(Mark { title: title.clone(), page: self.pages.len() - 1, y: self.y });
        let size = 16.0;
        self.text(LEFT, self.y, size, &title, INK);
        self.y += size * 2.2;
    }

    fn heading(&mut self, text: &str) {
        let size = 12.0;
        self.ensure(size * 1.8 + BODY * LEADING * 3.0);
        self.y += size * 0.4;
        self.text(LEFT, self.y, size, text, INK);
        self.y += size * 1.8;
    }

    fn table(&mut self, t: &Table) {
        self.tables += 1;
        let n = t.columns.len().max(1);
        let pad = 4.0;
        let lh = TABLE * 1.45;
        let m = measure(TABLE);
        let shown: Vec<Vec<String>> = t.rows.iter().map(|r| r.iter().map(|c| c.shown()).collect()).collect();
        let mut natural = vec![0.0f32; n];
        let mut least = vec![0.0f32; n];
        for (j, h) in t.columns.iter().enumerate() {
            natural[j] = m(h) + 2.0 * pad;
            least[j] = widest_token(h, &m) + 2.0 * pad;
        }
        for row in &shown {
            for (j, c) in row.iter().enumerate().take(n) {
                natural[j] = natural[j].max(m(c) + 2.0 * pad);
                least[j] = least[j].max(widest_token(c, &m) + 2.0 * pad);
            }
        }
        let widths = column_widths(&natural, &least, CONTENT_W);
        let cells = |texts: &[String]| -> Vec<Vec<String>> { texts.iter().enumerate().take(n).map(|(j, s)| break_lines(s, widths[j] - 2.0 * pad, 0.0, &m)).collect() };
        let header = cells(&t.columns);
        let header_h = header.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
        let numeric: Vec<bool> = (0..n).map(|j| !t.rows.is_empty() && t.rows.iter().all(|r| r.get(j).is_some_and(|c| c.is_number()))).collect();
        let caption = format!("表{} {}", self.tables, t.title);
        let caption_h = BODY * 1.9;
        let first_h = shown.first().map_or(0.0, |r| cells(r).iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad);
        self.y += BODY * 0.5;
        self.ensure(caption_h + header_h + first_h + 4.0);
        let draw_head = |p: &mut Pager, caption: &str| {
            p.lines(caption, BODY, 0.0, INK, true);
            p.y += 2.0;
            let y = p.y;
            p.page().push(Op::Fill { x: LEFT, y, w: CONTENT_W, h: header_h, color: HEAD_FILL });
            p.rule(p.y, LEFT, CONTENT_W, 1.0);
            p.cells(&header, &widths, &numeric, pad, lh);
            p.y += header_h;
            p.rule(p.y, LEFT, CONTENT_W, 0.5);
        };
        draw_head(self, &caption);
        for row in &shown {
            let lines = cells(row);
            let h = lines.iter().map(Vec::len).max().unwrap_or(1) as f32 * lh + 2.0 * pad;
            if self.room() < h {
                self.rule(self.y, LEFT, CONTENT_W, 1.0);
                self.new_page();
                draw_head(self, &format!("表{}（续）", self.tables));
            }
            self.cells(&lines, &widths, &numeric, pad, lh);
            self.y += h;
        }
        if shown.is_empty() {
            self.lines("（无）", TABLE, 0.0, MUTED, true);
        }
        self.rule(self.y, LEFT, CONTENT_W, 1.0);
        self.y += 4.0;
        if !t.note.is_empty() {
            self.lines(&format!("注：{}", t.note), 8.5, 0.0, MUTED, false);
        }
        self.y += BODY * 0.8;
    }

    /// One table row's cells from the cursor: each cell's lines, numbers right-aligned.
    fn cells(&mut self, cells: &[Vec<String>], widths: &[f32], numeric: &[bool], pad: f32, lh: f32) {
        let m = measure(TABLE);
        let mut x = LEFT;
        for (j, lines) in cells.iter().enumerate() {
            for (k, line) in lines.iter().enumerate() {
                let top = self.y + pad + k as f32 * lh + (lh - TABLE) / 2.0;
                let lx = if numeric[j] { x + widths[j] - pad - m(line) } else { x + pad };
                self.text(lx, top, TABLE, line, INK);
            }
            x += widths[j];
        }
    }

    fn chart(&mut self, c: &BarChart) {
        self.charts += 1;
        let size = 9.0;
        let row = 17.0;
        let bar_h = 10.0;
        let m = measure(size);
        let label_w = c.bars.iter().map(|(l, _)| m(l)).fold(0.0, f32::max).min(CONTENT_W * 0.32);
        let value_w = c.bars.iter().map(|(_, v)| m(&v.to_string())).fold(0.0, f32::max) + 8.0;
        let x0 = LEFT + label_w + 8.0;
        let area = (CONTENT_W - label_w - 8.0 - value_w).max(40.0);
        let scale = area / c.axis_max() as f32;
        let title_h = BODY * 1.9;
        self.y += BODY * 0.5;
        self.ensure(title_h + row * (c.bars.len().min(6) as f32) + 14.0);
        self.lines(&format!("图{} {}", self.charts, c.title), BODY, 0.0, INK, true);
        let top = self.y + 12.0;
        self.y = top;
        let mut segment_top = top;
        for (label, value) in &c.bars {
            if self.room() < row {
                self.chart_marks(c, x0, scale, segment_top);
                self.new_page();
                segment_top = self.y + 12.0;
                self.y = segment_top;
            }
            let label = fit(label, label_w, &m);
            self.text(LEFT + label_w - m(&label), self.y + (row - size) / 2.0, size, &label, INK);
            let w = (*value as f32 * scale).max(0.0);
            if w > 0.0 {
                let y = self.y + (row - bar_h) / 2.0;
                self.page().push(Op::Fill { x: x0, y, w, h: bar_h, color: BAR });
            }
            self.text(x0 + w + 4.0, self.y + (row - size) / 2.0, size, &value.to_string(), MUTED);
            self.y += row;
        }
        self.chart_marks(c, x0, scale, segment_top);
        self.y += BODY;
    }

    /// The axis and the target line of the chart's rows from `top` to the cursor.
    fn chart_marks(&mut self, c: &BarChart, x0: f32, scale: f32, top: f32) {
        let bottom = self.y.max(top);
        self.page().push(Op::Line { from: (x0, top - 2.0), to: (x0, bottom + 2.0), width: 0.6, color: MUTED, dashed: false });
        if let Some(t) = c.target {
            let x = x0 + t as f32 * scale;
            self.page().push(Op::Line { from: (x, top - 4.0), to: (x, bottom + 2.0), width: 0.8, color: TARGET, dashed: true });
            let label = format!("目标 {t}");
            let w = font::width(&label, 8.0);
            self.text((x - w / 2.0).max(LEFT), top - 12.0, 8.0, &label, TARGET);
        }
    }
}

/// `text` cut with … to fit `max`.
fn fit(text: &str, max: f32, m: &dyn Fn(&str) -> f32) -> String {
    if m(text) <= max {
        return text.to_owned();
    }
    let mut out = String::new();
    for c in text.chars() {
        out.push(c);
        if m(&out) + m("…") > max {
            out.pop();
            break;
        }
    }
    out.push('…');
    out
}

/// Lays out and writes `doc` as a PDF.
pub fn render(doc: &Document) -> Result<Printed, PrintError> {
    write(doc, &lay_out(doc))
}

/// Places every line, rule and bar of `doc` on its page.
fn lay_out(doc: &Document) -> Pager {
    let mut p = Pager { pages: Vec::new(), y: TOP, marks: Vec::new(), tables: 0, charts: 0 };
    // Page 1: the cover; page 2: the contents (filled in once the sections are placed).
    cover(&mut p, doc);
    p.new_page();
    for (i, s) in doc.sections.iter().enumerate() {
        p.section(i + 1, &s.heading);
        for b in &s.blocks {
            match b {
                Block::Heading { text } => p.heading(text),
                Block::Paragraph { text } => {
                    p.lines(text, BODY, 2.0 * BODY, INK, false);
                    p.y += BODY * 0.4;
                }
                Block::Table(t) => p.table(t),
                Block::Chart(c) => p.chart(c),
            }
        }
    }
    contents(&mut p);
    let total = p.pages.len();
    for (i, ops) in p.pages.iter_mut().enumerate().skip(1) {
        let n = format!("第 {} 页 / 共 {total} 页", i + 1);
        let w = font::width(&n, 8.5);
        ops.push(Op::Text { x: (PAGE_W - w) / 2.0, baseline: PAGE_H - BOTTOM / 2.0, size: 8.5, text: n, color: MUTED });
        if i > 1 {
            ops.push(Op::Text { x: LEFT, baseline: TOP - 26.0, size: 8.0, text: doc.title.clone(), color: MUTED });
            ops.push(Op::Line { from: (LEFT, TOP - 20.0), to: (PAGE_W - LEFT, TOP - 20.0), width: 0.4, color: MUTED, dashed: false });
        }
    }
    p
}

fn cover(p: &mut Pager, doc: &Document) {
    p.new_page();
    p.y = 250.0;
    p.lines(&doc.title, 26.0, 0.0, INK, true);
    p.y += 18.0;
    p.lines(&doc.subtitle, 14.0, 0.0, MUTED, true);
    let y = p.y + 20.0;
    p.page().push(Op::Line { from: (LEFT + 60.0, y), to: (PAGE_W - LEFT - 60.0, y), width: 1.2, color: BAR, dashed: false });
    p.y = 600.0;
    p.lines(&doc.issuer, 15.0, 0.0, INK, true);
    p.y += 8.0;
    p.lines(&format!("数据截至 {}（北京时间）", doc.as_of), 10.5, 0.0, MUTED, true);
}

/// Page 2: each section with its page, joined by a dotted leader.
fn contents(p: &mut Pager) {
    let mut ops = Vec::new();
    let title = "目　录";
    ops.push(Op::Text { x: (PAGE_W - font::width(title, 18.0)) / 2.0, baseline: TOP + 18.0 * font::ASCENT, size: 18.0, text: title.into(), color: INK });
    let mut y = TOP + 60.0;
    for m in &p.marks {
        let page = (m.page + 1).to_string();
        let pw = font::width(&page, 11.0);
        let tw = font::width(&m.title, 11.0);
        ops.push(Op::Text { x: LEFT, baseline: y, size: 11.0, text: m.title.clone(), color: INK });
        ops.push(Op::Text { x: PAGE_W - LEFT - pw, baseline: y, size: 11.0, text: page, color: INK });
        ops.push(Op::Line { from: (LEFT + tw + 6.0, y - 2.0), to: (PAGE_W - LEFT - pw - 6.0, y - 2.0), width: 0.6, color: MUTED, dashed: true });
        y += 26.0;
    }
    if p.pages.len() > 1 {
        p.pages[1] = ops;
    }
}

/// Draws each page's operations on a new A4 page of `pdf`, returning all the text shown.
pub(crate) fn draw_pages(pdf: &mut krilla::Document, pages: &[Vec<Op>], font: &Font) -> Result<String, PrintError> {
    let mut shown = String::new();
    for ops in pages {
        let settings = PageSettings::from_wh(PAGE_W, PAGE_H).ok_or_else(|| PrintError::Pdf("page size".into()))?;
        let mut page = pdf.start_page_with(settings);
        let mut surface = page.surface();
        for op in ops {
            match op {
                Op::Text { x, baseline, size, text, color } => {
                    shown.push_str(text);
                    surface.set_stroke(None);
                    surface.set_fill(Some(fill(*color)));
                    surface.draw_text(Point::from_xy(*x, *baseline), font.clone(), *size, text, false, TextDirection::Auto);
                }
                Op::Fill { x, y, w, h, color } => {
                    let mut b = PathBuilder::new();
                    if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                        b.push_rect(r);
                    }
                    if let Some(path) = b.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(fill(*color)));
                        surface.draw_path(&path);
                    }
                }
                Op::Squares { corners, side, color } => {
                    let mut b = PathBuilder::new();
                    for (x, y) in corners {
                        if let Some(r) = Rect::from_xywh(*x, *y, *side, *side) {
                            b.push_rect(r);
                        }
                    }
                    if let Some(path) = b.finish() {
                        surface.set_stroke(None);
                        surface.set_fill(Some(fill(*color)));
                        surface.draw_path(&path);
                    }
                }
                Op::Line { from, to, width, color, dashed } => {
                    let mut b = PathBuilder::new();
                    b.move_to(from.0, from.1);
                    b.line_to(to.0, to.1);
                    if let Some(path) = b.finish() {
                        surface.set_fill(None);
                        surface.set_stroke(Some(Stroke {
                            paint: rgb::Color::new(color.0, color.1, color.2).into(),
                            width: *width,
                            dash: dashed.then(|| StrokeDash { array: vec![2.0, 2.0], offset: 0.0 }),
                            ..Default::default()
                        }));
                        surface.draw_path(&path);
                    }
                }
            }
        }
        surface.finish();
        page.finish();
    }
    Ok(shown)
}

fn fill(color: Rgb) -> Fill {
    Fill { paint: rgb::Color::new(color.0, color.1, color.2).into(), opacity: NormalizedF32::ONE, rule: Default::default() }
}

fn write(doc: &Document, p: &Pager) -> Result<Printed, PrintError> {
    let font = Font::new(font::DATA.into(), 0).ok_or(PrintError::Font)?;
    let mut pdf = krilla::Document::new();
    let shown = draw_pages(&mut pdf, &p.pages, &font)?;
    let mut outline = Outline::new();
    for m in &p.marks {
        outline.push_child(OutlineNode::new(m.title.clone(), XyzDestination::new(m.page, Point::from_xy(LEFT, m.y))));
    }
    pdf.set_outline(outline);
    pdf.set_metadata(
        Metadata::new()
            .title(doc.title.clone())
            .description(doc.subtitle.clone())
            .authors(vec![doc.issuer.clone()])
            .language("zh-CN".into())
            .creator("pocnet".into()),
    );
    let bytes = pdf.finish().map_err(|e| PrintError::Pdf(format!("{e:?}")))?;
    Ok(Printed { bytes, pages: p.pages.len(), missing: font::missing(&shown) })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use pocnet_domain::document::{Cell, Section};

    fn sample(rows: usize) -> Document {
        let table = Table {
            title: "各中心评价结果".into(),
            sheet: "结果".into(),
            columns: vec!["名次".into(), "中心".into(), "依托单位".into(), "总分".into()],
            rows: (0..rows)
                .map(|i| vec![Cell::Int(i as i64 + 1), Cell::from(format!("温州市第{i}号新能源概念验证中心")), Cell::from("温州大学（高校）"), Cell::Hundredths(pocnet_domain::document::Score(9000 - i as i64))])
                .collect(),
            note: "总分按本局公布的权重计算。".into(),
        };
        let chart = BarChart { title: "已认定中心数".into(), bars: vec![("2025年".into(), 12), ("2026年".into(), 21)], target: Some(30) };
        Document {
            title: "2026年度温州市科技成果转化白皮书".into(),
            subtitle: "概念验证中心与中试平台网络".into(),
            issuer: "温州市科学技术局".into(),
            as_of: "2026-12-02 20:00".into(),
            sections: vec![
                Section { heading: "网络建设".into(), blocks: vec![Block::Paragraph { text: "到2027年建成市级概念验证中心30家。".repeat(12) }, Block::Chart(chart)] },
                Section { heading: "年度评价".into(), blocks: vec![Block::Heading { text: "（一）结果".into() }, Block::Table(table)] },
            ],
        }
    }

    fn texts(ops: &[Op]) -> Vec<&str> {
        ops.iter().filter_map(|o| if let Op::Text { text, .. } = o { Some(text.as_str()) } else { None }).collect()
    }

    #[test]
    fn a_long_table_runs_onto_pages_that_repeat_its_heading_and_the_contents_know_the_pages() {
        let p = lay_out(&sample(150));
        assert!(p.pages.len() >= 6, "cover, contents, two sections, the table over several pages: {}", p.pages.len());
        let continued: Vec<usize> = (0..p.pages.len()).filter(|&i| texts(&p.pages[i]).contains(&"表1（续）")).collect();
        assert!(continued.len() >= 2, "{continued:?}");
        for &i in &continued {
            assert!(texts(&p.pages[i]).contains(&"依托单位"), "page {i} repeats the column headings");
        }
        // The contents page lists each section with the page it starts on.
        let contents = texts(&p.pages[1]);
        assert!(contents.contains(&"一、网络建设") && contents.contains(&"3"), "{contents:?}");
        assert!(contents.contains(&"二、年度评价") && contents.contains(&"4"), "{contents:?}");
        // Nothing is printed below the bottom margin but the page number.
        for ops in &p.pages {
            for o in ops {
                if let Op::Text { baseline, text, .. } = o {
                    assert!(*baseline <= PAGE_H - BOTTOM || text.starts_with("第 "), "{text} at {baseline}");
                }
            }
        }
        assert!(texts(&p.pages[2]).contains(&"目标 30"), "the chart marks its target");
    }

    #[test]
    fn the_pdf_is_written_with_every_character_in_the_font() {
        let printed = render(&sample(20)).unwrap();
        assert!(printed.bytes.starts_with(b"%PDF-"));
        assert!(printed.missing.is_empty(), "{:?}", printed.missing);
        assert_eq!(printed.pages, 4);
        let doc = Document { title: "𠀀".into(), ..sample(1) };
        assert_eq!(render(&doc).unwrap().missing, BTreeSet::from(['𠀀']), "a character beyond the font is reported");
    }
}
