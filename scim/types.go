package scim

import (
	"bytes"
	"encoding/json"
	"time"

	"github.com/go-wandb/identity/internal/jsonx"
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

// metaKeys are Meta's keys, for case-insensitive matching.
var metaKeys = []string{"resourceType", "created", "lastModified", "location", "version"}

// resourceTypes are the values of meta.resourceType W&B sends.
var resourceTypes = []string{"User", "Group", "Role"}

// UnmarshalJSON implements json.Unmarshaler: the fields of a meta object, in
// one pass (null leaves m as it is, as encoding/json does).
func (m *Meta) UnmarshalJSON(b []byte) error {
	d := jsonx.NewDecoder(b)
	if err := d.Object(func(key []byte) error { return m.field(&d, key) }); err != nil {
		return err
	}
	return d.Finish()
}

func (m *Meta) field(d *jsonx.Decoder, key []byte) (err error) {
	switch string(key) {
	case "resourceType":
		m.ResourceType, err = d.Intern(resourceTypes)
	case "created":
		err = m.Created.decode(d)
	case "lastModified":
		err = m.LastModified.decode(d)
	case "location":
		m.Location, err = d.String()
	case "version":
		m.Version, err = d.String()
	default:
		if k := jsonx.Fold(key, metaKeys); k != "" {
			return m.field(d, []byte(k))
		}
		err = d.Skip()
	}
	return err
}

// Time is a timestamp decoded leniently. Raw always keeps the text as sent.
// RFC 3339 is read as is; a date or time with unpadded fields, as in
// "2025-7-01T00:00:00Z", is read too. Anything else, and null, gives the zero
// time: decoding a Time never fails.
type Time struct {
	time.Time
	Raw string
}

// UnmarshalJSON implements json.Unmarshaler; it never returns an error. A
// well-formed RFC 3339 time is read in one pass, without allocating beyond
// Raw.
func (t *Time) UnmarshalJSON(b []byte) error {
	d := jsonx.NewDecoder(b)
	if t.decode(&d) != nil || d.Finish() != nil {
		*t = Time{Raw: string(bytes.TrimSpace(b))}
	}
	return nil
}

// decode reads a Time from d: a string's text, or another value's JSON, as
// Raw, and the time when the text is one. It fails only on invalid JSON.
func (t *Time) decode(d *jsonx.Decoder) error {
	*t = Time{}
	parsed, text, ok, err := d.Time()
	if err != nil {
		return err
	}
	t.Raw = string(text)
	if ok {
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
	d := jsonx.NewDecoder(b)
	if err := e.decode(&d); err != nil {
		return err
	}
	return d.Finish()
}

// emailKeys are the keys of an email object, for case-insensitive matching.
var emailKeys = []string{"value", "display", "type", "primary"}

// commonEmailTypes are the values of "type" not worth a new string each.
var commonEmailTypes = []string{"work", "home", "other"}

// decode reads one email object (null gives the zero Email).
func (e *Email) decode(d *jsonx.Decoder) error {
	*e = Email{}
	return d.Object(func(key []byte) error { return e.field(d, key) })
}

func (e *Email) field(d *jsonx.Decoder, key []byte) (err error) {
	switch string(key) {
	case "value":
		e.Value, err = d.String()
	case "display":
		e.Display, err = d.String()
	case "type":
		e.Type, err = d.Intern(commonEmailTypes)
	case "primary":
		e.Primary, err = d.LenientBool()
	default:
		if k := jsonx.Fold(key, emailKeys); k != "" {
			return e.field(d, []byte(k))
		}
		err = d.Skip()
	}
	return err
}

// Emails is a user's addresses. It decodes from an array (the current form),
// a single object (W&B's legacy form, with capitalised keys), or null.
type Emails []Email

// UnmarshalJSON implements json.Unmarshaler.
func (es *Emails) UnmarshalJSON(b []byte) error {
	d := jsonx.NewDecoder(b)
	switch d.Peek() {
	case 'n':
		if d.Null() {
			*es = nil
			return d.Finish()
		}
	case '{':
		var e Email
		if err := e.decode(&d); err != nil {
			return err
		}
		*es = Emails{e}
		return d.Finish()
	}
	if err := d.Open('['); err != nil {
		return err
	}
	list := make(Emails, 0, 1)
	for n := 0; ; n++ {
		more, err := d.More(']', n)
		if err != nil {
			return err
		}
		if !more {
			break
		}
		list = append(list, Email{})
		if err := list[n].decode(&d); err != nil {
			return err
		}
	}
	*es = list
	return d.Finish()
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
