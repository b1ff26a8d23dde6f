//! Prometheus metrics (`/metrics`): requests by route and status, latency, sync items, codes sent.
//! Labels never carry personal data: routes are the matched templates (`/v1/checkpoints/{id}`), not paths.

use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct HttpLabels {
    method: String,
    route: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ItemLabels {
    kind: String,
    status: String,
}

fn latency_histogram() -> Histogram {
    Histogram::new(exponential_buckets(0.0005, 2.0, 16))
}

/// The server's metrics.
#[derive(Debug)]
pub(crate) struct Metrics {
    registry: Registry,
    requests: Family<HttpLabels, Counter>,
    latency: Family<RouteLabels, Histogram, fn() -> Histogram>,
    sync_items: Family<ItemLabels, Counter>,
    otp_sent: Counter,
}

impl Default for Metrics {
    fn default() -> Self {
        Self::new()
    }
}

impl Metrics {
    /// Registers every metric.
    pub(crate) fn new() -> Self {
        let mut registry = Registry::with_prefix("tokhai");
        let requests = Family::<HttpLabels, Counter>::default();
        let latency =
            Family::<RouteLabels, Histogram, fn() -> Histogram>::new_with_constructor(latency_histogram);
        let sync_items = Family::<ItemLabels, Counter>::default();
        let otp_sent = Counter::default();
        registry.register(
            "http_requests",
            "HTTP requests by route and status",
            requests.clone(),
        );
        registry.register(
            "http_request_duration_seconds",
            "HTTP request latency by route",
            latency.clone(),
        );
        registry.register(
            "sync_items",
            "Uploaded items by kind and outcome",
            sync_items.clone(),
        );
        registry.register("otp_sent", "One-time codes sent", otp_sent.clone());
        Self {
            registry,
            requests,
            latency,
            sync_items,
            otp_sent,
        }
    }

    /// Records one request.
    pub(crate) fn request(&self, method: &str, route: &str, status: u16, seconds: f64) {
        self.requests
            .get_or_create(&HttpLabels {
                method: method.to_owned(),
                route: route.to_owned(),
                status,
            })
            .inc();
        self.latency
            .get_or_create(&RouteLabels {
                route: route.to_owned(),
            })
            .observe(seconds);
    }

    /// Records uploaded items.
    pub(crate) fn sync_item(&self, kind: &str, status: &str) {
        self.sync_items
            .get_or_create(&ItemLabels {
                kind: kind.to_owned(),
                status: status.to_owned(),
            })
            .inc();
    }

    /// Records a sent code.
    pub(crate) fn otp_sent(&self) {
        self.otp_sent.inc();
    }

    /// The text exposition.
    pub(crate) fn encode(&self) -> String {
        let mut out = String::new();
        let _ = prometheus_client::encoding::text::encode(&mut out, &self.registry);
        out
    }
}
