//! A published document as data (出版物): headings, paragraphs, tables and bar
//! charts in reading order, with no layout. The white paper is composed into
//! one; the web page, the Excel workbook (every table a sheet) and the PDF are
//! three renderings of the same value, so they never disagree. A signed
//! document's printed face is a [`Certificate`].

use serde::Serialize;

mod certificate;
pub use certificate::{Certificate, VerificationFooter};

/// A document: title page facts and its sections in order.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = PublishedDocument)]
pub struct Document {
    /// Title (e.g. 2026年度科技成果转化白皮书).
    pub title: String,
    /// Subtitle (the network, the issuer).
    pub subtitle: String,
    /// Issuing authority.
    pub issuer: String,
    /// When the data was read, 北京时间 (e.g. 2026-12-02 20:15).
    pub as_of: String,
    /// Sections in order.
    pub sections: Vec<Section>,
}

/// A numbered section (一、二、…).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = DocumentSection)]
pub struct Section {
    /// Heading without its number.
    pub heading: String,
    /// Contents in order.
    pub blocks: Vec<Block>,
}

/// One piece of a section.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = DocumentBlock)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Block {
    /// A sub-heading.
    Heading {
        /// Its text.
        text: String,
    },
    /// A paragraph.
    Paragraph {
        /// Its text.
        text: String,
    },
    /// A table.
    Table(Table),
    /// A horizontal bar chart.
    Chart(BarChart),
}

/// A table with a title (the Excel sheet's name comes from `sheet`).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = DocumentTable)]
pub struct Table {
    /// Caption (表1 …).
    pub title: String,
    /// Short name for an Excel sheet (≤ 31 characters, unique in the document).
    pub sheet: String,
    /// Column headings.
    pub columns: Vec<String>,
    /// Rows of cells, as many as columns.
    pub rows: Vec<Vec<Cell>>,
    /// A note under the table (source, definitions), may be empty.
    pub note: String,
}

/// A table cell: text, or a number (kept a number in JSON and Excel). In JSON
/// a cell is a string, an integer, or a score as a number with two decimals.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number.
    Int(i64),
    /// A number in hundredths shown with two decimals (scores).
    Hundredths(Score),
}

impl utoipa::PartialSchema for Cell {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        use utoipa::openapi::schema::{ObjectBuilder, SchemaType, Type};
        ObjectBuilder::new()
            .schema_type(SchemaType::from_iter([Type::String, Type::Number]))
            .description(Some("单元格：文字，或数值（整数；分数为两位小数）"))
            .into()
    }
}

impl utoipa::ToSchema for Cell {
    fn name() -> std::borrow::Cow<'static, str> {
        "DocumentCell".into()
    }
}

/// A score in hundredths (8550 is 85.50), written to JSON as the number 85.5.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Score(pub i64);

impl utoipa::PartialSchema for Score {
    fn schema() -> utoipa::openapi::RefOr<utoipa::openapi::schema::Schema> {
        f64::schema()
    }
}

impl utoipa::ToSchema for Score {}

impl Serialize for Score {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_f64(self.0 as f64 / 100.0)
    }
}

impl Cell {
    /// The cell as shown.
    pub fn shown(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Hundredths(h) => crate::evaluation::scoring::shown(h.0),
        }
    }

    /// Whether the cell is a number (right-aligned when printed).
    pub fn is_number(&self) -> bool {
        !matches!(self, Cell::Text(_))
    }
}

impl From<&str> for Cell {
    fn from(s: &str) -> Self {
        Cell::Text(s.to_owned())
    }
}

impl From<String> for Cell {
    fn from(s: String) -> Self {
        Cell::Text(s)
    }
}

impl From<i64> for Cell {
    fn from(n: i64) -> Self {
        Cell::Int(n)
    }
}

/// A horizontal bar chart: one bar per label, with an optional target value drawn as a mark.
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
#[schema(as = DocumentBarChart)]
pub struct BarChart {
    /// Title.
    pub title: String,
    /// (label, value) in order.
    pub bars: Vec<(String, i64)>,
    /// A target the bars are read against (e.g. 30 by 2027), if any.
    pub target: Option<i64>,
}

impl BarChart {
    /// The largest value the axis must reach (bars and target), at least 1.
    pub fn axis_max(&self) -> i64 {
        self.bars.iter().map(|(_, v)| *v).chain(self.target).max().unwrap_or(0).max(1)
    }
}

impl Document {
    /// Every table in reading order.
    pub fn tables(&self) -> impl Iterator<Item = &Table> {
        self.sections.iter().flat_map(|s| s.blocks.iter()).filter_map(|b| match b {
            Block::Table(t) => Some(t),
            _ => None,
        })
    }

    /// Every character the document shows (what a printed font must cover).
    pub fn text(&self) -> String {
        let mut out = format!("{}{}{}{}", self.title, self.subtitle, self.issuer, self.as_of);
        for s in &self.sections {
            out.push_str(&s.heading);
            for b in &s.blocks {
                match b {
                    Block::Heading { text } | Block::Paragraph { text } => out.push_str(text),
                    Block::Table(t) => {
                        out.push_str(&t.title);
                        out.push_str(&t.note);
                        t.columns.iter().for_each(|c| out.push_str(c));
                        t.rows.iter().flatten().for_each(|c| out.push_str(&c.shown()));
                    }
                    Block::Chart(c) => {
                        out.push_str(&c.title);
                        c.bars.iter().for_each(|(l, v)| out.push_str(&format!("{l}{v}")));
                    }
                }
            }
        }
        out
    }
}

/// Chinese section numbers: 一 … 十, 十一 … 九十九.
pub fn section_number(n: usize) -> String {
    const D: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    match n {
        1..=9 => D[n].to_owned(),
        10 => "十".to_owned(),
        11..=19 => format!("十{}", D[n - 10]),
        20..=99 => format!("{}十{}", D[n / 10], D[n % 10]),
        _ => n.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sections_are_numbered_in_chinese() {
        let cases = [(1, "一"), (9, "九"), (10, "十"), (11, "十一"), (20, "二十"), (23, "二十三"), (100, "100")];
        for (n, want) in cases {
            assert_eq!(section_number(n), want, "{n}");
        }
    }

    #[test]
    fn cells_show_scores_with_two_decimals_and_charts_reach_their_target() {
        assert_eq!(Cell::Hundredths(Score(8500)).shown(), "85.00");
        assert_eq!(serde_json::to_string(&Cell::Hundredths(Score(7550))).unwrap_or_default(), "75.5");
        assert_eq!(Cell::Int(-3).shown(), "-3");
        assert!(Cell::Int(1).is_number() && !Cell::from("a").is_number());
        let chart = BarChart { title: "t".into(), bars: vec![("a".into(), 12)], target: Some(30) };
        assert_eq!(chart.axis_max(), 30);
        assert_eq!(BarChart { title: "t".into(), bars: vec![], target: None }.axis_max(), 1);
    }
}
