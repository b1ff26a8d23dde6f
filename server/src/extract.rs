//! Extractors: request bodies, parameters and authentication. Every rejection becomes an `ApiError` with a
//! JSON body.

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequest, FromRequestParts, Request};
use axum::http::header;
use axum::http::request::Parts;
use ring::digest::{SHA256, digest};
use serde::de::DeserializeOwned;

use crate::error::ApiError;
use crate::state::AppState;
use crate::store::{AccountRow, Scope};

/// A JSON body; malformed or oversized bodies are refused with an error body.
#[derive(Debug)]
pub(crate) struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(v)) => Ok(Self(v)),
            Err(rejection) if rejection.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE => {
                Err(ApiError::PayloadTooLarge)
            }
            Err(_) => Err(ApiError::InvalidBody),
        }
    }
}

/// Query parameters.
#[derive(Debug)]
pub(crate) struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Query::<T>::from_request_parts(parts, state)
            .await
            .map(|q| Self(q.0))
            .map_err(|_| ApiError::InvalidParameter)
    }
}

/// Path parameters.
#[derive(Debug)]
pub(crate) struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| Self(p.0))
            .map_err(|_| ApiError::InvalidParameter)
    }
}

/// The client's address: the peer, or — only when the peer is a configured trusted proxy — the last
/// address in `X-Forwarded-For` that is not itself a trusted proxy.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ClientAddr(pub IpAddr);

/// Picks the client address (pure, for tests).
pub fn client_addr(peer: Option<IpAddr>, forwarded: Option<&str>, trusted: &[IpAddr]) -> IpAddr {
    let unknown = IpAddr::V4(Ipv4Addr::UNSPECIFIED);
    let Some(peer) = peer else { return unknown };
    if !trusted.contains(&peer) {
        return peer;
    }
    let Some(fwd) = forwarded else { return peer };
    for part in fwd.rsplit(',') {
        match part.trim().parse::<IpAddr>() {
            Ok(ip) if trusted.contains(&ip) => continue,
            Ok(ip) => return ip,
            Err(_) => return peer,
        }
    }
    peer
}

impl FromRequestParts<AppState> for ClientAddr {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // `ConnectInfo` is set by `into_make_service_with_connect_info` (or `MockConnectInfo` in tests).
        let peer = ConnectInfo::<SocketAddr>::from_request_parts(parts, state)
            .await
            .ok()
            .map(|c| c.0.ip());
        let fwd = parts.headers.get("x-forwarded-for").and_then(|v| v.to_str().ok());
        Ok(Self(client_addr(peer, fwd, &state.config().trusted_proxies)))
    }
}

/// The hash under which a session token is stored.
pub(crate) fn token_hash(token: &str) -> Vec<u8> {
    digest(&SHA256, token.as_bytes()).as_ref().to_vec()
}

/// A signed-in account.
#[derive(Debug, Clone)]
pub(crate) struct Session {
    /// The account.
    pub account: AccountRow,
    /// The stored hash of the presented token.
    pub token_hash: Vec<u8>,
}

impl FromRequestParts<AppState> for Session {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // The app sends a bearer token; the portal's pages a cookie, and with it a CSRF token on every
        // request that changes state (`web::session`).
        let (token, from_cookie) = match parts.headers.get(header::AUTHORIZATION) {
            Some(v) => (
                v.to_str()
                    .ok()
                    .and_then(|v| v.strip_prefix("Bearer "))
                    .map(str::trim)
                    .filter(|t| !t.is_empty() && t.len() <= 128)
                    .ok_or(ApiError::Unauthorized)?,
                false,
            ),
            None => (
                crate::web::session::cookie_token(&parts.headers).ok_or(ApiError::Unauthorized)?,
                true,
            ),
        };
        let hash = token_hash(token);
        if from_cookie {
            crate::web::session::check_csrf(state, parts, &hash)?;
        }
        let store = state.store();
        let id = store
            .session_account(&hash, state.now_ms())
            .await?
            .ok_or(ApiError::Unauthorized)?;
        let account = store.account(id).await?.ok_or(ApiError::Unauthorized)?;
        Ok(Self {
            account,
            token_hash: hash,
        })
    }
}

/// A signed-in health officer and their scopes.
#[derive(Debug, Clone)]
pub(crate) struct Officer {
    /// The account.
    pub account: AccountRow,
    /// Provinces/wards the officer may see.
    pub scopes: Vec<Scope>,
}

impl Officer {
    /// Whether `(province, ward)` is in scope.
    pub(crate) fn covers(&self, province: i64, ward: i64) -> bool {
        self.scopes.iter().any(|s| s.covers(province, ward))
    }
}

impl FromRequestParts<AppState> for Officer {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state).await?;
        let scopes = state.store().scopes(session.account.id).await?;
        if scopes.is_empty() {
            return Err(ApiError::Forbidden);
        }
        Ok(Self {
            account: session.account,
            scopes,
        })
    }
}

/// A signed-in administrator.
#[derive(Debug, Clone)]
pub(crate) struct Admin {
    /// The account.
    #[allow(dead_code)] // Kept for handlers that record who acted.
    pub account: AccountRow,
}

impl FromRequestParts<AppState> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let session = Session::from_request_parts(parts, state).await?;
        if !session.account.is_admin {
            return Err(ApiError::Forbidden);
        }
        Ok(Self {
            account: session.account,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forwarded_for_is_trusted_only_from_trusted_proxies() {
        let proxy: IpAddr = "10.0.0.1".parse().unwrap();
        let client: IpAddr = "203.0.113.7".parse().unwrap();
        let forged = "198.51.100.1, 203.0.113.7";
        assert_eq!(client_addr(Some(client), Some("1.2.3.4"), &[proxy]), client);
        assert_eq!(client_addr(Some(proxy), Some(forged), &[proxy]), client);
        assert_eq!(client_addr(Some(proxy), Some("junk"), &[proxy]), proxy);
        assert_eq!(client_addr(Some(proxy), None, &[proxy]), proxy);
        assert_eq!(client_addr(Some(proxy), Some(forged), &[]), proxy);
    }
}
