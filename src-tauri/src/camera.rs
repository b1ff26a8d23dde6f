//! The live camera session: frames arrive from the webview as raw request bodies (RGBA, no base64) and
//! go to core's `LiveScanner`, which decodes on a worker thread and keeps only the newest waiting frame
//! (frames that arrive while it is busy are dropped, never queued). The worker stops at the first
//! tokhai code (valid or not); the command that sees it verifies and answers with the decision.

use std::sync::Arc;
use std::time::Instant;

use serde::{Deserialize, Serialize};
use tokhai_core::{
    Clock, Frame, LiveScanner, PixelFormat, QrError, ScanOptions, ScannedCode, StreamEvent, TrustStore,
};

use crate::error::AppError;

/// What the camera is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum Purpose {
    /// A checkpoint's poster, to check in.
    CheckIn,
    /// Visitors' personal codes, at a checkpoint's door.
    Staff,
}

/// Counters of the session, for the UI and the benchmarks.
#[derive(Debug, Clone, Copy, Default, Serialize)]
pub(crate) struct FrameStats {
    pub(crate) submitted: u64,
    pub(crate) dropped: u64,
    pub(crate) scanned: u64,
    pub(crate) elapsed_ms: u64,
}

/// A running camera session.
#[derive(Debug)]
pub(crate) struct CameraSession {
    pub(crate) purpose: Purpose,
    scanner: Option<LiveScanner>,
    trust: Arc<TrustStore>,
    started: Instant,
    /// Visitors counted in staff mode.
    pub(crate) count: u64,
    last: FrameStats,
}

/// Whether a scanned code ends the scan: any tokhai code of the purpose's kind, valid or refused (a
/// forged poster gets its red screen); other QR codes (a URL, a payment code) are passed over.
fn ends_scan(purpose: Purpose, trust: &TrustStore, clock: &dyn Clock, code: &ScannedCode) -> bool {
    let verdict = match purpose {
        Purpose::CheckIn => trust.verify_checkpoint(&code.text, clock).map(|_| ()),
        Purpose::Staff => trust.verify_personal(&code.text, clock).map(|_| ()),
    };
    !matches!(verdict, Err(QrError::NotTokhai))
}

impl CameraSession {
    pub(crate) fn start(
        purpose: Purpose,
        trust: TrustStore,
        clock: Arc<dyn Clock>,
    ) -> Result<Self, AppError> {
        let trust = Arc::new(trust);
        let scanner = Self::scanner(purpose, &trust, &clock)?;
        Ok(Self {
            purpose,
            scanner: Some(scanner),
            trust,
            started: Instant::now(),
            count: 0,
            last: FrameStats::default(),
        })
    }

    fn scanner(
        purpose: Purpose,
        trust: &Arc<TrustStore>,
        clock: &Arc<dyn Clock>,
    ) -> Result<LiveScanner, AppError> {
        let (trust, clock) = (Arc::clone(trust), Arc::clone(clock));
        LiveScanner::start(ScanOptions::live(), move |code| {
            ends_scan(purpose, &trust, clock.as_ref(), code)
        })
        .map_err(|_| {
            AppError::new(
                "camera_worker",
                "Không khởi động được bộ đọc mã. Hãy thử lại.",
                "The code reader could not start. Try again.",
            )
        })
    }

    pub(crate) fn trust(&self) -> &TrustStore {
        &self.trust
    }

    /// Offers one frame and returns the code the worker accepted since the last call, if any.
    pub(crate) fn submit(&mut self, frame: Frame) -> Option<String> {
        let scanner = self.scanner.as_ref()?;
        scanner.submit(frame);
        let mut found = None;
        while let Ok(event) = scanner.events().try_recv() {
            if let StreamEvent::Accepted(code) = event {
                found = Some(code.text);
            }
        }
        found
    }

    /// After a visitor's code was shown (staff mode), scanning starts again for the next one.
    pub(crate) fn restart(&mut self, clock: &Arc<dyn Clock>) -> Result<(), AppError> {
        self.stop_scanner();
        self.scanner = Some(Self::scanner(self.purpose, &self.trust, clock)?);
        Ok(())
    }

    fn stop_scanner(&mut self) {
        if let Some(s) = self.scanner.take() {
            let st = s.stop();
            self.last.submitted += st.submitted;
            self.last.dropped += st.dropped;
            self.last.scanned += st.scanned;
        }
    }

    pub(crate) fn stats(&self) -> FrameStats {
        let now = self.scanner.as_ref().map(LiveScanner::stats).unwrap_or_default();
        FrameStats {
            submitted: self.last.submitted + now.submitted,
            dropped: self.last.dropped + now.dropped,
            scanned: self.last.scanned + now.scanned,
            elapsed_ms: u64::try_from(self.started.elapsed().as_millis()).unwrap_or(u64::MAX),
        }
    }

    /// Stops the worker (waits for at most one decode in progress) and returns the counters.
    pub(crate) fn stop(mut self) -> FrameStats {
        self.stop_scanner();
        self.stats()
    }
}

/// The frame a request body and its headers describe (`x-frame-width`, `x-frame-height`,
/// `x-frame-format: rgba`). The sizes are checked by core's frame reader on the worker.
pub(crate) fn frame_from(
    body: Vec<u8>,
    width: Option<&str>,
    height: Option<&str>,
    format: Option<&str>,
) -> Result<Frame, AppError> {
    let num = |v: Option<&str>| v.and_then(|s| s.trim().parse::<usize>().ok());
    let (Some(width), Some(height)) = (num(width), num(height)) else {
        return Err(AppError::bad_request("frame size"));
    };
    let (format, bpp) = match format.map(str::trim) {
        None | Some("rgba") => (PixelFormat::Rgba, 4),
        Some("bgra") => (PixelFormat::Bgra, 4),
        Some("rgb") => (PixelFormat::Rgb, 3),
        Some("gray") => (PixelFormat::Gray8, 1),
        Some(_) => return Err(AppError::bad_request("frame format")),
    };
    let stride = width
        .checked_mul(bpp)
        .ok_or(AppError::bad_request("frame size"))?;
    Ok(Frame {
        data: body,
        width,
        height,
        stride,
        format,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_frame_needs_its_size_and_a_known_format() {
        let f = frame_from(vec![0; 16], Some("2"), Some("2"), Some("rgba")).unwrap();
        assert_eq!((f.width, f.height, f.stride), (2, 2, 8));
        assert_eq!(
            frame_from(vec![], None, Some("2"), None).unwrap_err().code,
            "bad_request"
        );
        assert_eq!(
            frame_from(vec![], Some("2"), Some("2"), Some("yuv9"))
                .unwrap_err()
                .code,
            "bad_request"
        );
    }

    #[test]
    fn a_session_drops_frames_while_busy_and_counts_them() {
        let trust = TrustStore::new();
        let clock: Arc<dyn Clock> = Arc::new(tokhai_core::SystemClock);
        let mut s = CameraSession::start(Purpose::CheckIn, trust, clock).unwrap();
        // A blank 1280x720 frame holds no code; a burst of them is partly dropped, never queued.
        for _ in 0..20 {
            let frame = frame_from(vec![255; 1280 * 720 * 4], Some("1280"), Some("720"), None).unwrap();
            assert_eq!(s.submit(frame), None);
        }
        let st = s.stop();
        assert_eq!(st.submitted, 20);
        // Each frame was decoded, replaced by a newer one, or was still waiting when the worker stopped.
        let accounted = st.scanned + st.dropped;
        assert!(accounted == 20 || accounted == 19, "{st:?}");
    }
}
