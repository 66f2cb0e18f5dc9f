//! The working-day calendar in effect (工作日历): the configured State Council
//! schedule overlaid by the bureau's uploads. The State Council publishes next
//! year's holidays each autumn and the bureau uploads the schedule (a TOML file
//! as `data/calendar/cn-state-council.toml`), checked with every problem by
//! line before anything is kept.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::calendar::{HolidayCalendar, Problem};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::calendar::{self as store, CalendarUpload};
use std::sync::Arc;

/// A calendar file is small (one year is a dozen lines).
pub const MAX_FILE: usize = 256 * 1024;

/// The calendar in effect: the configured schedule overlaid by the bureau's
/// uploads. One indexed lookup per call; the uploads are reread only when a
/// newer one exists (another web node may have taken it).
pub async fn effective(ctx: &Context) -> Result<Arc<HolidayCalendar>> {
    let base = ctx.calendar();
    let Some(latest) = store::latest_id(ctx.store().pool()).await? else {
        return Ok(Arc::clone(base));
    };
    let poisoned = || Error::Internal("calendar cache poisoned".into());
    if let Some((id, cal)) = ctx.effective_calendar().lock().map_err(|_| poisoned())?.as_ref() {
        if *id == latest {
            return Ok(Arc::clone(cal));
        }
    }
    let mut cal = HolidayCalendar::clone(base);
    for (_, text) in store::contents(ctx.store().pool()).await? {
        // Every upload was checked before it was kept; one that no longer parses is skipped, never guessed.
        if let Ok(upload) = HolidayCalendar::parse(&text) {
            cal = cal.overlaid(&upload);
        }
    }
    let cal = Arc::new(cal);
    *ctx.effective_calendar().lock().map_err(|_| poisoned())? = Some((latest, Arc::clone(&cal)));
    Ok(cal)
}

fn problem_error(p: &Problem) -> FieldError {
    let message = match p.line {
        Some(l) => format!("第{l}行：{}", p.message),
        None => p.message.clone(),
    };
    FieldError::new("file", "invalid_calendar", message)
}

/// Checks an uploaded calendar file and keeps it (bureau). Every problem comes
/// back with its line, and nothing is kept unless the whole file is right.
pub async fn upload(ctx: &Context, caller: &Caller, filename: &str, bytes: &[u8]) -> Result<CalendarUpload> {
    caller.require(&[Role::Bureau])?;
    if bytes.is_empty() {
        return Err(FieldError::required("file", "工作日历文件").into());
    }
    if bytes.len() > MAX_FILE {
        return Err(FieldError::new("file", "too_large", "工作日历文件不得超过256KB").into());
    }
    let text = std::str::from_utf8(bytes).map_err(|_| FieldError::new("file", "not_utf8", "工作日历文件须为UTF-8编码的TOML文本"))?;
    // Every problem is reported as a list, even a single one.
    let parsed = HolidayCalendar::parse(text).map_err(|problems| Error::Invalid(problems.iter().map(problem_error).collect()))?;
    let years: Vec<i32> = parsed.years().collect();
    let name = pocnet_domain::validation::text("filename", "文件名", filename, 1, 200).unwrap_or_else(|_| "calendar.toml".into());
    let mut tx = ctx.store().write().await?;
    let u = store::add(&mut tx, &caller.actor(), ctx.now(), &name, text, &years).await?;
    tx.commit().await?;
    Ok(u)
}
