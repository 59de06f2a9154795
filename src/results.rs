//! Results of a scenario run: one row per sweep point and variant, written as
//! CSV and JSON and drawn as SVG and PNG plots.
