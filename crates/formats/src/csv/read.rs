//! Reads one CSV file into a [`RegistryBatch`] of one table, plus a problem for every bad
//! value or ragged row.
//!
//! The reader reports rather than aborts: a bad row is left out of the batch and named by
//! line and column, and the rest of the file is still read. Only a file with nothing usable
//! in it (too large, not UTF-8, empty, a header row matching no table) is a [`CsvError`].
//! Every value is checked by the domain's own rules (`FromStr` of the enumerations,
//! [`check_name`], [`check_email`], [`LegalIds::normalised`]), so the messages are the same
//! as those of the API.

use std::collections::{HashMap, HashSet};
use std::str::FromStr;

use ::csv::{ReaderBuilder, StringRecord};
use chainward_core::batch::{
    Line, OfferingRow, RegistryBatch, ReleaseRow, RowProblem, ServiceRow, SubcontractRow, Table, UseRow, fold,
};
use chainward_core::model::{
    Contact, CountryCode, DataAccess, InvalidValue, LegalIds, OfferingKind, Ownership, OwnershipArea, RaciRole,
    SupplierData, SupplierKind, SupplierStatus, Tier, check_email, check_name,
};
use time::Date;

use super::diagnostics::{CsvError, UnknownHeader, cell_problem, edit_distance_within, row_problem, shortened};
use super::model::{CsvLimits, LIST_SEPARATOR, normalise_header, table_columns};

/// What a CSV file held: which table it is, its good rows, and what was wrong with the others.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CsvRead {
    /// The table the header row matched.
    pub table: Table,
    /// The good rows, in the table's vector of the batch, each with its source line.
    pub batch: RegistryBatch,
    /// Every bad row and value, plus keys repeated within the file, ordered by line.
    pub problems: Vec<RowProblem>,
}

/// Reads a CSV file with the default [`CsvLimits`].
///
/// `expected` restricts which tables the file may be; `None` accepts any of them.
pub fn read_registry_csv(bytes: &[u8], expected: Option<&[Table]>) -> Result<CsvRead, CsvError> {
    read_registry_csv_with_limits(bytes, expected, &CsvLimits::default())
}

/// Reads a CSV file: detects the delimiter (`,` or `;`) and the table from the header row,
/// then reads every data row, checking each value.
pub fn read_registry_csv_with_limits(
    bytes: &[u8],
    expected: Option<&[Table]>,
    limits: &CsvLimits,
) -> Result<CsvRead, CsvError> {
    let text = decode(bytes, limits)?;
    let delimiter = detect_delimiter(text);
    let mut reader =
        ReaderBuilder::new().delimiter(delimiter).has_headers(false).flexible(true).from_reader(text.as_bytes());

    let mut record = StringRecord::new();
    if !next_record(&mut reader, &mut record)? {
        return Err(CsvError::Empty);
    }
    let headers: Vec<String> = record.iter().map(normalise_header).collect();
    let table = match_headers(&headers, expected)?;
    let positions: HashMap<&'static str, usize> = table_columns(table)
        .iter()
        .filter_map(|column| headers.iter().position(|h| h == column.name).map(|i| (column.name, i)))
        .collect();

    let mut lines = LineCounter::new(text);
    let mut batch = RegistryBatch::default();
    let mut problems = ProblemList::new(limits.max_problems);
    let mut n_rows: u64 = 0;
    while next_record(&mut reader, &mut record)? {
        // Spreadsheets often end a sheet with rows of empty cells; they carry nothing.
        if record.iter().all(|field| field.trim().is_empty()) {
            continue;
        }
        n_rows += 1;
        if n_rows > limits.max_rows {
            return Err(CsvError::TooManyRows { limit: limits.max_rows });
        }
        let line = lines.line_at(record.position().map_or(0, ::csv::Position::byte));
        if record.len() != headers.len() {
            problems.push(row_problem(
                table,
                line,
                format!(
                    "the row has {} fields but the header row has {}; check for an unquoted delimiter or a missing one",
                    record.len(),
                    headers.len()
                ),
            ));
            continue;
        }
        let mut cells = Cells { table, line, record: &record, positions: &positions, limits, problems: Vec::new() };
        match table {
            Table::Suppliers => push(&mut batch.suppliers, line, read_supplier(&mut cells)),
            Table::Subcontracts => push(&mut batch.subcontracts, line, read_subcontract(&mut cells)),
            Table::Offerings => push(&mut batch.offerings, line, read_offering(&mut cells)),
            Table::Releases => push(&mut batch.releases, line, read_release(&mut cells)),
            Table::Services => push(&mut batch.services, line, read_service(&mut cells)),
            Table::ServiceUses => push(&mut batch.uses, line, read_use(&mut cells)),
        }
        for problem in cells.problems {
            problems.push(problem);
        }
    }
    // Repeated keys are reported but the rows stay: the store decides which record they
    // update and reports them too, so a caller can show either list.
    for problem in batch.duplicate_keys() {
        problems.push(problem);
    }
    Ok(CsvRead { table, batch, problems: problems.finish(table) })
}

/// Which table a header row belongs to: the table whose required columns are all present,
/// preferring the one with the fewest columns it does not know (the first in
/// [`Table::ALL`] order on a tie). Headers are compared in their normalised spelling (see
/// [`normalise_header`]).
pub fn detect_table<S: AsRef<str>>(headers: &[S]) -> Option<Table> {
    let headers: Vec<String> = headers.iter().map(|h| normalise_header(h.as_ref())).collect();
    best_fit(&HeaderRow::new(&headers), &Table::ALL)
}

/// Most unknown headers named in one error; a header row of a million stray columns should
/// not become a million-line message.
const MAX_HEADERS_NAMED: usize = 20;

/// A normalised header row, with a set for fast lookups (a hostile file may have a header
/// row of millions of columns).
struct HeaderRow<'h> {
    headers: &'h [String],
    set: HashSet<&'h str>,
}

impl<'h> HeaderRow<'h> {
    fn new(headers: &'h [String]) -> Self {
        HeaderRow { headers, set: headers.iter().map(String::as_str).collect() }
    }

    fn has(&self, name: &str) -> bool {
        self.set.contains(name)
    }

    fn missing(&self, table: Table) -> Vec<String> {
        table_columns(table)
            .iter()
            .filter(|column| column.required && !self.has(column.name))
            .map(|column| column.name.to_owned())
            .collect()
    }

    fn n_unknown(&self, table: Table) -> usize {
        let columns = table_columns(table);
        self.headers.iter().filter(|h| !columns.iter().any(|column| column.name == h.as_str())).count()
    }

    /// The first few unknown headers, each with the absent column it most likely meant.
    fn unknown(&self, table: Table) -> Vec<UnknownHeader> {
        let columns = table_columns(table);
        let absent: Vec<&'static str> =
            columns.iter().map(|column| column.name).filter(|name| !self.has(name)).collect();
        self.headers
            .iter()
            .filter(|h| !columns.iter().any(|column| column.name == h.as_str()))
            .take(MAX_HEADERS_NAMED)
            .map(|h| UnknownHeader {
                name: shortened(h),
                suggestion: absent
                    .iter()
                    .filter_map(|name| edit_distance_within(h, name, 2).map(|d| (d, *name)))
                    .min_by_key(|(d, _)| *d)
                    .map(|(_, name)| name),
            })
            .collect()
    }
}

/// The table with no missing required column and the fewest unknown ones, if any.
fn best_fit(row: &HeaderRow<'_>, tables: &[Table]) -> Option<Table> {
    tables.iter().copied().filter(|table| row.missing(*table).is_empty()).min_by_key(|table| row.n_unknown(*table))
}

fn match_headers(headers: &[String], expected: Option<&[Table]>) -> Result<Table, CsvError> {
    if let Some(position) = headers.iter().position(String::is_empty) {
        return Err(CsvError::EmptyHeader { position: position + 1 });
    }
    let mut seen = HashSet::with_capacity(headers.len());
    if let Some(twice) = headers.iter().find(|h| !seen.insert(h.as_str())) {
        return Err(CsvError::DuplicateHeader { name: shortened(twice) });
    }
    let row = HeaderRow::new(headers);
    let considered: &[Table] = expected.unwrap_or(&Table::ALL);
    if let Some(table) = best_fit(&row, considered) {
        let unknown = row.unknown(table);
        if unknown.is_empty() {
            return Ok(table);
        }
        let allowed = table_columns(table).iter().map(|column| column.name).collect();
        return Err(CsvError::UnknownHeaders { table, unknown, allowed });
    }
    if let (Some(expected), Some(found)) = (expected, best_fit(&row, &Table::ALL)) {
        return Err(CsvError::UnexpectedTable { found, expected: expected.to_vec() });
    }
    // The table of which most required columns are present; the first on a tie.
    let closest = considered
        .iter()
        .map(|table| {
            let n_required = table_columns(*table).iter().filter(|column| column.required).count();
            let missing = row.missing(*table);
            (*table, n_required.saturating_sub(missing.len()), missing)
        })
        .filter(|(_, n_present, _)| *n_present > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then(b.0.cmp(&a.0)));
    match closest {
        Some((table, _, missing)) => Err(CsvError::MissingHeaders { table, missing, unknown: row.unknown(table) }),
        None => Err(CsvError::NoTableMatches {
            headers: headers.iter().take(MAX_HEADERS_NAMED).map(|h| shortened(h)).collect(),
        }),
    }
}

/// Checks size and encoding and strips a UTF-8 byte order mark.
fn decode<'b>(bytes: &'b [u8], limits: &CsvLimits) -> Result<&'b str, CsvError> {
    if bytes.len() > limits.max_bytes {
        return Err(CsvError::TooLarge { bytes: bytes.len(), limit: limits.max_bytes });
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return Err(CsvError::Utf16);
    }
    const BOM: &[u8] = b"\xEF\xBB\xBF";
    let body = bytes.strip_prefix(BOM).unwrap_or(bytes);
    let offset = bytes.len() - body.len();
    let text = std::str::from_utf8(body).map_err(|e| {
        let valid = body.get(..e.valid_up_to()).unwrap_or_default();
        let line = 1 + valid.iter().filter(|b| **b == b'\n').count() as u64;
        CsvError::NotUtf8 { byte: offset + e.valid_up_to(), line }
    })?;
    if text.trim().is_empty() {
        return Err(CsvError::Empty);
    }
    Ok(text)
}

/// `;` when the header line has more semicolons than commas outside quotes, else `,`.
fn detect_delimiter(text: &str) -> u8 {
    let (mut commas, mut semicolons, mut quoted) = (0usize, 0usize, false);
    for c in text.chars() {
        match c {
            '"' => quoted = !quoted,
            '\n' | '\r' if !quoted => break,
            ',' if !quoted => commas += 1,
            ';' if !quoted => semicolons += 1,
            _ => {}
        }
    }
    if semicolons > commas { b';' } else { b',' }
}

fn next_record(reader: &mut ::csv::Reader<&[u8]>, record: &mut StringRecord) -> Result<bool, CsvError> {
    reader
        .read_record(record)
        .map_err(|e| CsvError::Syntax { line: e.position().map_or(0, ::csv::Position::line), reason: e.to_string() })
}

/// Physical line numbers from byte offsets. The CSV parser counts only `\n`, so a file
/// with old Mac line ends (`\r` alone) would put every record on line 1; this counts a
/// `\r\n` pair, a lone `\n` and a lone `\r` as one line end each.
struct LineCounter<'t> {
    text: &'t [u8],
    offset: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter { text: text.as_bytes(), offset: 0, line: 1 }
    }

    /// The 1-based line of the record starting at byte `offset`; offsets must not decrease
    /// from call to call.
    fn line_at(&mut self, offset: u64) -> u64 {
        let mut offset = usize::try_from(offset).unwrap_or(usize::MAX).min(self.text.len());
        // The parser may place a record's start on the `\n` of the previous line's `\r\n`
        // (or on skipped blank lines); a record itself never starts with a line end.
        while let Some(b'\r' | b'\n') = self.text.get(offset) {
            offset += 1;
        }
        let skipped = self.text.get(self.offset..offset).unwrap_or_default();
        for (i, byte) in skipped.iter().enumerate() {
            let next = self.text.get(self.offset + i + 1);
            if *byte == b'\n' || (*byte == b'\r' && next != Some(&b'\n')) {
                self.line += 1;
            }
        }
        self.offset = self.offset.max(offset);
        self.line
    }
}

fn push<T>(rows: &mut Vec<Line<T>>, line: u64, row: Option<T>) {
    if let Some(row) = row {
        rows.push(Line { line, row });
    }
}

/// Row problems up to a limit, then a count of the rest: a file of a million bad rows
/// should not cost gigabytes of messages.
struct ProblemList {
    problems: Vec<RowProblem>,
    limit: usize,
    n_left_out: u64,
    first_left_out_line: u64,
}

impl ProblemList {
    fn new(limit: usize) -> Self {
        ProblemList { problems: Vec::new(), limit, n_left_out: 0, first_left_out_line: 0 }
    }

    fn push(&mut self, problem: RowProblem) {
        if self.problems.len() < self.limit {
            self.problems.push(problem);
        } else {
            if self.n_left_out == 0 {
                self.first_left_out_line = problem.line;
            }
            self.n_left_out += 1;
        }
    }

    fn finish(mut self, table: Table) -> Vec<RowProblem> {
        self.problems.sort_by_key(|p| p.line);
        if self.n_left_out > 0 {
            self.problems.push(row_problem(
                table,
                self.first_left_out_line,
                format!("{} more problems are not listed; fix the ones above and read the file again", self.n_left_out),
            ));
        }
        self.problems
    }
}

/// The cells of one data row, and the problems found in them so far.
struct Cells<'r> {
    table: Table,
    line: u64,
    record: &'r StringRecord,
    positions: &'r HashMap<&'static str, usize>,
    limits: &'r CsvLimits,
    problems: Vec<RowProblem>,
}

/// The trimmed content of one cell.
enum Cell<'r> {
    /// The column is absent or the cell is empty.
    Empty,
    /// The cell is bad and already reported.
    Reported,
    /// The trimmed text.
    Text(&'r str),
}

impl<'r> Cells<'r> {
    fn report(&mut self, column: &str, reason: impl Into<String>) {
        self.problems.push(cell_problem(self.table, self.line, column, reason));
    }

    fn cell(&mut self, column: &'static str) -> Cell<'r> {
        let record: &'r StringRecord = self.record;
        let Some(text) = self.positions.get(column).and_then(|i| record.get(*i)).map(str::trim) else {
            return Cell::Empty;
        };
        if text.is_empty() {
            return Cell::Empty;
        }
        let max = self.limits.max_field_chars;
        if text.len() > max && text.chars().count() > max {
            self.report(column, format!("is longer than {max} characters"));
            return Cell::Reported;
        }
        Cell::Text(text)
    }

    /// The parsed value, or `None` when the cell is empty or bad (and then reported).
    fn optional<T>(&mut self, column: &'static str, parse: impl FnOnce(&str) -> Result<T, InvalidValue>) -> Option<T> {
        match self.cell(column) {
            Cell::Text(text) => self.parsed(column, parse(text)),
            Cell::Empty | Cell::Reported => None,
        }
    }

    /// As [`Cells::optional`], but an empty cell is a problem too.
    fn required<T>(&mut self, column: &'static str, parse: impl FnOnce(&str) -> Result<T, InvalidValue>) -> Option<T> {
        match self.cell(column) {
            Cell::Text(text) => self.parsed(column, parse(text)),
            Cell::Empty => {
                self.report(column, "must not be empty");
                None
            }
            Cell::Reported => None,
        }
    }

    fn parsed<T>(&mut self, column: &'static str, result: Result<T, InvalidValue>) -> Option<T> {
        result.map_err(|e| self.report(column, e.reason)).ok()
    }

    /// Free text.
    fn text(&mut self, column: &'static str) -> Option<String> {
        self.optional(column, |text| Ok(text.to_owned()))
    }

    /// Free text that must be present.
    fn required_text(&mut self, column: &'static str) -> Option<String> {
        self.required(column, |text| Ok(text.to_owned()))
    }

    /// The entries of a list cell, trimmed, empty entries dropped.
    fn list(&mut self, column: &'static str) -> Vec<&'r str> {
        match self.cell(column) {
            Cell::Text(text) => text.split(LIST_SEPARATOR).map(str::trim).filter(|e| !e.is_empty()).collect(),
            Cell::Empty | Cell::Reported => Vec::new(),
        }
    }

    fn contact(&mut self, name: &'static str, email: &'static str, phone: &'static str) -> Contact {
        Contact {
            name: self.text(name),
            email: self.optional(email, |text| check_email(email, text)),
            phone: self.text(phone),
        }
    }

    fn ok(&self) -> bool {
        self.problems.is_empty()
    }
}

fn read_supplier(cells: &mut Cells<'_>) -> Option<SupplierData> {
    let name = cells.required("name", |text| check_name("name", text));
    let kind = cells.required("kind", SupplierKind::from_str);
    let tier = cells.required("tier", Tier::from_str);
    let status = cells.optional("status", SupplierStatus::from_str);
    let data_access = cells.optional("data_access", DataAccess::from_str);
    let country = cells.optional("country", CountryCode::from_str);
    // Each identifier is checked on its own so that a row with two bad ones gets two problems.
    let lei = cells.optional("lei", |text| legal_ids(LegalIds { lei: Some(text.into()), ..LegalIds::default() }));
    let duns = cells.optional("duns", |text| legal_ids(LegalIds { duns: Some(text.into()), ..LegalIds::default() }));
    let vat = cells.optional("vat", |text| legal_ids(LegalIds { vat: Some(text.into()), ..LegalIds::default() }));
    let other = cells.text("other_id");
    let description = cells.text("description");
    let website = cells.optional("website", check_website);
    let security_contact = cells.contact("security_contact_name", "security_contact_email", "security_contact_phone");
    let incident_contact = cells.contact("incident_contact_name", "incident_contact_email", "incident_contact_phone");
    let account_contact = cells.contact("account_contact_name", "account_contact_email", "account_contact_phone");
    let mut owners = Vec::new();
    for (i, entry) in cells.list("owners").into_iter().enumerate() {
        match read_owner(entry) {
            Ok(owner) => owners.push(owner),
            Err(reason) => cells.report("owners", format!("entry {} {:?}: {reason}", i + 1, shortened(entry))),
        }
    }
    let (Some(name), Some(kind), Some(tier)) = (name, kind, tier) else { return None };
    if !cells.ok() {
        return None;
    }
    let supplier = SupplierData {
        name,
        legal_ids: LegalIds {
            lei: lei.and_then(|ids| ids.lei),
            duns: duns.and_then(|ids| ids.duns),
            vat: vat.and_then(|ids| ids.vat),
            other,
        },
        kind,
        country,
        tier,
        status: status.unwrap_or(SupplierStatus::Prospect),
        data_access: data_access.unwrap_or(DataAccess::None),
        description,
        website,
        security_contact,
        incident_contact,
        account_contact,
        owners,
    };
    // The cells were checked one by one above; this is the domain's own gate, so that a
    // rule added to it later is not silently bypassed by the import.
    match supplier.validated() {
        Ok(supplier) => Some(supplier),
        Err(e) => {
            let column = if e.field == "person" || e.field == "email" { "owners" } else { e.field };
            cells.report(column, e.reason);
            None
        }
    }
}

fn legal_ids(ids: LegalIds) -> Result<LegalIds, InvalidValue> {
    ids.normalised()
}

/// Core keeps its URL rule private; running the value through [`SupplierData::validated`]
/// keeps the rule and its message the domain's own.
fn check_website(text: &str) -> Result<String, InvalidValue> {
    let probe = SupplierData { website: Some(text.to_owned()), ..SupplierData::named("probe", SupplierKind::Other) };
    probe.validated().map(|supplier| supplier.website.unwrap_or_default())
}

/// One owner entry: `area:role:Person Name <email>`.
fn read_owner(entry: &str) -> Result<Ownership, String> {
    let shape = "write owners as area:role:Person Name <email>";
    let mut parts = entry.splitn(3, ':');
    let (Some(area), Some(role), Some(person_and_email)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(shape.to_owned());
    };
    let area: OwnershipArea = area.parse().map_err(|e: InvalidValue| e.to_string())?;
    let role: RaciRole = role.parse().map_err(|e: InvalidValue| e.to_string())?;
    let Some((person, email)) = person_and_email.trim().strip_suffix('>').and_then(|rest| rest.rsplit_once('<')) else {
        return Err(format!("the e-mail address is missing; {shape}"));
    };
    let owner = Ownership { area, role, person: person.trim().to_owned(), email: email.trim().to_owned() };
    owner.validated().map_err(|e| e.to_string())
}

fn read_subcontract(cells: &mut Cells<'_>) -> Option<SubcontractRow> {
    let supplier = cells.required("supplier", |text| check_name("supplier", text));
    let subcontractor = cells.required("subcontractor", |text| check_name("subcontractor", text));
    let scope = cells.required_text("scope");
    let since = cells.optional("since", |text| parse_date("since", text));
    let handles_our_data = cells.optional("handles_our_data", parse_yes_no);
    if let (Some(supplier), Some(subcontractor)) = (&supplier, &subcontractor)
        && fold(supplier) == fold(subcontractor)
    {
        cells.report("subcontractor", "is the supplier itself; a supplier cannot be its own subcontractor");
    }
    let (Some(supplier), Some(subcontractor), Some(scope)) = (supplier, subcontractor, scope) else { return None };
    cells.ok().then_some(SubcontractRow {
        supplier,
        subcontractor,
        scope,
        since,
        handles_our_data: handles_our_data.unwrap_or(false),
    })
}

fn read_offering(cells: &mut Cells<'_>) -> Option<OfferingRow> {
    let supplier = cells.required("supplier", |text| check_name("supplier", text));
    let name = cells.required("name", |text| check_name("name", text));
    let kind = cells.required("kind", OfferingKind::from_str);
    let description = cells.text("description");
    let (Some(supplier), Some(name), Some(kind)) = (supplier, name, kind) else { return None };
    cells.ok().then_some(OfferingRow { supplier, name, kind, description })
}

fn read_release(cells: &mut Cells<'_>) -> Option<ReleaseRow> {
    let offering = cells.required("offering", |text| check_name("offering", text));
    let version = cells.required("version", |text| check_name("version", text));
    let released_on = cells.optional("released_on", |text| parse_date("released_on", text));
    let (Some(offering), Some(version)) = (offering, version) else { return None };
    cells.ok().then_some(ReleaseRow { offering, version, released_on })
}

fn read_service(cells: &mut Cells<'_>) -> Option<ServiceRow> {
    let name = cells.required("name", |text| check_name("name", text));
    let criticality = cells.required("criticality", Tier::from_str);
    let owner = cells.text("owner");
    let owner_email = cells.optional("owner_email", |text| check_email("owner_email", text));
    let rto_hours = cells.optional("rto_hours", |text| {
        text.parse::<u32>()
            .map_err(|_| InvalidValue::new("rto_hours", format!("{text:?} is not a whole number of hours")))
    });
    let description = cells.text("description");
    let (Some(name), Some(criticality)) = (name, criticality) else { return None };
    cells.ok().then_some(ServiceRow { name, owner, owner_email, rto_hours, criticality, description })
}

fn read_use(cells: &mut Cells<'_>) -> Option<UseRow> {
    let service = cells.required("service", |text| check_name("service", text));
    let offering = cells.required("offering", |text| check_name("offering", text));
    let purpose = cells.text("purpose");
    let mut alternatives: Vec<String> = Vec::new();
    for entry in cells.list("alternatives") {
        match check_name("alternatives", entry) {
            Err(e) => cells.report("alternatives", format!("{:?}: {}", shortened(entry), e.reason)),
            Ok(name) if offering.as_deref().is_some_and(|o| fold(o) == fold(&name)) => {
                cells.report("alternatives", format!("{name:?}: an offering cannot be its own alternative"))
            }
            Ok(name) if alternatives.iter().any(|a| fold(a) == fold(&name)) => {
                cells.report("alternatives", format!("{name:?} is listed twice"))
            }
            Ok(name) => alternatives.push(name),
        }
    }
    let (Some(service), Some(offering)) = (service, offering) else { return None };
    cells.ok().then_some(UseRow { service, offering, purpose, alternatives })
}

/// A calendar date written `YYYY-MM-DD`.
fn parse_date(column: &'static str, text: &str) -> Result<Date, InvalidValue> {
    Date::parse(text, super::model::DATE_FORMAT)
        .map_err(|_| InvalidValue::new(column, format!("{text:?} is not a date; write it as YYYY-MM-DD")))
}

/// `yes`/`no`, `true`/`false`, `1`/`0`, in any case; an empty cell means no.
fn parse_yes_no(text: &str) -> Result<bool, InvalidValue> {
    match text.to_ascii_lowercase().as_str() {
        "yes" | "true" | "1" => Ok(true),
        "no" | "false" | "0" => Ok(false),
        _ => Err(InvalidValue::new("handles_our_data", format!("{text:?} is not yes or no (or true/false, 1/0)"))),
    }
}
