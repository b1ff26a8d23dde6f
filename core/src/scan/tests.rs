//! Tests of the scan entry points on generated codes.
