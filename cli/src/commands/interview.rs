//! The declaration form question by question: each answer is checked as soon as it is given, by the same
//! validation that stores the form (`Engine::check_declaration`), so a mistake is explained right there and
//! asked again; a refused answer is never offered back as the default.

use std::io::BufRead;

use tokhai_core::{
    ChronicCondition, DeclarationForm, Engine, EngineError, Localized, Msg, Relation, SearchOptions, UnitKey,
    UnitLevel, UnitScheme, units,
};

use crate::error::CliError;
use crate::prompt::{self, Prompter};

/// Asks every question of the form, prefilled with `form`'s answers, checking each answer at once.
pub(crate) fn interview<R: BufRead>(
    p: &mut Prompter<R>,
    engine: &Engine,
    relation: Relation,
    form: &mut DeclarationForm,
) -> Result<(), CliError> {
    let check = |form: &DeclarationForm, field: &str| -> Result<Vec<Msg>, CliError> {
        match engine.check_declaration(relation, form) {
            Ok(_) => Ok(Vec::new()),
            Err(EngineError::Invalid(errors)) => Ok(errors
                .errors
                .iter()
                .filter(|e| e.field == field || e.field.starts_with(&format!("{field}[")))
                .map(Localized::msg)
                .collect()),
            Err(other) => Err(other.into()),
        }
    };
    // Asks one text field until it passes.
    let text = |p: &mut Prompter<R>,
                form: &mut DeclarationForm,
                field: &str,
                q: Msg,
                slot: fn(&mut DeclarationForm) -> &mut String|
     -> Result<(), CliError> {
        loop {
            let current = slot(form).clone();
            let answer = p.ask(&q, Some(&current))?;
            *slot(form) = answer;
            let problems = check(form, field)?;
            if problems.is_empty() {
                return Ok(());
            }
            problems.iter().for_each(|m| p.complain(m));
            // Not offered again as the default: Enter must not resubmit a refused answer.
            slot(form).clear();
        }
    };
    text(
        p,
        form,
        "full_name",
        Msg::new("Họ và tên", "Full name"),
        |f| &mut f.full_name,
    )?;
    text(
        p,
        form,
        "birth_year",
        Msg::new("Năm sinh", "Year of birth"),
        |f| &mut f.birth_year,
    )?;
    text(
        p,
        form,
        "sex",
        Msg::new("Giới tính (nam/nữ/khác)", "Sex (male/female/other)"),
        |f| &mut f.sex,
    )?;
    text(
        p,
        form,
        "nationality",
        Msg::new("Quốc tịch", "Nationality"),
        |f| &mut f.nationality,
    )?;
    loop {
        text(
            p,
            form,
            "id_number",
            Msg::new(
                "Số CMND/CCCD/hộ chiếu (trẻ em chưa có: để trống)",
                "ID card or passport number (a child without one: leave blank)",
            ),
            |f| &mut f.id_number,
        )?;
        form.id_kind.clear(); // Guess the kind from the number's shape.
        let problems = check(form, "id_kind")?;
        if problems.is_empty() {
            break;
        }
        problems.iter().for_each(|m| p.complain(m));
        form.id_number.clear();
    }
    address(p, form, &check)?;
    text(
        p,
        form,
        "address.street",
        Msg::new("Số nhà, đường, thôn/xóm", "House number, street"),
        |f| &mut f.address.street,
    )?;
    let phone_q = if relation == Relation::Myself {
        Msg::new("Số điện thoại", "Phone number")
    } else {
        Msg::new(
            "Số điện thoại (để trống: dùng số của bạn)",
            "Phone number (blank: use yours)",
        )
    };
    text(p, form, "phone", phone_q, |f| &mut f.phone)?;
    text(
        p,
        form,
        "email",
        Msg::new("Email (không bắt buộc)", "E-mail (optional)"),
        |f| &mut f.email,
    )?;

    p.out_note(&Msg::new("— Trong vòng 14 ngày qua —", "— In the last 14 days —"));
    loop {
        let current = form.travel.join("; ");
        let answer = p.ask(
            &Msg::new(
                "Đã đến tỉnh/thành phố, quốc gia nào (cách nhau bởi ;, để trống nếu không)",
                "Provinces or countries visited (separated by ;, blank if none)",
            ),
            Some(&current),
        )?;
        form.travel = answer
            .split(';')
            .map(|s| s.trim().to_owned())
            .filter(|s| !s.is_empty())
            .collect();
        let problems = check(form, "travel")?;
        if problems.is_empty() {
            break;
        }
        problems.iter().for_each(|m| p.complain(m));
    }
    let any = form.symptoms.any();
    if p.yes_no(
        &Msg::new(
            "Có sốt, ho, khó thở, đau họng, mệt mỏi… không?",
            "Any fever, cough, breathlessness, sore throat, fatigue…?",
        ),
        any,
    )? {
        let s = &mut form.symptoms;
        s.fever = p.yes_no(&Msg::new("  Sốt", "  Fever"), s.fever)?;
        s.cough = p.yes_no(&Msg::new("  Ho", "  Cough"), s.cough)?;
        s.shortness_of_breath = p.yes_no(
            &Msg::new("  Khó thở", "  Shortness of breath"),
            s.shortness_of_breath,
        )?;
        s.pneumonia = p.yes_no(&Msg::new("  Viêm phổi", "  Pneumonia"), s.pneumonia)?;
        s.sore_throat = p.yes_no(&Msg::new("  Đau họng", "  Sore throat"), s.sore_throat)?;
        s.fatigue = p.yes_no(&Msg::new("  Mệt mỏi", "  Fatigue"), s.fatigue)?;
        s.loss_of_taste_or_smell = p.yes_no(
            &Msg::new("  Mất vị giác, khứu giác", "  Loss of taste or smell"),
            s.loss_of_taste_or_smell,
        )?;
        let other = p.ask(
            &Msg::new(
                "  Triệu chứng khác (không bắt buộc)",
                "  Other symptoms (optional)",
            ),
            s.other.as_deref(),
        )?;
        s.other = Some(other).filter(|o| !o.is_empty());
    } else {
        form.symptoms = tokhai_core::Symptoms::default();
    }
    let e = &mut form.exposure;
    e.confirmed_or_suspected_case = p.yes_no(
        &Msg::new(
            "Tiếp xúc với người bệnh hoặc nghi ngờ mắc COVID-19?",
            "Contact with a confirmed or suspected case?",
        ),
        e.confirmed_or_suspected_case,
    )?;
    e.person_from_country_with_cases = p.yes_no(
        &Msg::new(
            "Tiếp xúc với người từ nước có bệnh COVID-19?",
            "Contact with someone from a country with cases?",
        ),
        e.person_from_country_with_cases,
    )?;
    e.person_with_symptoms = p.yes_no(
        &Msg::new(
            "Tiếp xúc với người có biểu hiện sốt, ho, khó thở?",
            "Contact with someone with fever, cough or breathlessness?",
        ),
        e.person_with_symptoms,
    )?;
    chronic(p, form, &check)?;
    let sex = form.sex.trim().to_lowercase();
    if !matches!(sex.as_str(), "nam" | "male" | "m") {
        let answer = p.ask(
            &Msg::new(
                "Đang mang thai? (c/k, để trống nếu không muốn trả lời)",
                "Pregnant? (y/n, blank to skip)",
            ),
            None,
        )?;
        form.pregnant = prompt::parse_yes_no(&answer);
    } else {
        form.pregnant = None;
    }
    Ok(())
}

type Check<'a> = dyn Fn(&DeclarationForm, &str) -> Result<Vec<Msg>, CliError> + 'a;

/// Province, (district,) ward: by name search or by code.
fn address<R: BufRead>(
    p: &mut Prompter<R>,
    form: &mut DeclarationForm,
    check: &Check<'_>,
) -> Result<(), CliError> {
    let scheme = if form.address.scheme.trim() == "2021" {
        UnitScheme::V2021
    } else {
        UnitScheme::V2025
    };
    let list = units(scheme);
    let province = pick_unit(
        p,
        scheme,
        UnitLevel::Province,
        None,
        &Msg::new("Tỉnh/thành phố (gõ tên)", "Province or city (type its name)"),
        &form.address.province,
    )?;
    form.address.province = province.to_string();
    let mut parent = UnitKey {
        level: UnitLevel::Province,
        code: province,
    };
    if scheme == UnitScheme::V2021 {
        let district = pick_unit(
            p,
            scheme,
            UnitLevel::District,
            Some(parent),
            &Msg::new("Quận/huyện", "District"),
            &form.address.district,
        )?;
        form.address.district = district.to_string();
        parent = UnitKey {
            level: UnitLevel::District,
            code: district,
        };
    } else {
        form.address.district.clear();
    }
    loop {
        let ward = pick_unit(
            p,
            scheme,
            UnitLevel::Ward,
            Some(parent),
            &Msg::new("Phường/xã", "Ward or commune"),
            &form.address.ward,
        )?;
        form.address.ward = ward.to_string();
        let problems: Vec<Msg> = ["address.province", "address.district", "address.ward"]
            .iter()
            .map(|f| check(form, f))
            .collect::<Result<Vec<_>, _>>()?
            .into_iter()
            .flatten()
            .collect();
        if problems.is_empty() {
            if let Some(w) = list.ward(ward) {
                p.out_note(&Msg::owned(format!("  → {}", list.full_name(w)), String::new()));
            }
            return Ok(());
        }
        problems.iter().for_each(|m| p.complain(m));
    }
}

/// Asks for a unit by name (or code) and lets the person choose among the best matches.
fn pick_unit<R: BufRead>(
    p: &mut Prompter<R>,
    scheme: UnitScheme,
    level: UnitLevel,
    within: Option<UnitKey>,
    question: &Msg,
    current: &str,
) -> Result<u32, CliError> {
    let list = units(scheme);
    let current_name = current
        .trim()
        .parse::<u32>()
        .ok()
        .and_then(|c| list.get(level, c))
        .map(|u| u.name().to_owned());
    loop {
        let answer = p.ask(question, current_name.as_deref())?;
        if let Ok(code) = answer.parse::<u32>()
            && list.get(level, code).is_some()
        {
            return Ok(code);
        }
        let hits = list.search(
            &answer,
            &SearchOptions {
                level: Some(level),
                within,
                limit: 9,
            },
        );
        match hits.as_slice() {
            [] => p.complain(&Msg::new(
                "Không tìm thấy; hãy gõ lại tên.",
                "Not found; please type the name again.",
            )),
            [one] => return Ok(one.unit.code()),
            [first, ..]
                if Some(first.unit.name()) == current_name.as_deref()
                    || fold_eq(first.unit.name(), &answer) =>
            {
                return Ok(first.unit.code());
            }
            many => {
                for (i, hit) in many.iter().enumerate() {
                    p.out_note(&Msg::owned(
                        format!("  {}. {}", i + 1, list.full_name(hit.unit)),
                        String::new(),
                    ));
                }
                let choice = p.ask(&Msg::new("Chọn số", "Choose a number"), None)?;
                match choice
                    .parse::<usize>()
                    .ok()
                    .and_then(|n| n.checked_sub(1))
                    .and_then(|i| many.get(i))
                {
                    Some(hit) => return Ok(hit.unit.code()),
                    None => p.complain(&Msg::new(
                        "Số không có trong danh sách.",
                        "That number is not in the list.",
                    )),
                }
            }
        }
    }
}

/// Whether `name` is what was typed, ignoring case (an exact pick among several matches).
fn fold_eq(name: &str, typed: &str) -> bool {
    name.to_lowercase() == typed.trim().to_lowercase()
}

/// Chronic conditions, chosen by number.
fn chronic<R: BufRead>(
    p: &mut Prompter<R>,
    form: &mut DeclarationForm,
    check: &Check<'_>,
) -> Result<(), CliError> {
    const ALL: [ChronicCondition; 10] = [
        ChronicCondition::Liver,
        ChronicCondition::Blood,
        ChronicCondition::Lung,
        ChronicCondition::Kidney,
        ChronicCondition::Heart,
        ChronicCondition::HighBloodPressure,
        ChronicCondition::Immunodeficiency,
        ChronicCondition::OrganTransplant,
        ChronicCondition::Diabetes,
        ChronicCondition::Cancer,
    ];
    let has_any = !form.chronic_conditions.is_empty();
    if !p.yes_no(
        &Msg::new("Có bệnh nền (mãn tính) không?", "Any chronic condition?"),
        has_any,
    )? {
        form.chronic_conditions.clear();
        return Ok(());
    }
    for (i, c) in ALL.iter().enumerate() {
        p.out_note(&Msg::owned(
            format!("  {}. {}", i + 1, c.label().vi),
            c.label().en.to_string(),
        ));
    }
    loop {
        let answer = p.ask(
            &Msg::new(
                "Chọn các số, cách nhau bởi dấu phẩy",
                "Choose numbers, separated by commas",
            ),
            None,
        )?;
        let mut chosen = Vec::new();
        let mut bad = false;
        for part in answer.split([',', ' ', ';']).filter(|s| !s.is_empty()) {
            match part
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .and_then(|i| ALL.get(i))
            {
                Some(c) => chosen.push(c.as_str().to_owned()),
                None => bad = true,
            }
        }
        form.chronic_conditions = chosen;
        let problems = check(form, "chronic_conditions")?;
        if !bad && problems.is_empty() {
            return Ok(());
        }
        p.complain(&Msg::new(
            "Hãy chọn các số trong danh sách.",
            "Please choose numbers from the list.",
        ));
    }
}
