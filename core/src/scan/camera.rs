//! A desktop camera as a frame source (feature `camera`, through nokhwa: V4L2 on Linux, AVFoundation on
//! macOS, Media Foundation on Windows). Frames come out as grayscale `Frame`s for the scanner.

use nokhwa::pixel_format::LumaFormat;
use nokhwa::utils::{ApiBackend, CameraIndex, RequestedFormat, RequestedFormatType};

use super::input::PixelFormat;
use super::stream::Frame;
use crate::i18n::{Localized, Msg};

/// Why the camera cannot give frames.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CameraError {
    /// No camera is connected (or none the system lets us see).
    #[error("no camera found")]
    NoCamera,
    /// A camera exists but could not be opened (busy, or access refused).
    #[error("camera could not be opened")]
    Open,
    /// The camera stopped giving frames, or gave one that could not be read.
    #[error("camera frame could not be read")]
    Frame,
}

impl Localized for CameraError {
    fn code(&self) -> &'static str {
        match self {
            Self::NoCamera => "camera_not_found",
            Self::Open => "camera_open_failed",
            Self::Frame => "camera_frame_failed",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::NoCamera => Msg::new(
                "Không tìm thấy camera. Hãy cắm webcam hoặc quét mã từ ảnh.",
                "No camera found. Connect a webcam, or scan the code from a photo.",
            ),
            Self::Open => Msg::new(
                "Không mở được camera (có thể ứng dụng khác đang dùng hoặc chưa được cấp quyền).",
                "The camera could not be opened (another program may be using it, or access was refused).",
            ),
            Self::Frame => Msg::new(
                "Không đọc được hình từ camera.",
                "Could not read a picture from the camera.",
            ),
        }
    }
}

/// A camera the system lists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CameraDevice {
    /// Its index for `DesktopCamera::open`.
    pub index: u32,
    /// Its human-readable name.
    pub name: String,
}

/// The cameras the system lists (empty when there are none, or no camera subsystem at all).
pub fn list_cameras() -> Vec<CameraDevice> {
    let Ok(found) = nokhwa::query(ApiBackend::Auto) else {
        return Vec::new();
    };
    found
        .into_iter()
        .filter_map(|c| match c.index() {
            CameraIndex::Index(i) => Some(CameraDevice {
                index: *i,
                name: c.human_name(),
            }),
            CameraIndex::String(_) => None,
        })
        .collect()
}

/// An open desktop camera streaming frames.
pub struct DesktopCamera {
    camera: nokhwa::Camera,
}

impl std::fmt::Debug for DesktopCamera {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DesktopCamera")
    }
}

impl DesktopCamera {
    /// Opens the first camera the system lists.
    pub fn open_default() -> Result<Self, CameraError> {
        let first = list_cameras().into_iter().next().ok_or(CameraError::NoCamera)?;
        Self::open(first.index)
    }

    /// Opens camera `index` at its highest frame rate and starts streaming.
    pub fn open(index: u32) -> Result<Self, CameraError> {
        if !list_cameras().iter().any(|c| c.index == index) {
            return Err(CameraError::NoCamera);
        }
        let requested = RequestedFormat::new::<LumaFormat>(RequestedFormatType::AbsoluteHighestFrameRate);
        let mut camera =
            nokhwa::Camera::new(CameraIndex::Index(index), requested).map_err(|_| CameraError::Open)?;
        camera.open_stream().map_err(|_| CameraError::Open)?;
        Ok(Self { camera })
    }

    /// The next frame, in grayscale.
    pub fn next_frame(&mut self) -> Result<Frame, CameraError> {
        let buffer = self.camera.frame().map_err(|_| CameraError::Frame)?;
        let luma = buffer
            .decode_image::<LumaFormat>()
            .map_err(|_| CameraError::Frame)?;
        let (width, height) = (luma.width() as usize, luma.height() as usize);
        Ok(Frame {
            data: luma.into_raw(),
            width,
            height,
            stride: width,
            format: PixelFormat::Gray8,
        })
    }
}

impl Drop for DesktopCamera {
    fn drop(&mut self) {
        // Closing a stream that already failed reports an error we have no use for.
        let _ = self.camera.stop_stream();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_camera_is_said_clearly() {
        if !list_cameras().is_empty() {
            return; // A machine with a camera: nothing to check here.
        }
        assert_eq!(DesktopCamera::open_default().unwrap_err(), CameraError::NoCamera);
        assert_eq!(DesktopCamera::open(0).unwrap_err(), CameraError::NoCamera);
        let e = CameraError::NoCamera;
        assert_eq!(e.code(), "camera_not_found");
        assert!(e.msg().vi.contains("camera") && e.msg().en.starts_with("No camera"));
    }
}
