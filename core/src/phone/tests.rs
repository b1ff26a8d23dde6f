use proptest::prelude::*;

use super::*;

#[test]
fn accepts_common_written_forms() {
    let cases = [
        ("0912 345 678", "+84912345678", PhoneKind::Mobile),
        ("0912345678", "+84912345678", PhoneKind::Mobile),
        ("+84912345678", "+84912345678", PhoneKind::Mobile),
        ("84 912 345 678", "+84912345678", PhoneKind::Mobile),
        ("(+84) 912-345-678", "+84912345678", PhoneKind::Mobile),
        ("0084 912 345 678", "+84912345678", PhoneKind::Mobile),
        ("+84 0912 345 678", "+84912345678", PhoneKind::Mobile),
        ("0912.345.678", "+84912345678", PhoneKind::Mobile),
        ("  0912\u{a0}345\t678  ", "+84912345678", PhoneKind::Mobile),
        ("912345678", "+84912345678", PhoneKind::Mobile),
        ("0321 234 567", "+84321234567", PhoneKind::Mobile),
        ("0521234567", "+84521234567", PhoneKind::Mobile),
        ("0701234567", "+84701234567", PhoneKind::Mobile),
        ("0841234567", "+84841234567", PhoneKind::Mobile),
        ("841234567", "+84841234567", PhoneKind::Mobile),
        ("0981234567", "+84981234567", PhoneKind::Mobile),
        ("024 3825 1234", "+842438251234", PhoneKind::Landline),
        ("(028) 3829 1234", "+842838291234", PhoneKind::Landline),
        ("0203 382 5123", "+842033825123", PhoneKind::Landline),
        ("+84 24 3825 1234", "+842438251234", PhoneKind::Landline),
        ("84 24 3825 1234", "+842438251234", PhoneKind::Landline),
    ];
    for (input, e164, kind) in cases {
        let phone = Phone::parse(input).unwrap_or_else(|e| panic!("{input:?}: {e}"));
        assert_eq!(phone.as_e164(), e164, "{input:?}");
        assert_eq!(phone.kind(), kind, "{input:?}");
        // The E.164 form parses to itself.
        assert_eq!(Phone::parse(phone.as_e164()).unwrap(), phone);
    }
}

#[test]
fn refuses_bad_numbers_with_a_precise_error() {
    let cases = [
        ("", PhoneError::Empty),
        ("   ", PhoneError::Empty),
        ("()-.", PhoneError::Empty),
        ("0912abc678", PhoneError::Letters),
        ("không có", PhoneError::Letters),
        ("0912#345678", PhoneError::Characters),
        ("0912 345 678 +", PhoneError::Characters),
        ("++84912345678", PhoneError::Characters),
        ("0912/345678", PhoneError::Characters),
        ("+1 202 555 0123", PhoneError::NotVietnamese),
        ("001 202 555 0123", PhoneError::NotVietnamese),
        ("+856 20 5555 1234", PhoneError::NotVietnamese),
        ("01234567890", PhoneError::OldMobileNumber),
        ("+841234567890", PhoneError::OldMobileNumber),
        ("0412345678", PhoneError::Prefix),
        ("0612345678", PhoneError::Prefix),
        ("0012345678", PhoneError::NotVietnamese),
        ("1234", PhoneError::Prefix),
        ("0", PhoneError::Length { expected: 9 }),
        ("091234567", PhoneError::Length { expected: 9 }),
        ("09123456789", PhoneError::Length { expected: 9 }),
        ("+8491234567", PhoneError::Length { expected: 9 }),
        ("024 3825 123", PhoneError::Length { expected: 10 }),
        ("024 3825 12345", PhoneError::Length { expected: 10 }),
        ("0912 345 678 0912 345 678", PhoneError::Length { expected: 9 }),
    ];
    for (input, want) in cases {
        assert_eq!(Phone::parse(input), Err(want), "{input:?}");
    }
}

#[test]
fn errors_are_localized_without_the_input() {
    let all = [
        PhoneError::Empty,
        PhoneError::Letters,
        PhoneError::Characters,
        PhoneError::NotVietnamese,
        PhoneError::OldMobileNumber,
        PhoneError::Prefix,
        PhoneError::Length { expected: 9 },
    ];
    let codes: std::collections::HashSet<_> = all.iter().map(Localized::code).collect();
    assert_eq!(codes.len(), all.len());
    for e in all {
        let msg = e.msg();
        assert!(!msg.vi.is_empty() && !msg.en.is_empty() && msg.vi != msg.en);
    }
    assert!(PhoneError::Length { expected: 9 }.msg().en.contains("10 digits"));
}

#[test]
fn national_form_groups_digits() {
    let cases = [
        ("+84912345678", "0912 345 678"),
        ("+842438251234", "024 3825 1234"),
        ("+842838291234", "028 3829 1234"),
        ("+842033825123", "0203 382 5123"),
    ];
    for (e164, national) in cases {
        assert_eq!(Phone::parse(e164).unwrap().national(), national);
    }
}

#[test]
fn serde_round_trip_validates() {
    let phone = Phone::parse("0912 345 678").unwrap();
    let json = serde_json::to_string(&phone).unwrap();
    assert_eq!(json, r#""+84912345678""#);
    assert_eq!(serde_json::from_str::<Phone>(&json).unwrap(), phone);
    assert!(serde_json::from_str::<Phone>(r#""12""#).is_err());
    assert_eq!("0912345678".parse::<Phone>().unwrap().to_string(), "+84912345678");
}

proptest! {
    #[test]
    fn arbitrary_text_never_panics(text in any::<String>()) {
        if let Ok(phone) = Phone::parse(&text) {
            prop_assert!(phone.as_e164().starts_with("+84"));
            prop_assert!(matches!(phone.as_e164().len(), 12 | 13));
            let _ = phone.national();
        }
    }

    #[test]
    fn every_written_form_of_a_mobile_number_agrees(
        first in prop::sample::select(vec!['3', '5', '7', '8', '9']),
        rest in "[0-9]{8}",
        form in 0usize..5,
    ) {
        let nsn = format!("{first}{rest}");
        let text = match form {
            0 => format!("0{nsn}"),
            1 => format!("+84{nsn}"),
            2 => format!("84 {nsn}"),
            3 => format!("0084-{nsn}"),
            _ => format!("(+84) {} {}", &nsn[..3], &nsn[3..]),
        };
        let phone = Phone::parse(&text).unwrap();
        prop_assert_eq!(phone.as_e164(), format!("+84{nsn}"));
    }
}
