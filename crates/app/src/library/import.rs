//! A results list (批量导入成果) into a center's intake — one workflow for the
//! operator's upload (web) and `pocnet import results` (console): the header
//! before any row, every row with its problems by row and column, duplicates
//! in the list and in the center, and all rows in one transaction or none.
//! Only an active proof-of-concept center takes results.

use crate::{Caller, Context, Error, Result};
use chrono::NaiveDate;
use pocnet_domain::id::{CenterId, OrgId};
use pocnet_domain::library::list::{self, RowError};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::library::intake::{self, NewResult};
use pocnet_store::{orgs, StoreError};
use serde::Serialize;
use std::collections::HashMap;

/// A list to import.
#[derive(Debug, Clone, Copy)]
pub struct Upload<'a> {
    /// The receiving center (`None`: the caller did not choose one).
    pub center_id: Option<CenterId>,
    /// The file's name (decides .xlsx or .csv).
    pub file_name: &'a str,
    /// The file.
    pub bytes: &'a [u8],
    /// Check only, write nothing.
    pub dry_run: bool,
    /// Day of submission; today (China) when not given.
    pub submitted_on: Option<NaiveDate>,
}

/// How an import went.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = ResultImportReport)]
pub struct ImportReport {
    /// Data rows read.
    pub rows: usize,
    /// Results written (0 on a dry run or with any problem).
    pub written: usize,
    /// Checked only.
    pub dry_run: bool,
    /// Every problem, by row (as Excel numbers it) and column; any problem means nothing was written.
    pub errors: Vec<RowError>,
}

/// A phase of a long import, for progress bars.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// The file was read: this many data rows.
    Read,
    /// Checking rows (with look-ups of units and numbers taken).
    Checking,
    /// Writing rows in one transaction.
    Writing,
}

/// Where an import reports its progress: `(phase, rows done, rows in all)`.
pub type Progress<'a> = &'a mut (dyn FnMut(Phase, usize, usize) + Send);

/// Checks a list and, unless it is a dry run or any row is wrong, imports
/// every row into the center in one transaction.
pub async fn import_results(ctx: &Context, caller: &Caller, upload: Upload<'_>, progress: Progress<'_>) -> Result<ImportReport> {
    caller.require(&[Role::Center])?;
    let pool = ctx.store().pool();
    let center = super::receiving_center(ctx, caller, upload.center_id).await?;
    if caller.user().is_some_and(|u| u.org_id != center.host_org_id) {
        return Err(Error::Forbidden);
    }
    let sheet = list::read_sheet(upload.file_name, upload.bytes).map_err(|e| FieldError::new("file", "unreadable", e))?;
    let positions = list::map_header(&sheet.header).map_err(|e| FieldError::new("file", "bad_header", e))?;
    if sheet.rows.is_empty() {
        return Err(FieldError::new("file", "no_rows", "清单只有表头，没有数据行").into());
    }
    let total = sheet.rows.len();
    progress(Phase::Read, total, total);
    let names: HashMap<String, OrgId> = orgs::all_names(pool).await?.into_iter().map(|(id, n)| (n, id)).collect();
    let taken = intake::ref_nos(pool, center.id).await?;
    let catalogue = ctx.catalogue_for(center.kind, center.profile_id.as_deref());
    let checked = list::check(&sheet, &positions, &names, &taken, &catalogue, |n| progress(Phase::Checking, n, total));
    let mut report = ImportReport { rows: checked.rows, written: 0, dry_run: upload.dry_run, errors: checked.errors };
    if !report.errors.is_empty() || upload.dry_run {
        return Ok(report);
    }
    let submitted_on = upload.submitted_on.unwrap_or_else(|| ctx.today());
    let entered_by = caller.user().map(|u| u.id);
    let rows: Vec<NewResult<'_>> = checked
        .good
        .iter()
        .map(|(_, draft, owner)| NewResult { draft, owner_org_id: *owner, center_id: Some(center.id), submitted_on, entered_by })
        .collect();
    let written_total = rows.len();
    let mut tx = ctx.store().write().await?;
    report.written = intake::import(&mut tx, &caller.actor(), ctx.now(), center.id, upload.file_name, &rows, |n| progress(Phase::Writing, n, written_total))
        .await
        .map_err(|e| match e {
            StoreError::Duplicate { .. } => Error::Conflict {
                code: "duplicate",
                message: "清单中的成果编号刚被占用，未导入任何数据".into(),
                field: Some("file".into()),
            },
            other => other.into(),
        })?;
    tx.commit().await?;
    Ok(report)
}
