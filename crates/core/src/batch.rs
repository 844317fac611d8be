//! A registry batch: suppliers, subcontracting links, offerings, releases, services and
//! service uses that refer to each other by name (or legal identifier), as a spreadsheet
//! import, the demo data set or an export carries them. The store resolves the names and
//! writes a batch in one transaction.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use serde::Serialize;
use time::Date;

use crate::model::{OfferingKind, SupplierData, Tier};

/// One of the tables of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Table {
    /// Suppliers.
    Suppliers,
    /// Subcontracting links.
    Subcontracts,
    /// Offerings.
    Offerings,
    /// Releases of offerings.
    Releases,
    /// Internal services.
    Services,
    /// Which offerings a service uses, with alternatives.
    ServiceUses,
}

impl Table {
    /// Every table, in the order a batch is applied.
    pub const ALL: [Table; 6] =
        [Table::Suppliers, Table::Subcontracts, Table::Offerings, Table::Releases, Table::Services, Table::ServiceUses];

    /// The stable spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Table::Suppliers => "suppliers",
            Table::Subcontracts => "subcontracts",
            Table::Offerings => "offerings",
            Table::Releases => "releases",
            Table::Services => "services",
            Table::ServiceUses => "service-uses",
        }
    }
}

impl fmt::Display for Table {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A row and the line of the source it came from (1-based; 0 when there is no source file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line<T> {
    /// Source line.
    pub line: u64,
    /// The row.
    pub row: T,
}

/// A subcontracting link by names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SubcontractRow {
    /// The supplier (name, LEI, DUNS or VAT number).
    pub supplier: String,
    /// The subcontractor (name, LEI, DUNS or VAT number).
    pub subcontractor: String,
    /// What is subcontracted.
    pub scope: String,
    /// Since when.
    pub since: Option<Date>,
    /// Whether the subcontractor handles our data.
    pub handles_our_data: bool,
}

/// An offering by names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OfferingRow {
    /// The supplier (name, LEI, DUNS or VAT number).
    pub supplier: String,
    /// The offering's name, unique at its supplier.
    pub name: String,
    /// Kind.
    pub kind: OfferingKind,
    /// Free text.
    pub description: Option<String>,
}

/// A release by names.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseRow {
    /// The offering: its name, or `Supplier / Name` where several suppliers offer one of
    /// that name.
    pub offering: String,
    /// Version.
    pub version: String,
    /// Release date.
    pub released_on: Option<Date>,
}

/// An internal service without its uses (those are rows of their own).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceRow {
    /// Name.
    pub name: String,
    /// Owner.
    pub owner: Option<String>,
    /// Owner's e-mail.
    pub owner_email: Option<String>,
    /// Recovery time objective in hours.
    pub rto_hours: Option<u32>,
    /// Criticality.
    pub criticality: Tier,
    /// Free text.
    pub description: Option<String>,
}

/// A service uses an offering, with the offerings that could replace it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UseRow {
    /// The service's name.
    pub service: String,
    /// The offering, named as in [`ReleaseRow::offering`].
    pub offering: String,
    /// What for.
    pub purpose: Option<String>,
    /// Replacement offerings, named as in [`ReleaseRow::offering`].
    pub alternatives: Vec<String>,
}

/// Rows of every table; any may be empty.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RegistryBatch {
    /// Suppliers.
    pub suppliers: Vec<Line<SupplierData>>,
    /// Subcontracting links.
    pub subcontracts: Vec<Line<SubcontractRow>>,
    /// Offerings.
    pub offerings: Vec<Line<OfferingRow>>,
    /// Releases.
    pub releases: Vec<Line<ReleaseRow>>,
    /// Services.
    pub services: Vec<Line<ServiceRow>>,
    /// Service uses.
    pub uses: Vec<Line<UseRow>>,
}

impl RegistryBatch {
    /// Number of rows in all tables.
    pub fn len(&self) -> usize {
        self.suppliers.len()
            + self.subcontracts.len()
            + self.offerings.len()
            + self.releases.len()
            + self.services.len()
            + self.uses.len()
    }

    /// True when there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Rows that repeat the key of an earlier row of the same table (name, legal
    /// identifier, link or pair), each reported against the later line.
    pub fn duplicate_keys(&self) -> Vec<RowProblem> {
        let mut problems = Vec::new();
        let mut check =
            |table: Table, column: &'static str, line: u64, key: String, seen: &mut HashMap<String, u64>| {
                if let Some(first) = seen.get(&key) {
                    problems.push(RowProblem {
                        table,
                        line,
                        column: Some(column.to_owned()),
                        reason: format!("duplicate key {key:?}: line {first} has it already"),
                    });
                } else {
                    seen.insert(key, line);
                }
            };
        let (mut names, mut leis, mut duns, mut vats) =
            (HashMap::new(), HashMap::new(), HashMap::new(), HashMap::new());
        for s in &self.suppliers {
            check(Table::Suppliers, "name", s.line, fold(&s.row.name), &mut names);
            let ids = &s.row.legal_ids;
            for (column, value, seen) in
                [("lei", &ids.lei, &mut leis), ("duns", &ids.duns, &mut duns), ("vat", &ids.vat, &mut vats)]
            {
                if let Some(v) = value {
                    check(Table::Suppliers, column, s.line, fold(v), seen);
                }
            }
        }
        let mut links = HashMap::new();
        for s in &self.subcontracts {
            check(
                Table::Subcontracts,
                "subcontractor",
                s.line,
                pair(&s.row.supplier, &s.row.subcontractor),
                &mut links,
            );
        }
        let mut offerings = HashMap::new();
        for o in &self.offerings {
            // Offering names are unique per supplier, not across the registry.
            check(Table::Offerings, "name", o.line, pair(&o.row.supplier, &o.row.name), &mut offerings);
        }
        let mut releases = HashMap::new();
        for r in &self.releases {
            check(Table::Releases, "version", r.line, pair(&r.row.offering, &r.row.version), &mut releases);
        }
        let mut services = HashMap::new();
        for s in &self.services {
            check(Table::Services, "name", s.line, fold(&s.row.name), &mut services);
        }
        let mut uses = HashMap::new();
        for u in &self.uses {
            check(Table::ServiceUses, "offering", u.line, pair(&u.row.service, &u.row.offering), &mut uses);
        }
        problems
    }
}

/// Case-folds a name the way the registry compares names.
pub fn fold(name: &str) -> String {
    name.trim().to_lowercase()
}

fn pair(a: &str, b: &str) -> String {
    format!("{} / {}", fold(a), fold(b))
}

/// A row that cannot be written, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RowProblem {
    /// The table.
    pub table: Table,
    /// The source line (1-based; 0 when there is no source file).
    pub line: u64,
    /// The column at fault, if one is.
    pub column: Option<String>,
    /// What is wrong.
    pub reason: String,
}

impl fmt::Display for RowProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} line {}", self.table, self.line)?;
        if let Some(c) = &self.column {
            write!(f, ", column {c}")?;
        }
        write!(f, ": {}", self.reason)
    }
}

/// What to do when some rows are bad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ImportMode {
    /// Write nothing if any row is bad.
    #[default]
    AllOrNothing,
    /// Write the good rows and report the bad ones.
    SkipBad,
    /// Check every row as [`ImportMode::AllOrNothing`] would, report, and write nothing.
    /// Lets a caller that already found bad rows elsewhere (a CSV parser) report every bad
    /// row at once.
    DryRun,
}

/// How many rows of one table changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct TableCounts {
    /// New records.
    pub created: u64,
    /// Records that existed and changed.
    pub updated: u64,
    /// Records that existed and were already equal.
    pub unchanged: u64,
}

/// The outcome of applying a batch.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ImportReport {
    /// Whether anything was committed.
    pub written: bool,
    /// Counts per table (of the rows written, or that would have been).
    pub counts: BTreeMap<Table, TableCounts>,
    /// Every bad row.
    pub problems: Vec<RowProblem>,
}

impl ImportReport {
    /// The counts of one table, for updating.
    pub fn counts_mut(&mut self, table: Table) -> &mut TableCounts {
        self.counts.entry(table).or_default()
    }

    /// Records created or updated, over all tables.
    pub fn n_changed(&self) -> u64 {
        self.counts.values().map(|c| c.created + c.updated).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::SupplierKind;

    #[test]
    fn duplicate_names_and_identifiers_are_reported_on_the_later_line() {
        let mut a = SupplierData::named("Acme", SupplierKind::Hosting);
        a.legal_ids.vat = Some("DE123456789".into());
        let mut b = SupplierData::named(" acme ", SupplierKind::Hosting);
        b.legal_ids.vat = Some("DE123456789".into());
        let batch = RegistryBatch {
            suppliers: vec![Line { line: 2, row: a }, Line { line: 5, row: b }],
            ..RegistryBatch::default()
        };
        let problems: Vec<String> = batch.duplicate_keys().iter().map(ToString::to_string).collect();
        assert_eq!(
            problems,
            [
                "suppliers line 5, column name: duplicate key \"acme\": line 2 has it already",
                "suppliers line 5, column vat: duplicate key \"de123456789\": line 2 has it already",
            ]
        );
    }

    #[test]
    fn offering_names_repeat_only_within_a_supplier() {
        let offering = |line: u64, supplier: &str, name: &str| Line {
            line,
            row: OfferingRow {
                supplier: supplier.into(),
                name: name.into(),
                kind: OfferingKind::Software,
                description: None,
            },
        };
        let batch = RegistryBatch {
            offerings: vec![
                offering(2, "Acme", "Portal"),
                offering(3, "Rival", "Portal"),
                offering(4, "acme", "PORTAL"),
            ],
            ..RegistryBatch::default()
        };
        let problems: Vec<String> = batch.duplicate_keys().iter().map(ToString::to_string).collect();
        assert_eq!(problems, ["offerings line 4, column name: duplicate key \"acme / portal\": line 2 has it already"]);
    }
}
