//! Simple types: the built-in datatypes of XML Schema part 2 (lexical checks), facets, and
//! the check of a value against a compiled simple type.
//!
//! Values are compared in their value space where it matters for the schemas we meet:
//! decimals numerically (`1.0` equals `1`), floats as `f64`, dates and times as instants;
//! everything else by its whitespace-normalised lexical form.

use std::borrow::Cow;
use std::cmp::Ordering;
use std::collections::HashSet;
use std::fmt::Write as _;
use std::sync::Arc;

/// Index of a simple type in [`super::model::SchemaSet::simple`].
pub(crate) type SimpleId = u32;

/// The built-in primitive and derived atomic types.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Builtin {
    AnySimpleType,
    String,
    NormalizedString,
    Token,
    Language,
    Name,
    NcName,
    NmToken,
    Id,
    IdRef,
    Entity,
    AnyUri,
    QName,
    Notation,
    Boolean,
    Decimal,
    Integer,
    NonPositiveInteger,
    NegativeInteger,
    Long,
    Int,
    Short,
    Byte,
    NonNegativeInteger,
    UnsignedLong,
    UnsignedInt,
    UnsignedShort,
    UnsignedByte,
    PositiveInteger,
    Float,
    Double,
    Duration,
    DayTimeDuration,
    YearMonthDuration,
    DateTime,
    DateTimeStamp,
    Date,
    Time,
    GYear,
    GYearMonth,
    GMonth,
    GMonthDay,
    GDay,
    HexBinary,
    Base64Binary,
}

/// How white space in a value is normalised before it is checked.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum WhiteSpace {
    Preserve,
    Replace,
    Collapse,
}

/// Which value space a type's values live in, for enumeration and bound comparisons.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum ValueClass {
    Text,
    Decimal,
    Float,
    Boolean,
    Instant,
    Binary,
    Duration,
}

impl Builtin {
    /// The built-in atomic type named `local` in the XML Schema namespace.
    pub(crate) fn from_name(local: &str) -> Option<Builtin> {
        use Builtin::*;
        Some(match local {
            "anySimpleType" | "anyAtomicType" => AnySimpleType,
            "string" => String,
            "normalizedString" => NormalizedString,
            "token" => Token,
            "language" => Language,
            "Name" => Name,
            "NCName" => NcName,
            "NMTOKEN" => NmToken,
            "ID" => Id,
            "IDREF" => IdRef,
            "ENTITY" => Entity,
            "anyURI" => AnyUri,
            "QName" => QName,
            "NOTATION" => Notation,
            "boolean" => Boolean,
            "decimal" => Decimal,
            "integer" => Integer,
            "nonPositiveInteger" => NonPositiveInteger,
            "negativeInteger" => NegativeInteger,
            "long" => Long,
            "int" => Int,
            "short" => Short,
            "byte" => Byte,
            "nonNegativeInteger" => NonNegativeInteger,
            "unsignedLong" => UnsignedLong,
            "unsignedInt" => UnsignedInt,
            "unsignedShort" => UnsignedShort,
            "unsignedByte" => UnsignedByte,
            "positiveInteger" => PositiveInteger,
            "float" => Float,
            "double" => Double,
            "duration" => Duration,
            "dayTimeDuration" => DayTimeDuration,
            "yearMonthDuration" => YearMonthDuration,
            "dateTime" => DateTime,
            "dateTimeStamp" => DateTimeStamp,
            "date" => Date,
            "time" => Time,
            "gYear" => GYear,
            "gYearMonth" => GYearMonth,
            "gMonth" => GMonth,
            "gMonthDay" => GMonthDay,
            "gDay" => GDay,
            "hexBinary" => HexBinary,
            "base64Binary" => Base64Binary,
            _ => return None,
        })
    }

    /// The name in messages, `xs:` prefixed.
    pub(crate) fn name(self) -> &'static str {
        use Builtin::*;
        match self {
            AnySimpleType => "xs:anySimpleType",
            String => "xs:string",
            NormalizedString => "xs:normalizedString",
            Token => "xs:token",
            Language => "xs:language",
            Name => "xs:Name",
            NcName => "xs:NCName",
            NmToken => "xs:NMTOKEN",
            Id => "xs:ID",
            IdRef => "xs:IDREF",
            Entity => "xs:ENTITY",
            AnyUri => "xs:anyURI",
            QName => "xs:QName",
            Notation => "xs:NOTATION",
            Boolean => "xs:boolean",
            Decimal => "xs:decimal",
            Integer => "xs:integer",
            NonPositiveInteger => "xs:nonPositiveInteger",
            NegativeInteger => "xs:negativeInteger",
            Long => "xs:long",
            Int => "xs:int",
            Short => "xs:short",
            Byte => "xs:byte",
            NonNegativeInteger => "xs:nonNegativeInteger",
            UnsignedLong => "xs:unsignedLong",
            UnsignedInt => "xs:unsignedInt",
            UnsignedShort => "xs:unsignedShort",
            UnsignedByte => "xs:unsignedByte",
            PositiveInteger => "xs:positiveInteger",
            Float => "xs:float",
            Double => "xs:double",
            Duration => "xs:duration",
            DayTimeDuration => "xs:dayTimeDuration",
            YearMonthDuration => "xs:yearMonthDuration",
            DateTime => "xs:dateTime",
            DateTimeStamp => "xs:dateTimeStamp",
            Date => "xs:date",
            Time => "xs:time",
            GYear => "xs:gYear",
            GYearMonth => "xs:gYearMonth",
            GMonth => "xs:gMonth",
            GMonthDay => "xs:gMonthDay",
            GDay => "xs:gDay",
            HexBinary => "xs:hexBinary",
            Base64Binary => "xs:base64Binary",
        }
    }

    pub(crate) fn white_space(self) -> WhiteSpace {
        match self {
            Builtin::String | Builtin::AnySimpleType => WhiteSpace::Preserve,
            Builtin::NormalizedString => WhiteSpace::Replace,
            _ => WhiteSpace::Collapse,
        }
    }

    pub(crate) fn class(self) -> ValueClass {
        use Builtin::*;
        match self {
            Decimal | Integer | NonPositiveInteger | NegativeInteger | Long | Int | Short | Byte
            | NonNegativeInteger | UnsignedLong | UnsignedInt | UnsignedShort | UnsignedByte | PositiveInteger => {
                ValueClass::Decimal
            }
            Float | Double => ValueClass::Float,
            Boolean => ValueClass::Boolean,
            DateTime | DateTimeStamp | Date | Time | GYear | GYearMonth | GMonth | GMonthDay | GDay => {
                ValueClass::Instant
            }
            HexBinary | Base64Binary => ValueClass::Binary,
            Duration | DayTimeDuration | YearMonthDuration => ValueClass::Duration,
            _ => ValueClass::Text,
        }
    }

    /// Whether `value` (already whitespace-normalised) is in the lexical space; the error
    /// says what is wrong.
    pub(crate) fn check(self, value: &str) -> Result<(), &'static str> {
        use Builtin::*;
        let ok = match self {
            AnySimpleType | String | NormalizedString | Token => true,
            AnyUri => is_any_uri(value),
            Language => is_language(value),
            Name => is_name(value, true),
            NcName | Id | IdRef | Entity => is_name(value, false),
            NmToken => !value.is_empty() && value.chars().all(is_name_char),
            QName | Notation => match value.split_once(':') {
                Some((prefix, local)) => is_name(prefix, false) && is_name(local, false),
                None => is_name(value, false),
            },
            Boolean => matches!(value, "true" | "false" | "1" | "0"),
            Decimal => parse_decimal(value).is_some(),
            Float | Double => is_float(value),
            Duration => is_duration(value, true, true),
            DayTimeDuration => is_duration(value, false, true),
            YearMonthDuration => is_duration(value, true, false),
            DateTime => parse_instant(value, Shape::DateTime).is_some(),
            DateTimeStamp => parse_instant(value, Shape::DateTime).is_some_and(|i| i.has_zone),
            Date => parse_instant(value, Shape::Date).is_some(),
            Time => parse_instant(value, Shape::Time).is_some(),
            GYear => parse_instant(value, Shape::GYear).is_some(),
            GYearMonth => parse_instant(value, Shape::GYearMonth).is_some(),
            GMonth => parse_instant(value, Shape::GMonth).is_some(),
            GMonthDay => parse_instant(value, Shape::GMonthDay).is_some(),
            GDay => parse_instant(value, Shape::GDay).is_some(),
            HexBinary => value.len().is_multiple_of(2) && value.bytes().all(|b| b.is_ascii_hexdigit()),
            Base64Binary => base64_octets(value).is_some(),
            Integer | NonPositiveInteger | NegativeInteger | Long | Int | Short | Byte | NonNegativeInteger
            | UnsignedLong | UnsignedInt | UnsignedShort | UnsignedByte | PositiveInteger => {
                return self.check_integer(value);
            }
        };
        if ok { Ok(()) } else { Err(self.lexical_message()) }
    }

    fn check_integer(self, value: &str) -> Result<(), &'static str> {
        use Builtin::*;
        let Some(decimal) = parse_decimal(value) else { return Err("not an integer") };
        if !decimal.fraction.is_empty() || value.contains('.') {
            return Err("not an integer");
        }
        let (min, max): (Option<i128>, Option<i128>) = match self {
            NonPositiveInteger => (None, Some(0)),
            NegativeInteger => (None, Some(-1)),
            Long => (Some(i64::MIN.into()), Some(i64::MAX.into())),
            Int => (Some(i32::MIN.into()), Some(i32::MAX.into())),
            Short => (Some(i16::MIN.into()), Some(i16::MAX.into())),
            Byte => (Some(i8::MIN.into()), Some(i8::MAX.into())),
            NonNegativeInteger => (Some(0), None),
            UnsignedLong => (Some(0), Some(u64::MAX.into())),
            UnsignedInt => (Some(0), Some(u32::MAX.into())),
            UnsignedShort => (Some(0), Some(u16::MAX.into())),
            UnsignedByte => (Some(0), Some(u8::MAX.into())),
            PositiveInteger => (Some(1), None),
            _ => (None, None),
        };
        if min.is_none() && max.is_none() {
            return Ok(());
        }
        // More than 38 digits is beyond every bounded integer type here; the sign decides.
        let number: Option<i128> = if decimal.integer.is_empty() {
            Some(0)
        } else if decimal.integer.len() > 38 {
            None
        } else {
            decimal.integer.parse::<i128>().ok().map(|n| if decimal.negative { -n } else { n })
        };
        let in_range = match number {
            Some(n) => min.is_none_or(|m| n >= m) && max.is_none_or(|m| n <= m),
            None => {
                if decimal.negative {
                    min.is_none()
                } else {
                    max.is_none()
                }
            }
        };
        if in_range { Ok(()) } else { Err("out of the range of the type") }
    }

    fn lexical_message(self) -> &'static str {
        use Builtin::*;
        match self {
            Language => "not a language tag",
            Name | NcName | Id | IdRef | Entity => "not an XML name",
            NmToken => "not a name token",
            AnyUri => "not a URI reference (a bad scheme before `:`, or `%` without two hex digits)",
            QName | Notation => "not a qualified name",
            Boolean => "not `true`, `false`, `1` or `0`",
            Decimal => "not a decimal number",
            Float | Double => "not a floating-point number",
            Duration | DayTimeDuration | YearMonthDuration => "not a duration",
            DateTime => "not a date and time (`2024-01-31T12:00:00Z`)",
            DateTimeStamp => "not a date and time with a time zone (`2024-01-31T12:00:00Z`)",
            Date => "not a date (`2024-01-31`)",
            Time => "not a time (`12:00:00`)",
            GYear | GYearMonth | GMonth | GMonthDay | GDay => "not a calendar value of the type",
            HexBinary => "not hexadecimal octets",
            Base64Binary => "not base64",
            _ => "not in the lexical space of the type",
        }
    }
}

/// Normalises white space as `mode` says, borrowing when nothing changes.
pub(crate) fn normalize(value: &str, mode: WhiteSpace) -> Cow<'_, str> {
    let is_other_space = |c: char| matches!(c, '\t' | '\n' | '\r');
    match mode {
        WhiteSpace::Preserve => Cow::Borrowed(value),
        WhiteSpace::Replace => {
            if value.contains(is_other_space) {
                Cow::Owned(value.replace(is_other_space, " "))
            } else {
                Cow::Borrowed(value)
            }
        }
        WhiteSpace::Collapse => {
            let trimmed = value.trim_matches(is_xml_space);
            let clean = !trimmed.contains(is_other_space) && !trimmed.contains("  ");
            if clean {
                Cow::Borrowed(trimmed)
            } else {
                let mut out = String::with_capacity(trimmed.len());
                for word in trimmed.split(is_xml_space).filter(|w| !w.is_empty()) {
                    if !out.is_empty() {
                        out.push(' ');
                    }
                    out.push_str(word);
                }
                Cow::Owned(out)
            }
        }
    }
}

pub(crate) fn is_xml_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r')
}

/// A compiled simple type.
#[derive(Debug, Clone)]
pub(crate) struct SimpleType {
    /// Name in messages: the declared name, or `xs:string` for a built-in, or a description.
    pub(crate) name: Box<str>,
    pub(crate) variety: Variety,
    pub(crate) white_space: WhiteSpace,
    /// The facets of each derivation step, most derived first; a value must pass all.
    pub(crate) facets: Vec<Arc<Facets>>,
    /// Whether values are `xs:ID` or `xs:IDREF(S)`, which the validator tracks.
    pub(crate) id_kind: IdKind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum IdKind {
    None,
    Id,
    IdRef,
}

#[derive(Debug, Clone)]
pub(crate) enum Variety {
    Atomic(Builtin),
    List(SimpleId),
    Union(Vec<SimpleId>),
}

/// The facets of one restriction step.
#[derive(Debug, Clone, Default)]
pub(crate) struct Facets {
    /// Alternatives: a value must match one (patterns of one step are or-ed).
    pub(crate) patterns: Vec<(Box<str>, regex::Regex)>,
    pub(crate) enumeration: Option<Enumeration>,
    pub(crate) length: Option<usize>,
    pub(crate) min_length: Option<usize>,
    pub(crate) max_length: Option<usize>,
    pub(crate) min_inclusive: Option<Bound>,
    pub(crate) max_inclusive: Option<Bound>,
    pub(crate) min_exclusive: Option<Bound>,
    pub(crate) max_exclusive: Option<Bound>,
    pub(crate) total_digits: Option<usize>,
    pub(crate) fraction_digits: Option<usize>,
}

/// The enumerated values of a step, as written (normalised), with a set for long lists.
#[derive(Debug, Clone)]
pub(crate) struct Enumeration {
    pub(crate) values: Vec<Box<str>>,
    pub(crate) set: Option<HashSet<Box<str>>>,
}

/// A facet bound, parsed at compile time in the value space of the base type.
#[derive(Debug, Clone)]
pub(crate) struct Bound {
    pub(crate) text: Box<str>,
    pub(crate) key: OrderKey,
}

/// A value in an ordered value space.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum OrderKey {
    Decimal { negative: bool, integer: String, fraction: String },
    Float(f64),
    Instant(i128),
}

impl OrderKey {
    /// The key of `value` in the value space of `class`, if that space is ordered.
    pub(crate) fn of(class: ValueClass, builtin: Builtin, value: &str) -> Option<OrderKey> {
        match class {
            ValueClass::Decimal => parse_decimal(value).map(|d| OrderKey::Decimal {
                negative: d.negative,
                integer: d.integer.to_string(),
                fraction: d.fraction.to_string(),
            }),
            ValueClass::Float => parse_float(value).map(OrderKey::Float),
            ValueClass::Instant => {
                let shape = match builtin {
                    Builtin::Date => Shape::Date,
                    Builtin::Time => Shape::Time,
                    Builtin::GYear => Shape::GYear,
                    Builtin::GYearMonth => Shape::GYearMonth,
                    Builtin::GMonth => Shape::GMonth,
                    Builtin::GMonthDay => Shape::GMonthDay,
                    Builtin::GDay => Shape::GDay,
                    _ => Shape::DateTime,
                };
                parse_instant(value, shape).map(|i| OrderKey::Instant(i.nanos))
            }
            _ => None,
        }
    }

    fn compare(&self, other: &OrderKey) -> Option<Ordering> {
        match (self, other) {
            (
                OrderKey::Decimal { negative: a_neg, integer: a_int, fraction: a_frac },
                OrderKey::Decimal { negative: b_neg, integer: b_int, fraction: b_frac },
            ) => Some(compare_decimal(
                DecimalParts { negative: *a_neg, integer: a_int, fraction: a_frac },
                DecimalParts { negative: *b_neg, integer: b_int, fraction: b_frac },
            )),
            (OrderKey::Float(a), OrderKey::Float(b)) => a.partial_cmp(b),
            (OrderKey::Instant(a), OrderKey::Instant(b)) => Some(a.cmp(b)),
            _ => None,
        }
    }
}

/// Why a value failed: the facet (or `lexical`) and the words of the message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ValueError {
    pub(crate) facet: &'static str,
    pub(crate) message: String,
}

/// Checks `raw` against simple type `id` of `types`.
pub(crate) fn check_value(types: &[SimpleType], id: SimpleId, raw: &str) -> Result<(), ValueError> {
    check_in(types, id, raw, 0)
}

fn check_in(types: &[SimpleType], id: SimpleId, raw: &str, depth: u32) -> Result<(), ValueError> {
    let Some(ty) = types.get(id as usize) else {
        return Err(ValueError { facet: "type", message: "the type is missing from the schema".to_string() });
    };
    if depth > 16 {
        return Err(ValueError { facet: "type", message: format!("type `{}` nests too deeply", ty.name) });
    }
    let value = normalize(raw, ty.white_space);
    let value = value.as_ref();
    match &ty.variety {
        Variety::Atomic(builtin) => {
            builtin.check(value).map_err(|why| ValueError {
                facet: "lexical",
                message: format!("`{}` is not a valid `{}`: {why}", shorten(value), ty.name),
            })?;
            for facets in &ty.facets {
                check_facets(ty, facets, *builtin, value, None)?;
            }
        }
        Variety::List(item) => {
            let mut count = 0usize;
            for word in value.split(is_xml_space).filter(|w| !w.is_empty()) {
                count += 1;
                check_in(types, *item, word, depth + 1).map_err(|error| ValueError {
                    facet: error.facet,
                    message: format!("item {count} of the list: {}", error.message),
                })?;
            }
            for facets in &ty.facets {
                check_facets(ty, facets, Builtin::String, value, Some(count))?;
            }
        }
        Variety::Union(members) => {
            let mut first_error = None;
            let mut matched = false;
            for member in members {
                match check_in(types, *member, value, depth + 1) {
                    Ok(()) => {
                        matched = true;
                        break;
                    }
                    Err(error) => {
                        first_error.get_or_insert(error);
                    }
                }
            }
            if !matched {
                let names: Vec<String> =
                    members.iter().filter_map(|m| types.get(*m as usize)).map(|t| format!("`{}`", t.name)).collect();
                let detail = first_error.map(|e| e.message).unwrap_or_default();
                return Err(ValueError {
                    facet: "union",
                    message: format!(
                        "`{}` is not a valid `{}`: it matches none of {} ({detail})",
                        shorten(value),
                        ty.name,
                        names.join(", ")
                    ),
                });
            }
            for facets in &ty.facets {
                check_facets(ty, facets, Builtin::String, value, None)?;
            }
        }
    }
    Ok(())
}

/// A bound facet, its name, what the comparison must give, and words for messages.
type BoundCheck<'f> = (&'f Option<Bound>, &'static str, fn(Ordering) -> bool, &'static str);

fn check_facets(
    ty: &SimpleType,
    facets: &Facets,
    builtin: Builtin,
    value: &str,
    list_items: Option<usize>,
) -> Result<(), ValueError> {
    let fail = |facet: &'static str, detail: String| ValueError {
        facet,
        message: format!("`{}` is not a valid `{}`: {detail}", shorten(value), ty.name),
    };
    if let Some(enumeration) = &facets.enumeration
        && !enumeration.contains(builtin, value)
    {
        let mut listed = String::new();
        for (n, allowed) in enumeration.values.iter().take(12).enumerate() {
            if n > 0 {
                listed.push_str(", ");
            }
            let _ = write!(listed, "`{allowed}`");
        }
        if enumeration.values.len() > 12 {
            let _ = write!(listed, " and {} more", enumeration.values.len() - 12);
        }
        return Err(fail("enumeration", format!("expected one of {listed}")));
    }
    if !facets.patterns.is_empty() && !facets.patterns.iter().any(|(_, regex)| regex.is_match(value)) {
        let shown: Vec<&str> = facets.patterns.iter().map(|(text, _)| text.as_ref()).collect();
        return Err(fail("pattern", format!("it does not match the pattern `{}`", shown.join("` or `"))));
    }
    let needs_length = facets.length.is_some() || facets.min_length.is_some() || facets.max_length.is_some();
    if needs_length {
        let length = match (list_items, builtin.class()) {
            (Some(items), _) => items,
            (None, ValueClass::Binary) => binary_octets(builtin, value).unwrap_or(0),
            (None, _) => value.chars().count(),
        };
        let unit = if list_items.is_some() {
            "items"
        } else if builtin.class() == ValueClass::Binary {
            "octets"
        } else {
            "characters"
        };
        if let Some(wanted) = facets.length
            && length != wanted
        {
            return Err(fail("length", format!("length {length} {unit}, expected exactly {wanted}")));
        }
        if let Some(min) = facets.min_length
            && length < min
        {
            return Err(fail("minLength", format!("length {length} {unit}, expected at least {min}")));
        }
        if let Some(max) = facets.max_length
            && length > max
        {
            return Err(fail("maxLength", format!("length {length} {unit}, expected at most {max}")));
        }
    }
    let has_bounds = facets.min_inclusive.is_some()
        || facets.max_inclusive.is_some()
        || facets.min_exclusive.is_some()
        || facets.max_exclusive.is_some();
    if has_bounds {
        let Some(key) = OrderKey::of(builtin.class(), builtin, value) else {
            return Err(fail("lexical", "not an ordered value".to_string()));
        };
        let checks: [BoundCheck<'_>; 4] = [
            (&facets.min_inclusive, "minInclusive", |o| o != Ordering::Less, "at least"),
            (&facets.max_inclusive, "maxInclusive", |o| o != Ordering::Greater, "at most"),
            (&facets.min_exclusive, "minExclusive", |o| o == Ordering::Greater, "greater than"),
            (&facets.max_exclusive, "maxExclusive", |o| o == Ordering::Less, "less than"),
        ];
        for (bound, facet, accept, words) in checks {
            if let Some(bound) = bound {
                let ordering = key.compare(&bound.key);
                if !ordering.is_some_and(accept) {
                    return Err(fail(facet, format!("expected a value {words} {}", bound.text)));
                }
            }
        }
    }
    if facets.total_digits.is_some() || facets.fraction_digits.is_some() {
        let Some(decimal) = parse_decimal(value) else {
            return Err(fail("lexical", "not a decimal number".to_string()));
        };
        let integer_digits = decimal.integer.trim_start_matches('0').len();
        let fraction_digits = decimal.fraction.len();
        if let Some(total) = facets.total_digits
            && integer_digits + fraction_digits > total
        {
            return Err(fail("totalDigits", format!("more than {total} digits")));
        }
        if let Some(max) = facets.fraction_digits
            && fraction_digits > max
        {
            return Err(fail("fractionDigits", format!("more than {max} fraction digits")));
        }
    }
    Ok(())
}

impl Enumeration {
    pub(crate) fn new(values: Vec<Box<str>>) -> Enumeration {
        let set = (values.len() > 16).then(|| values.iter().cloned().collect());
        Enumeration { values, set }
    }

    fn contains(&self, builtin: Builtin, value: &str) -> bool {
        match builtin.class() {
            ValueClass::Decimal | ValueClass::Float | ValueClass::Instant => {
                let Some(key) = OrderKey::of(builtin.class(), builtin, value) else { return false };
                self.values.iter().any(|allowed| {
                    OrderKey::of(builtin.class(), builtin, allowed)
                        .is_some_and(|k| k.compare(&key) == Some(Ordering::Equal))
                })
            }
            ValueClass::Boolean => {
                let truth = |v: &str| matches!(v, "true" | "1");
                self.values.iter().any(|allowed| truth(allowed) == truth(value))
            }
            _ => match &self.set {
                Some(set) => set.contains(value),
                None => self.values.iter().any(|allowed| allowed.as_ref() == value),
            },
        }
    }
}

/// Shortens long values for messages.
pub(crate) fn shorten(value: &str) -> Cow<'_, str> {
    const MAX: usize = 80;
    if value.chars().count() <= MAX {
        Cow::Borrowed(value)
    } else {
        let cut: String = value.chars().take(MAX).collect();
        Cow::Owned(format!("{cut}…"))
    }
}

fn binary_octets(builtin: Builtin, value: &str) -> Option<usize> {
    match builtin {
        Builtin::HexBinary => Some(value.len() / 2),
        _ => base64_octets(value),
    }
}

// ---- lexical checks ----

fn is_name_start(c: char) -> bool {
    matches!(c, ':' | '_' | 'A'..='Z' | 'a'..='z'
        | '\u{C0}'..='\u{D6}' | '\u{D8}'..='\u{F6}' | '\u{F8}'..='\u{2FF}' | '\u{370}'..='\u{37D}'
        | '\u{37F}'..='\u{1FFF}' | '\u{200C}'..='\u{200D}' | '\u{2070}'..='\u{218F}'
        | '\u{2C00}'..='\u{2FEF}' | '\u{3001}'..='\u{D7FF}' | '\u{F900}'..='\u{FDCF}'
        | '\u{FDF0}'..='\u{FFFD}' | '\u{10000}'..='\u{EFFFF}')
}

fn is_name_char(c: char) -> bool {
    is_name_start(c) || matches!(c, '-' | '.' | '0'..='9' | '\u{B7}' | '\u{300}'..='\u{36F}' | '\u{203F}'..='\u{2040}')
}

fn is_name(value: &str, colons: bool) -> bool {
    let mut chars = value.chars();
    let Some(first) = chars.next() else { return false };
    (is_name_start(first) && (colons || first != ':')) && chars.all(|c| is_name_char(c) && (colons || c != ':'))
}

/// `xs:anyURI` as Xerces and libxml2 check it: characters a URI cannot hold (spaces,
/// `<>"{}|\^``, controls, non-ASCII) count as escaped, as XLink §5.4 says, and the result
/// must be an RFC 3986 URI reference: a valid scheme before a `:` that comes before any
/// `/`, `?` or `#`; an authority of user info, host (`[…]` only as an IP literal) and
/// digits-only port; path, query and fragment of URI characters; `%` followed by two hex
/// digits; at most one `#`.
fn is_any_uri(value: &str) -> bool {
    let is_escaped_anyway = |c: char| !c.is_ascii() || c.is_ascii_control() || " <>\"{}|\\^`".contains(c);
    let is_unreserved = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
    let is_sub_delim = |c: char| "!$&'()*+,;=".contains(c);
    let escapes_ok = |part: &str| {
        let bytes = part.as_bytes();
        bytes.iter().enumerate().filter(|(_, b)| **b == b'%').all(|(at, _)| {
            bytes.get(at + 1).is_some_and(u8::is_ascii_hexdigit) && bytes.get(at + 2).is_some_and(u8::is_ascii_hexdigit)
        })
    };
    let chars_ok = |part: &str, extra: &str| {
        escapes_ok(part)
            && part
                .chars()
                .all(|c| is_unreserved(c) || is_sub_delim(c) || is_escaped_anyway(c) || c == '%' || extra.contains(c))
    };
    let (rest, fragment) = match value.split_once('#') {
        Some((rest, fragment)) => (rest, Some(fragment)),
        None => (value, None),
    };
    if fragment.is_some_and(|f| !chars_ok(f, ":@/?")) {
        return false;
    }
    let (rest, query) = match rest.split_once('?') {
        Some((rest, query)) => (rest, Some(query)),
        None => (rest, None),
    };
    if query.is_some_and(|q| !chars_ok(q, ":@/?")) {
        return false;
    }
    let head_end = rest.find('/').unwrap_or(rest.len());
    let mut rest = rest;
    if let Some((scheme, after)) = rest.get(..head_end).and_then(|head| head.split_once(':')) {
        let mut chars = scheme.chars();
        let valid_scheme = chars.next().is_some_and(|c| c.is_ascii_alphabetic())
            && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'));
        if !valid_scheme {
            return false;
        }
        rest = rest.get(scheme.len() + 1..).unwrap_or(after);
    }
    if let Some(after) = rest.strip_prefix("//") {
        let end = after.find('/').unwrap_or(after.len());
        let authority = after.get(..end).unwrap_or("");
        let path = after.get(end..).unwrap_or("");
        let (userinfo, host_port) = match authority.rsplit_once('@') {
            Some((userinfo, host_port)) => (Some(userinfo), host_port),
            None => (None, authority),
        };
        if userinfo.is_some_and(|u| !chars_ok(u, ":")) {
            return false;
        }
        let (host, port) = if let Some(literal) = host_port.strip_prefix('[') {
            let Some((inside, after)) = literal.split_once(']') else { return false };
            if inside.is_empty() || !inside.chars().all(|c| c.is_ascii_hexdigit() || matches!(c, ':' | '.' | 'v' | 'V'))
            {
                return false;
            }
            match after.strip_prefix(':') {
                Some(port) => ("", Some(port)),
                None if after.is_empty() => ("", None),
                None => return false,
            }
        } else {
            match host_port.rsplit_once(':') {
                Some((host, port)) => (host, Some(port)),
                None => (host_port, None),
            }
        };
        if !chars_ok(host, "") || port.is_some_and(|p| !p.bytes().all(|b| b.is_ascii_digit())) {
            return false;
        }
        return chars_ok(path, ":@/");
    }
    chars_ok(rest, ":@/")
}

fn is_language(value: &str) -> bool {
    let mut parts = value.split('-');
    let Some(first) = parts.next() else { return false };
    let ok_first = (1..=8).contains(&first.len()) && first.bytes().all(|b| b.is_ascii_alphabetic());
    ok_first && parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()))
}

/// A decimal split into sign, integer digits without leading zeros and fraction digits
/// without trailing zeros.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DecimalParts<'a> {
    negative: bool,
    integer: &'a str,
    fraction: &'a str,
}

pub(crate) fn parse_decimal(value: &str) -> Option<DecimalParts<'_>> {
    let (negative, unsigned) = match value.as_bytes().first() {
        Some(b'-') => (true, value.get(1..)?),
        Some(b'+') => (false, value.get(1..)?),
        _ => (false, value),
    };
    let (integer, fraction) = match unsigned.split_once('.') {
        Some((i, f)) => (i, f),
        None => (unsigned, ""),
    };
    if integer.is_empty() && fraction.is_empty() {
        return None;
    }
    if !integer.bytes().all(|b| b.is_ascii_digit()) || !fraction.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let integer = integer.trim_start_matches('0');
    let fraction = fraction.trim_end_matches('0');
    let is_zero = integer.is_empty() && fraction.is_empty();
    Some(DecimalParts { negative: negative && !is_zero, integer, fraction })
}

fn compare_decimal(a: DecimalParts<'_>, b: DecimalParts<'_>) -> Ordering {
    let magnitude = a
        .integer
        .len()
        .cmp(&b.integer.len())
        .then_with(|| a.integer.cmp(b.integer))
        .then_with(|| a.fraction.cmp(b.fraction));
    match (a.negative, b.negative) {
        (false, false) => magnitude,
        (true, true) => magnitude.reverse(),
        (true, false) => Ordering::Less,
        (false, true) => Ordering::Greater,
    }
}

fn is_float(value: &str) -> bool {
    parse_float(value).is_some()
}

fn parse_float(value: &str) -> Option<f64> {
    match value {
        "INF" | "+INF" => return Some(f64::INFINITY),
        "-INF" => return Some(f64::NEG_INFINITY),
        "NaN" => return Some(f64::NAN),
        _ => {}
    }
    let (mantissa, exponent) = match value.find(['e', 'E']) {
        Some(at) => (value.get(..at)?, Some(value.get(at + 1..)?)),
        None => (value, None),
    };
    parse_decimal(mantissa)?;
    if let Some(exponent) = exponent {
        let digits = exponent.strip_prefix(['+', '-']).unwrap_or(exponent);
        if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
    }
    value.parse::<f64>().ok()
}

fn is_duration(value: &str, allow_years: bool, allow_days: bool) -> bool {
    let body = value.strip_prefix('-').unwrap_or(value);
    let Some(body) = body.strip_prefix('P') else { return false };
    let (date, time) = match body.split_once('T') {
        Some((d, t)) => (d, Some(t)),
        None => (body, None),
    };
    let mut any = false;
    let mut rest = date;
    for unit in ['Y', 'M', 'D'] {
        if let Some((number, after)) = split_unit(rest, unit) {
            if !number.bytes().all(|b| b.is_ascii_digit()) || number.is_empty() {
                return false;
            }
            if (unit != 'D' && !allow_years) || (unit == 'D' && !allow_days) {
                return false;
            }
            any = true;
            rest = after;
        }
    }
    if !rest.is_empty() {
        return false;
    }
    if let Some(time) = time {
        if !allow_days {
            return false;
        }
        let mut any_time = false;
        let mut rest = time;
        for unit in ['H', 'M', 'S'] {
            if let Some((number, after)) = split_unit(rest, unit) {
                let ok = if unit == 'S' {
                    parse_decimal(number).is_some() && !number.starts_with(['+', '-'])
                } else {
                    !number.is_empty() && number.bytes().all(|b| b.is_ascii_digit())
                };
                if !ok {
                    return false;
                }
                any_time = true;
                rest = after;
            }
        }
        if !rest.is_empty() || !any_time {
            return false;
        }
        any = true;
    }
    any
}

/// `12Y…` → (`12`, `…`) when the next unit letter in `text` is `unit`.
fn split_unit(text: &str, unit: char) -> Option<(&str, &str)> {
    let at = text.find(|c: char| c.is_ascii_alphabetic())?;
    if text.get(at..)?.starts_with(unit) { Some((text.get(..at)?, text.get(at + 1..)?)) } else { None }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    DateTime,
    Date,
    Time,
    GYear,
    GYearMonth,
    GMonth,
    GMonthDay,
    GDay,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Instant {
    /// Nanoseconds from 0000-01-01T00:00:00Z (proleptic Gregorian; no zone read as UTC).
    nanos: i128,
    has_zone: bool,
}

/// Parses the date/time types; range checks included (month, day of month, 24:00:00).
pub(crate) fn parse_instant(value: &str, shape: Shape) -> Option<Instant> {
    let mut rest = value;
    let (mut year, mut month, mut day) = (2000i64, 1u32, 1u32);
    let (mut hour, mut minute, mut second, mut nanos) = (0u32, 0u32, 0u32, 0u32);
    let has_year = matches!(shape, Shape::DateTime | Shape::Date | Shape::GYear | Shape::GYearMonth);
    if has_year {
        let negative = rest.starts_with('-');
        if negative {
            rest = rest.get(1..)?;
        }
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits < 4 || (digits > 4 && rest.starts_with('0')) || digits > 12 {
            return None;
        }
        year = rest.get(..digits)?.parse().ok()?;
        if negative {
            year = -year;
        }
        rest = rest.get(digits..)?;
    }
    match shape {
        Shape::DateTime | Shape::Date => {
            rest = rest.strip_prefix('-')?;
            month = two_digits(&mut rest)?;
            rest = rest.strip_prefix('-')?;
            day = two_digits(&mut rest)?;
        }
        Shape::GYearMonth => {
            rest = rest.strip_prefix('-')?;
            month = two_digits(&mut rest)?;
        }
        Shape::GMonth => {
            rest = rest.strip_prefix("--")?;
            month = two_digits(&mut rest)?;
        }
        Shape::GMonthDay => {
            rest = rest.strip_prefix("--")?;
            month = two_digits(&mut rest)?;
            rest = rest.strip_prefix('-')?;
            day = two_digits(&mut rest)?;
        }
        Shape::GDay => {
            rest = rest.strip_prefix("---")?;
            day = two_digits(&mut rest)?;
        }
        Shape::Time | Shape::GYear => {}
    }
    if shape == Shape::DateTime {
        rest = rest.strip_prefix('T')?;
    }
    if matches!(shape, Shape::DateTime | Shape::Time) {
        hour = two_digits(&mut rest)?;
        rest = rest.strip_prefix(':')?;
        minute = two_digits(&mut rest)?;
        rest = rest.strip_prefix(':')?;
        second = two_digits(&mut rest)?;
        if let Some(after) = rest.strip_prefix('.') {
            let digits = after.bytes().take_while(u8::is_ascii_digit).count();
            if digits == 0 {
                return None;
            }
            let fraction = after.get(..digits)?;
            let padded: String = fraction.chars().chain(std::iter::repeat('0')).take(9).collect();
            nanos = padded.parse().ok()?;
            rest = after.get(digits..)?;
        }
        let end_of_day = hour == 24 && minute == 0 && second == 0 && nanos == 0;
        if (hour > 23 && !end_of_day) || minute > 59 || second > 59 {
            return None;
        }
    }
    if !(1..=12).contains(&month) || day < 1 || day > days_in_month(year, month, shape) {
        return None;
    }
    let mut offset_minutes = 0i64;
    let has_zone = !rest.is_empty();
    if rest == "Z" {
        rest = "";
    } else if let Some(sign) = rest.chars().next().filter(|c| *c == '+' || *c == '-') {
        rest = rest.get(1..)?;
        let zone_hour = two_digits(&mut rest)?;
        rest = rest.strip_prefix(':')?;
        let zone_minute = two_digits(&mut rest)?;
        if zone_minute > 59 || zone_hour > 14 || (zone_hour == 14 && zone_minute != 0) {
            return None;
        }
        offset_minutes = i64::from(zone_hour * 60 + zone_minute);
        if sign == '-' {
            offset_minutes = -offset_minutes;
        }
    }
    if !rest.is_empty() {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let seconds = days as i128 * 86_400 + i128::from(hour) * 3600 + i128::from(minute) * 60 + i128::from(second)
        - i128::from(offset_minutes) * 60;
    Some(Instant { nanos: seconds * 1_000_000_000 + i128::from(nanos), has_zone })
}

fn two_digits(rest: &mut &str) -> Option<u32> {
    let text = rest.get(..2)?;
    if !text.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    *rest = rest.get(2..)?;
    text.parse().ok()
}

fn days_in_month(year: i64, month: u32, shape: Shape) -> u32 {
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    match month {
        2 if matches!(shape, Shape::GMonthDay | Shape::GDay) => 29,
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    }
}

/// Days since 0000-03-01 shifted to a proleptic Gregorian day count (Howard Hinnant's
/// algorithm); only differences matter.
fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let year_of_era = year.rem_euclid(400);
    let month = i64::from(month);
    let day_of_year = (153 * (if month > 2 { month - 3 } else { month + 9 }) + 2) / 5 + i64::from(day) - 1;
    let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
    era * 146_097 + day_of_era
}

/// The number of octets a base64 value (collapsed) encodes, if it is valid base64.
fn base64_octets(value: &str) -> Option<usize> {
    let mut symbols = 0usize;
    let mut padding = 0usize;
    let mut last = b'A';
    for byte in value.bytes() {
        match byte {
            b' ' => {}
            b'=' => padding += 1,
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'+' | b'/' if padding == 0 => {
                symbols += 1;
                last = byte;
            }
            _ => return None,
        }
    }
    if padding > 2 || !(symbols + padding).is_multiple_of(4) {
        return None;
    }
    // The bits after the last octet must be zero: XSD's lexical rule for the last quantum.
    let ok_last = match padding {
        1 => b"AEIMQUYcgkosw048".contains(&last),
        2 => b"AQgw".contains(&last),
        _ => true,
    };
    ok_last.then_some(symbols * 3 / 4)
}
