//! The direct reader against the tree reader it replaced: the same instance
//! from every valid file, the same error (path and message) from every
//! malformed one.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use super::{read, InputError};
use pocnet_domain::panel::{synthetic, AffinityOverride, BlacklistEntry, Instance, PairConflict};
use serde_json::{json, Value};

/// The reader as it was before (a `Value` tree of the whole file, the seed
/// put in, then the typed instance), kept here as the reference.
fn reference(text: &str, seed: u64) -> Result<(Instance, Option<u64>), InputError> {
    let mut value: Value = serde_json::from_str(text).map_err(InputError::NotJson)?;
    let mut drawn = None;
    if let Some(r) = value.pointer_mut("/options/randomize").and_then(|r| r.as_object_mut()) {
        if !r.contains_key("seed") {
            r.insert("seed".into(), seed.into());
            drawn = Some(seed);
        }
    }
    let instance: Instance = serde_path_to_error::deserialize(value)
        .map_err(|e| InputError::Field { path: e.path().to_string(), message: e.inner().to_string() })?;
    Ok((instance, drawn))
}

/// An error as the command prints it: the message and its cause.
fn shown(e: &InputError) -> String {
    match e {
        InputError::NotJson(cause) => format!("not JSON: {cause}"),
        InputError::Field { path, message } => format!("{path}: {message}"),
    }
}

/// A small instance with something in every list and every option set.
fn example() -> Instance {
    let mut inst = synthetic::generate(&synthetic::Spec {
        items: 4,
        experts: 12,
        panel: 3,
        composition: true,
        seed: 3,
        max_load: None,
        dense: true,
    });
    inst.conflicts.push(PairConflict { expert: "E00002".into(), item: "I00001".into(), reason: "合作".into() });
    inst.blacklist.push(BlacklistEntry { expert: "E00005".into(), reason: String::new() });
    inst.affinities.push(AffinityOverride { item: "I00000".into(), expert: "E00001".into(), score: 0.125 });
    inst.options.top_k = 7;
    inst.options.gap_target = 0.001;
    inst
}

fn example_json() -> Value {
    serde_json::to_value(example()).unwrap()
}

#[test]
fn a_valid_file_reads_into_the_instance_it_was_written_from() {
    let inst = example();
    for text in [serde_json::to_string(&inst).unwrap(), serde_json::to_string_pretty(&inst).unwrap()] {
        assert!(super::read_direct(&text, 42).is_some(), "read directly, not through the tree");
        let (read_back, drawn) = read(text, 42).unwrap();
        assert_eq!(read_back, inst);
        assert_eq!(drawn, None);
    }
}

#[test]
fn valid_files_read_as_the_tree_reader_read_them() {
    let mut cases: Vec<(&str, Value)> = Vec::new();
    let mut v = example_json();
    v.as_object_mut().unwrap().remove("options");
    cases.push(("no options", v));
    let mut v = example_json();
    for key in ["conflicts", "blacklist", "affinities"] {
        v.as_object_mut().unwrap().remove(key);
    }
    cases.push(("only items and experts", v));
    let mut v = example_json();
    v["options"]["randomize"] = json!({"q": 0.5});
    cases.push(("a draw without a seed", v));
    let mut v = example_json();
    v["options"]["randomize"] = json!({"q": 0.5, "seed": 17});
    cases.push(("a draw with its seed", v));
    let mut v = example_json();
    v["options"]["randomize"] = Value::Null;
    cases.push(("randomize null", v));
    let mut v = example_json();
    v["options"] = json!({});
    cases.push(("empty options", v));
    let mut v = example_json();
    v["affinities"][0]["score"] = json!(1);
    cases.push(("an integer score", v));
    let mut v = example_json();
    v["items"][0]["keywords"] = json!(["芯片\u{0}封装", "a\"b\\c", "\u{1F600}"]);
    cases.push(("escapes in strings", v));
    let mut v = example_json();
    v["affinities"][1] = json!(["I00000", "E00003", 0.75]);
    cases.push(("a score as a list (lenient)", v));
    let mut v = example_json();
    v["affinities"][2]["expert"] = json!("E\u{4e00}\"x\\");
    cases.push(("an id with escapes", v));
    let ordered = {
        let v = example_json();
        let mut text = String::from("{");
        for (n, key) in ["options", "affinities", "blacklist", "conflicts", "experts", "items"].iter().enumerate() {
            if n > 0 {
                text.push(',');
            }
            text.push_str(&format!("\"{key}\":{}", v[*key]));
        }
        text.push('}');
        text
    };
    let mut texts: Vec<(&str, String)> = cases.iter().map(|(name, v)| (*name, v.to_string())).collect();
    texts.push(("keys in another order", ordered));
    let twice = example_json().to_string();
    texts.push(("a key given twice: the last wins (lenient)", format!("{{\"items\": [], {}", &twice[1..])));
    texts.push(("whitespace around", format!("\n\t {twice} \n")));
    let nested = twice.replacen("\"panel_size\":3", "\"panel_size\":9,\"panel_size\":3", 1);
    assert_ne!(nested, twice);
    texts.push(("a key given twice in an item: the last wins (lenient)", nested));
    let score_twice = twice.replacen("\"score\":", "\"score\":0.5,\"score\":", 1);
    assert_ne!(score_twice, twice);
    texts.push(("a key given twice in a score (lenient)", score_twice));
    for (name, text) in texts {
        // Only what the old reader was lenient about goes the long way.
        assert_eq!(super::read_direct(&text, 99).is_some(), !name.contains("lenient"), "{name}: read directly");
        let want = reference(&text, 99).unwrap_or_else(|e| panic!("{name}: reference: {}", shown(&e)));
        let got = read(text, 99).unwrap_or_else(|e| panic!("{name}: {}", shown(&e)));
        assert_eq!(got, want, "{name}");
    }
    let seeded = example_json();
    let mut v = seeded.clone();
    v["options"]["randomize"] = json!({"q": 0.5});
    let (inst, drawn) = read(v.to_string(), 1234).unwrap();
    assert_eq!(drawn, Some(1234));
    assert_eq!(inst.options.randomize.map(|r| r.seed), Some(1234));
    v["options"]["randomize"] = json!({"q": 0.5, "seed": 7});
    let (inst, drawn) = read(v.to_string(), 1234).unwrap();
    assert_eq!((drawn, inst.options.randomize.map(|r| r.seed)), (None, Some(7)));
}

/// Each kind of malformed input: the error the command prints, which must be
/// the tree reader's to the letter.
#[test]
fn each_kind_of_malformed_input_gives_the_error_it_always_gave() {
    let good = example_json();
    let edit = |f: &dyn Fn(&mut Value)| {
        let mut v = good.clone();
        f(&mut v);
        v.to_string()
    };
    let text = good.to_string();
    let cases: Vec<(&str, String, &str)> = vec![
        ("empty file", String::new(), "not JSON: EOF while parsing a value at line 1 column 0"),
        ("truncated", text[..text.len() / 2].to_owned(), "not JSON: "),
        ("trailing characters", format!("{text} x"), "not JSON: trailing characters"),
        ("a syntax error after a wrong value", edit(&|v| v["items"][0]["panel_size"] = json!("three")).replace("\"experts\":[", "\"experts\":[,"), "not JSON: expected value"),
        ("a list, not an object", "[1, 2]".into(), "[0]: invalid type: integer `1`, expected a sequence"),
        ("a number", "5".into(), ".: invalid type: integer `5`, expected struct Instance"),
        ("null", "null".into(), ".: invalid type: null, expected struct Instance"),
        ("missing items", edit(&|v| drop(v.as_object_mut().unwrap().remove("items"))), ".: missing field `items`"),
        ("missing experts", edit(&|v| drop(v.as_object_mut().unwrap().remove("experts"))), ".: missing field `experts`"),
        ("unknown top-level key", edit(&|v| v["colour"] = json!(1)), "colour: unknown field `colour`, expected one of `items`, `experts`, `conflicts`, `blacklist`, `affinities`, `options`"),
        ("wrong type", edit(&|v| v["items"][1]["panel_size"] = json!("three")), "items[1].panel_size: invalid type: string \"three\", expected u32"),
        ("negative count", edit(&|v| v["experts"][0]["max_load"] = json!(-1)), "experts[0].max_load: invalid value: integer `-1`, expected u32"),
        ("fraction for a count", edit(&|v| v["experts"][2]["min_load"] = json!(1.5)), "experts[2].min_load: invalid type: floating point `1.5`, expected u32"),
        ("unknown kind", edit(&|v| v["experts"][3]["kind"] = json!("wizard")), "experts[3].kind: unknown variant `wizard`"),
        ("unknown kind as a key", edit(&|v| v["items"][0]["min_per_kind"] = json!({"wizard": 1})), "items[0].min_per_kind.?: unknown variant `wizard`, expected one of `academic`, `industry`, `investment`"),
        ("bad date", edit(&|v| v["items"][0]["review_date"] = json!("2026-13-01")), "items[0].review_date: input is out of range"),
        ("unknown field in an item", edit(&|v| v["items"][2]["colour"] = json!("red")), "items[2].colour: unknown field `colour`, expected one of `id`, `panel_size`"),
        ("missing field in an expert", edit(&|v| drop(v["experts"][4].as_object_mut().unwrap().remove("org"))), "experts[4]: missing field `org`"),
        ("items not a list", edit(&|v| v["items"] = json!({})), "items: invalid type: map, expected a sequence"),
        ("score not a number", edit(&|v| v["affinities"][5]["score"] = json!("high")), "affinities[5].score: invalid type: string \"high\", expected f64"),
        ("score without its expert", edit(&|v| drop(v["affinities"][0].as_object_mut().unwrap().remove("expert"))), "affinities[0]: missing field `expert`"),
        ("score id not a string", edit(&|v| v["affinities"][3]["item"] = json!(3)), "affinities[3].item: invalid type: integer `3`, expected a string"),
        ("score null", edit(&|v| v["affinities"][1]["score"] = Value::Null), "affinities[1].score: invalid type: null, expected f64"),
        ("unknown field in a score", edit(&|v| v["affinities"][4]["weight"] = json!(1)), "affinities[4].weight: unknown field `weight`, expected one of `item`, `expert`, `score`"),
        ("a score not an object", edit(&|v| v["affinities"][0] = json!("I00000")), "affinities[0]: invalid type: string \"I00000\", expected struct AffinityOverride"),
        ("affinities not a list", edit(&|v| v["affinities"] = json!({})), "affinities: invalid type: map, expected a sequence"),
        ("conflict with a number id", edit(&|v| v["conflicts"][0]["expert"] = json!(7)), "conflicts[0].expert: invalid type: integer `7`, expected a string"),
        ("blacklist not a list", edit(&|v| v["blacklist"] = json!("E00001")), "blacklist: invalid type: string \"E00001\", expected a sequence"),
        ("options null", edit(&|v| v["options"] = Value::Null), "options: invalid type: null, expected struct Options"),
        ("randomize not an object", edit(&|v| v["options"]["randomize"] = json!(5)), "options.randomize: invalid type: integer `5`, expected struct Randomize"),
        ("randomize without q", edit(&|v| v["options"]["randomize"] = json!({"seed": 3})), "options.randomize: missing field `q`"),
        ("q not a number", edit(&|v| v["options"]["randomize"] = json!({"q": "half"})), "options.randomize.q: invalid type: string \"half\", expected f64"),
        ("negative top_k", edit(&|v| v["options"]["top_k"] = json!(-1)), "options.top_k: invalid value: integer `-1`, expected usize"),
        ("unknown option", edit(&|v| v["options"]["speed"] = json!("fast")), "options.speed: unknown field `speed`, expected one of `randomize`"),
        ("unknown weight", edit(&|v| v["options"]["weights"] = json!({"field": 1, "sub_field": 1, "text": 1, "age": 1})), "options.weights.age: unknown field `age`, expected one of `field`, `sub_field`, `text`"),
    ];
    let mut wrong = Vec::new();
    for (name, text, expected) in cases {
        assert!(super::read_direct(&text, 5).is_none(), "{name}: the direct reader accepted it");
        let want = reference(&text, 5).map(|_| ()).map_err(|e| shown(&e));
        let got = read(text, 5).map(|_| ()).map_err(|e| shown(&e));
        assert_eq!(got, want, "{name}: the same error as the tree reader");
        let got = got.expect_err(name);
        if !got.contains(expected) {
            wrong.push(format!("{name}: {got:?} should contain {expected:?}"));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
