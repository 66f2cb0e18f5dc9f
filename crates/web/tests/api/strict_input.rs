//! Issue 11 §6: dates are read strictly and within a sane range; text is
//! normalised and characters one cannot see are refused; units compare on
//! their folded names.

use crate::helpers::*;
use reqwest::StatusCode;
use serde_json::json;

#[tokio::test]
async fn a_call_refuses_loose_or_absurd_dates_and_keeps_nothing() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    let calls_before = app.count("calls").await;
    // (opens_on, deadline, field, code)
    let cases = [
        (None, "9999-12-31", "deadline", "out_of_range"),
        (None, "+2026-12-31", "deadline", "invalid_date"),
        (None, "26-12-31", "deadline", "invalid_date"),
        (None, "2026-12-31T15:59:59+08:00x", "deadline", "invalid_date"),
        (None, "9999-12-31T15:59:59Z", "deadline", "out_of_range"),
        (Some("0001-01-01"), "2026-12-31", "opens_on", "out_of_range"),
        (Some("2026-4-1"), "2026-12-31", "opens_on", "invalid_date"),
    ];
    for (opens_on, deadline, field, code) in cases {
        let body = json!({"title": "温州市概念验证中心认定申报通知（测试）", "profile_id": WENZHOU, "kind": "recognition",
            "body": "请符合条件的单位按要求申报。", "deadline": deadline, "opens_on": opens_on});
        let err = expect_error(app.post(&chief, "/api/v1/calls", &body).await, StatusCode::UNPROCESSABLE_ENTITY, code).await;
        assert_eq!(err["error"]["field"], field, "{opens_on:?} {deadline}");
        assert!(err["error"]["message"].as_str().unwrap().contains("日期"), "{err}");
    }
    assert_eq!(app.count("calls").await, calls_before);
    // A strict, sane day still works.
    publish_call(&app, &chief, WENZHOU, "recognition", "2026-12-31").await;
}

#[tokio::test]
async fn invisible_and_reordering_characters_are_refused_in_any_json_field() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    let before = app.count("organisations").await;
    let audit_before = app.count("audit_events").await;
    for name in ["瓯江\u{200b}理工大学", "瓯江理工\u{202e}学大", "瓯江\u{2028}理工大学", "\u{feff}瓯江理工大学", "瓯江\u{2066}理工\u{2069}大学"] {
        let body = json!({"name": name, "kind": "university", "region": "鹿城区"});
        let err = expect_error(app.post(&chief, "/api/v1/organisations", &body).await, StatusCode::UNPROCESSABLE_ENTITY, "invalid_characters").await;
        assert_eq!(err["error"]["field"], "name", "{name:?}");
        assert!(err["error"]["message"].as_str().unwrap().contains("U+"), "{err}");
    }
    assert_eq!(app.count("organisations").await, before);
    assert_eq!(app.count("audit_events").await, audit_before, "nothing written");
}

#[tokio::test]
async fn a_form_with_an_invisible_character_is_refused_naming_the_field() {
    let app = spawn_app().await;
    let (client, _, csrf) = app.login("chief").await;
    let before = app.count("organisations").await;
    let form = [("name", "瓯江\u{200b}理工大学"), ("kind", "university"), ("region", "鹿城区"), ("csrf_token", csrf.as_str())];
    let resp = client.post(app.url("/admin/orgs")).form(&form).send().await.unwrap();
    assert_eq!(resp.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let html = resp.text().await.unwrap();
    assert!(html.contains("零宽字符") && html.contains("U+200B") && html.contains("name"), "{html}");
    assert_eq!(app.count("organisations").await, before);
}

#[tokio::test]
async fn text_is_stored_in_nfc_and_units_compare_on_their_folded_names() {
    let app = spawn_app().await;
    let chief = app.token("chief").await;
    // e + combining acute is stored as é (NFC).
    let body = json!({"name": "Cafe\u{301}研究院", "kind": "research_institute", "region": "鹿城区"});
    let org = app.post_expect(&chief, "/api/v1/organisations", &body, StatusCode::CREATED).await;
    assert_eq!(org["name"], "Caf\u{e9}研究院");
    // Look-alikes of existing units are the same unit: full-width brackets and
    // letters, case and spaces do not make a new one.
    for name in ["瑞安市科学技术局(测试)", "瑞安市 科学技术局（测试）", "ＣＡＦＥ\u{301}研究院", "café 研究院"] {
        let body = json!({"name": name, "kind": "county_department", "region": "瑞安市"});
        let err = expect_error(app.post(&chief, "/api/v1/organisations", &body).await, StatusCode::CONFLICT, "duplicate").await;
        assert_eq!(err["error"]["field"], "name", "{name}");
    }
}
