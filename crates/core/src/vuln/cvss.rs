//! CVSS base scores. PLACEHOLDER until the scoring lands.
