//! Every bundled scenario passes `check`, runs at reduced size and writes its
//! files; a swept key with two variants gives one row per point and variant.

use iaps::results::{METRIC_NAMES, Results};
use iaps::scenario::{Scenario, bundled};
use iaps::sweep::{RunOptions, run_scenario};

#[test]
fn every_bundled_scenario_checks_runs_and_writes_its_files() {
    let names: Vec<&str> = bundled().iter().map(|(n, _)| *n).collect();
    for want in [
        "default",
        "fig6",
        "fig7",
        "fig8",
        "fig9",
        "fig10",
        "fig11",
        "fig12",
        "backhaul",
        "backhaul-shared",
        "backhaul-stale",
        "physical",
    ] {
        assert!(names.contains(&want), "{want} is bundled");
    }
    let root = std::env::temp_dir().join(format!("iaps-scenarios-{}", std::process::id()));
    for name in names {
        let mut sc = Scenario::named(name).unwrap();
        sc.set("run.drops=1").unwrap();
        sc.set("run.frames=2").unwrap();
        let points = sc.points().unwrap();
        let results = run_scenario(&sc, RunOptions::default(), |_| {}, |_, _, _| {}).unwrap();
        assert_eq!(results.rows.len(), points.len(), "{name}");
        let dir = root.join(name);
        results.save(&dir).unwrap();
        let files = iaps::results::plot_all(&results, &dir).unwrap();
        if !sc.sweep.is_empty() {
            assert!(
                files
                    .iter()
                    .any(|f| f.extension().is_some_and(|e| e == "svg")),
                "{name}: svg"
            );
            assert!(
                files
                    .iter()
                    .any(|f| f.extension().is_some_and(|e| e == "png")),
                "{name}: png"
            );
        }
        assert_eq!(Results::load(&dir).unwrap().rows.len(), points.len());
        // The capacity studies mark the rate each report needs on their axis.
        if name.starts_with("backhaul") {
            let labels: Vec<&str> = (results.markers.iter()).map(|m| m.label.as_str()).collect();
            let want: &[&str] = match name {
                "backhaul-shared" => &[
                    "samples (f32)",
                    "samples (f32), shared segment",
                    "statistic",
                    "statistic, shared segment",
                    "decision",
                    "decision, shared segment",
                ],
                _ => &["samples (f32)", "statistic", "decision"],
            };
            assert_eq!(labels, want, "{name}");
            let svg = dir.join("pd_vs_backhaul_capacity_bps.svg");
            let svg = std::fs::read_to_string(svg).unwrap();
            assert!(svg.contains("statistic needs"), "{name}");
        }
    }
    std::fs::remove_dir_all(&root).ok();
}

#[test]
fn a_swept_key_and_two_variants_give_a_row_per_point_and_variant() {
    let text = r#"
        name = "two"
        [run]
        drops = 1
        frames = 4
        [sweep]
        "sensing.rcs_db" = [-20, -16, -12]
        [[variant]]
        label = "IAPS"
        [[variant]]
        label = "active"
        "sensing.nodes" = "bs"
    "#;
    let sc = Scenario::parse(text, "inline").unwrap();
    let opts = RunOptions {
        threads: 1,
        ..RunOptions::default()
    };
    let results = run_scenario(&sc, opts, |_| {}, |_, _, _| {}).unwrap();
    assert_eq!(results.rows.len(), 6);
    let mut csv = Vec::new();
    results.write_csv(&mut csv).unwrap();
    let csv = String::from_utf8(csv).unwrap();
    let mut lines = csv.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    assert_eq!(header[0], "sensing.rcs_db");
    assert_eq!(header[1], "variant");
    assert_eq!(&header[2..], &METRIC_NAMES[..]);
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 6);
    let pairs: Vec<(&str, &str)> = rows.iter().map(|r| (r[0], r[1])).collect();
    assert_eq!(
        pairs,
        [
            ("-20", "IAPS"),
            ("-20", "active"),
            ("-16", "IAPS"),
            ("-16", "active"),
            ("-12", "IAPS"),
            ("-12", "active")
        ]
    );
    assert!(
        rows.iter()
            .all(|r| r.len() == 2 + METRIC_NAMES.len() && r[18] == "4")
    );
}
