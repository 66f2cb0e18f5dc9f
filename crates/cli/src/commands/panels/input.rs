//! Reading an instance file into the typed [`Instance`].
//!
//! The text is deserialized straight into the typed instance: no
//! `serde_json::Value` tree of the whole file (a 1,000 × 1,500 instance with
//! 1.5 M explicit scores is 80–130 MB of JSON and made a tree of over 1 GiB).
//! The explicit scores are read with their ids interned ([`scores`]) and
//! become the instance's strings only once the text is dropped, so the text
//! and the typed scores are never held together. Only `options`, a few
//! lines, goes through a tree, so that a randomised draw without a seed gets
//! one before it is typed.
//!
//! Input the direct reader refuses is read again the way it always was (the
//! whole tree, then the typed instance with the JSON path of the first value
//! at fault), so every error names the same path with the same message as
//! before, and what was accepted before still is (a key given twice in one
//! object: the last one wins). Only input that cannot be an instance pays
//! for the tree.

mod scores;

use pocnet_domain::panel::{BlacklistEntry, Expert, Instance, Item, Options, PairConflict};
use scores::Scores;
use serde::de::{self, MapAccess, Visitor};
use serde::Deserialize;
use serde_json::Value;
use std::fmt;

/// Why an instance could not be read.
#[derive(Debug, thiserror::Error)]
pub enum InputError {
    /// The text is not JSON (a syntax error, truncated text, trailing characters).
    #[error("not JSON")]
    NotJson(#[source] serde_json::Error),
    /// The JSON value at `path` does not fit the instance format.
    #[error("{path}: {message}")]
    Field {
        /// JSON path of the value at fault, e.g. `items[1].panel_size` (`.`: the whole document).
        path: String,
        /// What is wrong with it.
        message: String,
    },
}

/// Reads an instance from JSON text, dropping the text as soon as it is no
/// longer needed. When `options.randomize` is an object without a `seed`,
/// `seed` is put in and returned, so the draw can be replayed.
pub fn read(text: String, seed: u64) -> Result<(Instance, Option<u64>), InputError> {
    match read_direct(&text, seed) {
        Some(parts) => {
            drop(text);
            Ok(parts.build())
        }
        None => read_tree(&text, seed),
    }
}

/// The direct reader: `None` when the text is not a well-formed instance
/// (the tree reader then says why).
fn read_direct(text: &str, seed: u64) -> Option<Typed> {
    let mut de = serde_json::Deserializer::from_str(text);
    let parts = Parts::deserialize(&mut de).ok()?;
    de.end().ok()?;
    let (options, drawn) = match parts.options {
        Some(mut value) => {
            let drawn = put_seed(&mut value, seed);
            (Options::deserialize(value).ok()?, drawn)
        }
        None => (Options::default(), None),
    };
    Some(Typed {
        items: parts.items?,
        experts: parts.experts?,
        conflicts: parts.conflicts.unwrap_or_default(),
        blacklist: parts.blacklist.unwrap_or_default(),
        affinities: parts.affinities.unwrap_or_default(),
        options,
        drawn,
    })
}

/// Everything typed but the scores' strings.
struct Typed {
    items: Vec<Item>,
    experts: Vec<Expert>,
    conflicts: Vec<PairConflict>,
    blacklist: Vec<BlacklistEntry>,
    affinities: Scores,
    options: Options,
    drawn: Option<u64>,
}

impl Typed {
    fn build(self) -> (Instance, Option<u64>) {
        let instance = Instance {
            items: self.items,
            experts: self.experts,
            conflicts: self.conflicts,
            blacklist: self.blacklist,
            affinities: self.affinities.into_overrides(),
            options: self.options,
        };
        (instance, self.drawn)
    }
}

/// The reader of record for input the direct one refuses: the whole tree,
/// the seed put in, then the typed instance with the path of the first value
/// at fault.
fn read_tree(text: &str, seed: u64) -> Result<(Instance, Option<u64>), InputError> {
    let mut value: Value = serde_json::from_str(text).map_err(InputError::NotJson)?;
    let drawn = match value.pointer_mut("/options") {
        Some(options) => put_seed(options, seed),
        None => None,
    };
    let instance: Instance = serde_path_to_error::deserialize(value)
        .map_err(|e| InputError::Field { path: e.path().to_string(), message: e.inner().to_string() })?;
    Ok((instance, drawn))
}

/// Puts `seed` into `options.randomize` when it is an object without one.
fn put_seed(options: &mut Value, seed: u64) -> Option<u64> {
    let randomize = options.get_mut("randomize")?.as_object_mut()?;
    if randomize.contains_key("seed") {
        return None;
    }
    randomize.insert("seed".into(), seed.into());
    Some(seed)
}

/// The top-level keys of an instance, as [`Instance`] names them.
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    Items,
    Experts,
    Conflicts,
    Blacklist,
    Affinities,
    Options,
}

/// The instance as read, before its options are typed.
#[derive(Default)]
struct Parts {
    items: Option<Vec<Item>>,
    experts: Option<Vec<Expert>>,
    conflicts: Option<Vec<PairConflict>>,
    blacklist: Option<Vec<BlacklistEntry>>,
    affinities: Option<Scores>,
    options: Option<Value>,
}

impl<'de> Deserialize<'de> for Parts {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_map(PartsVisitor)
    }
}

struct PartsVisitor;

/// Stores a top-level value; a key given twice is refused (the tree reader decides).
fn once<T, E: de::Error>(slot: &mut Option<T>, value: T, key: &'static str) -> Result<(), E> {
    if slot.is_some() {
        return Err(E::duplicate_field(key));
    }
    *slot = Some(value);
    Ok(())
}

impl<'de> Visitor<'de> for PartsVisitor {
    type Value = Parts;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct Instance")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Parts, A::Error> {
        let mut p = Parts::default();
        while let Some(key) = map.next_key::<Key>()? {
            match key {
                Key::Items => once(&mut p.items, map.next_value()?, "items")?,
                Key::Experts => once(&mut p.experts, map.next_value()?, "experts")?,
                Key::Conflicts => once(&mut p.conflicts, map.next_value()?, "conflicts")?,
                Key::Blacklist => once(&mut p.blacklist, map.next_value()?, "blacklist")?,
                Key::Affinities => once(&mut p.affinities, map.next_value()?, "affinities")?,
                Key::Options => once(&mut p.options, map.next_value()?, "options")?,
            }
        }
        Ok(p)
    }
}

#[cfg(test)]
mod tests;
