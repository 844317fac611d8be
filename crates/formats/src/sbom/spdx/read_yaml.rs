//! SPDX 2.x YAML: parsed with serde_norway straight into the [`Json`] tree that the JSON
//! reader walks.
//!
//! YAML aliases can make a small document expand into a huge one ("billion laughs": an
//! anchor of ten aliases of an anchor of ten aliases…, or one long string aliased a million
//! times). serde_norway bounds nesting depth and alias jumps, but the jump bound still lets
//! a document expand quadratically, so the tree is built against a budget: values plus
//! string bytes may not exceed twice the document's size plus a small constant. A document
//! without aliases never comes near it.

use std::borrow::Cow;
use std::cell::Cell;
use std::fmt;

use chainward_core::sbom::Encoding;
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use super::read_json::{PathStyle, walk_document};
use crate::json::{Json, Number};
use crate::sbom::{Limits, Read, SbomError};

/// Reads an SPDX 2.x YAML document.
pub fn read_yaml(text: &str, limits: &Limits) -> Result<Read, SbomError> {
    if text.len() > limits.max_bytes {
        return Err(SbomError::TooLarge { bytes: text.len(), limit: limits.max_bytes });
    }
    let text = text.trim_start_matches('\u{feff}');
    if text.trim().is_empty() {
        return Err(SbomError::Empty);
    }
    let tree = parse_yaml(text)?;
    walk_document(&tree, Encoding::Yaml, PathStyle::Pointer, "", limits)
}

/// Parses YAML into a tree, refusing alias expansion beyond the budget.
fn parse_yaml(text: &str) -> Result<Json<'static>, SbomError> {
    let budget = Cell::new(text.len().saturating_mul(2).saturating_add(4096));
    let deserializer = serde_norway::Deserializer::from_str(text);
    Bounded { budget: &budget }.deserialize(deserializer).map_err(|e| SbomError::Yaml(e.to_string()))
}

/// Builds a [`Json`] value, spending one unit of the budget per value and one per byte of
/// text.
#[derive(Clone, Copy)]
struct Bounded<'b> {
    budget: &'b Cell<usize>,
}

impl Bounded<'_> {
    fn spend<E: de::Error>(&self, units: usize) -> Result<(), E> {
        let left = self.budget.get();
        if units > left {
            return Err(E::custom("the document expands (through aliases) to more than twice its size; refused"));
        }
        self.budget.set(left - units);
        Ok(())
    }
}

impl<'de> DeserializeSeed<'de> for Bounded<'_> {
    type Value = Json<'static>;

    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Self::Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Bounded<'_> {
    type Value = Json<'static>;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any YAML value")
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        self.spend(1)?;
        Ok(Json::Null)
    }
    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        self.visit_unit()
    }
    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Self::Value, E> {
        self.spend(1)?;
        Ok(Json::Bool(v))
    }
    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Self::Value, E> {
        self.spend(1)?;
        Ok(Json::Number(Number::Unsigned(v)))
    }
    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Self::Value, E> {
        self.spend(1)?;
        Ok(Json::Number(if v >= 0 { Number::Unsigned(v.unsigned_abs()) } else { Number::Signed(v) }))
    }
    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Self::Value, E> {
        self.spend(1)?;
        Ok(Json::Number(Number::Float(v)))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        self.spend(1 + v.len())?;
        Ok(Json::String(Cow::Owned(v.to_owned())))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        self.spend(1 + v.len())?;
        Ok(Json::String(Cow::Owned(v)))
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
        self.spend(1)?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(self)? {
            items.push(item);
        }
        Ok(Json::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
        self.spend(1)?;
        let mut members = Vec::new();
        while let Some(key) = map.next_key_seed(self)? {
            let key = match key {
                Json::String(s) => s,
                // SPDX keys are names; a number or boolean key is kept as its text.
                Json::Number(n) => Cow::Owned(n.to_string()),
                Json::Bool(b) => Cow::Owned(b.to_string()),
                Json::Null => Cow::Borrowed("null"),
                Json::Array(_) | Json::Object(_) => {
                    return Err(de::Error::custom("a mapping key is a sequence or mapping; SPDX keys are names"));
                }
            };
            let value = map.next_value_seed(self)?;
            members.push((key, value));
        }
        Ok(Json::Object(members))
    }
}
