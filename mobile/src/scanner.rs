//! The live scanner of a camera screen: the app feeds every camera frame as bytes plus pixel format
//! (NV21 from CameraX's `ImageAnalysis`, BGRA from AVFoundation's `kCVPixelFormatType_32BGRA`) and
//! polls for events. Core's `LiveScanner` decodes on its own thread, never queues (a frame that arrives
//! while one is decoded replaces the waiting one), and stops at the first code that verifies as a
//! checkpoint under the trust in force; the check-in itself happens in `next_event`, on the caller's
//! thread, through the same `check_in_code` as a typed code.

use std::sync::mpsc::TryRecvError;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use tokhai_core::{LiveScanner, Localized, ScanOptions, StreamEvent, Submitted};

use crate::Tokhai;
use crate::error::{TokhaiError, guard};
use crate::records::{CameraFrame, CheckInResult, core_frame};

/// How often `next_event` looks for an event while it waits.
const POLL: Duration = Duration::from_millis(5);

/// What became of a submitted frame (core's `Submitted`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum FrameTaken {
    /// Waiting for the decoder.
    Pending,
    /// Waiting, in place of an older frame that was dropped unread.
    ReplacedOlder,
    /// The scanner has stopped (a checkpoint was found, or `stop` was called): the frame was discarded.
    Stopped,
}

/// What the scanner saw.
// One event per code read, lowered into a buffer at the boundary at once: the size of the check-in
// variant costs nothing worth a `Box` (which uniffi records cannot hold).
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, uniffi::Enum)]
pub enum ScanEvent {
    /// A checkpoint's code was read and the check-in is done; the scanner has stopped.
    CheckedIn {
        /// The check-in.
        result: CheckInResult,
    },
    /// A code was read but is no valid checkpoint code (a foreign QR, a forged or expired poster, a
    /// personal code); scanning goes on. Show the message briefly.
    Refused {
        /// Stable code (`qr_not_tokhai`, `qr_unknown_key`, `qr_expired`…).
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
    },
    /// A frame could not be read (wrong size, stride or buffer); scanning goes on.
    BadFrame {
        /// Stable code (`scan_buffer_too_short`…).
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
    },
    /// The code verified but the check-in was refused (e.g. the data was wiped); the scanner has stopped.
    CheckInFailed {
        /// Stable code.
        code: String,
        /// Vietnamese message.
        message_vi: String,
        /// English message.
        message_en: String,
    },
}

/// Counters of a scanner (core's `StreamStats`).
#[derive(Debug, Clone, Copy, uniffi::Record)]
pub struct ScanStats {
    /// Frames submitted while running.
    pub submitted: u64,
    /// Frames replaced before the decoder took them.
    pub dropped: u64,
    /// Frames decoded.
    pub scanned: u64,
}

/// A live scanner bound to one `Tokhai`; see the module documentation. Thread-safe: the camera's
/// analyser thread submits while another thread polls.
#[derive(Debug, uniffi::Object)]
pub struct Scanner {
    tokhai: Arc<Tokhai>,
    live: Mutex<Option<LiveScanner>>,
}

fn msg_parts(e: &TokhaiError) -> (String, String, String) {
    match e {
        TokhaiError::Key {
            code,
            message_vi,
            message_en,
        }
        | TokhaiError::Invalid {
            code,
            message_vi,
            message_en,
            ..
        }
        | TokhaiError::Rejected {
            code,
            message_vi,
            message_en,
        }
        | TokhaiError::Network {
            code,
            message_vi,
            message_en,
            ..
        }
        | TokhaiError::SignIn {
            code,
            message_vi,
            message_en,
        }
        | TokhaiError::Storage {
            code,
            message_vi,
            message_en,
        }
        | TokhaiError::Internal {
            code,
            message_vi,
            message_en,
        } => (code.clone(), message_vi.clone(), message_en.clone()),
    }
}

#[uniffi::export]
impl Tokhai {
    /// Starts a live scanner for the camera screen.
    pub fn start_scanner(self: Arc<Self>) -> Result<Arc<Scanner>, TokhaiError> {
        guard(|| {
            // The trust in force when the camera screen opened (a sync while it is open does not change
            // which posters it accepts until it is opened again).
            let trust = self.engine()?.trust_store()?;
            let clock = Arc::clone(&self.clock);
            let live = LiveScanner::start(ScanOptions::default(), move |c| {
                trust.verify_checkpoint(&c.text, clock.as_ref()).is_ok()
            })
            .map_err(|_| TokhaiError::internal())?;
            Ok(Arc::new(Scanner {
                tokhai: self,
                live: Mutex::new(Some(live)),
            }))
        })
    }
}

#[uniffi::export]
impl Scanner {
    /// Offers one camera frame; never waits for a decode.
    pub fn submit(&self, frame: CameraFrame) -> FrameTaken {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        let Some(live) = live.as_ref() else {
            return FrameTaken::Stopped;
        };
        let taken = live.submit(core_frame(frame));
        match taken {
            Submitted::Pending => FrameTaken::Pending,
            Submitted::ReplacedOlder => FrameTaken::ReplacedOlder,
            Submitted::Stopped => FrameTaken::Stopped,
        }
    }

    /// The next event, waiting at most `timeout_ms` (0: only what is already there); none when nothing
    /// happened in that time or the scanner has stopped and said everything.
    pub fn next_event(&self, timeout_ms: u32) -> Result<Option<ScanEvent>, TokhaiError> {
        guard(|| {
            // The events' receiver lives inside core's scanner, which `submit` needs too: it is polled in
            // short turns so that the camera thread never waits behind this one.
            let deadline = Instant::now() + Duration::from_millis(u64::from(timeout_ms));
            let event = loop {
                {
                    let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
                    let Some(live) = live.as_ref() else {
                        return Ok(None);
                    };
                    match live.events().try_recv() {
                        Ok(e) => break e,
                        Err(TryRecvError::Disconnected) => return Ok(None),
                        Err(TryRecvError::Empty) => {}
                    }
                }
                let now = Instant::now();
                if now >= deadline {
                    return Ok(None);
                }
                std::thread::sleep(POLL.min(deadline - now));
            };
            Ok(Some(match event {
                StreamEvent::Accepted(code) => match self.tokhai.check_in_code(code.text) {
                    Ok(result) => ScanEvent::CheckedIn { result },
                    Err(e) => {
                        let (code, message_vi, message_en) = msg_parts(&e);
                        ScanEvent::CheckInFailed {
                            code,
                            message_vi,
                            message_en,
                        }
                    }
                },
                StreamEvent::Refused(code) => {
                    let refusal = self.tokhai.refusal(&code.text);
                    let (code, message_vi, message_en) = msg_parts(&refusal);
                    ScanEvent::Refused {
                        code,
                        message_vi,
                        message_en,
                    }
                }
                StreamEvent::BadFrame(e) => {
                    let m = e.msg();
                    ScanEvent::BadFrame {
                        code: e.code().to_owned(),
                        message_vi: m.vi.into_owned(),
                        message_en: m.en.into_owned(),
                    }
                }
                // A kind of event a newer core reports: nothing this binding shows.
                _ => return Ok(None),
            }))
        })
    }

    /// Whether the scanner has stopped (a checkpoint was found, or `stop` was called).
    pub fn is_stopped(&self) -> bool {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.as_ref().is_none_or(LiveScanner::is_stopped)
    }

    /// The counters so far.
    pub fn stats(&self) -> ScanStats {
        let live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        live.as_ref().map(LiveScanner::stats).map_or(
            ScanStats {
                submitted: 0,
                dropped: 0,
                scanned: 0,
            },
            |s| ScanStats {
                submitted: s.submitted,
                dropped: s.dropped,
                scanned: s.scanned,
            },
        )
    }

    /// Stops the decoder thread (at most one decode in progress is waited for); later frames are
    /// discarded. The camera screen calls it when it closes.
    pub fn stop(&self) -> ScanStats {
        let stats = self.stats();
        if let Some(live) = self.live.lock().unwrap_or_else(PoisonError::into_inner).take() {
            let s = live.stop();
            return ScanStats {
                submitted: s.submitted,
                dropped: s.dropped,
                scanned: s.scanned,
            };
        }
        stats
    }
}
