//! Nationality: ISO 3166-1 alpha-2 country codes.
//!
//! The 249 officially assigned codes, from the Debian `iso-codes` package (4.15), which follows the ISO 3166
//! Maintenance Agency. Regenerate with:
//! `python3 -c "import json; print(' '.join(sorted(c['alpha_2'] for c in json.load(open('/usr/share/iso-codes/json/iso_3166-1.json'))['3166-1'])))"`

use crate::units::fold;

/// The assigned alpha-2 codes, sorted, separated by single spaces.
const ALPHA2: &str = concat!(
    "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS ",
    "BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM DO DZ EC EE ",
    "EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY HK HM ",
    "HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC ",
    "LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA ",
    "NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW ",
    "SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO ",
    "TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW"
);

/// The nationality used when the form leaves it blank.
pub(crate) const DEFAULT_NATIONALITY: &str = "VN";

/// The ISO code for what a person typed: a code in any case ("vn", "VN"), or Viet Nam's name in Vietnamese
/// or English with or without diacritics. `None` when it is neither.
pub(crate) fn parse_nationality(text: &str) -> Option<&'static str> {
    let folded = fold(text);
    if matches!(
        folded.as_str(),
        "viet nam" | "vietnam" | "vietnamese" | "nguoi viet nam"
    ) {
        return Some(DEFAULT_NATIONALITY);
    }
    let code = folded.to_ascii_uppercase();
    if code.len() != 2 {
        return None;
    }
    ALPHA2.split(' ').find(|c| *c == code)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_and_vietnams_names() {
        assert_eq!(ALPHA2.split(' ').count(), 249);
        assert!(
            ALPHA2
                .split(' ')
                .all(|c| c.len() == 2 && c.bytes().all(|b| b.is_ascii_uppercase()))
        );
        for (text, want) in [
            ("VN", Some("VN")),
            ("vn", Some("VN")),
            (" Việt Nam ", Some("VN")),
            ("Vietnam", Some("VN")),
            ("us", Some("US")),
            ("KR", Some("KR")),
            ("XX", None),
            ("USA", None),
            ("", None),
            ("V", None),
        ] {
            assert_eq!(parse_nationality(text), want, "{text:?}");
        }
    }
}
