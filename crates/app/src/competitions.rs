//! Concept-verification competitions (概念验证竞赛, 004 四(四)) as each side takes part: the bureau
//! announces a competition, closes its entries, records the jury's scores and announces the prizes
//! down the ranking; a researcher's or an enterprise's account enters its unit's project within the
//! window and may take it back before the entries close. Anyone reads a competition and, once
//! announced, its winners; an entrant reads its own entries; the bureau reads every entry.

use crate::{Caller, Context, Error, Result};
use pocnet_domain::competitions::{self as domain, CompetitionDraft, CompetitionState, EntryDraft, EntryState, RawCompetition, RawEntry};
use pocnet_domain::role::Role;
use pocnet_domain::FieldError;
use pocnet_store::competitions::{self as store, Competition, Entry, EntryScope};
use pocnet_store::{Page, Paged, StoreError};
use serde::{Deserialize, Serialize};

/// A competition as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CompetitionInput {
    /// 竞赛名称, 2–60 characters.
    pub title: String,
    /// 竞赛说明, 10–4,000 characters.
    pub description: String,
    /// Field code; empty for every field.
    #[serde(default)]
    pub field: String,
    /// 报名开始, YYYY-MM-DD (from today).
    pub opens_on: String,
    /// 报名截止, YYYY-MM-DD (within a year of the start).
    pub closes_on: String,
    /// 一等奖名额 (0–50).
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub prize_first: String,
    /// 二等奖名额.
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub prize_second: String,
    /// 三等奖名额.
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub prize_third: String,
    /// 优秀奖名额.
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub prize_merit: String,
}

/// A competition's page for one caller.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CompetitionView {
    /// The competition.
    pub competition: Competition,
    /// The entries the caller reads: every entry (the bureau), its unit's own (an entrant), the
    /// prize winners once announced (everyone).
    pub entries: Vec<Entry>,
    /// Whether the caller runs it (the bureau).
    pub runs: bool,
    /// Whether the caller may enter now.
    pub may_enter: bool,
    /// What happens next, in words.
    pub next: String,
}

fn next_words(c: &Competition, today: chrono::NaiveDate) -> String {
    match c.state {
        CompetitionState::Open => match domain::accepts_entries(c.state, c.opens_on, c.closes_on, today) {
            Ok(()) => format!("报名中（{}至{}），已有{}个项目报名。", c.opens_on, c.closes_on, c.entries),
            Err(why) if today > c.closes_on => format!("{why}，等待市科技局结束报名、组织评审。"),
            Err(why) => format!("{why}。"),
        },
        CompetitionState::Judging if c.scored < c.entries => format!("评审中：已评分{}/{}个项目，全部评分后公布结果。", c.scored, c.entries),
        CompetitionState::Judging => "评审完成，等待市科技局公布获奖结果。".into(),
        CompetitionState::Announced => format!("获奖结果已于{}公布。", c.announced_on.map(|d| d.to_string()).unwrap_or_default()),
    }
}

/// One competition (anyone; `caller` is `None` for the public).
pub async fn view(ctx: &Context, caller: Option<&Caller>, id: i64) -> Result<CompetitionView> {
    let c = store::get(ctx.store().pool(), id).await?;
    let user = caller.and_then(Caller::user);
    let runs = caller.is_some_and(|c| c.user().is_none_or(|u| u.role == Role::Bureau));
    let scope = if runs {
        Some(EntryScope::All)
    } else {
        match user {
            Some(u) if u.role == Role::Researcher => Some(EntryScope::Org(u.org_id)),
            _ => None,
        }
    };
    let mut entries = match scope {
        Some(s) => store::entries(ctx.store().pool(), id, s).await?,
        None => Vec::new(),
    };
    if c.state == CompetitionState::Announced && !runs {
        // The winners are public; an entrant also keeps its own (with their state).
        for w in store::entries(ctx.store().pool(), id, EntryScope::Awarded).await? {
            if !entries.iter().any(|e| e.id == w.id) {
                entries.push(w);
            }
        }
    }
    let may_enter = user.is_some_and(|u| u.role == Role::Researcher) && domain::accepts_entries(c.state, c.opens_on, c.closes_on, ctx.today()).is_ok();
    Ok(CompetitionView { next: next_words(&c, ctx.today()), competition: c, entries, runs, may_enter })
}

/// Announces a competition (the bureau).
pub async fn create(ctx: &Context, caller: &Caller, input: &CompetitionInput) -> Result<CompetitionView> {
    caller.require(&[Role::Bureau])?;
    let raw = RawCompetition {
        title: &input.title,
        description: &input.description,
        field: &input.field,
        opens_on: &input.opens_on,
        closes_on: &input.closes_on,
        prizes: [&input.prize_first, &input.prize_second, &input.prize_third, &input.prize_merit],
    };
    let draft = CompetitionDraft::parse(&raw, ctx.today()).map_err(Error::Invalid)?;
    let mut tx = ctx.store().write().await?;
    let id = store::create(&mut tx, &caller.actor(), ctx.now(), &draft).await?;
    tx.commit().await?;
    view(ctx, Some(caller), id).await
}

/// A step as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CompetitionStepInput {
    /// `close` (end the entries, the jury begins) or `announce` (every entry scored).
    pub action: String,
    /// The version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

fn conflict(message: impl Into<String>) -> Error {
    Error::Conflict { code: "illegal_transition", message: message.into(), field: None }
}

/// Closes the entries or announces the prizes down the ranking (the bureau).
pub async fn step(ctx: &Context, caller: &Caller, id: i64, input: &CompetitionStepInput) -> Result<CompetitionView> {
    caller.require(&[Role::Bureau])?;
    let c = store::get(ctx.store().pool(), id).await?;
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    match input.action.trim() {
        "close" if c.state == CompetitionState::Open => store::close(&mut tx, &caller.actor(), ctx.now(), id, version).await?,
        "close" => return Err(conflict(format!("竞赛{}，不能再结束报名", c.state.label_zh()))),
        "announce" if c.state != CompetitionState::Judging => return Err(conflict("结束报名并完成评审后才能公布结果")),
        "announce" if c.scored < c.entries => return Err(conflict(format!("还有{}个项目未评分，全部评分后才能公布结果", c.entries - c.scored))),
        "announce" => {
            let scored: Vec<(i64, i32)> =
                store::entries(ctx.store().pool(), id, EntryScope::All).await?.iter().filter(|e| e.state == EntryState::Entered).map(|e| (e.id, e.score.unwrap_or(0))).collect();
            let prizes = domain::award(&scored, c.prizes());
            store::announce(&mut tx, &caller.actor(), ctx.now(), id, version, &prizes, ctx.today()).await?;
        }
        _ => return Err(FieldError::unknown_value("action", "操作").into()),
    }
    tx.commit().await?;
    view(ctx, Some(caller), id).await
}

/// The jury's scores as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScoresInput {
    /// The rows: an entry and its score (0–100).
    pub scores: Vec<ScoreInput>,
    /// The competition's version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// One entry's score as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScoreInput {
    /// The entry.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub entry_id: Option<i64>,
    /// The score, 0–100 (blank rows are skipped).
    #[serde(default, deserialize_with = "pocnet_domain::library::intake::string_or_number")]
    #[schema(schema_with = pocnet_domain::library::intake::string_or_integer)]
    pub score: String,
}

/// Keeps the jury's scores (the bureau, while judging); rows named `scores[i].score` on error.
pub async fn score(ctx: &Context, caller: &Caller, id: i64, input: &ScoresInput) -> Result<CompetitionView> {
    caller.require(&[Role::Bureau])?;
    let c = store::get(ctx.store().pool(), id).await?;
    if c.state != CompetitionState::Judging {
        return Err(conflict("结束报名后才能评分，公布结果后不能再改"));
    }
    let standing: Vec<i64> = store::entries(ctx.store().pool(), id, EntryScope::All).await?.iter().filter(|e| e.state == EntryState::Entered).map(|e| e.id).collect();
    let mut errors = Vec::new();
    let mut rows: Vec<(i64, i32)> = Vec::new();
    for (i, r) in input.scores.iter().enumerate() {
        if r.score.trim().is_empty() {
            continue;
        }
        match r.entry_id {
            Some(e) if standing.contains(&e) && !rows.iter().any(|(x, _)| *x == e) => match r.score.trim().parse::<i32>() {
                Ok(s @ 0..=100) => rows.push((e, s)),
                _ => errors.push(FieldError::new(format!("scores[{i}].score"), "out_of_range", "评分须为0至100的整数")),
            },
            _ => errors.push(FieldError::unknown_value(&format!("scores[{i}].entry_id"), "参赛项目")),
        }
    }
    if !errors.is_empty() {
        return Err(Error::Invalid(errors));
    }
    if rows.is_empty() {
        return Err(FieldError::new("scores", "required", "请至少填写一个项目的评分").into());
    }
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::score(&mut tx, &caller.actor(), ctx.now(), id, version, &rows).await?;
    tx.commit().await?;
    view(ctx, Some(caller), id).await
}

/// An entry as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EntryInput {
    /// 参赛项目名称, 2–100 characters.
    pub title: String,
    /// 项目简介, 10–2,000 characters (public if it wins).
    pub summary: String,
    /// 团队成员, 2–200 characters.
    pub team: String,
    /// 应用场景, up to 1,000 characters.
    #[serde(default)]
    pub scenario: String,
}

/// Enters the caller's unit's project (a researcher's or an enterprise's account, within the window).
pub async fn enter(ctx: &Context, caller: &Caller, id: i64, input: &EntryInput) -> Result<CompetitionView> {
    caller.require(&[Role::Researcher])?;
    let me = caller.user().ok_or(Error::Forbidden)?;
    let c = store::get(ctx.store().pool(), id).await?;
    domain::accepts_entries(c.state, c.opens_on, c.closes_on, ctx.today()).map_err(|message| Error::Rule { code: "not_open", message })?;
    let draft = EntryDraft::parse(&RawEntry { title: &input.title, summary: &input.summary, team: &input.team, scenario: &input.scenario }).map_err(Error::Invalid)?;
    let mut tx = ctx.store().write().await?;
    store::enter(&mut tx, &caller.actor(), ctx.now(), id, me.org_id, Some(me.id), &draft).await.map_err(|e| match e {
        StoreError::Refused { code, message } => Error::Rule { code, message },
        StoreError::Duplicate { .. } => Error::Conflict { code: "duplicate", message: "本单位已用同一名称报名".into(), field: Some("title".into()) },
        e => e.into(),
    })?;
    tx.commit().await?;
    view(ctx, Some(caller), id).await
}

/// A version read (a withdrawal).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct EntryWithdrawInput {
    /// The entry's version read.
    #[serde(default, deserialize_with = "crate::input::empty_as_none")]
    #[schema(value_type = i64)]
    pub version: Option<i64>,
}

/// Takes an entry back (its unit's researchers, while the entries are open). Answers the competition.
pub async fn withdraw(ctx: &Context, caller: &Caller, entry_id: i64, input: &EntryWithdrawInput) -> Result<CompetitionView> {
    caller.require(&[Role::Researcher])?;
    let me = caller.user().ok_or(Error::Forbidden)?;
    let e = store::entry(ctx.store().pool(), entry_id).await?;
    if e.org_id != me.org_id {
        return Err(Error::NotFound);
    }
    let version = crate::input::version(input.version)?;
    let mut tx = ctx.store().write().await?;
    store::withdraw(&mut tx, &caller.actor(), ctx.now(), entry_id, version).await.map_err(|err| match err {
        StoreError::VersionConflict { .. } if e.state != EntryState::Entered => conflict(format!("参赛项目{}，不能再撤回", e.state.label_zh())),
        err => err.into(),
    })?;
    tx.commit().await?;
    view(ctx, Some(caller), e.competition_id).await
}

/// Which competitions (query string).
#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompetitionQuery {
    /// `open`, `judging` or `announced`.
    #[serde(default)]
    pub state: Option<String>,
}

/// The competitions (anyone), newest first.
pub async fn list(ctx: &Context, q: &CompetitionQuery, page: Page) -> Result<Paged<Competition>> {
    let state = match q.state.as_deref().filter(|s| !s.is_empty()) {
        Some(s) => Some(CompetitionState::parse(s).map_err(|_| FieldError::unknown_value("state", "状态"))?),
        None => None,
    };
    Ok(store::list(ctx.store().pool(), state, page).await?)
}
