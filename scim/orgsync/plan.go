package orgsync

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// FormatVersion is the version of the Plan format this package writes and
// applies (Plan.Format). Version 2 binds a plan to its Target and records
// its input's digest.
const FormatVersion = 2

// Action is what a change does to its resource.
type Action string

// The actions of a plan.
const (
	Create     Action = "create"
	Update     Action = "update"
	Reactivate Action = "reactivate"
	Deactivate Action = "deactivate"
)

// Plan is what Apply does to make an organization equal to a File, as
// Syncer.Plan computed it: each change once, in the order roles, users,
// teams, memberships, team roles, each section sorted by name. Every change
// to an existing resource carries the resource's ID and the version (ETag)
// it had when planned; Apply sends that version as If-Match, so a plan
// saved as JSON and applied later refuses any resource that changed since.
// Skipped lists what the plan leaves undone on purpose; Warnings what the
// file should say differently. Target binds the plan to the organization
// it was made against: Apply refuses it anywhere else.
type Plan struct {
	// Format is FormatVersion.
	Format int `json:"format"`
	// Target is the organization the plan was made against.
	Target Target `json:"target"`
	// InputDigest is the Digest of the file the plan was made from, as
	// PlanOptions.InputDigest gave it ("" when not given).
	InputDigest string `json:"input_digest,omitempty"`
	// Complete is false when a walk of users or teams ended incomplete (W&B
	// lists at most 9,999 users), so that the users and teams the file
	// names were looked up one by one.
	Complete bool `json:"complete"`
	// Prune records PlanOptions.Prune.
	Prune bool `json:"prune"`
	// Undo marks a plan of PlanUndo: each of its changes has the reason
	// "undo".
	Undo bool `json:"-"`
	// Managed counts what the file manages (its users and its teams'
	// members), the base of a percentage Budget.
	Managed int `json:"managed"`

	Roles       []RoleChange       `json:"roles"`
	Users       []UserChange       `json:"users"`
	Teams       []TeamChange       `json:"teams"`
	Memberships []MembershipChange `json:"memberships"`
	TeamRoles   []TeamRoleChange   `json:"teamRoles"`

	Skipped  []Skipped `json:"skipped"`
	Warnings []Problem `json:"warnings"`
}

// FieldChange is one field whose value changes; From is empty for a
// resource that is created.
type FieldChange struct {
	Field string `json:"field"`
	From  string `json:"from,omitempty"`
	To    string `json:"to"`
}

// RoleChange creates or updates a custom role.
type RoleChange struct {
	Action  Action `json:"action"` // Create or Update
	Name    string `json:"name"`
	ID      string `json:"id,omitempty"`
	Version string `json:"version,omitempty"`
	// Fields are the description and inheritedFrom changes (a create's
	// values). Either makes Apply replace the whole role (PUT) with
	// Description, InheritedFrom and Permissions.
	Fields        []FieldChange `json:"fields,omitempty"`
	Description   string        `json:"description"`
	InheritedFrom string        `json:"inheritedFrom"`
	Permissions   []string      `json:"permissions"`
	// Add and Remove are the custom permissions that change.
	Add    []string `json:"add,omitempty"`
	Remove []string `json:"remove,omitempty"`
}

// UserChange creates, updates, reactivates or deactivates a user.
type UserChange struct {
	Action   Action `json:"action"`
	UserName string `json:"userName"`
	ID       string `json:"id,omitempty"`
	Version  string `json:"version,omitempty"`
	// Fields are the attributes set: all of a create's, the changed ones of
	// an update or a reactivation. A deactivation has none.
	Fields []FieldChange `json:"fields,omitempty"`
	// Reason says why a user is deactivated.
	Reason string `json:"reason,omitempty"`
}

// TeamChange creates a team; its members are in the plan's Memberships
// and are sent with the create.
type TeamChange struct {
	Name string `json:"name"`
}

// UserRef names a user of a change; ID is empty for a user the plan
// creates.
type UserRef struct {
	UserName string `json:"userName"`
	ID       string `json:"id,omitempty"`
	// Role is, for a member the plan removes, its team role, which an
	// undo gives back.
	Role string `json:"role,omitempty"`
}

// MembershipChange adds users to and removes users from one team, in one
// request (with the create for a team the plan creates, whose TeamID is
// then empty).
type MembershipChange struct {
	Team    string    `json:"team"`
	TeamID  string    `json:"teamId,omitempty"`
	Version string    `json:"version,omitempty"`
	Add     []UserRef `json:"add,omitempty"`
	Remove  []UserRef `json:"remove,omitempty"`
}

// TeamRoleChange sets one user's roles in teams, in one request.
type TeamRoleChange struct {
	UserName string          `json:"userName"`
	UserID   string          `json:"userId,omitempty"`
	Version  string          `json:"version,omitempty"`
	Roles    []TeamRoleShift `json:"roles"`
}

// TeamRoleShift is a user's role in one team changing From (a new member's is
// "member") To another.
type TeamRoleShift struct {
	Team string `json:"team"`
	From string `json:"from"`
	To   string `json:"to"`
}

// Skipped is a change the plan does not make, and why: a field the
// deployment cannot change, or a protected account.
type Skipped struct {
	UserName string `json:"userName"`
	Change   string `json:"change"`
	Reason   string `json:"reason"`
}

// Protected returns the changes the plan does not make because the Guard
// refuses them (the calling account, the last organization admin, a service
// account not named), as opposed to those the deployment cannot make.
func (p *Plan) Protected() []Skipped {
	var out []Skipped
	for _, s := range p.Skipped {
		if strings.HasPrefix(s.Reason, reasonProtected) {
			out = append(out, s)
		}
	}
	return out
}

// reasonProtected starts the reason of a change the guard refuses.
const reasonProtected = "protected: "

// Counts are the number of changes of each kind in a plan.
type Counts struct {
	Create, Update, Deactivate int
	AddMembers, RemoveMembers  int
	TeamRoles                  int
}

// Counts counts p's changes: roles, users and teams created; roles and
// users updated or reactivated; users deactivated; members added and
// removed; team roles changed.
func (p *Plan) Counts() Counts {
	var c Counts
	for _, r := range p.Roles {
		if r.Action == Create {
			c.Create++
		} else {
			c.Update++
		}
	}
	for _, u := range p.Users {
		switch u.Action {
		case Create:
			c.Create++
		case Deactivate:
			c.Deactivate++
		default:
			c.Update++
		}
	}
	c.Create += len(p.Teams)
	for _, m := range p.Memberships {
		c.AddMembers += len(m.Add)
		c.RemoveMembers += len(m.Remove)
	}
	for _, t := range p.TeamRoles {
		c.TeamRoles += len(t.Roles)
	}
	return c
}

// Empty reports whether p changes nothing.
func (p *Plan) Empty() bool { return p.Counts() == Counts{} }

// Removals lists what p takes away, which a Budget bounds: each user it
// deactivates and each member it removes from a team.
func (p *Plan) Removals() []string {
	var out []string
	for _, u := range p.Users {
		if u.Action == Deactivate {
			out = append(out, "deactivate user "+u.UserName)
		}
	}
	for _, m := range p.Memberships {
		for _, r := range m.Remove {
			out = append(out, fmt.Sprintf("remove %s from team %s", r.UserName, m.Team))
		}
	}
	return out
}

// PlanOptions configure one Syncer.Plan.
type PlanOptions struct {
	// Prune also deactivates the active users the file does not name
	// (neither in its users nor as a team member). It never deletes, and
	// never touches service accounts, the calling account or the last
	// organization admin. It is refused when the user list is incomplete.
	Prune bool
	// InputDigest is the Digest of the file's bytes as read, recorded in
	// the plan (Plan.InputDigest).
	InputDigest string
}

// Plan computes what makes the organization equal to f. It sends nothing:
// it validates f (File.Validate, then against the organization), reads the
// organization with one walk each of users (GET /scim/Users), teams
// (GET /scim/Groups) and roles (GET /scim/Roles), and asks who the caller
// is (users.Service.Viewer, GraphQL). A walk that ends incomplete
// (scim.ErrIncomplete) makes a pruning plan fail; otherwise the listed
// users and teams it did not see are looked up by name. A file with
// problems gives a *ValidationError listing them all.
func (s *Syncer) Plan(ctx context.Context, f *File, opts PlanOptions) (*Plan, error) {
	warnings, err := f.Validate()
	if err != nil {
		return nil, err
	}
	o, err := s.read(ctx, opts.Prune, f)
	if err != nil {
		return nil, err
	}
	d := s.client.Deployment()
	b := &planner{
		f: f, o: o, mt: d.IsMultiTenant(), teamRoles: map[string]int{},
		p: &Plan{Format: FormatVersion, Prune: opts.Prune, Warnings: warnings, InputDigest: opts.InputDigest, Complete: !o.incomplete,
			Target: Target{BaseURL: s.client.BaseURL(), Organization: o.organization, Deployment: d}},
	}
	b.p.Warnings = append(b.p.Warnings, o.warnings...)
	if err := b.check(); err != nil {
		return nil, err
	}
	b.planRoles()
	b.planUsers(opts.Prune)
	b.planTeams()
	b.guard()
	b.p.Managed = len(f.Users)
	for _, t := range f.Teams {
		b.p.Managed += len(t.Members)
	}
	sortPlan(b.p)
	return b.p, nil
}

// planner builds one plan.
type planner struct {
	f  *File
	o  *org
	mt bool
	p  *Plan
	// teamRoles indexes p.TeamRoles by lower-cased userName.
	teamRoles map[string]int
}

// check validates f against the organization: every team member and role
// must exist in the file or the organization, service accounts are not
// managed, and a user the plan creates needs an email.
func (b *planner) check() error {
	var v validator
	fileUsers := make(map[string]UserSpec, len(b.f.Users))
	for i, u := range b.f.Users {
		fileUsers[strings.ToLower(u.UserName)] = u
		path := fmt.Sprintf("users[%d]", i)
		cur := b.o.user(u.UserName)
		switch {
		case cur != nil && cur.IsServiceAccount():
			v.fail(path+".userName", "%q is a service account: service accounts are managed in the W&B App, not here", cut(u.UserName))
		case cur == nil && u.Email == "" && (u.Active == nil || *u.Active):
			v.fail(path+".email", "required: %q is not in the organization and is created", cut(u.UserName))
		}
		if u.OrganizationRole != "" {
			b.checkRole(&v, path+".organizationRole", u.OrganizationRole)
		}
	}
	for i, t := range b.f.Teams {
		for j, m := range t.Members {
			path := fmt.Sprintf("teams[%d].members[%d]", i, j)
			fu, listed := fileUsers[strings.ToLower(m.UserName)]
			cur := b.o.user(m.UserName)
			switch {
			case cur != nil && cur.IsServiceAccount():
				v.fail(path+".userName", "%q is a service account: W&B manages team service accounts in the App, and an exact team keeps them", cut(m.UserName))
			case cur == nil && !listed:
				v.fail(path+".userName", "%q is neither a user of the file nor of the organization", cut(m.UserName))
			case cur == nil && fu.Active != nil && !*fu.Active:
				v.fail(path+".userName", "%q is not in the organization, and the file does not create it (\"active\": false)", cut(m.UserName))
			}
			if m.Role != "" {
				b.checkRole(&v, path+".role", m.Role)
			}
		}
	}
	for i, r := range b.f.Roles {
		cur := b.o.roles[r.Name]
		if cur == nil {
			continue
		}
		for j, p := range r.Permissions {
			if inherited(cur, p) && r.InheritedFrom == cur.InheritedFrom {
				b.p.Warnings = append(b.p.Warnings, Problem{Path: fmt.Sprintf("roles[%d].permissions[%d]", i, j),
					Message: fmt.Sprintf("%q is inherited from %s; it need not be listed", p, cur.InheritedFrom)})
			}
		}
	}
	if len(v.problems) > 0 {
		return &ValidationError{Problems: v.problems}
	}
	return nil
}

// checkRole reports a role name that is neither predefined nor a custom
// role of the file or the organization.
func (b *planner) checkRole(v *validator, path, name string) {
	if users.PredefinedRole(name) || b.o.roles[name] != nil || slices.ContainsFunc(b.f.Roles, func(r RoleSpec) bool { return r.Name == name }) {
		return
	}
	v.fail(path, "%q is neither a predefined role (admin, member, viewer) nor a custom role of the file or the organization", cut(name))
}

func inherited(r *roles.Role, name string) bool {
	return slices.ContainsFunc(r.Permissions, func(p roles.Permission) bool { return p.IsInherited && p.Name == name })
}

func (b *planner) planRoles() {
	for _, r := range b.f.Roles {
		c := RoleChange{Name: r.Name, Description: r.Description, InheritedFrom: r.InheritedFrom, Permissions: nonNil(r.Permissions)}
		cur := b.o.roles[r.Name]
		if cur == nil {
			c.Action = Create
			if r.Description != "" {
				c.Fields = append(c.Fields, FieldChange{Field: "description", To: r.Description})
			}
			c.Fields = append(c.Fields, FieldChange{Field: "inheritedFrom", To: r.InheritedFrom})
			c.Add, _ = roles.ComparePermissions(nil, r.Permissions)
			b.p.Roles = append(b.p.Roles, c)
			continue
		}
		c.Action, c.ID, c.Version = Update, cur.ID, cur.Meta.Version
		if cur.Description != r.Description {
			c.Fields = append(c.Fields, FieldChange{Field: "description", From: cur.Description, To: r.Description})
		}
		if cur.InheritedFrom != r.InheritedFrom {
			c.Fields = append(c.Fields, FieldChange{Field: "inheritedFrom", From: cur.InheritedFrom, To: r.InheritedFrom})
		}
		c.Add, c.Remove = roles.ComparePermissions(cur, r.Permissions)
		if len(c.Fields)+len(c.Add)+len(c.Remove) > 0 {
			b.p.Roles = append(b.p.Roles, c)
		}
	}
}

// attributes are the attributes of u that the file manages.
func attributes(u UserSpec) users.Attributes {
	return users.Attributes{Email: u.Email, DisplayName: u.DisplayName, OrganizationRole: u.OrganizationRole,
		ModelsSeat: u.ModelsSeat, WeaveRole: u.WeaveRole}
}

// notOnMultiTenant reports whether Multi-tenant Cloud cannot change attr.
func notOnMultiTenant(attr string) bool { return attr == "email" || attr == "displayName" }

func (b *planner) planUsers(prune bool) {
	named := make(map[string]bool) // lower-cased userNames the file names
	for _, u := range b.f.Users {
		named[strings.ToLower(u.UserName)] = true
		cur := b.o.user(u.UserName)
		off := u.Active != nil && !*u.Active
		if cur == nil {
			if !off {
				b.p.Users = append(b.p.Users, UserChange{Action: Create, UserName: u.UserName,
					Fields: b.applicable(u.UserName, true, users.Compare(nil, attributes(u)))})
			}
			continue
		}
		c := UserChange{Action: Update, UserName: cur.UserName, ID: cur.ID, Version: cur.Meta.Version,
			Fields: b.applicable(cur.UserName, false, users.Compare(cur, attributes(u)))}
		if !cur.Active && u.Active != nil && *u.Active {
			if b.mt {
				b.p.Skipped = append(b.p.Skipped, Skipped{UserName: cur.UserName, Change: "reactivate",
					Reason: "not applicable: Multi-tenant Cloud cannot reactivate a user"})
			} else {
				c.Action = Reactivate
			}
		}
		if len(c.Fields) > 0 || c.Action == Reactivate {
			b.p.Users = append(b.p.Users, c)
		}
		if off && cur.Active {
			b.p.Users = append(b.p.Users, UserChange{Action: Deactivate, UserName: cur.UserName, ID: cur.ID,
				Version: cur.Meta.Version, Reason: reasonInactive})
		}
	}
	if !prune {
		return
	}
	for _, t := range b.f.Teams {
		for _, m := range t.Members {
			named[strings.ToLower(m.UserName)] = true
		}
	}
	for _, u := range b.o.users {
		if named[strings.ToLower(u.UserName)] || !u.Active {
			continue
		}
		if u.IsServiceAccount() {
			continue // never pruned, and not worth a line
		}
		b.p.Users = append(b.p.Users, UserChange{Action: Deactivate, UserName: u.UserName, ID: u.ID,
			Version: u.Meta.Version, Reason: reasonPruned})
	}
}

// applicable returns the changes of a user (created when create) without
// those the deployment cannot make, which it records as skipped. On
// Multi-tenant Cloud, a user's display name cannot be set, and its email
// only by the create.
func (b *planner) applicable(userName string, create bool, changes []users.AttributeChange) []FieldChange {
	var out []FieldChange
	for _, c := range changes {
		f := FieldChange{Field: c.Attr, From: c.From, To: c.To}
		if b.mt && notOnMultiTenant(c.Attr) && !(create && c.Attr == "email") {
			b.p.Skipped = append(b.p.Skipped, Skipped{UserName: userName, Change: f.String(),
				Reason: "not applicable: Multi-tenant Cloud cannot change a user's " + c.Attr})
			continue
		}
		out = append(out, f)
	}
	return out
}

// The reasons of a deactivation.
const (
	reasonInactive = `"active": false in the file`
	reasonPruned   = "not in the file"
)

// guard keeps the calling account and the last organization admin from
// deactivation and demotion, and unnamed service accounts from any change
// (Guard.CheckAll, counting the plan's promotions first): such changes move
// to Skipped.
func (b *planner) guard() {
	g := newGuard(b.o.caller, b.o.users)
	changes, at := guardChanges(b.p.Users)
	errs := g.CheckAll(changes)
	refused := map[int]*GuardError{}
	for i, err := range errs {
		var ge *GuardError
		if errors.As(err, &ge) {
			refused[at[i]] = ge
		}
	}
	keep := b.p.Users[:0]
	for i, c := range b.p.Users {
		ge := refused[i]
		if ge == nil {
			keep = append(keep, c)
			continue
		}
		what := "deactivate"
		if c.Action != Deactivate {
			demotes := slices.IndexFunc(c.Fields, demotion)
			what = c.Fields[demotes].String()
			c.Fields = slices.Delete(slices.Clone(c.Fields), demotes, demotes+1)
			if len(c.Fields) > 0 || c.Action == Reactivate {
				keep = append(keep, c)
			}
		}
		b.p.Skipped = append(b.p.Skipped, Skipped{UserName: c.UserName, Change: what, Reason: reasonProtected + string(ge.Reason)})
	}
	b.p.Users = keep
}

// demotion reports whether f takes the organization admin role away.
func demotion(f FieldChange) bool {
	return f.Field == "organizationRole" && strings.EqualFold(f.From, "admin") && !strings.EqualFold(f.To, "admin")
}

// promotion reports whether f gives the organization admin role.
func promotion(f FieldChange) bool {
	return f.Field == "organizationRole" && !strings.EqualFold(f.From, "admin") && strings.EqualFold(f.To, "admin")
}

// guardChanges returns what a Guard rules on among the user changes cs:
// promotions, demotions and deactivations, with the index in cs of each.
func guardChanges(cs []UserChange) (changes []GuardChange, at []int) {
	for i, c := range cs {
		g := GuardChange{UserName: c.UserName, Named: c.Reason != reasonPruned, Activates: c.Action == Create || c.Action == Reactivate}
		switch {
		case c.Action == Deactivate:
			g.Action = GuardDeactivate
		case slices.ContainsFunc(c.Fields, demotion):
			g.Action = GuardDemote
		case slices.ContainsFunc(c.Fields, promotion):
			g.Action = GuardPromote
		default:
			continue
		}
		changes, at = append(changes, g), append(at, i)
	}
	return changes, at
}

// ref returns the plan's reference to the user named name: an existing
// user by ID, or one the plan creates.
func (b *planner) ref(name string) UserRef {
	if u := b.o.user(name); u != nil {
		return UserRef{UserName: u.UserName, ID: u.ID}
	}
	return UserRef{UserName: name}
}

func (b *planner) planTeams() {
	for _, t := range b.f.Teams {
		cur := b.o.team(t.Name)
		m := MembershipChange{Team: t.Name}
		var want []string // IDs of existing users
		for _, mem := range t.Members {
			r := b.ref(mem.UserName)
			switch {
			case r.ID == "":
				m.Add = append(m.Add, r)
			case cur == nil:
				m.Add = append(m.Add, r)
			default:
				want = append(want, r.ID)
			}
		}
		if cur == nil {
			b.p.Teams = append(b.p.Teams, TeamChange{Name: t.Name})
		} else {
			m.Team, m.TeamID, m.Version = cur.DisplayName, cur.ID, cur.Meta.Version
			keep := func(mr teams.MemberRef) bool {
				u := b.o.byID[mr.Value]
				return t.Membership == Additive || u == nil || u.IsServiceAccount()
			}
			d := teams.CompareMembers(cur.Members, want, keep)
			for _, id := range d.Add {
				m.Add = append(m.Add, UserRef{UserName: b.o.byID[id].UserName, ID: id})
			}
			for _, id := range d.Remove {
				u := b.o.byID[id]
				m.Remove = append(m.Remove, UserRef{UserName: u.UserName, ID: id, Role: teamRole(u, cur.DisplayName)})
			}
			for _, mr := range cur.Members {
				if b.o.byID[mr.Value] == nil {
					b.p.Warnings = append(b.p.Warnings, Problem{Path: "", Message: fmt.Sprintf(
						"team %q has a member (ID %s) that is not in the user list (a service account?); it is kept", cur.DisplayName, cut(mr.Value))})
				}
			}
		}
		if len(m.Add)+len(m.Remove) > 0 {
			b.p.Memberships = append(b.p.Memberships, m)
		}
		b.planTeamRoles(t, cur)
	}
}

// planTeamRoles adds the team role changes of team t (cur is nil when the
// plan creates it) to the plan, one TeamRoleChange per user.
func (b *planner) planTeamRoles(t TeamSpec, cur *teams.Team) {
	for _, mem := range t.Members {
		want := cmp.Or(mem.Role, "member")
		if users.PredefinedRole(want) {
			want = strings.ToLower(want)
		}
		u := b.o.user(mem.UserName)
		from := "member" // a new member's role
		if u != nil && cur != nil && slices.ContainsFunc(cur.Members, func(m teams.MemberRef) bool { return m.Value == u.ID }) {
			from = teamRole(u, cur.DisplayName)
		}
		if users.SameRole(from, want) {
			continue
		}
		r := b.ref(mem.UserName)
		i, ok := b.teamRoles[strings.ToLower(r.UserName)]
		if !ok {
			c := TeamRoleChange{UserName: r.UserName, UserID: r.ID}
			if u != nil {
				c.Version = u.Meta.Version
			}
			b.p.TeamRoles = append(b.p.TeamRoles, c)
			i = len(b.p.TeamRoles) - 1
			b.teamRoles[strings.ToLower(r.UserName)] = i
		}
		team := t.Name
		if cur != nil {
			team = cur.DisplayName
		}
		b.p.TeamRoles[i].Roles = append(b.p.TeamRoles[i].Roles, TeamRoleShift{Team: team, From: from, To: want})
	}
}

// teamRole is u's role in team: its teamRoles entry, or "member", W&B's
// default, when the reply lists none (teamRoles is optional).
func teamRole(u *users.User, team string) string {
	for _, r := range u.TeamRoles {
		if strings.EqualFold(r.TeamName, team) {
			return r.RoleName
		}
	}
	return "member"
}

// sortPlan puts every section in name order; a user's update comes before
// its deactivation. Empty sections are [] rather than null in JSON.
func sortPlan(p *Plan) {
	slices.SortStableFunc(p.Roles, func(a, b RoleChange) int { return cmp.Compare(a.Name, b.Name) })
	slices.SortStableFunc(p.Users, func(a, b UserChange) int {
		return cmp.Or(compareNames(a.UserName, b.UserName), cmp.Compare(actionOrder(a.Action), actionOrder(b.Action)))
	})
	slices.SortStableFunc(p.Teams, func(a, b TeamChange) int { return compareNames(a.Name, b.Name) })
	slices.SortStableFunc(p.Memberships, func(a, b MembershipChange) int { return compareNames(a.Team, b.Team) })
	byUser := func(a, b UserRef) int { return compareNames(a.UserName, b.UserName) }
	for _, m := range p.Memberships {
		slices.SortFunc(m.Add, byUser)
		slices.SortFunc(m.Remove, byUser)
	}
	slices.SortStableFunc(p.TeamRoles, func(a, b TeamRoleChange) int { return compareNames(a.UserName, b.UserName) })
	for _, t := range p.TeamRoles {
		slices.SortFunc(t.Roles, func(a, b TeamRoleShift) int { return compareNames(a.Team, b.Team) })
	}
	slices.SortStableFunc(p.Skipped, func(a, b Skipped) int { return compareNames(a.UserName, b.UserName) })
	p.Roles, p.Users, p.Teams = nonNil(p.Roles), nonNil(p.Users), nonNil(p.Teams)
	p.Memberships, p.TeamRoles = nonNil(p.Memberships), nonNil(p.TeamRoles)
	p.Skipped, p.Warnings = nonNil(p.Skipped), nonNil(p.Warnings)
}

func actionOrder(a Action) int {
	return slices.Index([]Action{Create, Reactivate, Update, Deactivate}, a)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}
