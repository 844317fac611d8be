//! Evaluation of a compiled [`Schema`] against a [`Json`] value.
//!
//! One evaluator, in two modes chosen at compile time by a const parameter: *collect*
//! (`C = true`) records every problem with its path and goes on; *boolean* (`C = false`)
//! records nothing and stops at the first failure. `anyOf`, `oneOf`, `not`, `if` and the
//! `then`/`else` branches always try their subschemas in the boolean mode first; only when
//! the keyword fails in collect mode is one branch (the one that got furthest) evaluated
//! again to collect its problems.

use std::borrow::Cow;
use std::fmt::Write as _;

use super::equal::{equals_value, find_duplicate};
use super::{
    Additional, ArrayRules, MAX_EVALUATION_DEPTH, MAX_PROBLEMS, Node, NodeId, NumberRules, ObjectRules, Schema,
    StringRules, Values, types,
};
use crate::json::{Json, Number};
use crate::sbom::Problem;

pub(super) fn validate(schema: &Schema, value: &Json<'_>) -> Vec<Problem> {
    let mut context = Context::new(schema, String::new());
    context.eval::<true>(schema.root, value, None);
    context.problems
}

pub(super) fn is_valid(schema: &Schema, value: &Json<'_>) -> bool {
    Context::new(schema, String::new()).eval::<false>(schema.root, value, None)
}

/// The message of `schema-cycle`.
const CYCLE: &str = "the schema refers back to itself without descending into the value";

/// The message of a `not` or `if` whose subschema could not be evaluated to the end.
const CUT_OFF: &str = "its subschema could not be evaluated: it nests too deep or refers back to itself";

/// One step of the JSON pointer of the value under evaluation.
#[derive(Debug, Clone, Copy)]
enum Segment<'v> {
    Key(&'v str),
    Index(usize),
}

/// Which members of the object under evaluation some keyword has evaluated, for
/// `unevaluatedProperties` (one bit per member).
#[derive(Debug, Clone)]
enum Marks {
    Small(u64),
    Large(Vec<u64>),
}

impl Marks {
    fn new(members: usize) -> Marks {
        if members <= 64 { Marks::Small(0) } else { Marks::Large(vec![0; members.div_ceil(64)]) }
    }

    fn set(&mut self, i: usize) {
        match self {
            Marks::Small(bits) => *bits |= 1u64.checked_shl(i as u32).unwrap_or(0),
            Marks::Large(words) => {
                if let Some(word) = words.get_mut(i / 64) {
                    *word |= 1 << (i % 64);
                }
            }
        }
    }

    fn get(&self, i: usize) -> bool {
        match self {
            Marks::Small(bits) => bits.checked_shr(i as u32).unwrap_or(0) & 1 == 1,
            Marks::Large(words) => words.get(i / 64).is_some_and(|w| w >> (i % 64) & 1 == 1),
        }
    }

    fn set_all(&mut self) {
        match self {
            Marks::Small(bits) => *bits = u64::MAX,
            Marks::Large(words) => words.iter_mut().for_each(|w| *w = u64::MAX),
        }
    }

    fn union(&mut self, other: &Marks) {
        match (self, other) {
            (Marks::Small(a), Marks::Small(b)) => *a |= b,
            (Marks::Large(a), Marks::Large(b)) => a.iter_mut().zip(b).for_each(|(x, y)| *x |= y),
            _ => {}
        }
    }
}

struct Context<'s, 'v> {
    schema: &'s Schema,
    /// Rendered before the path (for `propertyNames`, which evaluates a key as a value).
    prefix: String,
    path: Vec<Segment<'v>>,
    problems: Vec<Problem>,
    /// Set once [`MAX_PROBLEMS`] were recorded: collect mode stops.
    full: bool,
    depth: u32,
    /// Nodes evaluated so far: how far a failing branch got.
    steps: u64,
    /// The longest path at which the boolean mode saw a failure: how deep a failing branch
    /// got.
    fail_depth: usize,
    /// The nodes under evaluation, each with the path length it was entered at: a node
    /// entered again at the same value, without descending, would loop for ever.
    active: Vec<(u32, NodeId)>,
    /// Whether an evaluation was cut off, by [`MAX_EVALUATION_DEPTH`] or a cycle: collecting
    /// the problems of such a branch would only hit the limit again, level after level, and
    /// a `not` or an `if` cut off tells nothing.
    cut_off: Option<CutOff>,
}

/// Why an evaluation was cut off.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CutOff {
    Depth,
    Cycle,
}

impl<'s, 'v> Context<'s, 'v> {
    fn new(schema: &'s Schema, prefix: String) -> Context<'s, 'v> {
        Context {
            schema,
            prefix,
            path: Vec::with_capacity(32),
            active: Vec::with_capacity(64),
            problems: Vec::new(),
            full: false,
            depth: 0,
            steps: 0,
            fail_depth: 0,
            cut_off: None,
        }
    }

    fn render(&self, last: Option<Segment<'_>>) -> String {
        let mut out = self.prefix.clone();
        for segment in self.path.iter().copied().chain(last) {
            out.push('/');
            match segment {
                Segment::Key(key) => {
                    for c in key.chars() {
                        match c {
                            '~' => out.push_str("~0"),
                            '/' => out.push_str("~1"),
                            c => out.push(c),
                        }
                    }
                }
                Segment::Index(i) => {
                    let _ = write!(out, "{i}");
                }
            }
        }
        out
    }

    /// Records a problem at the current path, or at its child `last`.
    fn report(&mut self, code: &'static str, last: Option<Segment<'_>>, message: String) {
        if self.full {
            return;
        }
        if self.problems.len() >= MAX_PROBLEMS {
            self.full = true;
            let path = self.render(last);
            self.problems.push(Problem::error(
                "schema-too-many-problems",
                path,
                format!("more than {MAX_PROBLEMS} problems; the rest are not reported"),
            ));
            return;
        }
        let path = self.render(last);
        self.problems.push(Problem::error(code, path, message));
    }

    /// Notes a failure for branch scoring (boolean mode).
    fn failed(&mut self) {
        self.fail_depth = self.fail_depth.max(self.path.len());
    }

    fn eval<const C: bool>(&mut self, id: NodeId, value: &'v Json<'v>, marks: Option<&mut Marks>) -> bool {
        let schema = self.schema;
        let Some(node) = schema.nodes.get(id as usize) else { return true };
        if C && self.full {
            return false;
        }
        self.steps += 1;
        if self.depth >= MAX_EVALUATION_DEPTH {
            self.cut_off = Some(CutOff::Depth);
            if C {
                self.report(
                    "schema-too-deep",
                    None,
                    format!("schema evaluation nests deeper than {MAX_EVALUATION_DEPTH} levels"),
                );
            }
            self.failed();
            return false;
        }
        let here = self.path.len() as u32;
        let looping = self.active.iter().rev().take_while(|(at, _)| *at == here).any(|(_, active)| *active == id);
        if looping {
            self.cut_off = Some(CutOff::Cycle);
            if C {
                self.report("schema-cycle", None, CYCLE.to_owned());
            }
            self.failed();
            return false;
        }
        self.active.push((here, id));
        self.depth += 1;
        let valid = self.eval_node::<C>(node, value, marks);
        self.depth -= 1;
        self.active.pop();
        valid
    }

    fn eval_node<const C: bool>(&mut self, node: &'s Node, value: &'v Json<'v>, marks: Option<&mut Marks>) -> bool {
        if node.is_false {
            if C {
                self.report("schema-false", None, format!("no value is allowed here, found {}", found(value)));
            }
            self.failed();
            return false;
        }
        let mut valid = true;
        if node.types != 0 && !type_matches(node.types, value) {
            if C {
                let message = format!("expected {}, found {}", type_names(node.types), found(value));
                self.report("schema-type", None, message);
            }
            self.failed();
            if !C {
                return false;
            }
            valid = false;
        }
        if let Some(values) = &node.values
            && !self.check_values::<C>(values, value)
        {
            if !C {
                return false;
            }
            valid = false;
        }
        match value {
            Json::String(text) => {
                if let Some(rules) = &node.string
                    && !self.check_string::<C>(rules, text, value)
                {
                    if !C {
                        return false;
                    }
                    valid = false;
                }
            }
            Json::Number(number) => {
                if let Some(rules) = &node.number
                    && !self.check_number::<C>(rules, *number)
                {
                    if !C {
                        return false;
                    }
                    valid = false;
                }
            }
            Json::Array(items) => {
                if let Some(rules) = &node.array
                    && !self.check_array::<C>(rules, items)
                {
                    if !C {
                        return false;
                    }
                    valid = false;
                }
            }
            _ => {}
        }

        if !node.applies {
            if let (Some(rules), Some(members)) = (&node.object, value.as_object())
                && !self.check_object::<C>(rules, members, value, marks)
            {
                return false;
            }
            return valid;
        }
        // Everything that can evaluate members of an object shares the marks: the node's
        // own when it has `unevaluatedProperties`, else those of the node that has.
        let mut own_marks = None;
        let mut marks = marks;
        let members = value.as_object();
        if node.unevaluated.is_some()
            && let Some(members) = members
        {
            own_marks = Some(Marks::new(members.len()));
        }
        let mut in_place = match own_marks.as_mut() {
            Some(own) => Some(own),
            None => marks.as_deref_mut(),
        };

        if let (Some(rules), Some(members)) = (&node.object, members)
            && !self.check_object::<C>(rules, members, value, in_place.as_deref_mut())
        {
            if !C {
                return false;
            }
            valid = false;
        }
        if let Some(target) = node.reference
            && !self.eval::<C>(target, value, in_place.as_deref_mut())
        {
            if !C {
                return false;
            }
            valid = false;
        }
        for &sub in &node.all_of {
            if !self.eval::<C>(sub, value, in_place.as_deref_mut()) {
                if !C {
                    return false;
                }
                valid = false;
            }
        }
        if !node.any_of.is_empty() && !self.any_of::<C>(&node.any_of, value, in_place.as_deref_mut()) {
            if !C {
                return false;
            }
            valid = false;
        }
        if !node.one_of.is_empty() && !self.one_of::<C>(&node.one_of, value, in_place.as_deref_mut()) {
            if !C {
                return false;
            }
            valid = false;
        }
        if let Some(not) = node.not {
            let saved = self.fail_depth;
            self.cut_off = None;
            let matches = self.eval::<false>(not, value, None);
            self.fail_depth = saved;
            if self.cut_off.is_some() {
                if C {
                    self.report("schema-not", None, CUT_OFF.to_owned());
                }
                self.failed();
                if !C {
                    return false;
                }
                valid = false;
            } else if matches {
                if C {
                    self.report(
                        "schema-not",
                        None,
                        format!("must not match the schema it is given, found {}", found(value)),
                    );
                }
                self.failed();
                if !C {
                    return false;
                }
                valid = false;
            }
        }
        if let Some(condition) = &node.condition {
            let mut scratch = in_place.as_deref().cloned();
            let saved = self.fail_depth;
            self.cut_off = None;
            let holds = self.eval::<false>(condition.when, value, scratch.as_mut());
            self.fail_depth = saved;
            if self.cut_off.is_some() {
                if C {
                    self.report("schema-if-then-else", None, CUT_OFF.to_owned());
                }
                self.failed();
                return false;
            }
            if holds && let (Some(marks), Some(scratch)) = (in_place.as_deref_mut(), scratch.as_ref()) {
                marks.union(scratch);
            }
            let (branch, name) = if holds {
                (condition.then, "matches 'if' but not 'then'")
            } else {
                (condition.otherwise, "matches neither 'if' nor 'else'")
            };
            self.cut_off = None;
            if let Some(branch) = branch
                && !self.eval::<false>(branch, value, in_place)
            {
                if C {
                    self.report("schema-if-then-else", None, name.to_owned());
                    self.collect_branch(branch, value);
                }
                self.failed();
                if !C {
                    return false;
                }
                valid = false;
            }
        }
        if let (Some(unevaluated), Some(members)) = (node.unevaluated, members)
            && let Some(own) = own_marks.as_mut()
        {
            // Once other keywords failed, their annotations are void and every member they
            // evaluated would be reported again as unevaluated: the value is invalid anyway.
            if valid && !self.check_unevaluated::<C>(unevaluated, members, own) {
                if !C {
                    return false;
                }
                valid = false;
            }
            if valid && let Some(parent) = marks {
                parent.set_all();
            }
        }
        valid
    }

    fn check_values<const C: bool>(&mut self, values: &Values, value: &'v Json<'v>) -> bool {
        let ok = match values {
            Values::ConstString(expected) => value.as_str() == Some(expected),
            Values::Const(expected) => equals_value(value, expected),
            Values::Strings { table, .. } => value.as_str().is_some_and(|s| table.get(s).is_some()),
            Values::Any { values, .. } => values.iter().any(|expected| equals_value(value, expected)),
        };
        if !ok {
            if C {
                let (code, message) = match values {
                    Values::ConstString(expected) => (
                        "schema-const",
                        format!("expected {}, found {}", shorten(&format!("{expected:?}")), found(value)),
                    ),
                    Values::Const(expected) => {
                        ("schema-const", format!("expected {}, found {}", shorten(&expected.to_string()), found(value)))
                    }
                    Values::Strings { listed, .. } | Values::Any { listed, .. } => {
                        ("schema-enum", format!("expected one of {listed}, found {}", found(value)))
                    }
                };
                self.report(code, None, message);
            }
            self.failed();
        }
        ok
    }

    fn check_string<const C: bool>(&mut self, rules: &StringRules, text: &str, value: &'v Json<'v>) -> bool {
        let mut valid = true;
        // Lengths count characters; the byte length bounds them from above.
        if let Some(min) = rules.min_length
            && (text.len() as u64) < min.saturating_mul(4)
        {
            let length = text.chars().count() as u64;
            if length < min {
                if C {
                    let message =
                        format!("expected at least {}, found {length}: {}", plural(min, "character"), found(value));
                    self.report("schema-min-length", None, message);
                }
                self.failed();
                valid = false;
            }
        }
        if let Some(max) = rules.max_length
            && text.len() as u64 > max
        {
            let length = text.chars().count() as u64;
            if length > max {
                if C {
                    let message =
                        format!("expected at most {}, found {length}: {}", plural(max, "character"), found(value));
                    self.report("schema-max-length", None, message);
                }
                self.failed();
                valid = false;
            }
        }
        if !C && !valid {
            return false;
        }
        if let Some(id) = rules.pattern
            && let Some(pattern) = self.schema.patterns.get(id as usize)
            && !pattern.is_match(text)
        {
            if C {
                let message = format!("expected a match of the pattern {:?}, found {}", pattern.source, found(value));
                self.report("schema-pattern", None, message);
            }
            self.failed();
            valid = false;
        }
        if let Some(format) = rules.format
            && !format.check(text)
        {
            if C {
                self.report(
                    "schema-format",
                    None,
                    format!("expected a valid {}, found {}", format.name(), found(value)),
                );
            }
            self.failed();
            valid = false;
        }
        valid
    }

    fn check_number<const C: bool>(&mut self, rules: &NumberRules, number: Number) -> bool {
        let n = number.as_f64();
        // Each bound with the limit it breaks, if it does.
        let broken = [
            (rules.minimum.filter(|&limit| n < limit), "schema-minimum", "at least"),
            (rules.maximum.filter(|&limit| n > limit), "schema-maximum", "at most"),
            (rules.exclusive_minimum.filter(|&limit| n <= limit), "schema-minimum", "more than"),
            (rules.exclusive_maximum.filter(|&limit| n >= limit), "schema-maximum", "less than"),
        ];
        let mut valid = true;
        for (limit, code, words) in broken {
            if let Some(limit) = limit {
                if C {
                    self.report(code, None, format!("expected {words} {limit}, found {number}"));
                }
                self.failed();
                valid = false;
            }
        }
        if let Some(factor) = rules.multiple_of
            && !is_multiple(number, factor)
        {
            if C {
                self.report("schema-multiple-of", None, format!("expected a multiple of {factor}, found {number}"));
            }
            self.failed();
            valid = false;
        }
        valid
    }

    fn check_object<const C: bool>(
        &mut self,
        rules: &'s ObjectRules,
        members: &'v [(Cow<'v, str>, Json<'v>)],
        value: &'v Json<'v>,
        mut marks: Option<&mut Marks>,
    ) -> bool {
        let mut valid = true;
        // Which names of the table were seen, for `required` (tables of up to 64 names).
        let mut seen = 0u64;
        for (i, (key, member)) in members.iter().enumerate() {
            let key: &'v str = key;
            let mut evaluated = false;
            let index = rules.names.get(key);
            if let Some(index) = index {
                seen |= 1u64.checked_shl(index as u32).unwrap_or(0);
            }
            if let Some(index) = index
                && let Some(Some(sub)) = rules.schemas.get(index)
            {
                evaluated = true;
                self.path.push(Segment::Key(key));
                let ok = self.eval::<C>(*sub, member, None);
                self.path.pop();
                if !ok {
                    if !C {
                        return false;
                    }
                    valid = false;
                }
            }
            for &(pattern, sub) in &rules.pattern_properties {
                if self.schema.patterns.get(pattern as usize).is_some_and(|p| p.is_match(key)) {
                    evaluated = true;
                    self.path.push(Segment::Key(key));
                    let ok = self.eval::<C>(sub, member, None);
                    self.path.pop();
                    if !ok {
                        if !C {
                            return false;
                        }
                        valid = false;
                    }
                }
            }
            if !evaluated {
                match rules.additional {
                    None => {}
                    Some(Additional::True) => evaluated = true,
                    Some(Additional::False) => {
                        evaluated = true;
                        if C {
                            let message = format!("property {} is not allowed here", shorten(&format!("{key:?}")));
                            self.report("schema-additional-property", Some(Segment::Key(key)), message);
                        }
                        self.fail_depth = self.fail_depth.max(self.path.len() + 1);
                        if !C {
                            return false;
                        }
                        valid = false;
                    }
                    Some(Additional::Schema(sub)) => {
                        evaluated = true;
                        self.path.push(Segment::Key(key));
                        let ok = self.eval::<C>(sub, member, None);
                        self.path.pop();
                        if !ok {
                            if !C {
                                return false;
                            }
                            valid = false;
                        }
                    }
                }
            }
            if evaluated && let Some(marks) = marks.as_deref_mut() {
                marks.set(i);
            }
        }
        for &index in &rules.required {
            let present = if rules.names.len() <= 64 {
                seen & 1u64.checked_shl(index).unwrap_or(0) != 0
            } else {
                let name = rules.names.name(index as usize);
                members.iter().any(|(key, _)| key.as_ref() == name)
            };
            if !present {
                if C {
                    let name = rules.names.name(index as usize);
                    let message = format!("missing required property {}", shorten(&format!("{name:?}")));
                    self.report("schema-required", None, message);
                }
                self.failed();
                if !C {
                    return false;
                }
                valid = false;
            }
        }
        let count = members.len() as u64;
        if let Some(min) = rules.min_properties
            && count < min
        {
            if C {
                self.report(
                    "schema-min-properties",
                    None,
                    format!("expected at least {}, found {count}", plural(min, "property")),
                );
            }
            self.failed();
            valid = false;
        }
        if let Some(max) = rules.max_properties
            && count > max
        {
            if C {
                self.report(
                    "schema-max-properties",
                    None,
                    format!("expected at most {}, found {count}", plural(max, "property")),
                );
            }
            self.failed();
            valid = false;
        }
        if let Some(names) = rules.property_names {
            for (key, _) in members {
                let name = Json::String(Cow::Borrowed(key.as_ref()));
                let mut inner = Context::new(self.schema, self.render(Some(Segment::Key(key))));
                inner.depth = self.depth;
                let ok =
                    if C { inner.eval::<true>(names, &name, None) } else { inner.eval::<false>(names, &name, None) };
                if !ok {
                    if C {
                        self.report(
                            "schema-property-name",
                            Some(Segment::Key(key)),
                            format!("the name {} is not allowed", shorten(&format!("{key:?}"))),
                        );
                        for problem in inner.problems {
                            if !self.full {
                                self.problems.push(problem);
                            }
                        }
                    }
                    self.failed();
                    valid = false;
                }
            }
        }
        for (name, needs) in &rules.dependent_required {
            if members.iter().any(|(key, _)| key.as_ref() == name.as_ref()) {
                for need in needs {
                    if !members.iter().any(|(key, _)| key.as_ref() == need.as_ref()) {
                        if C {
                            let message = format!(
                                "property {} requires property {}",
                                shorten(&format!("{name:?}")),
                                shorten(&format!("{need:?}"))
                            );
                            self.report("schema-dependent-required", None, message);
                        }
                        self.failed();
                        valid = false;
                    }
                }
            }
        }
        for (name, sub) in &rules.dependent_schemas {
            if members.iter().any(|(key, _)| key.as_ref() == name.as_ref())
                && !self.eval::<C>(*sub, value, marks.as_deref_mut())
            {
                valid = false;
            }
        }
        valid
    }

    fn check_array<const C: bool>(&mut self, rules: &'s ArrayRules, items: &'v [Json<'v>]) -> bool {
        let mut valid = true;
        let count = items.len() as u64;
        if let Some(min) = rules.min_items
            && count < min
        {
            if C {
                self.report(
                    "schema-min-items",
                    None,
                    format!("expected at least {}, found {count}", plural(min, "item")),
                );
            }
            self.failed();
            if !C {
                return false;
            }
            valid = false;
        }
        if let Some(max) = rules.max_items
            && count > max
        {
            if C {
                self.report(
                    "schema-max-items",
                    None,
                    format!("expected at most {}, found {count}", plural(max, "item")),
                );
            }
            self.failed();
            if !C {
                return false;
            }
            valid = false;
        }
        for (i, item) in items.iter().enumerate() {
            let rule = match rules.prefix.get(i) {
                Some(&sub) => Some(Additional::Schema(sub)),
                None => rules.items,
            };
            match rule {
                None | Some(Additional::True) => {}
                Some(Additional::False) => {
                    if C {
                        let allowed = rules.prefix.len();
                        let message = format!("expected at most {}, found {count}", plural(allowed as u64, "item"));
                        self.report("schema-max-items", Some(Segment::Index(i)), message);
                    }
                    self.failed();
                    if !C {
                        return false;
                    }
                    valid = false;
                    break;
                }
                Some(Additional::Schema(sub)) => {
                    self.path.push(Segment::Index(i));
                    let ok = self.eval::<C>(sub, item, None);
                    self.path.pop();
                    if !ok {
                        if !C {
                            return false;
                        }
                        valid = false;
                    }
                }
            }
        }
        if rules.unique
            && let Some((first, second)) = find_duplicate(items)
        {
            if C {
                self.report(
                    "schema-unique-items",
                    None,
                    format!("expected unique items, found items {first} and {second} equal"),
                );
            }
            self.failed();
            valid = false;
        }
        if let Some(contains) = rules.contains {
            let saved = self.fail_depth;
            let mut matching = 0u64;
            for (i, item) in items.iter().enumerate() {
                self.path.push(Segment::Index(i));
                if self.eval::<false>(contains, item, None) {
                    matching += 1;
                }
                self.path.pop();
            }
            self.fail_depth = saved;
            let min = rules.min_contains.unwrap_or(1);
            let too_few = matching < min;
            let too_many = rules.max_contains.is_some_and(|max| matching > max);
            if too_few || too_many {
                if C {
                    let expected = match (too_few, rules.max_contains) {
                        (true, _) => format!("at least {min}"),
                        (false, Some(max)) => format!("at most {max}"),
                        (false, None) => String::new(),
                    };
                    let message = format!("expected {expected} items matching 'contains', found {matching}");
                    self.report("schema-contains", None, message);
                }
                self.failed();
                valid = false;
            }
        }
        valid
    }

    fn check_unevaluated<const C: bool>(
        &mut self,
        unevaluated: Additional,
        members: &'v [(Cow<'v, str>, Json<'v>)],
        marks: &mut Marks,
    ) -> bool {
        let mut valid = true;
        for (i, (key, member)) in members.iter().enumerate() {
            if marks.get(i) {
                continue;
            }
            let key: &'v str = key;
            match unevaluated {
                Additional::True => {}
                Additional::False => {
                    if C {
                        let message = format!("property {} is not allowed here", shorten(&format!("{key:?}")));
                        self.report("schema-unevaluated-property", Some(Segment::Key(key)), message);
                    }
                    self.fail_depth = self.fail_depth.max(self.path.len() + 1);
                    if !C {
                        return false;
                    }
                    valid = false;
                }
                Additional::Schema(sub) => {
                    self.path.push(Segment::Key(key));
                    let ok = self.eval::<C>(sub, member, None);
                    self.path.pop();
                    if !ok {
                        if !C {
                            return false;
                        }
                        valid = false;
                    }
                }
            }
        }
        marks.set_all();
        valid
    }

    /// Collects the problems of a branch that failed in the boolean mode, unless it was cut
    /// off (too deep, or a cycle), which is reported once instead.
    fn collect_branch(&mut self, branch: NodeId, value: &'v Json<'v>) {
        match self.cut_off {
            Some(CutOff::Depth) => self.report(
                "schema-too-deep",
                None,
                format!("schema evaluation nests deeper than {MAX_EVALUATION_DEPTH} levels"),
            ),
            Some(CutOff::Cycle) => self.report("schema-cycle", None, CYCLE.to_owned()),
            None => {
                self.eval::<true>(branch, value, None);
            }
        }
    }

    /// Tries each branch in the boolean mode; returns (valid branches up to `enough`, the
    /// failing branch that got furthest). With marks, every valid branch adds its own.
    fn try_branches(
        &mut self,
        branches: &[NodeId],
        value: &'v Json<'v>,
        mut marks: Option<&mut Marks>,
        enough: usize,
    ) -> (Matches, Option<usize>) {
        self.cut_off = None;
        let mut valid = Matches::default();
        let mut best: Option<((usize, u64), usize)> = None;
        let saved = self.fail_depth;
        let mut deepest = saved;
        for (i, &branch) in branches.iter().enumerate() {
            let mut scratch = marks.as_deref().cloned();
            self.fail_depth = 0;
            let steps = self.steps;
            if self.eval::<false>(branch, value, scratch.as_mut()) {
                valid.add(i);
                if let (Some(marks), Some(scratch)) = (marks.as_deref_mut(), scratch.as_ref()) {
                    marks.union(scratch);
                }
                // Marks need every valid branch; otherwise the first (or second) settles it.
                if valid.count >= enough && marks.is_none() {
                    break;
                }
            } else {
                let score = (self.fail_depth, self.steps - steps);
                deepest = deepest.max(self.fail_depth);
                if best.is_none_or(|(best_score, _)| score > best_score) {
                    best = Some((score, i));
                }
            }
        }
        self.fail_depth = deepest;
        (valid, best.map(|(_, i)| i))
    }

    fn any_of<const C: bool>(&mut self, branches: &[NodeId], value: &'v Json<'v>, marks: Option<&mut Marks>) -> bool {
        let (valid, best) = self.try_branches(branches, value, marks, 1);
        if valid.count > 0 {
            return true;
        }
        if C {
            let message = format!("expected a match of at least one of {} schemas, found none", branches.len());
            self.report("schema-any-of", None, message);
            if let Some(&branch) = best.and_then(|i| branches.get(i)) {
                self.collect_branch(branch, value);
            }
        }
        false
    }

    fn one_of<const C: bool>(&mut self, branches: &[NodeId], value: &'v Json<'v>, marks: Option<&mut Marks>) -> bool {
        let mut scratch = marks.as_deref().cloned();
        let (valid, best) = self.try_branches(branches, value, scratch.as_mut(), 2);
        match valid.count {
            1 => {
                if let (Some(marks), Some(scratch)) = (marks, scratch.as_ref()) {
                    marks.union(scratch);
                }
                true
            }
            0 => {
                if C {
                    let message = format!("expected a match of exactly one of {} schemas, found none", branches.len());
                    self.report("schema-one-of", None, message);
                    if let Some(&branch) = best.and_then(|i| branches.get(i)) {
                        self.collect_branch(branch, value);
                    }
                }
                false
            }
            _ => {
                if C {
                    let [first, second] = valid.first;
                    let message = format!(
                        "expected a match of exactly one of {} schemas, found more than one ({first} and {second} match)",
                        branches.len(),
                    );
                    self.report("schema-one-of", None, message);
                }
                self.failed();
                false
            }
        }
    }
}

/// The branches of an `anyOf` or `oneOf` that matched: how many, and the first two.
#[derive(Debug, Default)]
struct Matches {
    count: usize,
    first: [usize; 2],
}

impl Matches {
    fn add(&mut self, branch: usize) {
        if let Some(slot) = self.first.get_mut(self.count) {
            *slot = branch;
        }
        self.count += 1;
    }
}

fn type_matches(bits: u8, value: &Json<'_>) -> bool {
    let bit = match value {
        Json::Null => types::NULL,
        Json::Bool(_) => types::BOOLEAN,
        Json::Number(n) if n.is_integer() => types::INTEGER,
        Json::Number(_) => types::NUMBER,
        Json::String(_) => types::STRING,
        Json::Array(_) => types::ARRAY,
        Json::Object(_) => types::OBJECT,
    };
    bits & bit != 0
}

fn type_names(bits: u8) -> String {
    let mut names = Vec::new();
    for (bit, name) in [
        (types::OBJECT, "object"),
        (types::ARRAY, "array"),
        (types::STRING, "string"),
        (types::NUMBER, "number"),
        (types::INTEGER, "integer"),
        (types::BOOLEAN, "boolean"),
        (types::NULL, "null"),
    ] {
        if bits & bit != 0 && !(bit == types::INTEGER && bits & types::NUMBER != 0) {
            names.push(name);
        }
    }
    names.join(" or ")
}

fn is_multiple(number: Number, factor: f64) -> bool {
    let value = number.as_f64();
    if factor.fract() == 0.0 && number.is_integer() && value.abs() < 9.0e15 && factor < 9.0e15 {
        return (value as i64) % (factor as i64) == 0;
    }
    let quotient = value / factor;
    quotient.is_finite() && (quotient - quotient.round()).abs() <= 1e-9 * quotient.abs().max(1.0)
}

/// How a found value is shown in a message: scalars as JSON (long strings cut), containers
/// by their size.
fn found(value: &Json<'_>) -> String {
    match value {
        Json::Null => "null".to_owned(),
        Json::Bool(b) => b.to_string(),
        Json::Number(n) => n.to_string(),
        Json::String(s) => shorten(&format!("{:?}", s.as_ref())),
        Json::Array(items) => format!("an array of {}", plural(items.len() as u64, "item")),
        Json::Object(members) => format!("an object with {}", plural(members.len() as u64, "member")),
    }
}

/// `1 item`, `2 items`, `1 property`, `0 properties`.
fn plural(n: u64, noun: &str) -> String {
    match (n, noun.strip_suffix('y')) {
        (1, _) => format!("{n} {noun}"),
        (_, Some(stem)) => format!("{n} {stem}ies"),
        (_, None) => format!("{n} {noun}s"),
    }
}

/// Cuts a rendered value to 64 characters.
pub(super) fn shorten(text: &str) -> String {
    const LIMIT: usize = 64;
    if text.chars().count() <= LIMIT {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(LIMIT - 1).collect();
    cut.push('…');
    cut
}
