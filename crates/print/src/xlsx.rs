//! A [`Document`]'s tables as an Excel workbook: a first sheet saying what the
//! workbook is (title, issuer, date, the list of tables), then one sheet per
//! table with its caption, headings, rows and note. Numbers stay numbers
//! (scores with two decimals), so a clerk can sort and sum them.

use pocnet_domain::document::{Cell, Document};
use rust_xlsxwriter::{Format, Workbook, XlsxError};
use std::collections::BTreeSet;

/// Characters Excel forbids in a sheet name.
const FORBIDDEN: &[char] = &['[', ']', ':', '*', '?', '/', '\\'];

/// A sheet name from `wanted`: forbidden characters dropped, at most 31 characters, unique.
fn sheet_name(wanted: &str, taken: &mut BTreeSet<String>) -> String {
    let base: String = wanted.chars().filter(|c| !FORBIDDEN.contains(c)).take(28).collect();
    let base = if base.trim().is_empty() { "表".to_owned() } else { base };
    let mut name = base.clone();
    let mut n = 2;
    while !taken.insert(name.to_lowercase()) {
        name = format!("{base}-{n}");
        n += 1;
    }
    name
}

/// Writes the workbook.
pub fn workbook(doc: &Document) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let title = Format::new().set_bold().set_font_size(14);
    let score = Format::new().set_num_format("0.00");
    let muted = Format::new().set_font_color("#6B7280");
    let mut taken = BTreeSet::new();
    let names: Vec<String> = doc.tables().map(|t| sheet_name(&t.sheet, &mut taken)).collect();
    let about = wb.add_worksheet();
    about.set_name("说明")?;
    about.write_with_format(0, 0, &doc.title, &title)?;
    about.write(1, 0, &doc.subtitle)?;
    about.write(2, 0, format!("{}　数据截至 {}（北京时间）", doc.issuer, doc.as_of))?;
    about.write_with_format(4, 0, "工作表", &bold)?;
    about.write_with_format(4, 1, "表名", &bold)?;
    for (i, (t, name)) in doc.tables().zip(&names).enumerate() {
        let row = 5 + i as u32;
        about.write(row, 0, name)?;
        about.write(row, 1, &t.title)?;
    }
    about.set_column_width(0, 24)?;
    about.set_column_width(1, 60)?;
    for (t, name) in doc.tables().zip(&names) {
        let ws = wb.add_worksheet();
        ws.set_name(name)?;
        ws.write_with_format(0, 0, &t.title, &bold)?;
        for (j, c) in t.columns.iter().enumerate() {
            ws.write_with_format(2, j as u16, c, &bold)?;
        }
        for (i, row) in t.rows.iter().enumerate() {
            let r = 3 + i as u32;
            for (j, cell) in row.iter().enumerate() {
                let col = j as u16;
                match cell {
                    Cell::Text(s) => ws.write(r, col, s)?,
                    Cell::Int(n) => ws.write(r, col, *n as f64)?,
                    Cell::Hundredths(h) => ws.write_with_format(r, col, h.0 as f64 / 100.0, &score)?,
                };
            }
        }
        if !t.note.is_empty() {
            ws.write_with_format(4 + t.rows.len() as u32, 0, format!("注：{}", t.note), &muted)?;
        }
        ws.set_freeze_panes(3, 0)?;
        ws.autofit();
    }
    wb.save_to_buffer()
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx};
    use pocnet_domain::document::{Block, Section, Table};

    #[test]
    fn sheet_names_are_legal_and_unique() {
        let mut taken = BTreeSet::new();
        let cases = [("排行榜", "排行榜"), ("排行榜", "排行榜-2"), ("a/b:c", "abc"), ("", "表"), ("一二三四五六七八九十一二三四五六七八九十一二三四五六七八九十一", "一二三四五六七八九十一二三四五六七八九十一二三四五六七八")];
        for (wanted, want) in cases {
            assert_eq!(sheet_name(wanted, &mut taken), want, "{wanted}");
        }
    }

    #[test]
    fn every_table_is_a_sheet_and_numbers_stay_numbers() {
        let table = |sheet: &str| Table {
            title: "评价结果".into(),
            sheet: sheet.into(),
            columns: vec!["中心".into(), "总分".into(), "项目数".into()],
            rows: vec![vec![Cell::from("甲中心"), Cell::Hundredths(pocnet_domain::document::Score(8550)), Cell::Int(12)]],
            note: "来源：年度评价".into(),
        };
        let doc = Document {
            title: "白皮书".into(),
            subtitle: "s".into(),
            issuer: "温州市科学技术局".into(),
            as_of: "2026-12-02 08:00".into(),
            sections: vec![Section { heading: "h".into(), blocks: vec![Block::Table(table("结果")), Block::Paragraph { text: "p".into() }, Block::Table(table("结果"))] }],
        };
        let bytes = workbook(&doc).unwrap();
        let mut x: Xlsx<_> = calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(x.sheet_names(), vec!["说明", "结果", "结果-2"]);
        let r = x.worksheet_range("结果").unwrap();
        assert_eq!(r.get_value((3, 0)), Some(&Data::String("甲中心".into())));
        assert_eq!(r.get_value((3, 1)), Some(&Data::Float(85.5)));
        assert_eq!(r.get_value((3, 2)), Some(&Data::Float(12.0)));
        assert_eq!(r.get_value((5, 0)), Some(&Data::String("注：来源：年度评价".into())));
    }
}
