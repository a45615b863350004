// Package jsonx reads JSON for the SDK without reflection: a Decoder for
// one value in memory, a Stream for a long list read as it arrives, and the
// lenient readers (Decoder.LenientBool, LenientInt, Time, ParseTime) that are
// the one place deciding how a timestamp, a boolean or a number sent in an
// unexpected shape is read. W&B's replies are not always what their
// documentation shows (unpadded dates, booleans and numbers sent as strings),
// and a reply should never fail to decode over such a field.
package jsonx

import (
	"regexp"
	"strconv"
	"time"
)

// lenientTime matches RFC 3339-like text with fields that may lack zero padding.
var lenientTime = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$`)

// ParseTime parses s as RFC 3339, or leniently: a date or time with unpadded
// fields, as in "2025-7-01T00:00:00Z", a missing time or a missing zone (UTC).
// ok is false when s is not a time, including an impossible date
// (31 February) or a zone offset beyond ±23:59.
func ParseTime(s string) (t time.Time, ok bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		if _, offset := t.Zone(); offset <= -24*3600 || offset >= 24*3600 {
			return time.Time{}, false // time.Parse takes +24:00, which Marshal refuses
		}
		return t, true
	}
	m := lenientTime.FindStringSubmatch(s)
	if m == nil {
		return time.Time{}, false
	}
	num := func(i int) int { n, _ := strconv.Atoi(m[i]); return n }
	year, month, day := num(1), num(2), num(3)
	hour, minute, sec := num(4), num(5), num(6)
	if month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 {
		return time.Time{}, false
	}
	nsec := 0
	if frac := m[7]; frac != "" {
		f, _ := strconv.ParseFloat("0"+frac, 64)
		nsec = int(f * 1e9)
	}
	loc := time.UTC
	if z := m[8]; z != "" && z != "Z" && z != "z" {
		zone := z[1:]
		if len(zone) == 4 {
			zone = zone[:2] + ":" + zone[2:]
		}
		h, _ := strconv.Atoi(zone[:2])
		mins, _ := strconv.Atoi(zone[3:])
		if h > 23 || mins > 59 {
			return time.Time{}, false
		}
		offset := h*3600 + mins*60
		if z[0] == '-' {
			offset = -offset
		}
		loc = time.FixedZone("", offset)
	}
	t = time.Date(year, time.Month(month), day, hour, minute, sec, nsec, loc)
	if t.Day() != day { // 31 February and the like
		return time.Time{}, false
	}
	return t, true
}
