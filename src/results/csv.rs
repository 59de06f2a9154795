//! CSV writing by hand: RFC 4180 quoting, NaN as an empty cell, shortest round-trip floats.

use super::{Cell, METRIC_NAMES, Results};
use serde_json::Value;
use std::io::{self, Write};

/// Writes the header and one line per row (see [`Results::write_csv`]).
pub(super) fn write(results: &Results, w: &mut impl Write) -> io::Result<()> {
    let header = results
        .swept_keys
        .iter()
        .map(String::as_str)
        .chain(["variant"])
        .chain(METRIC_NAMES);
    write_line(w, header)?;
    let n = results.swept_keys.len();
    for (i, row) in results.rows.iter().enumerate() {
        if row.coords.len() != n {
            return Err(io::Error::new(
                io::ErrorKind::InvalidInput,
                format!(
                    "row {i} has {} coordinates for {n} swept keys",
                    row.coords.len()
                ),
            ));
        }
        let cells: Vec<String> = row
            .coords
            .iter()
            .map(value_cell)
            .chain([row.variant.clone()])
            .chain(row.metric_cells().into_iter().map(metric_cell))
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
pub(super) fn quote(field: &str) -> std::borrow::Cow<'_, str> {
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

/// A metric as a cell: NaN empty, floats with shortest round-trip digits.
fn metric_cell(c: Cell) -> String {
    match c {
        Cell::F(x) if x.is_nan() => String::new(),
        Cell::F(x) => x.to_string(),
        Cell::U(n) => n.to_string(),
    }
}
