//! Byte-level building blocks shared by the frozen formats: LEB128 varints, length-prefixed text in
//! UTF-8 or VISCII, and times as whole minutes since 2020-01-01T00:00Z. `docs/protocol/qr.md` is the
//! normative description; these functions must keep their behaviour once a format using them is frozen.

use chrono::{DateTime, TimeZone, Utc};

use super::error::{EncodeError, Field, Malformed};
use super::viscii;

/// 2020-01-01T00:00:00Z in Unix seconds: the epoch of payload times.
pub(crate) const EPOCH_UNIX: i64 = 1_577_836_800;

/// Appends an unsigned LEB128 varint.
pub(crate) fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    loop {
        let low = (v & 0x7F) as u8;
        v >>= 7;
        if v == 0 {
            out.push(low);
            return;
        }
        out.push(low | 0x80);
    }
}

/// Appends a time as whole minutes since the epoch (seconds are dropped).
pub(crate) fn put_time(out: &mut Vec<u8>, t: DateTime<Utc>, field: Field) -> Result<(), EncodeError> {
    put_varint(out, u64::from(minutes(t, field)?));
    Ok(())
}

/// Whole minutes since the epoch; `OutOfRange` before the epoch or past `u32::MAX` minutes.
pub(crate) fn minutes(t: DateTime<Utc>, field: Field) -> Result<u32, EncodeError> {
    let secs = t.timestamp() - EPOCH_UNIX;
    if secs < 0 {
        return Err(EncodeError::OutOfRange(field));
    }
    u32::try_from(secs / 60).map_err(|_| EncodeError::OutOfRange(field))
}

/// The instant `minutes` after the epoch.
pub(crate) fn from_minutes(minutes: u32) -> DateTime<Utc> {
    let secs = EPOCH_UNIX + i64::from(minutes) * 60;
    // Every u32 minute count is a valid chrono instant (year < 10,200).
    Utc.timestamp_opt(secs, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// `t` with seconds and below dropped: the precision payloads carry.
pub fn floor_to_minute(t: DateTime<Utc>) -> DateTime<Utc> {
    let secs = t.timestamp().div_euclid(60) * 60;
    Utc.timestamp_opt(secs, 0).single().unwrap_or(t)
}

/// Appends text: a varint header `(byte length << 1) | encoding` (0 = UTF-8, 1 = VISCII), then the
/// bytes. VISCII is used when every character has a VISCII byte. Control characters are refused.
pub(crate) fn put_text(
    out: &mut Vec<u8>,
    s: &str,
    field: Field,
    max_bytes: usize,
) -> Result<(), EncodeError> {
    if s.chars().any(char::is_control) {
        return Err(EncodeError::ControlChar(field));
    }
    let viscii: Option<Vec<u8>> = s.chars().map(viscii::from_char).collect();
    let (bytes, enc) = match viscii {
        Some(b) => (b, 1),
        None => (s.as_bytes().to_vec(), 0),
    };
    if bytes.len() > max_bytes {
        return Err(EncodeError::TooLong(field));
    }
    put_varint(out, ((bytes.len() as u64) << 1) | enc);
    out.extend_from_slice(&bytes);
    Ok(())
}

/// Reads a payload front to back; never panics, whatever the bytes.
#[derive(Debug)]
pub(crate) struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    pub(crate) fn new(bytes: &'a [u8]) -> Self {
        Self { rest: bytes }
    }

    /// Bytes not read yet.
    pub(crate) fn remaining(&self) -> usize {
        self.rest.len()
    }

    pub(crate) fn u8(&mut self) -> Result<u8, Malformed> {
        let (&b, rest) = self.rest.split_first().ok_or(Malformed::Length)?;
        self.rest = rest;
        Ok(b)
    }

    pub(crate) fn bytes(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if n > self.rest.len() {
            return Err(Malformed::Length);
        }
        let (head, rest) = self.rest.split_at(n);
        self.rest = rest;
        Ok(head)
    }

    /// A minimal (shortest-form) LEB128 varint of at most 64 bits.
    pub(crate) fn varint(&mut self) -> Result<u64, Malformed> {
        let mut v: u64 = 0;
        for i in 0..10u32 {
            let b = self.u8()?;
            let chunk = u64::from(b & 0x7F);
            if i == 9 && chunk > 1 {
                return Err(Malformed::Varint);
            }
            v |= chunk << (7 * i);
            if b & 0x80 == 0 {
                if i > 0 && chunk == 0 {
                    return Err(Malformed::Varint); // overlong: a trailing zero group
                }
                return Ok(v);
            }
        }
        Err(Malformed::Varint)
    }

    pub(crate) fn varint_u32(&mut self, field: Field) -> Result<u32, Malformed> {
        u32::try_from(self.varint()?).map_err(|_| Malformed::Field(field))
    }

    pub(crate) fn time(&mut self) -> Result<DateTime<Utc>, Malformed> {
        Ok(from_minutes(self.varint_u32(Field::Time)?))
    }

    /// Text written by [`put_text`].
    pub(crate) fn text(&mut self, field: Field, max_bytes: usize) -> Result<String, Malformed> {
        let header = self.varint()?;
        let len = usize::try_from(header >> 1).map_err(|_| Malformed::Field(field))?;
        if len > max_bytes {
            return Err(Malformed::Field(field));
        }
        let raw = self.bytes(len)?;
        let s = if header & 1 == 1 {
            raw.iter()
                .map(|&b| viscii::to_char(b))
                .collect::<Option<String>>()
                .ok_or(Malformed::Field(field))?
        } else {
            std::str::from_utf8(raw).map_err(|_| Malformed::Utf8)?.to_owned()
        };
        if s.chars().any(char::is_control) {
            return Err(Malformed::Field(field));
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn varint(v: u64) -> Vec<u8> {
        let mut out = Vec::new();
        put_varint(&mut out, v);
        out
    }

    #[test]
    fn varints_round_trip_and_are_minimal() {
        for v in [0, 1, 127, 128, 300, 16_383, 16_384, u64::from(u32::MAX), u64::MAX] {
            let b = varint(v);
            let mut r = Reader::new(&b);
            assert_eq!(r.varint().unwrap(), v);
            assert_eq!(r.remaining(), 0);
        }
        assert_eq!(varint(300), [0xAC, 0x02]);
        assert_eq!(Reader::new(&[0x80, 0x00]).varint(), Err(Malformed::Varint));
        assert_eq!(Reader::new(&[0xFF; 10]).varint(), Err(Malformed::Varint));
        assert_eq!(Reader::new(&[0xFF, 0xFF]).varint(), Err(Malformed::Length));
    }

    #[test]
    fn text_uses_viscii_when_it_can() {
        let mut out = Vec::new();
        put_text(&mut out, "Chợ Bến Thành", Field::Name, 100).unwrap();
        assert_eq!(out.len(), 1 + 13);
        assert_eq!(out[0], 13 << 1 | 1);
        let mut out2 = Vec::new();
        put_text(&mut out2, "Café “Hà Nội”", Field::Name, 100).unwrap();
        assert_eq!(out2[0] & 1, 0);
        for b in [out, out2] {
            let s = Reader::new(&b).text(Field::Name, 100).unwrap();
            assert!(s == "Chợ Bến Thành" || s == "Café “Hà Nội”");
        }
        assert_eq!(
            put_text(&mut Vec::new(), "a\nb", Field::Name, 100),
            Err(EncodeError::ControlChar(Field::Name))
        );
        assert_eq!(
            put_text(&mut Vec::new(), "abcd", Field::Name, 3),
            Err(EncodeError::TooLong(Field::Name))
        );
    }

    #[test]
    fn times_are_minutes_since_2020() {
        let t = Utc.with_ymd_and_hms(2021, 5, 20, 8, 30, 59).unwrap();
        let mut out = Vec::new();
        put_time(&mut out, t, Field::Time).unwrap();
        assert_eq!(Reader::new(&out).time().unwrap(), floor_to_minute(t));
        let before = Utc.with_ymd_and_hms(2019, 12, 31, 23, 59, 0).unwrap();
        assert_eq!(
            put_time(&mut out, before, Field::Time),
            Err(EncodeError::OutOfRange(Field::Time))
        );
    }
}
