package data

import (
	"strconv"
	"time"
	"unicode"
	"unicode/utf8"
)

// Java's Values class reads and writes dates with SimpleDateFormat in the
// JVM's time zone (assumed UTC here, as Connect workers run) and its
// GregorianCalendar: the Julian calendar applies before 15 October 1582.
// These helpers reproduce that for the three ISO patterns Values uses.

// gregorianCutoverMillis is 1582-10-15T00:00:00Z, the first Gregorian day.
const gregorianCutoverMillis = -12219292800000

const unixEpochJDN = 2440588 // Julian day number of 1970-01-01

func floorDiv(a, b int64) int64 {
	q := a / b
	if (a%b != 0) && ((a < 0) != (b < 0)) {
		q--
	}
	return q
}

// julianDays returns the days since 1970-01-01 of a Julian calendar date
// (astronomical year numbering), normalizing an out-of-range month.
func julianDays(y, m, d int64) int64 {
	y += floorDiv(m-1, 12)
	m = m - 12*floorDiv(m-1, 12)
	a := (14 - m) / 12
	y2 := y + 4800 - a
	m2 := m + 12*a - 3
	jdn := (153*m2+2)/5 + 365*y2 + floorDiv(y2, 4) - 32083
	return jdn - unixEpochJDN + d
}

// julianDate is the inverse of julianDays for day 1 onwards.
func julianDate(days int64) (y, m, d int64) {
	c := days + unixEpochJDN + 32082
	dd := floorDiv(4*c+3, 1461)
	e := c - floorDiv(1461*dd, 4)
	mm := (5*e + 2) / 153
	d = e - (153*mm+2)/5 + 1
	m = mm + 3 - 12*(mm/10)
	y = dd - 4800 + mm/10
	return y, m, d
}

// javaCalendarMillis computes the instant a lenient GregorianCalendar in UTC
// gives for the fields, as SimpleDateFormat.parse does.
func javaCalendarMillis(year, month, day, hour, min, sec, milli int64) int64 {
	timeOfDay := ((hour*60+min)*60+sec)*1000 + milli
	g := time.Date(int(year), time.Month(month), 1, 0, 0, 0, 0, time.UTC)
	gdays := floorDiv(g.Unix(), 86400) + day - 1
	useJulian := year < 1582
	if year == 1582 {
		useJulian = gdays*millisPerDay < gregorianCutoverMillis
	}
	if useJulian {
		return julianDays(year, month, day)*millisPerDay + timeOfDay
	}
	return gdays*millisPerDay + timeOfDay
}

// javaCalendarFields splits an instant into UTC calendar fields the way
// GregorianCalendar does (Julian before the cutover).
func javaCalendarFields(ms int64) (year, month, day int64, clock time.Time) {
	days := floorDiv(ms, millisPerDay)
	clock = time.UnixMilli(ms - days*millisPerDay).UTC()
	if ms < gregorianCutoverMillis {
		y, m, d := julianDate(days)
		return y, m, d, clock
	}
	t := time.UnixMilli(ms).UTC()
	return int64(t.Year()), int64(t.Month()), int64(t.Day()), clock
}

// javaYearOfEra renders a year as SimpleDateFormat's "yyyy" does: at least
// four digits, years before 1 AD as their BC year of era.
func javaYearOfEra(y int64) string {
	if y <= 0 {
		y = 1 - y
	}
	s := strconv.FormatInt(y, 10)
	for len(s) < 4 {
		s = "0" + s
	}
	return s
}

func pad(v int64, n int) string {
	s := strconv.FormatInt(v, 10)
	for len(s) < n {
		s = "0" + s
	}
	return s
}

// FormatJavaDate renders a Date, Time or Timestamp value as Java's
// Values.convertToString does (Values.dateFormatFor): before one day after
// the epoch as a time "HH:mm:ss.SSS'Z'", on a UTC midnight as a date
// "yyyy-MM-dd", otherwise as "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'".
func FormatJavaDate(t time.Time) string {
	ms := t.UnixMilli()
	y, m, d, c := javaCalendarFields(ms)
	clock := pad(int64(c.Hour()), 2) + ":" + pad(int64(c.Minute()), 2) + ":" + pad(int64(c.Second()), 2) +
		"." + pad(int64(c.Nanosecond()/1e6), 3) + "Z"
	switch {
	case ms < millisPerDay:
		return clock
	case ms%millisPerDay == 0:
		return javaYearOfEra(y) + "-" + pad(m, 2) + "-" + pad(d, 2)
	}
	return javaYearOfEra(y) + "-" + pad(m, 2) + "-" + pad(d, 2) + "T" + clock
}

// temporalField is one element of a SimpleDateFormat pattern: a numeric
// field (kind is the pattern letter) or a literal character.
type temporalField struct {
	kind    byte // 'y', 'M', 'd', 'H', 'm', 's', 'S', or 0 for a literal
	literal byte
}

var (
	datePattern = []temporalField{{kind: 'y'}, {literal: '-'}, {kind: 'M'}, {literal: '-'}, {kind: 'd'}}
	timePattern = []temporalField{{kind: 'H'}, {literal: ':'}, {kind: 'm'}, {literal: ':'}, {kind: 's'},
		{literal: '.'}, {kind: 'S'}, {literal: 'Z'}}
	timestampPattern = append(append(append([]temporalField{}, datePattern...), temporalField{literal: 'T'}), timePattern...)
)

// parseJavaTemporal parses s with one of the patterns as a lenient
// SimpleDateFormat does: numeric fields take as many digits as there are (a
// leading '-' allowed, spaces and tabs before a field skipped), literals must
// match exactly, out-of-range values roll over, and text after the pattern is
// ignored. ok is false when the pattern does not match.
func parseJavaTemporal(s string, pattern []temporalField) (time.Time, bool) {
	year, month, day := int64(1970), int64(1), int64(1)
	var hour, min, sec, milli int64
	pos := 0
	for _, f := range pattern {
		if f.kind == 0 {
			if pos >= len(s) || s[pos] != f.literal {
				return time.Time{}, false
			}
			pos++
			continue
		}
		for pos < len(s) && (s[pos] == ' ' || s[pos] == '\t') {
			pos++
		}
		v, n, ok := parseJavaInt(s[pos:])
		if !ok {
			return time.Time{}, false
		}
		pos += n
		v = int64(int32(v)) // Number.intValue
		switch f.kind {
		case 'y':
			year = v
		case 'M':
			month = v
		case 'd':
			day = v
		case 'H':
			hour = v
		case 'm':
			min = v
		case 's':
			sec = v
		case 'S':
			milli = v
		}
	}
	return time.UnixMilli(javaCalendarMillis(year, month, day, hour, min, sec, milli)).UTC(), true
}

// parseJavaInt reads an optionally negative integer of decimal digits (any
// Unicode decimal digits, as java.text.DecimalFormat accepts), returning the
// value, the bytes consumed and whether there was at least one digit.
func parseJavaInt(s string) (int64, int, bool) {
	i := 0
	neg := false
	if i < len(s) && s[i] == '-' {
		neg = true
		i++
	}
	var v int64
	digits := 0
	for i < len(s) {
		d, size := decodeDigit(s[i:])
		if d < 0 {
			break
		}
		if v < 1e17 {
			v = v*10 + int64(d)
		}
		digits++
		i += size
	}
	if digits == 0 {
		return 0, 0, false
	}
	if neg {
		v = -v
	}
	return v, i, true
}

// decodeDigit returns the decimal value of the digit at the start of s (as
// Java's Character.digit(c, 10) for a BMP character) and its length in
// bytes, or -1 when s does not start with a digit.
func decodeDigit(s string) (int, int) {
	if s == "" {
		return -1, 0
	}
	if c := s[0]; c < 0x80 {
		if c >= '0' && c <= '9' {
			return int(c - '0'), 1
		}
		return -1, 1
	}
	r, size := utf8.DecodeRuneInString(s)
	if r > 0xffff || !unicode.IsDigit(r) {
		return -1, size
	}
	v := 0
	for v < 9 && unicode.IsDigit(r-rune(v)-1) {
		v++
	}
	return v, size
}
