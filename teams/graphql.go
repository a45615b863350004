package teams

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-wandb/identity/internal/call"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/scim"
)

// Member is a team member as W&B's GraphQL API reports it (Python's Member):
// a user, a service account, or a pending invite. ID is the GraphQL ID that
// DeleteMember takes; AccountType is for example "USER" or "SERVICE".
type Member struct {
	ID          string `json:"id"`
	Username    string `json:"username"`
	Name        string `json:"name"`
	Email       string `json:"email"`
	AccountType string `json:"accountType"`
	Admin       bool   `json:"admin"`
	Pending     bool   `json:"pending"`
}

// GraphQL operations, as the Python SDK sends them (without its client-side
// "result:" aliases).
const (
	createInviteMutation = `mutation CreateInvite($entity: String!, $email: String, $username: String, $admin: Boolean) {
  createInvite(input: {entityName: $entity, email: $email, username: $username, admin: $admin}) {
    invite { id name email createdAt toUser { name } }
  }
}`

	getTeamEntityQuery = `query GetTeamEntity($name: String!) {
  entity(name: $name) {
    id
    name
    members { id admin pending email username name accountType }
  }
}`

	deleteInviteMutation = `mutation DeleteInvite($id: String, $entity: String) {
  deleteInvite(input: {id: $id, entityName: $entity}) {
    success
  }
}`

	createServiceAccountMutation = `mutation CreateServiceAccount($entity: String!, $description: String!) {
  createServiceAccount(input: {description: $description, entityName: $entity}) {
    user { id }
  }
}`

	createTeamMutation = `mutation CreateTeam($teamName: String!, $teamAdminUserName: String) {
  createTeam(input: {teamName: $teamName, teamAdminUserName: $teamAdminUserName}) {
    entity { id name }
  }
}`

	entityExistsQuery = `query EntityExists($name: String!) {
  entity(name: $name) { id }
}`
)

// checkName rejects an empty or blank argument of a GraphQL method.
func checkName(op, what, v string) error {
	if resource.Blank(v) {
		return resource.Invalid(op, "empty %s", what)
	}
	return nil
}

// entityExists asks whether a team (or user) named name exists: GraphQL query
// EntityExists. W&B's GraphQL errors do not say why a mutation failed in a
// form a program can rely on, so after a failure the methods ask.
func (s *Service) entityExists(ctx context.Context, name string) (bool, error) {
	var data struct {
		Entity *struct {
			ID string `json:"id"`
		} `json:"entity"`
	}
	if err := s.client.GraphQL(ctx, entityExistsQuery, map[string]any{"name": name}, &data); err != nil {
		return false, err
	}
	return data.Entity != nil, nil
}

// mutateTeam runs a mutation on the team named teamName. When it fails with a
// GraphQL error and no team of that name exists, the error says so and
// matches scim.ErrNotFound, as Members does for an unknown team. done, when
// not nil, resolves a mutation whose reply was lost: it reads the team's
// members and reports whether they show the change; the mutation is sent
// again only when they show it not made. A resolved mutation returns
// call.ErrResolved.
func (s *Service) mutateTeam(ctx context.Context, teamName, query string, vars map[string]any, data any,
	done func([]Member) bool, opts []scim.RequestOption) error {
	if done != nil {
		opts = append(slices.Clip(opts), scim.RequestOption(call.Resolve(&call.Resolver{Resend: true,
			Check: func(ctx context.Context) (bool, error) {
				members, err := s.members(ctx, teamName, nil)
				if err != nil {
					return false, err
				}
				return done(members), nil
			}})))
	}
	err := s.client.GraphQL(ctx, query, vars, data, opts...)
	var gqlErr *scim.GraphQLError
	if !errors.As(err, &gqlErr) {
		return err
	}
	if exists, checkErr := s.entityExists(ctx, teamName); checkErr == nil && !exists {
		return fmt.Errorf("no team named %s: %w (%w)", resource.Quote(teamName), scim.ErrNotFound, err)
	}
	return err
}

// Invite invites a user to the team named teamName, as a team admin when admin
// is true (Python: Team.invite). A value containing "@" is sent as an email,
// anything else as a username. GraphQL mutation CreateInvite (POST /graphql).
// Unlike Python, a failure (already invited, unknown user) is returned as an
// error, typically a *scim.GraphQLError; an unknown team matches
// scim.ErrNotFound; a reply without a createInvite result matches
// ErrUnsuccessful. The invite details in the reply are not returned.
//
// Outcome: when the reply is lost, the team's members are read
// (GetTeamEntity): a pending invite of that user (with that admin flag)
// means the call succeeded; none, and the mutation is sent again (the server
// refuses a second invite); when the read fails, the error matches
// scim.ErrOutcomeUnknown.
func (s *Service) Invite(ctx context.Context, teamName, usernameOrEmail string, admin bool, opts ...scim.RequestOption) error {
	const op = "teams.Invite"
	if err := checkName(op, "team name", teamName); err != nil {
		return err
	}
	if err := checkName(op, "username or email", usernameOrEmail); err != nil {
		return err
	}
	vars := map[string]any{"entity": teamName, "admin": admin}
	if strings.Contains(usernameOrEmail, "@") {
		vars["email"] = usernameOrEmail
	} else {
		vars["username"] = usernameOrEmail
	}
	var data struct {
		CreateInvite *struct {
			Invite *struct{} `json:"invite"`
		} `json:"createInvite"`
	}
	err := s.mutateTeam(ctx, teamName, createInviteMutation, vars, &data, func(members []Member) bool {
		return slices.ContainsFunc(members, func(m Member) bool {
			return m.Pending && m.Admin == admin &&
				(strings.EqualFold(m.Username, usernameOrEmail) || strings.EqualFold(m.Email, usernameOrEmail))
		})
	}, opts)
	switch {
	case errors.Is(err, call.ErrResolved):
		return nil
	case err != nil:
		return resource.Wrap(op, err)
	}
	if data.CreateInvite == nil {
		return resource.Wrap(op, fmt.Errorf("no result for %s in team %s: %w",
			resource.Quote(usernameOrEmail), resource.Quote(teamName), ErrUnsuccessful))
	}
	return nil
}

// Members lists the members of the team named teamName, pending invites
// included (Python: Team.members). GraphQL query GetTeamEntity (POST
// /graphql). An unknown team fails with an error matching scim.ErrNotFound.
func (s *Service) Members(ctx context.Context, teamName string, opts ...scim.RequestOption) ([]Member, error) {
	const op = "teams.Members"
	if err := checkName(op, "team name", teamName); err != nil {
		return nil, err
	}
	members, err := s.members(ctx, teamName, opts)
	return resource.Done(op, members, err)
}

// members is Members without its checks and its error prefix.
func (s *Service) members(ctx context.Context, teamName string, opts []scim.RequestOption) ([]Member, error) {
	var data struct {
		Entity *struct {
			Members []Member `json:"members"`
		} `json:"entity"`
	}
	if err := s.client.GraphQL(ctx, getTeamEntityQuery, map[string]any{"name": teamName}, &data, opts...); err != nil {
		return nil, err
	}
	if data.Entity == nil {
		return nil, fmt.Errorf("no team named %s: %w", resource.Quote(teamName), scim.ErrNotFound)
	}
	return data.Entity.Members, nil
}

// DeleteMember removes a member, or withdraws a pending invite, from the team
// named teamName; memberID is a Member's ID (Python: Member.delete). GraphQL
// mutation DeleteInvite (POST /graphql). An unknown team matches
// scim.ErrNotFound; a reply with success false matches ErrUnsuccessful.
//
// Outcome: when the reply is lost, the team's members are read
// (GetTeamEntity): without memberID the call succeeded; with it, the
// mutation is sent again; when the read fails, the error matches
// scim.ErrOutcomeUnknown.
func (s *Service) DeleteMember(ctx context.Context, teamName, memberID string, opts ...scim.RequestOption) error {
	const op = "teams.DeleteMember"
	if err := checkName(op, "team name", teamName); err != nil {
		return err
	}
	if err := checkName(op, "member ID", memberID); err != nil {
		return err
	}
	var data struct {
		DeleteInvite *struct {
			Success bool `json:"success"`
		} `json:"deleteInvite"`
	}
	vars := map[string]any{"id": memberID, "entity": teamName}
	err := s.mutateTeam(ctx, teamName, deleteInviteMutation, vars, &data, func(members []Member) bool {
		return !slices.ContainsFunc(members, func(m Member) bool { return m.ID == memberID })
	}, opts)
	switch {
	case errors.Is(err, call.ErrResolved):
		return nil
	case err != nil:
		return resource.Wrap(op, err)
	}
	if data.DeleteInvite == nil || !data.DeleteInvite.Success {
		return resource.Wrap(op, fmt.Errorf("member %s of team %s not removed: %w",
			resource.Quote(memberID), resource.Quote(teamName), ErrUnsuccessful))
	}
	return nil
}

// CreateServiceAccount creates a team-scoped service account in the team named
// teamName, described by description (Python: Team.create_service_account).
// GraphQL mutation CreateServiceAccount (POST /graphql). It returns the new
// account as a Member with the ID the server returned, AccountType "SERVICE"
// and Name set to description; call Members for what else the server knows.
// Its API key is created in the W&B App. An unknown team matches
// scim.ErrNotFound.
//
// Outcome: it is never sent again after its reply may have been lost, since
// nothing tells this account from another with the same description: the
// error then matches scim.ErrOutcomeUnknown. An account may have been made:
// list the team's members (Members) and look for a SERVICE member you cannot
// account for before creating again.
func (s *Service) CreateServiceAccount(ctx context.Context, teamName, description string, opts ...scim.RequestOption) (*Member, error) {
	const op = "teams.CreateServiceAccount"
	if err := checkName(op, "team name", teamName); err != nil {
		return nil, err
	}
	if err := checkName(op, "description", description); err != nil {
		return nil, err
	}
	var data struct {
		CreateServiceAccount *struct {
			User *struct {
				ID string `json:"id"`
			} `json:"user"`
		} `json:"createServiceAccount"`
	}
	vars := map[string]any{"entity": teamName, "description": description}
	if err := s.mutateTeam(ctx, teamName, createServiceAccountMutation, vars, &data, nil, opts); err != nil {
		return nil, resource.Wrap(op, err)
	}
	if data.CreateServiceAccount == nil || data.CreateServiceAccount.User == nil || data.CreateServiceAccount.User.ID == "" {
		return nil, resource.Wrap(op, fmt.Errorf("no service account returned for team %s: %w", resource.Quote(teamName), ErrUnsuccessful))
	}
	return &Member{ID: data.CreateServiceAccount.User.ID, Name: description, AccountType: "SERVICE"}, nil
}

// CreateTeam creates a team named teamName with adminUserName as its admin, or
// the caller when adminUserName is empty (Python: Api.create_team). GraphQL
// mutation CreateTeam (POST /graphql). It needs org-admin rights, and the
// creator is not added as a member. Unlike Python, a failure is returned, not
// swallowed: a name already taken by a team or a user matches
// scim.ErrConflict. To create a team with members or its own bucket, use the
// SCIM method Create.
//
// Outcome: when the reply is lost, the team is looked up by name over SCIM
// (GET /scim/Groups?filter=displayName eq "…"): a team of exactly that name
// created since the call began is this call's, and the call succeeds; none
// (or a team, or a user, that held the name before), and the mutation is
// sent again, and the server's answer decides (a name already taken
// matches scim.ErrConflict); a refusal after the lost attempt is looked up
// the same way. When the lookup fails, the error matches
// scim.ErrOutcomeUnknown.
func (s *Service) CreateTeam(ctx context.Context, teamName, adminUserName string, opts ...scim.RequestOption) error {
	const op = "teams.CreateTeam"
	if err := checkName(op, "team name", teamName); err != nil {
		return err
	}
	vars := map[string]any{"teamName": teamName}
	if adminUserName != "" {
		vars["teamAdminUserName"] = adminUserName
	}
	var data struct {
		CreateTeam *struct {
			Entity *struct {
				ID string `json:"id"`
			} `json:"entity"`
		} `json:"createTeam"`
	}
	start := time.Now()
	opts = append(slices.Clip(opts), scim.RequestOption(call.Resolve(&call.Resolver{Resend: true,
		Check: func(ctx context.Context) (bool, error) {
			t, err := s.groups.FindBy(ctx, teamName, byName, nil)
			switch {
			case errors.Is(err, scim.ErrNotFound):
				return false, nil
			case err != nil:
				return false, err
			}
			return t.DisplayName == teamName && resource.CreatedSince(&t.Meta, start), nil
		}})))
	err := s.client.GraphQL(ctx, createTeamMutation, vars, &data, opts...)
	if errors.Is(err, call.ErrResolved) {
		return nil
	}
	var gqlErr *scim.GraphQLError
	if errors.As(err, &gqlErr) {
		if exists, checkErr := s.entityExists(ctx, teamName); checkErr == nil && exists {
			err = fmt.Errorf("the name %s is taken: %w (%w)", resource.Quote(teamName), scim.ErrConflict, err)
		}
	}
	if err != nil {
		return resource.Wrap(op, err)
	}
	if data.CreateTeam == nil || data.CreateTeam.Entity == nil {
		return resource.Wrap(op, fmt.Errorf("no team returned for %s: %w", resource.Quote(teamName), ErrUnsuccessful))
	}
	return nil
}
