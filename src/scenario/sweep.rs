//! `[sweep]` axes (value lists and ranges), `[[variant]]` overrides, and the
//! cartesian product of the axes.

use super::doc::flatten;
use super::{Problem, SweepAxis, Variant};
use toml::{Table, Value};

/// Keys whose values are integers: a range over them yields integers (and
/// so does any key of bytes: `*_bytes`, e.g. `backhaul.node[2].buffer_bytes`).
const INTEGER_KEYS: [&str; 10] = [
    "system.tx_antennas",
    "system.bs_rx_antennas",
    "system.rap_antennas",
    "system.users",
    "system.raps",
    "system.frame_symbols",
    "run.drops",
    "run.frames",
    "run.seed",
    "backhaul.fusion",
];

/// Whether a range over `key` yields integers.
fn integer_key(key: &str) -> bool {
    INTEGER_KEYS.contains(&key) || (key.starts_with("backhaul.") && key.ends_with("_bytes"))
}

/// Most points one range may produce (and one scenario may have:
/// [`super::limits::MAX_POINTS`]).
const MAX_POINTS: usize = super::limits::MAX_POINTS;

/// The number of points (coordinates times variants), or a problem when it
/// exceeds [`MAX_POINTS`]: each axis may be within its own limit while their
/// product is not.
pub(super) fn check_size(axes: &[SweepAxis], variants: usize) -> Result<usize, Problem> {
    let mut n: usize = variants.max(1);
    for a in axes {
        n = n.saturating_mul(a.values.len());
    }
    if n <= MAX_POINTS {
        return Ok(n);
    }
    let sizes: Vec<String> = axes
        .iter()
        .map(|a| format!("{} ({})", a.key, a.values.len()))
        .collect();
    Err(problem(
        "sweep",
        format!(
            "gives {} points: the axes' product {} times {} variant(s) must be at most {MAX_POINTS}",
            if n == usize::MAX {
                "too many".to_string()
            } else {
                n.to_string()
            },
            sizes.join(" x "),
            variants.max(1)
        ),
    ))
}

fn problem(key: &str, message: String) -> Problem {
    Problem {
        line: None,
        key: key.to_string(),
        message,
    }
}

/// The axes of a `[sweep]` table, in key order.
pub(super) fn parse_sweep(v: &Value, problems: &mut Vec<Problem>) -> Vec<SweepAxis> {
    let Value::Table(t) = v else {
        problems.push(problem(
            "sweep",
            "must be a table of key = [values] or key = { from, to, ... }".into(),
        ));
        return Vec::new();
    };
    let mut axes: Vec<SweepAxis> = Vec::new();
    let mut seen: Vec<String> = Vec::new();
    for (key, val) in flatten("", t, &|t| t.contains_key("from")) {
        if seen.contains(&key) {
            problems.push(problem(
                &key,
                "in [sweep]: axis given twice (e.g. as \"a.b\" and a.b, or in a sub-table); give each swept key once".into(),
            ));
            axes.retain(|a| a.key != key);
            continue;
        }
        seen.push(key.clone());
        match axis_values(&key, &val) {
            Ok(values) => axes.push(SweepAxis { key, values }),
            Err(m) => problems.push(problem(&key, format!("in [sweep]: {m}"))),
        }
    }
    axes
}

/// The values of one axis: an array, or a range table.
pub(super) fn axis_values(key: &str, v: &Value) -> Result<Vec<Value>, String> {
    match v {
        Value::Array(a) if a.is_empty() => Err("needs at least one value".into()),
        Value::Array(a) => Ok(a.clone()),
        Value::Table(t) => range(key, t),
        _ => Err(format!(
            "{v} is not an axis: give an array of values, {{ from, to, step }} or {{ from, to, points, scale = \"linear\" | \"log\" }}"
        )),
    }
}

fn get_num(t: &Table, k: &str) -> Result<Option<f64>, String> {
    match t.get(k) {
        None => Ok(None),
        Some(Value::Integer(i)) => Ok(Some(*i as f64)),
        Some(Value::Float(f)) if f.is_finite() => Ok(Some(*f)),
        Some(x) => Err(format!("range {k} = {x} must be a finite number")),
    }
}

/// `x` rounded to 12 significant digits (hides 0.1 + 0.2 noise).
fn tidy(x: f64) -> f64 {
    format!("{x:.11e}").parse().unwrap_or(x)
}

/// The values of a range table.
fn range(key: &str, t: &Table) -> Result<Vec<Value>, String> {
    const FORMS: &str = "{ from, to, step } or { from, to, points, scale = \"linear\" | \"log\" }";
    if let Some(k) = t
        .keys()
        .find(|k| !["from", "to", "step", "points", "scale"].contains(&k.as_str()))
    {
        return Err(format!("unknown range key `{k}`; a range is {FORMS}"));
    }
    let (Some(a), Some(b)) = (get_num(t, "from")?, get_num(t, "to")?) else {
        return Err(format!("a range needs from and to: {FORMS}"));
    };
    let scale = match t.get("scale") {
        None => "linear",
        Some(Value::String(s)) if s == "linear" || s == "log" => s.as_str(),
        Some(x) => return Err(format!("range scale = {x} must be \"linear\" or \"log\"")),
    };
    let xs: Vec<f64> = match (get_num(t, "step")?, t.get("points")) {
        (Some(_), Some(_)) => return Err(format!("give either step or points, not both: {FORMS}")),
        (Some(step), None) => {
            if scale != "linear" {
                return Err("step ranges are linear; use points with scale = \"log\"".into());
            }
            if step <= 0.0 {
                return Err(format!("range step = {step} must be > 0"));
            }
            if b < a {
                return Err(format!("range needs from <= to (from = {a}, to = {b})"));
            }
            let tol = 1e-9 * a.abs().max(b.abs()).max(step);
            let n = ((b - a + tol) / step).floor();
            if n >= MAX_POINTS as f64 {
                return Err(format!("range gives more than {MAX_POINTS} points"));
            }
            (0..=n as usize)
                .map(|i| {
                    let x = a + i as f64 * step;
                    if (x - b).abs() <= tol { b } else { tidy(x) }
                })
                .collect()
        }
        (None, Some(pts)) => {
            let n = match pts {
                Value::Integer(n) if *n >= 1 && (*n as usize) <= MAX_POINTS => *n as usize,
                x => {
                    return Err(format!(
                        "range points = {x} must be an integer in 1..={MAX_POINTS}"
                    ));
                }
            };
            let at = |i: usize| {
                if n == 1 {
                    0.0
                } else {
                    i as f64 / (n - 1) as f64
                }
            };
            if scale == "log" {
                if a <= 0.0 || b <= 0.0 {
                    return Err(format!(
                        "a log range needs from > 0 and to > 0 (from = {a}, to = {b})"
                    ));
                }
                let (la, lb) = (a.log10(), b.log10());
                (0..n)
                    .map(|i| {
                        let e = la + (lb - la) * at(i);
                        match i {
                            0 => a,
                            _ if i + 1 == n => b,
                            _ if (e - e.round()).abs() < 1e-9 => {
                                format!("1e{}", e.round()).parse().unwrap_or(e)
                            }
                            _ => tidy(10f64.powf(e)),
                        }
                    })
                    .collect()
            } else {
                (0..n)
                    .map(|i| {
                        if i + 1 == n && n > 1 {
                            b
                        } else {
                            tidy(a + (b - a) * at(i))
                        }
                    })
                    .collect()
            }
        }
        (None, None) => return Err(format!("a range needs step or points: {FORMS}")),
    };
    Ok(if integer_key(key) {
        xs.into_iter()
            .map(|x| Value::Integer(x.round() as i64))
            .collect()
    } else {
        xs.into_iter().map(Value::Float).collect()
    })
}

/// The `[[variant]]` tables, flattened into key paths.
pub(super) fn parse_variants(v: &Value, problems: &mut Vec<Problem>) -> Vec<Variant> {
    let Value::Array(items) = v else {
        problems.push(problem(
            "variant",
            "must be an array of tables: [[variant]] with label = \"...\"".into(),
        ));
        return Vec::new();
    };
    let mut out: Vec<Variant> = Vec::new();
    for (i, item) in items.iter().enumerate() {
        let Value::Table(t) = item else {
            problems.push(problem(
                &format!("variant[{i}]"),
                "must be a table with label = \"...\"".into(),
            ));
            continue;
        };
        let label = match t.get("label") {
            Some(Value::String(s)) if s.chars().count() > super::limits::MAX_LABEL_CHARS => {
                problems.push(problem(
                    &format!("variant[{i}].label"),
                    format!(
                        "label of {} characters must have at most {}",
                        s.chars().count(),
                        super::limits::MAX_LABEL_CHARS
                    ),
                ));
                continue;
            }
            Some(Value::String(s)) if !s.is_empty() => s.clone(),
            Some(x) => {
                problems.push(problem(
                    &format!("variant[{i}].label"),
                    format!("value {x} must be a non-empty string"),
                ));
                continue;
            }
            None => {
                problems.push(problem(
                    &format!("variant[{i}]"),
                    "needs label = \"...\" (a unique, non-empty string)".into(),
                ));
                continue;
            }
        };
        if out.iter().any(|v| v.label == label) {
            problems.push(problem(
                &format!("variant[{i}].label"),
                format!("label \"{label}\" must be unique"),
            ));
            continue;
        }
        let mut rest = t.clone();
        rest.remove("label");
        let overrides = flatten("", &rest, &|_| false);
        for (j, (k, _)) in overrides.iter().enumerate() {
            if overrides[..j].iter().any(|(o, _)| o == k) {
                problems.push(problem(
                    &format!("variant[{i}].{k}"),
                    format!("key given twice in variant '{label}' (e.g. as \"a.b\" and a.b); give it once"),
                ));
            }
        }
        out.push(Variant { label, overrides });
    }
    out
}

/// Every coordinate of the sweep, row-major (the first axis varies slowest).
pub(super) fn coordinates(axes: &[SweepAxis]) -> Vec<Vec<(String, Value)>> {
    let mut out = vec![Vec::new()];
    for axis in axes {
        out = out
            .into_iter()
            .flat_map(|c: Vec<(String, Value)>| {
                axis.values.iter().map(move |v| {
                    let mut c = c.clone();
                    c.push((axis.key.clone(), v.clone()));
                    c
                })
            })
            .collect();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rng(key: &str, s: &str) -> Result<Vec<Value>, String> {
        let t: Table = toml::from_str(s).unwrap();
        range(key, &t)
    }

    #[test]
    fn ranges() {
        let log = rng(
            "backhaul.capacity_bps",
            "from = 1e3\nto = 1e10\npoints = 8\nscale = \"log\"",
        )
        .unwrap();
        let want: Vec<Value> = (3..=10).map(|e| Value::Float(10f64.powi(e))).collect();
        assert_eq!(log, want);
        let step = rng("power.pmax_dbm", "from = 0\nto = 1\nstep = 0.1").unwrap();
        assert_eq!(step.len(), 11);
        assert_eq!(step[3], Value::Float(0.3));
        assert_eq!(step[10], Value::Float(1.0));
        let ints = rng("system.raps", "from = 0\nto = 10\nstep = 5").unwrap();
        assert_eq!(ints, [0, 5, 10].map(Value::Integer));
        assert!(rng("x", "from = 0\nto = 1\nstep = 0").is_err());
        assert!(rng("x", "from = 0\nto = 1\npoints = 0").is_err());
        assert!(rng("x", "from = 0\nto = 1\npoints = 3\nscale = \"log\"").is_err());
    }

    #[test]
    fn coordinates_are_row_major() {
        let ax = |k: &str, n: i64| SweepAxis {
            key: k.into(),
            values: (0..n).map(Value::Integer).collect(),
        };
        let c = coordinates(&[ax("a", 2), ax("b", 3)]);
        assert_eq!(c.len(), 6);
        assert_eq!(
            c[1],
            vec![
                ("a".into(), Value::Integer(0)),
                ("b".into(), Value::Integer(1))
            ]
        );
        assert_eq!(c[3][0].1, Value::Integer(1));
        assert_eq!(coordinates(&[]), vec![Vec::new()]);
    }
}
