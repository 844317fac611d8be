//! Writes one table of a [`RegistryBatch`] as CSV: the documented header row, `,` as the
//! delimiter, UTF-8 without a byte order mark, `\n` line ends, and quotes only where a
//! field needs them. What it writes reads back into the same rows.

use std::convert::Infallible;
use std::io;

use chainward_core::batch::{OfferingRow, RegistryBatch, ReleaseRow, ServiceRow, SubcontractRow, Table, UseRow};
use chainward_core::model::{Contact, Ownership, SupplierData};
use time::Date;

use super::model::{DATE_FORMAT, LIST_JOINER, table_columns};

/// The CSV text of one table of `batch` (the other tables are ignored).
pub fn write_registry_csv(batch: &RegistryBatch, table: Table) -> Vec<u8> {
    let mut out = String::new();
    let Ok(()) = each_record(batch, table, |record: &str| -> Result<(), Infallible> {
        out.push_str(record);
        Ok(())
    });
    out.into_bytes()
}

/// Writes the CSV text of one table of `batch` to `out`, one record at a time.
pub fn write_registry_csv_to(batch: &RegistryBatch, table: Table, out: &mut impl io::Write) -> io::Result<()> {
    each_record(batch, table, |record| out.write_all(record.as_bytes()))
}

/// Calls `emit` with each record of the table, header first, each ending in `\n`.
fn each_record<E>(batch: &RegistryBatch, table: Table, mut emit: impl FnMut(&str) -> Result<(), E>) -> Result<(), E> {
    let header: Vec<String> = table_columns(table).iter().map(|column| column.name.to_owned()).collect();
    emit(&record(&header))?;
    match table {
        Table::Suppliers => batch.suppliers.iter().try_for_each(|l| emit(&record(&supplier_fields(&l.row)))),
        Table::Subcontracts => batch.subcontracts.iter().try_for_each(|l| emit(&record(&subcontract_fields(&l.row)))),
        Table::Offerings => batch.offerings.iter().try_for_each(|l| emit(&record(&offering_fields(&l.row)))),
        Table::Releases => batch.releases.iter().try_for_each(|l| emit(&record(&release_fields(&l.row)))),
        Table::Services => batch.services.iter().try_for_each(|l| emit(&record(&service_fields(&l.row)))),
        Table::ServiceUses => batch.uses.iter().try_for_each(|l| emit(&record(&use_fields(&l.row)))),
    }
}

/// One CSV record with its line end. A field is quoted when it holds a delimiter (either
/// of the two the reader detects), a quote or a line break; quotes inside are doubled.
fn record(fields: &[String]) -> String {
    let mut line = String::new();
    for (i, field) in fields.iter().enumerate() {
        if i > 0 {
            line.push(',');
        }
        if field.contains([',', ';', '"', '\n', '\r']) {
            line.push('"');
            line.push_str(&field.replace('"', "\"\""));
            line.push('"');
        } else {
            line.push_str(field);
        }
    }
    line.push('\n');
    line
}

fn text(value: &Option<String>) -> String {
    value.clone().unwrap_or_default()
}

fn date(value: &Option<Date>) -> String {
    value.map(|d| d.format(DATE_FORMAT).unwrap_or_else(|_| d.to_string())).unwrap_or_default()
}

fn contact_fields(contact: &Contact) -> [String; 3] {
    [text(&contact.name), text(&contact.email), text(&contact.phone)]
}

fn owner(owner: &Ownership) -> String {
    format!("{}:{}:{} <{}>", owner.area, owner.role, owner.person, owner.email)
}

fn supplier_fields(s: &SupplierData) -> Vec<String> {
    let mut fields = vec![
        s.name.clone(),
        s.kind.to_string(),
        s.tier.to_string(),
        s.status.to_string(),
        s.data_access.to_string(),
        s.country.map(|c| c.to_string()).unwrap_or_default(),
        text(&s.legal_ids.lei),
        text(&s.legal_ids.duns),
        text(&s.legal_ids.vat),
        text(&s.legal_ids.other),
        text(&s.description),
        text(&s.website),
    ];
    fields.extend(contact_fields(&s.security_contact));
    fields.extend(contact_fields(&s.incident_contact));
    fields.extend(contact_fields(&s.account_contact));
    fields.push(s.owners.iter().map(owner).collect::<Vec<_>>().join(LIST_JOINER));
    fields
}

fn subcontract_fields(s: &SubcontractRow) -> Vec<String> {
    vec![
        s.supplier.clone(),
        s.subcontractor.clone(),
        s.scope.clone(),
        date(&s.since),
        if s.handles_our_data { "yes" } else { "no" }.to_owned(),
    ]
}

fn offering_fields(o: &OfferingRow) -> Vec<String> {
    vec![o.supplier.clone(), o.name.clone(), o.kind.to_string(), text(&o.description)]
}

fn release_fields(r: &ReleaseRow) -> Vec<String> {
    vec![r.offering.clone(), r.version.clone(), date(&r.released_on)]
}

fn service_fields(s: &ServiceRow) -> Vec<String> {
    vec![
        s.name.clone(),
        s.criticality.to_string(),
        text(&s.owner),
        text(&s.owner_email),
        s.rto_hours.map(|h| h.to_string()).unwrap_or_default(),
        text(&s.description),
    ]
}

fn use_fields(u: &UseRow) -> Vec<String> {
    vec![u.service.clone(), u.offering.clone(), text(&u.purpose), u.alternatives.join(LIST_JOINER)]
}
