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
    List(Vec<Item>),
}

impl Item {
    fn is_null(&self) -> bool {
        match self {
            Item::Number(number) => number.is_zero(),
            Item::Qualifier(qualifier) => *qualifier == Qualifier::Known(RELEASE),
            Item::List(items) => items.is_empty(),
        }
    }

    /// `ComparableVersion`'s `Item.compareTo`, where `None` is Java's `null`.
    fn compare(&self, other: Option<&Item>) -> Ordering {
        match (self, other) {
            (Item::Number(number), None) => {
                if number.is_zero() {
                    Ordering::Equal
                } else {
                    Ordering::Greater
                }
            }
            (Item::Number(a), Some(Item::Number(b))) => a.cmp(b),
            (Item::Number(_), Some(_)) => Ordering::Greater,
            (Item::Qualifier(qualifier), None) => qualifier.cmp_null(),
            (Item::Qualifier(a), Some(Item::Qualifier(b))) => a.cmp_qualifier(b),
            (Item::Qualifier(_), Some(_)) => Ordering::Less,
            (Item::List(items), None) => {
                items.iter().map(|item| item.compare(None)).find(|order| order.is_ne()).unwrap_or(Ordering::Equal)
            }
            (Item::List(_), Some(Item::Number(_))) => Ordering::Less,
            (Item::List(_), Some(Item::Qualifier(_))) => Ordering::Greater,
            (Item::List(a), Some(Item::List(b))) => compare_lists(a, b),
        }
    }
}

fn compare_lists(left: &[Item], right: &[Item]) -> Ordering {
    let longest = left.len().max(right.len());
    for index in 0..longest {
        let order = match (left.get(index), right.get(index)) {
            (Some(l), r) => l.compare(r),
            (None, Some(r)) => r.compare(None).reverse(),
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

    fn finish(mut self) -> Vec<Item> {
        while self.open.len() > 1 {
            let Some(mut list) = self.open.pop() else { break };
            normalize(&mut list);
            self.push(Item::List(list));
        }
        let mut root = self.open.pop().unwrap_or_default();
        normalize(&mut root);
        root
    }
}

fn parse_items(text: &str) -> Vec<Item> {
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
    items: Vec<Item>,
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
}
