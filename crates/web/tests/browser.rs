//! Browser test: headless Chromium signs in as each demo role and sees its
//! dashboard. Runs when `POCNET_CHROMEDRIVER` names a chromedriver binary
//! (`.ci/run` installs Debian's `chromium` and `chromium-driver` and sets it);
//! otherwise it says so and passes without a browser.
#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "api/helpers.rs"]
#[allow(dead_code)]
mod helpers;

use fantoccini::{ClientBuilder, Locator};
use helpers::*;
use pocnet_store::demo;
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
    let Ok(driver_bin) = std::env::var("POCNET_CHROMEDRIVER") else {
        eprintln!("browser test skipped: set POCNET_CHROMEDRIVER=/usr/bin/chromedriver (as .ci/run does) to run it");
        return;
    };
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

    for role in ["bureau", "county", "center", "expert", "researcher", "investor"] {
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
