//! Validation and normalisation of Chinese identity numbers, company codes and phone numbers.
//!
//! Every `check_*` function is pure and total: it never panics, returns the normalised value on
//! success and otherwise a stable message code (for example `"id.checksum"`) that the UI layer
//! translates.
//!
//! # Resident identity numbers (GB 11643-1999)
//!
//! An 18-character number is laid out as a 6-digit administrative address code, an 8-digit birth
//! date `YYYYMMDD`, a 3-digit sequence code and one check character. The check character follows
//! ISO 7064 MOD 11-2: the first 17 digits are multiplied by the weights
//! `7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2` (that is, `2^(17-i) mod 11`), and the sum modulo 11
//! indexes into `"10X98765432"`. The birth date must be a real calendar date, not after the
//! caller's `today` and not before 1880-01-01 (old documents with 19th-century birth dates
//! exist). Legacy 15-digit numbers (address code, `YYMMDD`, sequence code, no check character,
//! century implicitly 19) are accepted and upgraded to 18 characters. The address code is not
//! checked against the division table, so residence permits for Hong Kong, Macao and Taiwan
//! residents (address codes 810000, 820000 and 830000) validate with the same function.
//!
//! The 2023 foreigner permanent-residence identity card uses the same 18-character layout and
//! check character, but its first digit is always `9`.
//!
//! # Unified social credit codes (GB 32100-2015)
//!
//! 18 characters from the 31-character alphabet `0123456789ABCDEFGHJKLMNPQRTUWXY` (no I, O, S,
//! V or Z). Each of the first 17 characters is replaced by its index in the alphabet and
//! multiplied by the weights `1 3 9 27 19 26 16 17 20 29 25 13 8 24 10 30 28` (that is,
//! `3^(i-1) mod 31`); the check character is the alphabet entry at `(31 - sum mod 31) mod 31`.
//! The meaning of the leading registration-authority and organisation-type characters is not
//! checked. The older 15-digit business registration number (工商注册号) is accepted by a
//! separate, format-only check.
//!
//! # Phone numbers
//!
//! Mobile numbers match `^1[3-9]\d{9}$` once whitespace, dashes and an optional `+86`/`86`
//! prefix are removed. Landline numbers match `^0\d{2,3}-?\d{7,8}$` with an optional extension
//! written as `-1234` or `转1234`. When the dash between area code and number is missing, the
//! split follows the national numbering plan: `010` and `02x` are three-digit area codes, all
//! others have four digits. Landlines are normalised to `0977-8221234` (or `0979-8412345转123`
//! with an extension).

use chrono::NaiveDate;

/// ISO 7064 MOD 11-2 weights for the first 17 digits of a resident identity number.
const RESIDENT_WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// Check characters of a resident identity number, indexed by the weighted sum modulo 11.
const RESIDENT_CHECK_CHARS: &[u8; 11] = b"10X98765432";

/// Earliest birth date accepted in a resident identity number.
const EARLIEST_BIRTH_YEAR: i32 = 1880;

/// The 31 characters allowed in a unified social credit code, in check-value order.
const USCC_ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";

/// Weights for the first 17 characters of a unified social credit code.
const USCC_WEIGHTS: [u32; 17] = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];

/// Longest extension accepted after a landline number.
const MAX_EXTENSION_DIGITS: usize = 6;

const ID_EMPTY: &str = "id.empty";
const ID_LENGTH: &str = "id.length";
const ID_CHARS: &str = "id.chars";
const ID_BIRTH_DATE: &str = "id.birth_date";
const ID_CHECKSUM: &str = "id.checksum";
const USCC_EMPTY: &str = "uscc.empty";
const USCC_LENGTH: &str = "uscc.length";
const USCC_CHARS: &str = "uscc.chars";
const USCC_CHECKSUM: &str = "uscc.checksum";
const REGNO_FORMAT: &str = "regno.format";
const PHONE_EMPTY: &str = "phone.empty";
const PHONE_MOBILE: &str = "phone.mobile";
const PHONE_LANDLINE: &str = "phone.landline";
const PHONE_FORMAT: &str = "phone.format";

/// Validates a China resident identity number (GB 11643-1999) and returns it normalised.
///
/// Surrounding whitespace is trimmed and a lower-case check character `x` becomes `X`. A legacy
/// 15-digit number is returned upgraded to 18 characters. The birth date must lie between
/// 1880-01-01 and `today`, both inclusive.
///
/// Error codes: `id.empty`, `id.length`, `id.chars`, `id.birth_date`, `id.checksum`.
pub fn check_resident_id(s: &str, today: NaiveDate) -> Result<String, &'static str> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(ID_EMPTY);
    }
    match trimmed.chars().count() {
        18 => {
            let normalised = normalise_18_char_id(trimmed)?;
            let bytes = normalised.as_bytes();
            check_birth_date(&bytes[6..14], today)?;
            if resident_check_char(&bytes[..17]) != Some(bytes[17]) {
                return Err(ID_CHECKSUM);
            }
            Ok(normalised)
        }
        15 => {
            if !trimmed.bytes().all(|b| b.is_ascii_digit()) {
                return Err(ID_CHARS);
            }
            // The legacy format omits the century, which was always 19.
            let body = format!("{}19{}", &trimmed[..6], &trimmed[6..]);
            check_birth_date(&body.as_bytes()[6..14], today)?;
            make_resident_id(&body).ok_or(ID_CHARS)
        }
        _ => Err(ID_LENGTH),
    }
}

/// Validates the number of a 2023 foreigner permanent-residence identity card.
///
/// The number has the resident identity layout and check character, and always starts with `9`;
/// a different first digit is reported as `id.chars`. Surrounding whitespace is trimmed and a
/// lower-case check character `x` becomes `X`.
///
/// Error codes: `id.empty`, `id.length`, `id.chars`, `id.checksum`.
pub fn check_foreign_permanent_id(s: &str) -> Result<String, &'static str> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(ID_EMPTY);
    }
    if trimmed.chars().count() != 18 {
        return Err(ID_LENGTH);
    }
    let normalised = normalise_18_char_id(trimmed)?;
    let bytes = normalised.as_bytes();
    if bytes[0] != b'9' {
        return Err(ID_CHARS);
    }
    if resident_check_char(&bytes[..17]) != Some(bytes[17]) {
        return Err(ID_CHECKSUM);
    }
    Ok(normalised)
}

/// Validates a passport number: 5 to 20 ASCII letters or digits, returned in upper case.
///
/// Error codes: `id.empty`, `id.length`, `id.chars`.
pub fn check_passport(s: &str) -> Result<String, &'static str> {
    let trimmed = s.trim();
    if trimmed.is_empty() {
        return Err(ID_EMPTY);
    }
    if !(5..=20).contains(&trimmed.chars().count()) {
        return Err(ID_LENGTH);
    }
    if !trimmed.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(ID_CHARS);
    }
    Ok(trimmed.to_ascii_uppercase())
}

/// Validates a unified social credit code (GB 32100-2015) and returns it in upper case.
///
/// Error codes: `uscc.empty`, `uscc.length`, `uscc.chars`, `uscc.checksum`.
pub fn check_uscc(s: &str) -> Result<String, &'static str> {
    let normalised = s.trim().to_ascii_uppercase();
    if normalised.is_empty() {
        return Err(USCC_EMPTY);
    }
    if normalised.chars().count() != 18 {
        return Err(USCC_LENGTH);
    }
    let indices: Vec<u32> =
        normalised.chars().map(uscc_index).collect::<Option<_>>().ok_or(USCC_CHARS)?;
    if uscc_check_index(&indices[..17]) != Some(indices[17]) {
        return Err(USCC_CHECKSUM);
    }
    Ok(normalised)
}

/// Validates a legacy 15-digit business registration number (工商注册号) by format only.
///
/// Error code: `regno.format`.
pub fn check_legacy_reg_no(s: &str) -> Result<String, &'static str> {
    let trimmed = s.trim();
    if trimmed.len() == 15 && trimmed.bytes().all(|b| b.is_ascii_digit()) {
        Ok(trimmed.to_owned())
    } else {
        Err(REGNO_FORMAT)
    }
}

/// Validates a mainland mobile number and returns its 11 digits.
///
/// Whitespace and dashes are ignored, and a leading `+86` or `86` country code is removed.
///
/// Error code: `phone.mobile`.
pub fn check_mobile(s: &str) -> Result<String, &'static str> {
    let compact: String = s.chars().filter(|&c| !c.is_whitespace() && c != '-').collect();
    let national =
        compact.strip_prefix("+86").or_else(|| compact.strip_prefix("86")).unwrap_or(&compact);
    let bytes = national.as_bytes();
    let is_mobile = bytes.len() == 11
        && bytes.iter().all(u8::is_ascii_digit)
        && bytes[0] == b'1'
        && (b'3'..=b'9').contains(&bytes[1]);
    if is_mobile { Ok(national.to_owned()) } else { Err(PHONE_MOBILE) }
}

/// Validates a landline number and returns it as `area-number`, e.g. `0977-8221234`.
///
/// Whitespace is ignored. An extension written as `-1234` or `转1234` is kept and normalised to
/// `转1234`, e.g. `0979-8412345转123`.
///
/// Error code: `phone.landline`.
pub fn check_landline(s: &str) -> Result<String, &'static str> {
    parse_landline(s).ok_or(PHONE_LANDLINE)
}

/// Validates a mobile or landline number and returns it normalised as by [`check_mobile`] or
/// [`check_landline`].
///
/// Error codes: `phone.empty`, `phone.format`.
pub fn check_phone(s: &str) -> Result<String, &'static str> {
    if s.trim().is_empty() {
        return Err(PHONE_EMPTY);
    }
    check_mobile(s).or_else(|_| check_landline(s)).map_err(|_| PHONE_FORMAT)
}

/// Appends the MOD 11-2 check character to 17 ASCII digits, giving an 18-character identity
/// number. Returns `None` unless the input is exactly 17 ASCII digits. The birth date is not
/// checked.
pub fn make_resident_id(prefix17: &str) -> Option<String> {
    let check = resident_check_char(prefix17.as_bytes())?;
    let mut id = String::with_capacity(18);
    id.push_str(prefix17);
    id.push(char::from(check));
    Some(id)
}

/// Appends the GB 32100-2015 check character to 17 characters of the (upper-case) unified
/// social credit code alphabet. Returns `None` for any other input.
pub fn make_uscc(prefix17: &str) -> Option<String> {
    let indices: Vec<u32> = prefix17.chars().map(uscc_index).collect::<Option<_>>()?;
    let check = uscc_check_index(&indices)?;
    let check_char = USCC_ALPHABET.get(usize::try_from(check).ok()?)?;
    let mut code = String::with_capacity(18);
    code.push_str(prefix17);
    code.push(char::from(*check_char));
    Some(code)
}

/// Checks the character classes of an 18-character identity number and upper-cases its check
/// character. The first 17 characters must be ASCII digits and the last a digit, `X` or `x`.
fn normalise_18_char_id(trimmed: &str) -> Result<String, &'static str> {
    let bytes = trimmed.as_bytes();
    let well_formed = match bytes.split_last() {
        Some((&last, body)) => {
            body.len() == 17
                && body.iter().all(u8::is_ascii_digit)
                && (last.is_ascii_digit() || last == b'X' || last == b'x')
        }
        None => false,
    };
    if well_formed { Ok(trimmed.to_ascii_uppercase()) } else { Err(ID_CHARS) }
}

/// Computes the MOD 11-2 check character for exactly 17 ASCII digits.
fn resident_check_char(body: &[u8]) -> Option<u8> {
    if body.len() != RESIDENT_WEIGHTS.len() || !body.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let sum: u32 = body.iter().zip(RESIDENT_WEIGHTS).map(|(&d, w)| u32::from(d - b'0') * w).sum();
    RESIDENT_CHECK_CHARS.get(usize::try_from(sum % 11).ok()?).copied()
}

/// Checks an 8-digit `YYYYMMDD` birth date: a real date from 1880-01-01 up to `today`.
fn check_birth_date(digits: &[u8], today: NaiveDate) -> Result<(), &'static str> {
    if digits.len() != 8 || !digits.iter().all(u8::is_ascii_digit) {
        return Err(ID_BIRTH_DATE);
    }
    // Four digits always fit in an `i32`.
    let year = i32::try_from(decimal_value(&digits[..4])).map_err(|_| ID_BIRTH_DATE)?;
    let month = decimal_value(&digits[4..6]);
    let day = decimal_value(&digits[6..]);
    match NaiveDate::from_ymd_opt(year, month, day) {
        Some(date) if year >= EARLIEST_BIRTH_YEAR && date <= today => Ok(()),
        _ => Err(ID_BIRTH_DATE),
    }
}

/// Reads a short run of ASCII digits as a decimal number.
fn decimal_value(digits: &[u8]) -> u32 {
    digits.iter().fold(0, |value, &d| value * 10 + u32::from(d - b'0'))
}

/// Returns the position of `c` in the unified social credit code alphabet.
fn uscc_index(c: char) -> Option<u32> {
    let position = USCC_ALPHABET.iter().position(|&a| char::from(a) == c)?;
    u32::try_from(position).ok()
}

/// Computes the check value of the first 17 alphabet indices of a unified social credit code.
fn uscc_check_index(indices: &[u32]) -> Option<u32> {
    if indices.len() != USCC_WEIGHTS.len() {
        return None;
    }
    let sum: u32 = indices.iter().zip(USCC_WEIGHTS).map(|(&i, w)| i * w).sum();
    Some((31 - sum % 31) % 31)
}

/// Parses a landline number with an optional extension into its normalised form.
fn parse_landline(s: &str) -> Option<String> {
    let compact: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    let (main, transfer_extension) = match compact.split_once('转') {
        Some((main, extension)) => (main, Some(extension)),
        None => (compact.as_str(), None),
    };
    let parts: Vec<&str> = main.split('-').collect();
    let (area, number, extension) = match (parts.as_slice(), transfer_extension) {
        // No dash: area code and number are written together.
        ([joined], extension) => {
            let (area, number) = split_area_code(joined)?;
            (area, number, extension)
        }
        // One dash after a short prefix separates area code and number.
        ([area, number], None) if area.len() <= 4 => (*area, *number, None),
        // One dash after a long prefix introduces an extension.
        ([joined, extension], None) => {
            let (area, number) = split_area_code(joined)?;
            (area, number, Some(*extension))
        }
        ([area, number], extension) => (*area, *number, extension),
        ([area, number, extension], None) => (*area, *number, Some(*extension)),
        _ => return None,
    };
    let area_ok = (3..=4).contains(&area.len()) && area.starts_with('0') && is_ascii_digits(area);
    let number_ok = (7..=8).contains(&number.len()) && is_ascii_digits(number);
    if !area_ok || !number_ok {
        return None;
    }
    match extension {
        None => Some(format!("{area}-{number}")),
        Some(ext) if ext.len() <= MAX_EXTENSION_DIGITS && is_ascii_digits(ext) => {
            Some(format!("{area}-{number}转{ext}"))
        }
        Some(_) => None,
    }
}

/// Splits an undashed landline number into area code and number.
///
/// Ten digits can only be a 3-digit area code with a 7-digit number and twelve digits only a
/// 4-digit area code with an 8-digit number. Eleven digits are split by the numbering plan:
/// `010` and `02x` are the only 3-digit area codes.
fn split_area_code(joined: &str) -> Option<(&str, &str)> {
    if !joined.starts_with('0') || !is_ascii_digits(joined) {
        return None;
    }
    let area_len = match joined.len() {
        10 => 3,
        11 if joined.starts_with("010") || joined.starts_with("02") => 3,
        11 | 12 => 4,
        _ => return None,
    };
    Some(joined.split_at(area_len))
}

/// Returns whether `s` is non-empty and consists of ASCII digits only.
fn is_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, Days};
    use proptest::prelude::*;

    const RESIDENT_CHARS: &str = "0123456789X";

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 15).expect("valid test date")
    }

    /// An independent ISO 7064 MOD 11-2 implementation: the weights are computed as powers of 2
    /// and the check value `c` satisfies `sum + c ≡ 1 (mod 11)`.
    fn reference_resident_check(prefix17: &str) -> char {
        let mut sum = 0u32;
        for (i, c) in prefix17.chars().enumerate() {
            let weight = (0..17 - i).fold(1u32, |w, _| w * 2 % 11);
            sum += c.to_digit(10).expect("digit") * weight;
        }
        match (12 - sum % 11) % 11 {
            10 => 'X',
            value => char::from_digit(value, 10).expect("digit"),
        }
    }

    /// An independent GB 32100-2015 implementation: the weights are computed as powers of 3.
    fn reference_uscc_check(prefix17: &str) -> char {
        let alphabet: Vec<char> = "0123456789ABCDEFGHJKLMNPQRTUWXY".chars().collect();
        let mut sum = 0usize;
        for (i, c) in prefix17.chars().enumerate() {
            let weight = (0..i).fold(1usize, |w, _| w * 3 % 31);
            sum += alphabet.iter().position(|&a| a == c).expect("alphabet char") * weight;
        }
        alphabet[(31 - sum % 31) % 31]
    }

    fn replace_char(s: &str, position: usize, replacement: char) -> String {
        s.chars().enumerate().map(|(i, c)| if i == position { replacement } else { c }).collect()
    }

    #[test]
    fn resident_id_known_valid() {
        assert_eq!(
            check_resident_id("11010519491231002X", today()),
            Ok("11010519491231002X".into())
        );
        assert_eq!(
            check_resident_id("440524188001010014", today()),
            Ok("440524188001010014".into())
        );
    }

    #[test]
    fn resident_id_normalises_lower_case_x_and_whitespace() {
        assert_eq!(
            check_resident_id(" \t11010519491231002x\n", today()),
            Ok("11010519491231002X".into())
        );
    }

    #[test]
    fn resident_id_upgrades_15_digits() {
        assert_eq!(check_resident_id("110105491231002", today()), Ok("11010519491231002X".into()));
    }

    #[test]
    fn resident_id_accepts_hong_kong_macao_taiwan_permits() {
        for area in ["810000", "820000", "830000"] {
            let id = make_resident_id(&format!("{area}19900101001")).expect("17 digits");
            assert_eq!(check_resident_id(&id, today()), Ok(id.clone()));
        }
    }

    #[test]
    fn resident_id_error_codes() {
        assert_eq!(check_resident_id("", today()), Err("id.empty"));
        assert_eq!(check_resident_id("   ", today()), Err("id.empty"));
        assert_eq!(check_resident_id("11010519491231002", today()), Err("id.length"));
        assert_eq!(check_resident_id("11010519491231002X1", today()), Err("id.length"));
        assert_eq!(check_resident_id("1101051949123100X2", today()), Err("id.chars"));
        assert_eq!(check_resident_id("11010519491231002A", today()), Err("id.chars"));
        assert_eq!(check_resident_id("１1010519491231002X", today()), Err("id.chars"));
        assert_eq!(check_resident_id("11010549123100X", today()), Err("id.chars"));
        assert_eq!(check_resident_id("110105194912310021", today()), Err("id.checksum"));
    }

    #[test]
    fn resident_id_birth_date_rules() {
        let id = |prefix: &str| make_resident_id(prefix).expect("17 digits");
        // Not a calendar date.
        assert_eq!(check_resident_id(&id("11010519490231002"), today()), Err("id.birth_date"));
        assert_eq!(check_resident_id(&id("11010519491301002"), today()), Err("id.birth_date"));
        assert_eq!(check_resident_id(&id("11010519000229002"), today()), Err("id.birth_date"));
        assert!(check_resident_id(&id("11010520000229002"), today()).is_ok());
        // Before 1880-01-01.
        assert_eq!(check_resident_id(&id("11010518791231002"), today()), Err("id.birth_date"));
        assert!(check_resident_id(&id("11010518800101002"), today()).is_ok());
        // After today.
        assert!(check_resident_id(&id("11010520250615002"), today()).is_ok());
        assert_eq!(check_resident_id(&id("11010520250616002"), today()), Err("id.birth_date"));
        // A legacy number with an impossible date.
        assert_eq!(check_resident_id("110105490231002", today()), Err("id.birth_date"));
    }

    #[test]
    fn foreign_permanent_id() {
        let id = make_resident_id("93115619800101002").expect("17 digits");
        assert_eq!(check_foreign_permanent_id(&format!(" {id} ")), Ok(id.clone()));
        let with_x = make_resident_id("93115619800101001").expect("17 digits");
        assert!(with_x.ends_with('X'));
        assert_eq!(check_foreign_permanent_id(&with_x.to_lowercase()), Ok(with_x));
        assert_eq!(check_foreign_permanent_id(""), Err("id.empty"));
        assert_eq!(check_foreign_permanent_id("9311561980010100"), Err("id.length"));
        assert_eq!(check_foreign_permanent_id("11010519491231002X"), Err("id.chars"));
        assert_eq!(check_foreign_permanent_id("93115619800101001A"), Err("id.chars"));
        let wrong = replace_char(&id, 17, if id.ends_with('0') { '1' } else { '0' });
        assert_eq!(check_foreign_permanent_id(&wrong), Err("id.checksum"));
    }

    #[test]
    fn passport() {
        assert_eq!(check_passport(" e12345678 "), Ok("E12345678".into()));
        assert_eq!(check_passport("G1234"), Ok("G1234".into()));
        assert_eq!(check_passport("A1234567890123456789"), Ok("A1234567890123456789".into()));
        assert_eq!(check_passport(""), Err("id.empty"));
        assert_eq!(check_passport("G123"), Err("id.length"));
        assert_eq!(check_passport("A12345678901234567890"), Err("id.length"));
        assert_eq!(check_passport("E1234-678"), Err("id.chars"));
        assert_eq!(check_passport("E123 5678"), Err("id.chars"));
        assert_eq!(check_passport("护照12345"), Err("id.chars"));
    }

    #[test]
    fn uscc_known_valid() {
        assert_eq!(check_uscc("91350100M000100Y43"), Ok("91350100M000100Y43".into()));
        assert_eq!(check_uscc("91310000MA1K000006"), Ok("91310000MA1K000006".into()));
        assert_eq!(check_uscc("  91310000ma1k000006 "), Ok("91310000MA1K000006".into()));
    }

    #[test]
    fn uscc_error_codes() {
        assert_eq!(check_uscc(" "), Err("uscc.empty"));
        assert_eq!(check_uscc("91310000MA1K00000"), Err("uscc.length"));
        assert_eq!(check_uscc("91310000MA1K0000061"), Err("uscc.length"));
        assert_eq!(check_uscc("91310000MI1K000006"), Err("uscc.chars"));
        assert_eq!(check_uscc("91310000MA1K00000O"), Err("uscc.chars"));
        assert_eq!(check_uscc("91310000MA1K00000-"), Err("uscc.chars"));
        assert_eq!(check_uscc("91310000MA1K000007"), Err("uscc.checksum"));
    }

    #[test]
    fn make_functions() {
        assert_eq!(make_resident_id("11010519491231002"), Some("11010519491231002X".into()));
        assert_eq!(make_resident_id("1101051949123100"), None);
        assert_eq!(make_resident_id("1101051949123100A"), None);
        assert_eq!(make_uscc("91350100M000100Y4"), Some("91350100M000100Y43".into()));
        assert_eq!(make_uscc("91310000MA1K00000"), Some("91310000MA1K000006".into()));
        assert_eq!(make_uscc("91310000MA1K0000"), None);
        assert_eq!(make_uscc("91310000MI1K00000"), None);
        assert_eq!(make_uscc("91310000ma1k00000"), None);
    }

    #[test]
    fn legacy_reg_no() {
        assert_eq!(check_legacy_reg_no(" 310000000012345 "), Ok("310000000012345".into()));
        assert_eq!(check_legacy_reg_no(""), Err("regno.format"));
        assert_eq!(check_legacy_reg_no("31000000001234"), Err("regno.format"));
        assert_eq!(check_legacy_reg_no("31000000001234A"), Err("regno.format"));
    }

    #[test]
    fn mobile_forms() {
        for input in [
            "13812345678",
            "+86 138 1234 5678",
            "+86-138-1234-5678",
            "8613812345678",
            " 138-1234-5678 ",
        ] {
            assert_eq!(check_mobile(input), Ok("13812345678".into()), "{input}");
        }
        assert_eq!(check_mobile("19912345678"), Ok("19912345678".into()));
        assert_eq!(check_mobile("12345678901"), Err("phone.mobile"));
        assert_eq!(check_mobile("1381234567"), Err("phone.mobile"));
        assert_eq!(check_mobile("138123456789"), Err("phone.mobile"));
        assert_eq!(check_mobile("+1 13812345678"), Err("phone.mobile"));
        assert_eq!(check_mobile("0977-8221234"), Err("phone.mobile"));
    }

    #[test]
    fn landline_forms() {
        let cases = [
            ("0977-8221234", "0977-8221234"),
            ("09778221234", "0977-8221234"),
            ("0977 8221234", "0977-8221234"),
            ("010-12345678", "010-12345678"),
            ("01012345678", "010-12345678"),
            ("02112345678", "021-12345678"),
            ("0101234567", "010-1234567"),
            ("075512345678", "0755-12345678"),
            ("0979-8412345转123", "0979-8412345转123"),
            ("0979-8412345-123", "0979-8412345转123"),
            ("09798412345-123", "0979-8412345转123"),
            ("09798412345转123", "0979-8412345转123"),
        ];
        for (input, expected) in cases {
            assert_eq!(check_landline(input), Ok(expected.to_owned()), "{input}");
        }
        for input in [
            "0977-123",
            "977-8221234",
            "0977-822123456",
            "0977",
            "097712",
            "0977-8221234-",
            "0977-8221234转",
            "0977-8221234-1234567",
            "0977-8221234-12-3",
            "0977-8221234-1转2",
            "13812345678",
        ] {
            assert_eq!(check_landline(input), Err("phone.landline"), "{input}");
        }
    }

    #[test]
    fn phone_dispatch() {
        assert_eq!(check_phone("13812345678"), Ok("13812345678".into()));
        assert_eq!(check_phone("+86 138 1234 5678"), Ok("13812345678".into()));
        assert_eq!(check_phone("0977-8221234"), Ok("0977-8221234".into()));
        assert_eq!(check_phone("09778221234"), Ok("0977-8221234".into()));
        assert_eq!(check_phone("0979-8412345转123"), Ok("0979-8412345转123".into()));
        assert_eq!(check_phone(""), Err("phone.empty"));
        assert_eq!(check_phone(" \t"), Err("phone.empty"));
        assert_eq!(check_phone("12345678901"), Err("phone.format"));
        assert_eq!(check_phone("0977-123"), Err("phone.format"));
    }

    fn valid_resident_prefix() -> impl Strategy<Value = String> {
        let start = NaiveDate::from_ymd_opt(1900, 1, 1).expect("valid date");
        let end = NaiveDate::from_ymd_opt(2020, 1, 1).expect("valid date");
        let days = u64::try_from((end - start).num_days()).expect("positive span");
        (1u32..=8, 0u32..100_000, 0..days, 0u32..1000).prop_map(move |(a, rest, day, seq)| {
            let birth = start.checked_add_days(Days::new(day)).expect("in range");
            format!("{a}{rest:05}{:04}{:02}{:02}{seq:03}", birth.year(), birth.month(), birth.day())
        })
    }

    fn uscc_prefix() -> impl Strategy<Value = String> {
        proptest::collection::vec(0usize..31, 17)
            .prop_map(|indices| indices.into_iter().map(|i| char::from(USCC_ALPHABET[i])).collect())
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn resident_id_accepts_valid_and_rejects_every_substitution(prefix in valid_resident_prefix()) {
            let id = make_resident_id(&prefix).expect("17 digits");
            prop_assert_eq!(id.chars().last(), Some(reference_resident_check(&prefix)));
            prop_assert_eq!(check_resident_id(&id, today()), Ok(id.clone()));
            for position in 0..18 {
                for replacement in RESIDENT_CHARS.chars() {
                    if id.chars().nth(position) == Some(replacement) {
                        continue;
                    }
                    let mutated = replace_char(&id, position, replacement);
                    prop_assert!(
                        check_resident_id(&mutated, today()).is_err(),
                        "accepted {} (from {})", mutated, id
                    );
                }
            }
        }

        #[test]
        fn legacy_resident_id_upgrades_like_make(prefix in valid_resident_prefix()) {
            // Only 20th-century birth dates can be written in the 15-digit form.
            prop_assume!(&prefix[6..8] == "19");
            let legacy = format!("{}{}", &prefix[..6], &prefix[8..]);
            prop_assert_eq!(check_resident_id(&legacy, today()), Ok(make_resident_id(&prefix).expect("17 digits")));
        }

        #[test]
        fn uscc_accepts_valid_and_rejects_every_substitution(prefix in uscc_prefix()) {
            let code = make_uscc(&prefix).expect("17 alphabet chars");
            prop_assert_eq!(code.chars().last(), Some(reference_uscc_check(&prefix)));
            prop_assert_eq!(check_uscc(&code), Ok(code.clone()));
            for position in 0..18 {
                for replacement in USCC_ALPHABET.iter().map(|&b| char::from(b)) {
                    if code.chars().nth(position) == Some(replacement) {
                        continue;
                    }
                    let mutated = replace_char(&code, position, replacement);
                    prop_assert!(check_uscc(&mutated).is_err(), "accepted {} (from {})", mutated, code);
                }
            }
        }

        #[test]
        fn checks_never_panic(s in any::<String>()) {
            let _ = check_resident_id(&s, today());
            let _ = check_foreign_permanent_id(&s);
            let _ = check_passport(&s);
            let _ = check_uscc(&s);
            let _ = check_legacy_reg_no(&s);
            let _ = check_phone(&s);
            let _ = make_resident_id(&s);
            let _ = make_uscc(&s);
        }
    }
}
