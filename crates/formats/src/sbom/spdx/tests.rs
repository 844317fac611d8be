//! Tests of the SPDX readers and writer.
