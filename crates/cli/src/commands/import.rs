//! `pocnet import results FILE --center ID`: a spreadsheet of research
//! results (a university's list, a pushed list) into a center's intake.
//!
//! The header is checked before any row; then every row is checked (fields,
//! the owning unit, 成果编号 repeated in the file or already in the center),
//! and only when every row is good do all of them go in, in one transaction.
//! A bad file leaves the database as it was and gets a per-row report.

use super::{open_store, progress_bar};
use crate::Cli;
use anyhow::{bail, Context};
use calamine::{Data, Reader, Xlsx};
use chrono::NaiveDate;
use clap::{Args, Subcommand};
use pocnet_domain::center::CenterKind;
use pocnet_domain::library::intake::{ResultDraft, ResultInput};
use pocnet_store::library::intake::{self, NewResult};
use pocnet_store::{centers, orgs, Actor, Store, StoreError};
use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Import commands.
#[derive(Debug, Subcommand)]
pub enum ImportCommand {
    /// Import research results (科技成果) from an .xlsx or .csv list into a center's intake.
    ///
    /// The first row names the columns, in Chinese or by code, in any order:
    /// 成果编号 (ref_no), 成果名称* (title), 成果简介* (summary), 保密内容
    /// (secret_summary), 产业领域* (field), 细分领域* (sub_field), 成果来源*
    /// (source), 所属单位* (owner), 研发团队* (team), 知识产权 (patents),
    /// 技术就绪度* (trl), 就绪度依据 (trl_evidence), 成果阶段 (stage),
    /// 商业秘密部分 (secret_parts); * marks the columns that must be present.
    /// Lists in one cell are separated by 、 , ; or line breaks; a patent is
    /// `NUMBER` or `NUMBER:STATUS` (CN202511140438.4:已授权). 所属单位 must be a
    /// registered organisation (pocnet org add). 成果编号, when given, must be
    /// new in the center: a list imported twice is refused.
    ///
    /// CSV files are UTF-8 (with or without BOM) or GBK/GB18030 (Excel on
    /// Chinese Windows). Every row is checked first; if any is wrong, the
    /// problems are listed (row as Excel numbers it, column, message), written
    /// to --report if given, nothing is imported and the exit status is 1.
    /// Otherwise all rows go in one transaction, in state 已提交.
    Results(ResultsArgs),
}

/// Options of `import results`.
#[derive(Debug, Args)]
pub struct ResultsArgs {
    /// The list: .xlsx (first sheet) or .csv, header in the first row.
    pub file: PathBuf,
    /// Id of the proof-of-concept center receiving the results.
    #[arg(long)]
    pub center: i64,
    /// Check every row and report, but write nothing.
    #[arg(long)]
    pub dry_run: bool,
    /// Day of submission (YYYY-MM-DD); default today (China time).
    #[arg(long)]
    pub submitted_on: Option<NaiveDate>,
    /// Also write the problems found to this file (.xlsx, or else CSV).
    #[arg(long)]
    pub report: Option<PathBuf>,
}

pub use pocnet_domain::library::intake::LIST_COLUMNS as COLUMNS;

fn column_index(code: &str) -> usize {
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

/// Reads the first sheet of an .xlsx file.
fn read_xlsx(path: &Path) -> anyhow::Result<Sheet> {
    let mut wb: Xlsx<_> = calamine::open_workbook(path).with_context(|| format!("cannot read {} as an .xlsx workbook", path.display()))?;
    let range = wb
        .worksheet_range_at(0)
        .context("the workbook has no sheet")?
        .with_context(|| format!("cannot read the first sheet of {}", path.display()))?;
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
fn decode(bytes: &[u8]) -> anyhow::Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    if let Ok(s) = std::str::from_utf8(bytes) {
        return Ok(s.to_owned());
    }
    match encoding_rs::GB18030.decode_without_bom_handling_and_without_replacement(bytes) {
        Some(s) => Ok(s.into_owned()),
        None => bail!("the CSV file is neither UTF-8 nor GBK/GB18030 text: save it as UTF-8 CSV or as .xlsx"),
    }
}

/// Splits CSV text into records (RFC 4180: `,` separates, `"` quotes,
/// `""` is a quote, quoted fields may hold line breaks).
fn parse_csv(text: &str) -> anyhow::Result<Vec<Vec<String>>> {
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
        bail!("the CSV file ends inside a quoted field (a \" is not closed)");
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push(record);
    }
    Ok(records)
}

fn read_csv(path: &Path) -> anyhow::Result<Sheet> {
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let mut records = parse_csv(&decode(&bytes)?)?.into_iter().enumerate();
    let header = records.next().map(|(_, r)| r.into_iter().map(|c| c.trim().to_owned()).collect()).unwrap_or_default();
    let rows = records
        .map(|(i, r)| (i + 1, r.into_iter().map(|c| c.trim().to_owned()).collect::<Vec<_>>()))
        .filter(|(_, r)| r.iter().any(|c| !c.is_empty()))
        .collect();
    Ok(Sheet { header, rows })
}

/// Reads an .xlsx or .csv file by its extension.
pub fn read_sheet(path: &Path) -> anyhow::Result<Sheet> {
    let ext = path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).unwrap_or_default();
    match ext.as_str() {
        "xlsx" | "xlsm" => read_xlsx(path),
        "csv" => read_csv(path),
        "xls" => bail!("{}: the old .xls format is not read; save the sheet as .xlsx or CSV", path.display()),
        _ => bail!("{}: give an .xlsx or a .csv file", path.display()),
    }
}

/// Which cell of a row holds each of [`COLUMNS`], from the header. Unknown,
/// repeated and missing required columns are refused, naming them and the
/// expected columns.
pub fn map_header(header: &[String]) -> anyhow::Result<Vec<Option<usize>>> {
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
    bail!(
        "the header row is wrong — 表头有误：{}。no row was read; expected columns (* required, any order): {}",
        problems.join("；"),
        expected.join("、")
    )
}

/// One problem of one row.
#[derive(Debug, Clone)]
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
    pub good: Vec<(usize, ResultDraft, i64)>,
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
    orgs_by_name: &HashMap<String, i64>,
    taken: &HashSet<String>,
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
        match input.parse() {
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

/// Writes the problems: .xlsx when the name says so, else CSV (UTF-8 with a
/// BOM, so Excel opens it in Chinese).
pub fn write_report(path: &Path, errors: &[RowError]) -> anyhow::Result<()> {
    const HEADER: [&str; 4] = ["行号", "列", "代码", "问题"];
    let is_xlsx = path.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("xlsx"));
    if is_xlsx {
        let mut wb = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let ws = wb.add_worksheet();
        for (i, h) in HEADER.iter().enumerate() {
            ws.write_string_with_format(0, i as u16, *h, &bold)?;
        }
        ws.set_column_width(3, 80)?;
        for (n, e) in errors.iter().enumerate() {
            let r = (n + 1) as u32;
            ws.write_number(r, 0, e.row as f64)?;
            ws.write_string(r, 1, e.column)?;
            ws.write_string(r, 2, &e.code)?;
            ws.write_string(r, 3, &e.message)?;
        }
        wb.save(path).with_context(|| format!("cannot write the report {}", path.display()))?;
    } else {
        let quote = |s: &str| {
            if s.contains([',', '"', '\n', '\r']) {
                format!("\"{}\"", s.replace('"', "\"\""))
            } else {
                s.to_owned()
            }
        };
        let mut out = String::from("\u{FEFF}");
        out.push_str(&HEADER.join(","));
        out.push_str("\r\n");
        for e in errors {
            out.push_str(&format!("{},{},{},{}\r\n", e.row, quote(e.column), quote(&e.code), quote(&e.message)));
        }
        std::fs::write(path, out).with_context(|| format!("cannot write the report {}", path.display()))?;
    }
    Ok(())
}

/// How an import went.
#[derive(Debug, Clone, Copy, Default)]
pub struct Timings {
    /// Data rows.
    pub rows: usize,
    /// Rows written (0 in a dry run).
    pub written: usize,
    /// Reading the file.
    pub read: Duration,
    /// Checking every row (with the database look-ups).
    pub check: Duration,
    /// Writing and committing.
    pub insert: Duration,
}

/// What to do with a list.
pub struct Options<'a> {
    /// The center.
    pub center_id: i64,
    /// The file.
    pub file: &'a Path,
    /// Check only.
    pub dry_run: bool,
    /// Day of submission.
    pub submitted_on: NaiveDate,
    /// Where to write the problems, if anywhere.
    pub report: Option<&'a Path>,
    /// Who imports.
    pub actor: Actor,
}

/// The errors printed in full before the rest is only counted.
const SHOWN_ERRORS: usize = 200;

/// Imports a list into a center: read, check, and write all rows in one
/// transaction — or, if any row is wrong, report and write nothing.
pub async fn import_results(store: &Store, o: &Options<'_>) -> anyhow::Result<Timings> {
    let center = match centers::get(store.pool(), o.center_id).await {
        Ok(c) => c,
        Err(StoreError::NotFound) => bail!("center {} does not exist", o.center_id),
        Err(e) => return Err(e.into()),
    };
    if center.kind != CenterKind::PocCenter {
        bail!(
            "center {} ({}) is a {}, not a proof-of-concept center: results enter a PoC center's intake",
            center.id,
            center.name,
            center.kind.label_zh()
        );
    }
    let mut t = Timings::default();

    let start = Instant::now();
    let sheet = read_sheet(o.file)?;
    let positions = map_header(&sheet.header)?;
    t.read = start.elapsed();
    t.rows = sheet.rows.len();
    if sheet.rows.is_empty() {
        bail!("{} has a header but no data rows; nothing to import", o.file.display());
    }

    let start = Instant::now();
    let orgs_by_name: HashMap<String, i64> = orgs::all_names(store.pool()).await?.into_iter().map(|(id, n)| (n, id)).collect();
    let taken = intake::ref_nos(store.pool(), center.id).await?;
    let bar = progress_bar(sheet.rows.len() as u64, "校验 checking");
    let checked = check(&sheet, &positions, &orgs_by_name, &taken, |n| bar.set_position(n as u64));
    bar.finish_and_clear();
    drop(sheet);
    t.check = start.elapsed();

    if !checked.errors.is_empty() {
        let bad_rows: HashSet<usize> = checked.errors.iter().map(|e| e.row).collect();
        for e in checked.errors.iter().take(SHOWN_ERRORS) {
            eprintln!("第{}行 {}：{} [{}]", e.row, e.column, e.message, e.code);
        }
        if checked.errors.len() > SHOWN_ERRORS {
            eprintln!("… and {} more problem(s){}", checked.errors.len() - SHOWN_ERRORS, if o.report.is_some() { "" } else { " (--report FILE lists them all)" });
        }
        if let Some(path) = o.report {
            write_report(path, &checked.errors)?;
            eprintln!("report written to {}", path.display());
        }
        bail!(
            "{} problem(s) in {} of {} rows of {}; nothing was imported",
            checked.errors.len(),
            bad_rows.len(),
            checked.rows,
            o.file.display()
        );
    }
    if let Some(path) = o.report {
        write_report(path, &[])?;
    }
    if o.dry_run {
        return Ok(t);
    }

    let start = Instant::now();
    let rows: Vec<NewResult<'_>> = checked
        .good
        .iter()
        .map(|(_, draft, owner)| NewResult {
            draft,
            owner_org_id: *owner,
            center_id: center.id,
            submitted_on: o.submitted_on,
            entered_by: o.actor.user_id,
        })
        .collect();
    let file_name = o.file.file_name().map_or_else(|| o.file.display().to_string(), |n| n.to_string_lossy().into_owned());
    let bar = progress_bar(rows.len() as u64, "写入 writing");
    let mut tx = store.write().await?;
    let written = intake::import(&mut tx, &o.actor, chrono::Utc::now(), center.id, &file_name, &rows, |n| bar.set_position(n as u64))
        .await
        .map_err(|e| match e {
            StoreError::Duplicate { .. } => anyhow::anyhow!("a 成果编号 of the list was taken meanwhile in center {}; nothing was imported", center.id),
            e => anyhow::Error::from(e).context("nothing was imported"),
        })?;
    tx.commit().await?;
    bar.finish_and_clear();
    t.insert = start.elapsed();
    t.written = written;
    Ok(t)
}

/// Rows per second over `d`.
pub fn rate(rows: usize, d: Duration) -> f64 {
    rows as f64 / d.as_secs_f64().max(1e-9)
}

/// Runs an import subcommand.
pub async fn run(cli: &Cli, cmd: &ImportCommand) -> anyhow::Result<()> {
    match cmd {
        ImportCommand::Results(args) => {
            let store = open_store(cli, 2).await?;
            let options = Options {
                center_id: args.center,
                file: &args.file,
                dry_run: args.dry_run,
                submitted_on: args.submitted_on.unwrap_or_else(|| (chrono::Utc::now() + chrono::Duration::hours(8)).date_naive()),
                report: args.report.as_deref(),
                actor: Actor::system("import"),
            };
            let outcome = import_results(&store, &options).await;
            store.close().await;
            let t = outcome?;
            let total = t.read + t.check + t.insert;
            if args.dry_run {
                println!(
                    "dry run: all {} rows of {} are valid; nothing was written (read {:.2} s, checked {:.2} s)",
                    t.rows,
                    args.file.display(),
                    t.read.as_secs_f64(),
                    t.check.as_secs_f64()
                );
            } else {
                println!(
                    "imported {} results into center {} from {} in {:.2} s (read {:.2} s, checked {:.2} s, written {:.2} s): {:.0} rows/s",
                    t.written,
                    args.center,
                    args.file.display(),
                    total.as_secs_f64(),
                    t.read.as_secs_f64(),
                    t.check.as_secs_f64(),
                    t.insert.as_secs_f64(),
                    rate(t.written, total)
                );
            }
            Ok(())
        }
    }
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

        let e = map_header(&h(&["成果名称", "成果名称", "简介", "产业领域"])).unwrap_err().to_string();
        for needle in ["缺少必需的列：成果简介、细分领域、成果来源、所属单位、研发团队、技术就绪度", "无法识别的列：简介", "重复的列：成果名称", "成果编号 (ref_no)"] {
            assert!(e.contains(needle), "{needle} in {e}");
        }
    }
}
