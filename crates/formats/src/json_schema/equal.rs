//! JSON equality as JSON Schema defines it (numbers by value, `1 == 1.0`; objects without
//! regard to member order) for `const`, `enum` and `uniqueItems`, and a duplicate search for
//! `uniqueItems` that stays near-linear on 50,000 components and on hostile input.

use std::cmp::Ordering;
use std::collections::hash_map::RandomState;
use std::hash::BuildHasher;

use super::table::{hash_bytes, mix, quick_hash};
use crate::json::{Json, Number};

/// Objects with more members than this are compared by sorting their keys rather than by a
/// search of one in the other.
const SMALL_OBJECT: usize = 16;

/// A number in a form that compares and hashes by value.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Numeric {
    Integer(i128),
    Float(f64),
}

fn numeric(n: Number) -> Numeric {
    match n {
        Number::Unsigned(u) => Numeric::Integer(i128::from(u)),
        Number::Signed(s) => Numeric::Integer(i128::from(s)),
        Number::Float(f) if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e38 => Numeric::Integer(f as i128),
        Number::Float(f) => Numeric::Float(f),
    }
}

fn value_numeric(n: &serde_json::Number) -> Numeric {
    if let Some(u) = n.as_u64() {
        numeric(Number::Unsigned(u))
    } else if let Some(i) = n.as_i64() {
        numeric(Number::Signed(i))
    } else {
        numeric(Number::Float(n.as_f64().unwrap_or(f64::NAN)))
    }
}

/// Whether the instance equals a schema value.
pub(super) fn equals_value(json: &Json<'_>, value: &serde_json::Value) -> bool {
    use serde_json::Value;
    match (json, value) {
        (Json::Null, Value::Null) => true,
        (Json::Bool(a), Value::Bool(b)) => a == b,
        (Json::Number(a), Value::Number(b)) => numeric(*a) == value_numeric(b),
        (Json::String(a), Value::String(b)) => a == b,
        (Json::Array(a), Value::Array(b)) => a.len() == b.len() && a.iter().zip(b).all(|(x, y)| equals_value(x, y)),
        (Json::Object(a), Value::Object(b)) => {
            // Duplicate keys make an instance unequal to any schema object (which has none).
            a.len() == b.len() && a.iter().all(|(k, v)| b.get(k.as_ref()).is_some_and(|w| equals_value(v, w)))
        }
        _ => false,
    }
}

/// Whether two instance values are equal.
pub(super) fn equals(a: &Json<'_>, b: &Json<'_>) -> bool {
    match (a, b) {
        (Json::Null, Json::Null) => true,
        (Json::Bool(x), Json::Bool(y)) => x == y,
        (Json::Number(x), Json::Number(y)) => numeric(*x) == numeric(*y),
        (Json::String(x), Json::String(y)) => x == y,
        (Json::Array(x), Json::Array(y)) => x.len() == y.len() && x.iter().zip(y).all(|(p, q)| equals(p, q)),
        (Json::Object(x), Json::Object(y)) => {
            if x.len() != y.len() {
                return false;
            }
            if x.len() <= SMALL_OBJECT {
                return x.iter().all(|(k, v)| y.iter().any(|(l, w)| k == l && equals(v, w)))
                    && y.iter().all(|(l, _)| x.iter().any(|(k, _)| k == l));
            }
            let mut xs: Vec<_> = x.iter().collect();
            let mut ys: Vec<_> = y.iter().collect();
            xs.sort_by(|p, q| p.0.cmp(&q.0));
            ys.sort_by(|p, q| p.0.cmp(&q.0));
            xs.iter().zip(&ys).all(|(p, q)| p.0 == q.0 && equals(&p.1, &q.1))
        }
        _ => false,
    }
}

/// Hashes a value consistently with [`equals`]; `deep` false hashes containers by their
/// size only (and object members by key and shallow value) and long strings by their ends,
/// which is enough to tell most distinct items apart at the cost of one pass over their
/// direct members.
fn hash_value(value: &Json<'_>, seed: u64, deep: bool) -> u64 {
    match value {
        Json::Null => mix(seed, 1),
        Json::Bool(b) => mix(seed, 2 + u64::from(*b)),
        Json::Number(n) => match numeric(*n) {
            Numeric::Integer(i) => mix(mix(seed, 4), i as u64 ^ ((i >> 64) as u64)),
            Numeric::Float(f) => mix(mix(seed, 5), f.to_bits()),
        },
        Json::String(s) if !deep => quick_hash(seed ^ 6, s.as_bytes()),
        Json::String(s) => hash_bytes(seed ^ 6, s.as_bytes()),
        Json::Array(items) => {
            let mut state = mix(mix(seed, 7), items.len() as u64);
            if deep {
                for item in items {
                    state = mix(state, hash_value(item, seed, true));
                }
            }
            state
        }
        Json::Object(members) => {
            // Members in any order hash the same: a sum of per-member hashes.
            let mut sum = 0u64;
            for (key, member) in members {
                let member_hash = match member {
                    Json::Array(items) if !deep => mix(mix(seed, 7), items.len() as u64),
                    Json::Object(inner) if !deep => mix(mix(seed, 8), inner.len() as u64),
                    _ => hash_value(member, seed, deep),
                };
                sum = sum.wrapping_add(mix(quick_hash(seed, key.as_bytes()), member_hash));
            }
            mix(mix(mix(seed, 8), members.len() as u64), sum)
        }
    }
}

/// The indexes of two equal items of `items`, if there are any.
///
/// Items are grouped by a shallow hash (seeded at random); groups of a few items are
/// compared pair by pair, larger groups (many items alike on the surface) are split again by
/// a deep hash, and items that still collide are sorted by a total order so that equal ones
/// end up side by side. Work stays near-linear whatever the input.
pub(super) fn find_duplicate(items: &[Json<'_>]) -> Option<(usize, usize)> {
    if items.len() < 2 {
        return None;
    }
    if let [a, b] = items {
        return equals(a, b).then_some((0, 1));
    }
    let seed = RandomState::new().hash_one(items.len());
    let hash_of = |item: &Json<'_>, deep: bool| hash_value(item, seed, deep);
    let pair = |i: usize, j: usize| {
        let (Some(a), Some(b)) = (items.get(i), items.get(j)) else { return None };
        equals(a, b).then_some((i.min(j), i.max(j)))
    };
    let mut shallow: Vec<(u64, usize)> = items.iter().enumerate().map(|(i, item)| (hash_of(item, false), i)).collect();
    shallow.sort_unstable();
    for group in shallow.chunk_by(|p, q| p.0 == q.0) {
        if group.len() < 2 {
            continue;
        }
        if group.len() <= 8 {
            for (n, &(_, i)) in group.iter().enumerate() {
                for &(_, j) in group.iter().skip(n + 1) {
                    if let Some(found) = pair(i, j) {
                        return Some(found);
                    }
                }
            }
            continue;
        }
        let mut deep: Vec<(u64, usize)> =
            group.iter().filter_map(|&(_, i)| items.get(i).map(|item| (hash_of(item, true), i))).collect();
        deep.sort_unstable();
        for run in deep.chunk_by(|p, q| p.0 == q.0) {
            let mut run: Vec<usize> = run.iter().map(|&(_, i)| i).collect();
            if run.len() > 2 {
                run.sort_by(|&i, &j| match (items.get(i), items.get(j)) {
                    (Some(a), Some(b)) => compare(a, b),
                    _ => Ordering::Equal,
                });
            }
            for adjacent in run.windows(2) {
                if let [i, j] = adjacent
                    && let Some(found) = pair(*i, *j)
                {
                    return Some(found);
                }
            }
        }
    }
    None
}

fn rank(value: &Json<'_>) -> u8 {
    match value {
        Json::Null => 0,
        Json::Bool(_) => 1,
        Json::Number(_) => 2,
        Json::String(_) => 3,
        Json::Array(_) => 4,
        Json::Object(_) => 5,
    }
}

/// A total order consistent with [`equals`].
fn compare(a: &Json<'_>, b: &Json<'_>) -> Ordering {
    match (a, b) {
        (Json::Bool(x), Json::Bool(y)) => x.cmp(y),
        (Json::Number(x), Json::Number(y)) => match (numeric(*x), numeric(*y)) {
            (Numeric::Integer(p), Numeric::Integer(q)) => p.cmp(&q),
            (p, q) => as_f64(p).total_cmp(&as_f64(q)),
        },
        (Json::String(x), Json::String(y)) => x.cmp(y),
        (Json::Array(x), Json::Array(y)) => {
            x.iter().zip(y).map(|(p, q)| compare(p, q)).find(|o| o.is_ne()).unwrap_or(x.len().cmp(&y.len()))
        }
        (Json::Object(x), Json::Object(y)) => {
            if x.len() != y.len() {
                return x.len().cmp(&y.len());
            }
            let mut xs: Vec<_> = x.iter().collect();
            let mut ys: Vec<_> = y.iter().collect();
            xs.sort_by(|p, q| p.0.cmp(&q.0));
            ys.sort_by(|p, q| p.0.cmp(&q.0));
            xs.iter()
                .zip(&ys)
                .map(|(p, q)| p.0.cmp(&q.0).then_with(|| compare(&p.1, &q.1)))
                .find(|o| o.is_ne())
                .unwrap_or(Ordering::Equal)
        }
        _ => rank(a).cmp(&rank(b)),
    }
}

fn as_f64(n: Numeric) -> f64 {
    match n {
        Numeric::Integer(i) => i as f64,
        Numeric::Float(f) => f,
    }
}
