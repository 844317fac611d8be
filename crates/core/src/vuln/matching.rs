//! The match index from packages to advisories. PLACEHOLDER until the engine lands.
