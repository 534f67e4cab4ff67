package transforms

import (
	"math"
	"math/big"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// javaDateFormat is java.text.SimpleDateFormat as TimestampConverter and
// TimestampRouter use it: a pattern such as "yyyy-MM-dd'T'HH:mm:ss.SSSZ",
// the UTC time zone, English names (the JVM default locale of a Connect
// worker) and lenient parsing (out-of-range fields roll over, text after
// the last field is ignored).
//
// Dates before 15 October 1582 are in the Julian calendar, as in Java's
// GregorianCalendar. Not reproduced: the z letter parses only UTC/GMT,
// GMT+hh:mm and +hhmm (Java also knows every zone name of its locale data).
type javaDateFormat struct {
	pattern string
	items   []dateItem
	// The two-digit-year window starts 80 years before the format was made.
	centuryStart     int64
	centuryStartYear int64
}

// dateItem is a run of one pattern letter, or literal text (letter 0).
type dateItem struct {
	letter rune
	count  int
	text   []rune
}

const datePatternLetters = "GyMdkHmsSEDFwWahKzZYuXL"

var (
	javaMonths      = []string{"January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"}
	javaShortMonths = []string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}
	// Indexed by Java's day of week: 1 is Sunday.
	javaWeekdays      = []string{"", "Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"}
	javaShortWeekdays = []string{"", "Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"}
	javaEras          = []string{"BC", "AD"}
	javaAmPm          = []string{"AM", "PM"}
)

// dateFormatError is SimpleDateFormat's IllegalArgumentException for a bad pattern.
type dateFormatError struct{ msg string }

func (e *dateFormatError) Error() string { return e.msg }

// newJavaDateFormat compiles a pattern; now places the two-digit-year window.
func newJavaDateFormat(pattern string, now time.Time) (*javaDateFormat, error) {
	items, err := compileDatePattern(pattern)
	if err != nil {
		return nil, err
	}
	start := now.UTC().AddDate(-80, 0, 0)
	return &javaDateFormat{pattern: pattern, items: items,
		centuryStart: start.UnixMilli(), centuryStartYear: int64(start.Year())}, nil
}

func compileDatePattern(p string) ([]dateItem, error) {
	rs := []rune(p)
	var items []dateItem
	var lit []rune
	var last rune
	count := 0
	inQuote := false
	flushTag := func() error {
		if count == 0 {
			return nil
		}
		if last == 'X' && count >= 4 {
			return &dateFormatError{"invalid ISO 8601 format: length=" + strconv.Itoa(count)}
		}
		items = append(items, dateItem{letter: last, count: count})
		count = 0
		return nil
	}
	flushLit := func() {
		if len(lit) > 0 {
			items = append(items, dateItem{text: lit})
			lit = nil
		}
	}
	for i := 0; i < len(rs); i++ {
		c := rs[i]
		if c == '\'' {
			if err := flushTag(); err != nil {
				return nil, err
			}
			if i+1 < len(rs) && rs[i+1] == '\'' {
				i++
				lit = append(lit, '\'')
				continue
			}
			inQuote = !inQuote
			continue
		}
		if inQuote || !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			if err := flushTag(); err != nil {
				return nil, err
			}
			lit = append(lit, c)
			continue
		}
		if !strings.ContainsRune(datePatternLetters, c) {
			return nil, &dateFormatError{"Illegal pattern character '" + string(c) + "'"}
		}
		if count > 0 && last != c {
			if err := flushTag(); err != nil {
				return nil, err
			}
		}
		flushLit()
		last = c
		count++
	}
	if inQuote {
		return nil, &dateFormatError{"Unterminated quote"}
	}
	if err := flushTag(); err != nil {
		return nil, err
	}
	flushLit()
	return items, nil
}

// Formatting.

// dateFields are the calendar fields of an instant in UTC.
type dateFields struct {
	era, yearOfEra, year, month, day int64 // month 1-12
	hour, minute, second, milli      int64
	dayOfWeek                        int64 // 1 Sunday .. 7 Saturday
	dayOfYear                        int64
	weekOfYear, weekYear             int64
	weekOfMonth                      int64
}

const msPerDay = 86400000

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

func floorMod(a, b int64) int64 { return a - floorDiv(a, b)*b }

// cutoverDay is 1582-10-15, the first day of the Gregorian calendar, in
// days since the epoch; Java's calendar is Julian before it.
const cutoverDay = -141427

// yearStart is the first day of a year: in the Julian calendar up to 1582.
func yearStart(y int64) int64 {
	if y <= 1582 {
		return julianDays(y, 1, 1)
	}
	return daysFromCivil(y, 1, 1)
}

// fieldsOf splits an instant into UTC calendar fields (weeks start on
// Sunday and the first week of a year or month may have a single day, as
// for Java's default English locale).
func fieldsOf(ms int64) dateFields {
	days := floorDiv(ms, msPerDay)
	tod := ms - days*msPerDay
	f := dateFields{hour: tod / 3600000, minute: tod / 60000 % 60, second: tod / 1000 % 60, milli: tod % 1000,
		dayOfWeek: floorMod(days+4, 7) + 1} // 1970-01-01 was a Thursday
	if days < cutoverDay {
		f.year, f.month, f.day = julianDate(days)
	} else {
		f.year, f.month, f.day = civilFromDays(days)
	}
	f.dayOfYear = days - yearStart(f.year) + 1
	f.era, f.yearOfEra = 1, f.year
	if f.year <= 0 {
		f.era, f.yearOfEra = 0, 1-f.year
	}
	jan1 := (f.dayOfWeek - 1 - (f.dayOfYear-1)%7 + 7) % 7 // 0 = Sunday
	f.weekOfYear, f.weekYear = (f.dayOfYear-1+jan1)/7+1, f.year
	daysInYear := yearStart(f.year+1) - yearStart(f.year)
	if f.dayOfYear+(7-f.dayOfWeek) > daysInYear {
		// The week holds 1 January of the next year: it is that year's first.
		f.weekOfYear, f.weekYear = 1, f.year+1
	}
	first := (f.dayOfWeek - 1 - (f.day-1)%7 + 7) % 7
	f.weekOfMonth = (f.day-1+first)/7 + 1
	return f
}

func isLeap(y int64) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

// julianDays returns the days since 1970-01-01 of a Julian calendar date
// (astronomical year numbering, month 1-12).
func julianDays(y, m, d int64) int64 {
	a := (14 - m) / 12
	y2 := y + 4800 - a
	m2 := m + 12*a - 3
	return d + (153*m2+2)/5 + 365*y2 + floorDiv(y2, 4) - 32083 - 2440588
}

// julianDate is the inverse of julianDays.
func julianDate(days int64) (y, m, d int64) {
	c := days + 2440588 + 32082
	dd := floorDiv(4*c+3, 1461)
	e := c - floorDiv(1461*dd, 4)
	mm := (5*e + 2) / 153
	d = e - (153*mm+2)/5 + 1
	m = mm + 3 - 12*(mm/10)
	y = dd - 4800 + mm/10
	return y, m, d
}

// format renders an instant (epoch milliseconds) in UTC.
func (f *javaDateFormat) format(ms int64) string {
	d := fieldsOf(ms)
	var b strings.Builder
	for _, it := range f.items {
		if it.letter == 0 {
			b.WriteString(string(it.text))
			continue
		}
		n := it.count
		switch it.letter {
		case 'G':
			b.WriteString(javaEras[d.era])
		case 'y', 'Y':
			y := d.yearOfEra
			if it.letter == 'Y' {
				y = d.weekYear
				if d.era == 0 {
					y = 1 - y
				}
			}
			if n == 2 {
				pad(&b, y%100, 2)
			} else {
				pad(&b, y, n)
			}
		case 'M', 'L':
			switch {
			case n >= 4:
				b.WriteString(javaMonths[d.month-1])
			case n == 3:
				b.WriteString(javaShortMonths[d.month-1])
			default:
				pad(&b, d.month, n)
			}
		case 'd':
			pad(&b, d.day, n)
		case 'k':
			h := d.hour
			if h == 0 {
				h = 24
			}
			pad(&b, h, n)
		case 'H':
			pad(&b, d.hour, n)
		case 'm':
			pad(&b, d.minute, n)
		case 's':
			pad(&b, d.second, n)
		case 'S':
			pad(&b, d.milli, n)
		case 'E':
			if n >= 4 {
				b.WriteString(javaWeekdays[d.dayOfWeek])
			} else {
				b.WriteString(javaShortWeekdays[d.dayOfWeek])
			}
		case 'D':
			pad(&b, d.dayOfYear, n)
		case 'F':
			pad(&b, (d.day-1)/7+1, n)
		case 'w':
			pad(&b, d.weekOfYear, n)
		case 'W':
			pad(&b, d.weekOfMonth, n)
		case 'a':
			b.WriteString(javaAmPm[d.hour/12])
		case 'h':
			h := d.hour % 12
			if h == 0 {
				h = 12
			}
			pad(&b, h, n)
		case 'K':
			pad(&b, d.hour%12, n)
		case 'z':
			if n >= 4 {
				b.WriteString("Coordinated Universal Time")
			} else {
				b.WriteString("UTC")
			}
		case 'Z':
			b.WriteString("+0000")
		case 'X':
			b.WriteByte('Z')
		case 'u':
			pad(&b, (d.dayOfWeek+5)%7+1, n)
		}
	}
	return b.String()
}

// pad writes v with at least n digits.
func pad(b *strings.Builder, v int64, n int) {
	s := strconv.FormatInt(v, 10)
	for i := len(s); i < n; i++ {
		b.WriteByte('0')
	}
	b.WriteString(s)
}

// Parsing.

// Calendar fields a parse sets, in Java's Calendar numbering order where
// it matters for ties.
const (
	calEra = iota
	calYear
	calMonth
	calWeekOfYear
	calWeekOfMonth
	calDayOfMonth
	calDayOfYear
	calDayOfWeek
	calDayOfWeekInMonth
	calAmPm
	calHour
	calHourOfDay
	calMinute
	calSecond
	calMilli
	calZoneOffset
	calDstOffset
	calWeekYear
	calFields
)

// calBuilder is Java's CalendarBuilder: field values and the order in
// which they were set (a later setting wins when fields disagree).
type calBuilder struct {
	value [calFields]int64
	stamp [calFields]int // 0 unset
	next  int
}

func (c *calBuilder) set(field int, v int64) {
	c.next++
	c.value[field], c.stamp[field] = v, c.next+1
}

func (c *calBuilder) isSet(field int) bool { return c.stamp[field] != 0 }

// parse reads text as SimpleDateFormat.parse does: it must match from the
// start, and anything after the last field is ignored. ok is false when it
// does not match.
func (f *javaDateFormat) parse(text string) (ms int64, ok bool) {
	rs := []rune(text)
	pos := 0
	var cal calBuilder
	ambiguousYear := false
	for i, it := range f.items {
		if it.letter == 0 {
			for _, c := range it.text {
				if pos >= len(rs) || !charEquals(rs[pos], c) {
					return 0, false
				}
				pos++
			}
			continue
		}
		obey := false
		if i+1 < len(f.items) {
			obey = obeysCount(f.items[i+1])
		}
		var amb bool
		pos, amb = f.subParse(rs, pos, it, obey, &cal)
		if pos < 0 {
			return 0, false
		}
		ambiguousYear = ambiguousYear || amb
	}
	ms, ok = cal.establish()
	if ok && ambiguousYear && ms < f.centuryStart {
		if cal.isSet(calYear) {
			cal.value[calYear] += 100
		}
		if cal.isSet(calWeekYear) {
			cal.value[calWeekYear] += 100
		}
		ms, ok = cal.establish()
	}
	return ms, ok
}

// charEquals compares a literal of the pattern with the text. JDK 17, on
// which Kafka 4.0 runs, compares exactly; later JDKs also let any space
// separator match another.
func charEquals(a, b rune) bool { return a == b }

// obeysCount reports whether the field after a numeric one is numeric too,
// so the numeric one takes only as many digits as it has pattern letters
// ("yyyyMMdd").
func obeysCount(next dateItem) bool {
	switch next.letter {
	case 'M', 'L':
		return next.count <= 2
	case 'y', 'd', 'k', 'H', 'm', 's', 'S', 'D', 'F', 'w', 'W', 'h', 'K', 'Y', 'u':
		return true
	}
	return false
}

func (f *javaDateFormat) subParse(rs []rune, start int, it dateItem, obey bool, cal *calBuilder) (int, bool) {
	pos := start
	for {
		if pos >= len(rs) {
			return -1, false
		}
		if rs[pos] != ' ' && rs[pos] != '\t' {
			break
		}
		pos++
	}
	actualStart := pos
	number := func() (int64, int, bool) {
		end := len(rs)
		if obey {
			if start+it.count > len(rs) {
				return 0, 0, false
			}
			end = start + it.count
		}
		return parseJavaInt(rs[:end], pos)
	}
	switch it.letter {
	case 'G':
		return matchNames(rs, start, javaEras, 0, cal, calEra), false
	case 'y', 'Y':
		v, next, ok := number()
		if !ok {
			return -1, false
		}
		amb := false
		if it.count <= 2 && next-actualStart == 2 && isDigit(rs[actualStart]) && isDigit(rs[actualStart+1]) {
			ambiguous := f.centuryStartYear % 100
			amb = v == ambiguous
			v += f.centuryStartYear / 100 * 100
			if v-f.centuryStartYear/100*100 < ambiguous {
				v += 100
			}
		}
		if it.letter == 'Y' {
			cal.set(calWeekYear, v)
		} else {
			cal.set(calYear, v)
		}
		return next, amb
	case 'M', 'L':
		if it.count <= 2 {
			v, next, ok := number()
			if !ok {
				return -1, false
			}
			cal.set(calMonth, v-1)
			return next, false
		}
		if next := matchNames(rs, start, javaMonths, 0, cal, calMonth); next > 0 {
			return next, false
		}
		return matchNames(rs, start, javaShortMonths, 0, cal, calMonth), false
	case 'k', 'h':
		v, next, ok := number()
		if !ok {
			return -1, false
		}
		if it.letter == 'k' {
			if v == 24 {
				v = 0
			}
			cal.set(calHourOfDay, v)
		} else {
			if v == 12 {
				v = 0
			}
			cal.set(calHour, v)
		}
		return next, false
	case 'E':
		if next := matchNames(rs, start, javaWeekdays, 1, cal, calDayOfWeek); next > 0 {
			return next, false
		}
		return matchNames(rs, start, javaShortWeekdays, 1, cal, calDayOfWeek), false
	case 'a':
		return matchNames(rs, start, javaAmPm, 0, cal, calAmPm), false
	case 'z', 'Z':
		return parseZone(rs, start, pos, cal), false
	case 'X':
		return parseISOZone(rs, pos, it.count, cal), false
	}
	v, next, ok := number()
	if !ok {
		return -1, false
	}
	if it.letter == 'u' && v >= 1 && v <= 7 {
		v = v%7 + 1 // ISO day (Monday 1) to Java's (Sunday 1)
	}
	cal.set(numericField(it.letter), v)
	return next, false
}

// numericField is the calendar field of a plain numeric pattern letter.
func numericField(letter rune) int {
	switch letter {
	case 'd':
		return calDayOfMonth
	case 'H':
		return calHourOfDay
	case 'm':
		return calMinute
	case 's':
		return calSecond
	case 'S':
		return calMilli
	case 'D':
		return calDayOfYear
	case 'F':
		return calDayOfWeekInMonth
	case 'w':
		return calWeekOfYear
	case 'W':
		return calWeekOfMonth
	case 'K':
		return calHour
	}
	return calDayOfWeek // 'u'
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// matchNames matches the longest of names (from index from on) at start,
// ignoring case, and sets field to its index. It returns the position after
// it, or -1.
func matchNames(rs []rune, start int, names []string, from int, cal *calBuilder, field int) int {
	best, bestLen := -1, 0
	for i := from; i < len(names); i++ {
		n := []rune(names[i])
		if len(n) > bestLen && start+len(n) <= len(rs) && strings.EqualFold(string(rs[start:start+len(n)]), names[i]) {
			best, bestLen = i, len(n)
		}
	}
	if best < 0 {
		return -1
	}
	cal.set(field, int64(best))
	return start + bestLen
}

// parseZone reads a z or Z field: +hhmm, -hhmm, GMT, GMT+h:mm, UTC.
func parseZone(rs []rune, start, pos int, cal *calBuilder) int {
	if pos >= len(rs) {
		return -1
	}
	c := rs[pos]
	switch {
	case c == '+' || c == '-':
		return numericZone(rs, pos+1, sign(c), 0, false, cal)
	case hasPrefixFold(rs, start, "GMT"):
		p := start + 3
		if p < len(rs) && (rs[p] == '+' || rs[p] == '-') {
			return numericZone(rs, p+1, sign(rs[p]), 0, true, cal)
		}
		cal.set(calZoneOffset, 0)
		cal.set(calDstOffset, 0)
		return p
	}
	for _, name := range []string{"Coordinated Universal Time", "UTC"} {
		if hasPrefixFold(rs, pos, name) {
			cal.set(calZoneOffset, 0)
			cal.set(calDstOffset, 0)
			return pos + len(name)
		}
	}
	return -1
}

func sign(c rune) int64 {
	if c == '-' {
		return -1
	}
	return 1
}

func hasPrefixFold(rs []rune, at int, s string) bool {
	return at+len(s) <= len(rs) && strings.EqualFold(string(rs[at:at+len(s)]), s)
}

// parseISOZone reads an X field: Z, or +hh, +hhmm, +hh:mm by count.
func parseISOZone(rs []rune, pos, count int, cal *calBuilder) int {
	if pos >= len(rs) {
		return -1
	}
	switch rs[pos] {
	case 'Z':
		cal.set(calZoneOffset, 0)
		cal.set(calDstOffset, 0)
		return pos + 1
	case '+', '-':
		return numericZone(rs, pos+1, sign(rs[pos]), count, count == 3, cal)
	}
	return -1
}

// numericZone reads hh[[:]mm] of an offset (Java's subParseNumericZone).
func numericZone(rs []rune, i int, sign int64, count int, colon bool, cal *calBuilder) int {
	at := func(k int) (rune, bool) {
		if k >= len(rs) {
			return 0, false
		}
		return rs[k], true
	}
	c, ok := at(i)
	if !ok || !isDigit(c) {
		return -1
	}
	hours := int64(c - '0')
	i++
	c, ok = at(i)
	if !ok {
		return -1
	}
	if isDigit(c) {
		hours = hours*10 + int64(c-'0')
		i++
	} else if count > 0 || !colon {
		return -1
	}
	if hours > 23 {
		return -1
	}
	minutes := int64(0)
	if count != 1 {
		c, ok = at(i)
		i++
		if colon {
			if !ok || c != ':' {
				return -1
			}
			c, ok = at(i)
			i++
		}
		if !ok || !isDigit(c) {
			return -1
		}
		minutes = int64(c - '0')
		c, ok = at(i)
		i++
		if !ok || !isDigit(c) {
			return -1
		}
		minutes = minutes*10 + int64(c-'0')
		if minutes > 59 {
			return -1
		}
	}
	cal.set(calZoneOffset, (minutes+hours*60)*60000*sign)
	cal.set(calDstOffset, 0)
	return i
}

// parseJavaInt reads a number at pos as SimpleDateFormat's DecimalFormat
// does: an optional '-', digits (any Unicode decimal digits), an optional
// exponent E[-]digits; the result is Java's Number.intValue of it. It
// returns the value, the position after it and whether there was one.
func parseJavaInt(rs []rune, pos int) (int64, int, bool) {
	i := pos
	neg := false
	if i < len(rs) && rs[i] == '-' {
		neg = true
		i++
	}
	var mant []byte
	digitsStart := i
	for i < len(rs) {
		d, ok := decimalDigit(rs[i])
		if !ok {
			break
		}
		mant = append(mant, byte('0'+d))
		i++
	}
	if i == digitsStart {
		return 0, 0, false
	}
	exp := int64(0)
	if i < len(rs) && rs[i] == 'E' {
		j := i + 1
		eneg := false
		if j < len(rs) && rs[j] == '-' {
			eneg = true
			j++
		}
		var ed []byte
		for j < len(rs) {
			d, ok := decimalDigit(rs[j])
			if !ok {
				break
			}
			ed = append(ed, byte('0'+d))
			j++
		}
		if len(ed) > 0 {
			e, err := strconv.ParseInt(string(ed), 10, 64)
			if err != nil {
				e = math.MaxInt64
			}
			if eneg {
				e = -e
			}
			exp, i = e, j
		}
	}
	return javaIntValue(string(mant), exp, neg), i, true
}

// decimalDigit is Java's Character.digit(c, 10) for decimal digits.
func decimalDigit(r rune) (int, bool) {
	if r >= '0' && r <= '9' {
		return int(r - '0'), true
	}
	if r < 128 || !unicode.IsDigit(r) {
		return 0, false
	}
	start := r // Unicode decimal digits come in runs starting at a zero
	for unicode.IsDigit(start - 1) {
		start--
	}
	return int(r-start) % 10, true
}

// javaIntValue is the int value of ±mant×10^exp as Java's DecimalFormat
// returns it: an integral value that fits a long is a Long (int value:
// its low 32 bits), anything else a Double (int value: truncated and
// saturated).
func javaIntValue(mant string, exp int64, neg bool) int64 {
	if exp == 0 && len(mant) <= 18 {
		n, _ := strconv.ParseInt(mant, 10, 64)
		if neg {
			n = -n
		}
		return int64(int32(n))
	}
	r, ok := new(big.Rat).SetString(mant)
	if !ok {
		return 0
	}
	if exp > 400 || exp < -400 {
		// Far beyond a double: infinity or zero.
		if exp < 0 || r.Sign() == 0 {
			return 0
		}
		if neg {
			return math.MinInt32
		}
		return math.MaxInt32
	}
	p := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(abs64(exp)), nil))
	if exp > 0 {
		r.Mul(r, p)
	} else {
		r.Quo(r, p)
	}
	if neg {
		r.Neg(r)
	}
	if r.IsInt() && r.Num().IsInt64() {
		return int64(int32(r.Num().Int64()))
	}
	q := new(big.Int).Quo(r.Num(), r.Denom()) // truncated toward zero
	switch {
	case q.Cmp(big.NewInt(math.MaxInt32)) > 0:
		return math.MaxInt32
	case q.Cmp(big.NewInt(math.MinInt32)) < 0:
		return math.MinInt32
	}
	return q.Int64()
}

func abs64(v int64) int64 {
	if v < 0 {
		return -v
	}
	return v
}

// establish computes the instant of the parsed fields as Java's lenient
// GregorianCalendar in UTC does, choosing among conflicting fields the ones
// set last.
func (c *calBuilder) establish() (int64, bool) {
	st := &c.stamp
	val := func(f int) int64 {
		if st[f] == 0 {
			return 0
		}
		return c.value[f]
	}
	if c.isSet(calWeekYear) && st[calWeekYear] > st[calYear] {
		return c.weekDate()
	}
	// Time of day.
	hourOfDay := st[calHourOfDay]
	hour := aggregateStamp(st[calHour], st[calAmPm])
	best := max(hour, hourOfDay)
	if best == 0 {
		best = max(st[calHour], st[calAmPm])
	}
	var tod int64
	if best != 0 && best == hourOfDay {
		tod = val(calHourOfDay)
	} else {
		tod = val(calHour)
		if st[calAmPm] != 0 {
			tod += 12 * val(calAmPm)
		}
	}
	tod = ((tod*60+val(calMinute))*60+val(calSecond))*1000 + val(calMilli)
	days := floorDiv(tod, msPerDay)
	tod -= days * msPerDay

	year := int64(1970)
	if c.isSet(calYear) {
		year = c.value[calYear]
	}
	if c.isSet(calEra) {
		switch c.value[calEra] {
		case 0:
			year = 1 - year
		case 1:
		default:
			return 0, false // Java: "Invalid era"
		}
	}
	days += c.resolveDay(year)
	ms := days*msPerDay + tod
	return ms - val(calZoneOffset) - val(calDstOffset), true
}

func aggregateStamp(a, b int) int {
	if a == 0 || b == 0 {
		return 0
	}
	return max(a, b)
}

// resolveDay resolves the date fields to days since 1970-01-01, in the
// Julian or the Gregorian calendar as GregorianCalendar.computeTime picks.
func (c *calBuilder) resolveDay(year int64) int64 {
	var jd, gd int64
	var yearRelative bool
	switch {
	case year > 1582:
		gd, yearRelative = c.dayOfEpoch(year, false)
		if gd >= cutoverDay {
			return gd
		}
		jd, _ = c.dayOfEpoch(year, true)
	case year < 1582:
		jd, yearRelative = c.dayOfEpoch(year, true)
		if jd < cutoverDay {
			return jd
		}
		gd = jd
	default:
		jd, yearRelative = c.dayOfEpoch(year, true)
		gd, _ = c.dayOfEpoch(year, false)
	}
	if yearRelative {
		return jd // a day or week of 1582 counts from its Julian start
	}
	if gd >= cutoverDay {
		return gd
	}
	return jd
}

// dayOfEpoch resolves the date fields (GregorianCalendar's selectFields and
// getFixedDate) to days since 1970-01-01 in one calendar; yearRelative says
// whether a day or week of the year decided it.
func (c *calBuilder) dayOfEpoch(year int64, julian bool) (int64, bool) {
	civil := daysFromCivil
	if julian {
		civil = julianDays
	}
	st := &c.stamp
	val := func(f int) int64 {
		if st[f] == 0 {
			return 0
		}
		return c.value[f]
	}
	dow := st[calDayOfWeek]
	monthStamp := st[calMonth]
	dom := st[calDayOfMonth]
	wom := aggregateStamp(st[calWeekOfMonth], dow)
	dowim := aggregateStamp(st[calDayOfWeekInMonth], dow)
	doy := st[calDayOfYear]
	woy := aggregateStamp(st[calWeekOfYear], dow)
	best := max(dom, wom, dowim, doy, woy)
	if best == 0 {
		wom = st[calWeekOfMonth]
		dowim = max(st[calDayOfWeekInMonth], dow)
		woy = st[calWeekOfYear]
		best = max(wom, dowim, woy)
		if best == 0 {
			best, dom = monthStamp, monthStamp
		}
	}
	const sunday = 1
	if best == dom || best == wom && st[calWeekOfMonth] >= st[calWeekOfYear] ||
		best == dowim && st[calDayOfWeekInMonth] >= st[calWeekOfYear] {
		month := val(calMonth)
		year += floorDiv(month, 12)
		month = floorMod(month, 12)
		first := civil(year, month+1, 1)
		switch {
		case best == dom:
			if st[calDayOfMonth] != 0 {
				return first + c.value[calDayOfMonth] - 1, false
			}
			return first, false
		case best == wom && (wom != dowim || st[calWeekOfMonth] >= st[calDayOfWeekInMonth]):
			firstWeek := dayOnOrBefore(first+6, sunday)
			if firstWeek-first >= 1 {
				firstWeek -= 7
			}
			if dow != 0 {
				firstWeek = dayOnOrBefore(firstWeek+6, c.value[calDayOfWeek])
			}
			return firstWeek + 7*(val(calWeekOfMonth)-1), false
		default:
			dayOfWeek := int64(sunday)
			if dow != 0 {
				dayOfWeek = c.value[calDayOfWeek]
			}
			n := int64(1)
			if st[calDayOfWeekInMonth] != 0 {
				n = c.value[calDayOfWeekInMonth]
			}
			if n >= 0 {
				return dayOnOrBefore(first+7*n-1, dayOfWeek), false
			}
			next := civil(year, month+2, 1)
			if month == 11 {
				next = civil(year+1, 1, 1)
			}
			last := next - first + 7*(n+1)
			return dayOnOrBefore(first+last-1, dayOfWeek), false
		}
	}
	jan1 := civil(year, 1, 1)
	if best == doy {
		return jan1 + val(calDayOfYear) - 1, true
	}
	firstWeek := dayOnOrBefore(jan1+6, sunday)
	if firstWeek-jan1 >= 1 {
		firstWeek -= 7
	}
	if dow != 0 && c.value[calDayOfWeek] != sunday {
		firstWeek = dayOnOrBefore(firstWeek+6, c.value[calDayOfWeek])
	}
	return firstWeek + 7*(val(calWeekOfYear)-1), true
}

// weekDate resolves a week-year date (Y with w and E or u), as
// GregorianCalendar.setWeekDate does.
func (c *calBuilder) weekDate() (int64, bool) {
	week := int64(1)
	if c.isSet(calWeekOfYear) {
		week = c.value[calWeekOfYear]
	}
	dow := int64(1)
	if c.isSet(calDayOfWeek) {
		dow = c.value[calDayOfWeek]
	}
	if dow < 1 || dow > 7 {
		if dow >= 8 {
			dow--
			week += dow / 7
			dow = dow%7 + 1
		} else {
			for dow <= 0 {
				dow += 7
				week--
			}
		}
	}
	jan1 := daysFromCivil(c.value[calWeekYear], 1, 1)
	start := dayOnOrBefore(jan1, 1) // Sunday of the week holding 1 January
	day := start + (dow - 1) + 7*(week-1)
	y, m, d := civilFromDays(day)
	// Java sets these fields and keeps the time of day parsed before.
	var k calBuilder
	k = *c
	k.stamp[calWeekYear] = 0
	for _, f := range []int{calDayOfWeek, calWeekOfYear, calWeekOfMonth, calDayOfWeekInMonth, calDayOfYear, calEra} {
		k.stamp[f] = 0
	}
	k.set(calYear, y)
	k.set(calMonth, m-1)
	k.set(calDayOfMonth, d)
	return k.establish()
}

// dayOnOrBefore returns the day (days since the epoch) of the given Java
// day of week (1 Sunday) on or before day.
func dayOnOrBefore(day, dayOfWeek int64) int64 {
	dowOfDay := floorMod(day+4, 7) + 1
	return day - floorMod(dowOfDay-dayOfWeek, 7)
}

// daysFromCivil returns the days since 1970-01-01 of a proleptic Gregorian
// date (month 1-12).
func daysFromCivil(y, m, d int64) int64 {
	if m <= 2 {
		y--
	}
	era := floorDiv(y, 400)
	yoe := y - era*400
	mp := (m + 9) % 12
	doy := (153*mp+2)/5 + d - 1
	doe := yoe*365 + yoe/4 - yoe/100 + doy
	return era*146097 + doe - 719468
}

func civilFromDays(z int64) (y, m, d int64) {
	z += 719468
	era := floorDiv(z, 146097)
	doe := z - era*146097
	yoe := (doe - doe/1460 + doe/36524 - doe/146096) / 365
	y = yoe + era*400
	doy := doe - (365*yoe + yoe/4 - yoe/100)
	mp := (5*doy + 2) / 153
	d = doy - (153*mp+2)/5 + 1
	m = mp + 3
	if m > 12 {
		m -= 12
	}
	if m <= 2 {
		y++
	}
	return y, m, d
}
