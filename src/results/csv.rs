//! CSV writing by hand: RFC 4180 quoting, NaN as an empty cell, shortest round-trip floats.

use super::{Cell, METRIC_NAMES, ROC_NAMES, Results};
use serde_json::Value;
use std::io::{self, Write};

/// Writes the header and one line per row (see [`Results::write_csv`]).
pub(super) fn write(results: &Results, w: &mut impl Write) -> io::Result<()> {
    let rows = results
        .rows
        .iter()
        .map(|r| (&r.coords[..], r.variant.as_str(), r.metric_cells()));
    write_table(&results.swept_keys, &METRIC_NAMES, rows, w)
}

/// Writes the header and one line per ROC row (see [`Results::write_roc_csv`]).
pub(super) fn write_roc(results: &Results, w: &mut impl Write) -> io::Result<()> {
    let rows = results
        .roc
        .iter()
        .map(|r| (&r.coords[..], r.variant.as_str(), r.cells()));
    write_table(&results.swept_keys, &ROC_NAMES, rows, w)
}

/// Writes a header (swept keys, `variant`, `names`) and one line per row of
/// coordinates, variant and cells.
fn write_table<'a, C: IntoIterator<Item = Cell>>(
    keys: &[String],
    names: &[&str],
    rows: impl Iterator<Item = (&'a [Value], &'a str, C)>,
    w: &mut impl Write,
) -> io::Result<()> {
    let header = keys
        .iter()
        .map(String::as_str)
        .chain(["variant"])
        .chain(names.iter().copied());
    write_line(w, header)?;
    let n = keys.len();
    for (i, (coords, variant, cells)) in rows.enumerate() {
        if coords.len() != n {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "row {i} has {} coordinates for {n} swept keys",
                    coords.len()
                ),
            ));
        }
        let cells: Vec<String> = coords
            .iter()
            .map(value_cell)
            .chain([variant.to_string()])
            .chain(cells.into_iter().map(metric_cell))
            .collect();
        write_line(w, cells.iter().map(String::as_str))?;
    }
    Ok(())
}

/// Writes one line of fields, quoting each as needed.
fn write_line<'a>(w: &mut impl Write, fields: impl Iterator<Item = &'a str>) -> io::Result<()> {
    for (i, field) in fields.enumerate() {
        if i > 0 {
            w.write_all(b",")?;
        }
        w.write_all(quote(field).as_bytes())?;
    }
    w.write_all(b"\n")
}

/// Quotes a field containing a comma, a quote or a line break (RFC 4180),
/// doubling its quotes.
pub fn quote(field: &str) -> std::borrow::Cow<'_, str> {
    if field.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", field.replace('"', "\"\"")).into()
    } else {
        field.into()
    }
}

/// A swept value as a cell: strings raw, numbers as JSON writes them, null empty.
fn value_cell(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// A metric as a cell: NaN empty, floats by [`float_cell`].
fn metric_cell(c: Cell) -> String {
    match c {
        Cell::F(x) if x.is_nan() => String::new(),
        Cell::F(x) => float_cell(x),
        Cell::U(n) => n.to_string(),
    }
}

/// A float with the shortest digits that read back to the same value:
/// positional for `1e-4 <= |x| < 1e15` (and zero), else in exponent form
/// (`1.084e-19`, `2.5e20`), so tiny and huge values stay short. Infinities
/// are `inf` and `-inf`.
pub fn float_cell(x: f64) -> String {
    let a = x.abs();
    if a == 0.0 || !a.is_finite() || (1e-4..1e15).contains(&a) {
        x.to_string()
    } else {
        format!("{x:e}")
    }
}
