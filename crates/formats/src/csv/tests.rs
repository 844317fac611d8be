//! Tests of the CSV reader and writer: many short cases, each a file in and the rows or
//! problems expected out, plus round trips of every table and a never-panics run over
//! pseudo-random and mutated input.

use chainward_core::batch::{Line, OfferingRow, RegistryBatch, ReleaseRow, ServiceRow, SubcontractRow, Table, UseRow};
use chainward_core::model::{
    Contact, CountryCode, DataAccess, LegalIds, OfferingKind, Ownership, OwnershipArea, RaciRole, SupplierData,
    SupplierKind, SupplierStatus, Tier,
};
use time::macros::date;

use super::*;

/// Reads `input` and checks the problems, rendered as `table line N, column C: reason`.
/// Returns what was read for further checks.
fn check(input: &str, expected_problems: &[&str]) -> CsvRead {
    let read = match read_registry_csv(input.as_bytes(), None) {
        Ok(read) => read,
        Err(e) => {
            assert_eq!(format!("{}: {e}", e.code()), "no error", "input: {input:?}");
            return CsvRead { table: Table::Suppliers, batch: RegistryBatch::default(), problems: Vec::new() };
        }
    };
    let problems: Vec<String> = read.problems.iter().map(ToString::to_string).collect();
    assert_eq!(problems, expected_problems, "input: {input:?}");
    read
}

/// Reads `input`, expecting a hard error rendered as `code: message`.
fn check_error(input: &[u8], expected: &str) {
    check_error_expecting(input, None, expected);
}

fn check_error_expecting(input: &[u8], tables: Option<&[Table]>, expected: &str) {
    match read_registry_csv(input, tables) {
        Ok(read) => assert_eq!(format!("{:?}", read.problems), expected, "read without error"),
        Err(e) => assert_eq!(format!("{}: {e}", e.code()), expected),
    }
}

fn supplier_names(read: &CsvRead) -> Vec<(u64, &str)> {
    read.batch.suppliers.iter().map(|s| (s.line, s.row.name.as_str())).collect()
}

// ---------------------------------------------------------------------------------------
// Encoding, delimiters, quoting, line numbers

#[test]
fn plain_file_reads() {
    let read = check("name,kind,tier\nAcme,hosting,2\nBeta,other,1\n", &[]);
    assert_eq!(read.table, Table::Suppliers);
    assert_eq!(supplier_names(&read), [(2, "Acme"), (3, "Beta")]);
}

#[test]
fn byte_order_mark_is_skipped() {
    let read = check("\u{FEFF}name,kind,tier\nAcme,hosting,2\n", &[]);
    assert_eq!(supplier_names(&read), [(2, "Acme")]);
}

#[test]
fn semicolon_delimiter_is_detected_from_the_header_line() {
    let read = check("name;kind;tier;description\nAcme, Inc.;hosting;2;a, b and c\n", &[]);
    assert_eq!(supplier_names(&read), [(2, "Acme, Inc.")]);
    assert_eq!(read.batch.suppliers.first().and_then(|s| s.row.description.as_deref()), Some("a, b and c"));
}

#[test]
fn delimiters_inside_quoted_headers_do_not_count() {
    // Three commas inside quotes, two semicolons outside: the delimiter is `;`.
    let read = check("\"name\";kind;\"tier\"\n\"Acme, Inc., Ltd., Co\";hosting;2\n", &[]);
    assert_eq!(supplier_names(&read), [(2, "Acme, Inc., Ltd., Co")]);
}

#[test]
fn quoted_fields_keep_delimiters_quotes_and_line_breaks() {
    let input = "name,kind,tier,description\n\"Acme, \"\"the\"\" host\",hosting,1,\"two\nlines\"\nBeta,hosting,9,x\n";
    let read = check(input, &["suppliers line 4, column tier: 9 is not a tier; use 1 (most critical) to 4"]);
    let acme = read.batch.suppliers.first().map(|s| (s.line, s.row.name.as_str(), s.row.description.as_deref()));
    assert_eq!(acme, Some((2, "Acme, \"the\" host", Some("two\nlines"))));
}

#[test]
fn crlf_line_ends_are_accepted() {
    let read = check(
        "name,kind,tier\r\nAcme,hosting,2\r\nBeta,hosting,x\r\n",
        &["suppliers line 3, column tier: \"x\" is not a tier; use 1 to 4"],
    );
    assert_eq!(supplier_names(&read), [(2, "Acme")]);
    // Old Mac line ends, and blank CRLF lines, still count as lines.
    check(
        "name,kind,tier\rAcme,hosting,2\rBeta,hosting,x\r",
        &["suppliers line 3, column tier: \"x\" is not a tier; use 1 to 4"],
    );
    check(
        "name,kind,tier\r\n\r\n\r\nBeta,hosting,x\r\n",
        &["suppliers line 4, column tier: \"x\" is not a tier; use 1 to 4"],
    );
}

#[test]
fn blank_and_empty_rows_are_skipped_but_lines_still_count() {
    let read = check("name,kind,tier\n\n,,\nAcme,hosting,2\n  , ,\n", &[]);
    assert_eq!(supplier_names(&read), [(4, "Acme")]);
}

#[test]
fn headers_are_matched_loosely() {
    let read =
        check(" Name ,KIND,Tier,Data Access,security-contact-email\nAcme,hosting,2,Personal Data,a@b.example\n", &[]);
    let acme = read.batch.suppliers.first().map(|s| (s.row.data_access, s.row.security_contact.email.as_deref()));
    assert_eq!(acme, Some((DataAccess::PersonalData, Some("a@b.example"))));
}

#[test]
fn values_are_trimmed_and_normalised() {
    let read = check(
        "name,kind,tier,country,vat,duns\n  Acme  , Cloud Service Provider ,Tier 1,de,de 123-456-789,15-048-3782\n",
        &[],
    );
    let acme = read.batch.suppliers.first().map(|s| s.row.clone());
    let mut expected = SupplierData::named("Acme", SupplierKind::CloudServiceProvider);
    expected.tier = Tier::ONE;
    expected.country = "DE".parse().ok();
    expected.legal_ids.vat = Some("DE123456789".into());
    expected.legal_ids.duns = Some("150483782".into());
    assert_eq!(acme, Some(expected));
}

#[test]
fn omitted_status_and_data_access_default_to_prospect_and_none() {
    let read = check("name,kind,tier,status,data_access\nAcme,hosting,2,,\n", &[]);
    let acme = read.batch.suppliers.first().map(|s| (s.row.status, s.row.data_access));
    assert_eq!(acme, Some((SupplierStatus::Prospect, DataAccess::None)));
}

#[test]
fn header_only_file_is_an_empty_table() {
    let read = check("service,offering\n", &[]);
    assert_eq!(read.table, Table::ServiceUses);
    assert!(read.batch.is_empty());
}

// ---------------------------------------------------------------------------------------
// Hard errors

#[test]
fn empty_files_are_errors() {
    check_error(b"", "csv-empty: the file is empty; it needs at least a header row");
    check_error(b"\xEF\xBB\xBF", "csv-empty: the file is empty; it needs at least a header row");
    check_error(b" \r\n\n", "csv-empty: the file is empty; it needs at least a header row");
}

#[test]
fn non_utf8_is_an_error_naming_byte_and_line() {
    check_error(
        b"name,kind,tier\nAcme,hosting,2\nCaf\xE9,hosting,1\n",
        "csv-not-utf8: the file is not UTF-8 text: invalid byte at offset 33 (line 3); save it as \"CSV UTF-8\"",
    );
    // The offset counts the byte order mark.
    check_error(
        b"\xEF\xBB\xBFname\xFF",
        "csv-not-utf8: the file is not UTF-8 text: invalid byte at offset 7 (line 1); save it as \"CSV UTF-8\"",
    );
}

#[test]
fn utf16_is_named() {
    check_error(b"\xFF\xFEn\0a\0", "csv-utf16: the file is UTF-16 text; save it as \"CSV UTF-8\" instead");
}

#[test]
fn misspelt_required_header_is_named_with_a_suggestion() {
    check_error(
        b"name,kind,teir\nAcme,hosting,2\n",
        "csv-missing-header: the header row looks like suppliers but lacks the required column \"tier\" \
         and has the unknown column \"teir\" (did you mean \"tier\"?)",
    );
}

#[test]
fn unknown_optional_header_is_an_error() {
    check_error(
        b"name,kind,tier,stauts,notes\n",
        "csv-unknown-header: the suppliers header row has unknown columns \"stauts\" (did you mean \"status\"?), \
         \"notes\"; the columns are name, kind, tier, status, data_access, country, lei, duns, vat, other_id, \
         description, website, security_contact_name, security_contact_email, security_contact_phone, \
         incident_contact_name, incident_contact_email, incident_contact_phone, account_contact_name, \
         account_contact_email, account_contact_phone, owners",
    );
}

#[test]
fn header_matching_nothing_is_an_error() {
    check_error(
        b"foo,bar\n1,2\n",
        "csv-no-table: the header row (columns \"foo\", \"bar\") matches no table; see docs/csv.md for the headers of each table",
    );
}

#[test]
fn empty_and_duplicate_headers_are_errors() {
    check_error(b"name,,tier\n", "csv-empty-header: header column 2 has no name; name it or delete the column");
    check_error(
        b"name,kind,tier,Name\n",
        "csv-duplicate-header: the header row has the column \"name\" twice; delete one of them",
    );
}

#[test]
fn a_table_other_than_the_expected_one_is_an_error() {
    check_error_expecting(
        b"offering,version\n",
        Some(&[Table::Suppliers, Table::Offerings]),
        "csv-unexpected-table: the file is a releases table, but suppliers or offerings was expected",
    );
    check_error_expecting(
        b"supplier,name\n",
        Some(&[Table::Offerings]),
        "csv-missing-header: the header row looks like offerings but lacks the required column \"kind\"",
    );
    let read = read_registry_csv(b"offering,version\n", Some(&[Table::Releases])).map(|r| r.table);
    assert_eq!(read, Ok(Table::Releases));
}

#[test]
fn limits_are_enforced() {
    let limits = CsvLimits { max_bytes: 20, ..CsvLimits::default() };
    let too_large = read_registry_csv_with_limits(b"name,kind,tier\nAcme,hosting,1\n", None, &limits);
    assert_eq!(too_large.map_err(|e| e.code()), Err("csv-too-large"));

    let limits = CsvLimits { max_rows: 2, ..CsvLimits::default() };
    let input = b"offering,version\nA,1\nA,2\n\n,\nA,3\n";
    let too_many = read_registry_csv_with_limits(input, None, &limits).map_err(|e| e.to_string());
    assert_eq!(too_many, Err("the file has more than 2 rows; split it into smaller files".to_owned()));

    let limits = CsvLimits { max_field_chars: 5, ..CsvLimits::default() };
    let read = read_registry_csv_with_limits("offering,version\nÄÄÄÄÄ,1\nABCDEF,1\n".as_bytes(), None, &limits);
    let problems: Vec<String> = read.map(|r| r.problems.iter().map(ToString::to_string).collect()).unwrap_or_default();
    assert_eq!(problems, ["releases line 3, column offering: is longer than 5 characters"]);
}

#[test]
fn huge_header_rows_are_refused_quickly_with_short_messages() {
    let mut stray = String::from("name,kind,tier");
    for i in 0..200_000 {
        stray.push_str(&format!(",c{i}"));
    }
    let message = read_registry_csv(stray.as_bytes(), None).err().map(|e| e.to_string()).unwrap_or_default();
    assert!(message.starts_with("the suppliers header row has unknown columns \"c0\", \"c1\""), "{message}");
    assert!(message.len() < 1000, "{message}");

    let repeated = "x,".repeat(500_000);
    check_error(
        repeated.as_bytes(),
        "csv-empty-header: header column 500001 has no name; name it or delete the column",
    );
    let repeated = "x;".repeat(500_000) + "y";
    check_error(
        repeated.as_bytes(),
        "csv-duplicate-header: the header row has the column \"x\" twice; delete one of them",
    );
    let long = "n".repeat(1_000_000);
    check_error(
        long.as_bytes(),
        &format!(
            "csv-no-table: the header row (column \"{}…\") matches no table; see docs/csv.md for the headers of each table",
            "n".repeat(60)
        ),
    );
}

#[test]
fn problems_beyond_the_limit_are_counted_not_listed() {
    let limits = CsvLimits { max_problems: 2, ..CsvLimits::default() };
    let input = "offering,version\n,1\n,2\n,3\n,4\nA,5\n";
    let read = read_registry_csv_with_limits(input.as_bytes(), None, &limits);
    let problems: Vec<String> = read.map(|r| r.problems.iter().map(ToString::to_string).collect()).unwrap_or_default();
    assert_eq!(
        problems,
        [
            "releases line 2, column offering: must not be empty",
            "releases line 3, column offering: must not be empty",
            "releases line 4: 2 more problems are not listed; fix the ones above and read the file again",
        ]
    );
}

#[test]
fn error_codes_are_unique_kebab_case_and_stable() {
    assert_eq!(
        CSV_ERROR_CODES,
        [
            "csv-too-large",
            "csv-empty",
            "csv-utf16",
            "csv-not-utf8",
            "csv-empty-header",
            "csv-duplicate-header",
            "csv-missing-header",
            "csv-unknown-header",
            "csv-no-table",
            "csv-unexpected-table",
            "csv-too-many-rows",
            "csv-syntax",
        ]
    );
    let mut sorted = CSV_ERROR_CODES.to_vec();
    sorted.sort_unstable();
    sorted.dedup();
    assert_eq!(sorted.len(), CSV_ERROR_CODES.len());
    for code in CSV_ERROR_CODES {
        assert!(code.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'), "{code}");
    }
    let every_variant = [
        CsvError::TooLarge { bytes: 0, limit: 0 },
        CsvError::Empty,
        CsvError::Utf16,
        CsvError::NotUtf8 { byte: 0, line: 0 },
        CsvError::EmptyHeader { position: 0 },
        CsvError::DuplicateHeader { name: String::new() },
        CsvError::MissingHeaders { table: Table::Suppliers, missing: Vec::new(), unknown: Vec::new() },
        CsvError::UnknownHeaders { table: Table::Suppliers, unknown: Vec::new(), allowed: Vec::new() },
        CsvError::NoTableMatches { headers: Vec::new() },
        CsvError::UnexpectedTable { found: Table::Suppliers, expected: Vec::new() },
        CsvError::TooManyRows { limit: 0 },
        CsvError::Syntax { line: 0, reason: String::new() },
    ];
    let codes: Vec<&str> = every_variant.iter().map(CsvError::code).collect();
    assert_eq!(codes, CSV_ERROR_CODES);
}

// ---------------------------------------------------------------------------------------
// Row problems

#[test]
fn ragged_row_is_reported_and_left_out() {
    let read = check(
        "offering,version,released_on\nA,1,2024-01-01\nB,2\nC,3,,extra\nD,4,\n",
        &[
            "releases line 3: the row has 2 fields but the header row has 3; check for an unquoted delimiter or a missing one",
            "releases line 4: the row has 4 fields but the header row has 3; check for an unquoted delimiter or a missing one",
        ],
    );
    let versions: Vec<&str> = read.batch.releases.iter().map(|r| r.row.version.as_str()).collect();
    assert_eq!(versions, ["1", "4"]);
}

#[test]
fn one_bad_row_among_good_ones_is_reported_by_line_and_column() {
    let input = "name,criticality,owner_email\nPayroll,1,pay@us.example\nShop,2,shop-at-us.example\nWiki,4,\n";
    let read = check(input, &["services line 3, column owner_email: \"shop-at-us.example\" is not an e-mail address"]);
    let names: Vec<(u64, &str)> = read.batch.services.iter().map(|s| (s.line, s.row.name.as_str())).collect();
    assert_eq!(names, [(2, "Payroll"), (4, "Wiki")]);
}

#[test]
fn a_row_with_several_bad_values_gets_one_problem_each() {
    check(
        "name,kind,tier,country,website\n,vendor,0,Germany,acme.example\n",
        &[
            "suppliers line 2, column name: must not be empty",
            "suppliers line 2, column kind: unknown value \"vendor\"; expected one of cloud-service-provider, \
         software-vendor, hardware-vendor, managed-service-provider, outsourced-development, support-contractor, \
         telecommunications, hosting, other",
            "suppliers line 2, column tier: 0 is not a tier; use 1 (most critical) to 4",
            "suppliers line 2, column country: \"Germany\" is not an ISO 3166-1 alpha-2 code such as DE or US",
            "suppliers line 2, column website: \"acme.example\" is not an http(s) URL",
        ],
    );
}

#[test]
fn duplicate_keys_are_reported_on_the_later_line() {
    let read = check(
        "name,kind,tier,vat\nAcme,hosting,1,DE123456789\nBeta,hosting,1,\n ACME ,hosting,2,de 123456789\n",
        &[
            "suppliers line 4, column name: duplicate key \"acme\": line 2 has it already",
            "suppliers line 4, column vat: duplicate key \"de123456789\": line 2 has it already",
        ],
    );
    // The store decides what a repeated key means, so the rows stay in the batch.
    assert_eq!(read.batch.suppliers.len(), 3);
    check(
        "service,offering\nShop,Pay\nshop,pay\n",
        &["service-uses line 3, column offering: duplicate key \"shop / pay\": line 2 has it already"],
    );
    // Offering names repeat only within a supplier.
    check(
        "supplier,name,kind\nAcme,Portal,software\nBeta,Portal,software\nacme,PORTAL,software\n",
        &["offerings line 4, column name: duplicate key \"acme / portal\": line 2 has it already"],
    );
}

#[test]
fn owners_are_read_from_one_cell() {
    let input = "name,kind,tier,owners\n\
                 Acme,hosting,1,\"security:accountable:Ada Lovelace <ada@us.example> | IT:Responsible:Grace Hopper, Jr. <grace@us.example>|\"\n";
    let read = check(input, &[]);
    let owners = read.batch.suppliers.first().map(|s| s.row.owners.clone()).unwrap_or_default();
    assert_eq!(
        owners,
        [
            Ownership {
                area: OwnershipArea::Security,
                role: RaciRole::Accountable,
                person: "Ada Lovelace".into(),
                email: "ada@us.example".into(),
            },
            Ownership {
                area: OwnershipArea::It,
                role: RaciRole::Responsible,
                person: "Grace Hopper, Jr.".into(),
                email: "grace@us.example".into(),
            },
        ]
    );
}

#[test]
fn alternatives_are_read_from_one_cell() {
    let read = check("service,offering,alternatives\nShop,Pay,Stripe | Adyen||\n", &[]);
    let alternatives = read.batch.uses.first().map(|u| u.row.alternatives.clone()).unwrap_or_default();
    assert_eq!(alternatives, ["Stripe", "Adyen"]);
}

/// A good row of every table, as (column, value) in the documented order.
fn good_row(table: Table) -> Vec<(&'static str, String)> {
    let values: &[&str] = match table {
        Table::Suppliers => &[
            "Acme",
            "hosting",
            "2",
            "active",
            "internal",
            "DE",
            "5493001KJTIIGC8Y1R12",
            "150483782",
            "DE123456789",
            "HRB 1234",
            "Hosts the shop",
            "https://acme.example",
            "PSIRT",
            "psirt@acme.example",
            "+49 30 1234",
            "NOC",
            "noc@acme.example",
            "+49 30 5678",
            "Max Mustermann",
            "max@acme.example",
            "+49 30 9999",
            "security:accountable:Ada Lovelace <ada@us.example>",
        ],
        Table::Subcontracts => &["Acme", "Beta", "backups", "2023-04-01", "yes"],
        Table::Offerings => &["Acme", "Acme Cloud", "cloud-service", "IaaS"],
        Table::Releases => &["Acme Cloud", "2.1", "2024-02-29"],
        Table::Services => &["Shop", "1", "Team Shop", "shop@us.example", "4", "The web shop"],
        Table::ServiceUses => &["Shop", "Acme Cloud", "hosting", "Beta Cloud | Gamma Cloud"],
    };
    table_columns(table).iter().zip(values).map(|(c, v)| (c.name, (*v).to_owned())).collect()
}

fn csv_of(row: &[(&'static str, String)]) -> String {
    let header: Vec<&str> = row.iter().map(|(c, _)| *c).collect();
    let values: Vec<String> = row.iter().map(|(_, v)| format!("\"{}\"", v.replace('"', "\"\""))).collect();
    format!("{}\n{}\n", header.join(","), values.join(","))
}

#[test]
fn good_rows_of_every_table_read_without_problems() {
    for table in Table::ALL {
        let read = check(&csv_of(&good_row(table)), &[]);
        assert_eq!((read.table, read.batch.len()), (table, 1));
    }
}

#[test]
fn every_column_reports_its_bad_value() {
    let long = "x".repeat(10_001);
    let too_long = "is longer than 10000 characters";
    let cases: &[(Table, &str, &str, &str)] = &[
        (Table::Suppliers, "name", "", "must not be empty"),
        (Table::Suppliers, "name", &"n".repeat(201), "is longer than 200 characters"),
        (Table::Suppliers, "kind", "vendor", "unknown value \"vendor\"; expected one of cloud-service-provider"),
        (Table::Suppliers, "kind", "", "must not be empty"),
        (Table::Suppliers, "tier", "5", "5 is not a tier; use 1 (most critical) to 4"),
        (Table::Suppliers, "tier", "", "must not be empty"),
        (Table::Suppliers, "status", "gone", "unknown value \"gone\"; expected one of prospect, onboarding"),
        (Table::Suppliers, "data_access", "secret", "unknown value \"secret\"; expected one of none, internal"),
        (Table::Suppliers, "country", "DEU", "\"DEU\" is not an ISO 3166-1 alpha-2 code such as DE or US"),
        (Table::Suppliers, "lei", "5493001KJTIIGC8Y1R13", "\"5493001KJTIIGC8Y1R13\" fails the ISO 17442 check digits"),
        (Table::Suppliers, "duns", "12345", "\"12345\" is not a 9-digit D-U-N-S number"),
        (Table::Suppliers, "vat", "123", "\"123\" is not a VAT number with a two-letter country prefix"),
        (Table::Suppliers, "other_id", &long, too_long),
        (Table::Suppliers, "description", &long, too_long),
        (Table::Suppliers, "website", "ftp://acme.example", "\"ftp://acme.example\" is not an http(s) URL"),
        (Table::Suppliers, "security_contact_name", &long, too_long),
        (Table::Suppliers, "security_contact_email", "psirt", "\"psirt\" is not an e-mail address"),
        (Table::Suppliers, "security_contact_phone", &long, too_long),
        (Table::Suppliers, "incident_contact_name", &long, too_long),
        (Table::Suppliers, "incident_contact_email", "noc@", "\"noc@\" is not an e-mail address"),
        (Table::Suppliers, "incident_contact_phone", &long, too_long),
        (Table::Suppliers, "account_contact_name", &long, too_long),
        (Table::Suppliers, "account_contact_email", "a b@c.example", "\"a b@c.example\" is not an e-mail address"),
        (Table::Suppliers, "account_contact_phone", &long, too_long),
        (
            Table::Suppliers,
            "owners",
            "security:boss:Ada <ada@us.example>",
            "entry 1 \"security:boss:Ada <ada@us.example>\": role: unknown value \"boss\"",
        ),
        (
            Table::Suppliers,
            "owners",
            "it:informed:Ada <ada@us.example> | hr:informed:Bo <bo@us.example>",
            "entry 2 \"hr:informed:Bo <bo@us.example>\": area: unknown value \"hr\"",
        ),
        (
            Table::Suppliers,
            "owners",
            "it:informed:Ada",
            "entry 1 \"it:informed:Ada\": the e-mail address is missing; write owners as area:role:Person Name <email>",
        ),
        (
            Table::Suppliers,
            "owners",
            "Ada <ada@us.example>",
            "entry 1 \"Ada <ada@us.example>\": write owners as area:role:Person Name <email>",
        ),
        (
            Table::Suppliers,
            "owners",
            "it:informed: <ada@us.example>",
            "entry 1 \"it:informed: <ada@us.example>\": person: must not be empty",
        ),
        (
            Table::Suppliers,
            "owners",
            "it:informed:Ada <ada>",
            "entry 1 \"it:informed:Ada <ada>\": email: \"ada\" is not an e-mail address",
        ),
        (Table::Subcontracts, "supplier", "", "must not be empty"),
        (Table::Subcontracts, "subcontractor", "", "must not be empty"),
        (
            Table::Subcontracts,
            "subcontractor",
            " acme ",
            "is the supplier itself; a supplier cannot be its own subcontractor",
        ),
        (Table::Subcontracts, "scope", "", "must not be empty"),
        (Table::Subcontracts, "since", "2023-02-30", "\"2023-02-30\" is not a date; write it as YYYY-MM-DD"),
        (Table::Subcontracts, "since", "01.04.2023", "\"01.04.2023\" is not a date; write it as YYYY-MM-DD"),
        (Table::Subcontracts, "handles_our_data", "maybe", "\"maybe\" is not yes or no (or true/false, 1/0)"),
        (Table::Offerings, "supplier", "", "must not be empty"),
        (Table::Offerings, "name", "", "must not be empty"),
        (Table::Offerings, "kind", "saas", "unknown value \"saas\"; expected one of software, hardware"),
        (Table::Offerings, "description", &long, too_long),
        (Table::Releases, "offering", "", "must not be empty"),
        (Table::Releases, "version", "", "must not be empty"),
        (Table::Releases, "released_on", "2024-02-30", "\"2024-02-30\" is not a date; write it as YYYY-MM-DD"),
        (Table::Services, "name", "", "must not be empty"),
        (Table::Services, "criticality", "high", "\"high\" is not a tier; use 1 to 4"),
        (Table::Services, "criticality", "", "must not be empty"),
        (Table::Services, "owner", &long, too_long),
        (Table::Services, "owner_email", "shop", "\"shop\" is not an e-mail address"),
        (Table::Services, "rto_hours", "-1", "\"-1\" is not a whole number of hours"),
        (Table::Services, "rto_hours", "4.5", "\"4.5\" is not a whole number of hours"),
        (Table::Services, "description", &long, too_long),
        (Table::ServiceUses, "service", "", "must not be empty"),
        (Table::ServiceUses, "offering", "", "must not be empty"),
        (Table::ServiceUses, "purpose", &long, too_long),
        (
            Table::ServiceUses,
            "alternatives",
            "Beta | acme cloud",
            "\"acme cloud\": an offering cannot be its own alternative",
        ),
        (Table::ServiceUses, "alternatives", "Beta | BETA", "\"BETA\" is listed twice"),
    ];
    for (table, column, bad, reason) in cases {
        let row: Vec<(&'static str, String)> = good_row(*table)
            .into_iter()
            .map(|(c, v)| if c == *column { (c, (*bad).to_owned()) } else { (c, v) })
            .collect();
        let read = read_registry_csv(csv_of(&row).as_bytes(), None);
        let problems: Vec<(Table, u64, Option<String>, String)> = read
            .iter()
            .flat_map(|r| r.problems.iter().map(|p| (p.table, p.line, p.column.clone(), p.reason.clone())))
            .collect();
        let only = match problems.as_slice() {
            [only] => only.clone(),
            _ => (Table::Suppliers, 0, None, format!("expected one problem, got {problems:?}")),
        };
        assert_eq!((only.0, only.1, only.2.as_deref()), (*table, 2, Some(*column)), "{table} {column}: {only:?}");
        assert!(only.3.starts_with(reason), "{table} {column}: {:?} does not start with {reason:?}", only.3);
        assert_eq!(read.map(|r| r.batch.len()).ok(), Some(0), "{table} {column}: the bad row was kept");
    }
}

#[test]
fn every_documented_column_is_covered_by_the_good_rows() {
    for table in Table::ALL {
        assert_eq!(good_row(table).len(), table_columns(table).len(), "{table}");
    }
}

#[test]
fn handles_our_data_accepts_the_documented_spellings() {
    for (text, expected) in [
        ("yes", true),
        ("YES", true),
        ("true", true),
        ("1", true),
        ("no", false),
        ("False", false),
        ("0", false),
        ("", false),
    ] {
        let input = format!("supplier,subcontractor,scope,handles_our_data\nAcme,Beta,backups,{text}\n");
        let read = check(&input, &[]);
        assert_eq!(read.batch.subcontracts.first().map(|s| s.row.handles_our_data), Some(expected), "{text}");
    }
}

// ---------------------------------------------------------------------------------------
// Table detection

#[test]
fn tables_are_detected_from_their_required_headers() {
    let cases: &[(&[&str], Option<Table>)] = &[
        (&["name", "kind", "tier"], Some(Table::Suppliers)),
        (&["Name", "Kind", "Tier", "owners"], Some(Table::Suppliers)),
        (&["supplier", "subcontractor", "scope"], Some(Table::Subcontracts)),
        (&["supplier", "name", "kind"], Some(Table::Offerings)),
        (&["offering", "version"], Some(Table::Releases)),
        (&["name", "criticality"], Some(Table::Services)),
        (&["service", "offering", "alternatives"], Some(Table::ServiceUses)),
        // Both suppliers and offerings fit, each with one unknown column: table order decides.
        (&["supplier", "name", "kind", "tier"], Some(Table::Suppliers)),
        (&["name", "kind"], None),
        (&[], None),
    ];
    for (headers, expected) in cases {
        assert_eq!(detect_table(headers), *expected, "{headers:?}");
    }
}

// ---------------------------------------------------------------------------------------
// Writing and round trips

/// A batch with the awkward values real registries hold: delimiters, quotes, line breaks,
/// non-Latin scripts, owners and alternatives.
fn realistic_batch() -> RegistryBatch {
    let line = |row| Line { line: 0, row };
    let mut acme = SupplierData::named("Acme Hosting, \"EU\" GmbH", SupplierKind::Hosting);
    acme.legal_ids = LegalIds {
        lei: Some("5493001KJTIIGC8Y1R12".into()),
        duns: Some("150483782".into()),
        vat: Some("DE123456789".into()),
        other: Some("HRB 12345; Amtsgericht Köln".into()),
    };
    acme.country = "DE".parse::<CountryCode>().ok();
    acme.tier = Tier::ONE;
    acme.status = SupplierStatus::Active;
    acme.data_access = DataAccess::PersonalData;
    acme.description = Some("Hosts the shop.\nSecond line; with \"quotes\", commas\r\nand CRLF".into());
    acme.website = Some("https://acme.example/de?a=1,2".into());
    acme.security_contact = Contact {
        name: Some("PSIRT".into()),
        email: Some("psirt@acme.example".into()),
        phone: Some("+49 30 1234".into()),
    };
    acme.incident_contact = Contact { name: None, email: Some("noc@acme.example".into()), phone: None };
    acme.account_contact =
        Contact { name: Some("Jürgen Groß".into()), email: None, phone: Some("+49 (0) 221 99".into()) };
    acme.owners = vec![
        Ownership {
            area: OwnershipArea::Security,
            role: RaciRole::Accountable,
            person: "Ada Lovelace, Countess".into(),
            email: "ada@us.example".into(),
        },
        Ownership {
            area: OwnershipArea::BusinessUnit,
            role: RaciRole::Informed,
            person: "山田 太郎".into(),
            email: "taro@us.example".into(),
        },
    ];
    let beta = SupplierData::named("Бета Софт", SupplierKind::SoftwareVendor);
    RegistryBatch {
        suppliers: vec![line(acme), line(beta)],
        subcontracts: vec![
            Line {
                line: 0,
                row: SubcontractRow {
                    supplier: "Acme Hosting, \"EU\" GmbH".into(),
                    subcontractor: "Бета Софт".into(),
                    scope: "backups, monitoring\nand \"on-call\"".into(),
                    since: Some(date!(2023 - 04 - 01)),
                    handles_our_data: true,
                },
            },
            Line {
                line: 0,
                row: SubcontractRow {
                    supplier: "Бета Софт".into(),
                    subcontractor: "Gamma".into(),
                    scope: "printing".into(),
                    since: None,
                    handles_our_data: false,
                },
            },
        ],
        offerings: vec![
            Line {
                line: 0,
                row: OfferingRow {
                    supplier: "Acme Hosting, \"EU\" GmbH".into(),
                    name: "Acme Cloud; EU".into(),
                    kind: OfferingKind::CloudService,
                    description: Some("IaaS, \"managed\"\nin Köln".into()),
                },
            },
            Line {
                line: 0,
                row: OfferingRow {
                    supplier: "Бета Софт".into(),
                    name: "Бета CRM".into(),
                    kind: OfferingKind::Software,
                    description: None,
                },
            },
        ],
        releases: vec![
            Line {
                line: 0,
                row: ReleaseRow {
                    offering: "Бета CRM".into(),
                    version: "2.1.0-rc.1+build,5".into(),
                    released_on: Some(date!(2024 - 02 - 29)),
                },
            },
            Line {
                line: 0, row: ReleaseRow { offering: "Бета CRM".into(), version: "2.0".into(), released_on: None }
            },
        ],
        services: vec![
            Line {
                line: 0,
                row: ServiceRow {
                    name: "Web shop \"Ünïcödé\"".into(),
                    owner: Some("Team Shop, Berlin".into()),
                    owner_email: Some("shop@us.example".into()),
                    rto_hours: Some(4),
                    criticality: Tier::ONE,
                    description: Some("Sells things;\nmany things".into()),
                },
            },
            Line {
                line: 0,
                row: ServiceRow {
                    name: "Wiki".into(),
                    owner: None,
                    owner_email: None,
                    rto_hours: None,
                    criticality: Tier::FOUR,
                    description: None,
                },
            },
        ],
        uses: vec![
            Line {
                line: 0,
                row: UseRow {
                    service: "Web shop \"Ünïcödé\"".into(),
                    offering: "Acme Cloud; EU".into(),
                    purpose: Some("hosting, \"prod\"".into()),
                    alternatives: vec!["Бета CRM".into(), "Gamma, Cloud".into()],
                },
            },
            Line {
                line: 0,
                row: UseRow {
                    service: "Wiki".into(),
                    offering: "Бета CRM".into(),
                    purpose: None,
                    alternatives: Vec::new(),
                },
            },
        ],
    }
}

/// The batch with every source line cleared, to compare rows alone.
fn rows_of(batch: &RegistryBatch) -> RegistryBatch {
    let mut batch = batch.clone();
    batch.suppliers.iter_mut().for_each(|l| l.line = 0);
    batch.subcontracts.iter_mut().for_each(|l| l.line = 0);
    batch.offerings.iter_mut().for_each(|l| l.line = 0);
    batch.releases.iter_mut().for_each(|l| l.line = 0);
    batch.services.iter_mut().for_each(|l| l.line = 0);
    batch.uses.iter_mut().for_each(|l| l.line = 0);
    batch
}

/// Only the rows of `table`.
fn only(batch: &RegistryBatch, table: Table) -> RegistryBatch {
    let mut out = RegistryBatch::default();
    match table {
        Table::Suppliers => out.suppliers = batch.suppliers.clone(),
        Table::Subcontracts => out.subcontracts = batch.subcontracts.clone(),
        Table::Offerings => out.offerings = batch.offerings.clone(),
        Table::Releases => out.releases = batch.releases.clone(),
        Table::Services => out.services = batch.services.clone(),
        Table::ServiceUses => out.uses = batch.uses.clone(),
    }
    out
}

#[test]
fn every_table_round_trips() {
    let batch = realistic_batch();
    for table in Table::ALL {
        let written = write_registry_csv(&batch, table);
        let read = read_registry_csv(&written, Some(&[table]));
        let read = match read {
            Ok(read) => read,
            Err(e) => {
                assert_eq!(e.to_string(), "", "{table}");
                continue;
            }
        };
        assert_eq!(read.problems, [], "{table}");
        assert_eq!(read.table, table);
        assert_eq!(rows_of(&read.batch), only(&batch, table), "{table}");
        // Writing what was read gives the same bytes.
        assert_eq!(write_registry_csv(&read.batch, table), written, "{table}");
    }
}

#[test]
fn round_trip_keeps_physical_line_numbers() {
    let written = write_registry_csv(&realistic_batch(), Table::Suppliers);
    let read = read_registry_csv(&written, None);
    let lines: Vec<u64> = read.iter().flat_map(|r| r.batch.suppliers.iter().map(|s| s.line)).collect();
    // Acme's description holds two line breaks inside quotes (one of them CRLF).
    assert_eq!(lines, [2, 5]);
}

#[test]
fn writer_output_is_plain_utf8_with_documented_headers() {
    let written = write_registry_csv(&realistic_batch(), Table::Releases);
    assert_eq!(
        String::from_utf8(written).ok().as_deref(),
        Some("offering,version,released_on\nБета CRM,\"2.1.0-rc.1+build,5\",2024-02-29\nБета CRM,2.0,\n")
    );
    let written = write_registry_csv(&realistic_batch(), Table::ServiceUses);
    let text = String::from_utf8(written).unwrap_or_default();
    assert_eq!(
        text,
        "service,offering,purpose,alternatives\n\
         \"Web shop \"\"Ünïcödé\"\"\",\"Acme Cloud; EU\",\"hosting, \"\"prod\"\"\",\"Бета CRM | Gamma, Cloud\"\n\
         Wiki,Бета CRM,,\n"
    );
}

#[test]
fn writer_to_io_matches_writer_to_vec() {
    let batch = realistic_batch();
    for table in Table::ALL {
        let mut out = Vec::new();
        let result = write_registry_csv_to(&batch, table, &mut out);
        assert!(result.is_ok());
        assert_eq!(out, write_registry_csv(&batch, table), "{table}");
    }
}

#[test]
fn user_guide_shows_the_header_row_of_every_table() {
    let guide = include_str!("../../../../docs/csv.md");
    for table in Table::ALL {
        let header = write_registry_csv(&RegistryBatch::default(), table);
        let header = String::from_utf8(header).unwrap_or_default();
        assert!(guide.contains(&format!("```csv\n{header}")), "docs/csv.md lacks the {table} header row {header:?}");
        for column in table_columns(table) {
            assert!(guide.contains(&format!("`{}`", column.name)), "docs/csv.md does not describe `{}`", column.name);
        }
    }
    for code in CSV_ERROR_CODES {
        assert!(guide.contains(&format!("`{code}`")), "docs/csv.md does not list {code}");
    }
}

// ---------------------------------------------------------------------------------------
// Never panics

/// A tiny xorshift64 generator: deterministic, no dependency.
struct XorShift(u64);

impl XorShift {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 { 0 } else { (self.next() % n as u64) as usize }
    }

    fn pick<T: Copy>(&mut self, items: &[T], fallback: T) -> T {
        items.get(self.below(items.len())).copied().unwrap_or(fallback)
    }
}

/// Bytes that matter to a CSV reader, plus some that break UTF-8.
const INTERESTING: &[u8] = b",;\"\n\r |:<>@ -aZ09\xEF\xBB\xBF\xFF\xFE\xC3\xA9";

fn mutate(rng: &mut XorShift, input: &mut Vec<u8>) {
    for _ in 0..=rng.below(4) {
        let at = rng.below(input.len() + 1);
        let byte = if rng.below(4) == 0 { rng.next() as u8 } else { rng.pick(INTERESTING, b',') };
        match rng.below(5) {
            0 => input.insert(at, byte),
            1 if at < input.len() => {
                input.remove(at);
            }
            2 => {
                if let Some(b) = input.get_mut(at) {
                    *b = byte;
                }
            }
            3 => input.truncate(at),
            _ => {
                let end = (at + rng.below(40)).min(input.len());
                let copy: Vec<u8> = input.get(at..end).map(<[u8]>::to_vec).unwrap_or_default();
                let to = rng.below(input.len() + 1);
                input.splice(to..to, copy);
            }
        }
    }
}

/// What a successful read promises, whatever the input.
fn check_read_invariants(input: &[u8]) {
    let Ok(read) = read_registry_csv(input, None) else { return };
    assert!(read.problems.iter().all(|p| p.line >= 2 && p.table == read.table), "{input:?}");
    // Rows that were read write out and read back as the same rows.
    let written = write_registry_csv(&read.batch, read.table);
    let again = read_registry_csv(&written, Some(&[read.table]));
    let again_rows = again.as_ref().map(|r| rows_of(&r.batch)).map_err(ToString::to_string);
    assert_eq!(again_rows, Ok(rows_of(&read.batch)), "{:?}", String::from_utf8_lossy(input));
}

#[test]
fn reader_never_panics_on_random_bytes() {
    let mut rng = XorShift(0x9E37_79B9_7F4A_7C15);
    for _ in 0..1000 {
        let len = rng.below(200);
        let input: Vec<u8> =
            (0..len).map(|_| if rng.below(3) == 0 { rng.next() as u8 } else { rng.pick(INTERESTING, b'a') }).collect();
        check_read_invariants(&input);
        // The same bytes after a valid header, so the rows are read too.
        for table in [Table::Suppliers, Table::ServiceUses] {
            let mut with_header = write_registry_csv(&RegistryBatch::default(), table);
            with_header.extend_from_slice(&input);
            check_read_invariants(&with_header);
        }
    }
}

#[test]
fn reader_never_panics_on_mutated_valid_files() {
    let mut rng = XorShift(0x2545_F491_4F6C_DD1D);
    let batch = realistic_batch();
    let mut files: Vec<Vec<u8>> = Table::ALL.iter().map(|t| write_registry_csv(&batch, *t)).collect();
    files.extend(Table::ALL.iter().map(|t| csv_of(&good_row(*t)).into_bytes()));
    for _ in 0..1000 {
        let mut input = files.get(rng.below(files.len())).cloned().unwrap_or_default();
        mutate(&mut rng, &mut input);
        check_read_invariants(&input);
    }
}

#[test]
fn detect_table_never_panics() {
    let mut rng = XorShift(7);
    let words = ["name", "kind", "tier", "supplier", "offering", "version", "service", "", " ", "é", "criticality"];
    for _ in 0..500 {
        let headers: Vec<&str> = (0..rng.below(6)).map(|_| rng.pick(&words, "name")).collect();
        let _ = detect_table(&headers);
    }
}

#[test]
fn demo_organisation_round_trips() {
    let demo = chainward_core::demo::organisation();
    assert!(!demo.is_empty());
    for table in Table::ALL {
        let written = write_registry_csv(&demo, table);
        let read = read_registry_csv(&written, Some(&[table])).map_err(|e| e.to_string());
        let problems: Vec<String> = read.iter().flat_map(|r| r.problems.iter().map(ToString::to_string)).collect();
        assert_eq!(problems, Vec::<String>::new(), "{table}");
        assert_eq!(read.map(|r| rows_of(&r.batch)), Ok(rows_of(&only(&demo, table))), "{table}");
    }
}
