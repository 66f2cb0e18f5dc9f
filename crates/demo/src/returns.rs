//! The demo's returns (中心收益): the `center` login's center holds a transfer-income share and
//! a service-for-equity agreement on two of its verified projects, with a cash return and an
//! equity stake recorded this year; the materials center co-invests in one of its projects.

use crate::when::{at, china_day};
use crate::wenzhou::Network;
use chrono::Duration;
use pocnet_domain::finance::returns::{AgreementDraft, BasisPoints, RealisedDraft, ReturnForm, ReturnInstrument};
use pocnet_domain::id::{CenterId, ResultId};
use pocnet_domain::money::Yuan;
use pocnet_store::finance::returns as store;
use pocnet_store::{StoreError, StoreResult};
use sqlx::AnyConnection;

/// (center key, nth verified project, instrument, counterparty, share bp, amount, trigger, days ago signed, realised: (days ago, yuan, form, note)).
type Planned = (&'static str, usize, ReturnInstrument, &'static str, Option<u32>, Option<i64>, &'static str, i64, Option<(i64, i64, ReturnForm, &'static str)>);

const AGREEMENTS: &[Planned] = &[
    ("center_demo", 0, ReturnInstrument::TransferShare, "瓯博智能机器人有限公司", Some(500), None, "成果转让或许可合同签订", 200, Some((40, 45_000, ReturnForm::Cash, "转让合同首期款分成"))),
    ("center_demo", 1, ReturnInstrument::ServiceForEquity, "鹿湾智能电气有限公司", Some(150), Some(300_000), "", 150, Some((60, 300_000, ReturnForm::Equity, "以验证服务作价30万元入股，工商变更完成"))),
    ("center_demo", 0, ReturnInstrument::PreemptiveRight, "瓯博智能机器人有限公司", Some(300), None, "企业下一轮股权融资", 200, None),
    ("center_materials", 0, ReturnInstrument::CoInvestment, "港湾新材包装科技有限公司", None, Some(2_000_000), "", 90, None),
];

pub(crate) async fn fill(conn: &mut AnyConnection, net: &Network) -> StoreResult<()> {
    let today = china_day(net.now);
    for (center_key, nth, instrument, counterparty, share, amount, trigger, signed, realised) in AGREEMENTS {
        let center = net.center(center_key)?;
        let ids: Vec<i64> = sqlx::query_scalar("SELECT id FROM research_results WHERE center_id = $1 AND state IN ('verified', 'handed_off') ORDER BY id LIMIT 5")
            .bind(center.id.get())
            .fetch_all(&mut *conn)
            .await?;
        let result = *ids.get(*nth).ok_or_else(|| StoreError::Corrupt(format!("demo: {center_key} has no verified project {nth}")))?;
        let actor = net.acting_for_center(center.id)?;
        let starts_on = today - Duration::days(*signed);
        let draft = AgreementDraft {
            instrument: *instrument,
            counterparty: (*counterparty).to_owned(),
            share: share.map(BasisPoints::new),
            amount: amount.map(Yuan::new),
            trigger: (*trigger).to_owned(),
            starts_on,
            ends_on: Some(starts_on + Duration::days(5 * 365)),
            note: String::new(),
        };
        let id = store::create(conn, &actor, at(starts_on, 120), CenterId::new(center.id.get()), ResultId::new(result), &draft).await?;
        if let Some((days_ago, yuan, form, note)) = realised {
            let a = store::get(&mut *conn, id).await?;
            let d = RealisedDraft { received_on: today - Duration::days(*days_ago), amount: Yuan::new(*yuan), form: *form, note: (*note).to_owned() };
            store::record(conn, &actor, at(d.received_on, 200), &a, &d).await?;
        }
    }
    Ok(())
}
