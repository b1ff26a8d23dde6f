//! Checks on what health officers and administrators enter on the server: the area of a case, of a safety
//! level or of an officer's scope (against the 2025 unit list, the one the server's cases, scopes and
//! safety levels use, ADR 0011), and plausible dates for cases and exposure windows. The server calls
//! these; the rules live here.

use chrono::{DateTime, Duration, NaiveDate, Utc};

use crate::declaration::UnitScheme;
use crate::i18n::{Localized, Msg};
use crate::units::{AddressError, units};

/// How many days back a positive test may lie when the case is registered: older tests are typos (the
/// devices keep 21 days of visits, so an older case could not be traced anyway).
pub const CASE_MAX_TEST_AGE_DAYS: i64 = 60;
/// How many days before the test symptoms may have started.
pub const CASE_MAX_ONSET_BEFORE_TEST_DAYS: i64 = 30;
/// Two positive tests of the same person less than this many days apart are the same infection: the
/// second registration is refused and names the existing case. Later, it is a reinfection.
pub const CASE_REINFECTION_DAYS: i64 = 90;
/// The longest exposure window.
pub const EXPOSURE_MAX_DAYS: i64 = 7;
/// How far an exposure window may end after the server's clock (clock skew of the officer's machine).
pub const EXPOSURE_CLOCK_SKEW_MINUTES: i64 = 5;

/// Why an officer's or administrator's input is refused. `field()` names the input at fault.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OfficerInputError {
    /// The province, or the ward, is not in the 2025 unit list, or the ward is in another province.
    #[error("area: {0}")]
    Area(AddressError),
    /// A scope is not `PROVINCE` or `PROVINCE:WARD` in digits.
    #[error("a scope must be PROVINCE or PROVINCE:WARD")]
    ScopeSyntax,
    /// The positive test is dated after today.
    #[error("the test date is in the future")]
    TestDateInFuture,
    /// The positive test is older than [`CASE_MAX_TEST_AGE_DAYS`].
    #[error("the test date is too long ago")]
    TestDateTooOld,
    /// Symptoms are said to start after the positive test.
    #[error("symptom onset after the test")]
    OnsetAfterTest,
    /// Symptoms are said to start more than [`CASE_MAX_ONSET_BEFORE_TEST_DAYS`] before the test.
    #[error("symptom onset too long before the test")]
    OnsetTooEarly,
    /// The window ends before (or when) it starts, or lasts more than [`EXPOSURE_MAX_DAYS`].
    #[error("the exposure window is empty or too long")]
    WindowShape,
    /// The window ends in the future.
    #[error("the exposure window ends in the future")]
    WindowInFuture,
    /// The window starts before the case's infectious period.
    #[error("the exposure window starts before the case was infectious")]
    WindowBeforeInfectious,
    /// A purpose is not `REASON: details` with a reason of [`PURPOSE_REASONS`] and details of
    /// [`PURPOSE_MIN_DETAIL_CHARS`] to 200 characters without control characters.
    #[error("a purpose must be REASON: details")]
    Purpose,
}

/// The reasons an officer may give for reading personal data; the audit log records the reason and the
/// officer's own words after it (`contact_tracing: F0 tại chợ Bến Thành, ca 12`).
pub const PURPOSE_REASONS: [&str; 5] = [
    "case_investigation",
    "contact_tracing",
    "outbreak_response",
    "quarantine_follow_up",
    "data_correction",
];
/// The fewest characters of the officer's own words after the reason.
pub const PURPOSE_MIN_DETAIL_CHARS: usize = 10;

/// Checks a purpose: `REASON: details`, the reason one of [`PURPOSE_REASONS`], the details at least
/// [`PURPOSE_MIN_DETAIL_CHARS`] characters (200 at most) with a letter and no control character.
/// Returns it trimmed, with one space after the colon.
pub fn check_purpose(text: &str) -> Result<String, OfficerInputError> {
    let (reason, details) = text.trim().split_once(':').ok_or(OfficerInputError::Purpose)?;
    let (reason, details) = (reason.trim(), details.trim());
    let n = details.chars().count();
    if !PURPOSE_REASONS.contains(&reason)
        || !(PURPOSE_MIN_DETAIL_CHARS..=200).contains(&n)
        || !details.chars().any(char::is_alphabetic)
        || details.chars().any(char::is_control)
    {
        return Err(OfficerInputError::Purpose);
    }
    Ok(format!("{reason}: {details}"))
}

impl OfficerInputError {
    /// The name of the input at fault, as the API and the command line call it.
    pub fn field(self) -> &'static str {
        match self {
            Self::Area(e) => match e.level() {
                crate::UnitLevel::Province => "province",
                crate::UnitLevel::District => "district",
                crate::UnitLevel::Ward => "ward",
            },
            Self::ScopeSyntax => "scope",
            Self::TestDateInFuture | Self::TestDateTooOld => "test_date",
            Self::OnsetAfterTest | Self::OnsetTooEarly => "symptom_onset",
            Self::WindowShape | Self::WindowInFuture => "ends_at",
            Self::WindowBeforeInfectious => "starts_at",
            Self::Purpose => "purpose",
        }
    }
}

impl Localized for OfficerInputError {
    fn code(&self) -> &'static str {
        match self {
            Self::Area(e) => e.code(),
            Self::ScopeSyntax => "scope_syntax",
            Self::TestDateInFuture => "test_date_in_future",
            Self::TestDateTooOld => "test_date_too_old",
            Self::OnsetAfterTest => "onset_after_test",
            Self::OnsetTooEarly => "onset_too_early",
            Self::WindowShape => "exposure_window_shape",
            Self::WindowInFuture => "exposure_window_in_future",
            Self::WindowBeforeInfectious => "exposure_window_before_infectious",
            Self::Purpose => "purpose_format",
        }
    }

    fn msg(&self) -> Msg {
        match self {
            Self::Area(e) => e.msg(),
            Self::ScopeSyntax => Msg::new(
                "Phạm vi phải có dạng MÃ_TỈNH hoặc MÃ_TỈNH:MÃ_PHƯỜNG_XÃ (chữ số).",
                "A scope must be PROVINCE or PROVINCE:WARD (digits).",
            ),
            Self::TestDateInFuture => Msg::new(
                "Ngày xét nghiệm không được sau hôm nay.",
                "The test date cannot be after today.",
            ),
            Self::TestDateTooOld => Msg::owned(
                format!("Ngày xét nghiệm không được quá {CASE_MAX_TEST_AGE_DAYS} ngày trước."),
                format!("The test date cannot be more than {CASE_MAX_TEST_AGE_DAYS} days ago."),
            ),
            Self::OnsetAfterTest => Msg::new(
                "Ngày khởi phát triệu chứng không được sau ngày xét nghiệm.",
                "Symptom onset cannot be after the test date.",
            ),
            Self::OnsetTooEarly => Msg::owned(
                format!(
                    "Ngày khởi phát triệu chứng không được quá {CASE_MAX_ONSET_BEFORE_TEST_DAYS} ngày trước ngày xét nghiệm."
                ),
                format!(
                    "Symptom onset cannot be more than {CASE_MAX_ONSET_BEFORE_TEST_DAYS} days before the test date."
                ),
            ),
            Self::WindowShape => Msg::owned(
                format!(
                    "Khoảng thời gian phơi nhiễm phải kết thúc sau khi bắt đầu và dài tối đa {EXPOSURE_MAX_DAYS} ngày."
                ),
                format!(
                    "An exposure window must end after it starts and last at most {EXPOSURE_MAX_DAYS} days."
                ),
            ),
            Self::WindowInFuture => Msg::new(
                "Khoảng thời gian phơi nhiễm không được kết thúc trong tương lai.",
                "An exposure window cannot end in the future.",
            ),
            Self::WindowBeforeInfectious => Msg::new(
                "Khoảng thời gian phơi nhiễm bắt đầu trước thời kỳ lây nhiễm của ca bệnh.",
                "The exposure window starts before the case's infectious period.",
            ),
            Self::Purpose => Msg::owned(
                format!(
                    "Mục đích phải có dạng LÝ_DO: mô tả, với LÝ_DO là một trong {} và mô tả từ {PURPOSE_MIN_DETAIL_CHARS} đến 200 ký tự.",
                    PURPOSE_REASONS.join(", ")
                ),
                format!(
                    "A purpose must be REASON: details, REASON one of {} and details of {PURPOSE_MIN_DETAIL_CHARS} to 200 characters.",
                    PURPOSE_REASONS.join(", ")
                ),
            ),
        }
    }
}

/// Checks an area: the province exists in the 2025 list and, unless `ward` is `None` (the whole
/// province), the ward exists and lies in the province.
pub fn check_area(province: u32, ward: Option<u32>) -> Result<(), OfficerInputError> {
    let list = units(UnitScheme::V2025);
    let Some(p) = list.province(province) else {
        return Err(OfficerInputError::Area(AddressError::UnknownProvince));
    };
    if let Some(ward) = ward {
        let w = list
            .ward(ward)
            .ok_or(OfficerInputError::Area(AddressError::UnknownWard))?;
        if !list.is_within(w, p) {
            return Err(OfficerInputError::Area(AddressError::WardNotInProvince));
        }
    }
    Ok(())
}

/// Reads an officer's scope, `PROVINCE` (the whole province) or `PROVINCE:WARD`, and checks it with
/// [`check_area`]: `(province, ward)`, ward 0 for the whole province.
pub fn parse_scope(text: &str) -> Result<(u32, u32), OfficerInputError> {
    let text = text.trim();
    let (p, w) = match text.split_once(':') {
        Some((p, w)) => (p.trim(), Some(w.trim())),
        None => (text, None),
    };
    let digits = |s: &str| {
        if !s.is_empty() && s.len() <= 6 && s.bytes().all(|b| b.is_ascii_digit()) {
            s.parse::<u32>().ok()
        } else {
            None
        }
    };
    let province = digits(p).ok_or(OfficerInputError::ScopeSyntax)?;
    let ward = match w {
        Some(w) => Some(digits(w).ok_or(OfficerInputError::ScopeSyntax)?),
        None => None,
    };
    check_area(province, ward)?;
    Ok((province, ward.unwrap_or(0)))
}

/// Checks a confirmed case before it is registered on `today` (Vietnam's day): its area, a test date
/// between [`CASE_MAX_TEST_AGE_DAYS`] ago and today, and a symptom onset (if any) not after the test and
/// at most [`CASE_MAX_ONSET_BEFORE_TEST_DAYS`] before it.
pub fn check_case(
    province: u32,
    ward: u32,
    test_date: NaiveDate,
    symptom_onset: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<(), OfficerInputError> {
    check_area(province, Some(ward))?;
    if test_date > today {
        return Err(OfficerInputError::TestDateInFuture);
    }
    if (today - test_date).num_days() > CASE_MAX_TEST_AGE_DAYS {
        return Err(OfficerInputError::TestDateTooOld);
    }
    if let Some(onset) = symptom_onset {
        if onset > test_date {
            return Err(OfficerInputError::OnsetAfterTest);
        }
        if (test_date - onset).num_days() > CASE_MAX_ONSET_BEFORE_TEST_DAYS {
            return Err(OfficerInputError::OnsetTooEarly);
        }
    }
    Ok(())
}

/// Whether a positive test on `new_test` is the same infection as a registered case tested on
/// `existing_test` (less than [`CASE_REINFECTION_DAYS`] apart). The server's store applies the same bound
/// when it registers a case, under a lock.
pub fn same_infection(existing_test: NaiveDate, new_test: NaiveDate) -> bool {
    (new_test - existing_test).num_days().abs() < CASE_REINFECTION_DAYS
}

/// Checks an exposure window published from a case: it ends after it starts, lasts at most
/// [`EXPOSURE_MAX_DAYS`], has ended by `now` (give or take [`EXPOSURE_CLOCK_SKEW_MINUTES`]) and starts
/// no earlier than `infectious_from`, the start of the case's infectious period.
pub fn check_exposure_window(
    starts_at: DateTime<Utc>,
    ends_at: DateTime<Utc>,
    now: DateTime<Utc>,
    infectious_from: DateTime<Utc>,
) -> Result<(), OfficerInputError> {
    if ends_at <= starts_at || ends_at - starts_at > Duration::days(EXPOSURE_MAX_DAYS) {
        return Err(OfficerInputError::WindowShape);
    }
    if ends_at > now + Duration::minutes(EXPOSURE_CLOCK_SKEW_MINUTES) {
        return Err(OfficerInputError::WindowInFuture);
    }
    if starts_at < infectious_from {
        return Err(OfficerInputError::WindowBeforeInfectious);
    }
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use chrono::TimeZone;

    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn purposes_name_a_reason_and_say_more() {
        assert_eq!(
            check_purpose("  contact_tracing:F0 tại chợ Bến Thành "),
            Ok("contact_tracing: F0 tại chợ Bến Thành".to_owned())
        );
        for bad in [
            "abc",
            "contact_tracing",
            "contact_tracing: abc",
            "curiosity: looking at my neighbour",
            "contact_tracing: 1234567890123",
            "contact_tracing: F0 tại chợ\u{1b}[2J",
        ] {
            assert_eq!(check_purpose(bad), Err(OfficerInputError::Purpose), "{bad}");
        }
    }

    #[test]
    fn areas_come_from_the_2025_list() {
        assert_eq!(check_area(79, Some(26743)), Ok(()));
        assert_eq!(check_area(79, None), Ok(()));
        assert_eq!(
            check_area(999, None),
            Err(OfficerInputError::Area(AddressError::UnknownProvince))
        );
        assert_eq!(
            check_area(79, Some(99999)),
            Err(OfficerInputError::Area(AddressError::UnknownWard))
        );
        // 229 (Kim Liên) is in Hà Nội, not in Hồ Chí Minh City.
        assert_eq!(check_area(1, Some(229)), Ok(()));
        let e = check_area(79, Some(229)).unwrap_err();
        assert_eq!(e, OfficerInputError::Area(AddressError::WardNotInProvince));
        assert_eq!(e.field(), "ward");
        assert_eq!(e.code(), "ward_not_in_province");
    }

    #[test]
    fn scopes_are_parsed_and_checked() {
        assert_eq!(parse_scope("79"), Ok((79, 0)));
        assert_eq!(parse_scope(" 79:26743 "), Ok((79, 26743)));
        assert_eq!(
            parse_scope("999"),
            Err(OfficerInputError::Area(AddressError::UnknownProvince))
        );
        assert_eq!(
            parse_scope("79:99999"),
            Err(OfficerInputError::Area(AddressError::UnknownWard))
        );
        for bad in [
            "",
            "79:",
            ":1",
            "-79",
            "79:-1",
            "7 9",
            "79:1:2",
            "0x4f",
            "99999999999",
        ] {
            assert_eq!(parse_scope(bad), Err(OfficerInputError::ScopeSyntax), "{bad:?}");
        }
        assert_eq!(parse_scope("0").unwrap_err().field(), "province");
    }

    #[test]
    fn case_dates_must_be_plausible() {
        let today = d(2026, 5, 20);
        let ok = |t, o| check_case(79, 26743, t, o, today);
        assert_eq!(ok(today, None), Ok(()));
        assert_eq!(ok(d(2026, 5, 18), Some(d(2026, 5, 15))), Ok(()));
        assert_eq!(ok(d(2030, 1, 1), None), Err(OfficerInputError::TestDateInFuture));
        assert_eq!(ok(d(2026, 5, 21), None), Err(OfficerInputError::TestDateInFuture));
        assert_eq!(ok(d(2026, 3, 1), None), Err(OfficerInputError::TestDateTooOld));
        let e = ok(d(2026, 5, 18), Some(d(2026, 5, 19))).unwrap_err();
        assert_eq!(
            (e, e.field()),
            (OfficerInputError::OnsetAfterTest, "symptom_onset")
        );
        assert_eq!(
            ok(d(2026, 5, 18), Some(d(2026, 4, 1))),
            Err(OfficerInputError::OnsetTooEarly)
        );
        assert_eq!(
            check_case(79, 229, today, None, today).unwrap_err().field(),
            "ward"
        );
    }

    #[test]
    fn reinfection_is_a_new_case_the_same_infection_is_not() {
        assert!(same_infection(d(2026, 5, 1), d(2026, 5, 20)));
        assert!(same_infection(d(2026, 5, 20), d(2026, 5, 1)));
        assert!(!same_infection(d(2026, 1, 1), d(2026, 5, 20)));
    }

    #[test]
    fn exposure_windows_lie_in_the_infectious_past() {
        let now = Utc.with_ymd_and_hms(2026, 5, 20, 8, 0, 0).unwrap();
        let from = now - Duration::days(3);
        let h = |n: i64| now - Duration::hours(n);
        assert_eq!(check_exposure_window(h(10), h(9), now, from), Ok(()));
        assert_eq!(
            check_exposure_window(h(9), h(10), now, from),
            Err(OfficerInputError::WindowShape)
        );
        assert_eq!(
            check_exposure_window(h(60), h(1), now, now - Duration::days(30)),
            Ok(())
        );
        assert_eq!(
            check_exposure_window(h(24 * 9), h(1), now, now - Duration::days(30)),
            Err(OfficerInputError::WindowShape)
        );
        let future = Utc.with_ymd_and_hms(2031, 1, 1, 8, 0, 0).unwrap();
        let e = check_exposure_window(future, future + Duration::hours(1), now, from).unwrap_err();
        assert_eq!((e, e.field()), (OfficerInputError::WindowInFuture, "ends_at"));
        assert_eq!(
            check_exposure_window(h(24 * 4), h(24 * 4 - 1), now, from),
            Err(OfficerInputError::WindowBeforeInfectious)
        );
    }
}
