//! Content models compiled to Glushkov (position) automata.
//!
//! Every occurrence of an element or wildcard in the (unrolled) particle tree is a
//! position; the automaton's states are "before anything" and "just matched position p",
//! and its transitions are the follow sets. For the deterministic content models XML
//! Schema requires (Unique Particle Attribution), at most one position of a state's
//! follow set matches a given child, so validation is one table walk per child: no
//! backtracking, no recursion. Counted occurrences (`minOccurs="2" maxOccurs="4"`) are
//! unrolled, nested so that the unrolling stays deterministic; unbounded ones loop.

use super::model::{ElementDecl, ElementId, NameId, Names, NsId, Wildcard};

/// Most positions in one content model after unrolling.
const MAX_POSITIONS: usize = 20_000;
/// Largest finite minOccurs/maxOccurs that is unrolled.
const MAX_COUNT: u32 = 1_000;
/// Deepest nesting of model groups.
const MAX_GROUP_DEPTH: u32 = 64;
/// Most transitions (follow-set entries, duplicates included) while building one model:
/// a large choice repeated without bound has quadratically many.
const MAX_EDGES: usize = 4_000_000;

/// What a position matches.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Term {
    Element(ElementId),
    Any(Wildcard),
}

/// A particle of a content model, as compiled from the schema.
#[derive(Debug, Clone)]
pub(crate) struct Particle {
    pub(crate) kind: ParticleKind,
    pub(crate) min: u32,
    /// `None` is unbounded.
    pub(crate) max: Option<u32>,
}

#[derive(Debug, Clone)]
pub(crate) enum ParticleKind {
    Term(Term),
    Sequence(Vec<Particle>),
    Choice(Vec<Particle>),
}

/// A compiled content model.
#[derive(Debug, Clone)]
pub(crate) struct Automaton {
    terms: Vec<Term>,
    /// Per state (0 = start, p + 1 = after position p): the positions that may come next.
    next: Vec<Box<[u32]>>,
    /// Per state: whether the content may end here.
    accepting: Vec<bool>,
}

/// What a child element matched.
pub(crate) struct Step<'a> {
    pub(crate) state: u32,
    pub(crate) term: &'a Term,
}

impl Automaton {
    /// Compiles a particle (`None`: no child elements at all).
    pub(crate) fn build(particle: Option<&Particle>) -> Result<Automaton, String> {
        let mut builder = Builder { terms: Vec::new(), follow: Vec::new(), edges: 0 };
        let info = match particle {
            Some(particle) => builder.particle(particle, 0)?,
            None => Info::empty(),
        };
        if builder.edges > MAX_EDGES {
            return Err(format!("content model with more than {MAX_EDGES} transitions"));
        }
        let mut next = Vec::with_capacity(builder.terms.len() + 1);
        let mut accepting = Vec::with_capacity(builder.terms.len() + 1);
        next.push(sorted(info.first).into_boxed_slice());
        accepting.push(info.nullable);
        for (position, follow) in builder.follow.into_iter().enumerate() {
            next.push(sorted(follow).into_boxed_slice());
            accepting.push(info.last.contains(&(position as u32)));
        }
        Ok(Automaton { terms: builder.terms, next, accepting })
    }

    /// The model of no child elements at all (the content of an empty mixed type).
    pub(crate) fn empty() -> Automaton {
        Automaton { terms: Vec::new(), next: vec![Box::new([])], accepting: vec![true] }
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// The transition for a child named `name` (None if no schema declares that name) in
    /// namespace `ns`. Element declarations win over wildcards.
    pub(crate) fn step(
        &self,
        state: u32,
        name: Option<NameId>,
        ns: NsId,
        elements: &[ElementDecl],
    ) -> Option<Step<'_>> {
        let candidates = self.next.get(state as usize)?;
        if let Some(name) = name {
            for &position in candidates.iter() {
                if let Some(Term::Element(id)) = self.terms.get(position as usize)
                    && elements.get(*id as usize).is_some_and(|decl| decl.name == name)
                {
                    return self.terms.get(position as usize).map(|term| Step { state: position + 1, term });
                }
            }
        }
        for &position in candidates.iter() {
            if let Some(term @ Term::Any(wildcard)) = self.terms.get(position as usize)
                && wildcard.allows(ns)
            {
                return Some(Step { state: position + 1, term });
            }
        }
        None
    }

    /// After a child that does not fit: the first position anywhere in the model that
    /// matches it, so that validation can go on from there (and check the child against
    /// the declaration it most likely means) instead of reporting every later sibling.
    pub(crate) fn resync(&self, name: Option<NameId>, ns: NsId, elements: &[ElementDecl]) -> Option<Step<'_>> {
        let position = self
            .terms
            .iter()
            .position(|term| match term {
                Term::Element(id) => name.is_some_and(|n| elements.get(*id as usize).is_some_and(|d| d.name == n)),
                Term::Any(_) => false,
            })
            .or_else(|| {
                self.terms.iter().position(|term| matches!(term, Term::Any(wildcard) if wildcard.allows(ns)))
            })?;
        let term = self.terms.get(position)?;
        Some(Step { state: position as u32 + 1, term })
    }

    pub(crate) fn accepts(&self, state: u32) -> bool {
        self.accepting.get(state as usize).copied().unwrap_or(false)
    }

    /// What may come next in `state`, in words: element names and wildcards.
    pub(crate) fn expected(&self, state: u32, elements: &[ElementDecl], names: &Names, main: NsId) -> Vec<String> {
        let mut out: Vec<String> = Vec::new();
        for &position in self.next.get(state as usize).map(|n| n.as_ref()).unwrap_or_default() {
            let text = match self.terms.get(position as usize) {
                Some(Term::Element(id)) => match elements.get(*id as usize) {
                    Some(decl) => format!("`{}`", names.display(decl.name, main)),
                    None => continue,
                },
                Some(Term::Any(wildcard)) => wildcard.describe(names),
                None => continue,
            };
            if !out.contains(&text) {
                out.push(text);
            }
        }
        out
    }

    /// Pairs of positions in one follow set that match the same element name: the
    /// content model is not deterministic there (a UPA violation, or a counted repeat of
    /// an optional particle), and the validator may pick the wrong branch.
    pub(crate) fn ambiguities(&self, elements: &[ElementDecl], names: &Names) -> Vec<String> {
        let mut out = Vec::new();
        for candidates in &self.next {
            let mut seen: Vec<NameId> = Vec::new();
            for &position in candidates.iter() {
                if let Some(Term::Element(id)) = self.terms.get(position as usize)
                    && let Some(decl) = elements.get(*id as usize)
                {
                    if seen.contains(&decl.name) {
                        out.push(names.display(decl.name, u32::MAX));
                    }
                    seen.push(decl.name);
                }
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

fn sorted(mut positions: Vec<u32>) -> Vec<u32> {
    positions.sort_unstable();
    positions.dedup();
    positions
}

/// Nullable, first and last positions of a sub-expression.
#[derive(Debug, Clone)]
struct Info {
    nullable: bool,
    first: Vec<u32>,
    last: Vec<u32>,
}

impl Info {
    fn empty() -> Info {
        Info { nullable: true, first: Vec::new(), last: Vec::new() }
    }
}

struct Builder {
    terms: Vec<Term>,
    follow: Vec<Vec<u32>>,
    /// Transitions added so far; past [`MAX_EDGES`] no more are added and the build fails.
    edges: usize,
}

impl Builder {
    fn particle(&mut self, particle: &Particle, depth: u32) -> Result<Info, String> {
        if depth > MAX_GROUP_DEPTH {
            return Err("model groups nested too deeply".to_string());
        }
        if particle.min > MAX_COUNT || particle.max.is_some_and(|max| max > MAX_COUNT) {
            return Err(format!("occurrence counts above {MAX_COUNT} are not supported"));
        }
        let max = match particle.max {
            Some(0) => return Ok(Info::empty()),
            Some(max) if max < particle.min => {
                return Err(format!("maxOccurs {max} is below minOccurs {}", particle.min));
            }
            other => other,
        };
        let mut result = Info::empty();
        let mandatory = particle.min;
        for copy in 0..mandatory {
            let mut body = self.body(&particle.kind, depth)?;
            if max.is_none() && copy + 1 == mandatory {
                self.repeat(&body);
            }
            body = self.sequence(result, body);
            result = body;
        }
        match max {
            None if mandatory == 0 => {
                let body = self.body(&particle.kind, depth)?;
                self.repeat(&body);
                let tail = Info { nullable: true, ..body };
                result = self.sequence(result, tail);
            }
            None => {}
            Some(max) => {
                // (x (x (x)?)?)?: nested so that each optional copy is reachable only after
                // the previous one, which keeps the automaton deterministic.
                let mut inner: Option<Info> = None;
                for _ in mandatory..max {
                    let body = self.body(&particle.kind, depth)?;
                    let chained = match inner.take() {
                        Some(inner) => self.sequence(body, inner),
                        None => body,
                    };
                    inner = Some(Info { nullable: true, ..chained });
                }
                if let Some(inner) = inner {
                    result = self.sequence(result, inner);
                }
            }
        }
        Ok(result)
    }

    fn body(&mut self, kind: &ParticleKind, depth: u32) -> Result<Info, String> {
        match kind {
            ParticleKind::Term(term) => {
                if self.terms.len() >= MAX_POSITIONS {
                    return Err(format!("content model larger than {MAX_POSITIONS} positions after unrolling"));
                }
                let position = self.terms.len() as u32;
                self.terms.push(term.clone());
                self.follow.push(Vec::new());
                Ok(Info { nullable: false, first: vec![position], last: vec![position] })
            }
            ParticleKind::Sequence(items) => {
                let mut result = Info::empty();
                for item in items {
                    let info = self.particle(item, depth + 1)?;
                    result = self.sequence(result, info);
                }
                Ok(result)
            }
            ParticleKind::Choice(items) => {
                let mut result = Info { nullable: false, first: Vec::new(), last: Vec::new() };
                for item in items {
                    let info = self.particle(item, depth + 1)?;
                    result.nullable |= info.nullable;
                    result.first.extend(info.first);
                    result.last.extend(info.last);
                }
                Ok(result)
            }
        }
    }

    /// Adds transitions from each of `from` to each of `to`, within [`MAX_EDGES`].
    fn connect(&mut self, from: &[u32], to: &[u32]) {
        for &position in from {
            self.edges = self.edges.saturating_add(to.len());
            if self.edges > MAX_EDGES {
                return;
            }
            if let Some(follow) = self.follow.get_mut(position as usize) {
                follow.extend_from_slice(to);
            }
        }
    }

    /// `a` then `b`.
    fn sequence(&mut self, a: Info, b: Info) -> Info {
        self.connect(&a.last, &b.first);
        let mut first = a.first;
        if a.nullable {
            first.extend_from_slice(&b.first);
        }
        let mut last = b.last;
        if b.nullable {
            last.extend_from_slice(&a.last);
        }
        Info { nullable: a.nullable && b.nullable, first: sorted(first), last: sorted(last) }
    }

    /// Lets `info` repeat: its last positions are followed by its first ones.
    fn repeat(&mut self, info: &Info) {
        self.connect(&info.last, &info.first);
    }
}
