//! Timestamps in the spec's format: UTC, second precision, trailing `Z`.
use std::time::{SystemTime, UNIX_EPOCH};

/// Seconds since the Unix epoch.
pub fn now_secs() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// `2013-05-01T14:22:09Z` for the current time.
pub fn now_iso() -> String {
    iso(now_secs())
}

/// Formats Unix seconds as ISO 8601 (days-from-civil algorithm, proleptic Gregorian).
pub fn iso(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// (year, month, day) of a day count since 1970-01-01.
pub fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_known_instants() {
        assert_eq!(iso(0), "1970-01-01T00:00:00Z");
        assert_eq!(iso(1_367_418_129), "2013-05-01T14:22:09Z");
        assert_eq!(iso(951_782_400), "2000-02-29T00:00:00Z");
        assert_eq!(iso(4_107_542_399), "2100-02-28T23:59:59Z");
    }
}

const DAYS: [&str; 7] = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"];
const MONTHS: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// HTTP date (IMF-fixdate): `Thu, 01 Jan 1970 00:00:00 GMT`.
pub fn http_date(secs: i64) -> String {
    let days = secs.div_euclid(86_400);
    let rem = secs.rem_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    format!(
        "{}, {d:02} {} {y:04} {:02}:{:02}:{:02} GMT",
        DAYS[days.rem_euclid(7) as usize],
        MONTHS[(m - 1) as usize],
        rem / 3600,
        (rem % 3600) / 60,
        rem % 60
    )
}

/// Parses an IMF-fixdate; other formats give None.
pub fn parse_http_date(s: &str) -> Option<i64> {
    let p: Vec<&str> = s.split_whitespace().collect();
    let [_, d, mon, y, hms, "GMT"] = p.as_slice() else {
        return None;
    };
    let m = MONTHS.iter().position(|x| x == mon)? as i64 + 1;
    let (d, y): (i64, i64) = (d.parse().ok()?, y.parse().ok()?);
    let t: Vec<i64> = hms
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [hh, mm, ss] = t.as_slice() else {
        return None;
    };
    from_civil(y, m, d, (*hh, *mm, *ss))
}

/// Parses `2013-05-01T14:22:09Z` (fractions of a second are ignored); other forms give None.
pub fn parse_iso(s: &str) -> Option<i64> {
    let s = s.strip_suffix('Z')?;
    let (date, time) = s.split_once('T')?;
    let time = time.split('.').next()?;
    let num = |x: &str| x.parse::<i64>().ok();
    let d: Vec<i64> = date.split('-').map(num).collect::<Option<_>>()?;
    let t: Vec<i64> = time.split(':').map(num).collect::<Option<_>>()?;
    match (d.as_slice(), t.as_slice()) {
        ([y, m, d], [hh, mm, ss]) if (1..=12).contains(m) => {
            from_civil(*y, *m, *d, (*hh, *mm, *ss))
        }
        _ => None,
    }
}

/// Unix seconds of a UTC date and time; None when a field is out of range.
fn from_civil(y: i64, m: i64, d: i64, (hh, mm, ss): (i64, i64, i64)) -> Option<i64> {
    // Fields in range (a leap second allowed), so that nothing below can overflow.
    let ranges = (1..=31).contains(&d)
        && (1..=9999).contains(&y)
        && (0..24).contains(&hh)
        && (0..60).contains(&mm)
        && (0..=60).contains(&ss);
    if !ranges {
        return None;
    }
    // days from civil (inverse of civil_from_days)
    let (y2, m2) = if m <= 2 { (y - 1, m + 9) } else { (y, m - 3) };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * m2 + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    Some(days * 86_400 + hh * 3600 + mm * 60 + ss)
}

#[cfg(test)]
mod iso_tests {
    #[test]
    fn iso_round_trips_and_refuses_nonsense() {
        for secs in [0, 1_700_000_000, 951_782_400] {
            assert_eq!(super::parse_iso(&super::iso(secs)), Some(secs));
        }
        assert_eq!(
            super::parse_iso("2026-12-05T07:12:30.250Z"),
            Some(super::parse_iso("2026-12-05T07:12:30Z").unwrap_or(-1))
        );
        for bad in [
            "",
            "2026-13-01T00:00:00Z",
            "2026-12-05 07:12:30",
            "x-y-zTa:b:cZ",
            "2026-12-05T07:12Z",
        ] {
            assert_eq!(super::parse_iso(bad), None, "{bad}");
        }
    }
}

#[cfg(test)]
mod http_date_tests {
    #[test]
    fn out_of_range_fields_are_refused() {
        for s in [
            "Thu, 01 Jan 99999999999999999 00:00:00 GMT",
            "Thu, 01 Jan 2024 34:15:30 GMT",
            "Thu, 99 Jan 2024 00:00:00 GMT",
            "Thu, 01 Jan 2024 00:00:-1 GMT",
        ] {
            assert_eq!(super::parse_http_date(s), None, "{s}");
        }
    }

    #[test]
    fn round_trip() {
        assert_eq!(super::http_date(0), "Thu, 01 Jan 1970 00:00:00 GMT");
        assert_eq!(
            super::http_date(1_367_418_129),
            "Wed, 01 May 2013 14:22:09 GMT"
        );
        for t in [0, 951_782_400, 1_367_418_129, 4_107_542_399] {
            assert_eq!(super::parse_http_date(&super::http_date(t)), Some(t));
        }
        assert_eq!(super::parse_http_date("yesterday"), None);
    }
}
