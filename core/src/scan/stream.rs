//! The live-stream helper: camera frames are decoded on a worker thread; `submit` never waits for a
//! decode. There is one slot holding the latest frame: a frame that arrives while the worker is busy
//! replaces the waiting one (frames are dropped, never queued). The worker stops at the first code the
//! caller's predicate accepts (the app passes "is a valid checkpoint code") and reports through a channel.

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, Sender, channel};
use std::sync::{Arc, Condvar, Mutex, PoisonError};
use std::thread::JoinHandle;

use super::error::ScanError;
use super::input::{PixelFormat, frame_to_gray};
use super::pipeline::{ScanOptions, ScannedCode, scan_gray};

/// An owned camera or webview frame.
#[derive(Clone)]
pub struct Frame {
    /// The pixels.
    pub data: Vec<u8>,
    /// Width in pixels.
    pub width: usize,
    /// Height in pixels.
    pub height: usize,
    /// Bytes from one row to the next (for YUV: of the luma plane).
    pub stride: usize,
    /// The pixel layout.
    pub format: PixelFormat,
}

impl std::fmt::Debug for Frame {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "Frame({}x{} {:?}, {} bytes)",
            self.width,
            self.height,
            self.format,
            self.data.len()
        )
    }
}

/// What the worker reports.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum StreamEvent {
    /// A code the predicate accepted; the worker has stopped.
    Accepted(ScannedCode),
    /// A code the predicate refused (for example a foreign QR code); scanning goes on.
    Refused(ScannedCode),
    /// A frame could not be read (bad dimensions or buffer); scanning goes on.
    BadFrame(ScanError),
}

/// What became of a submitted frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Submitted {
    /// Waiting in the slot for the worker.
    Pending,
    /// Waiting in the slot, where it replaced an older frame that was dropped unread.
    ReplacedOlder,
    /// The scanner has stopped (a code was accepted, or `stop` was called); the frame was discarded.
    Stopped,
}

/// Counters of a live scanner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct StreamStats {
    /// Frames given to `submit` while running.
    pub submitted: u64,
    /// Frames replaced in the slot before the worker took them.
    pub dropped: u64,
    /// Frames the worker decoded.
    pub scanned: u64,
}

#[derive(Debug, Default)]
struct Shared {
    slot: Mutex<Option<Frame>>,
    wake: Condvar,
    stop: AtomicBool,
    submitted: AtomicU64,
    dropped: AtomicU64,
    scanned: AtomicU64,
}

/// Decodes frames on a worker thread; see the module documentation.
#[derive(Debug)]
pub struct LiveScanner {
    shared: Arc<Shared>,
    events: Receiver<StreamEvent>,
    worker: Option<JoinHandle<()>>,
}

impl LiveScanner {
    /// Starts the worker. `accept` decides which code ends the scan.
    pub fn start<F>(opts: ScanOptions, accept: F) -> std::io::Result<Self>
    where
        F: Fn(&ScannedCode) -> bool + Send + 'static,
    {
        let shared = Arc::new(Shared::default());
        let (tx, events) = channel();
        let worker_shared = Arc::clone(&shared);
        let worker = std::thread::Builder::new()
            .name("tokhai-scan".into())
            .spawn(move || run(&worker_shared, &opts, &accept, &tx))?;
        Ok(Self {
            shared,
            events,
            worker: Some(worker),
        })
    }

    /// Offers a frame. Never waits for a decode: the slot's lock is held only to swap one value.
    pub fn submit(&self, frame: Frame) -> Submitted {
        if self.shared.stop.load(Ordering::Acquire) {
            return Submitted::Stopped;
        }
        self.shared.submitted.fetch_add(1, Ordering::Relaxed);
        let older = self
            .shared
            .slot
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .replace(frame);
        self.shared.wake.notify_one();
        if older.is_some() {
            self.shared.dropped.fetch_add(1, Ordering::Relaxed);
            Submitted::ReplacedOlder
        } else {
            Submitted::Pending
        }
    }

    /// The channel of results.
    pub fn events(&self) -> &Receiver<StreamEvent> {
        &self.events
    }

    /// Whether the worker has stopped (a code was accepted, or `stop` was called).
    pub fn is_stopped(&self) -> bool {
        self.shared.stop.load(Ordering::Acquire)
    }

    /// The counters so far.
    pub fn stats(&self) -> StreamStats {
        StreamStats {
            submitted: self.shared.submitted.load(Ordering::Relaxed),
            dropped: self.shared.dropped.load(Ordering::Relaxed),
            scanned: self.shared.scanned.load(Ordering::Relaxed),
        }
    }

    /// Stops the worker and waits for it (at most one decode in progress).
    pub fn stop(mut self) -> StreamStats {
        self.shutdown();
        self.stats()
    }

    fn shutdown(&mut self) {
        self.shared.stop.store(true, Ordering::Release);
        self.shared.wake.notify_all();
        if let Some(w) = self.worker.take() {
            // A panic on the worker has already been contained or reported; nothing to add here.
            let _ = w.join();
        }
    }
}

impl Drop for LiveScanner {
    fn drop(&mut self) {
        self.shutdown();
    }
}

fn run(shared: &Shared, opts: &ScanOptions, accept: &dyn Fn(&ScannedCode) -> bool, tx: &Sender<StreamEvent>) {
    loop {
        let frame = {
            let mut slot = shared.slot.lock().unwrap_or_else(PoisonError::into_inner);
            loop {
                if shared.stop.load(Ordering::Acquire) {
                    return;
                }
                if let Some(f) = slot.take() {
                    break f;
                }
                slot = shared.wake.wait(slot).unwrap_or_else(PoisonError::into_inner);
            }
        };
        shared.scanned.fetch_add(1, Ordering::Relaxed);
        let gray = match frame_to_gray(&frame.data, frame.width, frame.height, frame.stride, frame.format) {
            Ok(g) => g,
            Err(e) => {
                if tx.send(StreamEvent::BadFrame(e)).is_err() {
                    return;
                }
                continue;
            }
        };
        for code in scan_gray(&gray, opts) {
            if accept(&code) {
                shared.stop.store(true, Ordering::Release);
                // The receiver may be gone; the scanner stops either way.
                let _ = tx.send(StreamEvent::Accepted(code));
                return;
            }
            if tx.send(StreamEvent::Refused(code)).is_err() {
                return;
            }
        }
    }
}
