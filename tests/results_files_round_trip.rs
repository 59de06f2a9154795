//! Results files (CSV, JSON, save/load) and plots on synthetic results.

use iaps::results::{
    HISTOGRAM_NAME, MAX_ROC_FIGURES, METRIC_NAMES, Marker, ROC_NAMES, Results, RocRow, Row,
    plot_all,
};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

/// A row with metrics derived from `pd` (all finite).
fn row(coords: Vec<Value>, variant: &str, pd: f64) -> Row {
    Row {
        coords,
        variant: variant.into(),
        pd,
        pd_low: (pd - 0.05).max(0.0),
        pd_high: (pd + 0.05).min(1.0),
        pfa: 1e-3,
        pfa_low: 5e-4,
        pfa_high: 2e-3,
        pd_analytic_paper: pd * 0.95,
        pd_analytic_exact: (pd * 1.02).min(1.0),
        latency_mean_s: 0.002 + pd * 0.01,
        latency_p99_s: 0.01 + pd * 0.05,
        late_fraction: 0.01,
        lost_fraction: 0.0,
        backhaul_bytes_per_frame: 4096.0,
        sinr_ok_fraction: 1.0,
        infeasible_drops: 0,
        drops: 100,
        frames: 10_000,
        pd_analytic_corrected: pd * 0.97,
        pd_drops_low: (pd - 0.1).max(0.0),
        pd_drops_high: (pd + 0.1).min(1.0),
        null_frames: 5_000,
        pfa_rel_error: 0.25,
        pd_analytic_arrived: pd * 0.99,
        pfa_analytic_arrived: 1e-5,
        stale_fraction: 0.02,
        retransmissions_per_frame: 0.125,
        report_delay_mean_s: 3e-4,
        fused_nodes_mean: 10.5,
        fused_nodes: vec![0, 0, 1, 2],
    }
}

/// A ROC row at design level `pfa_design`, with Pd rising in it.
fn roc_row(coords: Vec<Value>, variant: &str, pfa_design: f64, shift: f64) -> RocRow {
    let pd = (pfa_design.powf(0.25 * shift)).clamp(0.0, 1.0);
    RocRow {
        coords,
        variant: variant.into(),
        pfa_design,
        pd,
        pd_low: (pd - 0.04).max(0.0),
        pd_high: (pd + 0.04).min(1.0),
        pfa: pfa_design * 1.1,
        pfa_low: pfa_design * 0.8,
        pfa_high: pfa_design * 1.4,
        pfa_rel_error: 0.12,
        target_frames: 5_000,
        null_frames: 20_000,
    }
}

/// ROC rows for each point (coords) and variant at four false-alarm levels.
fn roc_rows(points: &[Vec<Value>], variants: &[&str]) -> Vec<RocRow> {
    let mut out = Vec::new();
    for p in points {
        for (j, v) in variants.iter().enumerate() {
            for pfa in [1e-4, 1e-3, 1e-2, 1e-1] {
                out.push(roc_row(p.clone(), v, pfa, 1.0 / (1.0 + j as f64)));
            }
        }
    }
    out
}

/// A logistic Pd curve over `x` centred at `mid`.
fn logistic(x: f64, mid: f64, width: f64) -> f64 {
    1.0 / (1.0 + (-(x - mid) / width).exp())
}

fn results(keys: &[&str], rows: Vec<Row>) -> Results {
    Results {
        scenario: "synthetic".into(),
        description: "a test, with \"quotes\"".into(),
        swept_keys: keys.iter().map(|k| k.to_string()).collect(),
        rows,
        roc: Vec::new(),
        markers: Vec::new(),
        provenance: None,
    }
}

/// One numeric key, two variants.
fn one_key() -> Results {
    let mut rows = Vec::new();
    for v in ["IAPS", "active only"] {
        for rcs in (-30..=0).step_by(3) {
            let mid = if v == "IAPS" { -18.0 } else { -12.0 };
            rows.push(row(vec![json!(rcs)], v, logistic(f64::from(rcs), mid, 2.5)));
        }
    }
    results(&["sensing.rcs_db"], rows)
}

fn unique_dir(name: &str) -> PathBuf {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let dir = std::env::temp_dir().join(format!(
        "iaps-results-{name}-{}-{nanos}",
        std::process::id()
    ));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// Removes a plot directory unless `IAPS_KEEP_PLOTS` is set (to look at them).
fn done(dir: &Path) {
    if std::env::var_os("IAPS_KEEP_PLOTS").is_none() {
        std::fs::remove_dir_all(dir).unwrap();
    }
}

fn csv_text(r: &Results) -> String {
    let mut out = Vec::new();
    r.write_csv(&mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn csv_header_is_exact() {
    let text = csv_text(&one_key());
    let header = text.lines().next().unwrap();
    assert_eq!(
        header,
        "sensing.rcs_db,variant,pd,pd_low,pd_high,pfa,pfa_low,pfa_high,pd_analytic_paper,\
         pd_analytic_exact,latency_mean_s,latency_p99_s,late_fraction,lost_fraction,\
         backhaul_bytes_per_frame,sinr_ok_fraction,infeasible_drops,drops,frames,\
         pd_analytic_corrected,pd_drops_low,pd_drops_high,null_frames,pfa_rel_error,\
         pd_analytic_arrived,pfa_analytic_arrived,stale_fraction,retransmissions_per_frame,report_delay_mean_s,\
         fused_nodes_mean"
    );
    assert_eq!(text.lines().count(), 1 + one_key().rows.len());
}

#[test]
fn csv_quotes_nan_and_determinism() {
    let mut r = results(
        &["net.mode"],
        vec![row(vec![json!("a,b")], "IAPS, \"soft\"", 0.5)],
    );
    r.rows[0].latency_mean_s = f64::NAN;
    r.rows[0].pd = 0.1 + 0.2;
    let text = csv_text(&r);
    let line = text.lines().nth(1).unwrap();
    assert!(
        line.starts_with("\"a,b\",\"IAPS, \"\"soft\"\"\",0.30000000000000004,"),
        "{line}"
    );
    assert!(line.contains(",0.001,0.0005,0.002,"), "{line}");
    // latency_mean_s is the 9th metric: an empty cell after the exact analytic Pd.
    let exact = (0.5f64 * 1.02).to_string();
    assert!(line.contains(&format!(",{exact},,")), "{line}");
    let (lo, hi, arrived) = (0.5f64 - 0.1, 0.5f64 + 0.1, 0.5f64 * 0.99);
    assert!(
        line.ends_with(&format!(
            ",0,100,10000,0.485,{lo},{hi},5000,0.25,{arrived},1e-5,0.02,0.125,0.0003,10.5"
        )),
        "{line}"
    );
    assert_eq!(text, csv_text(&r.clone()));
    assert_eq!(csv_text(&one_key()), csv_text(&one_key()));
    r.rows[0].pd_drops_low = f64::NAN;
    r.rows[0].pfa_rel_error = f64::NAN;
    let line = csv_text(&r).lines().nth(1).unwrap().to_string();
    assert!(
        line.ends_with(&format!(
            ",0.485,,{hi},5000,,{arrived},1e-5,0.02,0.125,0.0003,10.5"
        )),
        "{line}"
    );
    // The fused-nodes histogram is in results.json only.
    assert!(!line.contains("0,0,1,2"), "{line}");
}

#[test]
fn json_round_trip() {
    let r = one_key();
    let mut out = Vec::new();
    r.write_json(&mut out).unwrap();
    let back = Results::read_json(out.as_slice()).unwrap();
    assert_eq!(back, r);
    let text = String::from_utf8(out).unwrap();
    assert!(text.contains("\"sensing.rcs_db\": -30,"), "{text}");
}

#[test]
fn json_nan_is_null_and_reads_back_as_nan() {
    let mut r = one_key();
    r.rows[1].pd = f64::NAN;
    r.rows[2].latency_p99_s = f64::NAN;
    let mut out = Vec::new();
    r.write_json(&mut out).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains("\"pd\": null"), "{text}");
    let back = Results::read_json(out.as_slice()).unwrap();
    assert!(back.rows[1].pd.is_nan() && back.rows[2].latency_p99_s.is_nan());
    let (mut a, mut b) = (back, r);
    for x in [&mut a, &mut b] {
        x.rows[1].pd = 0.0;
        x.rows[2].latency_p99_s = 0.0;
    }
    assert_eq!(a, b);
}

#[test]
fn json_row_key_order() {
    let r = results(
        &["sensing.rcs_db", "net.capacity_bps"],
        vec![row(vec![json!(-16), json!(1e6)], "IAPS", 0.5)],
    );
    let mut out = Vec::new();
    r.write_json(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let row_text = &text[text.find("\"rows\"").unwrap()..text.find("\"roc\"").unwrap()];
    let keys: Vec<&str> = row_text
        .lines()
        .skip(1)
        .filter_map(|l| {
            l.trim()
                .strip_prefix('"')?
                .split_once("\":")
                .map(|(k, _)| k)
        })
        .collect();
    let mut expected = vec!["sensing.rcs_db", "net.capacity_bps", "variant"];
    expected.extend(METRIC_NAMES);
    expected.push(HISTOGRAM_NAME);
    assert_eq!(keys, expected);
    let top: Vec<&str> = text
        .lines()
        .filter(|l| l.starts_with("  \""))
        .map(|l| l.trim().split('"').nth(1).unwrap())
        .collect();
    assert_eq!(
        top,
        [
            "scenario",
            "description",
            "swept_keys",
            "rows",
            "roc",
            "markers"
        ]
    );
}

#[test]
fn json_rejects_bad_documents() {
    assert!(Results::read_json(&b"{\"scenario\": 1}"[..]).is_err());
    let missing =
        r#"{"scenario":"s","description":"","swept_keys":["k"],"rows":[{"variant":"v"}]}"#;
    let err = Results::read_json(missing.as_bytes())
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing swept key `k`"), "{err}");
    let clash = results(&["pd"], vec![row(vec![json!(1)], "v", 0.5)]);
    assert!(clash.write_json(&mut Vec::new()).is_err());
}

#[test]
fn save_and_load() {
    let dir = unique_dir("save");
    let r = one_key();
    r.save(&dir.join("nested")).unwrap();
    assert!(dir.join("nested/results.csv").is_file());
    assert_eq!(Results::load(&dir.join("nested")).unwrap(), r);
    let err = Results::load(&dir.join("missing")).unwrap_err().to_string();
    assert!(err.contains("results.json"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// Checks every file exists and looks like a whole SVG or a 900x600 PNG.
fn check_files(files: &[PathBuf], dir: &Path, stems: &[&str]) {
    let mut expected: Vec<PathBuf> = stems
        .iter()
        .flat_map(|s| ["svg", "png"].map(|e| dir.join(format!("{s}.{e}"))))
        .collect();
    let mut got = files.to_vec();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
    for f in files {
        let bytes = std::fs::read(f).unwrap();
        if f.extension().unwrap() == "svg" {
            let text = String::from_utf8(bytes).unwrap();
            let t = text.trim();
            assert!(
                t.starts_with("<svg") || t.starts_with("<?xml"),
                "{}",
                f.display()
            );
            assert!(t.ends_with("</svg>"), "{}", f.display());
        } else {
            assert_eq!(&bytes[..8], b"\x89PNG\r\n\x1a\n", "{}", f.display());
            let w = u32::from_be_bytes(bytes[16..20].try_into().unwrap());
            let h = u32::from_be_bytes(bytes[20..24].try_into().unwrap());
            assert_eq!((w, h), (900, 600), "{}", f.display());
        }
    }
}

#[test]
fn plots_one_key_two_variants() {
    let dir = unique_dir("one");
    let mut r = one_key();
    r.rows[4].pd = f64::NAN; // a gap in the IAPS curve
    r.rows[12].pd_analytic_exact = f64::NAN;
    let files = plot_all(&r, &dir).unwrap();
    check_files(&files, &dir, &["pd_vs_sensing_rcs_db"]);
    let svg = std::fs::read_to_string(dir.join("pd_vs_sensing_rcs_db.svg")).unwrap();
    for text in [
        "synthetic",
        "sensing.rcs_db",
        "detection probability",
        "IAPS",
        "active only",
    ] {
        assert!(svg.contains(text), "{text}");
    }
    done(&dir);
}

#[test]
fn plots_two_keys() {
    let dir = unique_dir("two");
    let mut rows = Vec::new();
    for v in ["IAPS", "passive only"] {
        for rcs in [-20, -10] {
            for n in [1, 2, 4, 8] {
                let pd = logistic(f64::from(n), if v == "IAPS" { 2.0 } else { 4.0 }, 1.0)
                    * if rcs == -20 { 0.7 } else { 1.0 };
                rows.push(row(vec![json!(rcs), json!(n)], v, pd));
            }
        }
    }
    let r = results(&["sensing.rcs_db", "network.raps"], rows);
    let files = plot_all(&r, &dir).unwrap();
    check_files(
        &files,
        &dir,
        &["pd_vs_sensing_rcs_db", "pd_vs_network_raps"],
    );
    let svg = std::fs::read_to_string(dir.join("pd_vs_network_raps.svg")).unwrap();
    assert!(svg.contains("IAPS, sensing.rcs_db=-20"));
    assert!(svg.contains("passive only, sensing.rcs_db=-10"));
    done(&dir);
}

#[test]
fn plots_capacity_key() {
    let dir = unique_dir("capacity");
    let mut rows = Vec::new();
    for v in ["IAPS", "quantized"] {
        for c in [1e4, 1e5, 1e6, 1e7, 1e8] {
            let mut r = row(vec![json!(c)], v, logistic(f64::log10(c), 5.0, 0.5));
            let scale = if v == "IAPS" { 1.0 } else { 0.3 };
            r.latency_mean_s = scale * 40.0 / c.sqrt();
            r.latency_p99_s = scale * 200.0 / c.sqrt();
            r.backhaul_bytes_per_frame = if v == "IAPS" { 65536.0 } else { 512.0 };
            rows.push(r);
        }
    }
    let mut r = results(&["backhaul.capacity_bps"], rows);
    let marker = |value: f64, label: &str| Marker {
        key: "backhaul.capacity_bps".into(),
        value,
        label: label.into(),
    };
    // Two markers on the axis, one past its end (left out).
    r.markers = vec![
        marker(160_798.46, "statistic"),
        marker(4.078e7, "samples (f32)"),
        marker(1e12, "samples (f64)"),
    ];
    let files = plot_all(&r, &dir).unwrap();
    let stems = [
        "pd_vs_backhaul_capacity_bps",
        "latency_vs_backhaul_capacity_bps",
        "load_vs_backhaul_capacity_bps",
    ];
    check_files(&files, &dir, &stems);
    for stem in stems {
        let svg = std::fs::read_to_string(dir.join(format!("{stem}.svg"))).unwrap();
        assert!(svg.contains("statistic needs 160.8 kbit/s"), "{stem}");
        assert!(svg.contains("samples (f32) needs 40.78 Mbit/s"), "{stem}");
        assert!(!svg.contains("samples (f64) needs"), "{stem}");
        assert!(svg.contains("rate a report needs"), "{stem}");
    }
    // Markers round-trip through results.json; older files have none.
    let mut out = Vec::new();
    r.write_json(&mut out).unwrap();
    assert_eq!(
        Results::read_json(out.as_slice()).unwrap().markers,
        r.markers
    );
    let text = String::from_utf8(out)
        .unwrap()
        .replace("\"markers\"", "\"other\"");
    assert!(
        Results::read_json(text.as_bytes())
            .unwrap()
            .markers
            .is_empty()
    );
    done(&dir);
}

#[test]
fn plots_string_key_and_no_keys() {
    let dir = unique_dir("strings");
    let mut rows = Vec::new();
    for (i, f) in ["or", "and", "majority", "chair-varshney"]
        .iter()
        .enumerate()
    {
        rows.push(row(vec![json!(f)], "IAPS", 0.3 + 0.15 * i as f64));
        rows.push(row(vec![json!(f)], "active only", 0.2 + 0.1 * i as f64));
    }
    let r = results(&["fusion.rule"], rows);
    check_files(&plot_all(&r, &dir).unwrap(), &dir, &["pd_vs_fusion_rule"]);
    let svg = std::fs::read_to_string(dir.join("pd_vs_fusion_rule.svg")).unwrap();
    assert!(svg.contains("chair-varshney"));

    let mut rows = vec![
        row(vec![], "IAPS", 0.9),
        row(vec![], "active only", 0.6),
        row(vec![], "passive only", 0.7),
    ];
    rows[2].pd = f64::NAN; // analytic-only: only the cross is drawn
    let r = results(&[], rows);
    check_files(&plot_all(&r, &dir).unwrap(), &dir, &["pd_by_variant"]);
    done(&dir);
}

#[test]
fn empty_results_give_no_plots() {
    let dir = unique_dir("empty");
    assert!(plot_all(&results(&["k"], vec![]), &dir).unwrap().is_empty());
    let all_nan = {
        let mut r = row(vec![json!(1.0)], "IAPS", f64::NAN);
        r.pd_low = f64::NAN;
        r.pd_high = f64::NAN;
        r.pd_analytic_exact = f64::NAN;
        results(&["k"], vec![r])
    };
    check_files(&plot_all(&all_nan, &dir).unwrap(), &dir, &["pd_vs_k"]);
    done(&dir);
}

/// One key, two points, two variants, with ROC rows.
fn with_roc() -> Results {
    let mut r = results(
        &["sensing.rcs_db"],
        vec![
            row(vec![json!(-20)], "IAPS", 0.4),
            row(vec![json!(-20)], "active only", 0.3),
            row(vec![json!(-10)], "IAPS", 0.8),
            row(vec![json!(-10)], "active only", 0.6),
        ],
    );
    r.roc = roc_rows(
        &[vec![json!(-20)], vec![json!(-10)]],
        &["IAPS", "active only"],
    );
    r
}

#[test]
fn roc_csv_header_and_rows() {
    let r = with_roc();
    let mut out = Vec::new();
    r.write_roc_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next().unwrap(),
        "sensing.rcs_db,variant,pfa_design,pd,pd_low,pd_high,pfa,pfa_low,pfa_high,\
         pfa_rel_error,target_frames,null_frames"
    );
    let header: Vec<String> = ["sensing.rcs_db", "variant"]
        .into_iter()
        .chain(ROC_NAMES)
        .map(String::from)
        .collect();
    assert_eq!(text.lines().next().unwrap(), header.join(","));
    assert_eq!(text.lines().count(), 1 + r.roc.len());
    let first = r.roc[0].clone();
    // Floats in their shortest round-trip form, in exponent form below 1e-4.
    let f = iaps::results::float_cell;
    let want = format!(
        "-20,IAPS,0.0001,{},{},{},{},{},{},0.12,5000,20000",
        f(first.pd),
        f(first.pd_low),
        f(first.pd_high),
        f(first.pfa),
        f(first.pfa_low),
        f(first.pfa_high)
    );
    assert!(want.contains(",8e-5,"), "{want}");
    assert_eq!(lines.next().unwrap(), want);

    let mut nan = r.clone();
    nan.roc[0].pd = f64::NAN;
    nan.roc[0].pfa_rel_error = f64::NAN;
    let mut out = Vec::new();
    nan.write_roc_csv(&mut out).unwrap();
    let text = String::from_utf8(out).unwrap();
    let line = text.lines().nth(1).unwrap();
    assert!(line.starts_with("-20,IAPS,0.0001,,"), "{line}");
    assert!(line.ends_with(",,5000,20000"), "{line}");

    let mut empty = Vec::new();
    one_key().write_roc_csv(&mut empty).unwrap();
    let text = String::from_utf8(empty).unwrap();
    assert_eq!(text.lines().count(), 1, "{text}");
}

#[test]
fn json_round_trip_with_roc_and_nans() {
    let mut r = with_roc();
    r.roc[1].pd = f64::NAN;
    r.roc[2].pfa_rel_error = f64::NAN;
    r.rows[0].pd_drops_high = f64::NAN;
    r.rows[1].pd_analytic_arrived = f64::NAN;
    let mut out = Vec::new();
    r.write_json(&mut out).unwrap();
    let text = String::from_utf8(out.clone()).unwrap();
    assert!(text.contains("\"pd_drops_high\": null"), "{text}");
    let roc_text = &text[text.find("\"roc\"").unwrap()..];
    assert!(roc_text.contains("\"pd\": null"), "{roc_text}");
    assert!(roc_text.contains("\"pfa_rel_error\": null"), "{roc_text}");
    // ROC rows are flat, in the fixed key order.
    let keys: Vec<&str> = roc_text
        .lines()
        .skip(2)
        .take_while(|l| !l.trim().starts_with('}'))
        .filter_map(|l| {
            l.trim()
                .strip_prefix('"')?
                .split_once("\":")
                .map(|(k, _)| k)
        })
        .collect();
    let mut expected = vec!["sensing.rcs_db", "variant"];
    expected.extend(ROC_NAMES);
    assert_eq!(keys, expected);

    // Rows end with the histogram of fused nodes, after every metric.
    let row_text = &text[text.find("\"rows\"").unwrap()..text.find("\"roc\"").unwrap()];
    let after = &row_text[row_text.find("\"fused_nodes_mean\"").unwrap()..];
    assert!(
        after.contains(
            "\"fused_nodes\": [\n        0,\n        0,\n        1,\n        2\n      ]\n    }"
        ),
        "{after}"
    );
    let back = Results::read_json(out.as_slice()).unwrap();
    assert_eq!(back.rows[0].fused_nodes, [0, 0, 1, 2]);
    assert_eq!(back.roc.len(), r.roc.len());
    assert!(back.roc[1].pd.is_nan() && back.roc[2].pfa_rel_error.is_nan());
    assert!(back.rows[0].pd_drops_high.is_nan() && back.rows[1].pd_analytic_arrived.is_nan());
    let clear = |x: &mut Results| {
        x.roc[1].pd = 0.0;
        x.roc[2].pfa_rel_error = 0.0;
        x.rows[0].pd_drops_high = 0.0;
        x.rows[1].pd_analytic_arrived = 0.0;
    };
    let (mut a, mut b) = (back, r);
    clear(&mut a);
    clear(&mut b);
    assert_eq!(a, b);
}

#[test]
fn json_without_roc_or_new_columns_loads() {
    // A document as older versions wrote it: no `roc`, rows without the
    // columns after `pd_analytic_corrected`.
    let old = r#"{
      "scenario": "s", "description": "", "swept_keys": ["k"],
      "rows": [{"k": 1, "variant": "IAPS", "pd": 0.5, "pd_low": 0.4, "pd_high": 0.6,
        "pfa": 0.001, "pfa_low": null, "pfa_high": null, "pd_analytic_paper": 0.5,
        "pd_analytic_exact": 0.5, "latency_mean_s": 0.01, "latency_p99_s": 0.02,
        "late_fraction": 0, "lost_fraction": 0, "backhaul_bytes_per_frame": 100,
        "sinr_ok_fraction": 1, "infeasible_drops": 0, "drops": 2, "frames": 20,
        "pd_analytic_corrected": 0.5}]
    }"#;
    let r = Results::read_json(old.as_bytes()).unwrap();
    assert!(r.roc.is_empty());
    let r0 = &r.rows[0];
    assert_eq!((r0.pd, r0.frames, r0.null_frames), (0.5, 20, 0));
    for x in [
        r0.pd_drops_low,
        r0.pd_drops_high,
        r0.pfa_rel_error,
        r0.pd_analytic_arrived,
        r0.pfa_analytic_arrived,
        r0.stale_fraction,
        r0.retransmissions_per_frame,
        r0.report_delay_mean_s,
        r0.fused_nodes_mean,
    ] {
        assert!(x.is_nan());
    }
    assert!(r0.fused_nodes.is_empty());
    // ROC rows, being new, must be whole.
    let bad = old.replacen(
        "\"rows\"",
        "\"roc\": [{\"k\": 1, \"variant\": \"v\"}], \"rows\"",
        1,
    );
    let err = Results::read_json(bad.as_bytes()).unwrap_err().to_string();
    assert!(err.contains("roc row 0: missing `pfa_design`"), "{err}");
    // Swept keys may not clash with ROC column names either.
    let clash = results(&["pfa_design"], vec![row(vec![json!(1)], "v", 0.5)]);
    assert!(clash.write_json(&mut Vec::new()).is_err());
}

#[test]
fn save_writes_and_removes_roc_csv() {
    let dir = unique_dir("save-roc");
    let r = with_roc();
    r.save(&dir).unwrap();
    let roc = dir.join("roc.csv");
    let mut want = Vec::new();
    r.write_roc_csv(&mut want).unwrap();
    assert_eq!(std::fs::read(&roc).unwrap(), want);
    assert_eq!(Results::load(&dir).unwrap(), r);
    let mut plain = r.clone();
    plain.roc.clear();
    plain.save(&dir).unwrap();
    assert!(!roc.exists());
    assert!(dir.join("results.csv").is_file());
    assert_eq!(Results::load(&dir).unwrap(), plain);
    plain.save(&dir).unwrap(); // no roc.csv to remove: still fine
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn plots_roc_per_point() {
    let dir = unique_dir("roc");
    let mut r = with_roc();
    r.roc[0].pfa = 0.0; // left out: not positive on a log axis
    r.roc[1].pfa = f64::NAN; // left out
    r.roc[5].pd = f64::NAN; // a gap
    let files = plot_all(&r, &dir).unwrap();
    check_files(&files, &dir, &["pd_vs_sensing_rcs_db", "roc_0", "roc_1"]);
    let svg = std::fs::read_to_string(dir.join("roc_1.svg")).unwrap();
    for text in [
        "ROC: sensing.rcs_db = -10",
        "false-alarm probability",
        "detection probability",
        "IAPS",
        "active only",
        "Pd = Pfa",
    ] {
        assert!(svg.contains(text), "{text}");
    }
    done(&dir);

    // One point (nothing swept): the file is `roc`; a variant with a single
    // level gets an error bar.
    let dir = unique_dir("roc-one");
    let mut r = results(&[], vec![row(vec![], "IAPS", 0.7)]);
    r.roc = roc_rows(&[vec![]], &["IAPS", "active only"]);
    r.roc.truncate(5);
    let files = plot_all(&r, &dir).unwrap();
    check_files(&files, &dir, &["pd_by_variant", "roc"]);
    let svg = std::fs::read_to_string(dir.join("roc.svg")).unwrap();
    assert!(svg.contains("ROC"));
    done(&dir);
}

#[test]
fn plots_roc_capped_at_twelve_points() {
    let dir = unique_dir("roc-many");
    let points: Vec<Vec<Value>> = (0..25).map(|i| vec![json!(i)]).collect();
    let r = Results {
        rows: Vec::new(),
        roc: roc_rows(&points, &["IAPS"]),
        ..results(&["k"], Vec::new())
    };
    let files = plot_all(&r, &dir).unwrap();
    assert_eq!(MAX_ROC_FIGURES, 12);
    let stems: Vec<String> = [0, 2, 4, 7, 9, 11, 13, 15, 17, 20, 22, 24]
        .iter()
        .map(|i| format!("roc_{i}"))
        .collect();
    let stems: Vec<&str> = stems.iter().map(String::as_str).collect();
    check_files(&files, &dir, &stems);
    done(&dir);

    // Twelve points: all drawn.
    let dir = unique_dir("roc-twelve");
    let r = Results {
        roc: roc_rows(&points[..12], &["IAPS"]),
        ..results(&["k"], Vec::new())
    };
    let files = plot_all(&r, &dir).unwrap();
    assert_eq!(files.len(), 24);
    assert!(files.contains(&dir.join("roc_11.png")));
    done(&dir);
}
