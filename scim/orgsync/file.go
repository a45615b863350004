package orgsync

import (
	"bytes"
	"cmp"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/go-wandb/identity/internal/resource"
	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/users"
)

// File is the desired state of an organization: the users, teams and custom
// roles it manages. Anything it does not list is left alone (except, with
// PlanOptions.Prune, users: see there). Decode reads one from JSON;
// Syncer.Export writes the organization as one.
type File struct {
	Users []UserSpec `json:"users,omitempty"`
	Teams []TeamSpec `json:"teams,omitempty"`
	Roles []RoleSpec `json:"roles,omitempty"`
}

// UserSpec is a user as the file wants it. UserName identifies the user
// (compared ignoring case, as W&B does); every other field is managed only
// when set.
type UserSpec struct {
	UserName string `json:"userName"`
	// Email is the primary address; it is required to create a user that
	// the organization does not have.
	Email       string `json:"email,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	// OrganizationRole is "admin", "member", a custom role's name, or the
	// legacy "viewer", which W&B stores as "member" with viewer seats (the
	// plan does so, with a warning).
	OrganizationRole string     `json:"organizationRole,omitempty"`
	ModelsSeat       users.Seat `json:"modelsSeat,omitempty"`
	WeaveRole        users.Seat `json:"weaveRole,omitempty"`
	// Active false deactivates the user; true reactivates one (Dedicated
	// Cloud and Self-Managed keep deactivated users; on Multi-tenant Cloud a
	// deactivated user has left the organization and is created again).
	Active *bool `json:"active,omitempty"`
}

// Membership says how a team's members are managed.
type Membership string

const (
	// Exact makes the team's users exactly the listed members: missing
	// ones are added, others removed (never service accounts). It is the
	// default.
	Exact Membership = "exact"
	// Additive adds missing members and removes nobody, so the file can
	// share a team with an identity provider that also pushes to it.
	Additive Membership = "additive"
)

// TeamSpec is a team as the file wants it, by name (compared ignoring case, as
// W&B does). A team that does not exist is created. Teams are never renamed
// or deleted.
type TeamSpec struct {
	Name       string       `json:"name"`
	Membership Membership   `json:"membership,omitempty"`
	Members    []MemberSpec `json:"members"`
}

// MemberSpec is a member of a team, with its team role: "admin", "member"
// (the default), "viewer" or a custom role's name.
type MemberSpec struct {
	UserName string `json:"userName"`
	Role     string `json:"role,omitempty"`
}

// RoleSpec is a custom role as the file wants it, by name (case-sensitive, as
// W&B treats custom role names). Its custom permissions are exactly
// Permissions; those it inherits need not be listed.
type RoleSpec struct {
	Name          string   `json:"name"`
	Description   string   `json:"description,omitempty"`
	InheritedFrom string   `json:"inheritedFrom"`
	Permissions   []string `json:"permissions,omitempty"`
}

// Problem is one thing wrong with a file, at a JSON path such as
// "users[2].email" ("" for the whole file).
type Problem struct {
	Path    string `json:"path"`
	Message string `json:"message"`
}

// String returns "path: message".
func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// ValidationError lists every problem found in a file: by Decode and
// File.Validate before anything is read from the server, or by
// Syncer.Plan, which also checks the file against the organization (members
// and roles that exist nowhere) before anything is sent.
type ValidationError struct {
	Problems []Problem
}

// Error implements error: the count and the first problems.
func (e *ValidationError) Error() string {
	const shown = 5
	var b strings.Builder
	fmt.Fprintf(&b, "orgsync: %d %s in the organization file: ", len(e.Problems), plural(len(e.Problems), "problem", "problems"))
	for i, p := range e.Problems {
		if i == shown {
			fmt.Fprintf(&b, "; and %d more", len(e.Problems)-shown)
			break
		}
		if i > 0 {
			b.WriteString("; ")
		}
		b.WriteString(cut(p.String()))
	}
	return b.String()
}

// Decode reads an organization file: a JSON object with the optional keys
// "users", "teams" and "roles" (see File). It reports every problem at
// once, each with its JSON path, in a *ValidationError: unknown keys, values
// of the wrong type, and whatever File.Validate finds. JSON that does not
// parse is an error that says where.
func Decode(data []byte) (*File, error) {
	var root any
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(&root); err != nil {
		if err == io.EOF {
			return nil, fmt.Errorf("orgsync: the file is empty, want a JSON object")
		}
		return nil, fmt.Errorf("orgsync: the file is not valid JSON: %w", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, fmt.Errorf("orgsync: the file holds more than one JSON value")
	}
	if m, ok := root.(map[string]any); ok && m["kind"] == SimulatorStateKind {
		return nil, ErrSimulatorState
	}
	var d decoder
	f := d.file(root)
	var verr *ValidationError
	if _, err := f.Validate(); errors.As(err, &verr) {
		// A value of the wrong type is one mistake: what Validate finds at
		// a path the decoder reported (a number for a userName, then
		// "required") is not reported again.
		for _, p := range verr.Problems {
			if !d.reported(p.Path) {
				d.problems = append(d.problems, p)
			}
		}
	}
	if len(d.problems) == 0 {
		return f, nil
	}
	sortProblems(d.problems)
	return nil, &ValidationError{Problems: d.problems}
}

// SimulatorStateKind is the "kind" of the W&B simulator's state file
// (scimtest.State as examples/simulator -state writes it).
const SimulatorStateKind = "wandb-simulator-state"

// ErrSimulatorState is Decode's error for the simulator's state file given
// where an organization file is expected.
var ErrSimulatorState = errors.New(`this is the W&B simulator's state file ("kind": "` + SimulatorStateKind +
	`"), not an organization file; write one by hand or with -export`)

// decoder turns a decoded JSON value into a File, collecting problems.
type decoder struct {
	problems []Problem
}

// reported reports whether a problem was found at path, or at a path
// within it or holding it.
func (d *decoder) reported(path string) bool {
	return slices.ContainsFunc(d.problems, func(p Problem) bool {
		return p.Path == path || strings.HasPrefix(path, p.Path+".") || strings.HasPrefix(path, p.Path+"[") ||
			strings.HasPrefix(p.Path, path+".") || strings.HasPrefix(p.Path, path+"[")
	})
}

func (d *decoder) fail(path, format string, args ...any) {
	d.problems = append(d.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// object returns v as an object whose keys are among keys, reporting any
// other key; nil (reported) when v is not an object.
func (d *decoder) object(path string, v any, keys ...string) map[string]any {
	m, ok := v.(map[string]any)
	if !ok {
		d.fail(path, "want a JSON object, not %s", kind(v))
		return nil
	}
	for _, k := range sortedKeys(m) {
		if slices.Contains(keys, k) {
			continue
		}
		msg := fmt.Sprintf("unknown key %q", cut(k))
		if i := slices.IndexFunc(keys, func(x string) bool { return similar(x, k) }); i >= 0 {
			msg += fmt.Sprintf(" (did you mean %q?)", keys[i])
		} else {
			msg += fmt.Sprintf(" (want %s)", strings.Join(keys, ", "))
		}
		d.fail(join(path, k), "%s", msg)
	}
	return m
}

// array returns v as an array; nil (reported) when it is not one. An
// absent value is nil without a problem.
func (d *decoder) array(path string, v any, present bool) []any {
	if !present {
		return nil
	}
	a, ok := v.([]any)
	if !ok {
		d.fail(path, "want a JSON array, not %s", kind(v))
	}
	return a
}

// str returns v as a string; "" (reported) when it is something else.
func (d *decoder) str(path string, m map[string]any, key string) string {
	v, ok := m[key]
	if !ok {
		return ""
	}
	s, ok := v.(string)
	if !ok {
		d.fail(join(path, key), "want a string, not %s", kind(v))
	}
	return s
}

func (d *decoder) file(root any) *File {
	m := d.object("", root, "users", "teams", "roles")
	f := &File{}
	if m == nil {
		return f
	}
	for i, v := range d.array("users", m["users"], has(m, "users")) {
		path := fmt.Sprintf("users[%d]", i)
		u := d.object(path, v, "userName", "email", "displayName", "organizationRole", "modelsSeat", "weaveRole", "active")
		if u == nil {
			continue
		}
		user := UserSpec{
			UserName:         d.str(path, u, "userName"),
			Email:            d.str(path, u, "email"),
			DisplayName:      d.str(path, u, "displayName"),
			OrganizationRole: d.str(path, u, "organizationRole"),
			ModelsSeat:       users.Seat(d.str(path, u, "modelsSeat")),
			WeaveRole:        users.Seat(d.str(path, u, "weaveRole")),
		}
		if v, ok := u["active"]; ok {
			b, isBool := v.(bool)
			if !isBool {
				d.fail(path+".active", "want true or false, not %s", kind(v))
			}
			user.Active = &b
		}
		f.Users = append(f.Users, user)
	}
	for i, v := range d.array("teams", m["teams"], has(m, "teams")) {
		path := fmt.Sprintf("teams[%d]", i)
		t := d.object(path, v, "name", "membership", "members")
		if t == nil {
			continue
		}
		team := TeamSpec{Name: d.str(path, t, "name"), Membership: Membership(d.str(path, t, "membership"))}
		if !has(t, "members") {
			d.fail(path, `"members" is required: the team's members, [] for none`)
		}
		team.Members = []MemberSpec{}
		for j, v := range d.array(path+".members", t["members"], has(t, "members")) {
			mpath := fmt.Sprintf("%s.members[%d]", path, j)
			if mm := d.object(mpath, v, "userName", "role"); mm != nil {
				team.Members = append(team.Members, MemberSpec{UserName: d.str(mpath, mm, "userName"), Role: d.str(mpath, mm, "role")})
			}
		}
		f.Teams = append(f.Teams, team)
	}
	for i, v := range d.array("roles", m["roles"], has(m, "roles")) {
		path := fmt.Sprintf("roles[%d]", i)
		r := d.object(path, v, "name", "description", "inheritedFrom", "permissions")
		if r == nil {
			continue
		}
		role := RoleSpec{Name: d.str(path, r, "name"), Description: d.str(path, r, "description"), InheritedFrom: d.str(path, r, "inheritedFrom")}
		for j, p := range d.array(path+".permissions", r["permissions"], has(r, "permissions")) {
			s, ok := p.(string)
			if !ok {
				d.fail(fmt.Sprintf("%s.permissions[%d]", path, j), "want a string, not %s", kind(p))
			}
			role.Permissions = append(role.Permissions, s)
		}
		f.Roles = append(f.Roles, role)
	}
	return f
}

// Validate checks f on its own, without the organization: required
// fields, duplicate user names, emails, team names, members and roles,
// and values W&B does not accept (roles, seats, permissions, membership).
// It returns every problem in a *ValidationError, and warnings about
// values the server would store differently (the legacy organization role
// "viewer"). Syncer.Plan calls it.
func (f *File) Validate() (warnings []Problem, err error) {
	var v validator
	v.roles = make(map[string]bool)
	for _, r := range f.Roles {
		v.roles[r.Name] = true
	}
	v.users(f.Users)
	v.teams(f.Teams)
	v.customRoles(f.Roles)
	if len(v.problems) > 0 {
		return v.warnings, &ValidationError{Problems: v.problems}
	}
	return v.warnings, nil
}

// validator collects the problems and warnings of File.Validate.
type validator struct {
	problems, warnings []Problem
	roles              map[string]bool // the file's custom role names
}

func (v *validator) fail(path, format string, args ...any) {
	v.problems = append(v.problems, Problem{Path: path, Message: fmt.Sprintf(format, args...)})
}

// unique reports a value seen before at another path. key is the value as
// compared.
func (v *validator) unique(seen map[string]string, key, path, what string, value string) {
	if prev, ok := seen[key]; ok {
		v.fail(path, "%s %q is also at %s", what, cut(value), prev)
		return
	}
	seen[key] = path
}

func (v *validator) users(list []UserSpec) {
	names, emails := map[string]string{}, map[string]string{}
	for i, u := range list {
		path := fmt.Sprintf("users[%d]", i)
		if blank(u.UserName) {
			v.fail(path+".userName", "required")
		} else {
			v.unique(names, strings.ToLower(u.UserName), path+".userName", "userName", u.UserName)
		}
		if u.Email != "" {
			if !users.ValidEmail(u.Email) {
				v.fail(path+".email", "%q is not an email address (want local@domain)", cut(u.Email))
			} else {
				v.unique(emails, strings.ToLower(u.Email), path+".email", "email", u.Email)
			}
		}
		if u.DisplayName != "" && blank(u.DisplayName) {
			v.fail(path+".displayName", "must not be blank")
		}
		v.seat(path+".modelsSeat", u.ModelsSeat)
		v.seat(path+".weaveRole", u.WeaveRole)
		if u.OrganizationRole != "" {
			v.role(path+".organizationRole", u.OrganizationRole)
		}
		if strings.EqualFold(u.OrganizationRole, "viewer") {
			if u.ModelsSeat != "" && u.ModelsSeat != users.SeatViewer || u.WeaveRole != "" && u.WeaveRole != users.SeatViewer {
				v.fail(path+".organizationRole", `"viewer" gives viewer seats, which contradicts the modelsSeat or weaveRole given: write "member" with the seats wanted`)
			} else {
				v.warnings = append(v.warnings, Problem{Path: path + ".organizationRole", Message: `"viewer" is a legacy role that W&B stores as "member" ` +
					`with modelsSeat and weaveRole "viewer"; it is planned so (write it so to silence this warning)`})
			}
		}
	}
}

func (v *validator) seat(path string, s users.Seat) {
	if s != "" && !s.Valid() {
		v.fail(path, "%q is not a seat (want full, viewer or none)", cut(string(s)))
	}
}

// role checks a role name used for a user or a team member: a predefined
// role, or a custom role of the file (one of the organization is checked
// by Plan).
func (v *validator) role(path, name string) {
	if blank(name) {
		v.fail(path, "must not be blank (want admin, member, viewer or a custom role's name)")
	}
}

func (v *validator) teams(list []TeamSpec) {
	names := map[string]string{}
	for i, t := range list {
		path := fmt.Sprintf("teams[%d]", i)
		if blank(t.Name) {
			v.fail(path+".name", "required")
		} else {
			v.unique(names, strings.ToLower(t.Name), path+".name", "team", t.Name)
		}
		switch t.Membership {
		case "", Exact, Additive:
		default:
			v.fail(path+".membership", "%q: want %q (the default) or %q", cut(string(t.Membership)), Exact, Additive)
		}
		members := map[string]string{}
		for j, m := range t.Members {
			mpath := fmt.Sprintf("%s.members[%d]", path, j)
			if blank(m.UserName) {
				v.fail(mpath+".userName", "required")
			} else {
				v.unique(members, strings.ToLower(m.UserName), mpath+".userName", "member", m.UserName)
			}
			if m.Role != "" {
				v.role(mpath+".role", m.Role)
			}
		}
	}
}

func (v *validator) customRoles(list []RoleSpec) {
	names := map[string]string{}
	for i, r := range list {
		path := fmt.Sprintf("roles[%d]", i)
		switch {
		case blank(r.Name):
			v.fail(path+".name", "required")
		case users.PredefinedRole(r.Name):
			v.fail(path+".name", "%q is a predefined role, not a custom one", r.Name)
		default:
			v.unique(names, r.Name, path+".name", "role", r.Name)
		}
		switch r.InheritedFrom {
		case roles.InheritMember, roles.InheritViewer:
		case "":
			v.fail(path+".inheritedFrom", "required: %q or %q", roles.InheritMember, roles.InheritViewer)
		default:
			v.fail(path+".inheritedFrom", "%q: want %q or %q", cut(r.InheritedFrom), roles.InheritMember, roles.InheritViewer)
		}
		perms := map[string]string{}
		for j, p := range r.Permissions {
			ppath := fmt.Sprintf("%s.permissions[%d]", path, j)
			if !roles.ValidPermission(p) {
				v.fail(ppath, "%q is not a permission (want object:operation, such as run:stop)", cut(p))
				continue
			}
			v.unique(perms, p, ppath, "permission", p)
		}
	}
}

func blank(s string) bool { return resource.Blank(s) }

// similar reports whether an unknown key k looks like a misspelling of the
// key x: ignoring case, at most two letters differ (one for keys of four
// letters or fewer).
func similar(x, k string) bool {
	return distance(strings.ToLower(x), strings.ToLower(k)) <= min(2, (len(x)+1)/3)
}

// distance is the Levenshtein distance between a and b, in bytes.
func distance(a, b string) int {
	prev := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur := make([]int, len(b)+1)
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev = cur
	}
	return prev[len(b)]
}

func has(m map[string]any, k string) bool { _, ok := m[k]; return ok }

// join appends key to a JSON path.
func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// kind names a decoded JSON value's type for messages.
func kind(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// sortProblems orders problems as the file's schema does: users, teams,
// roles; array elements by index; an object's keys in the order File
// declares them, unknown keys last. Problems at the same path keep their
// order.
func sortProblems(ps []Problem) {
	slices.SortStableFunc(ps, func(a, b Problem) int { return comparePaths(a.Path, b.Path) })
}

// keyOrder is the rank of each key of the file format.
var keyOrder = []string{"users", "teams", "roles", "userName", "email", "displayName", "organizationRole", "modelsSeat",
	"weaveRole", "active", "name", "membership", "members", "role", "description", "inheritedFrom", "permissions"}

// comparePaths compares JSON paths such as "users[10].email" component by
// component.
func comparePaths(a, b string) int {
	pa, pb := pathParts(a), pathParts(b)
	for i := range min(len(pa), len(pb)) {
		if c := comparePart(pa[i], pb[i]); c != 0 {
			return c
		}
	}
	return len(pa) - len(pb)
}

// pathParts splits "users[10].email" into "users", "[10]", "email".
func pathParts(p string) []string {
	var out []string
	for _, dotted := range strings.Split(p, ".") {
		for dotted != "" {
			i := strings.IndexByte(dotted[1:], '[') + 1
			if i == 0 {
				i = len(dotted)
			}
			out = append(out, dotted[:i])
			dotted = dotted[i:]
		}
	}
	return out
}

func comparePart(a, b string) int {
	if strings.HasPrefix(a, "[") && strings.HasPrefix(b, "[") {
		na, _ := strconv.Atoi(strings.Trim(a, "[]"))
		nb, _ := strconv.Atoi(strings.Trim(b, "[]"))
		return na - nb
	}
	rank := func(k string) int {
		if i := slices.Index(keyOrder, k); i >= 0 {
			return i
		}
		return len(keyOrder)
	}
	return cmp.Or(rank(a)-rank(b), strings.Compare(a, b))
}

// cut bounds a value quoted in a message.
func cut(s string) string { return resource.Cut(s) }

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
