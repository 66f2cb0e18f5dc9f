//! Charts drawn on the server as SVG (no JavaScript, no third-party files).

use std::fmt::Write as _;

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A horizontal bar chart: one bar per `(label, value)`, labelled with the value.
pub fn bar_chart(title: &str, bars: &[(String, i64)]) -> String {
    bar_chart_with_target(title, bars, None)
}

/// [`bar_chart`] with a target drawn as a dashed line across the bars (e.g. 30 centers by 2027).
pub fn bar_chart_with_target(title: &str, bars: &[(String, i64)], target: Option<i64>) -> String {
    let row = 28;
    let label_w = 150;
    let bar_w = 300;
    let height = 34 + row * bars.len().max(1) + if target.is_some() { 16 } else { 0 };
    let max = bars.iter().map(|(_, v)| *v).chain(target).max().unwrap_or(0).max(1);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart" role="img" aria-label="{t}" viewBox="0 0 {w} {height}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title),
        w = label_w + bar_w + 60,
    );
    let _ = write!(svg, r#"<text x="0" y="18" class="chart-title">{}</text>"#, escape(title));
    for (i, (label, value)) in bars.iter().enumerate() {
        let y = 30 + i * row;
        let len = (*value as f64 / max as f64 * bar_w as f64).round() as i64;
        let _ = write!(
            svg,
            r#"<text x="{lx}" y="{ty}" text-anchor="end" class="chart-label">{label}</text><rect x="{label_w}" y="{y}" width="{len}" height="18" rx="2" class="chart-bar"/><text x="{vx}" y="{ty}" class="chart-value">{value}</text>"#,
            lx = label_w - 8,
            ty = y + 14,
            label = escape(label),
            vx = label_w as i64 + len + 6,
        );
    }
    if let Some(t) = target {
        let x = label_w as i64 + (t as f64 / max as f64 * bar_w as f64).round() as i64;
        let _ = write!(
            svg,
            r#"<line x1="{x}" y1="24" x2="{x}" y2="{y2}" class="chart-target" stroke-dasharray="4 3"/><text x="{x}" y="{ty}" text-anchor="middle" class="chart-target-label">目标 {t}</text>"#,
            y2 = height - 18,
            ty = height - 4,
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The service map (服务地图): one tile per region where it lies, shaded by how many
/// public centers it has, each tile a link (`href`) to that region's centers.
pub fn service_map(title: &str, tiles: &[pocnet_domain::service_map::Tile], href: &dyn Fn(pocnet_domain::region::Region) -> String) -> String {
    let (w, h, gap) = (118, 64, 8);
    let cols = tiles.iter().map(|t| t.col).max().unwrap_or(0) + 1;
    let rows = tiles.iter().map(|t| t.row).max().unwrap_or(0) + 1;
    let max = tiles.iter().map(|t| t.poc + t.pilot).max().unwrap_or(0).max(1);
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart service-map" role="img" aria-label="{t}" viewBox="0 0 {vw} {vh}" width="100%" xmlns="http://www.w3.org/2000/svg"><title>{t}</title>"#,
        t = escape(title),
        vw = cols * (w + gap),
        vh = rows * (h + gap) + 4,
    );
    for t in tiles {
        let (x, y) = (t.col * (w + gap), t.row * (h + gap));
        let n = t.poc + t.pilot;
        // 0 → the lightest shade; the busiest region the darkest.
        let level = if n == 0 { 0 } else { 1 + (n * 4 - 1) / max };
        let _ = write!(
            svg,
            r#"<a href="{href}"><rect x="{x}" y="{y}" width="{w}" height="{h}" rx="6" class="map-tile map-level-{level}"/><text x="{tx}" y="{ty}" text-anchor="middle" class="map-name">{name}</text><text x="{tx}" y="{cy}" text-anchor="middle" class="map-count">验证中心 {poc} · 中试 {pilot}</text></a>"#,
            href = escape(&href(t.region)),
            tx = x + w / 2,
            ty = y + 26,
            cy = y + 48,
            name = escape(t.region.label_zh()),
            poc = t.poc,
            pilot = t.pilot,
        );
    }
    svg.push_str("</svg>");
    svg
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_map_draws_a_linked_tile_per_region_shaded_by_its_count() {
        use pocnet_domain::center::CenterKind;
        use pocnet_domain::region::Region;
        let tiles = pocnet_domain::service_map::tiles(&[(Region::Ruian, CenterKind::PocCenter), (Region::Ruian, CenterKind::PilotPlatform), (Region::Lucheng, CenterKind::PocCenter)]);
        let svg = service_map("服务地图", &tiles, &|r| format!("/service-map?region={}#centers", r.as_str()));
        assert_eq!(svg.matches("<a href=").count(), Region::ALL.len());
        assert!(svg.contains("瑞安市") && svg.contains("验证中心 1 · 中试 1"), "{svg}");
        assert!(svg.contains("map-level-4") && svg.contains("map-level-0"), "the busiest region darkest, empty ones lightest");
    }

    #[test]
    fn bars_scale_to_the_largest_and_escape_labels() {
        let svg = bar_chart("按阶段", &[("已认定".into(), 10), ("<b>".into(), 5)]);
        assert!(svg.contains(r#"width="300""#), "largest bar spans the full width");
        assert!(svg.contains(r#"width="150""#), "half value, half width");
        assert!(svg.contains("&lt;b&gt;"));
        assert!(!svg.contains("<b>"));
    }

    #[test]
    fn a_target_stretches_the_axis_and_is_drawn() {
        let svg = bar_chart_with_target("市级中心", &[("2026年".into(), 15)], Some(30));
        assert!(svg.contains(r#"width="150""#), "15 of a 30 axis is half the bar width");
        assert!(svg.contains("目标 30") && svg.contains(r#"x1="450""#), "{svg}");
    }

    #[test]
    fn empty_chart_is_valid_svg() {
        let svg = bar_chart("空", &[]);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
    }
}
