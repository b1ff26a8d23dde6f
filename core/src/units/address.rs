//! Checking that an address's unit codes exist and nest: the ward lies in the district (2021) and province.

use super::data::{UnitLevel, Units};
use crate::declaration::UnitScheme;
use crate::i18n::{Localized, Msg};

/// Why the unit codes of an address do not fit together. Each error names the field at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum AddressError {
    /// No province has this code in the chosen list.
    #[error("unknown province code")]
    UnknownProvince,
    /// The 2021 list needs a district.
    #[error("the 2021 unit list needs a district")]
    DistrictRequired,
    /// The 2025 list has no districts.
    #[error("the 2025 unit list has no districts")]
    DistrictNotApplicable,
    /// No district has this code.
    #[error("unknown district code")]
    UnknownDistrict,
    /// The district is in another province.
    #[error("the district is not in the province")]
    DistrictNotInProvince,
    /// No ward has this code in the chosen list.
    #[error("unknown ward code")]
    UnknownWard,
    /// The ward is in another district.
    #[error("the ward is not in the district")]
    WardNotInDistrict,
    /// The ward is in another province.
    #[error("the ward is not in the province")]
    WardNotInProvince,
}

impl AddressError {
    /// The address part at fault.
    pub fn level(self) -> UnitLevel {
        match self {
            Self::UnknownProvince => UnitLevel::Province,
            Self::DistrictRequired
            | Self::DistrictNotApplicable
            | Self::UnknownDistrict
            | Self::DistrictNotInProvince => UnitLevel::District,
            Self::UnknownWard | Self::WardNotInDistrict | Self::WardNotInProvince => UnitLevel::Ward,
        }
    }
}

impl Localized for AddressError {
    fn code(&self) -> &'static str {
        match self {
            Self::UnknownProvince => "unknown_province",
            Self::DistrictRequired => "district_required",
            Self::DistrictNotApplicable => "district_not_applicable",
            Self::UnknownDistrict => "unknown_district",
            Self::DistrictNotInProvince => "district_not_in_province",
            Self::UnknownWard => "unknown_ward",
            Self::WardNotInDistrict => "ward_not_in_district",
            Self::WardNotInProvince => "ward_not_in_province",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::UnknownProvince => Msg::new(
                "Không tìm thấy tỉnh/thành phố này.",
                "This province or city does not exist.",
            ),
            Self::DistrictRequired => Msg::new(
                "Địa chỉ theo danh mục năm 2021 cần có quận/huyện.",
                "An address in the 2021 unit list needs a district.",
            ),
            Self::DistrictNotApplicable => Msg::new(
                "Danh mục hành chính từ năm 2025 không còn cấp quận/huyện; hãy bỏ trống.",
                "The 2025 unit list has no districts; leave it empty.",
            ),
            Self::UnknownDistrict => {
                Msg::new("Không tìm thấy quận/huyện này.", "This district does not exist.")
            }
            Self::DistrictNotInProvince => Msg::new(
                "Quận/huyện không thuộc tỉnh/thành phố đã chọn.",
                "The district is not in the chosen province.",
            ),
            Self::UnknownWard => Msg::new(
                "Không tìm thấy phường/xã này.",
                "This ward or commune does not exist.",
            ),
            Self::WardNotInDistrict => Msg::new(
                "Phường/xã không thuộc quận/huyện đã chọn.",
                "The ward is not in the chosen district.",
            ),
            Self::WardNotInProvince => Msg::new(
                "Phường/xã không thuộc tỉnh/thành phố đã chọn.",
                "The ward is not in the chosen province.",
            ),
        }
    }
}

impl Units {
    /// Checks an address's codes against this list and returns every problem (empty when they fit).
    pub fn check_address(&self, province: u32, district: Option<u32>, ward: u32) -> Vec<AddressError> {
        let mut errors = Vec::new();
        let province = self.province(province);
        if province.is_none() {
            errors.push(AddressError::UnknownProvince);
        }
        let district = match (self.scheme(), district) {
            (UnitScheme::V2021, None) => {
                errors.push(AddressError::DistrictRequired);
                None
            }
            (UnitScheme::V2025, Some(_)) => {
                errors.push(AddressError::DistrictNotApplicable);
                None
            }
            (UnitScheme::V2025, None) => None,
            (UnitScheme::V2021, Some(code)) => match self.district(code) {
                None => {
                    errors.push(AddressError::UnknownDistrict);
                    None
                }
                Some(d) => {
                    if province.is_some_and(|p| !self.is_within(d, p)) {
                        errors.push(AddressError::DistrictNotInProvince);
                    }
                    Some(d)
                }
            },
        };
        match self.ward(ward) {
            None => errors.push(AddressError::UnknownWard),
            Some(w) => {
                if district.is_some_and(|d| !self.is_within(w, d)) {
                    errors.push(AddressError::WardNotInDistrict);
                } else if province.is_some_and(|p| !self.is_within(w, p)) {
                    errors.push(AddressError::WardNotInProvince);
                }
            }
        }
        errors
    }
}
