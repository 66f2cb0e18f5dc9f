//! The to-do list (待办事项) of each role: which kinds of work wait for it,
//! what they are called, where the work is done, and how an expert's own
//! seat on a panel reads (待声明 / 待评分 / 已评分).
//!
//! The store counts each kind within the caller's scope (the county's region,
//! the operator's host unit, the expert's own seats, the researcher's unit);
//! this module decides which kinds a role has and turns the counts into the
//! list every surface shows — the dashboard, the to-do page, the navigation
//! badge and `GET /api/v1/me/todo`.

use crate::role::Role;
use chrono::{Days, NaiveDate};
use serde::Serialize;

string_enum! {
    /// A kind of work waiting for someone.
    pub enum TodoKind {
        /// 县级：待审核推荐的申报
        CountyReview => ("county_review", "待审核推荐的申报"),
        /// 市局：市级评审中、待列入拟认定名单的申报
        ToPropose => ("to_propose", "市级评审中、待列入拟入选名单的申报"),
        /// 市局：已列入拟入选名单、待发布公示
        ToPublish => ("to_publish", "待发布公示的拟入选申报"),
        /// 市局：公示中，期满后待认定
        NoticeEnding => ("notice_ending", "公示中、期满后待认定的申报"),
        /// 市局：待处理的公示异议
        OpenObjections => ("open_objections", "待处理的公示异议"),
        /// 市局：待作出决定的重大变化报告
        ChangeReports => ("change_reports", "待决定的重大变化报告"),
        /// 市局：复评已到期的中试平台
        OverdueReevaluations => ("overdue_reevaluations", "复评已到期的中试平台"),
        /// 市局：待审核的专家入库申请
        ExpertRegistrations => ("expert_registrations", "待审核的专家入库申请"),
        /// 市局：进行中的年度绩效评价里待审定等次的中心
        EvaluationsToGrade => ("evaluations_to_grade", "待审定等次的年度绩效评价"),
        /// 市局：待确认的动态管理处理意见
        ActionsToDecide => ("actions_to_decide", "待确认的动态管理处理意见"),
        /// 专家：待声明利益冲突的申报评审邀请
        ApplicationsToDeclare => ("applications_to_declare", "待声明利益冲突的申报评审"),
        /// 专家：待评分的申报评审
        ApplicationsToScore => ("applications_to_score", "待评分的申报评审"),
        /// 专家：待声明利益冲突的成果遴选邀请
        ScreeningsToDeclare => ("screenings_to_declare", "待声明利益冲突的成果入库遴选"),
        /// 专家：待评分的成果遴选
        ScreeningsToScore => ("screenings_to_score", "待评分的成果入库遴选"),
        /// 专家：待声明利益冲突的年度绩效评价邀请
        EvaluationsToDeclare => ("evaluations_to_declare", "待声明利益冲突的年度绩效评价"),
        /// 专家：待评分的年度绩效评价
        EvaluationsToScore => ("evaluations_to_score", "待评分的年度绩效评价"),
        /// 中心：项目团队已提交材料、待验收的里程碑
        MilestonesToAccept => ("milestones_to_accept", "待验收的里程碑"),
        /// 中心：已提交、待启动入库遴选的成果
        ScreeningToStart => ("screening_to_start", "待启动入库遴选的成果"),
        /// 中心：已过计划完成日、尚未提交验收材料的里程碑
        MilestonesOverdue => ("milestones_overdue", "已过计划完成日、尚未提交验收的里程碑"),
        /// 中心：复评即将到期或已到期的本单位中试平台
        ReevaluationDue => ("reevaluation_due", "复评即将到期的本单位中试平台"),
        /// 中心：待报送的年度运行报告 (003 六(二))
        ReportsToFile => ("reports_to_file", "待报送的年度运行报告"),
        /// 成果方：验收不通过、退回补充材料的里程碑
        MilestonesReturned => ("milestones_returned", "验收未通过、退回补充材料的里程碑"),
        /// 成果方：计划完成日临近、待提交验收材料的里程碑
        MilestonesToSubmit => ("milestones_to_submit", "临近计划完成日、待提交验收材料的里程碑"),
        /// 中心：对方已回应、待本中心回应的供需匹配（本中心的成果或本中心）
        CenterMatchesToAnswer => ("center_matches_to_answer", "待本中心回应的供需匹配"),
        /// 成果方（含发布需求的企业）：对方已回应、待本单位回应的供需匹配
        MatchesToAnswer => ("matches_to_answer", "待本单位回应的供需匹配"),
        /// 中心：其他单位申请使用本中心共享资源、待答复的申请 (000 二(九))
        ResourceRequestsToAnswer => ("resource_requests_to_answer", "待本中心答复的资源使用申请"),
        /// 市局：企业申领、待核定的创新券额度
        VoucherQuotasToDecide => ("voucher_quotas_to_decide", "待核定的创新券额度申请"),
        /// 市局：企业已申请兑付、待兑付的创新券
        VoucherRedemptionsToPay => ("voucher_redemptions_to_pay", "待兑付的创新券"),
        /// 中心：企业用创新券委托、待本中心确认的服务
        VoucherOrdersToAnswer => ("voucher_orders_to_answer", "待本中心确认的创新券服务委托"),
        /// 中心：服务中、待确认完成的创新券服务
        VoucherServicesToDeliver => ("voucher_services_to_deliver", "服务中、待确认完成的创新券服务"),
        /// 企业：服务已完成、待凭发票申请兑付的创新券
        VoucherUsesToRedeem => ("voucher_uses_to_redeem", "服务已完成、待申请兑付的创新券"),
        /// 中心：投资机构对本中心项目表达的、待本中心答复的意向 (000 二(十一))
        CenterInterestsToAnswer => ("center_interests_to_answer", "待本中心答复的投资意向"),
        /// 成果方：投资机构对本单位项目表达的、待本单位答复的意向
        InterestsToAnswer => ("interests_to_answer", "待本单位答复的投资意向"),
        /// 投资机构：双方已同意对接、待签署保密承诺的意向
        InterestsToPledge => ("interests_to_pledge", "已同意对接、待签署保密承诺的投资意向"),
        /// 银行、保险机构：企业申请、待答复的金融产品申请
        FinanceApplicationsToAnswer => ("finance_applications_to_answer", "待答复的金融产品申请"),
        /// 市局：按记录生成、待核定的补助与奖励
        GrantsToDecide => ("grants_to_decide", "待核定的补助与奖励"),
        /// 市局：已核定、尚未拨付完毕的补助与奖励
        GrantsToPay => ("grants_to_pay", "已核定、待拨付的补助与奖励"),
        /// 中试平台：企业或团队直接申请、待受理的中试项目 (001 中试 16)
        PilotProjectsToAccept => ("pilot_projects_to_accept", "待受理的中试项目申请"),
        /// 中试平台：已受理、待首席专家可行性论证的中试项目
        PilotProjectsToReview => ("pilot_projects_to_review", "待可行性论证的中试项目"),
        /// 中试平台：节点全部完成、待出具中试报告的项目
        PilotReportsToIssue => ("pilot_reports_to_issue", "节点已全部完成、待出具中试报告的项目"),
        /// 中心（移交方）：中试平台已编制方案、待本中心确认的中试项目
        CenterPilotPlansToConfirm => ("center_pilot_plans_to_confirm", "中试平台已编制方案、待本中心确认的中试项目"),
        /// 企业或团队：中试平台已编制方案、待本单位确认的中试项目
        PilotPlansToConfirm => ("pilot_plans_to_confirm", "中试平台已编制方案、待本单位确认的中试项目"),
        /// 市局：建设主体已具备全部条件、待启动建设的重点推进项目 (004 二(二) “成熟一个、启动一个”)
        KeyProjectsToLaunch => ("key_projects_to_launch", "条件已成熟、待启动建设的重点推进项目"),
        /// 市局：报名已截止或评审中、待评分和公布结果的概念验证竞赛 (004 四(四))
        CompetitionsToJudge => ("competitions_to_judge", "报名已截止、待评审公布的概念验证竞赛"),
        /// 概念验证平台：早期成果池中待组织批量论证的概念 (004 三(二))
        ConceptsToBatch => ("concepts_to_batch", "早期成果池中待批量论证的概念"),
        /// 概念验证平台：论证中、待填写结果并发布种子清单的批次
        SeedBatchesToPublish => ("seed_batches_to_publish", "论证中、待发布种子清单的批次"),
        /// 项目经理人：跟进中、超过30天未记录进展的项目 (004 三(三) 进度控制)
        ManagedProjectsToUpdate => ("managed_projects_to_update", "跟进中、超过30天未记录进展的项目"),
    }
}

/// Days ahead a milestone's planned day counts as near (提交验收材料).
pub const MILESTONE_WINDOW_DAYS: u64 = 30;
/// Days ahead a pilot platform's re-evaluation counts as near (复评准备).
pub const REEVALUATION_WINDOW_DAYS: u64 = 90;
/// Days after its last log entry a managed project waits for its manager's update (进度控制).
pub const MANAGER_UPDATE_DAYS: u64 = 30;

impl TodoKind {
    /// The role whose work this is.
    pub fn role(self) -> Role {
        use TodoKind::*;
        match self {
            CountyReview => Role::County,
            ToPropose | ToPublish | NoticeEnding | OpenObjections | ChangeReports | OverdueReevaluations | ExpertRegistrations
            | EvaluationsToGrade | ActionsToDecide | VoucherQuotasToDecide | VoucherRedemptionsToPay | GrantsToDecide | GrantsToPay | KeyProjectsToLaunch | CompetitionsToJudge => Role::Bureau,
            ApplicationsToDeclare | ApplicationsToScore | ScreeningsToDeclare | ScreeningsToScore | EvaluationsToDeclare | EvaluationsToScore => {
                Role::Expert
            }
            MilestonesToAccept | ScreeningToStart | MilestonesOverdue | ReevaluationDue | ReportsToFile | CenterMatchesToAnswer
            | ResourceRequestsToAnswer | VoucherOrdersToAnswer | VoucherServicesToDeliver | CenterInterestsToAnswer | PilotProjectsToAccept
            | PilotProjectsToReview | PilotReportsToIssue | CenterPilotPlansToConfirm | ConceptsToBatch | SeedBatchesToPublish => Role::Center,
            MilestonesReturned | MilestonesToSubmit | MatchesToAnswer | VoucherUsesToRedeem | InterestsToAnswer | PilotPlansToConfirm => Role::Researcher,
            InterestsToPledge | FinanceApplicationsToAnswer => Role::Investor,
            ManagedProjectsToUpdate => Role::Manager,
        }
    }

    /// Where the work is done: the list filtered to it, or the to-do page's
    /// own entry when the records live on several pages (a center's file).
    pub fn href(self) -> &'static str {
        use TodoKind::*;
        match self {
            CountyReview => "/applications?state=submitted",
            ToPropose => "/applications?state=bureau_review",
            ToPublish => "/applications?state=proposed",
            NoticeEnding | OpenObjections => "/applications?state=in_notice",
            ChangeReports => "/todo#change_reports",
            OverdueReevaluations => "/todo#overdue_reevaluations",
            ExpertRegistrations => "/experts/registrations",
            EvaluationsToGrade | ActionsToDecide => "/evaluation",
            EvaluationsToDeclare => "/todo#evaluations_to_declare",
            EvaluationsToScore => "/todo#evaluations_to_score",
            ReportsToFile => "/todo#reports_to_file",
            ApplicationsToDeclare | ApplicationsToScore => "/applications?state=bureau_review",
            ScreeningsToDeclare | ScreeningsToScore => "/results?state=screening",
            MilestonesToAccept | MilestonesOverdue => "/results?state=verifying",
            ScreeningToStart => "/results?state=submitted",
            ReevaluationDue => "/todo#reevaluation_due",
            MilestonesReturned | MilestonesToSubmit => "/results?state=verifying",
            CenterMatchesToAnswer | MatchesToAnswer => "/docking?stage=proposed",
            ResourceRequestsToAnswer => "/resource-requests?side=received&state=requested",
            VoucherQuotasToDecide | VoucherRedemptionsToPay => "/vouchers#pending",
            VoucherOrdersToAnswer => "/vouchers/uses?state=requested",
            VoucherServicesToDeliver => "/vouchers/uses?state=accepted",
            VoucherUsesToRedeem => "/vouchers/uses?state=delivered",
            CenterInterestsToAnswer | InterestsToAnswer => "/interests?state=expressed",
            InterestsToPledge => "/interests?state=accepted",
            GrantsToDecide => "/grants?state=proposed",
            FinanceApplicationsToAnswer => "/finance-applications?state=applied",
            GrantsToPay => "/grants?state=approved",
            PilotProjectsToAccept => "/pilot-projects?state=applied",
            PilotProjectsToReview => "/pilot-projects?state=reviewing",
            PilotReportsToIssue => "/pilot-projects?state=running",
            CenterPilotPlansToConfirm | PilotPlansToConfirm => "/pilot-projects?state=planning",
            KeyProjectsToLaunch => "/key-projects?state=reserve",
            CompetitionsToJudge => "/competitions",
            ConceptsToBatch => "/concepts?state=pooled",
            SeedBatchesToPublish => "/seed-batches?state=reviewing",
            ManagedProjectsToUpdate => "/todo#managed_projects_to_update",
        }
    }

    /// What `due` means for this kind, if it has one.
    pub fn due_label(self) -> Option<&'static str> {
        use TodoKind::*;
        match self {
            NoticeEnding => Some("最早公示期满"),
            OverdueReevaluations | ReevaluationDue => Some("最早复评到期"),
            MilestonesToAccept | MilestonesOverdue | MilestonesReturned | MilestonesToSubmit => Some("最早计划完成日"),
            ApplicationsToDeclare | ApplicationsToScore | ScreeningsToDeclare | ScreeningsToScore | EvaluationsToDeclare | EvaluationsToScore => {
                Some("最早评审截止")
            }
            ReportsToFile => Some("最早报送截止"),
            ResourceRequestsToAnswer => Some("最早期望开始"),
            SeedBatchesToPublish => Some("最早论证日期"),
            CompetitionsToJudge => Some("最早报名截止"),
            ManagedProjectsToUpdate => Some("最早上次记录"),
            _ => None,
        }
    }
}

/// The kinds of work a role has, in the order its list shows them.
pub fn kinds_for(role: Role) -> Vec<TodoKind> {
    TodoKind::ALL.iter().copied().filter(|k| k.role() == role).collect()
}

/// The days the store's counts compare with, from today.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    /// Today (Beijing time).
    pub today: NaiveDate,
    /// Milestones planned on or before this day count as near.
    pub milestones_until: NaiveDate,
    /// Re-evaluations due on or before this day count as near.
    pub reevaluations_until: NaiveDate,
    /// Managed projects last updated before this day wait for their manager.
    pub updates_before: NaiveDate,
}

impl Window {
    /// The window of `today`.
    pub fn of(today: NaiveDate) -> Self {
        Self {
            today,
            milestones_until: today.checked_add_days(Days::new(MILESTONE_WINDOW_DAYS)).unwrap_or(NaiveDate::MAX),
            reevaluations_until: today.checked_add_days(Days::new(REEVALUATION_WINDOW_DAYS)).unwrap_or(NaiveDate::MAX),
            updates_before: today.checked_sub_days(Days::new(MANAGER_UPDATE_DAYS)).unwrap_or(NaiveDate::MIN),
        }
    }
}

/// How much of one kind waits, as the store counted it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tally {
    /// The kind.
    pub kind: TodoKind,
    /// How many records.
    pub count: i64,
    /// The earliest date that matters (YYYY-MM-DD), if the kind has one.
    pub due: Option<String>,
}

/// One line of the to-do list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TodoItem {
    /// Stable code of the kind.
    pub kind: TodoKind,
    /// Chinese label.
    pub label: &'static str,
    /// How many records wait.
    pub count: i64,
    /// Where the work is done.
    pub href: &'static str,
    /// The earliest date that matters (YYYY-MM-DD: the first notice to end, milestone planned, re-evaluation due), if any.
    pub due: Option<String>,
    /// What `due` is (Chinese), if any.
    pub due_label: Option<&'static str>,
}

/// A role's to-do list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct TodoList {
    /// Every kind of the role's work, in order, with its count (zero included).
    pub items: Vec<TodoItem>,
    /// Records waiting in all.
    pub total: i64,
}

impl TodoList {
    /// Builds the list of `role` from the store's tallies. Kinds of other
    /// roles are ignored; a kind without a tally counts zero.
    pub fn build(role: Role, tallies: &[Tally]) -> Self {
        let items: Vec<TodoItem> = kinds_for(role)
            .into_iter()
            .map(|kind| {
                let t = tallies.iter().find(|t| t.kind == kind);
                let count = t.map_or(0, |t| t.count.max(0));
                TodoItem {
                    kind,
                    label: kind.label_zh(),
                    count,
                    href: kind.href(),
                    due: t.and_then(|t| t.due.clone()).filter(|_| count > 0),
                    due_label: kind.due_label().filter(|_| count > 0),
                }
            })
            .collect();
        let total = items.iter().map(|i| i.count).sum();
        Self { items, total }
    }

    /// The lines with something waiting.
    pub fn pending(&self) -> impl Iterator<Item = &TodoItem> {
        self.items.iter().filter(|i| i.count > 0)
    }
}

string_enum! {
    /// Where an expert's own seat on a panel stands — its task, not the item's state.
    pub enum SeatState {
        /// 待声明利益冲突
        ToDeclare => ("to_declare", "待声明"),
        /// 已声明无冲突，待评分
        ToScore => ("to_score", "待评分"),
        /// 已评分
        Scored => ("scored", "已评分"),
        /// 已回避
        Recused => ("recused", "已回避"),
        /// 已谢绝
        Declined => ("declined", "已谢绝"),
        /// 评审已结束（未评分）
        Closed => ("closed", "评审已结束"),
    }
}

impl SeatState {
    /// The seat of an expert whose declaration is `status`, who has or has
    /// not scored, on an item still under review or not.
    pub fn of(status: crate::panel::seat::SeatStatus, scored: bool, review_open: bool) -> Self {
        use crate::panel::seat::SeatStatus as S;
        match status {
            _ if scored => SeatState::Scored,
            S::Recused => SeatState::Recused,
            S::Declined => SeatState::Declined,
            _ if !review_open => SeatState::Closed,
            S::NoConflict => SeatState::ToScore,
            S::Pending => SeatState::ToDeclare,
        }
    }

    /// Whether the expert still has something to do.
    pub fn is_task(self) -> bool {
        matches!(self, SeatState::ToDeclare | SeatState::ToScore)
    }
}

#[cfg(test)]
#[allow(clippy::expect_used)]
mod tests {
    use super::*;
    use TodoKind::*;

    #[test]
    fn each_role_has_its_kinds() {
        let cases: &[(Role, &[TodoKind])] = &[
            (Role::County, &[CountyReview]),
            (
                Role::Bureau,
                &[
                    ToPropose,
                    ToPublish,
                    NoticeEnding,
                    OpenObjections,
                    ChangeReports,
                    OverdueReevaluations,
                    ExpertRegistrations,
                    EvaluationsToGrade,
                    ActionsToDecide,
                    VoucherQuotasToDecide,
                    VoucherRedemptionsToPay,
                    GrantsToDecide,
                    GrantsToPay,
                    KeyProjectsToLaunch,
                    CompetitionsToJudge,
                ],
            ),
            (Role::Expert, &[ApplicationsToDeclare, ApplicationsToScore, ScreeningsToDeclare, ScreeningsToScore, EvaluationsToDeclare, EvaluationsToScore]),
            (
                Role::Center,
                &[
                    MilestonesToAccept,
                    ScreeningToStart,
                    MilestonesOverdue,
                    ReevaluationDue,
                    ReportsToFile,
                    CenterMatchesToAnswer,
                    ResourceRequestsToAnswer,
                    VoucherOrdersToAnswer,
                    VoucherServicesToDeliver,
                    CenterInterestsToAnswer,
                    PilotProjectsToAccept,
                    PilotProjectsToReview,
                    PilotReportsToIssue,
                    CenterPilotPlansToConfirm,
                    ConceptsToBatch,
                    SeedBatchesToPublish,
                ],
            ),
            (Role::Researcher, &[MilestonesReturned, MilestonesToSubmit, MatchesToAnswer, VoucherUsesToRedeem, InterestsToAnswer, PilotPlansToConfirm]),
            (Role::Investor, &[InterestsToPledge, FinanceApplicationsToAnswer]),
            (Role::Manager, &[ManagedProjectsToUpdate]),
        ];
        for (role, kinds) in cases {
            assert_eq!(kinds_for(*role), kinds.to_vec(), "{role}");
        }
        // Every kind belongs to exactly one role's list.
        let listed: usize = Role::ALL.iter().map(|r| kinds_for(*r).len()).sum();
        assert_eq!(listed, TodoKind::ALL.len());
    }

    #[test]
    fn every_kind_links_to_a_page_and_reads_in_chinese() {
        for k in TodoKind::ALL {
            assert!(k.href().starts_with('/') && !k.href().starts_with("/api/"), "{k}: {}", k.href());
            assert!(k.label_zh().chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)), "{k}");
            assert!(!k.label_zh().chars().any(|c| c.is_ascii_alphabetic()), "{k}: no English in a label");
        }
        assert_eq!(CountyReview.href(), "/applications?state=submitted");
        assert_eq!(ScreeningToStart.href(), "/results?state=submitted");
    }

    #[test]
    fn the_list_counts_only_the_roles_kinds() {
        let tallies = [
            Tally { kind: CountyReview, count: 4, due: None },
            // A bureau kind handed to a county's list is ignored, never shown.
            Tally { kind: OpenObjections, count: 9, due: None },
        ];
        let list = TodoList::build(Role::County, &tallies);
        assert_eq!(list.total, 4);
        assert_eq!(list.items.len(), 1);
        assert_eq!((list.items[0].kind, list.items[0].count, list.items[0].href), (CountyReview, 4, "/applications?state=submitted"));

        let tallies = [
            Tally { kind: NoticeEnding, count: 2, due: Some("2026-12-08".into()) },
            Tally { kind: OverdueReevaluations, count: 0, due: Some("2026-01-01".into()) },
            Tally { kind: OpenObjections, count: 1, due: None },
        ];
        let list = TodoList::build(Role::Bureau, &tallies);
        assert_eq!(list.total, 3);
        assert_eq!(list.items.len(), 15, "zero counts stay in the API's list");
        let pending: Vec<(TodoKind, i64, Option<&str>)> = list.pending().map(|i| (i.kind, i.count, i.due.as_deref())).collect();
        assert_eq!(pending, vec![(NoticeEnding, 2, Some("2026-12-08")), (OpenObjections, 1, None)]);
        let notice = list.items.iter().find(|i| i.kind == NoticeEnding).expect("notice");
        assert_eq!(notice.due_label, Some("最早公示期满"));
        let reeval = list.items.iter().find(|i| i.kind == OverdueReevaluations).expect("reeval");
        assert_eq!((reeval.due.as_deref(), reeval.due_label), (None, None), "nothing waiting, no date");
        assert_eq!(TodoList::build(Role::Investor, &tallies).total, 0);
    }

    #[test]
    fn the_window_looks_ahead() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).expect("day");
        let w = Window::of(today);
        assert_eq!(w.milestones_until.to_string(), "2026-12-31");
        assert_eq!(w.reevaluations_until.to_string(), "2027-03-01");
        assert_eq!(w.updates_before.to_string(), "2026-11-01");
    }

    #[test]
    fn a_seat_reads_as_the_experts_own_task() {
        use SeatState::*;
        let cases: &[(&str, bool, bool, SeatState)] = &[
            ("pending", false, true, ToDeclare),
            ("no_conflict", false, true, ToScore),
            ("no_conflict", true, true, Scored),
            ("no_conflict", true, false, Scored),
            ("recused", false, true, Recused),
            ("declined", false, false, Declined),
            ("pending", false, false, Closed),
            ("no_conflict", false, false, Closed),
        ];
        for (status, scored, open, want) in cases {
            let seat = crate::panel::seat::SeatStatus::parse(status).expect("status");
            assert_eq!(SeatState::of(seat, *scored, *open), *want, "{status} scored={scored} open={open}");
        }
        assert!(ToDeclare.is_task() && ToScore.is_task() && !Scored.is_task() && !Closed.is_task());
        assert_eq!((ToDeclare.label_zh(), ToScore.label_zh(), Scored.label_zh()), ("待声明", "待评分", "已评分"));
    }
}
