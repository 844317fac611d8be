//! The tamper-evident audit log: each entry carries the SHA-256 of the one before, so an
//! entry edited, removed or inserted directly in the database breaks the chain at that
//! point, and [`verify_chain`] names it.
//!
//! The hash of an entry is the SHA-256 of the JSON array
//! `[seq, at, actor, action, entity, entity_id, before, after, prev_hash]`, with the texts
//! exactly as stored (`at` in RFC 3339, `before`/`after` as JSON text or null). The first
//! entry's `prev_hash` is [`GENESIS`].

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// One entry of the log, as stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// Position in the chain, from 1, without gaps.
    pub seq: i64,
    /// When, RFC 3339 UTC.
    pub at: String,
    /// Who ([`crate::access::Caller::actor`]).
    pub actor: String,
    /// What: `create`, `update`, `delete`, `import`, `login`, `login-failed`, `lockout`, …
    pub action: String,
    /// On what kind of thing: `supplier`, `offering`, `user`, `token`, `session`, …
    pub entity: String,
    /// Which one.
    pub entity_id: Option<String>,
    /// JSON of the thing before the change.
    pub before: Option<String>,
    /// JSON of the thing after the change.
    pub after: Option<String>,
    /// The hash of the entry before.
    pub prev_hash: String,
    /// This entry's hash.
    pub hash: String,
}

/// An entry before it is chained: what the writer supplies.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEvent {
    /// See [`AuditEntry::action`].
    pub action: String,
    /// See [`AuditEntry::entity`].
    pub entity: String,
    /// See [`AuditEntry::entity_id`].
    pub entity_id: Option<String>,
    /// JSON before.
    pub before: Option<String>,
    /// JSON after.
    pub after: Option<String>,
}

impl AuditEvent {
    /// An event with before/after serialised to JSON.
    pub fn new<B: Serialize, A: Serialize>(
        action: &str,
        entity: &str,
        entity_id: Option<String>,
        before: Option<&B>,
        after: Option<&A>,
    ) -> Self {
        AuditEvent {
            action: action.to_owned(),
            entity: entity.to_owned(),
            entity_id,
            before: before.and_then(|b| serde_json::to_string(b).ok()),
            after: after.and_then(|a| serde_json::to_string(a).ok()),
        }
    }

    /// Chains the event after `prev_hash` as entry `seq`.
    pub fn chain(self, seq: i64, at: String, actor: String, prev_hash: String) -> AuditEntry {
        let mut entry = AuditEntry {
            seq,
            at,
            actor,
            action: self.action,
            entity: self.entity,
            entity_id: self.entity_id,
            before: self.before,
            after: self.after,
            prev_hash,
            hash: String::new(),
        };
        entry.hash = entry.computed_hash();
        entry
    }
}

impl AuditEntry {
    /// The hash this entry's content calls for.
    pub fn computed_hash(&self) -> String {
        let canonical = serde_json::json!([
            self.seq,
            self.at,
            self.actor,
            self.action,
            self.entity,
            self.entity_id,
            self.before,
            self.after,
            self.prev_hash
        ]);
        let digest = Sha256::digest(canonical.to_string().as_bytes());
        hex::encode(digest)
    }
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case", tag = "problem")]
pub enum ChainBreak {
    /// The entry's content no longer matches its hash: it was edited.
    Altered {
        /// The entry.
        seq: i64,
    },
    /// Entries are missing before this one (its `prev_hash` or its number does not follow).
    Removed {
        /// The first entry after the gap.
        seq: i64,
        /// The number expected here.
        expected_seq: i64,
    },
    /// An entry that does not belong: its number repeats or its `prev_hash` names an
    /// entry that is not its predecessor although its own hash is consistent.
    Inserted {
        /// The entry.
        seq: i64,
    },
    /// The entry does not link to the entry before it although both hashes are consistent:
    /// the entry before was rewritten with a recomputed hash, or this one was made up.
    BrokenLink {
        /// The entry.
        seq: i64,
    },
    /// The chain ends before the recorded head: entries were removed from the end.
    Truncated {
        /// The last entry present.
        last_seq: i64,
        /// The number of the recorded head.
        head_seq: i64,
    },
}

impl std::fmt::Display for ChainBreak {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChainBreak::Altered { seq } => write!(f, "entry {seq} was altered: its content does not match its hash"),
            ChainBreak::Removed { seq, expected_seq } => {
                write!(f, "entries were removed before entry {seq} (entry {expected_seq} was expected)")
            }
            ChainBreak::Inserted { seq } => write!(f, "entry {seq} was inserted: it does not chain to its predecessor"),
            ChainBreak::BrokenLink { seq } => write!(
                f,
                "entry {seq} does not link to entry {}: that entry was rewritten or this one inserted",
                seq - 1
            ),
            ChainBreak::Truncated { last_seq, head_seq } => {
                write!(f, "entries after {last_seq} were removed (the recorded head is entry {head_seq})")
            }
        }
    }
}

/// What verifying the chain found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verdict {
    /// Entries read.
    pub entries: u64,
    /// The hash of the last entry read (record it elsewhere to detect a rewritten chain).
    pub head_hash: Option<String>,
    /// The first break, if any.
    pub first_break: Option<ChainBreak>,
}

impl Verdict {
    /// True when no break was found.
    pub fn intact(&self) -> bool {
        self.first_break.is_none()
    }
}

/// Checks entries streamed in `seq` order, one at a time, in constant memory.
#[derive(Debug, Clone)]
pub struct ChainVerifier {
    expected_seq: i64,
    prev_hash: String,
    entries: u64,
    first_break: Option<ChainBreak>,
}

impl Default for ChainVerifier {
    fn default() -> Self {
        ChainVerifier { expected_seq: 1, prev_hash: GENESIS.to_owned(), entries: 0, first_break: None }
    }
}

impl ChainVerifier {
    /// Feeds the next entry; returns false once a break is found (later entries are not needed).
    pub fn push(&mut self, entry: &AuditEntry) -> bool {
        if self.first_break.is_some() {
            return false;
        }
        self.entries += 1;
        let content_ok = entry.computed_hash() == entry.hash;
        let found = if !content_ok {
            // An edited entry usually keeps its number and link but not its hash.
            Some(ChainBreak::Altered { seq: entry.seq })
        } else if entry.seq < self.expected_seq {
            Some(ChainBreak::Inserted { seq: entry.seq })
        } else if entry.prev_hash != self.prev_hash {
            if entry.seq > self.expected_seq {
                Some(ChainBreak::Removed { seq: entry.seq, expected_seq: self.expected_seq })
            } else {
                // Right number, consistent hash, wrong link.
                Some(ChainBreak::BrokenLink { seq: entry.seq })
            }
        } else if entry.seq != self.expected_seq {
            // Linked right but renumbered: an entry before was removed and the rest shifted.
            Some(ChainBreak::Removed { seq: entry.seq, expected_seq: self.expected_seq })
        } else {
            None
        };
        self.expected_seq = entry.seq + 1;
        self.prev_hash = entry.hash.clone();
        self.first_break = found;
        self.first_break.is_none()
    }

    /// The verdict, given the head the database records (`(seq, hash)` of the last entry
    /// written), which reveals entries removed from the end.
    pub fn finish(self, recorded_head: Option<(i64, &str)>) -> Verdict {
        let last_seq = self.expected_seq - 1;
        let head_hash = (self.entries > 0).then(|| self.prev_hash.clone());
        let first_break = self.first_break.or_else(|| match recorded_head {
            Some((head_seq, _)) if head_seq > last_seq => Some(ChainBreak::Truncated { last_seq, head_seq }),
            Some((head_seq, hash)) if head_seq == last_seq && head_hash.as_deref() != Some(hash) && head_seq > 0 => {
                Some(ChainBreak::Altered { seq: head_seq })
            }
            _ => None,
        });
        Verdict { entries: self.entries, head_hash, first_break }
    }
}

/// Verifies a whole chain held in memory.
pub fn verify_chain<'a>(
    entries: impl IntoIterator<Item = &'a AuditEntry>,
    recorded_head: Option<(i64, &str)>,
) -> Verdict {
    let mut verifier = ChainVerifier::default();
    for entry in entries {
        if !verifier.push(entry) {
            break;
        }
    }
    verifier.finish(recorded_head)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chain(n: i64) -> Vec<AuditEntry> {
        let mut prev = GENESIS.to_owned();
        (1..=n)
            .map(|seq| {
                let e = AuditEvent::new::<(), serde_json::Value>(
                    "create",
                    "supplier",
                    Some(format!("id-{seq}")),
                    None,
                    Some(&serde_json::json!({"name": format!("S{seq}")})),
                )
                .chain(seq, format!("2026-12-02T10:00:{seq:02}Z"), "user:alice".into(), prev.clone());
                prev = e.hash.clone();
                e
            })
            .collect()
    }

    fn head(entries: &[AuditEntry]) -> Option<(i64, &str)> {
        entries.last().map(|e| (e.seq, e.hash.as_str()))
    }

    #[test]
    fn an_untouched_chain_verifies() {
        let c = chain(5);
        let v = verify_chain(&c, head(&c));
        assert_eq!(v.first_break, None);
        assert_eq!(v.entries, 5);
        assert_eq!(v.head_hash.as_deref(), head(&c).map(|h| h.1));
        assert!(verify_chain(&[], None).intact());
    }

    #[test]
    fn an_edited_entry_is_named() {
        let c = chain(5);
        let mut edited = c.clone();
        edited[2].actor = "user:mallory".into();
        assert_eq!(verify_chain(&edited, head(&c)).first_break, Some(ChainBreak::Altered { seq: 3 }));
    }

    #[test]
    fn an_edited_entry_with_a_recomputed_hash_breaks_the_next_link() {
        let c = chain(5);
        let mut edited = c.clone();
        edited[2].after = Some("{}".into());
        edited[2].hash = edited[2].computed_hash();
        assert_eq!(verify_chain(&edited, head(&c)).first_break, Some(ChainBreak::BrokenLink { seq: 4 }));
    }

    #[test]
    fn a_removed_entry_is_named() {
        let c = chain(5);
        let mut removed = c.clone();
        removed.remove(1);
        assert_eq!(verify_chain(&removed, head(&c)).first_break, Some(ChainBreak::Removed { seq: 3, expected_seq: 2 }));
    }

    #[test]
    fn an_inserted_entry_is_named() {
        let c = chain(5);
        let mut inserted = c.clone();
        let fake = AuditEvent::new::<(), ()>("delete", "supplier", None, None, None).chain(
            3,
            "2026-12-02T10:00:30Z".into(),
            "user:mallory".into(),
            GENESIS.into(),
        );
        inserted.insert(3, fake);
        assert_eq!(verify_chain(&inserted, head(&c)).first_break, Some(ChainBreak::Inserted { seq: 3 }));
    }

    #[test]
    fn entries_removed_from_the_end_are_noticed_through_the_recorded_head() {
        let c = chain(5);
        let v = verify_chain(&c[..3], head(&c));
        assert_eq!(v.first_break, Some(ChainBreak::Truncated { last_seq: 3, head_seq: 5 }));
    }
}
