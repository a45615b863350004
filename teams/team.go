package teams

import (
	"encoding/json"

	"github.com/go-wandb/identity/scim"
)

// Team is a W&B team as SCIM returns it (a Group resource). DisplayName is the
// team's name; ID is its opaque SCIM ID. Members lists its users: W&B sends
// null, [] or nothing for a team without members, which all decode to an empty
// Members.
type Team struct {
	ID          string      `json:"id"`
	DisplayName string      `json:"displayName"`
	Members     []MemberRef `json:"members,omitempty"`
	Meta        scim.Meta   `json:"meta"`
	Schemas     []string    `json:"schemas,omitempty"`
}

// MemberRef is one member entry of a Team: Value is the user ID and Display the
// username. W&B sends the keys capitalised ("Value", "Display", "Ref",
// "Type"), with Ref and Type empty or missing; both that form and the RFC 7643
// form ("value", "display", "$ref", "type") decode.
type MemberRef struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
	Ref     string `json:"$ref,omitempty"`
	Type    string `json:"type,omitempty"`
}

// UnmarshalJSON implements json.Unmarshaler, accepting W&B's "Ref" as well as
// the standard "$ref". Key case does not matter.
func (m *MemberRef) UnmarshalJSON(b []byte) error {
	var raw struct {
		Value     string `json:"value"`
		Display   string `json:"display"`
		Ref       string `json:"ref"`
		DollarRef string `json:"$ref"`
		Type      string `json:"type"`
	}
	if err := json.Unmarshal(b, &raw); err != nil {
		return err
	}
	*m = MemberRef{Value: raw.Value, Display: raw.Display, Ref: raw.DollarRef, Type: raw.Type}
	if m.Ref == "" {
		m.Ref = raw.Ref
	}
	return nil
}

// memberValue is a member entry in a request: W&B takes a user ID or an email.
type memberValue struct {
	Value string `json:"value"`
}

// memberValues turns user IDs or emails into request entries; never nil, so an
// empty list is sent as [] rather than null.
func memberValues(values []string) []memberValue {
	out := make([]memberValue, 0, len(values))
	for _, v := range values {
		out = append(out, memberValue{Value: v})
	}
	return out
}

// groupBody is the body of POST /scim/Groups and PUT /scim/Groups/{id}.
type groupBody struct {
	Schemas       []string       `json:"schemas"`
	DisplayName   string         `json:"displayName"`
	Members       []memberValue  `json:"members"`
	StorageBucket *StorageBucket `json:"storageBucket,omitempty"`
}
