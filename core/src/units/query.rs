//! What a typed query means before it is matched: the part before a comma, search keys
//! (`fold::search_key`), a number glued to a kind ("q1", "p12"), English kind words at the end
//! ("Da Nang City"), and a leading kind word or abbreviation ("P.", "X.", "TT.", "ĐK", "Thành phố").

use super::fold::{fold, search_key};

/// Kind words a person may type before a name, as search keys. Longest first, so "thanh pho" wins over
/// "t". Each agrees with a unit whose kind word is it or has it as initials ("tp" and Thành phố).
pub(super) const KIND_WORDS: &[&str] = &[
    "thanh pho",
    "thi tran",
    "dac khu",
    "phuong",
    "thi xa",
    "huyen",
    "tinh",
    "quan",
    "tp",
    "tx",
    "tt",
    "dk",
    "xa",
    "p",
    "q",
    "h",
    "x",
    "t",
];

/// Kind abbreviations that people glue to a number: "q1", "p12", "phuong7".
const GLUED: &[&str] = &["quan", "phuong", "p", "q", "f"];

/// English words after a name ("Ho Chi Minh City", "Quang Nam province"), dropped.
const ENGLISH_SUFFIXES: &[&str] = &["city", "province", "district", "ward", "commune", "town"];

/// A prepared query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct Query {
    /// The whole query as a search key.
    pub(super) text: String,
    /// The same without spaces.
    pub(super) compact: String,
    /// A leading kind word, and the rest of the query with its compact form.
    pub(super) kind: Option<(&'static str, String, String)>,
}

impl Query {
    /// Prepares `raw`; `None` when nothing searchable is left.
    pub(super) fn new(raw: &str) -> Option<Self> {
        // "P. Bến Nghé, Q.1, TP.HCM": the unit's own name comes first.
        let head = raw.split([',', ';']).find(|part| !fold(part).is_empty())?;
        let folded = fold(head);
        let mut words: Vec<String> = folded.split(' ').flat_map(unglue).collect();
        while words.len() > 1
            && words
                .last()
                .is_some_and(|w| ENGLISH_SUFFIXES.contains(&w.as_str()))
        {
            words.pop();
        }
        let text = search_key(&words.join(" "));
        if text.is_empty() {
            return None;
        }
        // Without spaces the syllables are unknown: the key of the run as one word (`compact_key`).
        let compact = compact_key(&words.join(""));
        let kind = KIND_WORDS.iter().find_map(|&word| {
            let rest = text.strip_prefix(word)?.strip_prefix(' ')?;
            let rest_words = words.get(word.split(' ').count()..)?;
            let rest_compact = compact_key(&rest_words.join(""));
            (!rest.is_empty()).then(|| (word, rest.to_owned(), rest_compact))
        });
        Some(Self { compact, text, kind })
    }

    /// The part every key of a matching unit must contain (the query without its kind word).
    pub(super) fn needle(&self) -> (&str, &str) {
        match &self.kind {
            Some((_, rest, compact)) => (rest, compact),
            None => (&self.text, &self.compact),
        }
    }
}

/// The search key of a name with its spaces removed ("Đắk Lắk" → "daklac", as "daklak" typed).
pub(super) fn compact_key(folded: &str) -> String {
    search_key(&fold(folded).replace(' ', ""))
}

/// "q1" → ["q", "1"], "phuong12" → ["phuong", "12"]; other words unchanged.
fn unglue(word: &str) -> Vec<String> {
    let split = word
        .find(|c: char| c.is_ascii_digit())
        .filter(|&at| at > 0)
        .and_then(|at| word.split_at_checked(at));
    match split {
        Some((kind, number)) if number.bytes().all(|b| b.is_ascii_digit()) && GLUED.contains(&kind) => {
            let kind = if kind == "f" { "p" } else { kind };
            vec![kind.to_owned(), number.to_owned()]
        }
        _ => vec![word.to_owned()],
    }
}

#[cfg(test)]
mod tests {
    use super::Query;

    #[test]
    fn prepares_queries() {
        let q = |raw: &str| Query::new(raw).map(|q| (q.text, q.kind.map(|(w, r, _)| (w, r))));
        assert_eq!(q("Q1"), Some(("q 1".into(), Some(("q", "1".into())))));
        assert_eq!(q("p12"), Some(("p 12".into(), Some(("p", "12".into())))));
        assert_eq!(
            q("x. Bát Tràng"),
            Some(("x bat trang".into(), Some(("x", "bat trang".into()))))
        );
        assert_eq!(
            q("ĐK Côn Đảo"),
            Some(("dk con dao".into(), Some(("dk", "con dao".into()))))
        );
        assert_eq!(q("Da Nang City"), Some(("da nang".into(), None)));
        assert_eq!(
            q("P. Bến Nghé, Q.1"),
            Some(("p ben nghe".into(), Some(("p", "ben nghe".into()))))
        );
        // A lone English word is the name searched for (as a search key).
        assert_eq!(q("city"), Some(("citi".into(), None)));
        assert_eq!(q(" , ."), None);
        assert_eq!(q(""), None);
    }
}
