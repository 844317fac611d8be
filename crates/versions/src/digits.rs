//! Arbitrary-length unsigned decimal numbers, compared numerically without parsing into
//! a machine integer: leading zeros trimmed, then shorter is smaller, then by bytes.

use std::cmp::Ordering;

/// A run of ASCII digits kept as text, leading zeros removed (`"0"` is the empty run).
#[derive(Clone, Debug, PartialEq, Eq, Hash, Default)]
pub(crate) struct Digits(String);

impl Digits {
    /// The number written by `digits`, which must hold ASCII digits only (not checked:
    /// other bytes simply order by value).
    pub(crate) fn new(digits: &str) -> Digits {
        Digits(digits.trim_start_matches('0').to_owned())
    }

    /// Whether the number is zero.
    pub(crate) fn is_zero(&self) -> bool {
        self.0.is_empty()
    }
}

impl Ord for Digits {
    fn cmp(&self, other: &Digits) -> Ordering {
        self.0.len().cmp(&other.0.len()).then_with(|| self.0.as_bytes().cmp(other.0.as_bytes()))
    }
}

impl PartialOrd for Digits {
    fn partial_cmp(&self, other: &Digits) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Splits `text` at the end of its leading run of ASCII digits.
pub(crate) fn split_digits(text: &str) -> (&str, &str) {
    let end = text.find(|c: char| !c.is_ascii_digit()).unwrap_or(text.len());
    text.split_at_checked(end).unwrap_or((text, ""))
}

impl Digits {
    /// The number's digits without leading zeros (empty for zero).
    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}
