//! Expert panels (评审专家组), one workflow whatever they judge: an
//! application's review (bureau, 市级评审) or a result's admission screening
//! (the owning center, 入库遴选) — and next, a center's annual evaluation.
//! Inviting an expert checks conflicts first (unit, declared conflicts,
//! blacklist, the subject's own team, availability); an invited expert
//! declares before seeing the materials (no conflict with the pledge, recusal
//! or refusal — the seat's machine in `domain::panel::seat`); a pledged expert
//! scores on the subject's sheet and the panel's aggregate is written back; a
//! seat left by a recusal or refusal is filled once.
//!
//! Each subject's own workflow says who manages its panel, when the panel is
//! open and what its conflicts are ([`Judged`]); everything else is here once.

use crate::{evaluation, library, recognition, Caller, Context, Error, Result};
use chrono::NaiveDate;
use pocnet_domain::id::{ExpertId, OrgId};
use pocnet_domain::panel::seat::{self, Declaration, SeatRefusal, VacancyError};
use pocnet_domain::review::{Aggregate, ScoreSheet};
use pocnet_domain::role::Role;
use pocnet_domain::validation::text;
use pocnet_domain::FieldError;
use pocnet_store::experts::{self, Expert};
use pocnet_store::panels::{self as store, Card, Subject};
use serde::Deserialize;

/// The calling account's expert-library id, if it is a linked expert account.
pub async fn expert_of(ctx: &Context, caller: &Caller) -> Result<Option<ExpertId>> {
    match caller.user() {
        Some(u) if u.role == Role::Expert => Ok(experts::of_user(ctx.store().pool(), u.id).await?.map(|e| e.id)),
        _ => Ok(None),
    }
}

/// The unit whose item an expert would judge.
#[derive(Debug, Clone)]
pub struct Owner {
    /// Its id.
    pub org_id: OrgId,
    /// Its name.
    pub org_name: String,
    /// What it is to the item, e.g. 申报单位, 成果所属单位.
    pub role: &'static str,
}

/// Who, besides the owner's unit, may not sit on the subject's panel.
#[derive(Debug, Clone)]
pub enum Excluded {
    /// The center's advisory experts (library ids).
    Advisors(Vec<ExpertId>),
    /// The result's team members (names, as typed by the owner).
    Team(Vec<String>),
}

/// What a panel judges, as the panel rules need it.
#[derive(Debug, Clone)]
pub struct Judged {
    /// The application or result.
    pub subject: Subject,
    /// Its owner unit.
    pub owner: Owner,
    /// Who else may not sit on its panel.
    pub excluded: Excluded,
    /// The score sheet.
    pub sheet: ScoreSheet,
    /// Whether one overall 0–100 score is taken instead of the sheet's dimensions.
    pub overall_score: bool,
    /// Whether the subject is in the phase that takes panel work.
    pub open: bool,
}

/// A library expert to be invited (an unknown id names the field).
pub async fn library_expert(ctx: &Context, expert_id: ExpertId) -> Result<Expert> {
    experts::get(ctx.store().pool(), expert_id).await.map_err(|e| match e {
        pocnet_store::StoreError::NotFound => Error::from(FieldError::unknown_value("expert_id", "专家")),
        other => other.into(),
    })
}

/// Why an expert may not judge anything of `owner`, if any: blacklisted,
/// paused, of the same unit, or a declared conflict with it.
pub fn unfit(e: &Expert, owner: &Owner) -> Option<String> {
    if let Some(r) = &e.blacklisted {
        Some(format!("{}已被列入黑名单（{r}）", e.name))
    } else if !e.active {
        Some(format!("{}已暂停参评", e.name))
    } else if e.org_id == owner.org_id {
        Some(format!("{}与{}同属{}", e.name, owner.role, e.org_name))
    } else if e.conflict_orgs.contains(&owner.org_id) {
        Some(format!("{}已申报与{}存在利益关系，须回避", e.name, owner.org_name))
    } else {
        None
    }
}

/// The expert's declared unavailability covering `today`, if any.
pub fn unavailable(e: &Expert, today: NaiveDate) -> Option<String> {
    e.unavailable.iter().find(|w| w.covers(today)).map(|w| format!("{}在{}至{}期间不可参评（{}）", e.name, w.from, w.to, w.reason))
}

/// Why `e` may not sit on the panel of `judged` today, if any: unfit for the
/// owner unit, excluded as an advisor or a team member, or unavailable.
pub fn reason_against(e: &Expert, judged: &Judged, today: NaiveDate) -> Option<String> {
    unfit(e, &judged.owner)
        .or_else(|| match &judged.excluded {
            Excluded::Advisors(ids) => ids.contains(&e.id).then(|| format!("{}是该中心顾问专家团队成员", e.name)),
            Excluded::Team(names) => names.iter().any(|m| m.trim() == e.name.trim()).then(|| format!("{}是该成果研发团队成员", e.name)),
        })
        .or_else(|| unavailable(e, today))
}

/// Why an expert may not sit on the panel of `judged`, if any (checked before
/// anyone is invited and again when a solver's panels are confirmed).
pub async fn conflict_of(ctx: &Context, judged: &Judged, expert_id: ExpertId) -> Result<Option<String>> {
    let e = library_expert(ctx, expert_id).await?;
    Ok(reason_against(&e, judged, ctx.today()))
}

/// The subject's panel for its manager to staff: the bureau an
/// application's, the owning center a result's.
pub async fn to_manage(ctx: &Context, caller: &Caller, subject: Subject, replacing: bool) -> Result<Judged> {
    match subject {
        Subject::Application(id) => recognition::panel_to_manage(ctx, caller, id, replacing).await,
        Subject::Result(id) => library::panel_to_manage(ctx, caller, id, replacing).await,
        Subject::Evaluation(id) => evaluation::panel_to_manage(ctx, caller, id, replacing).await,
    }
}

/// The subject's panel for the calling expert to sit on, with its seat.
async fn to_sit(ctx: &Context, caller: &Caller, subject: Subject, scoring: bool) -> Result<(Judged, store::Seat)> {
    match subject {
        Subject::Application(id) => recognition::panel_to_sit(ctx, caller, id, scoring).await,
        Subject::Result(id) => library::panel_to_sit(ctx, caller, id, scoring).await,
        Subject::Evaluation(id) => evaluation::panel_to_sit(ctx, caller, id, scoring).await,
    }
}

/// Invites a library expert to the subject's panel, after the conflict
/// checks; with `replaces`, into the seat of an expert who recused or
/// declined (once per vacated seat).
pub async fn invite(ctx: &Context, caller: &Caller, subject: Subject, expert_id: ExpertId, replaces: Option<ExpertId>) -> Result<()> {
    let judged = to_manage(ctx, caller, subject, false).await?;
    if let Some(reason) = conflict_of(ctx, &judged, expert_id).await? {
        return Err(Error::rule("conflict_of_interest", format!("不能邀请：{reason}")));
    }
    if let Some(left) = replaces {
        let seats: Vec<_> = store::seats(ctx.store().pool(), subject).await?.iter().map(store::Seat::occupancy).collect();
        match seat::open_seat(&seats, left) {
            Ok(_) => {}
            Err(VacancyError::SeatFilled) => {
                return Err(Error::Conflict { code: "seat_filled", message: VacancyError::SeatFilled.to_string(), field: Some("replaces".into()) })
            }
            Err(VacancyError::NotOnPanel | VacancyError::NotVacated) => return Err(VacancyError::NotVacated.on("replaces").into()),
        }
    }
    let mut tx = ctx.store().write().await?;
    store::invite(&mut tx, &caller.actor(), ctx.now(), subject, expert_id, replaces).await?;
    tx.commit().await?;
    Ok(())
}

/// An expert's declaration before seeing the materials, as sent.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DeclarationInput {
    /// `no_conflict` (declares no conflict and accepts the confidentiality
    /// pledge), `recuse` (a conflict of interest) or `decline` (cannot take part).
    pub decision: String,
    /// For `no_conflict`: must be `true` (保密承诺).
    #[serde(default)]
    pub pledge: Option<String>,
    /// For `recuse` and `decline`: why.
    #[serde(default)]
    pub reason: String,
}

/// Reads a declaration; no conflict needs the confidentiality pledge, a
/// recusal or a refusal its reason.
pub fn parse_declaration(input: &DeclarationInput) -> Result<Declaration> {
    Ok(match input.decision.as_str() {
        "no_conflict" => {
            if !matches!(input.pledge.as_deref(), Some("true" | "1" | "on" | "yes")) {
                return Err(FieldError::new("pledge", "pledge_required", "须签署保密承诺后方可查看材料").into());
            }
            Declaration::NoConflict
        }
        "recuse" => Declaration::Recuse(text("reason", "回避理由", &input.reason, 2, 500)?),
        "decline" => Declaration::Decline(text("reason", "谢绝理由", &input.reason, 2, 500)?),
        _ => return Err(FieldError::unknown_value("decision", "声明").into()),
    })
}

fn refused(r: SeatRefusal) -> Error {
    match r {
        SeatRefusal::AlreadyDeclared => Error::Conflict { code: r.code(), message: r.to_string(), field: None },
        SeatRefusal::DeclarationRequired => Error::rule(r.code(), r.to_string()),
    }
}

/// The calling expert declares no conflict (with the pledge; then it sees the
/// materials), recuses or declines — once.
pub async fn declare(ctx: &Context, caller: &Caller, subject: Subject, input: &DeclarationInput) -> Result<()> {
    let (_, seat) = to_sit(ctx, caller, subject, false).await?;
    let declaration = parse_declaration(input)?;
    let step = seat.conflict_status.declare(declaration).map_err(refused)?;
    let mut tx = ctx.store().write().await?;
    store::declare(&mut tx, &caller.actor(), ctx.now(), subject, seat.expert_id, &step).await.map_err(|e| match e {
        // Another declaration of the same seat won the race.
        pocnet_store::StoreError::VersionConflict { .. } => refused(SeatRefusal::AlreadyDeclared),
        other => other.into(),
    })?;
    tx.commit().await?;
    Ok(())
}

/// A score, as sent by an expert: per dimension of the subject's sheet
/// (`scores`), or — where the subject takes it — one overall score 0–100 (`score`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ScoreInput {
    /// Overall score 0–100 (when no dimensions are given).
    pub score: Option<i64>,
    /// Scores per dimension code, 0–100 each.
    #[serde(default)]
    pub scores: std::collections::BTreeMap<String, i64>,
    /// Comments.
    #[serde(default)]
    pub comments: String,
}

/// The scores as stored (JSON per dimension) and their weighted total in hundredths.
fn card_of(judged: &Judged, input: &ScoreInput) -> Result<(String, i64)> {
    if input.scores.is_empty() && judged.overall_score {
        let s = input.score.ok_or_else(|| FieldError::required("scores", "评分"))?;
        if !(0..=100).contains(&s) {
            return Err(FieldError::new("score", "out_of_range", "评分须在0至100之间").into());
        }
        return Ok(("{}".to_owned(), s * 100));
    }
    let mut card = Vec::new();
    for (k, v) in &input.scores {
        let v = u32::try_from(*v).map_err(|_| FieldError::new(format!("scores.{k}"), "out_of_range", "评分须在0至100之间"))?;
        card.push((k.clone(), v));
    }
    let total = judged.sheet.total(&card).map_err(|e| FieldError::new("scores", "invalid_scores", e.to_string()))?;
    Ok((serde_json::to_string(&input.scores).unwrap_or_else(|_| "{}".into()), i64::from(total)))
}

/// Records the calling expert's scores (a pledged seat, while the panel is
/// open); the panel's aggregate is written back to the subject and returned.
pub async fn score(ctx: &Context, caller: &Caller, subject: Subject, input: &ScoreInput) -> Result<Option<Aggregate>> {
    let (judged, seat) = to_sit(ctx, caller, subject, true).await?;
    seat.conflict_status.may_score().map_err(refused)?;
    let (scores_json, total_hundredths) = card_of(&judged, input)?;
    let label = match subject {
        Subject::Application(_) => "评审意见",
        Subject::Result(_) | Subject::Evaluation(_) => "评价意见",
    };
    let comments = text("comments", label, &input.comments, 0, 2000)?;
    let card = Card { scores_json: &scores_json, total_hundredths, comments: &comments };
    let mut tx = ctx.store().write().await?;
    let result = store::score(&mut tx, &caller.actor(), ctx.now(), subject, seat.expert_id, &card, &judged.sheet).await?;
    tx.commit().await?;
    if let Subject::Evaluation(id) = subject {
        evaluation::refresh(ctx, id).await?;
    }
    Ok(result)
}
