//! The demo network's project pipeline (演示数据): for every loaded result,
//! the history its state implies — screening panels with pledges and scores,
//! verification plans with milestones, acceptances and releases, numbered
//! reports, hand-offs to the demo pilot platforms with their feedback, and a
//! few mutual recognitions. Derived deterministically; all invented.

use crate::{StoreError, StoreResult};
use chrono::{Duration, NaiveDate};
use pocnet_domain::review::{aggregate, sheet, ReviewPurpose};
use sqlx::AnyConnection;
use std::collections::BTreeMap;

const MANAGERS: &[&str] = &["陈海宁", "林思远", "黄雅琴", "周振华", "吴若琳", "郑子昂", "徐晓岚", "潘启航"];
const MILESTONES: &[(&str, &str, &str, i64)] = &[
    ("technical", "关键性能指标验证", "核心指标达到设计值并经第三方检测", 300_000),
    ("scenario", "真实场景应用验证", "在合作单位场景连续运行三个月无重大故障", 250_000),
    ("commercial", "商业模式与市场验证", "取得不少于2家意向客户并完成成本测算", 150_000),
];

#[derive(sqlx::FromRow)]
struct DemoResult {
    id: i64,
    title: String,
    state: String,
    trl: i64,
    submitted_on: String,
    owner_org_id: i64,
    center_id: Option<i64>,
}

fn day(s: &str) -> StoreResult<NaiveDate> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").map_err(|e| StoreError::Corrupt(format!("demo day {s}: {e}")))
}

struct Ctx {
    last_day: NaiveDate,
}

impl Ctx {
    /// `from` plus `days`, never after the day before loading.
    fn after(&self, from: NaiveDate, days: i64) -> NaiveDate {
        (from + Duration::days(days)).min(self.last_day)
    }
}

#[allow(clippy::too_many_arguments)]
async fn step(conn: &mut AnyConnection, id: i64, action: &str, from: &str, to: &str, at: NaiveDate, comments: &str) -> StoreResult<()> {
    sqlx::query(
        "INSERT INTO result_steps (result_id, action, from_state, to_state, actor_label, comments, at) VALUES ($1, $2, $3, $4, 'demo', $5, $6)",
    )
    .bind(id)
    .bind(action)
    .bind(from)
    .bind(to)
    .bind(comments)
    .bind(format!("{at}T02:00:00.000000Z"))
    .execute(&mut *conn)
    .await?;
    Ok(())
}

/// Fills the pipeline of every demo result. `ts` is the load time.
pub(crate) async fn fill(conn: &mut AnyConnection, ts: &str) -> StoreResult<()> {
    let today = day(ts.get(..10).unwrap_or("2026-01-01"))?;
    let c = Ctx { last_day: today - Duration::days(1) };
    let results: Vec<DemoResult> =
        sqlx::query_as("SELECT id, title, state, trl, submitted_on, owner_org_id, center_id FROM research_results ORDER BY id").fetch_all(&mut *conn).await?;
    let experts: Vec<(i64, i64, Option<i64>)> = sqlx::query_as("SELECT id, org_id, user_id FROM experts ORDER BY id").fetch_all(&mut *conn).await?;
    let platforms: Vec<i64> = sqlx::query_scalar("SELECT id FROM centers WHERE kind = 'pilot_platform' ORDER BY id").fetch_all(&mut *conn).await?;
    let poc_centers: Vec<i64> = sqlx::query_scalar("SELECT id FROM centers WHERE kind = 'poc_center' ORDER BY id").fetch_all(&mut *conn).await?;
    if experts.len() < 4 {
        return Err(StoreError::Corrupt("demo: too few experts for panels".into()));
    }
    let demo_expert = experts.iter().find(|e| e.2.is_some()).map(|e| e.0);
    let screening = sheet(ReviewPurpose::Screening);
    let mut report_seq: BTreeMap<(i64, i32), i64> = BTreeMap::new();
    let mut demo_expert_tasks = 0;
    for (i, r) in results.iter().enumerate() {
        let i = i as i64;
        let Some(center) = r.center_id else { continue };
        let submitted = day(&r.submitted_on)?;
        step(conn, r.id, "submit", "", "submitted", submitted, "").await?;
        if r.state == "submitted" {
            continue;
        }
        // Screening: three outside experts, all pledged and scored once past screening.
        let started = c.after(submitted, 10);
        step(conn, r.id, "start_screening", "submitted", "screening", started, "").await?;
        let mut panel: Vec<i64> = Vec::new();
        if r.state == "screening" && demo_expert_tasks < 3 {
            if let Some(e) = demo_expert.filter(|e| experts.iter().any(|x| x.0 == *e && x.1 != r.owner_org_id)) {
                panel.push(e);
                demo_expert_tasks += 1;
            }
        }
        let mut k = 0usize;
        while panel.len() < 3 {
            let (e, org, _) = experts[(i as usize * 7 + k * 13) % experts.len()];
            k += 1;
            if org != r.owner_org_id && !panel.contains(&e) && Some(e) != demo_expert {
                panel.push(e);
            }
        }
        let mut totals = Vec::new();
        for (n, e) in panel.iter().enumerate() {
            let pending = r.state == "screening" && (Some(*e) == demo_expert || n == 2);
            let base = 62 + ((i * 5 + n as i64 * 11) % 30) as u32;
            let card: Vec<(String, u32)> = screening.dimensions.iter().enumerate().map(|(d, dim)| (dim.code.to_owned(), (base + d as u32 * 3).min(100))).collect();
            let total = screening.total(&card).map_err(|e| StoreError::Corrupt(format!("demo scores: {e}")))?;
            let scores: BTreeMap<&str, u32> = card.iter().map(|(k, v)| (k.as_str(), *v)).collect();
            let at = format!("{}T03:00:00.000000Z", c.after(started, 5));
            sqlx::query(
                "INSERT INTO panel_seats (subject_kind, subject_id, expert_id, status, declared_at, scores_json, total_hundredths, comments, assigned_at, scored_at) \
                 VALUES ('result', $1, $2, $3, $4, $5, $6, $7, $8, $4)",
            )
            .bind(r.id)
            .bind(e)
            .bind(if pending { "pending" } else { "no_conflict" })
            .bind(if pending { None } else { Some(at.clone()) })
            .bind(if pending { "{}".to_owned() } else { serde_json::to_string(&scores).unwrap_or_default() })
            .bind(if pending { None } else { Some(i64::from(total)) })
            .bind(if pending { "" } else if total >= 7500 { "创新性与市场前景较好，建议入库" } else { "技术可行，市场论证需补充" })
            .bind(format!("{started}T02:30:00.000000Z"))
            .execute(&mut *conn)
            .await?;
            if !pending {
                totals.push(total);
            }
        }
        if let Some(agg) = aggregate(screening, &totals) {
            sqlx::query("UPDATE research_results SET screening_result_json = $1 WHERE id = $2")
                .bind(serde_json::to_string(&agg).unwrap_or_default())
                .bind(r.id)
                .execute(&mut *conn)
                .await?;
        }
        if r.state == "screening" {
            continue;
        }
        let decided = c.after(started, 20);
        if r.state == "rejected" {
            let reason = "市场需求论证不足，知识产权布局尚不完整，建议补充后重新申请";
            step(conn, r.id, "reject", "screening", "rejected", decided, reason).await?;
            sqlx::query("UPDATE research_results SET decision_reason = $1, decided_on = $2 WHERE id = $3").bind(reason).bind(decided.to_string()).bind(r.id).execute(&mut *conn).await?;
            continue;
        }
        step(conn, r.id, "admit", "screening", "admitted", decided, "").await?;
        sqlx::query("UPDATE research_results SET decided_on = $1 WHERE id = $2").bind(decided.to_string()).bind(r.id).execute(&mut *conn).await?;
        if r.state == "admitted" {
            continue;
        }
        // Verification: a plan with three milestones.
        let starts = c.after(decided, 15);
        let ends = starts + Duration::days(365);
        sqlx::query(
            "INSERT INTO verification_plans (result_id, goal, trl_target, manager_name, manager_phone, starts_on, ends_on, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8)",
        )
        .bind(r.id)
        .bind(format!("验证“{}”的技术可行性、应用场景与商业价值，形成中试或转化建议", r.title))
        .bind((r.trl + 2).min(9))
        .bind(MANAGERS[i as usize % MANAGERS.len()])
        .bind(format!("1380577{:04}", (i * 37) % 10_000))
        .bind(starts.to_string())
        .bind(ends.to_string())
        .bind(ts)
        .execute(&mut *conn)
        .await?;
        step(conn, r.id, "start_verification", "admitted", "verifying", starts, "").await?;
        let done_all = matches!(r.state.as_str(), "verified" | "handed_off");
        let mut milestone_ids = Vec::new();
        for (n, (kind, title, goal, budget)) in MILESTONES.iter().enumerate() {
            let due = starts + Duration::days(100 * (n as i64 + 1));
            // While verifying: the first accepted and paid, the second awaiting acceptance, the third planned.
            let (status, evidence, released) = match (done_all, n) {
                (true, _) | (false, 0) => ("accepted", "第三方检测报告与现场验证记录", *budget),
                (false, 1) => ("submitted", "阶段性验证报告", 0),
                _ => ("planned", "", 0),
            };
            let when = c.after(due, -5);
            let mid: i64 = sqlx::query_scalar(
                "INSERT INTO milestones (result_id, kind, title, goal, due_on, budget_yuan, status, evidence, submitted_on, decided_on, released_yuan, released_on, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $10, $12) RETURNING id",
            )
            .bind(r.id)
            .bind(kind)
            .bind(title)
            .bind(goal)
            .bind(due.to_string())
            .bind(budget)
            .bind(status)
            .bind(evidence)
            .bind((status != "planned").then(|| when.to_string()))
            .bind((status == "accepted").then(|| when.to_string()))
            .bind(released)
            .bind(ts)
            .fetch_one(&mut *conn)
            .await?;
            milestone_ids.push(mid);
        }
        if !done_all {
            if r.state == "stopped" {
                let reason = "场景验证未达预期，合作单位退出，项目终止";
                step(conn, r.id, "stop", "verifying", "stopped", c.after(starts, 120), reason).await?;
                sqlx::query("UPDATE research_results SET decision_reason = $1 WHERE id = $2").bind(reason).bind(r.id).execute(&mut *conn).await?;
            }
            continue;
        }
        // The report.
        let issued = c.after(starts, 320);
        let go_pilot = r.state == "handed_off" || i % 2 == 0;
        let trl_after = (r.trl + 2).min(9).max(if go_pilot { 4 } else { 1 });
        let seq = report_seq.entry((center, chrono::Datelike::year(&issued))).or_insert(0);
        *seq += 1;
        let report_no = format!("概验报〔{}〕{center}-{:03}号", chrono::Datelike::year(&issued), seq);
        let findings: Vec<serde_json::Value> =
            milestone_ids.iter().zip(MILESTONES).map(|(id, (_, t, _, _))| serde_json::json!({"milestone_id": id, "finding": format!("{t}：达到验收标准")})).collect();
        sqlx::query(
            "INSERT INTO verification_reports (result_id, report_no, center_id, summary, findings_json, trl_after, recommendation, issued_on) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(r.id)
        .bind(&report_no)
        .bind(center)
        .bind(if go_pilot { "各里程碑均通过验收，技术与市场风险可控，建议进入中试熟化" } else { "技术验证通过，商业模式仍需打磨，建议继续验证" })
        .bind(serde_json::Value::Array(findings).to_string())
        .bind(trl_after)
        .bind(if go_pilot { "go_pilot" } else { "continue" })
        .bind(issued.to_string())
        .execute(&mut *conn)
        .await?;
        sqlx::query("UPDATE research_results SET trl_after = $1 WHERE id = $2").bind(trl_after).bind(r.id).execute(&mut *conn).await?;
        // Outcomes come out of the verification: dated between its start and the report.
        sqlx::query("UPDATE result_outcomes SET achieved_on = $1 WHERE result_id = $2").bind(c.after(starts, 300).to_string()).bind(r.id).execute(&mut *conn).await?;
        step(conn, r.id, "issue_report", "verifying", "verified", issued, &report_no).await?;
        // Mutual recognition by another PoC center now and then.
        if i % 4 == 1 {
            if let Some(other) = poc_centers.iter().find(|x| **x != center) {
                sqlx::query("INSERT INTO report_acceptances (result_id, center_id, note, accepted_on) VALUES ($1, $2, $3, $4)")
                    .bind(r.id)
                    .bind(other)
                    .bind("采信该验证结论，不再重复验证")
                    .bind(c.after(issued, 10).to_string())
                    .execute(&mut *conn)
                    .await?;
            }
        }
        if r.state != "handed_off" || platforms.is_empty() {
            continue;
        }
        let platform = platforms[i as usize % platforms.len()];
        let sent = c.after(issued, 5);
        sqlx::query(
            "INSERT INTO handoffs (result_id, platform_center_id, state, note, sent_on, responded_on, response_note, feedback, needs, feedback_on) \
             VALUES ($1, $2, 'accepted', $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(r.id)
        .bind(platform)
        .bind("验证报告建议进入中试，请安排小批量试制与工艺验证")
        .bind(sent.to_string())
        .bind(c.after(sent, 7).to_string())
        .bind("同意接收，纳入本季度中试计划")
        .bind("完成首轮小批量试制，良率达到90%以上")
        .bind("需工艺放大资金与洁净车间产能")
        .bind(c.after(sent, 60).to_string())
        .execute(&mut *conn)
        .await?;
        step(conn, r.id, "hand_off", "verified", "handed_off", c.after(sent, 7), "中试平台已接收").await?;
    }
    // The stage follows the readiness level (a sample from level 4, pilot scale from 7).
    sqlx::query("UPDATE research_results SET stage = CASE WHEN trl >= 7 THEN 'pilot' WHEN trl >= 4 THEN 'prototype' ELSE 'lab' END")
        .execute(&mut *conn)
        .await?;
    // Every third result keeps its team confidential (商业秘密).
    sqlx::query("UPDATE research_results SET secret_parts = '[\"team\"]' WHERE id % 3 = 0").execute(&mut *conn).await?;
    for ((center, year), n) in report_seq {
        sqlx::query("INSERT INTO settings (key, value) VALUES ($1, $2)").bind(format!("report_seq:{center}:{year}")).bind(n.to_string()).execute(&mut *conn).await?;
    }
    Ok(())
}
