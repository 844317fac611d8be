//! Differences between two SBOMs (or two releases): added, removed and version-changed
//! components, and components with the same name and version but a different hash.
