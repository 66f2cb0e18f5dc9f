//! Integration tests over HTTP. One binary; every test gets its own server and
//! database (SQLite by default, PostgreSQL when `POCNET_TEST_DATABASE_URL` is set).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod access;
mod admin;
mod assignment;
mod audit;
mod auth;
mod bad_input;
mod csrf;
mod demo;
mod evaluation;
mod expert_accounts;
mod evidence;
mod experts;
mod finding;
mod helpers;
mod lists;
mod matching;
mod library;
mod matrix;
mod metrics;
mod openapi;
mod pages;
mod policies;
mod recognition;
mod returns;
mod registry;
mod sessions;
mod storage;
mod strict_input;
mod supervision;
mod search;
mod sharing;
mod todo;
mod vouchers;
mod white_paper;
