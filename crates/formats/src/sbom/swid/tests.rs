//! Tests of the SWID reader.
