//! The annual white paper over HTTP (科技成果转化白皮书, 002 四(四)): public as a
//! page, a PDF, an Excel workbook and JSON; it reads a day-one installation
//! without failing, refuses a year out of range by its field, and shows a
//! round's results only once the round is published.

use crate::helpers::*;
use calamine::Reader;
use reqwest::StatusCode;
use serde_json::Value;

/// Every text of a white paper document (titles, paragraphs, table cells).
pub fn text_of(doc: &Value) -> String {
    let mut out = String::new();
    for s in doc["sections"].as_array().expect("sections") {
        out.push_str(s["heading"].as_str().unwrap_or_default());
        for b in s["blocks"].as_array().expect("blocks") {
            out.push_str(&b.to_string());
        }
    }
    out
}

/// A table of the document by its sheet name.
pub fn table<'a>(doc: &'a Value, sheet: &str) -> &'a Value {
    doc["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["blocks"].as_array().expect("blocks").iter())
        .find(|b| b["kind"] == "table" && b["sheet"] == sheet)
        .unwrap_or_else(|| panic!("no table {sheet} in {doc}"))
}

/// The PDF and the workbook of `year` are served to anyone, typed and named.
pub async fn files(app: &TestApp, year: i32) -> (Vec<u8>, calamine::Xlsx<std::io::Cursor<Vec<u8>>>) {
    let pdf = app.get_anon(&format!("/api/v1/white-papers/{year}/pdf")).await;
    assert_eq!(pdf.status(), StatusCode::OK);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.headers()["content-disposition"].to_str().unwrap().contains(".pdf"));
    let pdf = pdf.bytes().await.unwrap().to_vec();
    assert!(pdf.starts_with(b"%PDF-"), "a PDF");
    let xlsx = app.get_anon(&format!("/white-paper/{year}/xlsx")).await;
    assert_eq!(xlsx.status(), StatusCode::OK);
    let bytes = xlsx.bytes().await.unwrap().to_vec();
    (pdf, calamine::open_workbook_from_rs(std::io::Cursor::new(bytes)).expect("xlsx"))
}

#[tokio::test]
async fn a_day_one_installation_reads_its_white_paper_and_a_bad_year_is_refused_by_field() {
    let app = spawn_app().await;
    let years = expect_status(app.get_anon("/api/v1/white-papers").await, StatusCode::OK).await;
    assert_eq!(years["years"], serde_json::json!([2026]), "this year, nothing published yet");
    assert_eq!(years["default_year"], 2026);
    let doc = expect_status(app.get_anon("/api/v1/white-papers/2026").await, StatusCode::OK).await;
    assert_eq!(doc["title"], "温州市2026年度科技成果转化白皮书");
    assert_eq!(doc["issuer"], "温州市科学技术局");
    let goals = table(&doc, "目标完成情况");
    assert_eq!(goals["rows"][0], serde_json::json!(["市级及以上概念验证中心", "目标30", 0, "0.0%", 2027, "行动方案 一：到2027年……建成市级概念验证中心30家"]));
    assert!(text_of(&doc).contains("评价结果尚未公布"));
    for year in ["1999", "2027", "99999999999"] {
        let r = app.get_anon(&format!("/api/v1/white-papers/{year}")).await;
        assert!(r.status() == StatusCode::UNPROCESSABLE_ENTITY || r.status() == StatusCode::BAD_REQUEST, "{year}: {}", r.status());
    }
    let e = expect_error(app.get_anon("/api/v1/white-papers/1999").await, StatusCode::UNPROCESSABLE_ENTITY, "out_of_range").await;
    assert_eq!(e["error"]["field"], "year");
    let (_, mut book) = files(&app, 2026).await;
    assert_eq!(book.sheet_names()[0], "说明");
    assert!(book.sheet_names().contains(&"目标完成情况".to_owned()));
    let goals = book.worksheet_range("目标完成情况").unwrap();
    assert_eq!(goals.get_value((3, 0)), Some(&calamine::Data::String("市级及以上概念验证中心".into())));
    // The bureau's dashboard reads the same targets from the profile.
    let chief = app.token("chief").await;
    let dash = app.get_ok(&chief, "/api/v1/dashboard").await;
    let card = dash["cards"].as_array().unwrap().iter().find(|c| c["label"] == "市级及以上概念验证中心").cloned().unwrap_or_default();
    assert_eq!((card["value"].as_i64(), card["target"].as_i64()), (Some(0), Some(30)), "{dash}");
    assert!(card["hint"].as_str().unwrap().contains("行动方案 一"), "{card}");
    let page = app.get_anon("/white-paper").await;
    assert_eq!(page.status(), StatusCode::SEE_OTHER);
    assert_eq!(page.headers()["location"], "/white-paper/2026", "the default year");
    let html = app.get_anon("/white-paper/2026").await.text().await.unwrap();
    assert!(html.contains("温州市2026年度科技成果转化白皮书") && html.contains("/white-paper/2026/pdf") && html.contains("目标 30"), "{html}");
}
