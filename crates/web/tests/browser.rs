//! Browser test: headless Chromium signs in as each demo role and sees its
//! dashboard. Runs when `POCNET_CHROMEDRIVER` names a chromedriver binary
//! (`.ci/run` installs Debian's `chromium` and `chromium-driver` and sets it).
//! Without a browser a developer's run says so and passes; under CI (`CI` set,
//! as CI sets it) a missing chromedriver or Chromium fails every test.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use fantoccini::{ClientBuilder, Locator};
use helpers::*;
use pocnet_demo as demo;
use pocnet_web::config::WebConfig;
use std::process::{Child, Command, Stdio};
use std::time::Duration;

struct Driver(Child);

impl Drop for Driver {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// Whether this run is CI's (`CI` set to anything but empty, `0` or `false`).
fn under_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false"))
}

/// The chromedriver to use, if it and Chromium are there. When they are not:
/// `None` (the test is skipped) on a developer's machine, a failure under CI.
fn chromedriver() -> Option<String> {
    let chromium = std::env::var("POCNET_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let missing = match std::env::var("POCNET_CHROMEDRIVER").ok().filter(|d| !d.is_empty()) {
        None => "POCNET_CHROMEDRIVER is not set".to_owned(),
        Some(d) if !std::path::Path::new(&d).is_file() => format!("POCNET_CHROMEDRIVER={d} is not a file"),
        Some(_) if !std::path::Path::new(&chromium).is_file() => format!("no Chromium at {chromium} (POCNET_CHROMIUM)"),
        Some(d) => return Some(d),
    };
    assert!(!under_ci(), "browser tests cannot run under CI: {missing}; install chromium and chromium-driver and set POCNET_CHROMEDRIVER");
    eprintln!("browser test skipped: {missing}; set POCNET_CHROMEDRIVER=/usr/bin/chromedriver (as .ci/run does) to run it");
    None
}

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port()
}

async fn start_driver(binary: &str) -> (Driver, u16) {
    let port = free_port();
    let driver = Driver(Command::new(binary)
        .arg(format!("--port={port}"))
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start chromedriver"));
    for _ in 0..100 {
        if tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return (driver, port);
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("chromedriver did not start");
}

async fn client(port: u16) -> fantoccini::Client {
    let chrome = std::env::var("POCNET_CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".into());
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": chrome,
            "args": ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--window-size=1366,900", "--lang=zh-CN"]
        }),
    );
    ClientBuilder::new(hyper_util::client::legacy::connect::HttpConnector::new()).capabilities(caps).connect(&format!("http://127.0.0.1:{port}")).await.expect("connect to chromedriver")
}

#[tokio::test]
async fn each_demo_role_signs_in_and_sees_its_dashboard() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    let now = chrono::Utc::now();
    demo::load_once(&app.store, now, &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    let shots = std::env::var("POCNET_SCREENSHOTS").ok();

    // The public home page lists recognized centers.
    c.goto(&app.url("/")).await.unwrap();
    let count = c.find(Locator::Css("[data-testid=recognized-count]")).await.unwrap().text().await.unwrap();
    assert!(count.trim().parse::<i64>().unwrap() > 0, "recognized centers on the home page");

    for role in ["bureau", "county", "center", "expert", "researcher", "investor", "manager"] {
        c.goto(&app.url("/login")).await.unwrap();
        c.find(Locator::Id("username")).await.unwrap().send_keys(role).await.unwrap();
        c.find(Locator::Id("password")).await.unwrap().send_keys(demo::DEMO_PASSWORD).await.unwrap();
        c.find(Locator::Id("login-submit")).await.unwrap().click().await.unwrap();
        let heading = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=dashboard-heading]")).await.unwrap();
        assert_eq!(heading.attr("data-role").await.unwrap().as_deref(), Some(role), "{role} sees its own dashboard");
        assert!(!heading.text().await.unwrap().trim().is_empty());
        let user = c.find(Locator::Css("[data-testid=current-user]")).await.unwrap().text().await.unwrap();
        assert!(user.contains("演示"), "{role}: header shows the signed-in user: {user}");
        if let Some(dir) = &shots {
            let png = c.screenshot().await.unwrap();
            std::fs::create_dir_all(dir).unwrap();
            std::fs::write(format!("{dir}/dashboard-{role}.png"), png).unwrap();
        }
        // Logout returns to the public home page.
        c.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
        c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("a[href='/login']")).await.unwrap();
        assert!(c.find(Locator::Css("[data-testid=current-user]")).await.is_err(), "{role} is signed out");
    }

    // A wrong password shows the Chinese error on the page.
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys("bureau").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys("wrong-password").await.unwrap();
    c.find(Locator::Id("login-submit")).await.unwrap().click().await.unwrap();
    let err = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=login-error]")).await.unwrap();
    assert_eq!(err.text().await.unwrap(), "用户名或密码错误");
    c.close().await.unwrap();
}

async fn sign_in(c: &fantoccini::Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys(username).await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Id("login-submit")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=current-user]")).await.unwrap();
}

/// Signs in with a demo login and waits for its dashboard.
async fn demo_sign_in(c: &fantoccini::Client, app: &TestApp, username: &str) {
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys(username).await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(demo::DEMO_PASSWORD).await.unwrap();
    c.find(Locator::Id("login-submit")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=dashboard-heading]")).await.unwrap();
}

async fn sign_out(c: &fantoccini::Client) {
    c.find(Locator::Css("form[action='/logout'] button")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("a[href='/login']")).await.unwrap();
}

/// Clicks an action button and waits for the page it posts to: the old
/// page's state label goes stale first, so the label read next is the new one.
async fn click_action(c: &fantoccini::Client, action: &str) {
    let before = c.find(Locator::Css("[data-testid=application-state]")).await.ok();
    c.find(Locator::Css(&format!("button[data-action={action}]"))).await.unwrap().click().await.unwrap();
    if let Some(old) = before {
        for _ in 0..100 {
            if old.text().await.is_err() {
                break;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
    }
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=application-state]")).await.unwrap();
}

/// The application's state label, read again if the page was still being replaced.
async fn state_label(c: &fantoccini::Client) -> String {
    for _ in 0..50 {
        if let Ok(el) = c.find(Locator::Css("[data-testid=application-state]")).await {
            if let Ok(text) = el.text().await {
                return text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the application's state label never settled");
}

/// A host unit applies to a call in the browser and submits; after the county
/// and the panel have done their part, the bureau proposes, publishes the notice
/// and, once it has ended, recognizes — all by clicking through the pages.
#[tokio::test]
async fn a_host_unit_applies_and_the_bureau_recognizes() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安智能装备概念验证中心").await;
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;

    // The operator sees its center's eligibility: every criterion met.
    sign_in(&c, &app, "operator").await;
    c.goto(&app.url(&format!("/centers/{center}"))).await.unwrap();
    let verdict = c.find(Locator::Css("[data-testid=eligibility-verdict]")).await.unwrap().text().await.unwrap();
    assert_eq!(verdict, "符合申报条件");

    // It applies from the call page: a name outside the naming rule is refused on the page.
    c.goto(&app.url(&format!("/calls/{call}"))).await.unwrap();
    let name = c.find(Locator::Id("pname")).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("瑞安智能装备概念验证中心").await.unwrap();
    c.find(Locator::Css("[data-testid=apply-form] button[type=submit]")).await.unwrap().click().await.unwrap();
    let err = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=form-error]")).await.unwrap();
    assert!(err.text().await.unwrap().contains("温州市"), "naming rule explained");
    let name = c.find(Locator::Id("pname")).await.unwrap();
    name.clear().await.unwrap();
    name.send_keys("温州市瑞安智能装备概念验证中心").await.unwrap();
    c.find(Locator::Css("[data-testid=apply-form] button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=application-state]")).await.unwrap();
    assert_eq!(state_label(&c).await, "草稿");
    let url = c.current_url().await.unwrap();
    let id: i64 = url.path().rsplit('/').next().unwrap().parse().unwrap();
    click_action(&c, "submit").await;
    assert_eq!(state_label(&c).await, "待县级审核");
    sign_out(&c).await;

    // County approval and the panel's scores (their own pages are covered by the API tests).
    app.step_ok(&crew.ruian, id, "county_approve", "同意推荐").await;
    panel_scores(&app, &crew, id, [82, 88, 91]).await;

    // The bureau proposes, publishes the notice and, after it ends, recognizes.
    sign_in(&c, &app, "chief").await;
    c.goto(&app.url(&format!("/applications/{id}"))).await.unwrap();
    assert_eq!(state_label(&c).await, "市级评审中");
    click_action(&c, "propose").await;
    assert_eq!(state_label(&c).await, "拟入选名单");
    click_action(&c, "publish_notice").await;
    assert_eq!(state_label(&c).await, "公示中");
    let notice = app.application(&crew.chief, id).await;
    let end = notice["application"]["notice_end"].as_str().unwrap().to_owned();
    // The public notice page lists it while it runs.
    c.goto(&app.url(&format!("/notices/{id}"))).await.unwrap();
    let period = c.find(Locator::Css("[data-testid=notice-period]")).await.unwrap().text().await.unwrap();
    assert!(period.contains(&end), "notice period shown: {period}");
    let after = chrono::NaiveDate::parse_from_str(&end, "%Y-%m-%d").unwrap().succ_opt().unwrap();
    app.set_today(&after.to_string());
    c.goto(&app.url(&format!("/applications/{id}"))).await.unwrap();
    c.find(Locator::Id("cm-approve")).await.unwrap().send_keys("公示期满无异议，予以认定").await.unwrap();
    click_action(&c, "approve").await;
    assert_eq!(state_label(&c).await, "已通过");

    // The center is recognized under its official name, with a certificate page.
    c.goto(&app.url(&format!("/centers/{center}"))).await.unwrap();
    assert_eq!(c.find(Locator::Css("[data-testid=center-name]")).await.unwrap().text().await.unwrap(), "温州市瑞安智能装备概念验证中心");
    assert_eq!(c.find(Locator::Css("[data-testid=center-stage]")).await.unwrap().text().await.unwrap(), "已认定");
    c.goto(&app.url(&format!("/centers/{center}/certificate"))).await.unwrap();
    let cert = c.find(Locator::Css("[data-testid=certificate]")).await.unwrap().text().await.unwrap();
    assert!(cert.contains("认定证书") && cert.contains("温州市概验认〔"), "certificate: {cert}");
    if let Ok(dir) = std::env::var("POCNET_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/certificate.png"), c.screenshot().await.unwrap()).unwrap();
    }
    c.close().await.unwrap();
}

/// Waits until the project page shows `want` as the state (a click's page
/// may still be the old one, whose element goes stale as the new one loads).
async fn expect_project_state(c: &fantoccini::Client, want: &str) {
    let mut last = String::new();
    for _ in 0..100 {
        if let Ok(e) = c.find(Locator::Css("[data-testid=project-state]")).await {
            if let Ok(text) = e.text().await {
                if text == want {
                    return;
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("project state {last:?}, expected {want:?}");
}

/// A researcher submits a result in the browser; after the screening panel
/// has scored it, the center's operator admits it to the library.
#[tokio::test]
async fn a_researcher_submits_a_result_and_the_center_admits_it() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(500)).await;
    let univ = app.add_org("温州测试理工大学", "university", "鹿城区").await;
    app.add_user("researcher", pocnet_domain::role::Role::Researcher, univ).await;
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;

    // The researcher opens the library, then the intake form, and submits; a too-short summary is refused on the page first.
    sign_in(&c, &app, "researcher").await;
    c.goto(&app.url("/results")).await.unwrap();
    c.find(Locator::Css("[data-testid=new-result]")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=intake-form]")).await.unwrap();
    c.find(Locator::Id("it")).await.unwrap().send_keys("高精度激光测距模组").await.unwrap();
    c.find(Locator::Id("is")).await.unwrap().send_keys("太短").await.unwrap();
    c.find(Locator::Id("itm")).await.unwrap().send_keys("王强\n赵敏").await.unwrap();
    c.find(Locator::Id("itrl")).await.unwrap().send_keys("3").await.unwrap();
    c.find(Locator::Id("ik")).await.unwrap().send_keys("光路补偿算法参数").await.unwrap();
    c.find(Locator::Id("intake-submit")).await.unwrap().click().await.unwrap();
    let err = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=form-error]")).await.unwrap();
    assert!(err.text().await.unwrap().contains("成果简介"), "the rule is named");
    let summary = c.find(Locator::Id("is")).await.unwrap();
    summary.clear().await.unwrap();
    summary.send_keys("基于飞行时间原理的高精度激光测距模组，实验室样品精度达到±1mm。").await.unwrap();
    c.find(Locator::Id("intake-submit")).await.unwrap().click().await.unwrap();
    expect_project_state(&c, "已提交").await;
    let url = c.current_url().await.unwrap();
    let id: i64 = url.path().rsplit('/').next().unwrap().parse().unwrap();
    let secrets = c.find(Locator::Css("[data-testid=secrets]")).await.unwrap().text().await.unwrap();
    assert!(secrets.contains("光路补偿算法参数"), "the researchers see their own secrets");
    sign_out(&c).await;

    // Screening by three experts (their pages are covered by the API tests).
    let version = app.get_ok(&crew.operator, &format!("/api/v1/results/{id}")).await["project"]["version"].as_i64().unwrap();
    app.post_expect(&crew.operator, &format!("/api/v1/results/{id}/steps"), &serde_json::json!({"action": "start_screening", "version": version}), reqwest::StatusCode::OK).await;
    for (token, expert) in &crew.panel {
        app.post_expect(&crew.operator, &format!("/api/v1/results/{id}/panel"), &serde_json::json!({"expert_id": expert}), reqwest::StatusCode::NO_CONTENT).await;
        app.post_expect(token, &format!("/api/v1/results/{id}/declaration"), &serde_json::json!({"decision": "no_conflict", "pledge": "true"}), reqwest::StatusCode::NO_CONTENT).await;
        let scores = serde_json::json!({"scores": {"theoretical_innovation": 85, "technical_feasibility": 80, "market_potential": 78, "ip_completeness": 70}});
        app.post_expect(token, &format!("/api/v1/results/{id}/scores"), &scores, reqwest::StatusCode::OK).await;
    }

    // The operator sees the panel's result on the project page and admits the result.
    sign_in(&c, &app, "operator").await;
    c.goto(&app.url(&format!("/results/{id}"))).await.unwrap();
    expect_project_state(&c, "入库遴选中").await;
    let result = c.find(Locator::Css("[data-testid=screening-result]")).await.unwrap().text().await.unwrap();
    assert!(result.contains("3位专家"), "{result}");
    c.find(Locator::Css("button[data-action=admit]")).await.unwrap().click().await.unwrap();
    expect_project_state(&c, "已入库").await;
    if let Ok(dir) = std::env::var("POCNET_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/project.png"), c.screenshot().await.unwrap()).unwrap();
    }
    let _ = center;
    c.close().await.unwrap();
}

/// The to-do list on a phone (390 px): the county sees what waits for it on
/// its dashboard and in the navigation's badge, follows the item to the work,
/// approves, and the item is gone; the bureau's page says why proposing
/// must wait.
#[tokio::test]
async fn the_todo_list_leads_each_role_to_its_work() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2026-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安待办概念验证中心").await;
    let id = apply(&app, &crew.operator, call, center, "温州市瑞安待办概念验证中心").await;
    app.step_ok(&crew.operator, id, "submit", "").await;
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    c.set_window_size(390, 844).await.unwrap();
    let fits = |c: &fantoccini::Client| {
        let c = c.clone();
        async move {
            let w = c.execute("return document.documentElement.scrollWidth;", vec![]).await.unwrap();
            w.as_i64().unwrap() <= 390
        }
    };

    // The county's dashboard lists the application to review and the navigation counts it.
    sign_in(&c, &app, "ruian").await;
    c.goto(&app.url("/dashboard")).await.unwrap();
    let item = c.find(Locator::Css("[data-testid=dashboard-todo] [data-testid=todo-county_review]")).await.unwrap();
    assert_eq!(item.attr("data-count").await.unwrap().as_deref(), Some("1"));
    assert!(item.text().await.unwrap().contains("待审核推荐的申报"));
    // On a phone the navigation folds behind 菜单, which carries the count.
    assert_eq!(c.find(Locator::Css("[data-testid=menu-todo-badge]")).await.unwrap().text().await.unwrap(), "1");
    assert!(fits(&c).await, "the dashboard fits a 390 px screen");
    if let Ok(dir) = std::env::var("POCNET_SCREENSHOTS") {
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(format!("{dir}/todo-county-390.png"), c.screenshot().await.unwrap()).unwrap();
    }

    // The navigation's 待办事项 opens the list; its item leads to the list of applications to review.
    c.find(Locator::Css("[data-testid=nav-toggle]")).await.unwrap().click().await.unwrap();
    assert_eq!(c.find(Locator::Css("[data-testid=todo-badge]")).await.unwrap().text().await.unwrap(), "1");
    c.find(Locator::Css("nav a[href='/todo']")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=todo]")).await.unwrap();
    assert!(fits(&c).await, "the to-do page fits a 390 px screen");
    if let Ok(dir) = std::env::var("POCNET_SCREENSHOTS") {
        std::fs::write(format!("{dir}/todo-page-390.png"), c.screenshot().await.unwrap()).unwrap();
    }
    c.find(Locator::Css("[data-testid=todo-county_review] a")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=applications-table]")).await.unwrap();
    assert!(c.current_url().await.unwrap().as_str().ends_with("/applications?state=submitted"));
    c.find(Locator::Css(&format!("a[href='/applications/{id}']"))).await.unwrap().click().await.unwrap();
    c.find(Locator::Id("cm-county_approve")).await.unwrap().send_keys("同意推荐").await.unwrap();
    click_action(&c, "county_approve").await;
    assert_eq!(state_label(&c).await, "市级评审中");

    // Done: the list is empty and the badge gone.
    c.goto(&app.url("/todo")).await.unwrap();
    c.find(Locator::Css("[data-testid=todo-empty]")).await.unwrap();
    assert!(c.find(Locator::Css("[data-testid=todo-badge]")).await.is_err(), "no badge without waiting work");
    assert!(c.find(Locator::Css("[data-testid=menu-todo-badge]")).await.is_err());
    sign_out(&c).await;

    // Now it waits for the bureau, whose page says why it cannot be proposed yet.
    sign_in(&c, &app, "chief").await;
    c.goto(&app.url("/todo")).await.unwrap();
    let item = c.find(Locator::Css("[data-testid=todo-to_propose]")).await.unwrap();
    assert_eq!(item.attr("data-count").await.unwrap().as_deref(), Some("1"));
    c.goto(&app.url(&format!("/applications/{id}"))).await.unwrap();
    let blocked = c.find(Locator::Css("[data-testid=blocked-actions]")).await.unwrap().text().await.unwrap();
    assert!(blocked.contains("列入拟入选名单") && blocked.contains("至少需要3位专家评分，目前0位"), "{blocked}");
    assert!(c.find(Locator::Css("button[data-action=propose]")).await.is_err(), "no button for a step that must wait");
    if let Ok(dir) = std::env::var("POCNET_SCREENSHOTS") {
        std::fs::write(format!("{dir}/application-390.png"), c.screenshot().await.unwrap()).unwrap();
    }
    assert!(fits(&c).await, "the application page fits a 390 px screen");
    c.close().await.unwrap();
}

/// The main pages at a phone's width (390 px): nothing makes the page scroll
/// sideways, and the navigation folds behind 菜单 until tapped.
#[tokio::test]
async fn the_main_pages_fit_a_phone_and_the_menu_folds() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, chrono::Utc::now(), &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    c.set_window_size(390, 844).await.unwrap();
    let width = |c: &fantoccini::Client| {
        let c = c.clone();
        async move {
            let v = c.execute("return [document.documentElement.scrollWidth, window.innerWidth];", vec![]).await.unwrap();
            let v = v.as_array().unwrap().iter().map(|x| x.as_i64().unwrap()).collect::<Vec<_>>();
            (v[0], v[1])
        }
    };
    c.goto(&app.url("/")).await.unwrap();
    let (scroll, inner) = width(&c).await;
    assert!(inner <= 400, "the window is phone-sized: {inner}");
    assert!(scroll <= inner, "/ scrolls sideways: {scroll} > {inner}");

    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys("bureau").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(demo::DEMO_PASSWORD).await.unwrap();
    c.find(Locator::Id("login-submit")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=dashboard-heading]")).await.unwrap();
    for path in ["/dashboard", "/results", "/centers", "/applications", "/experts", "/notices", "/calls", "/demands", "/docking", "/resources", "/four-lists", "/resource-requests"] {
        c.goto(&app.url(path)).await.unwrap();
        let (scroll, inner) = width(&c).await;
        assert!(scroll <= inner, "{path} scrolls sideways at 390 px: {scroll} > {inner}");
    }
    // The menu is folded; tapping 菜单 opens it.
    let first = c.find(Locator::Css(".sidenav ul li a")).await.unwrap();
    assert!(!first.is_displayed().await.unwrap(), "the navigation is folded on a phone");
    c.find(Locator::Css("[data-testid=nav-toggle]")).await.unwrap().click().await.unwrap();
    assert!(c.find(Locator::Css(".sidenav ul li a")).await.unwrap().is_displayed().await.unwrap(), "菜单 opens the navigation");
    c.close().await.unwrap();
}

/// The demo researcher opens an enterprise's demand, reads why its result was
/// proposed, accepts, and finds the match on the docking list (精准对接清单).
#[tokio::test]
async fn a_researcher_accepts_a_proposed_match_and_finds_it_on_the_docking_list() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, chrono::Utc::now(), &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    c.goto(&app.url("/login")).await.unwrap();
    c.find(Locator::Id("username")).await.unwrap().send_keys("researcher").await.unwrap();
    c.find(Locator::Id("password")).await.unwrap().send_keys(demo::DEMO_PASSWORD).await.unwrap();
    c.find(Locator::Id("login-submit")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=dashboard-heading]")).await.unwrap();

    c.goto(&app.url("/demands")).await.unwrap();
    c.find(Locator::LinkText("协作机器人关节模组国产替代")).await.unwrap().click().await.unwrap();
    let list = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=result-proposals]")).await.unwrap();
    let mut mine = None;
    for li in list.find_all(Locator::Css(":scope > li")).await.unwrap() {
        if li.text().await.unwrap().contains("协作机器人一体化关节模组") {
            mine = Some(li);
            break;
        }
    }
    let mine = mine.expect("the unit's own result is proposed");
    let text = mine.text().await.unwrap();
    assert!(text.contains("匹配度") && text.contains("关键词") && text.contains("技术就绪度"), "every component is shown: {text}");
    assert!(text.contains("待双方确认"), "the enterprise accepted, the unit has not: {text}");
    mine.find(Locator::Css("form[data-testid=answer-form] button")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=result-proposals]")).await.unwrap();

    c.goto(&app.url("/docking")).await.unwrap();
    let table = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=docking-table]")).await.unwrap().text().await.unwrap();
    assert!(table.contains("协作机器人一体化关节模组") && table.contains("已对接"), "{table}");
    assert!(table.contains("已落地"), "the demo's landed match is on the unit's list too: {table}");
    c.close().await.unwrap();
}

/// The demo center's operator answers the request waiting in its to-do list; the
/// researcher finds an instrument in the sharing list and asks to use it.
#[tokio::test]
async fn a_center_answers_a_resource_request_and_a_researcher_asks_for_an_instrument() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, chrono::Utc::now(), &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    demo_sign_in(&c, &app, "center").await;
    c.goto(&app.url("/todo")).await.unwrap();
    c.find(Locator::Css("[data-testid=todo-resource_requests_to_answer] > a")).await.unwrap().click().await.unwrap();
    let table = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=requests-table]")).await.unwrap();
    table.find(Locator::LinkText("工业机器人整机性能与可靠性验证")).await.unwrap().click().await.unwrap();
    let form = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=accept-form]")).await.unwrap();
    form.find(Locator::Css("input[name=note]")).await.unwrap().send_keys("下周一送样").await.unwrap();
    form.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=complete-form]")).await.unwrap();
    assert_eq!(c.find(Locator::Css("[data-testid=request-state]")).await.unwrap().text().await.unwrap(), "已同意");
    sign_out(&c).await;

    demo_sign_in(&c, &app, "researcher").await;
    c.goto(&app.url("/resources?kind=instrument")).await.unwrap();
    c.find(Locator::LinkText("X射线衍射仪")).await.unwrap().click().await.unwrap();
    let form = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=request-form]")).await.unwrap();
    form.find(Locator::Css("textarea[name=description]")).await.unwrap().send_keys("硅碳负极样品8个，物相分析。").await.unwrap();
    let day = |d: i64| (chrono::Utc::now().date_naive() + chrono::Duration::days(d)).format("%Y-%m-%d").to_string();
    for (name, value) in [("wanted_from", day(5)), ("wanted_to", day(6))] {
        // A date input takes its value by script in every locale.
        c.execute(&format!("document.querySelector('[data-testid=request-form] input[name={name}]').value = arguments[0];"), vec![serde_json::json!(value)]).await.unwrap();
    }
    form.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    let state = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=request-state]")).await.unwrap().text().await.unwrap();
    assert_eq!(state, "待答复");
    c.close().await.unwrap();
}

/// The titles of the rows of the results list on the page shown.
async fn result_titles(c: &fantoccini::Client) -> Vec<String> {
    let mut out = Vec::new();
    for e in c.find_all(Locator::Css("table.data tbody tr td a strong")).await.unwrap() {
        out.push(e.text().await.unwrap());
    }
    out
}

#[tokio::test]
async fn the_bureau_pages_on_and_jumps_to_a_page_by_number() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let center = register_center(&app, &crew.operator, "瑞安智能装备概念验证中心", &["smart_equipment"], Some(500)).await;
    let univ = app.add_org("温州测试理工大学", "university", "鹿城区").await;
    app.add_user("researcher", pocnet_domain::role::Role::Researcher, univ).await;
    let res = app.token("researcher").await;
    for i in 0..12 {
        let body = serde_json::json!({"center_id": center, "ref_no": format!("P-{i:02}"), "title": format!("分页测试成果{i:02}"),
            "summary": "面向智能装备场景，已完成实验室验证与样机测试。", "secret_summary": "", "field": "smart_equipment",
            "sub_field": "industrial_robots", "source": "高校", "team": ["张伟"], "patents": [], "trl": 3, "trl_evidence": "实验室测试报告",
            "stage": "lab", "secret_parts": []});
        app.post_expect(&res, "/api/v1/results", &body, reqwest::StatusCode::CREATED).await;
    }
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    sign_in(&c, &app, "chief").await;

    // Page on by 下一页 twice: each link carries the page number and the row it follows.
    c.goto(&app.url("/results?sort=title&per_page=5")).await.unwrap();
    assert_eq!(result_titles(&c).await, (0..5).map(|i| format!("分页测试成果{i:02}")).collect::<Vec<_>>());
    for n in [2, 3] {
        c.find(Locator::Css("nav.pager a[rel=next]")).await.unwrap().click().await.unwrap();
        let shown = format!("//nav[contains(@class,'pager')]/span[contains(., '第 {n} /')]");
        c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath(&shown)).await.unwrap();
        assert!(c.current_url().await.unwrap().as_str().contains("after="), "下一页 reads after the last row seen");
    }
    let walked = result_titles(&c).await;
    assert_eq!(walked, vec!["分页测试成果10".to_owned(), "分页测试成果11".to_owned()]);
    assert!(c.find(Locator::Css("nav.pager a[rel=next]")).await.is_err(), "the last page has no 下一页");

    // Back on the first page, 跳至第 3 页 shows the same rows as walking there.
    c.goto(&app.url("/results?sort=title&per_page=5")).await.unwrap();
    let jump = c.find(Locator::Css("form.pager-jump input[name=page]")).await.unwrap();
    jump.clear().await.unwrap();
    jump.send_keys("3").await.unwrap();
    c.find(Locator::Css("form.pager-jump button")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//nav[contains(@class,'pager')]/span[contains(., '第 3 /')]")).await.unwrap();
    assert_eq!(result_titles(&c).await, walked, "the page typed in is the page walked to");
    c.close().await.unwrap();
}

/// Waits until no element matches `css` (the page that had it was replaced).
async fn wait_gone(c: &fantoccini::Client, css: &str) {
    for _ in 0..100 {
        if c.find(Locator::Css(css)).await.is_err() {
            return;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("{css} is still on the page");
}

/// The yearly cycle in the browser: the bureau opens the round on
/// 年度绩效评价, the center's to-do list leads to its annual report, which it
/// writes and files; the bureau grades it with a reason and publishes, and the
/// public list shows the grade.
#[tokio::test]
async fn a_center_files_its_annual_report_and_the_bureau_grades_and_publishes() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_workflow_app().await;
    let crew = crew(&app).await;
    let call = publish_call(&app, &crew.chief, WENZHOU, "recognition", "2027-12-31").await;
    let center = make_wenzhou_ready_center(&app, &crew.operator, "瑞安年报概念验证中心").await;
    recognize_wenzhou(&app, &crew, call, center, "温州市瑞安年报概念验证中心").await;
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;

    sign_in(&c, &app, "chief").await;
    c.goto(&app.url("/evaluation")).await.unwrap();
    c.find(Locator::Css("[data-testid=open-round-form] select[name=profile_id]")).await.unwrap().select_by_value(WENZHOU).await.unwrap();
    let year = c.find(Locator::Css("[data-testid=open-round-form] input[name=year]")).await.unwrap();
    year.clear().await.unwrap();
    year.send_keys("2026").await.unwrap();
    c.find(Locator::Css("[data-testid=open-round-form] button")).await.unwrap().click().await.unwrap();
    let plan = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=plan]")).await.unwrap().text().await.unwrap();
    assert!(plan.contains("能力建设") && plan.contains("年度专项资金投入"), "{plan}");
    let round_url = c.current_url().await.unwrap().to_string();
    sign_out(&c).await;

    // The operator's to-do list names the report and its due day; the entry opens it.
    sign_in(&c, &app, "operator").await;
    c.goto(&app.url("/todo")).await.unwrap();
    let item = c.find(Locator::Css("[data-testid=todo-reports_to_file]")).await.unwrap();
    assert_eq!(item.attr("data-count").await.unwrap().as_deref(), Some("1"));
    assert!(item.text().await.unwrap().contains("2027-03-31"));
    c.find(Locator::Css("[data-testid=todo-reports_to_file] ul a")).await.unwrap().click().await.unwrap();
    let figures = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=figures]")).await.unwrap().text().await.unwrap();
    assert!(figures.contains("服务项目数"), "{figures}");
    for code in ["capability", "effectiveness", "sustainability", "social_benefit", "next_year_plan"] {
        c.find(Locator::Id(code)).await.unwrap().send_keys("本年度围绕验证能力与服务成效开展了系统性工作。").await.unwrap();
    }
    c.find(Locator::Css("[data-testid=report-form] button[type=submit]")).await.unwrap().click().await.unwrap();
    // The saved draft's page carries the report's next version.
    for _ in 0..100 {
        let v = match c.find(Locator::Css("[data-testid=submit-form] input[name=version]")).await {
            Ok(el) => el.attr("value").await.ok().flatten(),
            Err(_) => None,
        };
        if v.as_deref() == Some("2") {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    c.find(Locator::Css("[data-testid=submit-form] button")).await.unwrap().click().await.unwrap();
    wait_gone(&c, "[data-testid=submit-form]").await;
    let head = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(".page-head p")).await.unwrap().text().await.unwrap();
    assert!(head.contains("已报送") && !head.contains("逾期"), "{head}");
    assert!(c.find(Locator::Css("[data-testid=report-form]")).await.is_err(), "a filed report is no longer a form");
    sign_out(&c).await;

    // The bureau sees it filed, grades it (no panel yet: a grade with its reason) and publishes.
    sign_in(&c, &app, "chief").await;
    c.goto(&round_url).await.unwrap();
    let rows = c.find(Locator::Css("[data-testid=evaluations]")).await.unwrap().text().await.unwrap();
    assert!(rows.contains("已报送"), "{rows}");
    assert!(c.find(Locator::Css("[data-testid=publish-blocked]")).await.unwrap().text().await.unwrap().contains("1个中心"));
    c.find(Locator::Css("[data-testid=evaluations] tbody a[href^='/evaluations/']")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=decision-form]")).await.unwrap();
    c.find(Locator::Css("[data-testid=decision-form] select[name=grade]")).await.unwrap().select_by_value("qualified").await.unwrap();
    c.find(Locator::Css("[data-testid=decision-form] button")).await.unwrap().click().await.unwrap();
    let err = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=form-error]")).await.unwrap().text().await.unwrap();
    assert!(err.contains("理由"), "a grade other than the proposal needs its reason: {err}");
    c.find(Locator::Css("[data-testid=decision-form] select[name=grade]")).await.unwrap().select_by_value("qualified").await.unwrap();
    c.find(Locator::Css("[data-testid=decision-form] input[name=reason]")).await.unwrap().send_keys("专家组现场核查后集体审定").await.unwrap();
    c.find(Locator::Css("[data-testid=decision-form] button")).await.unwrap().click().await.unwrap();
    wait_gone(&c, "[data-testid=decision-form]").await;
    let grade = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=grade]")).await.unwrap();
    assert_eq!(grade.text().await.unwrap(), "合格");
    c.goto(&round_url).await.unwrap();
    c.find(Locator::Css("[data-testid=publish-form] button")).await.unwrap().click().await.unwrap();
    wait_gone(&c, "[data-testid=publish-form]").await;
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("a[href^='/evaluation/rounds/'][href$='/results']")).await.unwrap().click().await.unwrap();
    let public = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=published-results]")).await.unwrap().text().await.unwrap();
    assert!(public.contains("温州市瑞安年报概念验证中心") && public.contains("合格"), "{public}");

    // The white paper (002 四(四)) from the navigation: the round's result is in it, with PDF and Excel beside.
    c.find(Locator::Css("nav a[href='/white-paper']")).await.unwrap().click().await.unwrap();
    let title = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=white-paper-title]")).await.unwrap().text().await.unwrap();
    assert_eq!(title, "温州市2026年度科技成果转化白皮书");
    let sections = c.find_all(Locator::Css("[data-testid=white-paper-section]")).await.unwrap();
    assert_eq!(sections.len(), 8);
    let tables = c.find_all(Locator::Css("[data-testid=white-paper-table]")).await.unwrap();
    let mut ranked = false;
    for t in tables {
        ranked |= t.text().await.unwrap().contains("温州市瑞安年报概念验证中心");
    }
    assert!(ranked, "the published center is in the rankings");
    let pdf = c.find(Locator::Css("[data-testid=white-paper-pdf]")).await.unwrap().attr("href").await.unwrap();
    assert_eq!(pdf.as_deref(), Some("/white-paper/2026/pdf"));
    c.close().await.unwrap();
}

/// The `center` login registers a data set on its center's page and gets its signed certificate;
/// a visitor checks that certificate on the public verification page, and the log page shows
/// the bureau's trust list and witness.
#[tokio::test]
async fn a_center_registers_a_data_set_and_a_visitor_verifies_its_certificate() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, chrono::Utc::now(), &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    pocnet_app::evidence::documents::backfill(app.state.context()).await.unwrap();
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    demo_sign_in(&c, &app, "center").await;
    c.goto(&app.url("/centers")).await.unwrap();
    c.find(Locator::LinkText("温州市瓯江理工大学智能装备概念验证中心")).await.unwrap().click().await.unwrap();
    let form = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=data-set-form]")).await.unwrap();
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("gripper-force.csv");
    std::fs::write(&file, "trial,force_n\n1,41.8\n2,42.1\n").unwrap();
    form.find(Locator::Css("input[name=file]")).await.unwrap().send_keys(file.to_str().unwrap()).await.unwrap();
    form.find(Locator::Css("input[name=title]")).await.unwrap().send_keys("柔性夹爪抓取力测试数据").await.unwrap();
    form.find(Locator::Css("input[name=access_terms]")).await.unwrap().send_keys("协议各方科研使用").await.unwrap();
    form.find(Locator::Css("input[name=holder_name_1]")).await.unwrap().send_keys("瓯江理工大学").await.unwrap();
    form.find(Locator::Css("select[name=holder_role_1] option[value=research_unit]")).await.unwrap().click().await.unwrap();
    form.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    let table = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=data-sets]")).await.unwrap();
    let text = table.text().await.unwrap();
    assert!(text.contains("柔性夹爪抓取力测试数据") && text.contains("瓯江理工大学（研究单位）"), "{text}");
    // Its certificate, as the operator downloads it from the page's link.
    let history = c.find(Locator::XPath("//details[@data-testid='data-set-history'][contains(., '柔性夹爪抓取力测试数据')]")).await.unwrap();
    history.find(Locator::Css("summary")).await.unwrap().click().await.unwrap();
    let href = history.find(Locator::LinkText("PDF")).await.unwrap().attr("href").await.unwrap().unwrap();
    let http = browser();
    let login = http.post(app.url("/api/v1/auth/login")).json(&serde_json::json!({"username": "center", "password": demo::DEMO_PASSWORD})).send().await.unwrap();
    assert!(login.status().is_success());
    let pdf = http.get(app.url(&href)).send().await.unwrap().bytes().await.unwrap();
    assert!(pdf.starts_with(b"%PDF"));
    let pdf_path = dir.path().join("certificate.pdf");
    std::fs::write(&pdf_path, &pdf).unwrap();
    sign_out(&c).await;

    // A visitor without an account checks it.
    c.goto(&app.url("/verify")).await.unwrap();
    let form = c.find(Locator::Css("[data-testid=verify-form]")).await.unwrap();
    form.find(Locator::Css("input[name=file]")).await.unwrap().send_keys(pdf_path.to_str().unwrap()).await.unwrap();
    form.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    let outcome = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=verify-outcome]")).await.unwrap().text().await.unwrap();
    assert!(outcome.contains("核验通过") && outcome.contains("数据登记证书"), "{outcome}");
    // The log page: the bureau trusts the province's log and lists its witness.
    c.goto(&app.url("/log")).await.unwrap();
    let page = c.find(Locator::Css("main")).await.unwrap().text().await.unwrap();
    assert!(page.contains("浙江省科学技术厅概念验证平台") && page.contains("浙江省科学技术厅"), "{page}");
    c.close().await.unwrap();
}

/// The `enterprise` login follows its to-do list to a delivered voucher service and applies for
/// redemption with its invoice; the bureau pays it from the voucher page.
#[tokio::test]
async fn an_enterprise_redeems_a_voucher_and_the_bureau_pays_it() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, chrono::Utc::now(), &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    demo_sign_in(&c, &app, "enterprise").await;
    c.goto(&app.url("/todo")).await.unwrap();
    c.find(Locator::Css("[data-testid=todo-voucher_uses_to_redeem] > a")).await.unwrap().click().await.unwrap();
    let table = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=uses-table]")).await.unwrap();
    table.find(Locator::LinkText("激光跟踪仪")).await.unwrap().click().await.unwrap();
    let form = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=redeem-form]")).await.unwrap();
    form.find(Locator::Css("input[name=invoice_no]")).await.unwrap().send_keys("33012600-00099871").await.unwrap();
    form.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//*[@data-testid='use-state'][text()='待兑付']")).await.unwrap();
    sign_out(&c).await;

    demo_sign_in(&c, &app, "bureau").await;
    c.goto(&app.url("/vouchers")).await.unwrap();
    let bar = c.find(Locator::Css("[data-testid=budget-bar] figcaption")).await.unwrap().text().await.unwrap();
    assert!(bar.contains("已兑付 2万元"), "{bar}");
    let queue = c.find(Locator::Css("[data-testid=redeeming]")).await.unwrap();
    queue.find(Locator::LinkText("激光跟踪仪")).await.unwrap().click().await.unwrap();
    let pay = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=pay-form] button")).await.unwrap();
    assert_eq!(pay.text().await.unwrap(), "兑付 0.8万元");
    pay.click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//*[@data-testid='use-state'][text()='已兑付']")).await.unwrap();
    c.goto(&app.url("/vouchers")).await.unwrap();
    let bar = c.find(Locator::Css("[data-testid=budget-bar] figcaption")).await.unwrap().text().await.unwrap();
    assert!(bar.contains("已兑付 2.8万元"), "{bar}");
    c.close().await.unwrap();
}

/// Issue 17: the investor follows its to-do list to an interest the owner and the center
/// accepted, signs the confidentiality pledge and then reads the project's trade secrets; the
/// center follows its own to-do line to an interest and accepts it.
#[tokio::test]
async fn an_investor_signs_the_pledge_and_the_center_accepts_an_interest() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, chrono::Utc::now(), &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    demo_sign_in(&c, &app, "investor").await;
    c.goto(&app.url("/todo")).await.unwrap();
    c.find(Locator::Css("[data-testid=todo-interests_to_pledge] > a")).await.unwrap().click().await.unwrap();
    let table = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=interests-table]")).await.unwrap();
    table.find(Locator::Css("tbody a")).await.unwrap().click().await.unwrap();
    let pledge = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=pledge-form] button")).await.unwrap();
    pledge.click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//*[@data-testid='interest-state'][text()='已签保密承诺']")).await.unwrap();
    c.find(Locator::LinkText("查看项目")).await.unwrap().click().await.unwrap();
    let finance = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=finance]")).await.unwrap();
    assert!(finance.text().await.unwrap().contains("本机构的投资意向：已签保密承诺"));
    c.find(Locator::Css("[data-testid=secrets]")).await.expect("after the pledge the secrets are shown");
    sign_out(&c).await;

    demo_sign_in(&c, &app, "center").await;
    c.goto(&app.url("/todo")).await.unwrap();
    c.find(Locator::Css("[data-testid=todo-center_interests_to_answer] > a")).await.unwrap().click().await.unwrap();
    let table = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css("[data-testid=interests-table]")).await.unwrap();
    table.find(Locator::Css("tbody a")).await.unwrap().click().await.unwrap();
    let accept = c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//button[text()='同意对接']")).await.unwrap();
    accept.click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//*[@data-testid='interest-state'][text()='已同意对接']")).await.unwrap();
    c.close().await.unwrap();
}

/// Issue 18: the platform accepts an application from its to-do list and records the chief
/// expert's review; the enterprise confirms its plan from its own to-do list and follows a
/// booking to the line's calendar.
#[tokio::test]
async fn a_pilot_platform_takes_an_application_and_the_enterprise_confirms_its_plan() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, chrono::Utc::now(), &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    let wait = |css: &'static str| {
        let c = c.clone();
        async move { c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await.unwrap() }
    };
    demo_sign_in(&c, &app, "platform").await;
    c.goto(&app.url("/todo")).await.unwrap();
    c.find(Locator::Css("[data-testid=todo-pilot_projects_to_accept] > a")).await.unwrap().click().await.unwrap();
    wait("[data-testid=pilot-projects]").await.find(Locator::Css("tbody a")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//button[text()='受理，进入可行性论证']")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//*[@data-testid='pilot-state'][text()='可行性论证']")).await.unwrap();
    let form = wait("[data-testid=review-form] form").await;
    let who = form.find(Locator::Css("#r-who")).await.unwrap();
    assert!(who.prop("value").await.unwrap().unwrap_or_default().starts_with("首席专家"), "the platform's chief expert is proposed");
    who.clear().await.unwrap();
    who.send_keys("首席专家 周总工").await.unwrap();
    form.find(Locator::Css("#r-op")).await.unwrap().send_keys("执行器方案成熟，平台装配线可适配，建议开展中试").await.unwrap();
    form.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//*[@data-testid='pilot-state'][text()='方案编制']")).await.unwrap();
    wait("[data-testid=plan-form]").await;
    sign_out(&c).await;

    demo_sign_in(&c, &app, "enterprise").await;
    c.goto(&app.url("/todo")).await.unwrap();
    c.find(Locator::Css("[data-testid=todo-pilot_plans_to_confirm] > a")).await.unwrap().click().await.unwrap();
    wait("[data-testid=pilot-projects]").await.find(Locator::Css("tbody a")).await.unwrap().click().await.unwrap();
    wait("[data-testid=confirm-form] button").await.click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//*[@data-testid='pilot-state'][text()='中试实施']")).await.unwrap();
    wait("[data-testid=pilot-bookings]").await.find(Locator::Css("tbody a")).await.unwrap().click().await.unwrap();
    let cal = wait("[data-testid=calendar]").await;
    assert!(cal.text().await.unwrap().contains("已满"), "the booked days are full");
    c.close().await.unwrap();
}

/// Issue 18 (004 三(二)): the PoC center follows its to-do line to the batch under review, records
/// the two concepts not yet assessed, publishes the seed list, and anyone reads the new seeds.
#[tokio::test]
async fn a_center_finishes_its_batch_review_and_publishes_the_seed_list() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, chrono::Utc::now(), &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    let wait = |css: &'static str| {
        let c = c.clone();
        async move { c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await.unwrap() }
    };
    demo_sign_in(&c, &app, "center").await;
    c.goto(&app.url("/todo")).await.unwrap();
    c.find(Locator::Css("[data-testid=todo-seed_batches_to_publish] > a")).await.unwrap().click().await.unwrap();
    wait("[data-testid=seed-batches]").await.find(Locator::Css("tbody a")).await.unwrap().click().await.unwrap();
    assert!(wait("[data-testid=batch-next]").await.text().await.unwrap().contains("还有2个概念"));
    for (row, tech, verdict) in [(3, "83", "seed"), (4, "61", "not_selected")] {
        let tr = c.find(Locator::Css(&format!("[data-testid=batch-concepts] tbody tr:nth-child({row})"))).await.unwrap();
        tr.find(Locator::Css("input[name=tech_score]")).await.unwrap().send_keys(tech).await.unwrap();
        tr.find(Locator::Css("input[name=market_score]")).await.unwrap().send_keys("70").await.unwrap();
        tr.find(Locator::Css("select[name=verdict]")).await.unwrap().select_by_value(verdict).await.unwrap();
        tr.find(Locator::Css("input[name=opinion]")).await.unwrap().send_keys("论证组一致意见").await.unwrap();
    }
    c.find(Locator::Css("[data-testid=assess-form] button[type=submit]")).await.unwrap().click().await.unwrap();
    wait("[data-testid=publish-form] button").await.click().await.unwrap();
    c.wait().at_most(Duration::from_secs(10)).for_element(Locator::XPath("//*[@data-testid='batch-state'][text()='已发布种子清单']")).await.unwrap();
    sign_out(&c).await;

    c.goto(&app.url("/seeds")).await.unwrap();
    let list = wait("[data-testid=seeds]").await.text().await.unwrap();
    assert!(list.contains("人形机器人灵巧手腱绳驱动概念") && list.contains("自修复聚氨酯电缆护套概念"), "the new seeds are public: {list}");
    assert!(!list.contains("数控机床热误差"), "the concept not selected is not: {list}");
    c.close().await.unwrap();
}

/// 004 三(三)(五): the project manager updates the project its to-do list names, and the platform
/// assesses it from the record with the suggested scores filled in.
#[tokio::test]
async fn a_project_manager_updates_a_waiting_project_and_the_platform_assesses_it() {
    let Some(driver_bin) = chromedriver() else { return };
    let app = spawn_app_with(WebConfig { demo: true, ..WebConfig::default() }).await;
    let hash = pocnet_web::auth::password::hash_blocking(demo::DEMO_PASSWORD).unwrap();
    demo::load_once(&app.store, app.now(), &hash, &|_, _| {}).await.unwrap().expect("demo loaded");
    let (_driver, port) = start_driver(&driver_bin).await;
    let c = client(port).await;
    let wait = |css: &'static str| {
        let c = c.clone();
        async move { c.wait().at_most(Duration::from_secs(10)).for_element(Locator::Css(css)).await.unwrap() }
    };
    demo_sign_in(&c, &app, "manager").await;
    c.goto(&app.url("/todo")).await.unwrap();
    c.find(Locator::Css("[data-testid=todo-managed_projects_to_update] ul a")).await.unwrap().click().await.unwrap();
    wait("[data-testid=entry-form]").await;
    c.find(Locator::Css("#e-kind")).await.unwrap().select_by_value("progress").await.unwrap();
    c.find(Locator::Css("#e-body")).await.unwrap().send_keys("用户访谈结论已整理，需求验证通过").await.unwrap();
    c.find(Locator::Css("[data-testid=entry-form] button[type=submit]")).await.unwrap().click().await.unwrap();
    let log = wait("[data-testid=entries]").await.text().await.unwrap();
    assert!(log.contains("需求验证通过") && log.contains("进度控制"), "{log}");
    c.goto(&app.url("/todo")).await.unwrap();
    wait("[data-testid=todo-empty]").await;
    sign_out(&c).await;

    demo_sign_in(&c, &app, "center").await;
    let year = chrono::Datelike::year(&app.today());
    c.goto(&app.url(&format!("/manager-assessments?manager=manager&record_year={year}"))).await.unwrap();
    let form = wait("[data-testid=assess-form]").await;
    let suggested = form.find(Locator::Css("#s-tech")).await.unwrap().prop("value").await.unwrap().unwrap_or_default();
    assert!(suggested.parse::<u8>().is_ok(), "the suggestion fills the score: {suggested:?}");
    form.find(Locator::Css("#s-opinion")).await.unwrap().send_keys("跟进及时，转化资源对接有力").await.unwrap();
    form.find(Locator::Css("button[type=submit]")).await.unwrap().click().await.unwrap();
    let done = wait("[data-testid=assessed]").await.text().await.unwrap();
    assert!(done.contains("跟进及时"), "{done}");
    c.close().await.unwrap();
}
