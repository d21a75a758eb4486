//! Integer arithmetic of the figures: counts and fen are integers, every sum is checked, rates
//! are basis points (1/100 of a percent) rounded half up, money is shown in 万元 with two
//! decimals (DOMAIN.md §5). Nothing here uses floating point.

use crate::{ReportError, Result};

/// `a += b`, or an error when the sum does not fit.
pub(crate) fn add_u(a: &mut u64, b: u64) -> Result<()> {
    *a = a.checked_add(b).ok_or(ReportError::Overflow)?;
    Ok(())
}

/// `a += b` for fen, or an error when the sum does not fit.
pub(crate) fn add_i(a: &mut i64, b: i64) -> Result<()> {
    *a = a.checked_add(b).ok_or(ReportError::Overflow)?;
    Ok(())
}

/// `num / den` in basis points (8150 = 81.50 %), rounded half up; `None` when `den` is 0.
pub fn rate_bp(num: u64, den: u64) -> Option<u32> {
    if den == 0 {
        return None;
    }
    let (n, d) = (u128::from(num), u128::from(den));
    u32::try_from((n * 20_000 + d) / (2 * d)).ok()
}

/// A rate in basis points as a percentage with two decimals: `8150` → `81.50%`.
pub fn percent(bp: Option<u32>) -> String {
    match bp {
        Some(bp) => format!("{}.{:02}%", bp / 100, bp % 100),
        None => "—".to_owned(),
    }
}

/// A change in basis points as 百分点 with two decimals and a sign: `125` → `+1.25`.
pub fn points(bp: Option<i64>) -> String {
    match bp {
        Some(bp) => {
            let sign = if bp < 0 { "-" } else { "+" };
            let a = bp.unsigned_abs();
            format!("{sign}{}.{:02}", a / 100, a % 100)
        }
        None => "—".to_owned(),
    }
}

/// Fen in hundredths of 万元 (1 万元 = 1,000,000 fen), rounded half away from zero.
pub fn wan_hundredths(fen: i64) -> i64 {
    let (q, r) = (fen / 10_000, fen % 10_000);
    if r >= 5_000 {
        q + 1
    } else if r <= -5_000 {
        q - 1
    } else {
        q
    }
}

/// Fen in 万元 with two decimals: 460,000,000 fen (4.6 million yuan) → `460.00`.
pub fn wan(fen: i64) -> String {
    let h = wan_hundredths(fen);
    let sign = if h < 0 { "-" } else { "" };
    let a = h.unsigned_abs();
    format!("{sign}{}.{:02}", a / 100, a % 100)
}

/// The relative change from `before` to `now` in basis points (同比/环比 of a count);
/// `None` when there was nothing before.
pub fn change_bp(now: u64, before: u64) -> Option<i64> {
    if before == 0 {
        return None;
    }
    let diff = i128::from(now) - i128::from(before);
    let b = i128::from(before);
    // Half away from zero.
    let q = (diff * 20_000 + diff.signum() * b) / (2 * b);
    i64::try_from(q).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rates_round_half_up_in_basis_points() {
        // DOMAIN.md §5.1: CCA 2022H1 449,786 / 551,780 = 81.5% (81.515…: 81.52 with two
        // decimals); 2024 1,211,284 / 1,761,886 = 68.75%.
        assert_eq!(percent(rate_bp(449_786, 551_780)), "81.52%");
        assert_eq!(percent(rate_bp(1_211_284, 1_761_886)), "68.75%");
        // §5.2: 蓟州 112/173 = 64.74%; 保山 490/1621 = 30.23%; 六安 409/1029 = 39.75%.
        assert_eq!(percent(rate_bp(112, 173)), "64.74%");
        assert_eq!(percent(rate_bp(490, 1621)), "30.23%");
        assert_eq!(percent(rate_bp(409, 1029)), "39.75%");
        assert_eq!(rate_bp(1, 8), Some(1250));
        assert_eq!(rate_bp(1, 3), Some(3333));
        assert_eq!(rate_bp(2, 3), Some(6667));
        assert_eq!(rate_bp(0, 0), None);
        assert_eq!(percent(None), "—");
    }

    #[test]
    fn money_in_wan_with_two_decimals() {
        // §5.5: the 4.6 million-yuan heating-fee recovery is 460.00 万元.
        assert_eq!(wan(460_000_000), "460.00");
        // Sichuan 2022: 25.78 万元 of doubled compensation.
        assert_eq!(wan(25_780_000), "25.78");
        assert_eq!(wan(4_999), "0.00");
        assert_eq!(wan(5_000), "0.01");
        assert_eq!(wan(129_900), "0.13");
        assert_eq!(wan(0), "0.00");
        assert_eq!(wan(-15_000), "-0.02");
    }

    #[test]
    fn changes_and_points() {
        assert_eq!(change_bp(120, 100), Some(2000));
        assert_eq!(change_bp(80, 100), Some(-2000));
        assert_eq!(change_bp(1, 3), Some(-6667));
        assert_eq!(change_bp(5, 0), None);
        assert_eq!(points(Some(125)), "+1.25");
        assert_eq!(points(Some(-5)), "-0.05");
        let mut a = u64::MAX - 1;
        assert!(add_u(&mut a, 1).is_ok());
        assert!(add_u(&mut a, 1).is_err());
    }
}
