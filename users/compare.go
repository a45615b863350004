package users

import (
	"strings"

	"github.com/go-wandb/identity/scim"
)

// Attributes are the attributes of a user that Compare compares and an
// AttributeChange sets. An empty field is not compared.
type Attributes struct {
	// Email is the primary address, compared ignoring case, as W&B does.
	Email string
	// DisplayName is compared exactly.
	DisplayName string
	// OrganizationRole is "admin", "member" (both compared ignoring case),
	// the legacy "viewer", or a custom role's name (compared exactly).
	// W&B stores "viewer" as "member" with viewer seats, so Compare compares
	// it so: as member, with ModelsSeat and WeaveRole viewer unless they are
	// set.
	OrganizationRole string
	// ModelsSeat and WeaveRole are "full", "viewer" or "none".
	ModelsSeat, WeaveRole Seat
}

// AttributeChange is one attribute of a user whose value differs from the
// wanted one: Attr is "email", "displayName", "organizationRole",
// "modelsSeat" or "weaveRole"; From is the user's value and To the wanted
// one.
type AttributeChange struct {
	Attr string `json:"attr"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Compare returns the attributes of u that differ from want, in the order
// email, displayName, organizationRole, modelsSeat, weaveRole. It sends
// nothing. A nil u has no attributes, so every field set in want differs.
// Apply the changes with one Patch of their Operations; on Multi-tenant
// Cloud the server cannot change email and displayName.
func Compare(u *User, want Attributes) []AttributeChange {
	var cur User
	if u != nil {
		cur = *u
	}
	var out []AttributeChange
	add := func(attr, from, to string) { out = append(out, AttributeChange{Attr: attr, From: from, To: to}) }

	if primary := cur.PrimaryEmail(); want.Email != "" && !strings.EqualFold(primary, want.Email) {
		add("email", primary, want.Email)
	}
	if want.DisplayName != "" && cur.DisplayName != want.DisplayName {
		add("displayName", cur.DisplayName, want.DisplayName)
	}
	role, models, weave := want.OrganizationRole, want.ModelsSeat, want.WeaveRole
	switch lower := strings.ToLower(role); lower {
	case "viewer":
		role = "member"
		models, weave = defaultSeat(models, SeatViewer), defaultSeat(weave, SeatViewer)
	case "admin", "member":
		role = lower
	}
	if role != "" && !SameRole(cur.OrganizationRole, role) {
		add("organizationRole", cur.OrganizationRole, role)
	}
	if models != "" && cur.ModelsSeat != models {
		add("modelsSeat", string(cur.ModelsSeat), string(models))
	}
	if weave != "" && cur.WeaveRole != weave {
		add("weaveRole", string(cur.WeaveRole), string(weave))
	}
	return out
}

// defaultSeat returns s, or def when s is empty.
func defaultSeat(s, def Seat) Seat {
	if s == "" {
		return def
	}
	return s
}

// SameRole compares two organization or team role names as W&B does: the
// predefined roles (admin, member, viewer) ignoring case, custom roles
// exactly. It sends nothing.
func SameRole(a, b string) bool {
	if PredefinedRole(a) || PredefinedRole(b) {
		return strings.EqualFold(a, b)
	}
	return a == b
}

// PredefinedRole reports whether name is one of W&B's predefined roles,
// admin, member or viewer, in any case; any other name is a custom role's.
func PredefinedRole(name string) bool {
	switch strings.ToLower(name) {
	case "admin", "member", "viewer":
		return true
	}
	return false
}

// Operation returns the PATCH operation that sets c's attribute to c.To,
// as the methods of this package send it: a replace of "emails" with the new
// primary address, or of "displayName", "organizationRole", "modelsSeat" or
// "weaveRole". An Attr it does not know gives a replace of that path.
func (c AttributeChange) Operation() scim.Operation {
	if c.Attr == "email" {
		return scim.Replace("emails", []scim.Email{{Value: c.To, Primary: true}})
	}
	return scim.Replace(c.Attr, c.To)
}
