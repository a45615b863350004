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

// Time is a timestamp decoded leniently. Raw always keeps the text as sent.
// RFC 3339 is read as is; a date or time with unpadded fields, as in
// "2025-7-01T00:00:00Z", is read too. Anything else, and null, gives the zero
// time: decoding a Time never fails.
type Time struct {
	time.Time
	Raw string
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
	if parsed, ok := jsonx.ParseTime(s); ok {
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
		Value   string          `json:"value"`
		Display string          `json:"display"`
		Type    string          `json:"type"`
		Primary json.RawMessage `json:"primary"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*e = Email{Value: raw.Value, Display: raw.Display, Type: raw.Type, Primary: jsonx.Bool(raw.Primary)}
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
