//! SBOM quality: coverage of the NTIA minimum elements and the CISA 2025 additions.
