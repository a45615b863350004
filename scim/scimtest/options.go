package scimtest

import (
	"fmt"
	"strings"
	"time"
)

// Flavor selects which of W&B's two SCIM implementations the server imitates:
// the Multi-tenant Cloud one, or the one shared by Dedicated Cloud and
// Self-Managed.
type Flavor int

const (
	// Dedicated imitates W&B Dedicated Cloud, the zero value. Deactivation
	// keeps the user with active=false and reactivation works; a user has
	// exactly one email; email and display-name updates work.
	Dedicated Flavor = iota
	// SelfManaged behaves as Dedicated, except that service accounts report
	// organizationRole "service" or "org_service" instead of "member".
	SelfManaged
	// MultiTenant imitates W&B Multi-tenant Cloud (api.wandb.ai, "SaaS Cloud"
	// in its error texts). Deactivation removes the user from the
	// organization (a later GET is a 404) and the reply echoes the PatchOp;
	// reactivation, email and display-name updates are 400s; users may have
	// several emails; the teams extension on create adds the user to teams.
	MultiTenant
)

// String returns the flavor's name.
func (f Flavor) String() string {
	switch f {
	case Dedicated:
		return "Dedicated"
	case SelfManaged:
		return "SelfManaged"
	case MultiTenant:
		return "MultiTenant"
	}
	return "Flavor(?)"
}

// MarshalText returns the flavor's name, as String does; a State records its
// flavor so.
func (f Flavor) MarshalText() ([]byte, error) {
	switch f {
	case Dedicated, SelfManaged, MultiTenant:
		return []byte(f.String()), nil
	}
	return nil, fmt.Errorf("scimtest: invalid Flavor %d", int(f))
}

// UnmarshalText reads a flavor's name, ignoring case, hyphens and
// underscores: "Dedicated", "self-managed", "multi_tenant", "multitenant".
// With MarshalText it makes a Flavor usable with flag.TextVar.
func (f *Flavor) UnmarshalText(b []byte) error {
	name := strings.NewReplacer("-", "", "_", "").Replace(strings.ToLower(strings.TrimSpace(string(b))))
	for _, x := range []Flavor{Dedicated, SelfManaged, MultiTenant} {
		if name == strings.ToLower(x.String()) {
			*f = x
			return nil
		}
	}
	return fmt.Errorf("unknown flavor %q: want dedicated, self-managed or multi-tenant", b)
}

// DefaultAPIKey is the key the server accepts for its admin when
// Options.APIKey is empty. It is 40+ characters, like a real W&B key.
const DefaultAPIKey = "scimtest-admin-key-0123456789abcdef0123456789"

// DefaultAdminUserName is the admin's userName when Options.AdminUserName is
// empty. Basic auth as "<admin user name>:<key>" uses it.
const DefaultAdminUserName = "admin"

// Account types, as W&B reports them in accountType.
const (
	AccountUser       = "USER"        // a person
	AccountService    = "SERVICE"     // a team-scoped service account
	AccountOrgService = "ORG_SERVICE" // an organization-scoped service account
)

// Options configure a Server. The zero value is a Dedicated Cloud server with
// array-shaped emails, W&B's paging (none), one admin and no faults.
type Options struct {
	// Flavor is the deployment to imitate; the zero value is Dedicated.
	Flavor Flavor

	// LegacyEmails gives the wire shapes of servers before v0.80.1 (and of
	// Multi-tenant Cloud before 2026-04-30): a user's emails is a single
	// object with capitalised keys {"Value","Display","Type","Primary"}, and
	// empty list fields are null instead of [] (a team's members, the
	// Resources of an empty page, a Multi-tenant create reply's teamRoles
	// and groups).
	LegacyEmails bool

	// HonorPaging makes lists honour startIndex and count, with itemsPerPage
	// the number of resources returned. By default the server does what W&B
	// does: it ignores both and returns everything (at most 9999 resources) in
	// one page with startIndex 1 and itemsPerPage 9999.
	HonorPaging bool

	// APIKey is the admin's key; empty means DefaultAPIKey. The server
	// accepts it as "Bearer <key>", Basic "<admin user name>:<key>", Basic
	// ":<key>", and on /graphql as Basic "api:<key>" (any user name).
	APIKey string

	// AdminUserName is the userName of the organization admin who owns
	// APIKey; empty means DefaultAdminUserName. The admin is a user of the
	// organization: it appears in GET /Users and owns the first user ID. When
	// Users holds a user of that name, that user is the admin (and is made an
	// org admin unless its OrgRole says otherwise).
	AdminUserName string

	// Users, Teams and Roles are the initial data, created in this order:
	// roles first (users may hold custom roles), then users, then teams
	// (which reference users). Invalid seed data makes NewServer panic.
	Users []User
	Teams []Team
	Roles []Role

	// State, when set, is the initial organization instead of the seed
	// data (Users, Teams and Roles must then be empty): a snapshot taken
	// with Server.State, from which the server continues exactly. It must
	// be of the server's Flavor. When no API key of the state is APIKey,
	// the key is issued to the admin (AdminUserName), which must exist.
	// NewServer panics, and Listen fails, on a state that is not
	// consistent.
	State *State

	// OnChange, when set, is called after every change to the
	// organization with a snapshot of the state it produced: after a
	// successful SCIM POST, PUT, PATCH or DELETE (before the reply is
	// sent), a GraphQL mutation, or a call of AddUser, AddTeam, AddRole,
	// NewAPIKey or Reset. It is not called for the initial state. Calls
	// may run concurrently, from the goroutines serving requests, and
	// need not arrive in order: the snapshot with the higher
	// State.Revision is the newer. A request that changed nothing (a
	// PATCH to the same value) may still count as a change. It is meant
	// for persisting the organization (examples/simulator's -state).
	OnChange func(*State)

	// OnRequest, when set, is called after every request has been
	// answered, with what Requests records of it. Its Header holds the
	// request's credentials: log Method, Path, Status and Duration, not
	// the Header.
	OnRequest func(Request)

	// DiscardRequests keeps no request log (Requests returns nothing), so
	// that a long-running server does not grow with every request.
	DiscardRequests bool

	// Addr is the TCP address to listen on, such as "127.0.0.1:7357"; empty
	// means a free port on 127.0.0.1 (or [::1]), chosen by the system.
	// Server.URL names the address found; a host such as "0.0.0.0" that
	// listens on every interface is named as 127.0.0.1 (and "::" as [::1]),
	// a loopback address the SDK's client accepts over plain HTTP.
	Addr string

	// Faults injects latency and failures, for reliability tests.
	Faults Faults

	// Now is the server's clock for meta.created, meta.lastModified and
	// invite times; nil means time.Now. A fixed clock makes replies
	// reproducible.
	Now func() time.Time
}

// Faults inject latency and failures. They apply to every HTTP request,
// SCIM and GraphQL, before it is authenticated or processed, so a request
// that fails this way changes nothing. The zero value injects nothing.
type Faults struct {
	// Latency is added before every request is handled.
	Latency time.Duration

	// FailFirst makes the first FailFirst requests fail (counted from
	// NewServer, Reset or SetFaults).
	FailFirst int

	// FailureRate, between 0 and 1, is the chance that any later request
	// fails. Failures are drawn from a generator seeded with Seed, so a
	// sequential test sees the same failures on every run.
	FailureRate float64

	// FailStatus is the status of a failed request; 0 means 503. A failed
	// request gets a SCIM error body (a GraphQL one on /graphql).
	FailStatus int

	// RetryAfter, when set, is sent as the Retry-After header of failed
	// requests, for example "1" or an HTTP date.
	RetryAfter string

	// Seed seeds the FailureRate and LoseRate generator.
	Seed int64

	// LoseFirst and LoseRate lose the reply of a change after it has been
	// applied, as a gateway or a network that fails at the wrong moment
	// does: a SCIM POST, PUT, PATCH or DELETE, or a GraphQL mutation, is
	// handled as usual and its reply then thrown away (the request log
	// records the status the client saw, 0 for a closed connection). The
	// first LoseFirst changes (counted as FailFirst is) lose their reply;
	// after them each does with chance LoseRate, between 0 and 1. A request
	// that failed by FailFirst or FailureRate is not applied and is not
	// counted.
	LoseFirst int
	LoseRate  float64

	// LoseStatus is what the client gets instead of a lost reply: 0 closes
	// the connection without a reply; 502, 503 or 504 answers that status
	// with an error body, as a gateway whose upstream reply was lost.
	// LoseMixed alternates between the two, starting with the closed
	// connection, whatever LoseStatus says.
	LoseStatus int
	LoseMixed  bool
}

// User is a user or service account of the simulated organization, used to
// seed the server (Options.Users, Server.AddUser) and returned by
// Server.User. Empty fields take W&B's defaults.
type User struct {
	// ID is assigned by the server: base64("User:<n>"). It is ignored when
	// seeding.
	ID string
	// UserName is required and unique (compared case-insensitively).
	UserName string
	// Email is the primary address; required for AccountType USER.
	Email string
	// SecondaryEmails are further addresses; only MultiTenant allows them.
	SecondaryEmails []string
	// DisplayName defaults to UserName.
	DisplayName string
	// Inactive marks a deactivated user (Dedicated and SelfManaged only; a
	// deactivated Multi-tenant user is not in the organization at all).
	Inactive bool
	// AccountType is AccountUser (the default), AccountService or
	// AccountOrgService. Service accounts have no email and no seats; put
	// them in teams with Team.Members.
	AccountType string
	// OrgRole is "admin", "member" (the default), the legacy "viewer"
	// (stored as member with viewer seats, as W&B does) or a custom role's
	// name.
	OrgRole string
	// ModelsSeat and WeaveRole are "full" (the default), "viewer" or "none".
	ModelsSeat string
	WeaveRole  string
	// RegistryRoles are the user's registry roles.
	RegistryRoles []RegistryRole
	// DaysActive and LastActiveAt are reported as daysActive and
	// lastActiveAt; a zero LastActiveAt is reported as null.
	DaysActive   int
	LastActiveAt time.Time
	// APIKey, when set on a seed, is a key that authenticates as this user;
	// Server.User reports the account's first key. Only org admins and org
	// service accounts may call SCIM (other users get 403, team service
	// accounts and inactive users 401); any active account may call GraphQL.
	APIKey string
}

// RegistryRole is a user's role in one registry.
type RegistryRole struct {
	RegistryName string `json:"registryName"`
	RoleName     string `json:"roleName"`
}

// Team is a W&B team (a SCIM Group), used to seed the server
// (Options.Teams, Server.AddTeam) and returned by Server.Team.
type Team struct {
	// ID is assigned by the server: base64("Group:<n>"). It is ignored when
	// seeding.
	ID string
	// Name is the team's displayName (and GraphQL entity name); required
	// and unique (compared case-insensitively).
	Name string
	// Members are the team's members, each a userName, email or user ID
	// when seeding; Server.Team reports userNames.
	Members []string
	// Roles maps a member (as written in Members) to its team role: "admin",
	// "member" (the default), "viewer" or a custom role's name.
	Roles map[string]string
	// StorageBucket is the team's BYOB bucket, if any.
	StorageBucket *StorageBucket
	// Invites reports the pending GraphQL invites, each by username when the
	// invite named one, else by email. It is ignored when seeding.
	Invites []string
}

// StorageBucket is a team's bring-your-own-bucket storage (POST /Groups
// storageBucket). Provider is COREWEAVE, AWS, AZURE, GCP or MINIO.
type StorageBucket struct {
	Name          string `json:"name"`
	Provider      string `json:"provider"`
	Path          string `json:"path,omitempty"`
	KMSKeyID      string `json:"kmsKeyId,omitempty"`
	AWSExternalID string `json:"awsExternalId,omitempty"`
	AzureTenantID string `json:"azureTenantId,omitempty"`
	AzureClientID string `json:"azureClientId,omitempty"`
}

// Role is a custom role, used to seed the server (Options.Roles,
// Server.AddRole) and returned by Server.Role.
type Role struct {
	// ID is assigned by the server: base64("Role:<n>"). It is ignored when
	// seeding.
	ID string
	// Name is required and unique.
	Name        string
	Description string
	// InheritedFrom is "member" (the default) or "viewer".
	InheritedFrom string
	// Permissions are the custom (non-inherited) permissions, such as
	// "project:update".
	Permissions []string
}
