//! Secure configuration baselines and the configurations they check: reading a baseline
//! (YAML or JSON) into `chainward_core::baseline::Baseline`, and a configuration (JSON, YAML
//! or TOML) into a [`serde_json::Value`] for `chainward_core::baseline::check`.
//!
//! Both are untrusted. Input is bounded in size, in the number of values (which also bounds
//! YAML alias expansion) and in depth; duplicate keys are refused, because an application and
//! the checker could each take a different one. YAML merge keys (`<<: *defaults`) are applied
//! as YAML 1.1 does, explicit keys first; other YAML tags (`!Ref`) are refused. TOML dates
//! and times become strings; non-finite floats (`.inf`, `nan`) become the strings `inf`,
//! `-inf` and `nan`.
//!
//! A baseline document:
//!
//! ```yaml
//! name: nginx-tls
//! description: TLS settings for public web servers   # optional
//! rules:
//!   - id: tls-min-version
//!     path: server.tls.min_version
//!     severity: high          # low | medium (default) | high | critical
//!     description: …          # optional
//!     one_of: [TLSv1.2, TLSv1.3]
//! ```
//!
//! with exactly one check per rule: `equals: <any value>`, `one_of: [ … ]`, `min: <number>`
//! and/or `max: <number>`, `regex: "<pattern>"`, `absent: true`, `present: true`, or
//! `type: string|number|boolean|array|object`. Unknown fields are errors, so that a typo
//! cannot silently turn a check off. Errors name the rule by its position (from 1) and id.

use std::cell::Cell;
use std::fmt;

use chainward_core::baseline::{Baseline, Check, Path, Pattern, Rule, Severity, ValueType};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};

/// The largest configuration, in bytes.
pub const MAX_CONFIG_BYTES: usize = 16 * 1024 * 1024;
/// The largest baseline, in bytes.
pub const MAX_BASELINE_BYTES: usize = 4 * 1024 * 1024;
/// The most values (scalars, arrays and objects) a document may hold, aliases expanded.
pub const MAX_VALUES: usize = 1_000_000;
/// The deepest nesting of arrays and objects.
pub const MAX_DEPTH: usize = 100;
/// The most rules in a baseline.
pub const MAX_RULES: usize = 10_000;
/// The longest regex pattern, in bytes.
pub const MAX_PATTERN_LEN: usize = 4096;

/// The checks a rule may have, in the order the messages list them.
pub const CHECKS: &[&str] = &["equals", "one_of", "min", "max", "regex", "absent", "present", "type"];
const RULE_FIELDS: &[&str] = &["id", "path", "description", "severity"];
const BASELINE_FIELDS: &[&str] = &["name", "description", "rules"];

/// Why a baseline or a configuration cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BaselineError {
    /// Larger than the limit.
    #[error("the document has {bytes} bytes, more than the limit of {limit}")]
    TooLarge {
        /// Size.
        bytes: usize,
        /// Limit.
        limit: usize,
    },
    /// Empty or white space only (a baseline; an empty configuration is read as empty).
    #[error("the document is empty")]
    Empty,
    /// Not UTF-8.
    #[error("the document is not UTF-8 text ({0})")]
    NotUtf8(String),
    /// Not valid JSON, YAML or TOML, or over the value or depth limits.
    #[error("not valid {format}: {message}")]
    Syntax {
        /// `JSON`, `YAML` or `TOML`.
        format: &'static str,
        /// What is wrong and where.
        message: String,
    },
    /// The baseline as a whole is wrong (no name, no rules, an unknown field).
    #[error("baseline: {0}")]
    Invalid(String),
    /// One rule is wrong.
    #[error("rule {index}{}: {message}", id.as_deref().map(|id| format!(" ({id})")).unwrap_or_default())]
    Rule {
        /// Its position, counting from 1.
        index: usize,
        /// Its id, when it has a usable one.
        id: Option<String>,
        /// What is wrong, naming the field.
        message: String,
    },
}

impl BaselineError {
    /// The stable kebab-case code of this error.
    pub fn code(&self) -> &'static str {
        match self {
            BaselineError::TooLarge { .. } => "input-too-large",
            BaselineError::Empty => "input-empty",
            BaselineError::NotUtf8(_) => "input-not-utf8",
            BaselineError::Syntax { .. } => "input-syntax",
            BaselineError::Invalid(_) => "baseline-invalid",
            BaselineError::Rule { .. } => "baseline-rule-invalid",
        }
    }
}

/// A configuration's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Format {
    Json,
    Yaml,
    Toml,
}

impl Format {
    fn name(self) -> &'static str {
        match self {
            Format::Json => "JSON",
            Format::Yaml => "YAML",
            Format::Toml => "TOML",
        }
    }

    /// From a file extension (`json`, `.yml`, `TOML`…); `None` for any other.
    fn from_extension(hint: &str) -> Option<Format> {
        match hint.trim().trim_start_matches('.').to_ascii_lowercase().as_str() {
            "json" => Some(Format::Json),
            "yaml" | "yml" => Some(Format::Yaml),
            "toml" => Some(Format::Toml),
            _ => None,
        }
    }
}

/// Reads a baseline written as YAML or JSON (told apart by content).
pub fn read_baseline(bytes: &[u8]) -> Result<Baseline, BaselineError> {
    let text = text(bytes, MAX_BASELINE_BYTES)?;
    if text.trim().is_empty() {
        return Err(BaselineError::Empty);
    }
    let format = if text.trim_start().starts_with('{') { Format::Json } else { Format::Yaml };
    let value = parse(text, format)?;
    baseline_from_value(&value)
}

/// Reads a configuration: JSON, YAML or TOML, chosen by `hint` (a file extension) when it
/// names one of them, else by content. An empty TOML document is an empty table; an empty
/// YAML document is `null`.
pub fn read_config(bytes: &[u8], hint: Option<&str>) -> Result<Value, BaselineError> {
    let text = text(bytes, MAX_CONFIG_BYTES)?;
    if let Some(format) = hint.and_then(Format::from_extension) {
        return parse(text, format);
    }
    let start = text.trim_start();
    if start.starts_with('{') || start.starts_with('[') {
        match parse(text, Format::Json) {
            Ok(value) => return Ok(value),
            Err(json_error) => {
                // `[server]` starts a TOML table; `{a: 1}` is a YAML flow mapping.
                let fallback = if looks_like_toml(text) { Format::Toml } else { Format::Yaml };
                return parse(text, fallback).map_err(|_| json_error);
            }
        }
    }
    parse(text, if looks_like_toml(text) { Format::Toml } else { Format::Yaml })
}

fn text(bytes: &[u8], limit: usize) -> Result<&str, BaselineError> {
    if bytes.len() > limit {
        return Err(BaselineError::TooLarge { bytes: bytes.len(), limit });
    }
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    std::str::from_utf8(bytes).map_err(|e| BaselineError::NotUtf8(e.to_string()))
}

/// Whether the first line that is not blank or a comment is a TOML table header
/// (`[server]`, `[[listeners]]`) or a `key = value` pair.
fn looks_like_toml(text: &str) -> bool {
    let Some(line) = text.lines().map(str::trim).find(|l| !l.is_empty() && !l.starts_with('#')) else {
        return false;
    };
    let bare = |s: &str| {
        !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '"' | '\'' | ' '))
    };
    if let Some(inner) = line.strip_prefix('[') {
        let inner = inner.trim_start_matches('[');
        let inner = inner.split('#').next().unwrap_or_default().trim_end();
        return inner.strip_suffix(']').map(|s| s.trim_end_matches(']')).is_some_and(|s| bare(s.trim()));
    }
    line.split_once('=').is_some_and(|(key, _)| bare(key.trim()) && !key.contains(':'))
}

fn parse(text: &str, format: Format) -> Result<Value, BaselineError> {
    let budget = Budget { values: Cell::new(0), depth: Cell::new(0), yaml: format == Format::Yaml };
    let syntax = |message: String| BaselineError::Syntax { format: format.name(), message };
    match format {
        Format::Json => {
            let mut deserializer = serde_json::Deserializer::from_str(text);
            let value = Node(&budget).deserialize(&mut deserializer).map_err(|e| syntax(e.to_string()))?;
            deserializer.end().map_err(|e| syntax(e.to_string()))?;
            Ok(value)
        }
        Format::Yaml => {
            if text.trim().is_empty() {
                return Ok(Value::Null);
            }
            Node(&budget).deserialize(serde_norway::Deserializer::from_str(text)).map_err(|e| syntax(e.to_string()))
        }
        Format::Toml => {
            let toml_error = |e: toml::de::Error| {
                let message = e.message().trim().to_owned();
                syntax(match e.span() {
                    Some(span) => format!("{message} at {}", line_column(text, span.start)),
                    None => message,
                })
            };
            let deserializer = toml::de::Deserializer::parse(text).map_err(toml_error)?;
            Node(&budget).deserialize(deserializer).map_err(toml_error)
        }
    }
}

fn line_column(text: &str, offset: usize) -> String {
    let before = text.get(..offset).unwrap_or(text);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    format!("line {line} column {column}")
}

/// Counts values and depth while a document is turned into a [`Value`].
struct Budget {
    values: Cell<usize>,
    depth: Cell<usize>,
    yaml: bool,
}

impl Budget {
    fn count<E: de::Error>(&self) -> Result<(), E> {
        let values = self.values.get() + 1;
        if values > MAX_VALUES {
            return Err(E::custom(format_args!("more than {MAX_VALUES} values (YAML aliases count each time)")));
        }
        self.values.set(values);
        Ok(())
    }

    fn enter<E: de::Error>(&self) -> Result<(), E> {
        self.count()?;
        let depth = self.depth.get() + 1;
        if depth > MAX_DEPTH {
            return Err(E::custom(format_args!("nested deeper than {MAX_DEPTH} levels")));
        }
        self.depth.set(depth);
        Ok(())
    }

    fn leave(&self) {
        self.depth.set(self.depth.get().saturating_sub(1));
    }
}

/// Any value, within the budget.
struct Node<'b>(&'b Budget);

/// The TOML crate hands dates and times over as a map with this one key.
const TOML_DATETIME: &str = "$__toml_private_datetime";

impl<'de> DeserializeSeed<'de> for Node<'_> {
    type Value = Value;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Node<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any value")
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<Value, E> {
        self.0.count()?;
        Ok(Value::Bool(v))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Value, E> {
        self.0.count()?;
        Ok(Value::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Value, E> {
        self.0.count()?;
        Ok(Value::from(v))
    }

    fn visit_i128<E: de::Error>(self, v: i128) -> Result<Value, E> {
        self.0.count()?;
        Ok(match (i64::try_from(v), u64::try_from(v)) {
            (Ok(v), _) => Value::from(v),
            (_, Ok(v)) => Value::from(v),
            #[allow(clippy::cast_precision_loss)] // beyond 64 bits only an approximation is left
            _ => float(v as f64),
        })
    }

    fn visit_u128<E: de::Error>(self, v: u128) -> Result<Value, E> {
        self.0.count()?;
        Ok(match u64::try_from(v) {
            Ok(v) => Value::from(v),
            #[allow(clippy::cast_precision_loss)] // beyond 64 bits only an approximation is left
            Err(_) => float(v as f64),
        })
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        self.0.count()?;
        Ok(float(v))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Value, E> {
        self.0.count()?;
        Ok(Value::String(v.to_owned()))
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<Value, E> {
        self.0.count()?;
        Ok(Value::String(v))
    }

    fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<Value, E> {
        Err(E::custom("binary values are not supported"))
    }

    fn visit_unit<E: de::Error>(self) -> Result<Value, E> {
        self.0.count()?;
        Ok(Value::Null)
    }

    fn visit_none<E: de::Error>(self) -> Result<Value, E> {
        self.visit_unit()
    }

    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.0.enter()?;
        let value = deserializer.deserialize_any(Node(self.0));
        self.0.leave();
        value
    }

    fn visit_newtype_struct<D: Deserializer<'de>>(self, deserializer: D) -> Result<Value, D::Error> {
        self.visit_some(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        self.0.enter()?;
        let mut items = Vec::new();
        while let Some(item) = seq.next_element_seed(Node(self.0))? {
            items.push(item);
        }
        self.0.leave();
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        self.0.enter()?;
        let mut object = Map::new();
        let mut merges = Vec::new();
        while let Some(key) = map.next_key_seed(Key(self.0))? {
            if object.contains_key(&key) {
                return Err(de::Error::custom(format_args!("duplicate key `{key}`")));
            }
            let value = map.next_value_seed(Node(self.0))?;
            if self.0.yaml && key == "<<" {
                // Kept in the object too, so that a second `<<` is a duplicate key.
                merges.push(value.clone());
            }
            object.insert(key, value);
        }
        self.0.leave();
        if object.len() == 1
            && let Some(Value::String(datetime)) = object.get(TOML_DATETIME)
        {
            return Ok(Value::String(datetime.clone()));
        }
        if !merges.is_empty() {
            object.remove("<<");
            merge_yaml(&mut object, merges)?;
        }
        Ok(Value::Object(object))
    }

    fn visit_enum<A: de::EnumAccess<'de>>(self, data: A) -> Result<Value, A::Error> {
        let (tag, _): (String, _) = data.variant()?;
        Err(de::Error::custom(format_args!("YAML tags such as `!{tag}` are not supported")))
    }
}

/// YAML 1.1 merge keys: the mappings under `<<` (one, or a list where earlier ones win)
/// supply the keys the mapping does not set itself.
fn merge_yaml<E: de::Error>(object: &mut Map<String, Value>, merges: Vec<Value>) -> Result<(), E> {
    for merge in merges {
        let sources = match merge {
            Value::Object(source) => vec![source],
            Value::Array(items) => items
                .into_iter()
                .map(|item| match item {
                    Value::Object(source) => Ok(source),
                    _ => Err(E::custom("a merge key `<<` takes a mapping or a list of mappings")),
                })
                .collect::<Result<_, _>>()?,
            _ => return Err(E::custom("a merge key `<<` takes a mapping or a list of mappings")),
        };
        for source in sources {
            for (key, value) in source {
                object.entry(key).or_insert(value);
            }
        }
    }
    Ok(())
}

fn float(v: f64) -> Value {
    match Number::from_f64(v) {
        Some(n) => Value::Number(n),
        None if v.is_nan() => Value::String("nan".into()),
        None if v > 0.0 => Value::String("inf".into()),
        None => Value::String("-inf".into()),
    }
}

/// A mapping key: text, or a number, boolean or null written as text (YAML allows them).
struct Key<'b>(&'b Budget);

impl<'de> DeserializeSeed<'de> for Key<'_> {
    type Value = String;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<String, D::Error> {
        deserializer.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Key<'_> {
    type Value = String;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a key: text, a number or a boolean")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<String, E> {
        self.0.count()?;
        Ok(v.to_owned())
    }

    fn visit_string<E: de::Error>(self, v: String) -> Result<String, E> {
        self.0.count()?;
        Ok(v)
    }

    fn visit_bool<E: de::Error>(self, v: bool) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<String, E> {
        self.visit_string(v.to_string())
    }

    fn visit_unit<E: de::Error>(self) -> Result<String, E> {
        self.visit_string("null".to_owned())
    }
}

/// Turns a parsed baseline document into the model, checking every field.
fn baseline_from_value(value: &Value) -> Result<Baseline, BaselineError> {
    let invalid = |message: String| BaselineError::Invalid(message);
    let Value::Object(top) = value else {
        return Err(invalid(format!("the document must be a mapping with `name` and `rules`, found {}", kind(value))));
    };
    if let Some(unknown) = top.keys().find(|k| !BASELINE_FIELDS.contains(&k.as_str())) {
        return Err(invalid(unknown_field(unknown, BASELINE_FIELDS, "field")));
    }
    let name = match top.get("name") {
        Some(Value::String(name)) if !name.trim().is_empty() => name.trim().to_owned(),
        Some(Value::String(_)) => return Err(invalid("`name` is empty".into())),
        Some(other) => return Err(invalid(format!("`name` must be text, found {}", kind(other)))),
        None => return Err(invalid("`name` is missing".into())),
    };
    let description = match top.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(other) => return Err(invalid(format!("`description` must be text, found {}", kind(other)))),
    };
    let items = match top.get("rules") {
        Some(Value::Array(items)) if !items.is_empty() => items,
        Some(Value::Array(_)) => return Err(invalid("`rules` is empty; a baseline needs at least one rule".into())),
        Some(other) => return Err(invalid(format!("`rules` must be a list, found {}", kind(other)))),
        None => return Err(invalid("`rules` is missing".into())),
    };
    if items.len() > MAX_RULES {
        return Err(invalid(format!("more than {MAX_RULES} rules")));
    }
    let mut rules: Vec<Rule> = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let rule = rule_from_value(i + 1, item)?;
        if let Some(first) = rules.iter().position(|r| r.id == rule.id) {
            return Err(BaselineError::Rule {
                index: i + 1,
                id: Some(rule.id),
                message: format!("duplicate id; rule {} has it already", first + 1),
            });
        }
        rules.push(rule);
    }
    Ok(Baseline { name, description, rules })
}

fn rule_from_value(index: usize, value: &Value) -> Result<Rule, BaselineError> {
    let Value::Object(fields) = value else {
        return Err(BaselineError::Rule {
            index,
            id: None,
            message: format!("must be a mapping, found {}", kind(value)),
        });
    };
    let usable_id = match fields.get("id") {
        Some(Value::String(id)) if !id.trim().is_empty() && id.chars().count() <= 200 => Some(id.trim().to_owned()),
        _ => None,
    };
    let fail = |message: String| BaselineError::Rule { index, id: usable_id.clone(), message };

    let id = match (fields.get("id"), &usable_id) {
        (_, Some(id)) => id.clone(),
        (None, _) => return Err(fail("`id` is missing".into())),
        (Some(Value::String(id)), _) if id.trim().is_empty() => return Err(fail("`id` is empty".into())),
        (Some(Value::String(_)), _) => return Err(fail("`id` is longer than 200 characters".into())),
        (Some(other), _) => return Err(fail(format!("`id` must be text, found {}", kind(other)))),
    };
    if let Some(unknown) = fields.keys().find(|k| !RULE_FIELDS.contains(&k.as_str()) && !CHECKS.contains(&k.as_str())) {
        return Err(fail(unknown_field(unknown, CHECKS, "check")));
    }
    let path = match fields.get("path") {
        Some(Value::String(text)) => Path::parse(text).map_err(|e| fail(format!("invalid `path`: {e}")))?,
        Some(other) => return Err(fail(format!("`path` must be text, found {}", kind(other)))),
        None => return Err(fail("`path` is missing".into())),
    };
    let description = match fields.get("description") {
        None | Some(Value::Null) => None,
        Some(Value::String(text)) => Some(text.clone()),
        Some(other) => return Err(fail(format!("`description` must be text, found {}", kind(other)))),
    };
    let severity = match fields.get("severity") {
        None | Some(Value::Null) => Severity::default(),
        Some(Value::String(text)) => text
            .parse::<Severity>()
            .map_err(|_| fail(format!("unknown severity `{text}`; expected one of {}", spellings(Severity::ALL))))?,
        Some(other) => return Err(fail(format!("`severity` must be text, found {}", kind(other)))),
    };
    let given: Vec<&str> = CHECKS.iter().copied().filter(|c| fields.contains_key(*c)).collect();
    let check = match given.as_slice() {
        [] => return Err(fail(format!("no check; give one of {}", CHECKS.join(", ")))),
        ["min"] | ["max"] | ["min", "max"] => {
            let bound = |name: &str| match fields.get(name) {
                None => Ok(None),
                Some(Value::Number(n)) => n
                    .as_f64()
                    .filter(|n| n.is_finite())
                    .map(Some)
                    .ok_or_else(|| fail(format!("`{name}` must be a finite number"))),
                Some(other) => Err(fail(format!("`{name}` must be a number, found {}", kind(other)))),
            };
            let (min, max) = (bound("min")?, bound("max")?);
            if let (Some(min), Some(max)) = (min, max)
                && min > max
            {
                return Err(fail(format!("`min` ({min}) is greater than `max` ({max})")));
            }
            Check::Range { min, max }
        }
        [single] => check_from_value(single, fields.get(*single).unwrap_or(&Value::Null)).map_err(fail)?,
        several => {
            return Err(fail(format!(
                "more than one check ({}); give one per rule (only `min` and `max` go together)",
                several.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
            )));
        }
    };
    Ok(Rule { id, path, description, severity, check })
}

fn check_from_value(name: &str, value: &Value) -> Result<Check, String> {
    Ok(match name {
        "equals" => Check::Equals(value.clone()),
        "one_of" => match value {
            Value::Array(options) if !options.is_empty() => Check::OneOf(options.clone()),
            Value::Array(_) => return Err("`one_of` is empty".into()),
            other => return Err(format!("`one_of` must be a list, found {}", kind(other))),
        },
        "regex" => match value {
            Value::String(pattern) if pattern.len() > MAX_PATTERN_LEN => {
                return Err(format!("`regex` is longer than {MAX_PATTERN_LEN} bytes"));
            }
            Value::String(pattern) => {
                Check::Regex(Pattern::new(pattern).map_err(|e| format!("invalid `regex`: {}", regex_message(&e)))?)
            }
            other => return Err(format!("`regex` must be text, found {}", kind(other))),
        },
        "absent" | "present" => match value {
            Value::Bool(true) if name == "absent" => Check::Absent,
            Value::Bool(true) => Check::Present,
            other => {
                return Err(format!("`{name}` must be `true`, found {}", chainward_core::baseline::shorten(other)));
            }
        },
        "type" => match value {
            Value::String(text) => Check::Type(
                text.parse::<ValueType>()
                    .map_err(|_| format!("unknown type `{text}`; expected one of {}", spellings(ValueType::ALL)))?,
            ),
            other => return Err(format!("`type` must be text, found {}", kind(other))),
        },
        other => return Err(format!("unknown check `{other}`")),
    })
}

/// A regex error in one line: the last line of a syntax error (`unclosed group`), without
/// the pattern drawing above it.
fn regex_message(error: &regex::Error) -> String {
    match error {
        regex::Error::CompiledTooBig(limit) => {
            format!("the compiled pattern is larger than the limit of {limit} bytes; simplify it")
        }
        other => {
            let text = other.to_string();
            let last = text.lines().map(str::trim).rfind(|l| !l.is_empty()).unwrap_or_default();
            last.strip_prefix("error: ").unwrap_or(last).trim_end_matches('.').to_owned()
        }
    }
}

fn unknown_field(found: &str, expected: &[&str], what: &str) -> String {
    let mut message = format!("unknown {what} `{found}`; expected one of {}", expected.join(", "));
    let near = expected.iter().chain(RULE_FIELDS).copied().find(|e| close(found, e));
    if let Some(near) = near {
        message.push_str(&format!(" (did you mean `{near}`?)"));
    }
    message
}

/// Whether `a` is within two edits of `b` (for "did you mean").
fn close(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 2 || a.len() > 64 {
        return false;
    }
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut current = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let substitute = previous.get(j).copied().unwrap_or(usize::MAX).saturating_add(usize::from(ca != cb));
            let delete = previous.get(j + 1).copied().unwrap_or(usize::MAX).saturating_add(1);
            let insert = current.get(j).copied().unwrap_or(usize::MAX).saturating_add(1);
            current.push(substitute.min(delete).min(insert));
        }
        previous = current;
    }
    previous.last().is_some_and(|&d| d <= 2)
}

fn spellings<T: fmt::Display>(all: &[T]) -> String {
    all.iter().map(ToString::to_string).collect::<Vec<_>>().join(", ")
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a mapping",
    }
}

#[cfg(test)]
mod tests;
