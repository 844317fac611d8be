//! Request metrics and their Prometheus text rendering (exposition format 0.0.4), written
//! by hand: a counter of requests by method, route and status, and a latency histogram by
//! method and route.
//!
//! Labels are bounded: the route is the matched route template (`/api/v1/suppliers/{id}`),
//! never the raw path, and unknown methods count as `OTHER`, so a scanner cannot blow up
//! the number of series.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use axum::http::Method;

/// Upper bounds of the latency histogram buckets, in seconds.
const BUCKETS: [f64; 12] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0];

/// The route label of requests that matched no route.
pub(crate) const UNMATCHED_ROUTE: &str = "unmatched";

#[derive(Debug, Default, Clone)]
struct Histogram {
    /// Non-cumulative counts per bucket; the last slot counts what is above every bound.
    counts: [u64; BUCKETS.len() + 1],
    sum: f64,
    count: u64,
}

impl Histogram {
    fn observe(&mut self, seconds: f64) {
        let slot = BUCKETS.iter().position(|bound| seconds <= *bound).unwrap_or(BUCKETS.len());
        if let Some(c) = self.counts.get_mut(slot) {
            *c += 1;
        }
        self.sum += seconds;
        self.count += 1;
    }
}

#[derive(Debug, Default)]
struct Series {
    requests: BTreeMap<(&'static str, String, u16), u64>,
    durations: BTreeMap<(&'static str, String), Histogram>,
}

/// The registry's size, for the gauges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct RegistryCounts {
    pub(crate) suppliers: u64,
    pub(crate) offerings: u64,
    pub(crate) services: u64,
}

/// Counters and histograms of the requests served.
#[derive(Debug, Default)]
pub struct Metrics {
    series: Mutex<Series>,
}

/// A bounded method label.
fn method_label(method: &Method) -> &'static str {
    match *method {
        Method::GET => "GET",
        Method::HEAD => "HEAD",
        Method::POST => "POST",
        Method::PUT => "PUT",
        Method::PATCH => "PATCH",
        Method::DELETE => "DELETE",
        Method::OPTIONS => "OPTIONS",
        _ => "OTHER",
    }
}

/// Escapes a label value as the text format asks: backslash, double quote and newline.
fn escape(value: &str) -> String {
    value.replace('\\', "\\\\").replace('"', "\\\"").replace('\n', "\\n")
}

impl Metrics {
    /// Records one request.
    pub(crate) fn record(&self, method: &Method, route: &str, status: u16, elapsed: Duration) {
        let method = method_label(method);
        let mut series = self.series.lock().unwrap_or_else(PoisonError::into_inner);
        *series.requests.entry((method, route.to_owned(), status)).or_default() += 1;
        series.durations.entry((method, route.to_owned())).or_default().observe(elapsed.as_secs_f64());
    }

    /// The text exposition: request series, then the registry gauges when the store
    /// answered (`chainward_store_up` says whether it did), then the build information.
    pub(crate) fn render(&self, registry: Option<RegistryCounts>) -> String {
        let (requests, durations) = {
            let series = self.series.lock().unwrap_or_else(PoisonError::into_inner);
            (series.requests.clone(), series.durations.clone())
        };
        let mut out = String::new();
        // Writing to a String cannot fail, so the results of writeln! are ignored.
        let _ =
            writeln!(out, "# HELP chainward_http_requests_total HTTP requests answered, by method, route and status.");
        let _ = writeln!(out, "# TYPE chainward_http_requests_total counter");
        for ((method, route, status), n) in &requests {
            let _ = writeln!(
                out,
                "chainward_http_requests_total{{method=\"{method}\",route=\"{}\",status=\"{status}\"}} {n}",
                escape(route)
            );
        }
        let _ = writeln!(out, "# HELP chainward_http_request_duration_seconds Time to answer an HTTP request.");
        let _ = writeln!(out, "# TYPE chainward_http_request_duration_seconds histogram");
        for ((method, route), histogram) in &durations {
            let labels = format!("method=\"{method}\",route=\"{}\"", escape(route));
            let mut cumulative = 0;
            for (bound, n) in BUCKETS.iter().zip(histogram.counts.iter()) {
                cumulative += n;
                let _ = writeln!(
                    out,
                    "chainward_http_request_duration_seconds_bucket{{{labels},le=\"{bound}\"}} {cumulative}"
                );
            }
            let _ = writeln!(
                out,
                "chainward_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} {}",
                histogram.count
            );
            let _ = writeln!(out, "chainward_http_request_duration_seconds_sum{{{labels}}} {}", histogram.sum);
            let _ = writeln!(out, "chainward_http_request_duration_seconds_count{{{labels}}} {}", histogram.count);
        }
        let _ =
            writeln!(out, "# HELP chainward_store_up Whether the database answered the last scrape (1) or not (0).");
        let _ = writeln!(out, "# TYPE chainward_store_up gauge");
        let _ = writeln!(out, "chainward_store_up {}", u8::from(registry.is_some()));
        if let Some(counts) = registry {
            for (name, help, value) in [
                ("chainward_registry_suppliers", "Suppliers in the registry.", counts.suppliers),
                ("chainward_registry_offerings", "Offerings in the registry.", counts.offerings),
                ("chainward_registry_services", "Internal services in the registry.", counts.services),
            ] {
                let _ = writeln!(out, "# HELP {name} {help}");
                let _ = writeln!(out, "# TYPE {name} gauge");
                let _ = writeln!(out, "{name} {value}");
            }
        }
        let _ = writeln!(out, "# HELP chainward_build_info The running version of chainward.");
        let _ = writeln!(out, "# TYPE chainward_build_info gauge");
        let _ = writeln!(out, "chainward_build_info{{version=\"{}\"}} 1", escape(env!("CARGO_PKG_VERSION")));
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn histogram_buckets_are_cumulative_and_end_with_inf() {
        let metrics = Metrics::default();
        metrics.record(&Method::GET, "/api/v1/suppliers", 200, Duration::from_millis(3));
        metrics.record(&Method::GET, "/api/v1/suppliers", 200, Duration::from_millis(70));
        metrics.record(&Method::GET, "/api/v1/suppliers", 200, Duration::from_secs(60));
        let text = metrics.render(None);
        let labels = "method=\"GET\",route=\"/api/v1/suppliers\"";
        for line in [
            format!("chainward_http_requests_total{{{labels},status=\"200\"}} 3"),
            format!("chainward_http_request_duration_seconds_bucket{{{labels},le=\"0.005\"}} 1"),
            format!("chainward_http_request_duration_seconds_bucket{{{labels},le=\"0.1\"}} 2"),
            format!("chainward_http_request_duration_seconds_bucket{{{labels},le=\"30\"}} 2"),
            format!("chainward_http_request_duration_seconds_bucket{{{labels},le=\"+Inf\"}} 3"),
            format!("chainward_http_request_duration_seconds_count{{{labels}}} 3"),
            "chainward_store_up 0".to_owned(),
        ] {
            assert!(text.lines().any(|l| l == line), "missing {line:?} in\n{text}");
        }
        assert!(!text.contains("chainward_registry_suppliers"));
    }

    #[test]
    fn label_values_are_escaped_and_methods_bounded() {
        let metrics = Metrics::default();
        let odd = Method::from_bytes(b"BREW").unwrap_or(Method::GET);
        metrics.record(&odd, "a\"b\\c\nd", 404, Duration::ZERO);
        let text = metrics.render(Some(RegistryCounts { suppliers: 2, offerings: 1, services: 0 }));
        assert!(text.contains("method=\"OTHER\",route=\"a\\\"b\\\\c\\nd\""), "{text}");
        assert!(text.lines().any(|l| l == "chainward_registry_suppliers 2"), "{text}");
        assert!(text.lines().any(|l| l == "chainward_store_up 1"), "{text}");
    }
}
