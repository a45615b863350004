package auditlogs

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/go-wandb/identity/internal/jsonx"
)

// Entry is one audit log entry, with the keys W&B's audit log schema names
// most often as fields; every other key (user_email, artifact_asset,
// cli_version, keys W&B adds later) is kept, undecoded, in Extra.
type Entry struct {
	// Timestamp is when the action happened (the entry's "timestamp").
	Timestamp time.Time
	// Action is what happened, such as "user:create", "user:deactivate",
	// "team:uninvite" or "user:delete_api_key".
	Action string
	// ActorEmail, ActorUserID and ActorIP identify who acted (empty when
	// not applicable, or removed by Query.Anonymize).
	ActorEmail, ActorUserID, ActorIP string
	// UserAsset is the user the action affected, as opposed to the actor.
	UserAsset string
	// EntityName and ProjectName are the team (entity) and project
	// concerned, if any.
	EntityName, ProjectName string
	// ResponseCode is the HTTP status of the action, if recorded.
	ResponseCode int
	// Extra holds every key not named above, as sent; nil when there is none.
	Extra map[string]json.RawMessage
}

// The entry keys decoded into fields.
const (
	keyTimestamp    = "timestamp"
	keyAction       = "action"
	keyActorEmail   = "actor_email"
	keyActorUserID  = "actor_user_id"
	keyActorIP      = "actor_ip"
	keyUserAsset    = "user_asset"
	keyEntityName   = "entity_name"
	keyProjectName  = "project_name"
	keyResponseCode = "response_code"
)

// UnmarshalJSON decodes an entry as W&B sends it. A string field sent as
// another kind of value, and a timestamp that is not a time, are kept in
// Extra under their key instead.
func (e *Entry) UnmarshalJSON(data []byte) error {
	d := jsonx.NewDecoder(data)
	*e = Entry{}
	if err := e.decode(&d); err != nil {
		return err
	}
	return d.Finish()
}

// decode reads one entry object from d.
func (e *Entry) decode(d *jsonx.Decoder) error {
	if d.Peek() != '{' {
		return fmt.Errorf("an audit log entry is a JSON object, not %.20q", peekText(d))
	}
	if err := d.Open('{'); err != nil {
		return err
	}
	for n := 0; ; n++ {
		key, more, err := d.Member(n)
		if err != nil {
			return err
		}
		if !more {
			return nil
		}
		if err := e.member(string(key), d); err != nil {
			return err
		}
	}
}

// peekText is the start of what d holds next, for an error.
func peekText(d *jsonx.Decoder) string {
	raw, err := d.Raw()
	if err != nil {
		return "invalid JSON"
	}
	return string(raw)
}

// member reads the value of key from d into e.
func (e *Entry) member(key string, d *jsonx.Decoder) error {
	var field *string
	switch key {
	case keyTimestamp:
		raw, err := d.Raw()
		if err != nil {
			return err
		}
		e.Timestamp = time.Time{}
		delete(e.Extra, key)
		if string(raw) == "null" {
			return nil
		}
		sub := jsonx.NewDecoder(raw)
		if t, _, ok, err := sub.Time(); err == nil && ok && raw[0] == '"' {
			e.Timestamp = t
			return nil
		}
		e.keepRaw(key, raw) // not a time: the entry has no Timestamp
		return nil
	case keyAction:
		field = &e.Action
	case keyActorEmail:
		field = &e.ActorEmail
	case keyActorUserID:
		field = &e.ActorUserID
	case keyActorIP:
		field = &e.ActorIP
	case keyUserAsset:
		field = &e.UserAsset
	case keyEntityName:
		field = &e.EntityName
	case keyProjectName:
		field = &e.ProjectName
	case keyResponseCode:
		switch d.Peek() {
		case '{', '[':
			return e.keep(key, d)
		}
		n, err := d.LenientInt()
		e.ResponseCode = n
		return err
	default:
		return e.keep(key, d)
	}
	switch d.Peek() {
	case '"', 'n':
		s, err := d.String()
		*field = s
		return err
	}
	return e.keep(key, d)
}

// keep stores the next value of d in Extra under key.
func (e *Entry) keep(key string, d *jsonx.Decoder) error {
	raw, err := d.Raw()
	if err != nil {
		return err
	}
	e.keepRaw(key, raw)
	return nil
}

// keepRaw stores a copy of raw in Extra under key.
func (e *Entry) keepRaw(key string, raw []byte) {
	if e.Extra == nil {
		e.Extra = make(map[string]json.RawMessage, 4)
	}
	e.Extra[key] = append(json.RawMessage(nil), raw...)
}

// MarshalJSON encodes the entry as W&B sends it: the fields under their
// keys (empty ones left out) and the keys of Extra, in alphabetical order.
func (e Entry) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(e.Extra)+9)
	for k, v := range e.Extra {
		m[k] = v
	}
	if !e.Timestamp.IsZero() {
		m[keyTimestamp] = e.Timestamp.UTC().Format(time.RFC3339Nano)
	}
	for k, v := range map[string]string{
		keyAction: e.Action, keyActorEmail: e.ActorEmail, keyActorUserID: e.ActorUserID, keyActorIP: e.ActorIP,
		keyUserAsset: e.UserAsset, keyEntityName: e.EntityName, keyProjectName: e.ProjectName,
	} {
		if v != "" {
			m[k] = v
		}
	}
	if e.ResponseCode != 0 {
		m[keyResponseCode] = e.ResponseCode
	}
	return json.Marshal(m)
}
