//! Sending one-time codes by text message: `SmsSender`, the development sender (prints codes; only in
//! development mode) and the HTTP sender for a real gateway.

use std::sync::{Arc, Mutex};

use async_trait::async_trait;

use crate::error::Error;

/// Something that delivers a text message to a phone number (E.164).
#[async_trait]
pub trait SmsSender: Send + Sync + std::fmt::Debug {
    /// Sends `text` to `to`.
    async fn send(&self, to: &str, text: &str) -> Result<(), Error>;
}

/// The development sender: prints each message on standard error and keeps the last ones in memory (tests
/// read codes from there). Never constructed in production mode.
#[derive(Debug, Default, Clone)]
pub struct DevSms {
    sent: Arc<Mutex<Vec<(String, String)>>>,
}

impl DevSms {
    /// A new development sender.
    pub fn new() -> Self {
        Self::default()
    }

    /// The newest message sent to `to`.
    pub fn last_to(&self, to: &str) -> Option<String> {
        let sent = self
            .sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        sent.iter().rev().find(|(t, _)| t == to).map(|(_, m)| m.clone())
    }

    /// How many messages were sent.
    pub fn count(&self) -> usize {
        self.sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .len()
    }
}

#[async_trait]
impl SmsSender for DevSms {
    async fn send(&self, to: &str, text: &str) -> Result<(), Error> {
        #[allow(clippy::print_stderr)] // The development sender's whole purpose is to show the code.
        {
            eprintln!("[tokhai-server development SMS] to {to}: {text}");
        }
        let mut sent = self
            .sent
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if sent.len() >= 1000 {
            sent.remove(0);
        }
        sent.push((to.to_owned(), text.to_owned()));
        Ok(())
    }
}

/// Sends through an HTTP gateway: `POST <url>` with JSON `{"to": "+84…", "text": "…"}` and, when
/// configured, `Authorization: Bearer <token>`. Any 2xx answer counts as accepted.
#[derive(Clone)]
pub struct HttpSms {
    url: String,
    token: Option<String>,
    client: reqwest::Client,
}

impl std::fmt::Debug for HttpSms {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpSms")
            .field("url", &self.url)
            .finish_non_exhaustive()
    }
}

impl HttpSms {
    /// A sender for the gateway at `url`.
    pub fn new(url: String, token: Option<String>) -> Result<Self, Error> {
        install_tls_provider();
        let client = reqwest::Client::builder()
            .timeout(std::time::Duration::from_secs(10))
            .build()
            .map_err(|_| Error::Sms("client setup"))?;
        Ok(Self { url, token, client })
    }
}

#[async_trait]
impl SmsSender for HttpSms {
    async fn send(&self, to: &str, text: &str) -> Result<(), Error> {
        let mut req = self
            .client
            .post(&self.url)
            .json(&serde_json::json!({ "to": to, "text": text }));
        if let Some(t) = &self.token {
            req = req.bearer_auth(t);
        }
        let resp = req.send().await.map_err(|_| Error::Sms("unreachable"))?;
        if resp.status().is_success() {
            Ok(())
        } else {
            Err(Error::Sms("refused"))
        }
    }
}

/// Makes ring the process's TLS provider for rustls (reqwest is built without one; the workspace keeps one
/// crypto library). Idempotent: a provider installed earlier stays.
pub fn install_tls_provider() {
    let _ = rustls::crypto::ring::default_provider().install_default();
}
