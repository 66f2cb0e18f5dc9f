//! Excel for the expert library: the import template, reading an uploaded
//! workbook for bulk import (the rows are checked and written by
//! `pocnet_app::experts::import`), and export.

use super::CURATORS;
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::AppState;
use calamine::{Data, Reader, Xlsx};
use pocnet_store::experts::Expert;
use rust_xlsxwriter::{Format, Workbook};
use std::collections::HashMap;
use std::io::Cursor;

pub use pocnet_app::experts::import::{ImportReport, RowError, COLUMNS};

fn cell(row: &[Data], i: usize) -> String {
    match row.get(i) {
        Some(Data::String(s)) => s.trim().to_owned(),
        Some(Data::Float(f)) if f.fract() == 0.0 => format!("{}", *f as i64),
        Some(Data::Float(f)) => f.to_string(),
        Some(Data::Int(n)) => n.to_string(),
        Some(Data::Bool(b)) => b.to_string(),
        Some(Data::DateTime(d)) => chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
            .and_then(|base| base.checked_add_signed(chrono::Duration::days(d.as_f64().floor() as i64)))
            .map(|t| t.to_string())
            .unwrap_or_default(),
        Some(Data::DateTimeIso(s)) => s.chars().take(10).collect(),
        _ => String::new(),
    }
}

/// Reads the first sheet: header row, then one expert a row.
fn read_rows(bytes: &[u8]) -> AppResult<Vec<Vec<String>>> {
    let bad = |m: &str| AppError::BadRequest { code: "unreadable_workbook", message: m.to_owned(), field: Some("file".into()) };
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes.to_vec())).map_err(|_| bad("无法读取文件：请上传 .xlsx 格式的 Excel 工作簿"))?;
    let range = wb.worksheet_range_at(0).ok_or_else(|| bad("工作簿中没有工作表"))?.map_err(|_| bad("无法读取第一个工作表"))?;
    let mut rows = range.rows();
    let header: Vec<String> = rows.next().map(|r| (0..r.len()).map(|i| cell(r, i)).collect()).unwrap_or_default();
    let missing: Vec<&str> = COLUMNS.iter().copied().filter(|c| !header.iter().any(|h| h == c)).collect();
    if missing.contains(&"姓名") || missing.contains(&"专家类型") || missing.contains(&"所在单位") || missing.contains(&"产业领域") {
        return Err(AppError::BadRequest {
            code: "wrong_columns",
            message: format!("表头缺少必需的列：{}（请使用导入模板）", missing.join("、")),
            field: Some("file".into()),
        });
    }
    let index: Vec<Option<usize>> = COLUMNS.iter().map(|c| header.iter().position(|h| h == c)).collect();
    Ok(rows
        .map(|r| index.iter().map(|i| i.map(|i| cell(r, i)).unwrap_or_default()).collect::<Vec<String>>())
        .filter(|r: &Vec<String>| r.iter().any(|c| !c.is_empty()))
        .collect())
}

/// Imports experts from an .xlsx file (curators). A dry run checks only.
pub async fn import(state: &AppState, me: &CurrentUser, bytes: &[u8], dry_run: bool) -> AppResult<ImportReport> {
    me.require(CURATORS)?;
    let rows = read_rows(bytes)?;
    Ok(pocnet_app::experts::import::import(state.context(), &me.caller(), &rows, dry_run).await?)
}

fn workbook_bytes(mut wb: Workbook) -> AppResult<Vec<u8>> {
    wb.save_to_buffer().map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))
}

/// The import template: the header and one example row.
pub fn template() -> AppResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    let example = [
        "王立群", "产业专家", "瓯能电池科技有限公司", "企业", "瑞安市", "总工程师", "新能源", "前沿电池、新型储能", "固态电池、电池管理系统",
        "瑞安市", "长期从事动力电池研发与产业化。", "2026-01-05~2026-01-20 出国", "", "", "13800000000", "wang@example.com",
    ];
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    for (i, c) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *c, &bold).map_err(fail)?;
        ws.write_string(1, i as u16, example[i]).map_err(fail)?;
        ws.set_column_width(i as u16, 16).map_err(fail)?;
    }
    workbook_bytes(wb)
}

/// Exports experts in the import layout (contacts only when `contacts`).
pub fn export(state: &AppState, list: &[Expert], contacts: bool, org_names: &HashMap<pocnet_domain::id::OrgId, String>) -> AppResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let ws = wb.add_worksheet();
    let fail = |e: rust_xlsxwriter::XlsxError| AppError::Internal(anyhow::anyhow!("xlsx: {e}"));
    for (i, c) in COLUMNS.iter().enumerate() {
        ws.write_string_with_format(0, i as u16, *c, &bold).map_err(fail)?;
        ws.set_column_width(i as u16, 16).map_err(fail)?;
    }
    for (n, e) in list.iter().enumerate() {
        let r = (n + 1) as u32;
        let labels = |codes: &[String]| codes.iter().map(|c| crate::routes::registry::field_label(state, c)).collect::<Vec<_>>().join("、");
        let windows: Vec<String> = e.unavailable.iter().map(|w| format!("{}~{} {}", w.from, w.to, w.reason).trim().to_owned()).collect();
        let values = [
            e.name.clone(),
            e.kind.label_zh().to_owned(),
            e.org_name.clone(),
            String::new(),
            String::new(),
            e.title.clone(),
            labels(&e.fields),
            labels(&e.sub_fields),
            e.keywords.join("、"),
            e.region.as_str().to_owned(),
            e.bio.clone(),
            windows.join("；"),
            e.conflict_orgs.iter().filter_map(|o| org_names.get(o).cloned()).collect::<Vec<_>>().join("、"),
            e.conflict_people.join("、"),
            if contacts { e.phone.clone() } else { String::new() },
            if contacts { e.email.clone() } else { String::new() },
        ];
        for (i, v) in values.iter().enumerate() {
            ws.write_string(r, i as u16, v).map_err(fail)?;
        }
    }
    workbook_bytes(wb)
}
