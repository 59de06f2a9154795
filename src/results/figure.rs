//! A figure description (axes, curves, legend notes) and its drawing as SVG and PNG with plotters.

use super::ResultsError;
use super::axis::Axis;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};
use std::path::{Path, PathBuf};

/// Image size in pixels, for both SVG and PNG.
pub(crate) const SIZE: (u32, u32) = (900, 600);

/// The fixed palette (Tableau 10); curve `i` gets color `i % 10` and, past
/// ten curves, another marker shape.
const PALETTE: [RGBColor; 10] = [
    RGBColor(31, 119, 180),
    RGBColor(255, 127, 14),
    RGBColor(44, 160, 44),
    RGBColor(214, 39, 40),
    RGBColor(148, 103, 189),
    RGBColor(140, 86, 75),
    RGBColor(227, 119, 194),
    RGBColor(127, 127, 127),
    RGBColor(188, 189, 34),
    RGBColor(23, 190, 207),
];

/// Legend row height in pixels.
const ROW: i32 = 20;
/// Opacity of confidence bands.
const BAND_ALPHA: f64 = 0.18;
/// Color of the reference line.
const GUIDE: RGBColor = RGBColor(110, 110, 110);

/// One curve: a solid line with markers, an optional dashed companion and an
/// optional band. Points with a non-finite coordinate break the lines.
#[derive(Debug, Clone, Default)]
pub(crate) struct Curve {
    /// Legend label.
    pub label: String,
    /// Main line, drawn solid with point markers.
    pub solid: Vec<(f64, f64)>,
    /// Companion line (analytic, p99), drawn dashed; lone points as crosses.
    pub dashed: Vec<(f64, f64)>,
    /// Band `(x, low, high)`, drawn translucent; lone points as error bars.
    pub band: Vec<(f64, f64, f64)>,
}

/// What a legend note explains.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Glyph {
    /// Solid line with a marker.
    Solid,
    /// Dashed line.
    Dashed,
    /// Translucent band.
    Band,
    /// Vertical error bar.
    Bar,
    /// Cross marker.
    Cross,
    /// Thin gray dotted line (the reference [`Figure::guide`]).
    Dotted,
}

/// A whole plot.
#[derive(Debug, Clone)]
pub(crate) struct Figure {
    /// Caption.
    pub title: String,
    /// X axis description.
    pub x_desc: String,
    /// Y axis description.
    pub y_desc: String,
    /// X axis.
    pub x: Axis,
    /// Y axis.
    pub y: Axis,
    /// Curves, in legend order.
    pub curves: Vec<Curve>,
    /// Legend notes on line styles, after the curves.
    pub notes: Vec<(Glyph, String)>,
    /// A reference line drawn thin, gray and dotted under the curves (e.g.
    /// Pd = Pfa); empty for none. Non-finite points break it.
    pub guide: Vec<(f64, f64)>,
    /// Vertical lines at x positions, each with its label written along it
    /// (thin, gray and dotted, like the guide); those outside the x axis
    /// are left out.
    pub markers: Vec<(f64, String)>,
}

/// The font of every plot, embedded (DejaVu Sans, Bitstream Vera license:
/// `assets/fonts/`), so drawing needs no system fonts or fontconfig.
static FONT: &[u8] = include_bytes!("../../assets/fonts/DejaVuSans.ttf");

/// Registers [`FONT`] as plotters' `sans-serif` (once per process).
fn register_font() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        // The bytes are a valid TrueType font (tested by every plot test).
        let _ = plotters::style::register_font("sans-serif", FontStyle::Normal, FONT);
    });
}

/// The most characters of a label drawn in a plot; longer labels end in `…`.
pub(crate) const MAX_LABEL_CHARS: usize = 80;

/// `s` cut to [`MAX_LABEL_CHARS`] characters, ending in `…` when cut.
pub(crate) fn cap_label(s: &str) -> String {
    if s.chars().count() <= MAX_LABEL_CHARS {
        return s.to_string();
    }
    let mut t: String = s.chars().take(MAX_LABEL_CHARS - 1).collect();
    t.push('…');
    t
}

/// Draws `fig` into `dir/stem.svg` and `dir/stem.png`; returns both paths.
/// Each file is drawn into a temporary file in `dir` and renamed into place,
/// so a reader never sees a half-drawn plot.
pub(crate) fn render(fig: &Figure, dir: &Path, stem: &str) -> Result<Vec<PathBuf>, ResultsError> {
    register_font();
    let mut fig = fig.clone();
    fig.title = cap_label(&fig.title);
    for c in &mut fig.curves {
        c.label = cap_label(&c.label);
    }
    for n in &mut fig.notes {
        n.1 = cap_label(&n.1);
    }
    let fig = &fig;
    let svg = dir.join(format!("{stem}.svg"));
    let png = dir.join(format!("{stem}.png"));
    // The temporary names keep the extension: the bitmap backend picks its
    // encoder from it.
    let tmp_svg = dir.join(format!(".{stem}.tmp{}.svg", std::process::id()));
    let tmp_png = dir.join(format!(".{stem}.tmp{}.png", std::process::id()));
    let fail = |path: &Path, e: &dyn std::fmt::Display| ResultsError::Plot {
        path: path.to_path_buf(),
        message: e.to_string(),
    };
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| ResultsError::Io { path, source }
    };
    draw(SVGBackend::new(&tmp_svg, SIZE).into_drawing_area(), fig).map_err(|e| {
        let _ = std::fs::remove_file(&tmp_svg);
        fail(&svg, &e)
    })?;
    std::fs::rename(&tmp_svg, &svg).map_err(io(&svg))?;
    draw(BitMapBackend::new(&tmp_png, SIZE).into_drawing_area(), fig).map_err(|e| {
        let _ = std::fs::remove_file(&tmp_png);
        fail(&png, &e)
    })?;
    std::fs::rename(&tmp_png, &png).map_err(io(&png))?;
    Ok(vec![svg, png])
}

type DrawResult<DB> = Result<(), DrawingAreaErrorKind<<DB as DrawingBackend>::ErrorType>>;

/// Draws the chart on the left and the legend on the right.
fn draw<DB: DrawingBackend>(root: DrawingArea<DB, Shift>, fig: &Figure) -> DrawResult<DB> {
    root.fill(&WHITE)?;
    let font = TextStyle::from(("sans-serif", 14).into_font());
    let widest = fig
        .curves
        .iter()
        .map(|c| &c.label)
        .chain(fig.notes.iter().map(|n| &n.1))
        .map(|s| root.estimate_text_size(s, &font).map(|(w, _)| w))
        .try_fold(0, |m, w| w.map(|w| m.max(w)))?;
    let (w, _) = root.dim_in_pixel();
    let legend_w = (widest as i32 + 56).clamp(150, w as i32 * 2 / 5);
    let (plot_area, legend_area) = root.split_horizontally(w as i32 - legend_w);
    let mut chart = ChartBuilder::on(&plot_area)
        .caption(&fig.title, ("sans-serif", 20))
        .margin(12)
        .x_label_area_size(48)
        .y_label_area_size(64)
        .build_cartesian_2d(fig.x.clone(), fig.y.clone())?;
    chart
        .configure_mesh()
        .x_desc(&fig.x_desc)
        .y_desc(&fig.y_desc)
        .label_style(("sans-serif", 13))
        .axis_desc_style(("sans-serif", 15))
        .draw()?;
    let ok = |p: &(f64, f64)| {
        p.0.is_finite()
            && p.1.is_finite()
            && (p.0 > 0.0 || !fig.x.is_log())
            && (p.1 > 0.0 || !fig.y.is_log())
    };
    for seg in segments(&fig.guide, ok) {
        chart.draw_series(DashedLineSeries::new(seg, 2, 4, GUIDE.stroke_width(1)))?;
    }
    let (xs, ys) = (fig.x.range(), fig.y.range());
    let label = TextStyle::from(("sans-serif", 12).into_font())
        .transform(FontTransform::Rotate270)
        .color(&GUIDE);
    for (x, text) in &fig.markers {
        if !(xs.start..=xs.end).contains(x) || (fig.x.is_log() && *x <= 0.0) {
            continue;
        }
        let line = vec![(*x, ys.start), (*x, ys.end)];
        chart.draw_series(DashedLineSeries::new(line, 2, 4, GUIDE.stroke_width(1)))?;
        // Along the line, reading upwards from the bottom of the plot.
        let y = ys.start + 0.02 * (ys.end - ys.start);
        let text = Text::new(cap_label(text), (3, 0), label.clone());
        chart.draw_series([EmptyElement::at((*x, y)) + text])?;
    }
    for (i, c) in fig.curves.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        for seg in segments(&c.band, |p| p.1.is_finite() && p.2.is_finite()) {
            if let [(x, lo, hi)] = seg[..] {
                let style = color.mix(0.6).stroke_width(2);
                chart.draw_series([PathElement::new(vec![(x, lo), (x, hi)], style)])?;
                for y in [lo, hi] {
                    let cap = PathElement::new(vec![(-5, 0), (5, 0)], style);
                    chart.draw_series([EmptyElement::at((x, y)) + cap])?;
                }
                continue;
            }
            let upper = seg.iter().map(|p| (p.0, p.2));
            let outline: Vec<_> = upper.chain(seg.iter().rev().map(|p| (p.0, p.1))).collect();
            chart.draw_series([Polygon::new(outline, color.mix(BAND_ALPHA).filled())])?;
        }
    }
    for (i, c) in fig.curves.iter().enumerate() {
        let color = PALETTE[i % PALETTE.len()];
        for seg in segments(&c.dashed, ok) {
            if seg.len() == 1 {
                chart.draw_series([Cross::new(seg[0], 6, color.stroke_width(2))])?;
            } else {
                chart.draw_series(DashedLineSeries::new(seg, 8, 5, color.stroke_width(2)))?;
            }
        }
        let solid = segments(&c.solid, ok);
        for seg in &solid {
            chart.draw_series(LineSeries::new(seg.iter().copied(), color.stroke_width(2)))?;
        }
        for &p in solid.iter().flatten() {
            match (i / PALETTE.len()) % 3 {
                0 => chart.draw_series([Circle::new(p, 4, color.filled())])?,
                1 => chart.draw_series([TriangleMarker::new(p, 6, color.filled())])?,
                _ => {
                    let square = Rectangle::new([(-4, -4), (4, 4)], color.filled());
                    chart.draw_series([EmptyElement::at(p) + square])?
                }
            };
        }
    }
    draw_legend(&legend_area, fig, &font)?;
    root.present()
}

/// The longest prefix of `label` (ending in `…` when cut) that `fits`, by
/// bisection: a few text measurements whatever the label's length.
fn fit(label: &str, fits: &dyn Fn(&str) -> bool) -> String {
    if fits(label) {
        return label.to_string();
    }
    let chars: Vec<char> = label.chars().collect();
    let cut = |n: usize| chars[..n].iter().collect::<String>() + "…";
    let (mut lo, mut hi) = (0usize, chars.len());
    while lo + 1 < hi {
        let mid = (lo + hi) / 2;
        if fits(&cut(mid)) { lo = mid } else { hi = mid }
    }
    cut(lo.max(1).min(chars.len()))
}

/// Maximal runs of consecutive points satisfying `ok`.
fn segments<T: Copy>(points: &[T], ok: impl Fn(&T) -> bool) -> Vec<Vec<T>> {
    points
        .split(|p| !ok(p))
        .filter(|s| !s.is_empty())
        .map(<[T]>::to_vec)
        .collect()
}

/// The legend: one row per curve (its color, line and marker, and label),
/// then the notes on line styles; rows that do not fit are summarized.
fn draw_legend<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    fig: &Figure,
    font: &TextStyle,
) -> DrawResult<DB> {
    let (w, h) = area.dim_in_pixel();
    let font = font.pos(Pos::new(HPos::Left, VPos::Center));
    let fits = |s: &str| {
        area.estimate_text_size(s, &font)
            .map_or(true, |(tw, _)| tw as i32 <= w as i32 - 56)
    };
    let capacity = ((h as i32 - 60) / ROW).max(2) as usize;
    let mut rows: Vec<(Option<usize>, Option<Glyph>, String)> = Vec::new();
    let shown = if fig.curves.len() + fig.notes.len() + 1 > capacity {
        capacity.saturating_sub(fig.notes.len() + 2).max(1)
    } else {
        fig.curves.len()
    };
    for (i, c) in fig.curves.iter().enumerate().take(shown) {
        rows.push((Some(i), Some(Glyph::Solid), c.label.clone()));
    }
    if shown < fig.curves.len() {
        rows.push((
            None,
            None,
            format!("… and {} more", fig.curves.len() - shown),
        ));
    }
    if !fig.notes.is_empty() {
        rows.push((None, None, String::new()));
    }
    rows.extend(fig.notes.iter().map(|(g, s)| (None, Some(*g), s.clone())));
    let (x0, x1, xt) = (6, 40, 48);
    for (r, (curve, glyph, label)) in rows.into_iter().enumerate() {
        let y = 56 + r as i32 * ROW;
        let color = curve.map_or(RGBColor(60, 60, 60), |i| PALETTE[i % PALETTE.len()]);
        let line = color.stroke_width(2);
        match glyph {
            Some(Glyph::Solid) => {
                area.draw(&PathElement::new(vec![(x0, y), (x1, y)], line))?;
                match curve.map_or(0, |i| (i / PALETTE.len()) % 3) {
                    0 => area.draw(&Circle::new(((x0 + x1) / 2, y), 4, color.filled()))?,
                    1 => area.draw(&TriangleMarker::new(((x0 + x1) / 2, y), 6, color.filled()))?,
                    _ => area.draw(&Rectangle::new(
                        [((x0 + x1) / 2 - 4, y - 4), ((x0 + x1) / 2 + 4, y + 4)],
                        color.filled(),
                    ))?,
                }
            }
            Some(Glyph::Dashed) => {
                area.draw(&DashedPathElement::new(vec![(x0, y), (x1, y)], 6, 4, line))?
            }
            Some(Glyph::Band) => area.draw(&Rectangle::new(
                [(x0, y - 6), (x1, y + 6)],
                color.mix(BAND_ALPHA * 1.5).filled(),
            ))?,
            Some(Glyph::Bar) => {
                let xm = (x0 + x1) / 2;
                area.draw(&PathElement::new(vec![(xm, y - 7), (xm, y + 7)], line))?;
                for yc in [y - 7, y + 7] {
                    area.draw(&PathElement::new(vec![(xm - 5, yc), (xm + 5, yc)], line))?;
                }
            }
            Some(Glyph::Cross) => area.draw(&Cross::new(((x0 + x1) / 2, y), 6, line))?,
            Some(Glyph::Dotted) => area.draw(&DashedPathElement::new(
                vec![(x0, y), (x1, y)],
                2,
                4,
                GUIDE.stroke_width(1),
            ))?,
            None => {}
        }
        let text = fit(&label, &fits);
        area.draw(&Text::new(text, (xt, y), font.clone()))?;
    }
    Ok(())
}
