//! Version ordering for the `maven` scheme: Maven's `ComparableVersion`, as in
//! maven-artifact 3.8.6 (the release the shared fixtures were generated with), with the
//! MNG-6964 comparison of a sub-list against "nothing" (every item, not only the first).
//!
//! How a version is read:
//! * lower-cased; split on `.` and `-` and where digits meet non-digits;
//! * a `-` or a digit/letter transition opens a nested sub-list, `.` stays in the list;
//! * an empty part is `0`; numbers have any length; words are qualifiers, with `ga`,
//!   `final`, `release` = `` (the release), `cr` = `rc`, and `a`/`b`/`m` = `alpha`/`beta`/
//!   `milestone` when a digit follows directly;
//! * every list then drops its trailing "null" items (`0`, ``, empty lists), looking past
//!   trailing sub-lists.
//!
//! How items compare: numbers numerically; known qualifiers
//! `alpha < beta < milestone < rc < snapshot < "" < sp`, unknown ones after them,
//! alphabetically; a number is greater than a qualifier or a sub-list; a sub-list is
//! greater than a qualifier; a missing item compares as "null".
//!
//! Not reproduced: Java's `Character.isDigit` also accepts non-ASCII decimal digits;
//! here only ASCII digits are numbers (others are letters).

use std::cmp::Ordering;

use crate::VersionError;
use crate::digits::Digits;

/// A qualifier after aliasing, in the order `ComparableVersion` gives it.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Qualifier {
    /// Index in `alpha, beta, milestone, rc, snapshot, "", sp`.
    Known(u8),
    /// Any other word; these sort after the known ones, by UTF-16 code units as Java does.
    Unknown(String),
}

/// Index of the release qualifier (`""`, `ga`, `final`, `release`).
const RELEASE: u8 = 5;

impl Qualifier {
    fn new(word: &str, followed_by_digit: bool) -> Qualifier {
        let word = match word {
            "a" if followed_by_digit => "alpha",
            "b" if followed_by_digit => "beta",
            "m" if followed_by_digit => "milestone",
            "ga" | "final" | "release" => "",
            "cr" => "rc",
            other => other,
        };
        match word {
            "alpha" => Qualifier::Known(0),
            "beta" => Qualifier::Known(1),
            "milestone" => Qualifier::Known(2),
            "rc" => Qualifier::Known(3),
            "snapshot" => Qualifier::Known(4),
            "" => Qualifier::Known(RELEASE),
            "sp" => Qualifier::Known(6),
            other => Qualifier::Unknown(other.to_owned()),
        }
    }

    fn cmp_qualifier(&self, other: &Qualifier) -> Ordering {
        match (self, other) {
            (Qualifier::Known(a), Qualifier::Known(b)) => a.cmp(b),
            (Qualifier::Known(_), Qualifier::Unknown(_)) => Ordering::Less,
            (Qualifier::Unknown(_), Qualifier::Known(_)) => Ordering::Greater,
            (Qualifier::Unknown(a), Qualifier::Unknown(b)) => a.encode_utf16().cmp(b.encode_utf16()),
        }
    }

    /// Compared with a missing item: before the release qualifier is less, after is more.
    fn cmp_null(&self) -> Ordering {
        self.cmp_qualifier(&Qualifier::Known(RELEASE))
    }
}

/// One item of a parsed version.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
enum Item {
    Number(Digits),
    Qualifier(Qualifier),
    List(List),
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Number(number) => number.is_zero(),
            Item::Qualifier(qualifier) => *qualifier == Qualifier::Known(RELEASE),
            Item::List(list) => list.items.is_empty(),
        }
    }

    /// `Item.compareTo(null)`: how the item compares with a missing one.
    fn compare_null(&self) -> Ordering {
        match self {
            Item::Number(number) => {
                if number.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            Item::Qualifier(qualifier) => qualifier.cmp_null(),
            Item::List(list) => list.null_order_from(0),
        }
    }

    /// `Item.compareTo(item)` for two present items.
    fn compare(&self, other: &Item) -> Ordering {
        match (self, other) {
            (Item::Number(a), Item::Number(b)) => a.cmp(b),
            (Item::Number(_), _) => Ordering::Greater,
            (Item::Qualifier(a), Item::Qualifier(b)) => a.cmp_qualifier(b),
            (Item::Qualifier(_), _) => Ordering::Less,
            (Item::List(_), Item::Number(_)) => Ordering::Less,
            (Item::List(_), Item::Qualifier(_)) => Ordering::Greater,
            (Item::List(a), Item::List(b)) => compare_lists(a, b),
        }
    }
}

/// A normalized list of items, with how each of its suffixes compares with "nothing"
/// (`suffix_null[i]` for `items[i..]`), computed once at parse time.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
struct List {
    items: Vec<Item>,
    suffix_null: Vec<Ordering>,
}

impl List {
    fn new(mut items: Vec<Item>) -> List {
        normalize(&mut items);
        let mut suffix_null = vec![Ordering::Equal; items.len()];
        let mut after = Ordering::Equal;
        for (index, item) in items.iter().enumerate().rev() {
            let own = item.compare_null();
            if own.is_ne() {
                after = own;
            }
            if let Some(slot) = suffix_null.get_mut(index) {
                *slot = after;
            }
        }
        List { items, suffix_null }
    }

    /// How `items[from..]` compares with nothing: its first item that is not null-like
    /// decides (`ListItem.compareTo(null)` since MNG-6964).
    fn null_order_from(&self, from: usize) -> Ordering {
        self.suffix_null.get(from).copied().unwrap_or(Ordering::Equal)
    }
}

/// `ListItem.compareTo(ListItem)`, made transitive. Maven pads the shorter list with
/// "nothing" (null), which equals `0` and the release qualifier, yet ranks a present `0`
/// above any qualifier or sub-list; so it finds `1.0.RC1` < `1` < `1-1` and also
/// `1.0.RC1` > `1-1`. Here, at each position, the remaining items of both lists are first
/// compared by how they stand against nothing (below, equal, above); only when they
/// stand alike do Maven's item rules decide. This changes Maven's answer only for pairs
/// on such cycles, and orders them as the shorter version between them does.
fn compare_lists(left: &List, right: &List) -> Ordering {
    let longest = left.items.len().max(right.items.len());
    for index in 0..longest {
        let standing = left.null_order_from(index).cmp(&right.null_order_from(index));
        if standing.is_ne() {
            return standing;
        }
        let order = match (left.items.get(index), right.items.get(index)) {
            (Some(l), Some(r)) => l.compare(r),
            (Some(l), None) => l.compare_null(),
            (None, Some(r)) => r.compare_null().reverse(),
            (None, None) => Ordering::Equal,
        };
        if order.is_ne() {
            return order;
        }
    }
    Ordering::Equal
}

/// Removes trailing null items, looking past non-null sub-lists (as `ListItem.normalize`).
fn normalize(items: &mut Vec<Item>) {
    let mut index = items.len();
    while index > 0 {
        index -= 1;
        let Some(item) = items.get(index) else { break };
        if item.is_null() {
            items.remove(index);
        } else if !matches!(item, Item::List(_)) {
            break;
        }
    }
}

fn parse_item(is_digit: bool, text: &str) -> Item {
    if is_digit { Item::Number(Digits::new(text)) } else { Item::Qualifier(Qualifier::new(text, false)) }
}

/// The parser's stack of open lists: the root first, the list being filled last. Nested
/// lists are attached to their parent when closed, which gives the same tree as
/// `ComparableVersion` building it in place and normalizing inner lists first.
struct Builder {
    open: Vec<Vec<Item>>,
}

impl Builder {
    fn push(&mut self, item: Item) {
        if let Some(list) = self.open.last_mut() {
            list.push(item);
        }
    }

    fn open_list(&mut self) {
        self.open.push(Vec::new());
    }

    fn finish(mut self) -> List {
        while self.open.len() > 1 {
            let Some(items) = self.open.pop() else { break };
            self.push(Item::List(List::new(items)));
        }
        List::new(self.open.pop().unwrap_or_default())
    }
}

fn parse_items(text: &str) -> List {
    let lower = text.to_lowercase();
    let chars: Vec<(usize, char)> = lower.char_indices().collect();
    let mut builder = Builder { open: vec![Vec::new()] };
    let mut is_digit = false;
    let mut start = 0usize;
    for &(index, c) in &chars {
        let part = lower.get(start..index).unwrap_or_default();
        if c == '.' || c == '-' {
            if index == start {
                builder.push(Item::Number(Digits::default()));
            } else {
                builder.push(parse_item(is_digit, part));
            }
            start = index + 1;
            if c == '-' {
                builder.open_list();
            }
        } else if c.is_ascii_digit() {
            if !is_digit && index > start {
                builder.push(Item::Qualifier(Qualifier::new(part, true)));
                start = index;
                builder.open_list();
            }
            is_digit = true;
        } else {
            if is_digit && index > start {
                builder.push(parse_item(true, part));
                start = index;
                builder.open_list();
            }
            is_digit = false;
        }
    }
    if let Some(rest) = lower.get(start..).filter(|rest| !rest.is_empty()) {
        builder.push(parse_item(is_digit, rest));
    }
    builder.finish()
}

/// A parsed Maven version. Two versions are equal exactly when `ComparableVersion`
/// compares them as equal (their normalized item trees are the same).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Version {
    items: List,
}

impl Version {
    /// Parses a version. Every non-empty string is a Maven version.
    pub fn parse(text: &str) -> Result<Version, VersionError> {
        if text.is_empty() {
            return Err(VersionError::Empty);
        }
        Ok(Version { items: parse_items(text) })
    }
}

impl Ord for Version {
    fn cmp(&self, other: &Version) -> Ordering {
        compare_lists(&self.items, &other.items)
    }
}

impl PartialOrd for Version {
    fn partial_cmp(&self, other: &Version) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    fn cmp(a: &str, b: &str) -> Ordering {
        Version::parse(a).unwrap().cmp(&Version::parse(b).unwrap())
    }

    #[test]
    fn qualifier_order() {
        let chain = ["1-alpha", "1-beta", "1-milestone", "1-rc", "1-snapshot", "1", "1-sp", "1-abc", "1-abd"];
        for pair in chain.windows(2) {
            if let [a, b] = pair {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
            }
        }
    }

    #[test]
    fn aliases_need_a_following_digit() {
        assert_eq!(cmp("1a1", "1-alpha-1"), Ordering::Equal);
        assert_eq!(cmp("1-a", "1a"), Ordering::Equal);
        assert_eq!(cmp("1-a", "1-alpha"), Ordering::Greater);
        assert_eq!(cmp("1cr", "1rc"), Ordering::Equal);
        assert_eq!(cmp("1.final", "1"), Ordering::Equal);
    }

    #[test]
    fn trailing_nulls_are_trimmed() {
        assert_eq!(cmp("1.0.0", "1"), Ordering::Equal);
        assert_eq!(cmp("1-", "1"), Ordering::Equal);
        assert_eq!(cmp("1-foo", "1.0.0-foo.0.0"), Ordering::Equal);
        assert_eq!(Version::parse("1.0.0-0.0.0").unwrap(), Version::parse("1").unwrap());
    }

    #[test]
    fn mng_6964_compares_whole_sublist_with_nothing() {
        assert_eq!(cmp("1-0.alpha", "1"), Ordering::Less);
        assert_eq!(cmp("1-0.beta", "1"), Ordering::Less);
        assert_eq!(cmp("1-0.alpha", "1-0.beta"), Ordering::Less);
    }

    #[test]
    fn numbers_beat_qualifiers_and_lists() {
        assert_eq!(cmp("1.1", "1-1"), Ordering::Greater);
        assert_eq!(cmp("1-1", "1-sp"), Ordering::Greater);
        assert_eq!(cmp("2.0.1-xyz", "2.0.1-123"), Ordering::Less);
        assert_eq!(cmp("20190126.230843", "12345678901234567890.1H.5-beta"), Ordering::Less);
    }

    fn assert_ascending(versions: &[&str]) {
        for (index, a) in versions.iter().enumerate() {
            for b in versions.iter().skip(index + 1) {
                assert_eq!(cmp(a, b), Ordering::Less, "{a} < {b}");
                assert_eq!(cmp(b, a), Ordering::Greater, "{b} > {a}");
            }
        }
    }

    #[test]
    fn maven_reference_qualifier_ordering() {
        // The ordered lists of Maven 3.8's ComparableVersionTest (version strings only).
        assert_ascending(&[
            "1-alpha2snapshot",
            "1-alpha2",
            "1-alpha-123",
            "1-beta-2",
            "1-beta123",
            "1-m2",
            "1-m11",
            "1-rc",
            "1-cr2",
            "1-rc123",
            "1-SNAPSHOT",
            "1",
            "1-sp",
            "1-sp2",
            "1-sp123",
            "1-abc",
            "1-def",
            "1-pom-1",
            "1-1-snapshot",
            "1-1",
            "1-2",
            "1-123",
        ]);
        assert_ascending(&[
            "2.0", "2-1", "2.0.a", "2.0.0.a", "2.0.2", "2.0.123", "2.1.0", "2.1-a", "2.1b", "2.1-c", "2.1-1",
            "2.1.0.1", "2.2", "2.123", "11.a2", "11.a11", "11.b2", "11.b11", "11.m2", "11.m11", "11", "11.a", "11b",
            "11c", "11m",
        ]);
    }

    #[test]
    fn maven_cycles_are_broken_by_standing_against_the_release() {
        // Maven itself: 2.9.0.RC1 < 2.9.0 < 2.9.0-1 but 2.9.0-1 < 2.9.0.RC1.
        assert_eq!(cmp("2.9.0.RC1", "2.9.0"), Ordering::Less);
        assert_eq!(cmp("2.9.0", "2.9.0-1"), Ordering::Less);
        assert_eq!(cmp("2.9.0.RC1", "2.9.0-1"), Ordering::Less);
        assert_eq!(cmp("1.0.RC1", "1-1"), Ordering::Less);
        // The shrunk counter-example proptest found against Maven's raw comparison.
        assert_eq!(cmp(".alpha", "ga"), Ordering::Less);
        assert_eq!(cmp("ga", "ga.1"), Ordering::Less);
        assert_eq!(cmp(".alpha", "ga.1"), Ordering::Less);
        // Where Maven is not on a cycle its type rules still decide: 1.0.1 > 1-1.
        assert_eq!(cmp("1.0.1", "1-1"), Ordering::Greater);
    }
}
