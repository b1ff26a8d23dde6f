//! The scan boundary's error: few variants, each actionable, each with a bilingual message.

use crate::i18n::{Localized, Msg};

/// Why an image or frame could not be scanned. (Finding no code is not an error: it is an empty result.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ScanError {
    /// Width or height is zero.
    #[error("image has a zero dimension ({width}x{height})")]
    ZeroDimension {
        /// Width in pixels.
        width: usize,
        /// Height in pixels.
        height: usize,
    },
    /// Width or height (or the pixel count) is beyond what the scanner accepts.
    #[error("image too large ({width}x{height}; limit {max_side} per side, {max_pixels} pixels)")]
    TooLarge {
        /// Width in pixels.
        width: usize,
        /// Height in pixels.
        height: usize,
        /// Largest accepted side.
        max_side: usize,
        /// Largest accepted pixel count.
        max_pixels: usize,
    },
    /// The row stride is smaller than a row's bytes.
    #[error("stride {stride} is smaller than a row ({row_bytes} bytes)")]
    StrideTooSmall {
        /// The given stride.
        stride: usize,
        /// Bytes one row needs.
        row_bytes: usize,
    },
    /// The buffer holds fewer bytes than the dimensions and format need.
    #[error("buffer too short: {len} bytes, need {needed}")]
    BufferTooShort {
        /// Bytes given.
        len: usize,
        /// Bytes needed.
        needed: usize,
    },
    /// The bytes are not a JPEG or PNG image that could be read.
    #[error("image file could not be decoded")]
    UndecodableImage,
    /// The file is an image format or pixel layout this scanner does not read.
    #[error("unsupported image format")]
    UnsupportedFormat,
    /// The image file could not be read from disk.
    #[error("image file could not be read: {0}")]
    Io(std::io::ErrorKind),
}

impl Localized for ScanError {
    fn code(&self) -> &'static str {
        match self {
            Self::ZeroDimension { .. } => "scan_zero_dimension",
            Self::TooLarge { .. } => "scan_image_too_large",
            Self::StrideTooSmall { .. } => "scan_stride_too_small",
            Self::BufferTooShort { .. } => "scan_buffer_too_short",
            Self::UndecodableImage => "scan_undecodable_image",
            Self::UnsupportedFormat => "scan_unsupported_format",
            Self::Io(_) => "scan_io",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::ZeroDimension { width, height } => Msg::owned(
                format!("Ảnh có kích thước bằng 0 ({width}x{height})."),
                format!("The image has a zero dimension ({width}x{height})."),
            ),
            Self::TooLarge {
                width,
                height,
                max_side,
                ..
            } => Msg::owned(
                format!("Ảnh quá lớn ({width}x{height}); tối đa {max_side} điểm ảnh mỗi cạnh."),
                format!("The image is too large ({width}x{height}); at most {max_side} pixels per side."),
            ),
            Self::StrideTooSmall { stride, row_bytes } => Msg::owned(
                format!("Bước dòng {stride} nhỏ hơn độ dài một dòng ảnh ({row_bytes} byte)."),
                format!("The row stride {stride} is smaller than one image row ({row_bytes} bytes)."),
            ),
            Self::BufferTooShort { len, needed } => Msg::owned(
                format!("Dữ liệu ảnh quá ngắn: {len} byte, cần {needed}."),
                format!("The image buffer is too short: {len} bytes, {needed} needed."),
            ),
            Self::UndecodableImage => Msg::new(
                "Không đọc được tệp ảnh (cần ảnh JPEG hoặc PNG hợp lệ).",
                "The image file could not be decoded (a valid JPEG or PNG is needed).",
            ),
            Self::UnsupportedFormat => Msg::new(
                "Định dạng ảnh không được hỗ trợ (chỉ JPEG, PNG và các định dạng khung hình camera đã liệt kê).",
                "Unsupported image format (only JPEG, PNG and the listed camera frame formats).",
            ),
            Self::Io(_) => Msg::new("Không mở được tệp ảnh.", "The image file could not be opened."),
        }
    }
}
