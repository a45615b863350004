package scim

import (
	"bytes"
	"encoding/json"
	"regexp"
	"strconv"
	"time"
)

// Schema URNs used by W&B's SCIM API.
const (
	UserSchema         = "urn:ietf:params:scim:schemas:core:2.0:User"
	GroupSchema        = "urn:ietf:params:scim:schemas:core:2.0:Group"
	RoleSchema         = "urn:ietf:params:scim:schemas:core:2.0:Role" // W&B's own, non-standard
	TeamsUserExtension = "urn:ietf:params:scim:schemas:extension:teams:2.0:User"
	WandbUserExtension = "urn:ietf:params:scim:schemas:extension:wandb:2.0:User"
	PatchOpSchema      = "urn:ietf:params:scim:api:messages:2.0:PatchOp"
	ListResponseSchema = "urn:ietf:params:scim:api:messages:2.0:ListResponse"
	ErrorSchema        = "urn:ietf:params:scim:api:messages:2.0:Error"
)

// Meta is a resource's SCIM metadata. W&B sends Location relative ("Users/abc")
// and omits LastModified on create replies. Version is the resource's ETag: when
// the body has none, the client fills it from the reply's ETag header, so
// IfMatch(r.Meta.Version) makes the next change conditional.
type Meta struct {
	ResourceType string `json:"resourceType,omitempty"`
	Created      Time   `json:"created"`
	LastModified Time   `json:"lastModified"`
	Location     string `json:"location,omitempty"`
	Version      string `json:"version,omitempty"`
}

// Time is a timestamp decoded leniently. Raw always keeps the text as sent.
// RFC 3339 is read as is; a date or time with unpadded fields, as in
// "2025-7-01T00:00:00Z", is read too. Anything else, and null, gives the zero
// time: decoding a Time never fails.
type Time struct {
	time.Time
	Raw string
}

// lenientTime matches RFC 3339-like text with fields that may lack zero padding.
var lenientTime = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})(?:[Tt ](\d{1,2}):(\d{1,2})(?::(\d{1,2})(\.\d+)?)?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$`)

// ParseTime parses s as Time does in JSON; ok is false when s is not a time.
func ParseTime(s string) (t time.Time, ok bool) {
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
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

// UnmarshalJSON implements json.Unmarshaler; it never returns an error.
func (t *Time) UnmarshalJSON(b []byte) error {
	*t = Time{}
	b = bytes.TrimSpace(b)
	if len(b) == 0 || string(b) == "null" {
		return nil
	}
	var s string
	if json.Unmarshal(b, &s) != nil {
		t.Raw = string(b)
		return nil
	}
	t.Raw = s
	if parsed, ok := ParseTime(s); ok {
		t.Time = parsed
	}
	return nil
}

// MarshalJSON writes the time in RFC 3339, the raw text when it could not be
// parsed, or null.
func (t Time) MarshalJSON() ([]byte, error) {
	switch {
	case !t.Time.IsZero():
		return json.Marshal(t.Time.Format(time.RFC3339Nano))
	case t.Raw != "":
		return json.Marshal(t.Raw)
	}
	return []byte("null"), nil
}

// Email is one address of a user. W&B's legacy replies capitalise the keys
// ("Value", "Primary"); decoding accepts both, and a "primary" sent as a string.
type Email struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Type    string `json:"type,omitempty"`
	Primary bool   `json:"primary"`
}

// UnmarshalJSON implements json.Unmarshaler, tolerating "primary": "true".
func (e *Email) UnmarshalJSON(b []byte) error {
	var raw struct {
		Value   string   `json:"value"`
		Display string   `json:"display"`
		Type    string   `json:"type"`
		Primary flexBool `json:"primary"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = Email{Value: raw.Value, Display: raw.Display, Type: raw.Type, Primary: bool(raw.Primary)}
	return nil
}

// flexBool decodes a JSON boolean, or a string holding one; anything else is
// false.
type flexBool bool

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexBool) UnmarshalJSON(b []byte) error {
	v, _ := strconv.ParseBool(string(bytes.Trim(b, `"`)))
	*f = flexBool(v)
	return nil
}

// Emails is a user's addresses. It decodes from an array (the current form),
// a single object (W&B's legacy form, with capitalised keys), or null.
type Emails []Email

// UnmarshalJSON implements json.Unmarshaler.
func (es *Emails) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		*es = nil
		return nil
	case b[0] == '{':
		var e Email
		if err := json.Unmarshal(b, &e); err != nil {
			return err
		}
		*es = Emails{e}
		return nil
	}
	var list []Email
	if err := json.Unmarshal(b, &list); err != nil {
		return err
	}
	*es = list
	return nil
}

// Primary returns the address marked primary, or else the first one, or "".
func (es Emails) Primary() string {
	for _, e := range es {
		if e.Primary {
			return e.Value
		}
	}
	if len(es) > 0 {
		return es[0].Value
	}
	return ""
}
