//! The serde form of [`Results`]: rows as flat objects with a fixed key order.

use super::{Cell, METRIC_NAMES, Results, Row};
use serde::de::Error as _;
use serde::ser::{Error as _, SerializeMap, SerializeStruct};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

impl Serialize for Results {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        check_keys(&self.swept_keys).map_err(S::Error::custom)?;
        let mut st = s.serialize_struct("Results", 4)?;
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
        st.end()
    }
}

impl<'de> Deserialize<'de> for Results {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = RawResults::deserialize(d)?;
        check_keys(&raw.swept_keys).map_err(D::Error::custom)?;
        let rows = raw
            .rows
            .into_iter()
            .enumerate()
            .map(|(i, map)| {
                unflatten(&raw.swept_keys, map)
                    .map_err(|e| D::Error::custom(format!("row {i}: {e}")))
            })
            .collect::<Result<_, _>>()?;
        Ok(Results {
            scenario: raw.scenario,
            description: raw.description,
            swept_keys: raw.swept_keys,
            rows,
        })
    }
}

/// Rejects swept keys that repeat or clash with `variant` or a metric name,
/// since a flat row could not hold both.
fn check_keys(keys: &[String]) -> Result<(), String> {
    for (i, k) in keys.iter().enumerate() {
        if k == "variant" || METRIC_NAMES.contains(&k.as_str()) || keys[..i].contains(k) {
            return Err(format!(
                "swept key `{k}` repeats or clashes with a column name"
            ));
        }
    }
    Ok(())
}

/// The rows of a [`Results`], serialized flat.
struct FlatRows<'a> {
    keys: &'a [String],
    rows: &'a [Row],
}

impl Serialize for FlatRows<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.rows.iter().map(|row| FlatRow {
            keys: self.keys,
            row,
        }))
    }
}

/// One row as a flat map in the fixed key order: the swept keys, `variant`,
/// then [`METRIC_NAMES`]. serde_json writes map entries in the order they are
/// serialized, so the order holds without `preserve_order`.
struct FlatRow<'a> {
    keys: &'a [String],
    row: &'a Row,
}

impl Serialize for FlatRow<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let row = self.row;
        if row.coords.len() != self.keys.len() {
            return Err(S::Error::custom(format!(
                "row has {} coordinates for {} swept keys",
                row.coords.len(),
                self.keys.len()
            )));
        }
        let mut map = s.serialize_map(Some(self.keys.len() + 1 + METRIC_NAMES.len()))?;
        for (k, v) in self.keys.iter().zip(&row.coords) {
            map.serialize_entry(k, v)?;
        }
        map.serialize_entry("variant", &row.variant)?;
        for (name, cell) in METRIC_NAMES.iter().zip(row.metric_cells()) {
            match cell {
                Cell::F(x) => map.serialize_entry(name, &x.is_finite().then_some(x))?,
                Cell::U(n) => map.serialize_entry(name, &n)?,
            }
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
}

/// Builds a [`Row`] from a flat map; unknown fields are ignored.
fn unflatten(keys: &[String], mut m: Map<String, Value>) -> Result<Row, String> {
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
    let mut f = |name: &str| match m.remove(name) {
        Some(Value::Null) => Ok(f64::NAN),
        Some(Value::Number(n)) => n.as_f64().ok_or_else(|| format!("`{name}`: bad number")),
        Some(other) => Err(format!("`{name}` is not a number or null: {other}")),
        None => Err(format!("missing `{name}`")),
    };
    let (pd, pd_low, pd_high) = (f("pd")?, f("pd_low")?, f("pd_high")?);
    let (pfa, pfa_low, pfa_high) = (f("pfa")?, f("pfa_low")?, f("pfa_high")?);
    let pd_analytic_paper = f("pd_analytic_paper")?;
    let pd_analytic_exact = f("pd_analytic_exact")?;
    let latency_mean_s = f("latency_mean_s")?;
    let latency_p99_s = f("latency_p99_s")?;
    let late_fraction = f("late_fraction")?;
    let lost_fraction = f("lost_fraction")?;
    let backhaul_bytes_per_frame = f("backhaul_bytes_per_frame")?;
    let sinr_ok_fraction = f("sinr_ok_fraction")?;
    let pd_analytic_corrected = f("pd_analytic_corrected")?;
    let mut u = |name: &str| match m.remove(name) {
        Some(Value::Number(n)) => n
            .as_u64()
            .ok_or_else(|| format!("`{name}` is not a non-negative integer: {n}")),
        Some(other) => Err(format!("`{name}` is not a count: {other}")),
        None => Err(format!("missing `{name}`")),
    };
    let (infeasible_drops, drops, frames) = (u("infeasible_drops")?, u("drops")?, u("frames")?);
    Ok(Row {
        coords,
        variant,
        pd,
        pd_low,
        pd_high,
        pfa,
        pfa_low,
        pfa_high,
        pd_analytic_paper,
        pd_analytic_exact,
        latency_mean_s,
        latency_p99_s,
        late_fraction,
        lost_fraction,
        backhaul_bytes_per_frame,
        sinr_ok_fraction,
        infeasible_drops,
        drops,
        frames,
        pd_analytic_corrected,
    })
}
