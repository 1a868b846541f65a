//! Prometheus metrics: requests by route, method and status, latency by route, open databases,
//! profile cache hits and misses.

use crate::AppState;
use crate::store::Registry;
use axum::extract::{MatchedPath, Request, State};
use axum::middleware::Next;
use axum::response::Response;
use prometheus_client::encoding::EncodeLabelSet;
use prometheus_client::metrics::counter::Counter;
use prometheus_client::metrics::family::Family;
use prometheus_client::metrics::gauge::Gauge;
use prometheus_client::metrics::histogram::{Histogram, exponential_buckets};
use prometheus_client::registry::Registry as PromRegistry;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RequestLabels {
    route: String,
    method: String,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
}

pub struct Metrics {
    registry: PromRegistry,
    requests: Family<RequestLabels, Counter>,
    latency: Family<RouteLabels, Histogram>,
    open_orgs: Gauge,
    orgs: Arc<Registry>,
}

impl Metrics {
    pub fn new(profiles: &crate::profiles::Profiles, orgs: Arc<Registry>) -> Self {
        let mut registry = PromRegistry::with_prefix("contactpro");
        let requests = Family::<RequestLabels, Counter>::default();
        let latency = Family::<RouteLabels, Histogram>::new_with_constructor(|| {
            Histogram::new(exponential_buckets(0.0005, 2.0, 14))
        });
        let open_orgs = Gauge::default();
        registry.register("http_requests", "HTTP requests by route, method and status", requests.clone());
        registry.register("http_request_duration_seconds", "HTTP request latency by route", latency.clone());
        registry.register("open_org_databases", "Organization databases open now", open_orgs.clone());
        registry.register("profile_cache_hits", "Profile lookups answered from memory", profiles.hits.clone());
        registry.register("profile_cache_misses", "Profile lookups that went to the store", profiles.misses.clone());
        Self { registry, requests, latency, open_orgs, orgs }
    }

    pub fn render(&self) -> String {
        self.open_orgs.set(i64::try_from(self.orgs.open_count()).unwrap_or(i64::MAX));
        let mut out = String::new();
        if prometheus_client::encoding::text::encode(&mut out, &self.registry).is_err() {
            out.clear();
        }
        out
    }
}

pub async fn track(State(state): State<AppState>, req: Request, next: Next) -> Response {
    // The matched route template, never the raw path: ids must not explode label cardinality.
    let route = req.extensions().get::<MatchedPath>().map_or_else(|| "unmatched".to_owned(), |m| m.as_str().to_owned());
    let method = req.method().to_string();
    let start = Instant::now();
    let resp = next.run(req).await;
    let m = &state.metrics;
    m.requests.get_or_create(&RequestLabels { route: route.clone(), method, status: resp.status().as_u16() }).inc();
    m.latency.get_or_create(&RouteLabels { route }).observe(start.elapsed().as_secs_f64());
    resp
}
