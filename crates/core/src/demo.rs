//! The demo organisation: a mid-sized insurer with about 30 suppliers and 20 internal
//! services, built around the three situations ISO/IEC 27002:2022 names in its guidance
//! for control 5.21:
//!
//! - a cloud service provider (Nimbus Cloud) that relies on software developers (Kernel
//!   Forge), telecommunications (Fibrenet, and under it Atlantic Subsea Cable) and hardware
//!   providers (Rackworks, and under it Siliconia Components);
//! - an IoT ecosystem: a device manufacturer (Sensorix), a cloud platform operator (Aether),
//!   a mobile app developer (Appcraft) and a software library vendor (Meshlib);
//! - a hosting provider (Harbor Hosting) with external service desks at several support
//!   levels: FirstLine Helpdesk (L1) → DeepFix Engineering (L2) → Kernel Forge (L3).
//!
//! Deliberate weaknesses for the analyses to find: Nimbus Cloud is the shared sub-processor
//! of seven SaaS suppliers; Identra SSO and PeopleFirst Payroll have no alternative; the two
//! WAN carriers both ride on Atlantic Subsea Cable, and the two payment gateways both run on
//! Nimbus Cloud — alternatives that are no alternative.

use time::{Date, Month};

use crate::batch::{Line, OfferingRow, RegistryBatch, ReleaseRow, ServiceRow, SubcontractRow, UseRow};
use crate::model::{
    Contact, DataAccess, LegalIds, OfferingKind, Ownership, OwnershipArea, RaciRole, SupplierData, SupplierKind,
    SupplierStatus, Tier,
};

use DataAccess as D;
use OfferingKind as O;
use SupplierKind as K;

/// (name, kind, tier, data access, country, LEI, VAT, website domain, description)
type SupplierSpec =
    (&'static str, SupplierKind, u8, DataAccess, &'static str, &'static str, &'static str, &'static str, &'static str);

const SUPPLIERS: &[SupplierSpec] = &[
    (
        "Nimbus Cloud",
        K::CloudServiceProvider,
        1,
        D::PersonalData,
        "IE",
        "5299000NIMBUSCLD0173",
        "IE6388047V",
        "nimbus-cloud.example",
        "IaaS and PaaS provider; sub-processor of most of our SaaS suppliers",
    ),
    (
        "Kernel Forge",
        K::OutsourcedDevelopment,
        2,
        D::Internal,
        "PL",
        "",
        "PL5260250274",
        "kernelforge.example",
        "Platform software developer for Nimbus; L3 support for Harbor",
    ),
    (
        "Fibrenet Telecom",
        K::Telecommunications,
        1,
        D::Internal,
        "DE",
        "5299000FIBRENET00507",
        "DE811193231",
        "fibrenet.example",
        "WAN carrier and Nimbus data centre interconnect",
    ),
    (
        "Atlantic Subsea Cable",
        K::Telecommunications,
        2,
        D::None,
        "PT",
        "",
        "PT502011378",
        "atlantic-subsea.example",
        "Subsea and backbone capacity sold to carriers",
    ),
    (
        "Rackworks Hardware",
        K::HardwareVendor,
        2,
        D::None,
        "NL",
        "",
        "NL004495445B01",
        "rackworks.example",
        "Server and storage hardware for data centres",
    ),
    (
        "Siliconia Components",
        K::HardwareVendor,
        3,
        D::None,
        "TW",
        "",
        "",
        "siliconia.example",
        "Controller chips and baseboard firmware",
    ),
    (
        "Sensorix Devices",
        K::HardwareVendor,
        1,
        D::Confidential,
        "DE",
        "5299000SENSORIX00391",
        "DE129273398",
        "sensorix.example",
        "Smart meter gateways and their firmware",
    ),
    (
        "Aether IoT Platform",
        K::CloudServiceProvider,
        1,
        D::PersonalData,
        "FR",
        "",
        "FR40303265045",
        "aether-iot.example",
        "Device cloud operating our meter fleet",
    ),
    (
        "Appcraft Studio",
        K::OutsourcedDevelopment,
        2,
        D::PersonalData,
        "ES",
        "",
        "ESB12345674",
        "appcraft.example",
        "Builds and maintains the field technician mobile app",
    ),
    (
        "Meshlib Software",
        K::SoftwareVendor,
        2,
        D::None,
        "FI",
        "",
        "FI20774740",
        "meshlib.example",
        "Embedded networking library in gateway firmware and the app",
    ),
    (
        "Geolocate Maps",
        K::SoftwareVendor,
        3,
        D::Internal,
        "US",
        "",
        "",
        "geolocate.example",
        "Mapping SDK in the field app",
    ),
    (
        "Harbor Hosting",
        K::Hosting,
        1,
        D::PersonalData,
        "NL",
        "5299000HARBORHST0236",
        "NL853746333B01",
        "harbor-hosting.example",
        "Dedicated hosting and managed backup",
    ),
    (
        "FirstLine Helpdesk",
        K::SupportContractor,
        3,
        D::Internal,
        "IE",
        "",
        "IE3255465JH",
        "firstline.example",
        "L1 service desk for Harbor customers",
    ),
    (
        "DeepFix Engineering",
        K::SupportContractor,
        2,
        D::Confidential,
        "CZ",
        "",
        "CZ25596641",
        "deepfix.example",
        "L2 support engineers for Harbor",
    ),
    (
        "Vaultline Backup",
        K::Hosting,
        2,
        D::PersonalData,
        "BE",
        "",
        "BE0403170701",
        "vaultline.example",
        "Offsite backup vault for Harbor",
    ),
    (
        "PeopleFirst HR",
        K::CloudServiceProvider,
        1,
        D::PersonalData,
        "GB",
        "5299000PEOPLEFST0659",
        "GB980780684",
        "peoplefirst.example",
        "Payroll and HR SaaS",
    ),
    ("SalesOrbit", K::CloudServiceProvider, 2, D::PersonalData, "US", "", "", "salesorbit.example", "CRM SaaS"),
    (
        "Bluepeak Support",
        K::SupportContractor,
        3,
        D::PersonalData,
        "IN",
        "",
        "",
        "bluepeak.example",
        "Follow-the-sun support and ticketing",
    ),
    (
        "Ledgerly",
        K::CloudServiceProvider,
        1,
        D::Confidential,
        "DE",
        "",
        "DE814584193",
        "ledgerly.example",
        "Finance and general ledger SaaS",
    ),
    (
        "Mailstream",
        K::CloudServiceProvider,
        2,
        D::PersonalData,
        "SE",
        "",
        "SE556703748501",
        "mailstream.example",
        "E-mail platform",
    ),
    (
        "PostBeacon",
        K::CloudServiceProvider,
        3,
        D::PersonalData,
        "AT",
        "",
        "ATU13585627",
        "postbeacon.example",
        "Standby e-mail and notification service",
    ),
    (
        "Identra",
        K::CloudServiceProvider,
        1,
        D::PersonalData,
        "CH",
        "5299000IDENTRASSO475",
        "CHE116281710",
        "identra.example",
        "Single sign-on for every workforce application",
    ),
    (
        "Velocom",
        K::Telecommunications,
        2,
        D::Internal,
        "IT",
        "",
        "IT00488410010",
        "velocom.example",
        "SD-WAN, second carrier for the branches",
    ),
    (
        "Secureview MSSP",
        K::ManagedServiceProvider,
        1,
        D::Confidential,
        "GB",
        "",
        "GB123456782",
        "secureview.example",
        "24x7 security operations centre",
    ),
    (
        "Codeworks Outsourcing",
        K::OutsourcedDevelopment,
        2,
        D::PersonalData,
        "RO",
        "",
        "RO18547290",
        "codeworks.example",
        "Develops the claims portal",
    ),
    (
        "PayGate",
        K::CloudServiceProvider,
        1,
        D::PersonalData,
        "LU",
        "",
        "LU15027442",
        "paygate.example",
        "Card payment gateway",
    ),
    (
        "CoinRail",
        K::CloudServiceProvider,
        2,
        D::PersonalData,
        "LT",
        "",
        "LT100001919017",
        "coinrail.example",
        "Second payment gateway",
    ),
    (
        "Printly",
        K::ManagedServiceProvider,
        4,
        D::Confidential,
        "DE",
        "",
        "DE136695976",
        "printly.example",
        "Managed print for policy documents",
    ),
    (
        "Quillworks Office",
        K::CloudServiceProvider,
        2,
        D::Confidential,
        "US",
        "",
        "",
        "quillworks.example",
        "Office and collaboration suite",
    ),
    (
        "Keystone Escrow",
        K::Other,
        4,
        D::None,
        "GB",
        "",
        "GB220430231",
        "keystone-escrow.example",
        "Source code escrow agent for the claims portal",
    ),
];

/// (supplier, subcontractor, scope, handles our data, since as (year, month))
type LinkSpec = (&'static str, &'static str, &'static str, bool, (i32, u8));

const LINKS: &[LinkSpec] = &[
    ("Nimbus Cloud", "Kernel Forge", "platform software development", false, (2019, 3)),
    ("Nimbus Cloud", "Fibrenet Telecom", "data centre interconnect", false, (2018, 1)),
    ("Nimbus Cloud", "Rackworks Hardware", "server hardware supply and maintenance", false, (2018, 1)),
    ("Fibrenet Telecom", "Atlantic Subsea Cable", "backbone capacity", false, (2015, 6)),
    ("Velocom", "Atlantic Subsea Cable", "backbone capacity", false, (2020, 9)),
    ("Rackworks Hardware", "Siliconia Components", "baseboard controllers and firmware", false, (2017, 4)),
    ("Sensorix Devices", "Siliconia Components", "gateway system-on-chip", false, (2021, 2)),
    ("Sensorix Devices", "Meshlib Software", "mesh networking stack in firmware", false, (2021, 2)),
    ("Aether IoT Platform", "Nimbus Cloud", "hosting of the device cloud", true, (2020, 5)),
    ("Appcraft Studio", "Meshlib Software", "device pairing library", false, (2022, 1)),
    ("Appcraft Studio", "Geolocate Maps", "maps SDK", true, (2022, 1)),
    ("Harbor Hosting", "FirstLine Helpdesk", "L1 service desk", true, (2019, 10)),
    ("FirstLine Helpdesk", "DeepFix Engineering", "L2 escalations", true, (2019, 10)),
    ("DeepFix Engineering", "Kernel Forge", "L3 engineering support", true, (2020, 2)),
    ("Harbor Hosting", "Rackworks Hardware", "server hardware", false, (2016, 8)),
    ("Harbor Hosting", "Vaultline Backup", "offsite backup copies", true, (2018, 11)),
    ("PeopleFirst HR", "Nimbus Cloud", "hosting", true, (2019, 1)),
    ("SalesOrbit", "Nimbus Cloud", "hosting", true, (2017, 7)),
    ("SalesOrbit", "Bluepeak Support", "customer support", true, (2021, 4)),
    ("Ledgerly", "Nimbus Cloud", "hosting", true, (2020, 3)),
    ("Mailstream", "Nimbus Cloud", "hosting", true, (2018, 5)),
    ("PostBeacon", "Harbor Hosting", "hosting", true, (2019, 9)),
    ("PayGate", "Nimbus Cloud", "hosting", true, (2019, 6)),
    ("CoinRail", "Nimbus Cloud", "hosting", true, (2021, 11)),
    ("Identra", "Fibrenet Telecom", "network connectivity", false, (2018, 2)),
    ("Secureview MSSP", "Bluepeak Support", "L1 alert triage", true, (2022, 6)),
    ("Codeworks Outsourcing", "Keystone Escrow", "source code escrow deposits", false, (2023, 1)),
];

/// (supplier, offering, kind, releases as (version, year, month, day))
type OfferingSpec = (&'static str, &'static str, OfferingKind, &'static [(&'static str, (i32, u8, u8))]);

const OFFERINGS: &[OfferingSpec] = &[
    ("Nimbus Cloud", "Nimbus Compute", O::CloudService, &[]),
    ("Nimbus Cloud", "Nimbus Object Storage", O::CloudService, &[]),
    ("Sensorix Devices", "Sensorix Gateway G2", O::Hardware, &[("G2-rev3", (2023, 5, 2))]),
    (
        "Sensorix Devices",
        "Sensorix Gateway Firmware",
        O::Firmware,
        &[("4.2.0", (2025, 11, 3)), ("4.3.1", (2026, 6, 18))],
    ),
    ("Aether IoT Platform", "Aether Device Cloud", O::CloudService, &[]),
    ("Appcraft Studio", "Field Service App", O::Software, &[("2.8.0", (2026, 2, 9)), ("2.9.2", (2026, 9, 21))]),
    ("Harbor Hosting", "Harbor Dedicated Hosting", O::Hosting, &[]),
    ("Harbor Hosting", "Harbor Managed Backup", O::ManagedService, &[]),
    ("PeopleFirst HR", "PeopleFirst Payroll", O::CloudService, &[]),
    ("SalesOrbit", "SalesOrbit CRM", O::CloudService, &[]),
    ("Bluepeak Support", "Bluepeak Ticketing", O::Support, &[]),
    ("Ledgerly", "Ledgerly Finance", O::CloudService, &[]),
    ("Mailstream", "Mailstream Email", O::CloudService, &[]),
    ("PostBeacon", "PostBeacon Mail", O::CloudService, &[]),
    ("Identra", "Identra SSO", O::CloudService, &[]),
    ("Fibrenet Telecom", "Fibrenet MPLS WAN", O::ManagedService, &[]),
    ("Velocom", "Velocom SD-WAN", O::ManagedService, &[]),
    ("Secureview MSSP", "Secureview SOC", O::ManagedService, &[]),
    ("Codeworks Outsourcing", "Claims Portal", O::Software, &[("1.14.0", (2026, 3, 30)), ("1.15.2", (2026, 10, 12))]),
    ("PayGate", "PayGate Payments", O::CloudService, &[]),
    ("CoinRail", "CoinRail Payments", O::CloudService, &[]),
    ("Printly", "Printly Managed Print", O::ManagedService, &[]),
    ("Quillworks Office", "Quillworks Workspace", O::CloudService, &[]),
];

/// (service, owner, tier, RTO hours, uses as (offering, alternatives))
type ServiceSpec = (&'static str, &'static str, u8, u32, &'static [(&'static str, &'static [&'static str])]);

const SERVICES: &[ServiceSpec] = &[
    ("Payroll", "Hannah Weber", 1, 48, &[("PeopleFirst Payroll", &[]), ("Identra SSO", &[])]),
    ("Customer CRM", "Marco Rossi", 2, 24, &[("SalesOrbit CRM", &[]), ("Identra SSO", &[])]),
    ("General Ledger", "Priya Nair", 1, 24, &[("Ledgerly Finance", &[]), ("Identra SSO", &[])]),
    ("Corporate Email", "Tom Berger", 2, 8, &[("Mailstream Email", &["PostBeacon Mail"]), ("Identra SSO", &[])]),
    (
        "Online Shop",
        "Lena Fischer",
        1,
        4,
        &[("Harbor Dedicated Hosting", &["Nimbus Compute"]), ("PayGate Payments", &["CoinRail Payments"])],
    ),
    (
        "Smart Meter Fleet",
        "Jonas Keller",
        1,
        12,
        &[("Sensorix Gateway G2", &[]), ("Sensorix Gateway Firmware", &[]), ("Aether Device Cloud", &[])],
    ),
    ("Field Technician App", "Jonas Keller", 2, 24, &[("Field Service App", &[]), ("Aether Device Cloud", &[])]),
    ("Branch Network", "Tom Berger", 1, 4, &[("Fibrenet MPLS WAN", &["Velocom SD-WAN"])]),
    ("Security Monitoring", "Aylin Demir", 1, 2, &[("Secureview SOC", &[])]),
    (
        "Claims Portal",
        "Lena Fischer",
        1,
        8,
        &[("Claims Portal", &[]), ("Harbor Dedicated Hosting", &["Nimbus Compute"])],
    ),
    (
        "Data Warehouse",
        "Priya Nair",
        3,
        72,
        &[("Nimbus Compute", &["Harbor Dedicated Hosting"]), ("Nimbus Object Storage", &["Harbor Managed Backup"])],
    ),
    ("Backup and Recovery", "Tom Berger", 1, 24, &[("Harbor Managed Backup", &["Nimbus Object Storage"])]),
    ("Document Printing", "Marco Rossi", 4, 120, &[("Printly Managed Print", &[])]),
    ("Office Collaboration", "Tom Berger", 2, 24, &[("Quillworks Workspace", &[]), ("Identra SSO", &[])]),
    ("Service Desk", "Aylin Demir", 3, 48, &[("Bluepeak Ticketing", &[])]),
    ("Identity and Access", "Aylin Demir", 1, 4, &[("Identra SSO", &[])]),
    ("Customer Notifications", "Marco Rossi", 2, 12, &[("Mailstream Email", &["PostBeacon Mail"])]),
    ("Partner API Gateway", "Lena Fischer", 2, 8, &[("Nimbus Compute", &["Harbor Dedicated Hosting"])]),
    ("Public Website", "Marco Rossi", 3, 24, &[("Harbor Dedicated Hosting", &[])]),
    (
        "Device Firmware Updates",
        "Jonas Keller",
        2,
        24,
        &[("Sensorix Gateway Firmware", &[]), ("Aether Device Cloud", &[])],
    ),
];

fn person_email(name: &str) -> String {
    format!("{}@insurer.example", name.to_lowercase().replace(' ', "."))
}

fn date(y: i32, m: u8, d: u8) -> Option<Date> {
    Month::try_from(m).ok().and_then(|m| Date::from_calendar_date(y, m, d).ok())
}

fn some(s: &str) -> Option<String> {
    (!s.is_empty()).then(|| s.to_owned())
}

fn supplier(spec: &SupplierSpec) -> SupplierData {
    let &(name, kind, tier, data_access, country, lei, vat, domain, description) = spec;
    let mut s = SupplierData::named(name, kind);
    s.tier = Tier::new(tier).unwrap_or(Tier::FOUR);
    s.status = SupplierStatus::Active;
    s.data_access = data_access;
    s.country = country.parse().ok();
    s.legal_ids = LegalIds { lei: some(lei), vat: some(vat), ..LegalIds::default() };
    s.description = some(description);
    s.website = Some(format!("https://{domain}"));
    s.security_contact = Contact { name: Some("PSIRT".into()), email: Some(format!("psirt@{domain}")), phone: None };
    s.incident_contact = Contact {
        name: Some("Security incident desk".into()),
        email: Some(format!("incidents@{domain}")),
        phone: Some("+00 800 555 0100".into()),
    };
    s.account_contact =
        Contact { name: Some("Account management".into()), email: Some(format!("accounts@{domain}")), phone: None };
    if tier <= 2 {
        s.owners = vec![
            Ownership {
                area: OwnershipArea::Procurement,
                role: RaciRole::Accountable,
                person: "Sofia Lange".into(),
                email: person_email("Sofia Lange"),
            },
            Ownership {
                area: OwnershipArea::Security,
                role: RaciRole::Responsible,
                person: "Aylin Demir".into(),
                email: person_email("Aylin Demir"),
            },
            Ownership {
                area: OwnershipArea::Legal,
                role: RaciRole::Consulted,
                person: "Daniel Moreau".into(),
                email: person_email("Daniel Moreau"),
            },
            Ownership {
                area: OwnershipArea::It,
                role: RaciRole::Informed,
                person: "Tom Berger".into(),
                email: person_email("Tom Berger"),
            },
        ];
    }
    s
}

/// The demo organisation as a registry batch, ready for the store to import.
pub fn organisation() -> RegistryBatch {
    let lines = |n: usize| (n as u64) + 1;
    let suppliers = SUPPLIERS.iter().enumerate().map(|(i, s)| Line { line: lines(i), row: supplier(s) }).collect();
    let subcontracts = LINKS
        .iter()
        .enumerate()
        .map(|(i, &(supplier, sub, scope, data, (y, m)))| Line {
            line: lines(i),
            row: SubcontractRow {
                supplier: supplier.into(),
                subcontractor: sub.into(),
                scope: scope.into(),
                since: date(y, m, 1),
                handles_our_data: data,
            },
        })
        .collect();
    let offerings = OFFERINGS
        .iter()
        .enumerate()
        .map(|(i, &(supplier, name, kind, _))| Line {
            line: lines(i),
            row: OfferingRow { supplier: supplier.into(), name: name.into(), kind, description: None },
        })
        .collect();
    let releases = OFFERINGS
        .iter()
        .flat_map(|&(_, offering, _, releases)| releases.iter().map(move |&(v, d)| (offering, v, d)))
        .enumerate()
        .map(|(i, (offering, version, (y, m, d)))| Line {
            line: lines(i),
            row: ReleaseRow { offering: offering.into(), version: version.into(), released_on: date(y, m, d) },
        })
        .collect();
    let services = SERVICES
        .iter()
        .enumerate()
        .map(|(i, &(name, owner, tier, rto, _))| Line {
            line: lines(i),
            row: ServiceRow {
                name: name.into(),
                owner: Some(owner.into()),
                owner_email: Some(person_email(owner)),
                rto_hours: Some(rto),
                criticality: Tier::new(tier).unwrap_or(Tier::FOUR),
                description: None,
            },
        })
        .collect();
    let uses = SERVICES
        .iter()
        .flat_map(|&(service, _, _, _, uses)| uses.iter().map(move |&(offering, alts)| (service, offering, alts)))
        .enumerate()
        .map(|(i, (service, offering, alternatives))| Line {
            line: lines(i),
            row: UseRow {
                service: service.into(),
                offering: offering.into(),
                purpose: None,
                alternatives: alternatives.iter().map(|a| (*a).to_owned()).collect(),
            },
        })
        .collect();
    RegistryBatch { suppliers, subcontracts, offerings, releases, services, uses }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_data_is_valid_and_consistent() {
        let batch = organisation();
        assert_eq!(batch.suppliers.len(), 30);
        assert_eq!(batch.services.len(), 20);
        assert!(batch.duplicate_keys().is_empty(), "{:?}", batch.duplicate_keys());
        for s in &batch.suppliers {
            assert!(s.row.clone().validated().is_ok(), "{}: {:?}", s.row.name, s.row.clone().validated());
        }
        let supplier_names: Vec<&str> = SUPPLIERS.iter().map(|s| s.0).collect();
        let offering_names: Vec<&str> = OFFERINGS.iter().map(|o| o.1).collect();
        for l in LINKS {
            assert!(supplier_names.contains(&l.0) && supplier_names.contains(&l.1), "{l:?}");
        }
        for o in OFFERINGS {
            assert!(supplier_names.contains(&o.0), "{}", o.0);
        }
        for u in &batch.uses {
            for name in std::iter::once(&u.row.offering).chain(&u.row.alternatives) {
                assert!(offering_names.contains(&name.as_str()), "{name}");
            }
        }
    }
}
