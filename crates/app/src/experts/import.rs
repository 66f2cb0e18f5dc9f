//! Excel import of the expert library (专家批量导入): every row of the sheet
//! checked — units, fields, duplicates within the file and the library —
//! and nothing written unless all rows are good; units not yet registered are
//! registered on the way when the sheet names their kind. Reading the
//! workbook itself is the caller's (the web reads the .xlsx upload).

use super::{field_code, is_field, is_sub_field, sub_field_code, CURATORS};
use crate::{Caller, Context, Error, Result};
use pocnet_domain::expert::{split_list, ExpertInput};
use pocnet_domain::id::OrgId;
use pocnet_domain::org::OrgDraft;
use pocnet_store::orgs;
use serde::Serialize;
use std::collections::HashMap;

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

/// Imports experts from the rows of a sheet, each in [`COLUMNS`] order
/// (curators). Every row is checked and nothing is written unless all rows
/// are good; a dry run checks only.
pub async fn import(ctx: &Context, caller: &Caller, rows: &[Vec<String>], dry_run: bool) -> Result<ImportReport> {
    caller.require(CURATORS)?;
    if rows.len() > 20_000 {
        return Err(Error::rule("too_many_rows", "一次最多导入20000行"));
    }
    let pool = ctx.store().pool();
    let mut orgs_by_name: HashMap<String, OrgId> = orgs::all_names(pool).await?.into_iter().map(|(i, n)| (n, i)).collect();
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
            match field_code(ctx, &f) {
                Some(c) => fields.push(c),
                None => err("产业领域", "unknown_value", format!("产业领域“{f}”不在产业目录中")),
            }
        }
        let mut subs = Vec::new();
        for f in split_list(&r[col("细分领域")]) {
            match sub_field_code(ctx, &f) {
                Some(c) => subs.push(c),
                None => err("细分领域", "unknown_value", format!("细分领域“{f}”不在产业目录中")),
            }
        }
        let mut conflict_orgs = Vec::new();
        for o in split_list(&r[col("回避单位")]) {
            match orgs_by_name.get(&o) {
                Some(id) => conflict_orgs.push(id.get()),
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
        if let Err(e) = input.parse(&|c| is_field(ctx, c), &|c| is_sub_field(ctx, c)) {
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
    let (now, actor) = (ctx.now(), caller.actor());
    let mut tx = ctx.store().write().await?;
    for (_, d) in &new_orgs {
        let o = orgs::create(&mut tx, &actor, now, d).await?;
        orgs_by_name.insert(o.name.clone(), o.id);
        report.organisations_created += 1;
    }
    for (row, mut input, org_name) in parsed {
        input.org_id = orgs_by_name.get(&org_name).map_or(0, |o| o.get());
        let draft = input
            .parse(&|c| is_field(ctx, c), &|c| is_sub_field(ctx, c))
            .map_err(|e| Error::rule("import_row_failed", format!("第{row}行：{}", e.message)))?;
        pocnet_store::experts::create(&mut tx, &actor, now, &draft).await?;
        report.created += 1;
    }
    tx.commit().await?;
    Ok(report)
}

