//! (filled in by the suite's reader work)
