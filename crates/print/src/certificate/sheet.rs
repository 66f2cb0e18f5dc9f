//! The layout of a certificate's pages, as positioned drawing operations: a red
//! double frame, the title centred with the number and a red rule under it,
//! whom it concerns, the facts as a boxed two-column table, the paragraphs with
//! a two-character indent, the issuer and date at the bottom right, and on the
//! last page the QR code (with its quiet zone) in the bottom-left corner with
//! the evidence footer beside it. Pages after the first carry a running head;
//! page numbers are printed when there is more than one page.

use crate::font;
use crate::layout::break_lines;
use crate::pdf::{Op, Rgb, PAGE_H, PAGE_W};
use pocnet_domain::document::Certificate;

pub(super) const LEFT: f32 = 72.0;
const CONTENT_W: f32 = PAGE_W - 2.0 * LEFT;
const TOP: f32 = 96.0;
/// Body text may run down to here on every page.
const BODY_BOTTOM: f32 = PAGE_H - 84.0;
/// The bottom of the QR code's quiet zone and of the footer text.
const FOOT_BOTTOM: f32 = PAGE_H - 66.0;
/// The QR code's side without its quiet zone (≈ 25 mm).
pub(super) const QR_SIDE: f32 = 72.0;
/// The quiet zone around the code, in modules (ISO/IEC 18004).
pub(super) const QUIET_MODULES: usize = 4;
const FRAME_OUTER: f32 = 28.0;
const FRAME_INNER: f32 = 33.0;

const INK: Rgb = (0x1f, 0x29, 0x37);
const MUTED: Rgb = (0x6b, 0x72, 0x80);
const RULE: Rgb = (0x37, 0x41, 0x51);
const RED: Rgb = (0xb4, 0x1e, 0x1e);
const LABEL_FILL: Rgb = (0xf3, 0xf4, 0xf6);
const BLACK: Rgb = (0, 0, 0);

const TITLE: f32 = 20.0;
const BODY: f32 = 12.0;
const TABLE: f32 = 10.5;
const FOOT: f32 = 8.0;

/// The laid-out pages.
pub(super) struct Sheet {
    pub pages: Vec<Vec<Op>>,
    y: f32,
}

impl Sheet {
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

    /// Starts a new page unless `h` more points fit above `bottom`.
    fn ensure(&mut self, h: f32, bottom: f32) {
        if self.y + h > bottom && self.y > TOP {
            self.new_page();
        }
    }

    fn text(&mut self, x: f32, top: f32, size: f32, text: &str, color: Rgb) {
        if !text.is_empty() {
            let baseline = top + size * font::ASCENT;
            self.page().push(Op::Text { x, baseline, size, text: text.to_owned(), color });
        }
    }

    fn line(&mut self, from: (f32, f32), to: (f32, f32), width: f32, color: Rgb) {
        self.page().push(Op::Line { from, to, width, color, dashed: false });
    }

    /// A paragraph at `size` on lines `leading` times as high, breaking across pages.
    fn lines(&mut self, text: &str, size: f32, leading: f32, indent: f32, color: Rgb, centred: bool) {
        let lh = size * leading;
        for (i, line) in break_lines(text, CONTENT_W, indent, &|s: &str| font::width(s, size)).iter().enumerate() {
            self.ensure(lh, BODY_BOTTOM);
            let x = if centred { LEFT + (CONTENT_W - font::width(line, size)) / 2.0 } else if i == 0 { LEFT + indent } else { LEFT };
            self.text(x, self.y + (lh - size) / 2.0, size, line, color);
            self.y += lh;
        }
    }

    /// The facts as a boxed table: labels on a grey ground on the left, values wrapped on the right.
    fn fields(&mut self, fields: &[(String, String)]) {
        if fields.is_empty() {
            return;
        }
        let pad = 6.0;
        let lh = TABLE * 1.6;
        let m = |s: &str| font::width(s, TABLE);
        let widest = fields.iter().map(|(l, _)| m(l)).fold(0.0, f32::max);
        let label_w = (widest + 2.0 * pad).clamp(84.0, CONTENT_W * 0.35);
        let value_w = CONTENT_W - label_w;
        let (x0, x1, x2) = (LEFT, LEFT + label_w, LEFT + CONTENT_W);
        let mut segment_top = self.y;
        for (label, value) in fields {
            let labels = break_lines(label, label_w - 2.0 * pad, 0.0, &m);
            let values = break_lines(value, value_w - 2.0 * pad, 0.0, &m);
            let h = labels.len().max(values.len()) as f32 * lh + 2.0 * pad;
            if self.y + h > BODY_BOTTOM && self.y > segment_top {
                self.line((x0, self.y), (x2, self.y), 1.0, RULE);
                self.new_page();
                segment_top = self.y;
            }
            let top = self.y;
            self.page().push(Op::Fill { x: x0, y: top, w: label_w, h, color: LABEL_FILL });
            let width = if top == segment_top { 1.0 } else { 0.5 };
            self.line((x0, top), (x2, top), width, RULE);
            for (x, w) in [(x0, 1.0), (x1, 0.5), (x2, 1.0)] {
                self.line((x, top), (x, top + h), w, RULE);
            }
            for (k, l) in labels.iter().enumerate() {
                self.text(x0 + pad, top + pad + k as f32 * lh + (lh - TABLE) / 2.0, TABLE, l, INK);
            }
            for (k, v) in values.iter().enumerate() {
                self.text(x1 + pad, top + pad + k as f32 * lh + (lh - TABLE) / 2.0, TABLE, v, INK);
            }
            self.y += h;
        }
        self.line((x0, self.y), (x2, self.y), 1.0, RULE);
    }
}

/// The evidence footer's lines: (text, size, colour), top to bottom.
fn footer_lines(c: &Certificate, width: f32) -> Vec<(String, f32, Rgb)> {
    let v = &c.verification;
    let mut out = vec![("电子签章与存证信息".to_owned(), 9.5, INK)];
    let mut add = |text: &str, color: Rgb| {
        for l in break_lines(text, width, 0.0, &|s: &str| font::width(s, FOOT)) {
            out.push((l, FOOT, color));
        }
    };
    add(&format!("存证日志：{}", v.origin), INK);
    add(&format!("日志序号：{}（检查点共 {} 条记录）", v.index, v.checkpoint_size), INK);
    add("文件 SHA-256：", INK);
    let grouped = v.sha256_groups(4);
    let words: Vec<&str> = grouped.split(' ').collect();
    for chunk in words.chunks(8) {
        add(&format!("　{}", chunk.join(" ")), INK);
    }
    add(&v.how_to_verify, MUTED);
    add(&format!("证据包：本文件的附件 {}", super::BUNDLE_NAME), MUTED);
    out
}

/// Lays out `c` with the QR code's `modules` (rows of dark = true, without quiet zone).
pub(super) fn lay_out(c: &Certificate, modules: &[Vec<bool>]) -> Sheet {
    let n = modules.len().max(1);
    let module = QR_SIDE / n as f32;
    let quiet = QUIET_MODULES as f32 * module;
    let text_x = LEFT + QR_SIDE + quiet + 10.0;
    let foot = footer_lines(c, PAGE_W - LEFT - text_x);
    let foot_h = foot.iter().map(|(_, size, _)| size * 1.5).sum::<f32>();
    let block_h = foot_h.max(QR_SIDE + 2.0 * quiet);
    let foot_top = FOOT_BOTTOM - block_h;

    let mut s = Sheet { pages: Vec::new(), y: TOP };
    s.new_page();
    s.lines(&c.title, TITLE, 1.45, 0.0, INK, true);
    s.y += 6.0;
    s.lines(&c.number, BODY, 1.5, 0.0, INK, true);
    s.y += 6.0;
    s.line((LEFT, s.y), (LEFT + CONTENT_W, s.y), 1.6, RED);
    s.y += 22.0;
    for r in &c.recipient {
        s.lines(r, BODY, 1.8, 0.0, INK, false);
    }
    if !c.recipient.is_empty() {
        s.y += 10.0;
    }
    s.fields(&c.fields);
    s.y += 18.0;
    for p in &c.paragraphs {
        s.lines(p, BODY, 1.8, 2.0 * BODY, INK, false);
        s.y += 2.0;
    }

    // The issuer, with the date centred under it, right-aligned two characters from the margin;
    // the whole block on the page with the footer.
    let lh = BODY * 1.9;
    let block = 28.0 + 2.0 * lh;
    s.ensure(block, foot_top - 12.0);
    s.y += 28.0;
    let wi = font::width(&c.issuer, BODY);
    let wd = font::width(&c.issued_on, BODY);
    let right = LEFT + CONTENT_W - 2.0 * BODY;
    let w = wi.max(wd);
    let y = s.y;
    s.text(right - w + (w - wi) / 2.0, y + (lh - BODY) / 2.0, BODY, &c.issuer, INK);
    s.text(right - w + (w - wd) / 2.0, y + lh + (lh - BODY) / 2.0, BODY, &c.issued_on, INK);
    s.y += 2.0 * lh;

    // The footer: a dashed rule, the code in the bottom-left corner, its lines beside it.
    s.page().push(Op::Line { from: (LEFT, foot_top - 6.0), to: (LEFT + CONTENT_W, foot_top - 6.0), width: 0.5, color: MUTED, dashed: true });
    let qr_y = foot_top + quiet + (block_h - QR_SIDE - 2.0 * quiet) / 2.0;
    let corners: Vec<(f32, f32)> = modules
        .iter()
        .enumerate()
        .flat_map(|(r, row)| row.iter().enumerate().filter(|(_, d)| **d).map(move |(col, _)| (col, r)))
        .map(|(col, r)| (LEFT + quiet + col as f32 * module, qr_y + r as f32 * module))
        .collect();
    s.page().push(Op::Squares { corners, side: module, color: BLACK });
    let mut ty = foot_top + (block_h - foot_h) / 2.0;
    for (text, size, color) in &foot {
        let lh = size * 1.5;
        s.text(text_x, ty + (lh - size) / 2.0, *size, text, *color);
        ty += lh;
    }

    decorate(&mut s, c);
    s
}

/// The frame on every page; from the second page on a running head; page numbers when more than one.
fn decorate(s: &mut Sheet, c: &Certificate) {
    let total = s.pages.len();
    for (i, ops) in s.pages.iter_mut().enumerate() {
        for (inset, width) in [(FRAME_OUTER, 1.8), (FRAME_INNER, 0.6)] {
            let (l, t, r, b) = (inset, inset, PAGE_W - inset, PAGE_H - inset);
            for (from, to) in [((l, t), (r, t)), ((r, t), (r, b)), ((r, b), (l, b)), ((l, b), (l, t))] {
                ops.push(Op::Line { from, to, width, color: RED, dashed: false });
            }
        }
        if i > 0 {
            let head = 60.0;
            ops.push(Op::Text { x: LEFT, baseline: head, size: 8.5, text: c.kind_label.clone(), color: MUTED });
            let w = font::width(&c.number, 8.5);
            ops.push(Op::Text { x: LEFT + CONTENT_W - w, baseline: head, size: 8.5, text: c.number.clone(), color: MUTED });
            ops.push(Op::Line { from: (LEFT, head + 6.0), to: (LEFT + CONTENT_W, head + 6.0), width: 0.4, color: MUTED, dashed: false });
        }
        if total > 1 {
            let n = format!("第 {} 页 / 共 {total} 页", i + 1);
            let w = font::width(&n, 8.5);
            ops.push(Op::Text { x: (PAGE_W - w) / 2.0, baseline: PAGE_H - 44.0, size: 8.5, text: n, color: MUTED });
        }
    }
}
