//! The serde form of [`Results`]: rows and ROC rows as flat objects with a fixed key order.

use super::{Cell, HISTOGRAM_NAME, METRIC_NAMES, ROC_NAMES, Results, RocRow, Row};
use serde::de::Error as _;
use serde::ser::{Error as _, SerializeMap, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

impl Serialize for Results {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        check_keys(&self.swept_keys).map_err(S::Error::custom)?;
        let n = 6 + usize::from(self.provenance.is_some());
        let mut st = s.serialize_struct("Results", n)?;
        st.serialize_field("scenario", &self.scenario)?;
        st.serialize_field("description", &self.description)?;
        st.serialize_field("swept_keys", &self.swept_keys)?;
        st.serialize_field(
            "rows",
            &FlatRows {
                keys: &self.swept_keys,
                rows: &self.rows,
            },
        )?;
        st.serialize_field(
            "roc",
            &FlatRows {
                keys: &self.swept_keys,
                rows: &self.roc,
            },
        )?;
        st.serialize_field("markers", &self.markers)?;
        if let Some(p) = &self.provenance {
            st.serialize_field("provenance", p)?;
        }
        st.end()
    }
}

impl<'de> Deserialize<'de> for Results {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawResults::deserialize(d)?;
        check_keys(&raw.swept_keys).map_err(D::Error::custom)?;
        let keys = &raw.swept_keys;
        let rows = unflatten_all(keys, raw.rows, "row", row).map_err(D::Error::custom)?;
        let roc = unflatten_all(keys, raw.roc, "roc row", roc_row).map_err(D::Error::custom)?;
        Ok(Results {
            scenario: raw.scenario,
            description: raw.description,
            swept_keys: raw.swept_keys,
            rows,
            roc,
            markers: raw.markers,
            provenance: raw.provenance,
        })
    }
}

/// Rejects swept keys that repeat or clash with `variant` or a column name,
/// since a flat row could not hold both.
fn check_keys(keys: &[String]) -> Result<(), String> {
    for (i, k) in keys.iter().enumerate() {
        let k_str = k.as_str();
        if k == "variant"
            || k == HISTOGRAM_NAME
            || METRIC_NAMES.contains(&k_str)
            || ROC_NAMES.contains(&k_str)
            || keys[..i].contains(k)
        {
            return Err(format!(
                "swept key `{k}` repeats or clashes with a column name"
            ));
        }
    }
    Ok(())
}

/// A row type written flat: coordinates, variant, then named cells.
trait Flat {
    /// The column names after `variant`.
    const NAMES: &'static [&'static str];
    /// The swept values.
    fn coords(&self) -> &[Value];
    /// The variant name.
    fn variant(&self) -> &str;
    /// The values in [`Flat::NAMES`] order.
    fn cells(&self) -> Vec<Cell>;
    /// A histogram written after the cells, as `(name, counts)`.
    fn histogram(&self) -> Option<(&'static str, &[u64])> {
        None
    }
}

impl Flat for Row {
    const NAMES: &'static [&'static str] = &METRIC_NAMES;
    fn coords(&self) -> &[Value] {
        &self.coords
    }
    fn variant(&self) -> &str {
        &self.variant
    }
    fn cells(&self) -> Vec<Cell> {
        self.metric_cells().to_vec()
    }
    fn histogram(&self) -> Option<(&'static str, &[u64])> {
        Some((HISTOGRAM_NAME, &self.fused_nodes))
    }
}

impl Flat for RocRow {
    const NAMES: &'static [&'static str] = &ROC_NAMES;
    fn coords(&self) -> &[Value] {
        &self.coords
    }
    fn variant(&self) -> &str {
        &self.variant
    }
    fn cells(&self) -> Vec<Cell> {
        RocRow::cells(self).to_vec()
    }
}

/// Rows of a [`Results`], serialized flat.
struct FlatRows<'a, T> {
    keys: &'a [String],
    rows: &'a [T],
}

impl<T: Flat> Serialize for FlatRows<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.rows.iter().map(|row| FlatRow {
            keys: self.keys,
            row,
        }))
    }
}

/// One row as a flat map in the fixed key order: the swept keys, `variant`,
/// then [`Flat::NAMES`]. serde_json writes map entries in the order they are
/// serialized, so the order holds without `preserve_order`.
struct FlatRow<'a, T> {
    keys: &'a [String],
    row: &'a T,
}

impl<T: Flat> Serialize for FlatRow<'_, T> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let row = self.row;
        let coords = row.coords();
        if coords.len() != self.keys.len() {
            return Err(S::Error::custom(format!(
                "row has {} coordinates for {} swept keys",
                coords.len(),
                self.keys.len()
            )));
        }
        let histogram = row.histogram();
        let n = self.keys.len() + 1 + T::NAMES.len() + usize::from(histogram.is_some());
        let mut map = s.serialize_map(Some(n))?;
        for (k, v) in self.keys.iter().zip(coords) {
            map.serialize_entry(k, v)?;
        }
        map.serialize_entry("variant", row.variant())?;
        for (name, cell) in T::NAMES.iter().zip(row.cells()) {
            match cell {
                Cell::F(x) => map.serialize_entry(name, &x.is_finite().then_some(x))?,
                Cell::U(n) => map.serialize_entry(name, &n)?,
            }
        }
        if let Some((name, counts)) = histogram {
            map.serialize_entry(name, counts)?;
        }
        map.end()
    }
}

/// The document as read, rows still flat maps.
#[derive(Deserialize)]
struct RawResults {
    scenario: String,
    #[serde(default)]
    description: String,
    swept_keys: Vec<String>,
    rows: Vec<Map<String, Value>>,
    #[serde(default)]
    roc: Vec<Map<String, Value>>,
    #[serde(default)]
    markers: Vec<super::Marker>,
    #[serde(default)]
    provenance: Option<super::Provenance>,
}

/// Builds every row of one array, naming the failing one (`what i`).
fn unflatten_all<T>(
    keys: &[String],
    maps: Vec<Map<String, Value>>,
    what: &str,
    build: impl Fn(Vec<Value>, String, &mut Fields) -> Result<T, String>,
) -> Result<Vec<T>, String> {
    maps.into_iter()
        .enumerate()
        .map(|(i, m)| unflatten(keys, m, &build).map_err(|e| format!("{what} {i}: {e}")))
        .collect()
}

/// Takes the swept keys and `variant` out of a flat map and builds the row
/// from the rest; unknown fields are ignored.
fn unflatten<T>(
    keys: &[String],
    mut m: Map<String, Value>,
    build: impl Fn(Vec<Value>, String, &mut Fields) -> Result<T, String>,
) -> Result<T, String> {
    let coords = keys
        .iter()
        .map(|k| {
            m.remove(k)
                .ok_or_else(|| format!("missing swept key `{k}`"))
        })
        .collect::<Result<_, _>>()?;
    let variant = match m.remove("variant") {
        Some(Value::String(s)) => s,
        Some(other) => return Err(format!("`variant` is not a string: {other}")),
        None => return Err("missing `variant`".into()),
    };
    build(coords, variant, &mut Fields(m))
}

/// The remaining fields of a flat row, taken out one by one.
struct Fields(Map<String, Value>);

impl Fields {
    /// A float (`null` as NaN); `missing` is used when absent, an error
    /// when `None`.
    fn float_or(&mut self, name: &str, missing: Option<f64>) -> Result<f64, String> {
        match self.0.remove(name) {
            Some(Value::Null) => Ok(f64::NAN),
            Some(Value::Number(n)) => n.as_f64().ok_or_else(|| format!("`{name}`: bad number")),
            Some(other) => Err(format!("`{name}` is not a number or null: {other}")),
            None => missing.ok_or_else(|| format!("missing `{name}`")),
        }
    }

    /// A required float.
    fn f(&mut self, name: &str) -> Result<f64, String> {
        self.float_or(name, None)
    }

    /// A float that older files lack: NaN when absent.
    fn f_new(&mut self, name: &str) -> Result<f64, String> {
        self.float_or(name, Some(f64::NAN))
    }

    /// A count; `missing` is used when absent, an error when `None`.
    fn count_or(&mut self, name: &str, missing: Option<u64>) -> Result<u64, String> {
        match self.0.remove(name) {
            Some(Value::Number(n)) => n
                .as_u64()
                .ok_or_else(|| format!("`{name}` is not a non-negative integer: {n}")),
            Some(other) => Err(format!("`{name}` is not a count: {other}")),
            None => missing.ok_or_else(|| format!("missing `{name}`")),
        }
    }

    /// A required count.
    fn u(&mut self, name: &str) -> Result<u64, String> {
        self.count_or(name, None)
    }

    /// An array of counts that older files lack: empty when absent.
    fn counts_new(&mut self, name: &str) -> Result<Vec<u64>, String> {
        match self.0.remove(name) {
            None => Ok(Vec::new()),
            Some(Value::Array(a)) => a
                .iter()
                .map(|x| {
                    x.as_u64()
                        .ok_or_else(|| format!("`{name}` holds {x}, not a count"))
                })
                .collect(),
            Some(other) => Err(format!("`{name}` is not an array of counts: {other}")),
        }
    }
}

/// Builds a [`Row`]; the columns after `pd_analytic_corrected` may be absent.
fn row(coords: Vec<Value>, variant: String, m: &mut Fields) -> Result<Row, String> {
    Ok(Row {
        coords,
        variant,
        pd: m.f("pd")?,
        pd_low: m.f("pd_low")?,
        pd_high: m.f("pd_high")?,
        pfa: m.f("pfa")?,
        pfa_low: m.f("pfa_low")?,
        pfa_high: m.f("pfa_high")?,
        pd_analytic_paper: m.f("pd_analytic_paper")?,
        pd_analytic_exact: m.f("pd_analytic_exact")?,
        latency_mean_s: m.f("latency_mean_s")?,
        latency_p99_s: m.f("latency_p99_s")?,
        late_fraction: m.f("late_fraction")?,
        lost_fraction: m.f("lost_fraction")?,
        backhaul_bytes_per_frame: m.f("backhaul_bytes_per_frame")?,
        sinr_ok_fraction: m.f("sinr_ok_fraction")?,
        infeasible_drops: m.u("infeasible_drops")?,
        drops: m.u("drops")?,
        frames: m.u("frames")?,
        pd_analytic_corrected: m.f("pd_analytic_corrected")?,
        pd_drops_low: m.f_new("pd_drops_low")?,
        pd_drops_high: m.f_new("pd_drops_high")?,
        null_frames: m.count_or("null_frames", Some(0))?,
        pfa_rel_error: m.f_new("pfa_rel_error")?,
        pd_analytic_arrived: m.f_new("pd_analytic_arrived")?,
        pfa_analytic_arrived: m.f_new("pfa_analytic_arrived")?,
        stale_fraction: m.f_new("stale_fraction")?,
        retransmissions_per_frame: m.f_new("retransmissions_per_frame")?,
        report_delay_mean_s: m.f_new("report_delay_mean_s")?,
        fused_nodes_mean: m.f_new("fused_nodes_mean")?,
        fused_nodes: m.counts_new(HISTOGRAM_NAME)?,
    })
}

/// Builds a [`RocRow`]; every column is required.
fn roc_row(coords: Vec<Value>, variant: String, m: &mut Fields) -> Result<RocRow, String> {
    Ok(RocRow {
        coords,
        variant,
        pfa_design: m.f("pfa_design")?,
        pd: m.f("pd")?,
        pd_low: m.f("pd_low")?,
        pd_high: m.f("pd_high")?,
        pfa: m.f("pfa")?,
        pfa_low: m.f("pfa_low")?,
        pfa_high: m.f("pfa_high")?,
        pfa_rel_error: m.f("pfa_rel_error")?,
        target_frames: m.u("target_frames")?,
        null_frames: m.u("null_frames")?,
    })
}
