//! The live camera: start, one frame (raw body), stop.

use serde::Serialize;
use tauri::State;
use tokhai_core::Msg;

use super::visits::{CheckInView, check_in_at, verified};
use crate::camera::{CameraSession, FrameStats, Purpose, frame_from};
use crate::error::AppError;
use crate::state::AppState;

/// A visitor's personal code, as staff see it.
#[derive(Debug, Serialize)]
pub(crate) struct VisitorView {
    initials: String,
    birth_year: Option<u16>,
    status: tokhai_core::PersonalStatus,
    status_label: Msg,
    count: u64,
}

/// The answer to one frame.
#[derive(Debug, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub(crate) enum FrameAnswer {
    /// Nothing decided yet: keep sending frames.
    Scanning { stats: FrameStats },
    /// A poster's code verified and the check-in is recorded.
    CheckedIn { check_in: Box<CheckInView> },
    /// A visitor's personal code verified (staff mode); scanning goes on.
    Visitor { visitor: VisitorView },
    /// A tokhai code that was refused (forged, altered, expired, revoked, unknown issuer).
    Refused { error: AppError },
}

pub(crate) fn take(state: &AppState) -> Option<CameraSession> {
    state
        .camera
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .take()
}

#[tauri::command(async)]
pub(crate) fn camera_start(state: State<'_, AppState>, purpose: Purpose) -> Result<(), AppError> {
    let engine = state.engine()?;
    let session = CameraSession::start(
        purpose,
        state.trust(&engine)?,
        std::sync::Arc::clone(&state.clock),
    )?;
    if let Some(old) = state
        .camera
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
        .replace(session)
    {
        old.stop();
    }
    Ok(())
}

#[tauri::command(async)]
pub(crate) fn camera_stop(state: State<'_, AppState>) -> Option<FrameStats> {
    take(&state).map(CameraSession::stop)
}

/// One frame from the webview's camera, RGBA as the raw request body, its size in headers.
#[tauri::command(async)]
pub(crate) fn camera_frame(
    state: State<'_, AppState>,
    request: tauri::ipc::Request<'_>,
) -> Result<FrameAnswer, AppError> {
    let tauri::ipc::InvokeBody::Raw(body) = request.body() else {
        return Err(AppError::bad_request("frame body"));
    };
    let h = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
    let frame = frame_from(
        body.clone(),
        h("x-frame-width"),
        h("x-frame-height"),
        h("x-frame-format"),
    )?;
    let engine = state.engine()?;
    let mut guard = state
        .camera
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let Some(session) = guard.as_mut() else {
        return Err(AppError::new(
            "camera_stopped",
            "Camera đã dừng. Hãy bật lại.",
            "The camera has stopped. Start it again.",
        ));
    };
    let Some(text) = session.submit(frame) else {
        return Ok(FrameAnswer::Scanning {
            stats: session.stats(),
        });
    };
    match session.purpose {
        Purpose::CheckIn => {
            let answer = verified(session.trust(), &state, &text);
            // The scan is over either way: the screen shows the decision.
            if let Some(done) = guard.take() {
                done.stop();
            }
            drop(guard);
            Ok(match answer {
                Ok(checkpoint) => FrameAnswer::CheckedIn {
                    check_in: Box::new(check_in_at(&state, &engine, checkpoint)?),
                },
                Err(error) => FrameAnswer::Refused { error },
            })
        }
        Purpose::Staff => {
            let answer = session
                .trust()
                .verify_personal(&text, state.clock.as_ref())
                .map(|v| v.payload().clone());
            session.restart(&state.clock)?;
            Ok(match answer {
                Ok(p) => {
                    session.count += 1;
                    FrameAnswer::Visitor {
                        visitor: VisitorView {
                            initials: p.initials,
                            birth_year: p.birth_year,
                            status: p.status,
                            status_label: p.status.label(),
                            count: session.count,
                        },
                    }
                }
                Err(e) => FrameAnswer::Refused { error: e.into() },
            })
        }
    }
}
