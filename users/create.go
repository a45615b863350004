package users

import (
	"context"
	"net/http"
	"slices"
	"strings"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// CreateParams describes a user for Create.
type CreateParams struct {
	// UserName defaults to the part of the primary email before "@".
	UserName string
	// Email is the primary address. Either Email or Emails is required.
	Email string
	// Emails lists addresses besides Email (Multi-tenant Cloud keeps several;
	// Dedicated Cloud and Self-Managed keep one). Without Email, exactly one
	// entry must be Primary; with Email, none may be (Email is the primary),
	// and an entry equal to Email is dropped.
	Emails []scim.Email
	// Teams are team names to add the user to, sent in the teams extension
	// (Multi-tenant Cloud).
	Teams []string
	// ModelsSeat and WeaveRole are sent when set ("full", "viewer", "none").
	ModelsSeat, WeaveRole Seat
	// OrganizationRole, when set, is applied by a PATCH after the create.
	OrganizationRole string
}

// ServiceAccountParams describes a service account for CreateServiceAccount.
type ServiceAccountParams struct {
	// Name is the account's userName (and displayName). Required.
	Name string
	// OrgScoped makes an org-scoped account (ORG_SERVICE) instead of a
	// team-scoped one (SERVICE).
	OrgScoped bool
	// DefaultTeam is the name of an existing team the account joins. Required.
	DefaultTeam string
	// Teams are further team names (Multi-tenant Cloud only). When set, the
	// list sent always contains DefaultTeam: it is added first if missing.
	Teams []string
}

// teamsExtension is the object under the teams extension URN.
type teamsExtension struct {
	DefaultTeam string   `json:"defaultTeam,omitempty"`
	Teams       []string `json:"teams,omitempty"`
}

// createBody is the body of POST /scim/Users.
type createBody struct {
	Schemas     []string        `json:"schemas"`
	UserName    string          `json:"userName"`
	Emails      []scim.Email    `json:"emails,omitempty"`
	AccountType AccountType     `json:"accountType,omitempty"`
	ModelsSeat  Seat            `json:"modelsSeat,omitempty"`
	WeaveRole   Seat            `json:"weaveRole,omitempty"`
	Teams       *teamsExtension `json:"urn:ietf:params:scim:schemas:extension:teams:2.0:User,omitempty"`
}

// Create creates a user: POST /scim/Users (201). The body has the core User
// schema, userName, emails, and modelsSeat/weaveRole when set; when p.Teams is
// set it also carries the teams extension (the Multi-tenant form, which adds
// an existing W&B account to the organization and its teams). When the 201
// reply holds no user (empty, not JSON, or without an id), the new user is
// looked up by userName (GET /scim/Users?filter=userName eq "…"); if that
// fails, the error says the create succeeded and wraps the lookup's error.
//
// A non-empty p.OrganizationRole is then applied with
// PATCH /scim/Users/{id}. If that PATCH fails, Create returns nil and a
// *PartialCreateError that holds the created user and the PATCH's error.
//
// opts apply to the POST only, not to the lookup or the follow-up PATCH (an
// If-Match written for the create would not match the new user), except
// scim.OnResponse, which sees every response.
//
// Outcome: a create whose reply was lost is looked up by userName: found
// (this request's user), it is the result; not found, the POST is sent again
// (the server refuses a second copy of the name); a 409 after a lost attempt
// is resolved by the same lookup. When the lookup fails, the error matches
// scim.ErrOutcomeUnknown. The organization-role PATCH is resolved as
// SetOrganizationRole's.
func (s *Service) Create(ctx context.Context, p CreateParams, opts ...scim.RequestOption) (*User, error) {
	const op = "users.Create"
	u, err := s.createUser(ctx, op, p, opts)
	return resource.Done(op, u, err)
}

func (s *Service) createUser(ctx context.Context, op string, p CreateParams, opts []scim.RequestOption) (*User, error) {
	body, err := p.body(op)
	if err != nil {
		return nil, err
	}
	if p.OrganizationRole != "" && resource.Blank(p.OrganizationRole) {
		return nil, resource.Invalid(op, "blank OrganizationRole")
	}
	u, ctx, err := s.create(ctx, body, opts)
	if err != nil || p.OrganizationRole == "" {
		return u, err
	}
	patched, _, err := s.users.Send(ctx, op, u.ID, http.MethodPatch,
		scim.NewPatchOp(scim.Replace("organizationRole", p.OrganizationRole)), hasOrgRole(p.OrganizationRole), nil)
	switch {
	case err != nil:
		return nil, &PartialCreateError{User: u, Role: p.OrganizationRole, Err: err}
	case patched == nil: // a reply without the user: keep what we know
		u.OrganizationRole = p.OrganizationRole
		return u, nil
	}
	return patched, nil
}

// create sends POST /scim/Users with body and opts and returns the new user:
// the reply's, or, when the reply holds none, the one found by userName. It
// also returns the context for follow-up requests.
func (s *Service) create(ctx context.Context, body *createBody, opts []scim.RequestOption) (*User, context.Context, error) {
	return s.users.Create(ctx, body, func(ctx context.Context) (*User, error) {
		return s.users.FindBy(ctx, body.UserName, byUserName, nil)
	}, body.made, opts)
}

// made reports whether u is the account this create body makes, rather than
// another that holds the name: the same userName exactly (W&B compares names
// ignoring case, so another case means another account), the same kind of
// account, and the primary address the body gives.
func (b *createBody) made(u *User) bool {
	if u.UserName != b.UserName || (u.AccountType != "" && u.AccountType != b.accountType()) {
		return false
	}
	primary := scim.Emails(b.Emails).Primary()
	return primary == "" || slices.ContainsFunc(u.Emails, func(e scim.Email) bool { return strings.EqualFold(e.Value, primary) })
}

// accountType is the account type the body makes: USER unless it says.
func (b *createBody) accountType() AccountType {
	if b.AccountType == "" {
		return AccountUser
	}
	return b.AccountType
}

// body validates p and builds the request body.
func (p CreateParams) body(op string) (*createBody, error) {
	emails, err := p.emails(op)
	if err != nil {
		return nil, err
	}
	name := p.UserName
	if name == "" {
		primary := scim.Emails(emails).Primary()
		name = primary[:strings.LastIndex(primary, "@")]
	} else if strings.TrimSpace(name) == "" {
		return nil, resource.Invalid(op, "blank UserName")
	}
	if err := checkSeat(op, "ModelsSeat", p.ModelsSeat, true); err != nil {
		return nil, err
	}
	if err := checkSeat(op, "WeaveRole", p.WeaveRole, true); err != nil {
		return nil, err
	}
	if err := checkNames(op, "Teams", p.Teams); err != nil {
		return nil, err
	}
	b := &createBody{
		Schemas:    []string{scim.UserSchema},
		UserName:   name,
		Emails:     emails,
		ModelsSeat: p.ModelsSeat,
		WeaveRole:  p.WeaveRole,
	}
	if len(p.Teams) > 0 {
		b.Schemas = append(b.Schemas, scim.TeamsUserExtension)
		b.Teams = &teamsExtension{Teams: p.Teams}
	}
	return b, nil
}

// emails validates the addresses and returns those to send, Email first.
func (p CreateParams) emails(op string) ([]scim.Email, error) {
	if p.Email == "" && len(p.Emails) == 0 {
		return nil, resource.Invalid(op, "an email address is required (Email or Emails)")
	}
	var out []scim.Email
	if p.Email != "" {
		if err := checkEmail(op, p.Email); err != nil {
			return nil, err
		}
		out = append(out, scim.Email{Value: p.Email, Primary: true})
	}
	primaries := 0
	for _, e := range p.Emails {
		if err := checkEmail(op, e.Value); err != nil {
			return nil, err
		}
		if p.Email != "" && strings.EqualFold(e.Value, p.Email) {
			continue
		}
		if e.Primary {
			if p.Email != "" {
				return nil, resource.Invalid(op, "Emails marks %s primary, but Email %s is the primary address", resource.Quote(e.Value), resource.Quote(p.Email))
			}
			primaries++
		}
		out = append(out, e)
	}
	if p.Email == "" && primaries != 1 {
		return nil, resource.Invalid(op, "Emails must mark exactly one address primary (got %d)", primaries)
	}
	return out, nil
}

// CreateServiceAccount provisions a service account: POST /scim/Users (201)
// with accountType SERVICE (team-scoped) or ORG_SERVICE (p.OrgScoped), the
// account name as userName, and the teams extension carrying defaultTeam (and
// teams, which then always includes defaultTeam). It needs Multi-tenant Cloud,
// or Dedicated Cloud / Self-Managed v0.81.0+. A service account cannot be
// changed, deactivated or given roles through SCIM afterwards; only Delete
// applies. When the 201 reply holds no account, it is looked up by userName
// (GET /scim/Users?filter=userName eq "…"); if that fails, the error says the
// create succeeded and wraps the lookup's error.
// opts apply to the POST only.
//
// Outcome: as Create's: a lost reply is resolved by looking the account up
// by userName, and the POST is sent again only when it is not there.
func (s *Service) CreateServiceAccount(ctx context.Context, p ServiceAccountParams, opts ...scim.RequestOption) (*User, error) {
	const op = "users.CreateServiceAccount"
	switch {
	case strings.TrimSpace(p.Name) == "":
		return nil, resource.Invalid(op, "empty service account Name")
	case strings.TrimSpace(p.DefaultTeam) == "":
		return nil, resource.Invalid(op, "DefaultTeam is required: the name of an existing team")
	}
	if err := checkNames(op, "Teams", p.Teams); err != nil {
		return nil, err
	}
	teams := p.Teams
	if len(teams) > 0 && !slices.Contains(teams, p.DefaultTeam) {
		teams = append([]string{p.DefaultTeam}, teams...)
	}
	accountType := AccountService
	if p.OrgScoped {
		accountType = AccountOrgService
	}
	body := &createBody{
		Schemas:     []string{scim.UserSchema, scim.TeamsUserExtension},
		UserName:    p.Name,
		AccountType: accountType,
		Teams:       &teamsExtension{DefaultTeam: p.DefaultTeam, Teams: teams},
	}
	u, _, err := s.create(ctx, body, opts)
	return resource.Done(op, u, err)
}

// checkNames rejects a list with an empty or blank name.
func checkNames(op, field string, names []string) error {
	for i, n := range names {
		if strings.TrimSpace(n) == "" {
			return resource.Invalid(op, "%s[%d] is empty", field, i)
		}
	}
	return nil
}
