//! Groups of advisory ids that name one vulnerability: a union-find over every advisory's
//! own id and aliases. Each group's key is its lowest `CVE-` id, else its lowest id, so the
//! same vulnerability from GHSA, PYSEC and GO feeds reports once.

use std::collections::HashMap;

/// Union-find over advisory ids, with each root's members and canonical key kept current.
#[derive(Clone, Debug, Default)]
pub(crate) struct AliasGroups {
    ids: Vec<String>,
    by_id: HashMap<String, usize>,
    parent: Vec<usize>,
    /// For each root: its members (empty for non-roots).
    members: Vec<Vec<usize>>,
    /// For each root: the member that is the group's key.
    key: Vec<usize>,
}

/// Whether `a` makes a better group key than `b`: `CVE-` ids first, then the lowest.
fn better_key(a: &str, b: &str) -> bool {
    match (a.starts_with("CVE-"), b.starts_with("CVE-")) {
        (true, false) => true,
        (false, true) => false,
        _ => a < b,
    }
}

impl AliasGroups {
    fn node(&mut self, id: &str) -> usize {
        if let Some(node) = self.by_id.get(id) {
            return *node;
        }
        let node = self.ids.len();
        self.ids.push(id.to_owned());
        self.by_id.insert(id.to_owned(), node);
        self.parent.push(node);
        self.members.push(vec![node]);
        self.key.push(node);
        node
    }

    fn find(&self, mut node: usize) -> usize {
        // Union by size keeps trees shallow, so no path compression (and `&self` suffices).
        while let Some(&parent) = self.parent.get(node) {
            if parent == node {
                break;
            }
            node = parent;
        }
        node
    }

    /// Puts an advisory's ids (own id and aliases) into one group.
    pub(crate) fn add<'a>(&mut self, ids: impl IntoIterator<Item = &'a str>) {
        let mut ids = ids.into_iter().filter(|id| !id.is_empty());
        let Some(first) = ids.next() else { return };
        let first = self.node(first);
        for id in ids {
            let other = self.node(id);
            self.union(first, other);
        }
    }

    fn union(&mut self, a: usize, b: usize) {
        let (a, b) = (self.find(a), self.find(b));
        if a == b {
            return;
        }
        let size = |node: usize| self.members.get(node).map_or(0, Vec::len);
        let (big, small) = if size(a) >= size(b) { (a, b) } else { (b, a) };
        let moved = self.members.get_mut(small).map(std::mem::take).unwrap_or_default();
        if let Some(parent) = self.parent.get_mut(small) {
            *parent = big;
        }
        let small_key = self.key.get(small).copied().unwrap_or(small);
        let big_key = self.key.get(big).copied().unwrap_or(big);
        let new_key = match (self.ids.get(small_key), self.ids.get(big_key)) {
            (Some(s), Some(b)) if better_key(s, b) => small_key,
            _ => big_key,
        };
        if let Some(key) = self.key.get_mut(big) {
            *key = new_key;
        }
        if let Some(members) = self.members.get_mut(big) {
            members.extend(moved);
        }
    }

    /// The node of an id, stable until the groups are rebuilt.
    pub(crate) fn node_of(&self, id: &str) -> Option<usize> {
        self.by_id.get(id).copied()
    }

    /// The root of a node's group: equal roots, same vulnerability.
    pub(crate) fn root(&self, node: usize) -> usize {
        self.find(node)
    }

    /// The key of the group with this root.
    pub(crate) fn key_of_root(&self, root: usize) -> Option<&str> {
        self.key.get(root).and_then(|key| self.ids.get(*key)).map(String::as_str)
    }

    /// The key of the group `id` belongs to; an unknown id is its own key.
    pub(crate) fn key<'a>(&'a self, id: &'a str) -> &'a str {
        let Some(&node) = self.by_id.get(id) else { return id };
        let root = self.find(node);
        self.key.get(root).and_then(|key| self.ids.get(*key)).map_or(id, String::as_str)
    }

    /// Every id in the group of `id` (sorted); an unknown id is a group of itself.
    pub(crate) fn group<'a>(&'a self, id: &'a str) -> Vec<&'a str> {
        let Some(&node) = self.by_id.get(id) else { return vec![id] };
        let root = self.find(node);
        let mut group: Vec<&str> = self
            .members
            .get(root)
            .map(|members| members.iter().filter_map(|m| self.ids.get(*m)).map(String::as_str).collect())
            .unwrap_or_default();
        group.sort_unstable();
        group
    }
}
