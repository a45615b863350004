package users

import (
	"time"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// Seat is a user's Models seat or Weave role: SeatFull, SeatViewer or SeatNone.
type Seat string

// The seats W&B accepts for modelsSeat and weaveRole.
const (
	SeatFull   Seat = "full"
	SeatViewer Seat = "viewer"
	SeatNone   Seat = "none"
)

// Valid reports whether s is one of SeatFull, SeatViewer and SeatNone.
func (s Seat) Valid() bool {
	switch s {
	case SeatFull, SeatViewer, SeatNone:
		return true
	}
	return false
}

// AccountType says whether a SCIM User is a person or a service account.
type AccountType string

// The account types W&B reports in accountType.
const (
	AccountUser       AccountType = "USER"        // a person
	AccountService    AccountType = "SERVICE"     // a team-scoped service account
	AccountOrgService AccountType = "ORG_SERVICE" // an org-scoped service account
)

// IsServiceAccount reports whether t is SERVICE or ORG_SERVICE (in any
// case).
func (t AccountType) IsServiceAccount() bool {
	return resource.IsServiceAccount(string(t))
}

// TeamRole is a user's role in one team, as in the teamRoles attribute.
type TeamRole struct {
	TeamName string `json:"teamName"`
	RoleName string `json:"roleName"` // admin, member, viewer, or a custom role name
}

// RegistryRole is a user's role in one registry, as in the registryRoles attribute.
type RegistryRole struct {
	RegistryName string `json:"registryName"`
	RoleName     string `json:"roleName"`
}

// GroupRef is one entry of a user's groups: Value is the team's SCIM ID.
type GroupRef struct {
	Value   string `json:"value"`
	Display string `json:"display,omitempty"`
}

// User is a W&B SCIM User: a person or, with AccountType SERVICE or
// ORG_SERVICE, a service account. Every attribute beyond ID and UserName is
// optional on the wire; absent ones are zero. Decoding accepts every shape the
// deployments send: emails as a legacy single object with capitalised keys, as
// an array, or absent (service accounts); lastActiveAt as a timestamp, null or
// unparseable text (then nil); organizationRole at the top level or only in
// the W&B extension object.
type User struct {
	ID               string         `json:"id"`
	UserName         string         `json:"userName"`
	DisplayName      string         `json:"displayName,omitempty"`
	Active           bool           `json:"active"`
	Emails           scim.Emails    `json:"emails,omitempty"`
	AccountType      AccountType    `json:"accountType,omitempty"`
	OrganizationRole string         `json:"organizationRole,omitempty"` // admin, member, viewer; "service"/"org_service" from Self-Managed
	TeamRoles        []TeamRole     `json:"teamRoles,omitempty"`
	RegistryRoles    []RegistryRole `json:"registryRoles,omitempty"`
	ModelsSeat       Seat           `json:"modelsSeat,omitempty"`
	WeaveRole        Seat           `json:"weaveRole,omitempty"`
	Groups           []GroupRef     `json:"groups,omitempty"`
	DaysActive       int            `json:"daysActive,omitempty"`
	LastActiveAt     *time.Time     `json:"lastActiveAt,omitempty"` // nil: never active, or not reported
	Meta             scim.Meta      `json:"meta"`
	Schemas          []string       `json:"schemas,omitempty"`
}

// PrimaryEmail returns the address marked primary, else the first address,
// else "" (service accounts have none). It is safe on a nil *User.
func (u *User) PrimaryEmail() string {
	if u == nil {
		return ""
	}
	return u.Emails.Primary()
}

// IsServiceAccount reports whether u is a service account.
func (u *User) IsServiceAccount() bool {
	return u != nil && u.AccountType.IsServiceAccount()
}
