//! The annual white paper (科技成果转化白皮书, 002 四(四)): reads the registry,
//! the year's figures and the year's published evaluation rounds, and composes
//! them ([`pocnet_domain::white_paper::compose`]) into one document the web page,
//! the Excel workbook and the PDF all render. Public: it holds only counts,
//! published results and rankings.

use crate::evaluation::{self, RankOf};
use crate::{Context, Error, Result};
use chrono::Datelike;
use pocnet_domain::center::{counts_as_recognized, CenterKind, CenterLevel, CenterStage};
use pocnet_domain::document::Document;
use pocnet_domain::evaluation::{ActionState, RoundState};
use pocnet_domain::policy::Profile;
use pocnet_domain::supervision::CenterStatus;
use pocnet_domain::white_paper::{self, ActionFacts, CenterFacts, Facts, RoundFacts};
use pocnet_domain::FieldError;
use pocnet_store::evaluations::{self as store, actions, figures};
use pocnet_store::{centers, stats};

/// The first year a white paper can report on.
pub const FIRST_YEAR: i32 = 2000;

/// The network's own profile — the PoC profile most of the registry's centers
/// were recognized or created under, else the first shipped municipal one
/// (Wenzhou's) — whose jurisdiction, issuer, targets, catalogue and data
/// window the paper uses.
pub fn network_profile<'a>(ctx: &'a Context, centers: &[centers::Center]) -> Result<&'a Profile> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for c in centers.iter().filter(|c| c.kind == CenterKind::PocCenter) {
        if let Some(p) = c.profile_id.as_deref() {
            *counts.entry(p).or_default() += 1;
        }
    }
    let most = counts.iter().max_by_key(|(id, n)| (**n, std::cmp::Reverse(**id))).and_then(|(id, _)| ctx.profile(id)).filter(|p| p.center_kind == CenterKind::PocCenter);
    let shipped_first = pocnet_domain::policy::SHIPPED
        .iter()
        .filter_map(|(id, _)| ctx.profile(id))
        .find(|p| p.center_kind == CenterKind::PocCenter && p.level == CenterLevel::Municipal);
    most.or(shipped_first)
        .or_else(|| pocnet_domain::policy::governing(ctx.policies(), CenterKind::PocCenter, CenterLevel::Municipal, None))
        .or_else(|| ctx.policies().first())
        .ok_or_else(|| Error::rule("no_profile", "尚未加载任何政策配置，无法生成白皮书"))
}

/// The years a white paper can be read for — every year with a published round, and
/// this one, latest first — and the one shown by default: the latest with a published
/// round, else this one.
pub async fn years(ctx: &Context) -> Result<(Vec<i32>, i32)> {
    let this = ctx.today().year();
    let mut published: Vec<i32> = store::rounds(ctx.store().pool())
        .await?
        .into_iter()
        .filter(|r| r.state == RoundState::Published)
        .filter_map(|r| i32::try_from(r.year).ok())
        .collect();
    published.sort_unstable_by(|a, b| b.cmp(a));
    published.dedup();
    let default = published.first().copied().unwrap_or(this);
    let mut years = published;
    years.push(this);
    years.sort_unstable_by(|a, b| b.cmp(a));
    years.dedup();
    Ok((years, default))
}

/// Composes the white paper of `year` (from [`FIRST_YEAR`] to this year).
pub async fn compose(ctx: &Context, year: i32) -> Result<Document> {
    let today = ctx.today();
    if !(FIRST_YEAR..=today.year()).contains(&year) {
        return Err(FieldError::new("year", "out_of_range", format!("年份须在{FIRST_YEAR}年至{}年之间", today.year())).into());
    }
    let pool = ctx.store().pool();
    let registry = centers::all(pool).await?;
    let profile = network_profile(ctx, &registry)?;
    let window = profile.evaluation.window(year);
    let mut by_center = figures::of_window(pool, window, None).await?;
    let hosts = stats::host_kinds(pool).await?;
    let centers = registry
        .into_iter()
        .filter_map(|c| {
            let host_kind = *hosts.get(&c.id)?;
            let active = c.status == CenterStatus::Active;
            let recognized_on = c.recognized_on.map(|d| d.to_string());
            Some(CenterFacts {
                kind: c.kind,
                level: c.level,
                host_kind,
                region: c.region.label_zh().to_owned(),
                recognized_now: counts_as_recognized(c.stage, recognized_on.as_deref(), active),
                creating_now: c.stage == CenterStage::Creating && active,
                recognized_on: c.recognized_on,
                left_on: if active { None } else { c.status_from.or(Some(today)) },
                figures: by_center.remove(&c.id).unwrap_or_default(),
                fields: c.fields,
            })
        })
        .collect();
    let mut rounds = Vec::new();
    let mut published: Vec<_> = store::rounds(pool).await?.into_iter().filter(|r| r.state == RoundState::Published && r.year == i64::from(year)).collect();
    published.sort_by_key(|r| r.id);
    for r in published {
        let by_centers = evaluation::ranking(ctx, r.id, RankOf::Centers, "total", None).await?;
        let by_hosts = evaluation::ranking(ctx, r.id, RankOf::Hosts, "total", None).await?;
        let confirmed = actions::of_round(pool, r.id)
            .await?
            .into_iter()
            .filter(|a| a.state == ActionState::Confirmed)
            .map(|a| ActionFacts { center_name: a.center_name, kind: a.kind, amount_yuan: a.amount_yuan, until_year: a.until_year, reason: a.reason, article: a.article })
            .collect();
        rounds.push(RoundFacts {
            policy: ctx.profile(&r.profile_id).map_or_else(|| r.profile_id.clone(), |p| p.title.clone()),
            window: (r.window_from, r.window_to),
            published_on: r.published_on,
            plan: r.plan()?,
            centers: by_centers.centers.clone(),
            hosts: by_hosts.hosts.clone(),
            sensitivity: by_centers.sensitivity.clone(),
            actions: confirmed,
        });
    }
    let as_of = (ctx.now() + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string();
    let goals = ctx.policies().iter().filter(|p| p.jurisdiction == profile.jurisdiction).flat_map(|p| p.goals.iter().cloned()).collect();
    let facts = Facts {
        year,
        network: profile.jurisdiction.clone(),
        issuer: profile.issuer.clone(),
        as_of,
        today,
        window: (window.from, window.to),
        goals,
        catalogue: pocnet_domain::catalogue::Catalogue::of(profile),
        centers,
        rounds,
    };
    Ok(white_paper::compose(&facts))
}

/// What a white paper of `year` depends on besides the year's running figures: the
/// registry's generation and the year's published rounds (id and version). A paper
/// composed under another signature is stale at once; one under the same signature
/// differs only by figures recorded since it was read (its `as_of` says when).
pub async fn signature(ctx: &Context, year: i32) -> Result<String> {
    let pool = ctx.store().pool();
    let generation = pocnet_store::tallies::centers_generation(pool).await?;
    let rounds: Vec<String> = store::rounds(pool)
        .await?
        .into_iter()
        .filter(|r| r.year == i64::from(year) && r.state == RoundState::Published)
        .map(|r| format!("{}:{}", r.id, r.version))
        .collect();
    Ok(format!("g{generation}|{}", rounds.join(",")))
}
