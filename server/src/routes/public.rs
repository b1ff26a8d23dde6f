//! Public reads for the portal's pages, no sign-in: `/v1/units`, core's administrative-unit lists one level
//! at a time (the pickers: province → (district) → ward; the same lists every app carries), and
//! `/v1/safety-levels`, the areas' published safety levels (the public page).

use axum::Json;
use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use tokhai_core::{UnitLevel, UnitScheme, units};
use utoipa::{IntoParams, ToSchema};

use crate::error::{ApiError, ApiResult, ErrorBody};
use crate::extract::ApiQuery;
use crate::feed::ts;
use crate::state::AppState;

/// Which level to list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub(super) struct UnitsQuery {
    /// `v2025` (province, ward) or `v2021` (province, district, ward).
    #[param(value_type = String, pattern = "^(v2021|v2025)$")]
    scheme: UnitScheme,
    /// Without it: the provinces. With it: its wards (2025) or districts (2021).
    province: Option<u32>,
    /// 2021 only: the wards of this district.
    district: Option<u32>,
}

/// One unit.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct UnitItem {
    /// Its code in the list.
    code: u32,
    /// Its full name in Vietnamese.
    name: String,
}

/// The provinces, a province's wards (2025) or districts (2021), or a district's wards (2021).
#[utoipa::path(get, path = "/v1/units", tag = "registry", params(UnitsQuery),
    responses((status = 200, body = [UnitItem]), (status = 422, body = ErrorBody)))]
pub(super) async fn list_units(ApiQuery(q): ApiQuery<UnitsQuery>) -> ApiResult<impl IntoResponse> {
    let list = units(q.scheme);
    let parent = match (q.province, q.district) {
        (None, None) => None,
        (Some(p), None) => Some(list.province(p).ok_or(ApiError::InvalidField("province"))?),
        (Some(p), Some(d)) if q.scheme == UnitScheme::V2021 => {
            let province = list.province(p).ok_or(ApiError::InvalidField("province"))?;
            let district = list
                .district(d)
                .filter(|d| list.is_within(d, province))
                .ok_or(ApiError::InvalidField("district"))?;
            Some(district)
        }
        _ => return Err(ApiError::InvalidField("district")),
    };
    let items: Vec<UnitItem> = match parent {
        None => list
            .provinces()
            .map(|u| UnitItem {
                code: u.code(),
                name: u.name().to_owned(),
            })
            .collect(),
        Some(p) => list
            .children(p)
            .filter(|u| matches!(u.level(), UnitLevel::District | UnitLevel::Ward))
            .map(|u| UnitItem {
                code: u.code(),
                name: u.name().to_owned(),
            })
            .collect(),
    };
    Ok(([(header::CACHE_CONTROL, "public, max-age=86400")], Json(items)))
}

/// A ward's published safety level.
#[derive(Debug, Serialize, ToSchema)]
pub(super) struct PublicSafetyLevel {
    /// Province code (2025 list).
    province: i64,
    /// The province's name.
    province_name: String,
    /// Ward code (2025 list).
    ward: i64,
    /// The ward's name.
    ward_name: String,
    /// 1 low (new normal), 2 medium, 3 high, 4 very high.
    level: i64,
    /// Published at.
    updated_at: DateTime<Utc>,
}

/// Every ward's published safety level, by province and ward (the public page; devices get the same
/// from the sync feed).
#[utoipa::path(get, path = "/v1/safety-levels", tag = "registry",
    responses((status = 200, body = [PublicSafetyLevel])))]
pub(super) async fn safety_levels(State(state): State<AppState>) -> ApiResult<Json<Vec<PublicSafetyLevel>>> {
    let list = units(UnitScheme::V2025);
    let name = |level: UnitLevel, code: i64| {
        u32::try_from(code)
            .ok()
            .and_then(|c| list.get(level, c))
            .map(|u| u.name().to_owned())
            .unwrap_or_default()
    };
    let rows = state.store().safety_levels().await?;
    Ok(Json(
        rows.into_iter()
            .map(|(province, ward, level, at)| PublicSafetyLevel {
                province,
                province_name: name(UnitLevel::Province, province),
                ward,
                ward_name: name(UnitLevel::Ward, ward),
                level,
                updated_at: ts(at),
            })
            .collect(),
    ))
}
