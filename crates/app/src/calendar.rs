//! The working-day calendar in effect (工作日历): the configured State Council
//! schedule overlaid by the bureau's uploads.

use crate::{Context, Error, Result};
use pocnet_domain::calendar::HolidayCalendar;
use pocnet_store::calendar as store;
use std::sync::Arc;

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
