//! The explicit scores of an instance as they are read: each id once, each
//! score a row of two indexes and the score. An instance with 1.5 M scores
//! holds 3 M id strings once typed; read this way, its text can be dropped
//! before they are made.

use pocnet_domain::panel::AffinityOverride;
use serde::de::{self, DeserializeSeed, MapAccess, SeqAccess, Visitor};
use serde::Deserialize;
use std::collections::HashMap;
use std::fmt;

/// The `affinities` list, ids interned.
#[derive(Debug, Default)]
pub(super) struct Scores {
    names: Vec<Box<str>>,
    index: HashMap<Box<str>, u32>,
    rows: Vec<(u32, u32, f64)>,
}

impl Scores {
    fn intern(&mut self, id: &str) -> u32 {
        if let Some(&k) = self.index.get(id) {
            return k;
        }
        let k = self.names.len() as u32;
        self.names.push(id.into());
        self.index.insert(id.into(), k);
        k
    }

    /// The scores as the instance holds them, in the order read.
    pub(super) fn into_overrides(self) -> Vec<AffinityOverride> {
        let name = |k: u32| self.names.get(k as usize).map_or_else(String::new, |s| s.to_string());
        self.rows.iter().map(|&(item, expert, score)| AffinityOverride { item: name(item), expert: name(expert), score }).collect()
    }
}

impl<'de> Deserialize<'de> for Scores {
    fn deserialize<D: de::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_seq(ListVisitor)
    }
}

struct ListVisitor;

impl<'de> Visitor<'de> for ListVisitor {
    type Value = Scores;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a sequence")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Scores, A::Error> {
        let mut scores = Scores::default();
        scores.rows.reserve(seq.size_hint().unwrap_or(0));
        while let Some(row) = seq.next_element_seed(RowSeed(&mut scores))? {
            scores.rows.push(row);
        }
        Ok(scores)
    }
}

/// The keys of one score, as [`AffinityOverride`] names them (any other is refused).
#[derive(Deserialize)]
#[serde(field_identifier, rename_all = "snake_case")]
enum Key {
    Item,
    Expert,
    Score,
}

/// One score: an object with `item`, `expert` and `score`, each once (the
/// tree reader takes whatever else [`AffinityOverride`] accepts).
struct RowSeed<'s>(&'s mut Scores);

impl<'de> DeserializeSeed<'de> for RowSeed<'_> {
    type Value = (u32, u32, f64);

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_map(self)
    }
}

impl<'de> Visitor<'de> for RowSeed<'_> {
    type Value = (u32, u32, f64);

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("struct AffinityOverride")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        let (mut item, mut expert, mut score) = (None, None, None);
        while let Some(key) = map.next_key::<Key>()? {
            let (slot, name) = match key {
                Key::Item => (&mut item, "item"),
                Key::Expert => (&mut expert, "expert"),
                Key::Score => {
                    if score.replace(map.next_value::<f64>()?).is_some() {
                        return Err(de::Error::duplicate_field("score"));
                    }
                    continue;
                }
            };
            if slot.replace(map.next_value_seed(IdSeed(&mut *self.0))?).is_some() {
                return Err(de::Error::duplicate_field(name));
            }
        }
        let item = item.ok_or_else(|| de::Error::missing_field("item"))?;
        let expert = expert.ok_or_else(|| de::Error::missing_field("expert"))?;
        let score = score.ok_or_else(|| de::Error::missing_field("score"))?;
        Ok((item, expert, score))
    }
}

/// An id (a JSON string), interned.
struct IdSeed<'s>(&'s mut Scores);

impl<'de> DeserializeSeed<'de> for IdSeed<'_> {
    type Value = u32;

    fn deserialize<D: de::Deserializer<'de>>(self, deserializer: D) -> Result<u32, D::Error> {
        deserializer.deserialize_str(self)
    }
}

impl<'de> Visitor<'de> for IdSeed<'_> {
    type Value = u32;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a string")
    }

    fn visit_str<E: de::Error>(self, id: &str) -> Result<u32, E> {
        Ok(self.0.intern(id))
    }
}
