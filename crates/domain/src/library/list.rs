//! A results list (成果清单) as a spreadsheet gives it: the first sheet of an
//! .xlsx workbook or a CSV file (UTF-8, with or without BOM, or GBK), its
//! header matched to [`LIST_COLUMNS`] by Chinese name or code, and every row
//! checked — fields, the owning unit (registered, by exact name), 成果编号
//! (not repeated in the list, not taken in the center) — with each problem
//! named by row (as Excel numbers it) and column. Pure: bytes in, drafts or
//! problems out; `pocnet import results` and the web upload share it.

use super::intake::{ResultDraft, ResultInput, LIST_COLUMNS as COLUMNS};
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use crate::id::OrgId;
use std::collections::{HashMap, HashSet};

pub(crate) fn column_index(code: &str) -> usize {
    COLUMNS.iter().position(|c| c.code == code).unwrap_or(0)
}

/// A sheet as read: its header and its data rows with their row numbers as
/// Excel shows them (the header is row 1 unless the sheet starts lower).
pub struct Sheet {
    /// Header cells.
    pub header: Vec<String>,
    /// (row number, cells) of every non-empty data row.
    pub rows: Vec<(usize, Vec<String>)>,
}

fn cell(data: &Data) -> String {
    match data {
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(n) => n.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| base.checked_add_signed(chrono::Duration::days(d.as_f64().floor() as i64)))
            .map(|t| t.to_string())
            .unwrap_or_default(),
        Data::DateTimeIso(s) => s.chars().take(10).collect(),
        _ => String::new(),
    }
}

/// Reads the first sheet of an .xlsx workbook.
pub fn read_xlsx(bytes: &[u8]) -> Result<Sheet, String> {
    let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| format!("不是有效的 .xlsx 工作簿 (not an .xlsx workbook: {e})"))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| "工作簿中没有工作表 (the workbook has no sheet)".to_owned())?
        .map_err(|e| format!("无法读取第一个工作表 (cannot read the first sheet: {e})"))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let mut rows = range.rows().enumerate();
    let header = rows.next().map(|(_, r)| r.iter().map(cell).collect()).unwrap_or_default();
    let rows = rows
        .map(|(i, r)| (first_row + i + 1, r.iter().map(cell).collect::<Vec<_>>()))
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Sheet { header, rows })
}

/// Decodes a CSV file: UTF-8 (a BOM is dropped), else GB18030 (a superset of GBK).
pub fn decode(bytes: &[u8]) -> Result<String, String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_owned());
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok(s.into_owned()),
        None => Err("CSV 文件既不是 UTF-8 也不是 GBK 编码，请另存为 UTF-8 CSV 或 .xlsx (the CSV file is neither UTF-8 nor GBK/GB18030 text)".into()),
    }
}

/// Splits CSV text into records (RFC 4180: `,` separates, `"` quotes,
/// `""` is a quote, quoted fields may hold line breaks).
pub fn parse_csv(text: &str) -> Result<Vec<Vec<String>>, String> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' | '\r' => {
                record.push(std::mem::take(&mut field));
                records.push(std::mem::take(&mut record));
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err("CSV 文件的引号未闭合 (the CSV file ends inside a quoted field)".into());
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

pub fn read_csv(bytes: &[u8]) -> Result<Sheet, String> {
    let mut records = parse_csv(&decode(bytes)?)?.into_iter().enumerate();
    let header = records.next().map(|(_, r)| r.into_iter().map(|c| c.trim().to_owned()).collect()).unwrap_or_default();
    let rows = records
        .map(|(i, r)| (i + 1, r.into_iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>()))
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Sheet { header, rows })
}

/// Reads a list by its file name's extension (.xlsx or .csv).
pub fn read_sheet(file_name: &str, bytes: &[u8]) -> Result<Sheet, String> {
    let ext = file_name.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" => read_xlsx(bytes),
        "csv" => read_csv(bytes),
        "xls" => Err(format!("{file_name}：不支持旧版 .xls 格式，请另存为 .xlsx 或 CSV (the old .xls format is not read)")),
        _ => Err(format!("{file_name}：请提供 .xlsx 或 .csv 文件 (give an .xlsx or a .csv file)")),
    }
}

/// Which cell of a row holds each of [`COLUMNS`], from the header. Unknown,
/// repeated and missing required columns are refused, naming them and the
/// expected columns.
pub fn map_header(header: &[String]) -> Result<Vec<Option<usize>>, String> {
    let mut positions: Vec<Option<usize>> = vec![None; COLUMNS.len()];
    let mut unknown = Vec::new();
    let mut repeated = Vec::new();
    for (i, raw) in header.iter().enumerate() {
        let name = raw.trim().trim_end_matches(['*', '＊']).trim();
        if name.is_empty() {
            continue;
        }
        match COLUMNS.iter().position(|c| c.zh == name || c.code.eq_ignore_ascii_case(name)) {
            Some(k) if positions[k].is_some() => repeated.push(name.to_owned()),
            Some(k) => positions[k] = Some(i),
            None => unknown.push(name.to_owned()),
        }
    }
    let missing: Vec<&str> = COLUMNS.iter().zip(&positions).filter(|(c, p)| c.required && p.is_none()).map(|(c, _)| c.zh).collect();
    if missing.is_empty() && unknown.is_empty() && repeated.is_empty() {
        return Ok(positions);
    }
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("缺少必需的列：{}", missing.join("、")));
    }
    if !unknown.is_empty() {
        problems.push(format!("无法识别的列：{}", unknown.join("、")));
    }
    if !repeated.is_empty() {
        problems.push(format!("重复的列：{}", repeated.join("、")));
    }
    let expected: Vec<String> =
        COLUMNS.iter().map(|c| format!("{}{} ({})", c.zh, if c.required { "*" } else { "" }, c.code)).collect();
    Err(format!(
        "表头有误：{}。未读取任何数据行；应有的列（*为必需，顺序不限）：{} (the header row is wrong; no row was read)",
        problems.join("；"),
        expected.join("、")
    ))
}

/// One problem of one row.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = ResultRowError)]
pub struct RowError {
    /// Row number as Excel shows it.
    pub row: usize,
    /// Column (Chinese header).
    pub column: &'static str,
    /// Stable code of the rule.
    pub code: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// The rows of a list, checked.
pub struct Checked {
    /// Data rows read.
    pub rows: usize,
    /// Every good row: (row number, draft, owner organisation id).
    pub good: Vec<(usize, ResultDraft, OrgId)>,
    /// Every problem.
    pub errors: Vec<RowError>,
}

/// The column of an input field.
fn column_of(field: &str) -> &'static str {
    COLUMNS.iter().find(|c| c.code == field).map_or("?", |c| c.zh)
}

/// Checks every row: its fields, its owning unit (registered, by exact name),
/// its 成果编号 (not repeated in the file, not taken in the center).
pub fn check(
    sheet: &Sheet,
    positions: &[Option<usize>],
    orgs_by_name: &HashMap<String, OrgId>,
    taken: &HashSet<String>,
    catalogue: &crate::catalogue::Catalogue,
    mut progress: impl FnMut(usize),
) -> Checked {
    let mut good = Vec::with_capacity(sheet.rows.len());
    let mut errors = Vec::new();
    let mut first_seen: HashMap<String, usize> = HashMap::new();
    for (n, (row, cells)) in sheet.rows.iter().enumerate() {
        let get = |code: &str| positions[column_index(code)].and_then(|i| cells.get(i)).cloned().unwrap_or_default();
        let input = ResultInput {
            ref_no: get("ref_no"),
            title: get("title"),
            summary: get("summary"),
            secret_summary: get("secret_summary"),
            field: get("field"),
            sub_field: get("sub_field"),
            source: get("source"),
            team: vec![get("team")],
            patents: vec![get("patents")],
            trl: get("trl"),
            trl_evidence: get("trl_evidence"),
            stage: get("stage"),
            secret_parts: vec![get("secret_parts")],
        };
        let before = errors.len();
        let mut err = |column: &'static str, code: &str, message: String| {
            errors.push(RowError { row: *row, column, code: code.to_owned(), message });
        };
        let owner_name = get("owner");
        let owner = match orgs_by_name.get(owner_name.trim()) {
            Some(id) => Some(*id),
            None if owner_name.trim().is_empty() => {
                err("所属单位", "required", "所属单位不能为空".into());
                None
            }
            None => {
                let name: String = owner_name.trim().chars().take(60).collect();
                err(
                    "所属单位",
                    "unknown_organisation",
                    format!("所属单位“{name}”尚未登记：请先登记该单位（pocnet org add），名称须完全一致"),
                );
                None
            }
        };
        let ref_no = input.ref_no.trim().to_owned();
        if !ref_no.is_empty() {
            if taken.contains(&ref_no) {
                err("成果编号", "duplicate", format!("成果编号“{ref_no}”已在该中心的项目库中（是否重复导入？）"));
            } else if let Some(first) = first_seen.get(&ref_no) {
                err("成果编号", "duplicate", format!("成果编号“{ref_no}”与第{first}行重复"));
            } else {
                first_seen.insert(ref_no, *row);
            }
        }
        match input.parse_in(catalogue) {
            Ok(draft) => {
                if let (Some(owner), true) = (owner, errors.len() == before) {
                    good.push((*row, draft, owner));
                }
            }
            Err(field_errors) => {
                for e in field_errors {
                    errors.push(RowError { row: *row, column: column_of(&e.field), code: e.code.to_owned(), message: e.message });
                }
            }
        }
        if n % 1_000 == 999 {
            progress(n + 1);
        }
    }
    progress(sheet.rows.len());
    errors.sort_by_key(|e| (e.row, column_index_by_zh(e.column)));
    Checked { rows: sheet.rows.len(), good, errors }
}

fn column_index_by_zh(zh: &str) -> usize {
    COLUMNS.iter().position(|c| c.zh == zh).unwrap_or(usize::MAX)
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn csv_records_follow_rfc_4180() {
        let text = "a,b,c\r\n\"x, y\",\"say \"\"hi\"\"\",\"two\nlines\"\n1,,3";
        let r = parse_csv(text).unwrap();
        assert_eq!(r, vec![vec!["a", "b", "c"], vec!["x, y", "say \"hi\"", "two\nlines"], vec!["1", "", "3"]]);
        assert!(parse_csv("a,\"b\n").is_err());
    }

    #[test]
    fn csv_is_read_as_utf8_with_or_without_bom_or_as_gbk() {
        let (gbk, _, _) = encoding_rs::GBK.encode("成果名称,成果简介");
        for bytes in [b"\xEF\xBB\xBF\xE6\x88\x90\xE6\x9E\x9C".to_vec(), "成果".as_bytes().to_vec()] {
            assert_eq!(decode(&bytes).unwrap(), "成果");
        }
        assert_eq!(decode(&gbk).unwrap(), "成果名称,成果简介");
        assert!(decode(&[0xFF, 0xFF, 0xFF]).is_err());
    }

    #[test]
    fn the_header_is_matched_by_chinese_name_or_code_and_every_problem_named() {
        let h = |cols: &[&str]| cols.iter().map(|c| c.to_string()).collect::<Vec<_>>();
        let all: Vec<&str> = COLUMNS.iter().map(|c| c.zh).collect();
        assert!(map_header(&h(&all)).is_ok());
        let codes: Vec<&str> = COLUMNS.iter().filter(|c| c.required).map(|c| c.code).collect();
        let p = map_header(&h(&codes)).unwrap();
        assert_eq!(p[column_index("title")], Some(0));
        assert_eq!(p[column_index("ref_no")], None);
        let starred = map_header(&h(&["成果名称*", "成果简介", "产业领域", "细分领域", "成果来源", "所属单位", "研发团队", "技术就绪度", ""]));
        assert!(starred.is_ok());

        let e = map_header(&h(&["成果名称", "成果名称", "简介", "产业领域"])).unwrap_err();
        for needle in ["缺少必需的列：成果简介、细分领域、成果来源、所属单位、研发团队、技术就绪度", "无法识别的列：简介", "重复的列：成果名称", "成果编号 (ref_no)"] {
            assert!(e.contains(needle), "{needle} in {e}");
        }
    }
}
