//! `pocnet policy …`: policy profiles. The profiles shipped in the binary are
//! joined by any `*.toml` file in the data directory's `policies/` folder (a
//! bureau adds or amends a jurisdiction by adding a file there; a file with the
//! id of a shipped profile replaces it). `policy eligibility` checks a center's
//! records against a stage of a profile (申报条件自动核验).

use pocnet_domain::evaluation::IndicatorSource;
use super::open_store;
use crate::Cli;
use anyhow::{bail, Context};
use clap::builder::{PossibleValuesParser, TypedValueParser};
use clap::Subcommand;
use pocnet_domain::eligibility::{self, CenterRecords, Eligibility};
use pocnet_domain::id::CenterId;
use pocnet_domain::money::wan;
use pocnet_domain::policy::{Comparison, CriterionResult, Fact, Outcome, Profile, StageKind, SHIPPED};
use pocnet_store::{centers, registry, StoreError};
use std::path::{Path, PathBuf};

/// Policy commands.
#[derive(Debug, Subcommand)]
pub enum PolicyCommand {
    /// List the profiles in effect: id, version, jurisdiction, validity, stages.
    List,
    /// Check a profile file and report every problem with its line.
    Check {
        /// The file (its name without `.toml` must equal its `id`).
        file: PathBuf,
    },
    /// Check a center against a stage of a profile (申报条件自动核验).
    ///
    /// Computes the center's facts from the database (project library,
    /// outcomes, advisory team, service team, equipment, funds, declarations
    /// and evidence documents) and prints every criterion of the stage: met
    /// (满足), not met (不满足) or missing evidence (缺少证明材料), with the
    /// figure, the threshold and the article; then the counts and the
    /// conclusion (结论：符合/不符合). `--json` prints the same as JSON.
    ///
    /// Exit status: 0 whenever the check ran, whether the center is eligible or
    /// not (read the 结论 line, or `eligible` in the JSON); non-zero when it
    /// could not run: unknown center, unknown profile, a profile without that
    /// stage, or a database error.
    Eligibility {
        /// Center id (as in the registry, e.g. /centers/ID).
        #[arg(long)]
        center: i64,
        /// Profile id (see `pocnet policy list`).
        #[arg(long)]
        profile: String,
        /// Stage: creation (创建) or recognition (认定).
        #[arg(
            long,
            value_parser = PossibleValuesParser::new(["creation", "recognition"]).try_map(|s| StageKind::parse(&s))
        )]
        kind: StageKind,
        /// Print the result as JSON (the criteria with outcome, figures, reading and article, the counts, `eligible`).
        #[arg(long)]
        json: bool,
    },
}

fn id_of(path: &Path) -> Option<&str> {
    path.file_stem().and_then(|s| s.to_str())
}

fn parse_file(path: &Path) -> anyhow::Result<Profile> {
    let text = std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))?;
    Profile::parse(&text, id_of(path)).map_err(|problems| {
        let lines: Vec<String> = problems.iter().map(|p| format!("{}: {p}", path.display())).collect();
        anyhow::anyhow!("{} problem(s):\n{}", problems.len(), lines.join("\n"))
    })
}

/// Every profile in effect: the shipped ones, replaced or joined by the data directory's.
pub fn load_all(cli: &Cli) -> anyhow::Result<Vec<(Profile, String)>> {
    let mut out = Vec::new();
    for (id, text) in SHIPPED {
        let p = Profile::parse(text, Some(id)).map_err(|e| anyhow::anyhow!("shipped profile {id}: {e:?}"))?;
        out.push((p, "shipped".to_owned()));
    }
    let dir = cli.data_dir.join("policies");
    if dir.is_dir() {
        let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        files.sort();
        for f in files {
            let p = parse_file(&f)?;
            out.retain(|(q, _)| q.id != p.id);
            out.push((p, f.display().to_string()));
        }
    }
    out.sort_by(|a, b| a.0.id.cmp(&b.0.id));
    Ok(out)
}

/// Runs a policy subcommand.
pub async fn run(cli: &Cli, cmd: &PolicyCommand) -> anyhow::Result<()> {
    match cmd {
        PolicyCommand::Eligibility { center, profile, kind, json } => {
            return check_center(cli, CenterId::new(*center), profile, *kind, *json).await;
        }
        PolicyCommand::List => {
            for (p, from) in load_all(cli)? {
                let stages: Vec<String> =
                    p.stages.iter().map(|s| format!("{}({}项)", s.kind.label_zh(), s.criteria.len())).collect();
                println!(
                    "{:<26} v{:<3} {:<8} {} – {}  {}  [{}]",
                    p.id,
                    p.version,
                    p.jurisdiction,
                    p.effective_from,
                    p.expires_on,
                    stages.join("、"),
                    from
                );
            }
        }
        PolicyCommand::Check { file } => {
            let p = parse_file(file)?;
            let criteria: usize = p.stages.iter().map(|s| s.criteria.len()).sum();
            if criteria == 0 {
                bail!("{}: no criteria", file.display());
            }
            println!(
                "{}: ok — {} v{}, {} stage(s), {criteria} criteria, {} catalogue field(s)",
                file.display(),
                p.id,
                p.version,
                p.stages.len(),
                p.catalogue.len()
            );
            let e = &p.evaluation;
            let share = |source| e.indicators.iter().filter(|i| i.source == source).map(|i| i.weight).sum::<u32>();
            if e.indicators.is_empty() {
                println!("  evaluation: no indicators — this profile cannot run an annual evaluation yet");
            } else {
                let bands: Vec<String> = e
                    .grades
                    .iter()
                    .map(|g| match (g.min, g.below) {
                        (Some(m), Some(b)) => format!("{} {m}–<{b}", g.label),
                        (Some(m), None) => format!("{} ≥{m}", g.label),
                        (None, Some(b)) => format!("{} <{b}", g.label),
                        (None, None) => g.label.clone(),
                    })
                    .collect();
                println!(
                    "  evaluation: {} indicators (experts {}%, records {}%), window from {}, report due {}, bands {}",
                    e.indicators.len(),
                    share(IndicatorSource::Experts),
                    share(IndicatorSource::Records),
                    e.window_start,
                    e.report_due,
                    bands.join("、")
                );
            }
            for g in &p.goals {
                let target = g.target.map_or_else(|| "全覆盖".to_owned(), |t| t.to_string());
                println!("  goal {}: {} {}{} by {} ({})", g.code, g.label, if g.striven { "力争 " } else { "" }, target, g.by_year, g.article);
            }
            for f in &p.funding {
                let cap = f.cap_yuan.map_or_else(|| "no cap named".to_owned(), pocnet_domain::money::wan);
                let once = if f.once_in_years == 0 { "once only".to_owned() } else { format!("at most once in {} year(s)", f.once_in_years) };
                println!("  funding {}: {} — {}, {}, {cap}, {once} ({})", f.code, f.label, f.trigger.label_zh(), f.basis.label_zh(), f.article);
            }
        }
    }
    Ok(())
}

/// The profile `id` in effect, or an error listing the known ids.
fn find_profile(cli: &Cli, id: &str) -> anyhow::Result<Profile> {
    let all = load_all(cli)?;
    let known: Vec<String> = all.iter().map(|(p, _)| p.id.clone()).collect();
    all.into_iter()
        .map(|(p, _)| p)
        .find(|p| p.id == id)
        .with_context(|| format!("unknown profile `{id}`; known profiles: {}", known.join(", ")))
}

async fn check_center(cli: &Cli, center_id: CenterId, profile_id: &str, kind: StageKind, json: bool) -> anyhow::Result<()> {
    // The profile and its stage first: a typo should not need the database.
    let profile = find_profile(cli, profile_id)?;
    if profile.stage(kind).is_none() {
        let has: Vec<String> = profile.stages.iter().map(|s| format!("{}（{}）", s.kind, s.kind.label_zh())).collect();
        bail!(
            "profile {} has no {kind} stage（{}）; its stages: {}",
            profile.id,
            kind.label_zh(),
            if has.is_empty() { "none".to_owned() } else { has.join(", ") }
        );
    }
    let store = open_store(cli, 2).await?;
    let found = async {
        let center = centers::get(store.pool(), center_id).await?;
        let records = registry::records_of(store.pool(), center_id).await?;
        Ok::<_, StoreError>((center, records))
    }
    .await;
    store.close().await;
    let (center, records) = match found {
        Ok(found) => found,
        Err(StoreError::NotFound) => bail!("no center with id {center_id} in this database"),
        Err(e) => return Err(e).context("cannot read the center's records"),
    };
    let Some(result) = eligibility::check(&profile, kind, &records) else {
        bail!("profile {} has no {kind} stage", profile.id);
    };
    if json {
        /// The JSON answer: the center, the conclusion, and the [`Eligibility`] fields.
        #[derive(serde::Serialize)]
        struct Answer<'a> {
            center_id: CenterId,
            eligible: bool,
            #[serde(flatten)]
            result: &'a Eligibility,
        }
        let answer = Answer { center_id, eligible: result.eligible(), result: &result };
        return emit(&format!("{}\n", serde_json::to_string_pretty(&answer)?));
    }
    let stage_label = profile.stage(kind).map(|s| s.label.as_str()).unwrap_or_default();
    let mut out =
        format!("中心：#{} {}（{}，{}）\n", center.id, center.name, center.region.label_zh(), center.stage.label_zh());
    out.push_str(&format!(
        "政策：{} v{}（{}《{}》）\n",
        profile.id, profile.version, profile.jurisdiction, profile.title
    ));
    out.push_str(&format!("阶段：{}（{}，{} 项条件）\n\n", stage_label, kind.label_zh(), result.criteria.len()));
    out.push_str(&table(&result, &records));
    out.push_str(&format!("\n{}\n", summary(&result)));
    emit(&out)
}

/// Writes to stdout; a reader that went away (`| head`) is not an error.
fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    match stdout.write_all(text.as_bytes()).and_then(|()| stdout.flush()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(e.into()),
        _ => Ok(()),
    }
}

/// Columns a terminal gives a character: two for CJK and full-width forms.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match c as u32 {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6 => 2,
            _ => 1,
        })
        .sum()
}

fn pad(s: &str, width: usize) -> String {
    format!("{s}{}", " ".repeat(width.saturating_sub(display_width(s))))
}

/// A fact's label without its unit, and a figure in that unit (万元 for money).
fn figure_text(fact: Fact, value: i64) -> (String, String) {
    let label = fact.label_zh();
    let bare = label.rfind('（').filter(|_| label.ends_with('）')).map_or(label, |i| &label[..i]).to_owned();
    let code = fact.as_str();
    if code.ends_with("_yuan") {
        (bare, wan(value))
    } else if code.ends_with("_pct") {
        (bare, format!("{value}%"))
    } else if code.ends_with("_m2") {
        (bare, format!("{value}平方米"))
    } else {
        (label.to_owned(), value.to_string())
    }
}

/// The lines under a criterion: its figures against the thresholds, or the declaration.
fn detail_lines(c: &CriterionResult, records: &CenterRecords) -> Vec<String> {
    if c.figures.is_empty() {
        let evidence = if records.evidence_topics.contains(&c.code) { "已上传" } else { "未上传" };
        let answer = match records.declarations.get(&c.code) {
            Some(true) => "是",
            Some(false) => "否",
            None => "未填写",
        };
        return vec![format!("申报声明：{answer}；证明材料：{evidence}")];
    }
    c.figures
        .iter()
        .enumerate()
        .map(|(i, (fact, value, op, threshold))| {
            let (label, wanted) = figure_text(*fact, *threshold);
            let shown = match value {
                Some(v) => figure_text(*fact, *v).1,
                None => "无记录".to_owned(),
            };
            let note = if value.is_some() && !fact.from_records() && !records.evidence_topics.contains(fact.evidence_topic()) {
                "（未上传证明材料）"
            } else {
                ""
            };
            let or = if i > 0 { "或 " } else { "" };
            let symbol = match op {
                Comparison::AtLeast => "≥",
                Comparison::MoreThan => ">",
                Comparison::AtMost => "≤",
                Comparison::LessThan => "<",
            };
            format!("{or}{label}：{shown}，要求{}{wanted}（{symbol}）{note}", op.label_zh())
        })
        .collect()
}

/// The criteria as a table: number, outcome, article, label, and the figures below.
fn table(result: &Eligibility, records: &CenterRecords) -> String {
    let outcome_w = Outcome::MissingEvidence.label_zh().chars().count() * 2;
    let article_w = result.criteria.iter().map(|c| display_width(&c.article)).chain([4]).max().unwrap_or(4);
    let no_w = result.criteria.len().to_string().len().max(4);
    let indent = " ".repeat(no_w + 2 + outcome_w + 2 + article_w + 2);
    let mut out = format!("{}  {}  {}  条件\n", pad("序号", no_w), pad("结果", outcome_w), pad("条款", article_w));
    for (i, c) in result.criteria.iter().enumerate() {
        out.push_str(&format!(
            "{:>w$}  {}  {}  {}\n",
            i + 1,
            pad(c.outcome.label_zh(), outcome_w),
            pad(&c.article, article_w),
            c.label,
            w = no_w
        ));
        for line in detail_lines(c, records) {
            out.push_str(&format!("{indent}{line}\n"));
        }
    }
    out
}

/// 满足 x 项，不满足 y 项，缺少证明材料 z 项；结论：符合/不符合
fn summary(result: &Eligibility) -> String {
    format!(
        "满足 {} 项，不满足 {} 项，缺少证明材料 {} 项；结论：{}",
        result.met,
        result.not_met,
        result.missing_evidence,
        if result.eligible() { "符合" } else { "不符合" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_count_cjk_as_two_columns() {
        assert_eq!(display_width("二(二)"), 6);
        assert_eq!(display_width("缺少证明材料"), 12);
        assert_eq!(pad("满足", 6), "满足  ");
    }

    #[test]
    fn money_is_shown_in_wan_and_units_move_to_the_figure() {
        assert_eq!(
            figure_text(Fact::SpecialFundsPerYearYuan, 800_000),
            ("年均专项资金".to_owned(), "80万元".to_owned())
        );
        // 000 指引 二(二) "每年…": the lowest year, named as such (issue 10).
        assert_eq!(figure_text(Fact::SpecialFundsEveryYearYuan, 800_000), ("专项资金最低年度".to_owned(), "80万元".to_owned()));
        assert_eq!(figure_text(Fact::AdvisoryExternalSharePct, 40), ("外单位专家占比".to_owned(), "40%".to_owned()));
        assert_eq!(figure_text(Fact::LibraryProjects, 45), ("累计入库项目数".to_owned(), "45".to_owned()));
    }
}
