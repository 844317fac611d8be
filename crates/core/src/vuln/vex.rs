//! VEX triage statements. PLACEHOLDER until the model lands.
