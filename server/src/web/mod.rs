//! The web portal (ADR 0021): its built pages, embedded at compile time (`build.rs`), served with a strict
//! Content-Security-Policy and the usual security headers; browser sessions live in `session.rs`.
//!
//! Every `GET` outside `/v1/` and the operations routes is a page: a file of the build, a page prerendered
//! at build time (`/place/register` → `place/register.html`), or the single-page app's `index.html` for
//! any other route path (`/place/dashboard`), so a reload or a bookmark opens the page.

pub(crate) mod session;

use std::sync::LazyLock;

use axum::body::Body;
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode, header};
use axum::response::{IntoResponse, Response};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use ring::digest::{SHA256, digest};

use crate::error::ApiError;

mod assets {
    include!(concat!(env!("OUT_DIR"), "/portal_assets.rs"));
}

/// Whether the pages were built into this binary.
pub(crate) fn built() -> bool {
    !assets::ASSETS.is_empty()
}

fn asset(path: &str) -> Option<&'static [u8]> {
    assets::ASSETS
        .binary_search_by(|(p, _)| (*p).cmp(path))
        .ok()
        .and_then(|i| assets::ASSETS.get(i))
        .map(|(_, body)| *body)
}

/// The Content-Security-Policy of every page: nothing from elsewhere, no inline code but SvelteKit's
/// start-up scripts, allowed by their hashes (computed once from the embedded pages: `index.html` and the
/// pages prerendered at build time, such as `place/register.html`).
static CSP: LazyLock<String> = LazyLock::new(|| {
    let mut hashes = String::new();
    for (_, html) in assets::ASSETS.iter().filter(|(p, _)| p.ends_with(".html")) {
        for script in inline_scripts(&String::from_utf8_lossy(html)) {
            let h = format!(
                " 'sha256-{}'",
                STANDARD.encode(digest(&SHA256, script.as_bytes()))
            );
            if !hashes.contains(&h) {
                hashes.push_str(&h);
            }
        }
    }
    format!(
        "default-src 'none'; script-src 'self'{hashes}; style-src 'self'; style-src-attr 'unsafe-hashes' \
         {ANNOUNCER_STYLE}; img-src 'self' data: blob:; \
         font-src 'self'; connect-src 'self'; manifest-src 'self'; base-uri 'none'; form-action 'self'; \
         frame-ancestors 'none'"
    )
});

/// The one style attribute the pages set: SvelteKit's route announcer (a visually hidden live region;
/// `@sveltejs/kit/src/core/sync/write_root.js`),
/// allowed by its hash; any other inline style is refused (the browser test fails on a CSP violation).
const ANNOUNCER_STYLE: &str = "'sha256-S8qMpvofolR8Mpjy4kQvEm7m1q8clzU4dfDH0AmvZjo='";

/// The contents of `<script>` elements without `src`.
fn inline_scripts(html: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut rest = html;
    while let Some((_, after)) = rest.split_once("<script") {
        let Some((tag, after_tag)) = after.split_once('>') else {
            break;
        };
        let Some((body, next)) = after_tag.split_once("</script>") else {
            break;
        };
        if !tag.contains("src=") {
            out.push(body);
        }
        rest = next;
    }
    out
}

/// The security headers of every page and file of the portal.
pub(crate) fn page_headers(headers: &mut HeaderMap) {
    let fixed: [(&str, &str); 7] = [
        ("x-content-type-options", "nosniff"),
        ("referrer-policy", "no-referrer"),
        ("x-frame-options", "DENY"),
        ("cross-origin-opener-policy", "same-origin"),
        ("cross-origin-resource-policy", "same-origin"),
        (
            "permissions-policy",
            "camera=(), microphone=(), geolocation=(self), payment=(), usb=()",
        ),
        ("x-permitted-cross-domain-policies", "none"),
    ];
    for (name, value) in fixed {
        headers.insert(name, HeaderValue::from_static(value));
    }
    if let Ok(v) = HeaderValue::from_str(&CSP) {
        headers.insert(header::CONTENT_SECURITY_POLICY, v);
    }
}

fn mime(path: &str) -> &'static str {
    match path.rsplit('.').next().unwrap_or_default() {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "json" | "webmanifest" => "application/json",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// What `/` says when the pages were not built into this binary.
const NOT_BUILT: &str = "<!doctype html><html lang=\"vi\"><head><meta charset=\"utf-8\"><title>tokhai-server</title></head>\
<body><h1>tokhai-server</h1>\
<p>Cổng thông tin web chưa được đóng gói vào bản máy chủ này. Chạy <code>npm --prefix ui ci &amp;&amp; npm --prefix ui run build:portal</code> \
rồi dịch lại máy chủ (<code>cargo build -p tokhai-server</code>), hoặc chạy <code>./dev run</code> để làm cả hai.</p>\
<p lang=\"en\">The web portal's pages are not built into this server binary. Run <code>npm --prefix ui ci &amp;&amp; npm --prefix ui run build:portal</code> \
and build the server again (<code>cargo build -p tokhai-server</code>), or run <code>./dev run</code>, which does both.</p>\
<p>API: <a href=\"/openapi.json\">/openapi.json</a></p></body></html>";

/// The router's fallback: a page of the portal for `GET`/`HEAD` outside `/v1/`, the API's JSON errors
/// otherwise.
pub(crate) async fn fallback(req: Request) -> Response {
    let path = req.uri().path();
    if path.starts_with("/v1/") || path == "/v1" {
        return ApiError::NotFound.into_response();
    }
    if req.method() != Method::GET && req.method() != Method::HEAD {
        return ApiError::MethodNotAllowed.into_response();
    }
    let rel = path.trim_start_matches('/');
    let (status, name, body) = if !built() {
        if !rel.is_empty() {
            return ApiError::NotFound.into_response();
        }
        (StatusCode::OK, "index.html", NOT_BUILT.as_bytes())
    } else if let Some(body) = asset(if rel.is_empty() { "index.html" } else { rel }) {
        (
            StatusCode::OK,
            if rel.is_empty() { "index.html" } else { rel },
            body,
        )
    } else if rel.starts_with("_app/") || rel.rsplit('/').next().is_some_and(|last| last.contains('.')) {
        // A missing file (an old bundle's name): not the app's page.
        return ApiError::NotFound.into_response();
    } else if let Some(body) = asset(&format!("{rel}.html")) {
        // A page prerendered at build time (its HTML paints before the scripts run).
        (StatusCode::OK, "index.html", body)
    } else {
        // A route of the single-page app.
        match asset("index.html") {
            Some(body) => (StatusCode::OK, "index.html", body),
            None => return ApiError::NotFound.into_response(),
        }
    };
    let mut resp = (status, Body::from(body)).into_response();
    let headers = resp.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime(name)));
    headers.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static(if name.starts_with("_app/immutable/") {
            "public, max-age=31536000, immutable"
        } else {
            "no-cache"
        }),
    );
    page_headers(headers);
    resp
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn inline_scripts_are_found_and_external_ones_skipped() {
        let html =
            "<head><script src=\"/a.js\"></script></head><body><script>\n{ start() }\n</script></body>";
        assert_eq!(inline_scripts(html), vec!["\n{ start() }\n"]);
        assert!(inline_scripts("<p>no script</p>").is_empty());
        assert!(inline_scripts("<script>unterminated").is_empty());
    }

    #[test]
    fn the_csp_allows_nothing_from_elsewhere() {
        assert!(CSP.starts_with("default-src 'none'; script-src 'self'"));
        assert!(!CSP.contains("unsafe-inline") && !CSP.contains("http"));
        assert!(CSP.contains("frame-ancestors 'none'"));
    }
}
