//! Document helpers: dotted key paths over a `toml::Table`, `--set` values,
//! syntax errors, and the line of a key in the original text (best effort).

use super::Problem;
use std::collections::HashMap;
use toml::{Table, Value};

/// Sets the dotted `path` in `t` to `v`, creating intermediate tables (and
/// replacing any non-table value in the way). A segment `name[i]` is entry
/// `i` of the array of tables `name`: missing entries are added as empty
/// tables (so that validation names what the new entry lacks), and a
/// non-array `name` or non-table entry is replaced.
pub(super) fn set_path(t: &mut Table, path: &str, v: Value) {
    let segs: Vec<&str> = path.split('.').collect();
    let n = segs.len();
    let mut cur = t;
    for (j, s) in segs.into_iter().enumerate() {
        let last = j + 1 == n;
        let (name, index) = indexed(s);
        let Some(i) = index else {
            if last {
                cur.insert(name.to_string(), v);
                return;
            }
            cur = table_at(
                cur.entry(name.to_string())
                    .or_insert_with(|| Value::Table(Table::new())),
            );
            continue;
        };
        let e = cur
            .entry(name.to_string())
            .or_insert_with(|| Value::Array(Vec::new()));
        if !e.is_array() {
            *e = Value::Array(Vec::new());
        }
        let Value::Array(a) = e else {
            unreachable!("made an array above")
        };
        if a.len() <= i {
            a.resize(i + 1, Value::Table(Table::new()));
        }
        if last {
            a[i] = v;
            return;
        }
        cur = table_at(&mut a[i]);
    }
}

/// `e` as a table, replacing any other value with an empty table.
fn table_at(e: &mut Value) -> &mut Table {
    if !e.is_table() {
        *e = Value::Table(Table::new());
    }
    match e {
        Value::Table(t) => t,
        _ => unreachable!("made a table above"),
    }
}

/// Entries of one array of tables a key path may index at most (a path
/// such as `backhaul.node[99999999]` must not allocate without bound).
pub(super) const MAX_INDEX: usize = 4096;

/// A path segment `name[i]` as `(name, Some(i))` (for `i` up to
/// [`MAX_INDEX`]); any other segment as `(segment, None)`.
pub(super) fn indexed(seg: &str) -> (&str, Option<usize>) {
    let parsed = seg
        .strip_suffix(']')
        .and_then(|s| s.split_once('['))
        .and_then(|(n, i)| {
            let i: usize = i.parse().ok()?;
            (!n.is_empty() && i <= MAX_INDEX && i.to_string().len() == seg.len() - n.len() - 2)
                .then_some((n, i))
        });
    match parsed {
        Some((n, i)) => (n, Some(i)),
        None => (seg, None),
    }
}

/// A table holding only `path = v`.
pub(super) fn chain(path: &str, v: Value) -> Table {
    let mut t = Table::new();
    set_path(&mut t, path, v);
    t
}

/// Whether `a` and `b` name the same key or one contains the other.
pub(super) fn related(a: &str, b: &str) -> bool {
    within(a, b) || within(b, a)
}

/// Whether `a` is `b` or a key inside it (`b.x`, or an entry `b[i]...` of
/// the array of tables `b`).
pub(super) fn within(a: &str, b: &str) -> bool {
    a.strip_prefix(b)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with(['.', '[']))
}

/// Every leaf of `t` as `(dotted path, value)`. Arrays are leaves, and so is
/// any table for which `leaf` says so.
pub(super) fn flatten(
    prefix: &str,
    t: &Table,
    leaf: &dyn Fn(&Table) -> bool,
) -> Vec<(String, Value)> {
    let mut out = Vec::new();
    for (k, v) in t {
        let path = if prefix.is_empty() {
            k.clone()
        } else {
            format!("{prefix}.{k}")
        };
        match v {
            Value::Table(sub) if !leaf(sub) => out.extend(flatten(&path, sub, leaf)),
            _ => out.push((path, v.clone())),
        }
    }
    out
}

/// A `--set` value: TOML if it parses as a value, else the raw string.
pub(super) fn parse_value(s: &str) -> Value {
    toml::from_str::<Table>(&format!("v = {s}"))
        .ok()
        .and_then(|mut t| t.remove("v"))
        .unwrap_or_else(|| Value::String(s.to_string()))
}

/// A TOML syntax error as a problem with its line.
pub(super) fn syntax_problem(text: &str, e: &toml::de::Error) -> Problem {
    let line = e.span().map(|s| {
        text.as_bytes()[..s.start.min(text.len())]
            .iter()
            .filter(|b| **b == b'\n')
            .count()
            + 1
    });
    let msg = e.message().trim();
    let at = line.and_then(|l| key_of_line(text, l));
    let message = if msg.starts_with("duplicate key") {
        match &at {
            Some((key, true)) => {
                format!("table [{key}] is defined twice: give each table once (TOML syntax)")
            }
            Some((key, false)) => {
                format!("duplicate key `{key}`: give each key once (TOML syntax)")
            }
            None => format!("TOML syntax error: {msg}"),
        }
    } else if msg.contains("as i128") || msg.contains("number too large") {
        let key = at.map_or(String::new(), |(k, _)| format!("`{k}` "));
        format!(
            "integer {key}is too large: TOML integers must be in {}..={}",
            i64::MIN,
            i64::MAX
        )
    } else {
        format!("TOML syntax error: {msg}")
    };
    Problem {
        line,
        key: String::new(),
        message,
    }
}

/// The dotted key defined on 1-based `line` of `text`, and whether it is a
/// table header (`[a.b]`), when the line holds one.
pub(super) fn key_of_line(text: &str, line: usize) -> Option<(String, bool)> {
    let mut header = String::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (i, raw) in text.lines().enumerate().take(line) {
        let l = strip_comment(raw).trim();
        let here = i + 1 == line;
        if l.starts_with('[') {
            let aot = l.starts_with("[[");
            let inner = if aot {
                l.strip_prefix("[[").and_then(|l| l.strip_suffix("]]"))
            } else {
                l.strip_prefix('[').and_then(|l| l.strip_suffix(']'))
            };
            if let Some(segs) = inner.and_then(key_segments) {
                header = header_path(&segs, aot, &mut counts);
                if here {
                    return Some((segs.join("."), true));
                }
            }
            continue;
        }
        if here {
            let eq = find_eq(l)?;
            let key = key_segments(&l[..eq])?.join(".");
            return Some((
                if header.is_empty() {
                    key
                } else {
                    format!("{header}.{key}")
                },
                false,
            ));
        }
    }
    None
}

/// `text` up to a `#` outside quotes.
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    let mut escape = false;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) => {
                if escape {
                    escape = false;
                } else if c == '\\' && q == '"' {
                    escape = true;
                } else if c == q {
                    quote = None;
                }
            }
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '#' => return &line[..i],
            None => {}
        }
    }
    line
}

/// Net bracket/brace depth of `s` outside quotes.
fn depth(s: &str) -> i64 {
    let mut d = 0;
    let mut quote: Option<char> = None;
    for c in s.chars() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None => match c {
                '"' | '\'' => quote = Some(c),
                '[' | '{' => d += 1,
                ']' | '}' => d -= 1,
                _ => {}
            },
        }
    }
    d
}

/// The segments of a dotted key (quotes removed), or `None` if `s` is not one.
fn key_segments(s: &str) -> Option<Vec<String>> {
    let mut segs = Vec::new();
    let mut rest = s.trim();
    loop {
        let (seg, after) = if let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'')
        {
            let end = rest[1..].find(q)? + 1;
            (rest[1..end].to_string(), &rest[end + 1..])
        } else {
            let end = rest.find('.').unwrap_or(rest.len());
            let seg = rest[..end].trim();
            if seg.is_empty()
                || !seg
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
            {
                return None;
            }
            (seg.to_string(), &rest[end..])
        };
        segs.push(seg);
        let after = after.trim_start();
        if after.is_empty() {
            return Some(segs);
        }
        rest = after.strip_prefix('.')?.trim_start();
    }
}

/// The 1-based line of the dotted `path` in `text`. Arrays of tables are
/// indexed, e.g. `variant[1].label` or `backhaul.node[0].id`. A key given in
/// an inline table (or array) resolves to the line of the enclosing key, and
/// a key missing from an entry of an array of tables to the entry's header.
pub(super) fn find_line(text: &str, path: &str) -> Option<usize> {
    let mut header = String::new();
    let mut counts: HashMap<String, usize> = HashMap::new();
    // The line of the longest key or entry header that contains `path`.
    let mut fallback: Option<(usize, usize)> = None;
    let keep = |f: &mut Option<(usize, usize)>, len: usize, line: usize| {
        if f.is_none_or(|(l, _)| len > l) {
            *f = Some((len, line));
        }
    };
    let mut open = 0i64;
    for (i, raw) in text.lines().enumerate() {
        let line = strip_comment(raw).trim();
        if open > 0 {
            open += depth(line);
            continue;
        }
        if line.starts_with('[') {
            let aot = line.starts_with("[[");
            let inner = if aot {
                line.strip_prefix("[[").and_then(|l| l.strip_suffix("]]"))
            } else {
                line.strip_prefix('[').and_then(|l| l.strip_suffix(']'))
            };
            if let Some(segs) = inner.and_then(key_segments) {
                header = header_path(&segs, aot, &mut counts);
                if header == path {
                    return Some(i + 1);
                }
                // A key missing from an entry of an array of tables: the
                // entry's header, unless the key is found.
                if aot && within(path, &header) {
                    keep(&mut fallback, header.len(), i + 1);
                }
            }
            continue;
        }
        let Some(eq) = find_eq(line) else { continue };
        let Some(segs) = key_segments(&line[..eq]) else {
            continue;
        };
        let key = segs.join(".");
        let full = if header.is_empty() {
            key
        } else {
            format!("{header}.{key}")
        };
        if full == path {
            return Some(i + 1);
        }
        if within(path, &full) {
            keep(&mut fallback, full.len(), i + 1);
        }
        open = depth(&line[eq + 1..]).max(0);
    }
    fallback.map(|(_, line)| line)
}

/// The line of a problem: its key's, else that of the first other key
/// (`section.key`) its message names that the file gives (a limit on
/// `backhaul.frame_interval_s` caused by `backhaul.symbol_time_s`).
pub(super) fn problem_line(text: &str, key: &str, message: &str) -> Option<usize> {
    find_line(text, key).or_else(|| {
        message
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '.'))
            .filter(|w| w.contains('.') && w.chars().next().is_some_and(|c| c.is_ascii_lowercase()))
            .find_map(|w| find_line(text, w.trim_end_matches('.')))
    })
}

/// Position of the first `=` outside quotes.
fn find_eq(line: &str) -> Option<usize> {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == '"' || c == '\'' => quote = Some(c),
            None if c == '=' => return Some(i),
            None => {}
        }
    }
    None
}

/// The indexed path of a table header; counts arrays of tables.
fn header_path(segs: &[String], aot: bool, counts: &mut HashMap<String, usize>) -> String {
    let mut name = String::new();
    let mut path = String::new();
    let n = segs.len();
    for (j, s) in segs.iter().enumerate() {
        if j > 0 {
            name.push('.');
            path.push('.');
        }
        name.push_str(s);
        path.push_str(s);
        if aot && j + 1 == n {
            let c = counts.entry(name.clone()).or_insert(0);
            path.push_str(&format!("[{c}]"));
            *c += 1;
        } else if let Some(c) = counts.get(&name) {
            path.push_str(&format!("[{}]", c.saturating_sub(1)));
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_of_keys_headers_and_arrays_of_tables() {
        let text = "name = \"x\" # c\n[sensing]\npfa = 2\n[sweep]\n\"power.pmax_dbm\" = [\n  [1],\n]\nsystem.raps = { from = 1, to = 3, step = 1 }\n[[variant]]\nlabel = \"a\"\n[[variant]]\nlabel = \"b\"\n[variant.backhaul]\nreport = \"decision\"\n[backhaul]\ndownlink = { loss = 2 }\n[[backhaul.node]]\nid = 1\n";
        assert_eq!(find_line(text, "name"), Some(1));
        assert_eq!(find_line(text, "sensing.pfa"), Some(3));
        assert_eq!(find_line(text, "sweep.power.pmax_dbm"), Some(5));
        assert_eq!(find_line(text, "sweep.system.raps"), Some(8));
        assert_eq!(find_line(text, "variant[1].label"), Some(12));
        assert_eq!(find_line(text, "variant[1].backhaul.report"), Some(14));
        assert_eq!(find_line(text, "backhaul.downlink.loss"), Some(16));
        assert_eq!(find_line(text, "backhaul.node[0].id"), Some(18));
        assert_eq!(find_line(text, "backhaul.node[0].report"), Some(17));
        assert_eq!(find_line(text, "run.seed"), None);
    }

    #[test]
    fn set_values_parse_as_toml_or_fall_back_to_strings() {
        assert_eq!(parse_value("1e-4"), Value::Float(1e-4));
        assert_eq!(parse_value("decision"), Value::String("decision".into()));
        assert_eq!(parse_value("\"a b\""), Value::String("a b".into()));
        let mut t = Table::new();
        set_path(&mut t, "a.b.c", Value::Integer(1));
        assert_eq!(t["a"]["b"]["c"], Value::Integer(1));
    }

    #[test]
    fn indexed_paths_reach_entries_of_arrays_of_tables() {
        let mut t: Table =
            toml::from_str("[[b.agg]]\nnodes = \"all\"\n[[b.agg]]\nnodes = [1]\n").unwrap();
        set_path(&mut t, "b.agg[1].capacity_bps", Value::Float(1e6));
        assert_eq!(t["b"]["agg"][1]["capacity_bps"], Value::Float(1e6));
        assert_eq!(
            t["b"]["agg"][1]["nodes"],
            Value::Array(vec![Value::Integer(1)])
        );
        assert_eq!(t["b"]["agg"][0]["nodes"], Value::String("all".into()));
        // A missing entry is added empty, for validation to name.
        set_path(&mut t, "b.agg[3].latency_s", Value::Float(0.0));
        let a = t["b"]["agg"].as_array().unwrap();
        assert_eq!(a.len(), 4);
        assert_eq!(a[2], Value::Table(Table::new()));
        set_path(&mut t, "b.agg[0]", Value::Integer(5));
        assert_eq!(t["b"]["agg"][0], Value::Integer(5));
        assert_eq!(indexed("node[12]"), ("node", Some(12)));
        for s in [
            "node[x]",
            "node[]",
            "[1]",
            "node[01]",
            "node[99999999999]",
            "node",
        ] {
            assert_eq!(indexed(s), (s, None), "{s}");
        }
        assert!(within("b.agg[0].capacity_bps", "b.agg"));
        assert!(within("b.agg[0].capacity_bps", "b.agg[0]"));
        assert!(!within("b.aggregate", "b.agg"));
        assert!(related("b.agg", "b.agg[2].x"));
    }
}
