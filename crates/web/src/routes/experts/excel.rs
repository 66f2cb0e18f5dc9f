//! Excel for the expert library: the import template, bulk import (every row
//! checked, nothing written unless all rows are good) and export.

use super::{field_code, sub_field_code, CURATORS};
use crate::auth::CurrentUser;
use crate::error::{AppError, AppResult};
use crate::AppState;
use calamine::{Data, Reader, Xlsx};
use pocnet_domain::expert::{split_list, ExpertInput};
use pocnet_domain::org::OrgDraft;
use pocnet_store::experts::Expert;
use pocnet_store::orgs;
use rust_xlsxwriter::{Format, Workbook};
use serde::Serialize;
use std::collections::HashMap;
use std::io::Cursor;

/// The columns, in order, as the template names them.
pub const COLUMNS: &[&str] = &[
    "姓名", "专家类型", "所在单位", "单位类型", "单位地区", "职称/职务", "产业领域", "细分领域", "关键词", "所在地区", "个人简介",
    "不可参评时段", "回避单位", "回避人员", "联系电话", "电子邮箱",
];

/// One problem of an import, with where it is.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ExpertRowError)]
pub struct RowError {
    /// Spreadsheet row (1 = the header).
    pub row: usize,
    /// Column name.
    pub column: String,
    /// Stable code.
    pub code: String,
    /// What is wrong, in Chinese.
    pub message: String,
}

/// What an import did (or, in a dry run, would do).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ExpertImportReport)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: usize,
    /// Experts created (0 in a dry run or when any row failed).
    pub created: usize,
    /// Organisations created for units not yet registered.
    pub organisations_created: usize,
    /// Whether this was a dry run.
    pub dry_run: bool,
    /// Problems; when not empty nothing was written.
    pub errors: Vec<RowError>,
}

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
    if rows.len() > 20_000 {
        return Err(AppError::rule("too_many_rows", "一次最多导入20000行"));
    }
    let pool = state.store().pool();
    let mut orgs_by_name: HashMap<String, i64> = orgs::all_names(pool).await?.into_iter().map(|(i, n)| (n, i)).collect();
    let existing = pocnet_store::experts::names_and_orgs(pool).await?;
    let mut errors = Vec::new();
    let mut new_orgs: Vec<(usize, OrgDraft)> = Vec::new();
    let mut parsed: Vec<(usize, ExpertInput, String)> = Vec::new();
    let col = |name: &str| COLUMNS.iter().position(|c| *c == name).unwrap_or(0);
    for (n, r) in rows.iter().enumerate() {
        let row = n + 2;
        let mut err = |column: &str, code: &str, message: String| {
            errors.push(RowError { row, column: column.into(), code: code.into(), message });
        };
        let org_name = r[col("所在单位")].clone();
        if org_name.is_empty() {
            err("所在单位", "required", "所在单位不能为空".into());
            continue;
        }
        if !orgs_by_name.contains_key(&org_name) && !new_orgs.iter().any(|(_, d)| d.name == org_name) {
            let kind = r[col("单位类型")].clone();
            let region = if r[col("单位地区")].is_empty() { "市外".to_owned() } else { r[col("单位地区")].clone() };
            let kind_code = pocnet_domain::org::OrgKind::ALL.iter().find(|k| k.as_str() == kind || k.label_zh() == kind).map(|k| k.as_str());
            match kind_code.map(|k| OrgDraft::parse(&org_name, k, &region)) {
                Some(Ok(d)) => new_orgs.push((row, d)),
                Some(Err(e)) => err(if e.field == "region" { "单位地区" } else { "所在单位" }, e.code, e.message),
                None => err(
                    "所在单位",
                    "unknown_organisation",
                    format!("单位“{org_name}”尚未登记：请先在单位管理中登记，或在“单位类型”列填写类型（如 高校、企业）以自动登记"),
                ),
            }
        }
        let mut fields = Vec::new();
        for f in split_list(&r[col("产业领域")]) {
            match field_code(state.context(), &f) {
                Some(c) => fields.push(c),
                None => err("产业领域", "unknown_value", format!("产业领域“{f}”不在产业目录中")),
            }
        }
        let mut subs = Vec::new();
        for f in split_list(&r[col("细分领域")]) {
            match sub_field_code(state, &f) {
                Some(c) => subs.push(c),
                None => err("细分领域", "unknown_value", format!("细分领域“{f}”不在产业目录中")),
            }
        }
        let mut conflict_orgs = Vec::new();
        for o in split_list(&r[col("回避单位")]) {
            match orgs_by_name.get(&o) {
                Some(id) => conflict_orgs.push(*id),
                None => err("回避单位", "unknown_organisation", format!("回避单位“{o}”尚未登记")),
            }
        }
        let region = if r[col("所在地区")].is_empty() { "市外".to_owned() } else { r[col("所在地区")].clone() };
        let input = ExpertInput {
            name: r[col("姓名")].clone(),
            kind: r[col("专家类型")].clone(),
            org_id: 0,
            title: r[col("职称/职务")].clone(),
            fields,
            sub_fields: subs,
            keywords: vec![r[col("关键词")].clone()],
            region,
            bio: r[col("个人简介")].clone(),
            unavailable: r[col("不可参评时段")].clone(),
            conflict_orgs,
            conflict_people: vec![r[col("回避人员")].clone()],
            phone: r[col("联系电话")].clone(),
            email: r[col("电子邮箱")].clone(),
            version: None,
        };
        if let Err(e) = input.parse(&|c| super::is_field(state, c), &|c| super::is_sub_field(state, c)) {
            let column = match e.field.as_str() {
                "name" => "姓名",
                "kind" => "专家类型",
                "title" => "职称/职务",
                "fields" => "产业领域",
                "sub_fields" => "细分领域",
                "keywords" => "关键词",
                "region" => "所在地区",
                "bio" => "个人简介",
                "unavailable" => "不可参评时段",
                "conflict_people" => "回避人员",
                "phone" => "联系电话",
                "email" => "电子邮箱",
                other => other,
            };
            err(column, e.code, e.message);
        }
        let org_known = orgs_by_name.get(&org_name).copied();
        if let Some(org_id) = org_known {
            if existing.iter().any(|(n, o)| *n == input.name.trim() && *o == org_id) {
                err("姓名", "duplicate", format!("“{}”（{org_name}）已在专家库中", input.name.trim()));
            }
        }
        if parsed.iter().any(|(_, p, o)| p.name.trim() == input.name.trim() && *o == org_name) {
            err("姓名", "duplicate", format!("“{}”（{org_name}）在文件中重复出现", input.name.trim()));
        }
        parsed.push((row, input, org_name));
    }
    let mut report = ImportReport { rows: rows.len(), created: 0, organisations_created: 0, dry_run, errors };
    if dry_run || !report.errors.is_empty() {
        return Ok(report);
    }
    let (now, actor) = (state.now(), me.actor());
    let mut tx = state.store().write().await?;
    for (_, d) in &new_orgs {
        let o = orgs::create(&mut tx, &actor, now, d).await?;
        orgs_by_name.insert(o.name.clone(), o.id);
        report.organisations_created += 1;
    }
    for (row, mut input, org_name) in parsed {
        input.org_id = orgs_by_name.get(&org_name).copied().unwrap_or_default();
        let draft = input
            .parse(&|c| super::is_field(state, c), &|c| super::is_sub_field(state, c))
            .map_err(|e| AppError::rule("import_row_failed", format!("第{row}行：{}", e.message)))?;
        pocnet_store::experts::create(&mut tx, &actor, now, &draft).await?;
        report.created += 1;
    }
    tx.commit().await?;
    Ok(report)
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
pub fn export(state: &AppState, list: &[Expert], contacts: bool, org_names: &HashMap<i64, String>) -> AppResult<Vec<u8>> {
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
