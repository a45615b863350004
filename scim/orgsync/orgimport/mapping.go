package orgimport

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"maps"
	"regexp"
	"strings"

	"github.com/go-wandb/identity/scim/orgsync"
	"github.com/go-wandb/identity/users"
)

// Fields names the column or JSON field that gives a value, or several,
// tried in order (the first that is not blank wins). In the mapping file it
// is a string or an array of strings. Names are compared ignoring case and
// surrounding space; a JSON field is a dotted path ("profile.email").
type Fields []string

// UnmarshalJSON accepts "name" or ["name", ...].
func (f *Fields) UnmarshalJSON(b []byte) error {
	var one string
	if err := json.Unmarshal(b, &one); err == nil {
		*f = Fields{one}
		return nil
	}
	var many []string
	if err := json.Unmarshal(b, &many); err != nil {
		return errors.New("want a column name or an array of them")
	}
	*f = many
	return nil
}

// Mapping says how exports become an organization file. A Preset gives
// the defaults for a vendor's exports; a mapping file (DecodeMapping)
// changes what it names and keeps the rest. The README has a full sample.
type Mapping struct {
	// Users says which column or JSON field gives each user field.
	Users UserFields `json:"users"`
	// Groups says how to read a group-member export.
	Groups GroupFields `json:"groups"`
	// Active maps a status value (compared ignoring case and surrounding
	// space) to whether the user is active: "SUSPENDED": false. A status
	// the map lacks is a problem.
	Active map[string]bool `json:"active"`
	// Defaults are the organization role and seats of a user that no
	// rule of UserRules sets. The presets make everyone a "member" and
	// leave the seats unmanaged ("" leaves a field unmanaged).
	Defaults Defaults `json:"defaults"`
	// UserRules set a user's organization role and seats by group or
	// attribute. For each field, the first rule that matches the user and
	// sets it wins.
	UserRules []UserRule `json:"userRules"`
	// Teams are the group → team rules, tried in order; the first whose
	// pattern matches a group's whole name (ignoring case) wins. A group
	// that an earlier rule (or IgnoreGroups) takes from a later rule that
	// names it exactly, without metacharacters, is a problem: two rules
	// claim it, and the one written for it would never apply.
	Teams []TeamRule `json:"teams"`
	// OtherGroups is what becomes of a group no rule of Teams matches:
	// "team" (a team of the same name) or "ignore". The default is "team"
	// when Teams is empty and "ignore" otherwise.
	OtherGroups string `json:"otherGroups"`
	// Membership is the membership mode of the teams: "exact" (the
	// default) or "additive"; a rule of Teams may say otherwise.
	Membership orgsync.Membership `json:"membership"`
	// IgnoreGroups are patterns of group names (whole name, ignoring
	// case) that make no team and set no rule of UserRules: as if the
	// exports did not have them.
	IgnoreGroups []string `json:"ignoreGroups"`
	// IgnoreUsers are users left out of the file, and of every team.
	IgnoreUsers IgnoreUsers `json:"ignoreUsers"`

	ignoreGroups []*regexp.Regexp
}

// UserFields are the columns (or JSON fields) of a user export.
type UserFields struct {
	// Email is required on every row; it is compared lower-case. Entra's
	// userPrincipalName is not its mail, and is not used unless named.
	Email Fields `json:"email"`
	// UserName is the W&B userName; empty: the email's local part.
	UserName Fields `json:"userName"`
	// DisplayName, or else FirstName and LastName joined by a space.
	DisplayName Fields `json:"displayName"`
	FirstName   Fields `json:"firstName"`
	LastName    Fields `json:"lastName"`
	// Status is looked up in Mapping.Active.
	Status Fields `json:"status"`
	// TerminationDate (YYYY-MM-DD, or RFC 3339) in the past makes a user
	// inactive; blank or "0000-00-00" is none.
	TerminationDate Fields `json:"terminationDate"`
	// Keys are other fields that name the user in member exports (an
	// Okta ID or login, an Entra object ID or userPrincipalName).
	Keys Fields `json:"keys"`
	// Groups is a field holding the groups the user is in, separated by
	// ";" (an HR export's department): each is a group as if a member
	// export listed the user.
	Groups Fields `json:"groups"`
}

// GroupFields are the columns (or JSON fields) of a group-member export.
type GroupFields struct {
	// Group names the member's group; when the export has no such field,
	// the group is the file's base name.
	Group Fields `json:"group"`
	// Member are the fields that name the member: an email, a user name or
	// a key of UserFields.Keys, matched against every user.
	Member Fields `json:"member"`
	// Type is the member's type; UserTypes are the values (ignoring case)
	// that are users. A member of another type (a group, a device) is left
	// out and counted, and a nested group whose own members are among the
	// inputs is flattened into its parent. A blank type is a user.
	Type      Fields   `json:"type"`
	UserTypes []string `json:"userTypes"`
	// Role is the member's role in the group; Roles maps its values
	// (ignoring case) to team roles ("OWNER": "admin"). A value the map
	// lacks gives the team role "member".
	Role  Fields            `json:"role"`
	Roles map[string]string `json:"roles"`
}

// Defaults are a user's fields that no rule sets.
type Defaults struct {
	OrganizationRole string     `json:"organizationRole"`
	ModelsSeat       users.Seat `json:"modelsSeat"`
	WeaveRole        users.Seat `json:"weaveRole"`
}

// UserRule sets some of a user's fields when the user is in a group whose
// whole name matches Group (a regular expression, ignoring case), or when
// the user's Field matches Equals (ignoring case) or Pattern (a regular
// expression on the whole value). A rule has Group or Field, not both.
type UserRule struct {
	Group   string `json:"group,omitempty"`
	Field   string `json:"field,omitempty"`
	Equals  string `json:"equals,omitempty"`
	Pattern string `json:"pattern,omitempty"`

	OrganizationRole string     `json:"organizationRole,omitempty"`
	ModelsSeat       users.Seat `json:"modelsSeat,omitempty"`
	WeaveRole        users.Seat `json:"weaveRole,omitempty"`

	group, value *regexp.Regexp
}

// TeamRule makes a team of the group named Name (exactly, ignoring case)
// or of each group whose whole name matches Group, a regular expression
// (ignoring case); a rule has one of them. The team's name is Team with
// $1, $2… the pattern's captures (empty: the group's name), its members'
// role Role ("" for member, or admin, viewer, a custom role), its
// membership mode Membership (empty: Mapping.Membership). With NoTeam, the
// group makes no team, but its members still get the rules of UserRules
// that name it.
type TeamRule struct {
	Name       string             `json:"name,omitempty"`
	Group      string             `json:"group,omitempty"`
	NoTeam     bool               `json:"noTeam,omitempty"`
	Team       string             `json:"team,omitempty"`
	Role       string             `json:"role,omitempty"`
	Membership orgsync.Membership `json:"membership,omitempty"`

	re *regexp.Regexp
}

// IgnoreUsers are the users left out, by email (ignoring case), by the
// domain of their email, or by a regular expression on the email.
type IgnoreUsers struct {
	Emails   []string `json:"emails,omitempty"`
	Domains  []string `json:"domains,omitempty"`
	Patterns []string `json:"patterns,omitempty"`

	patterns []*regexp.Regexp
}

// DecodeMapping reads a mapping file over the preset's defaults: each key
// the file has replaces the preset's (the maps "active", "groups.roles"
// are merged, the file's values winning). name is the file's name for
// messages. Unknown keys, values of the wrong type, bad patterns and
// seats are reported at once in an *Error.
func DecodeMapping(name string, data []byte, p Preset) (*Mapping, error) {
	m, err := p.Mapping()
	if err != nil {
		return nil, err
	}
	presetActive, presetRoles := maps.Clone(m.Active), maps.Clone(m.Groups.Roles)
	var ps problems
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(m); err != nil {
		at := jsonErrorAt(name, data, dec, err)
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			at.Line = 1 + bytes.Count(data[:min(max(te.Offset, 0), int64(len(data)))], []byte("\n"))
			at.Path = te.Field
			ps.add(at, "want %s, not a JSON %s", te.Type, te.Value)
		} else {
			ps.add(at, "%s", strings.TrimPrefix(err.Error(), "json: "))
		}
		return nil, ps.err(nil)
	}
	if _, err := dec.Token(); err != io.EOF {
		ps.add(Location{File: name}, "the file holds more than one JSON value")
		return nil, ps.err(nil)
	}
	// The file's value maps are merged into the preset's, keys compared
	// ignoring case, the file's entries winning.
	var over struct {
		Active map[string]bool `json:"active"`
		Groups struct {
			Roles map[string]string `json:"roles"`
		} `json:"groups"`
	}
	json.Unmarshal(data, &over) // decoded above: cannot fail
	m.Active = mergeFold(presetActive, over.Active)
	m.Groups.Roles = mergeFold(presetRoles, over.Groups.Roles)
	if err := m.compile(name); err != nil {
		return nil, err
	}
	return m, nil
}

// mergeFold returns base with the entries of over, keys lower-cased and
// trimmed.
func mergeFold[V any](base, over map[string]V) map[string]V {
	if base == nil && over == nil {
		return nil
	}
	out := make(map[string]V, len(base)+len(over))
	for k, v := range base {
		out[strings.ToLower(strings.TrimSpace(k))] = v
	}
	for k, v := range over {
		out[strings.ToLower(strings.TrimSpace(k))] = v
	}
	return out
}

// compile checks m and compiles its patterns; name locates the problems.
func (m *Mapping) compile(name string) error {
	var ps problems
	at := func(path string) Location { return Location{File: name, Path: path} }
	compile := func(path, pattern string) *regexp.Regexp {
		re, err := regexp.Compile(`(?i)^(?:` + pattern + `)$`)
		if err != nil {
			ps.add(at(path), "%s is not a regular expression: %v", quote(pattern), err)
		}
		return re
	}
	m.Active = mergeFold(m.Active, nil)
	m.Groups.Roles = mergeFold(m.Groups.Roles, nil)
	if len(m.Users.Email) == 0 {
		ps.add(at("users.email"), "required: the column or field with the email")
	}
	membership := func(path string, v orgsync.Membership) {
		switch v {
		case "", orgsync.Exact, orgsync.Additive:
		default:
			ps.add(at(path), "%s: want %q or %q", quote(string(v)), orgsync.Exact, orgsync.Additive)
		}
	}
	seat := func(path string, s users.Seat) {
		if s != "" && !s.Valid() {
			ps.add(at(path), "%s is not a seat (want full, viewer or none)", quote(string(s)))
		}
	}
	membership("membership", m.Membership)
	seat("defaults.modelsSeat", m.Defaults.ModelsSeat)
	seat("defaults.weaveRole", m.Defaults.WeaveRole)
	switch m.OtherGroups {
	case "", "team", "ignore":
	default:
		ps.add(at("otherGroups"), "%s: want \"team\" or \"ignore\"", quote(m.OtherGroups))
	}
	for i := range m.UserRules {
		r := &m.UserRules[i]
		path := fmt.Sprintf("userRules[%d]", i)
		switch {
		case (r.Group == "") == (r.Field == ""):
			ps.add(at(path), `want "group" or "field", one of them`)
		case r.Group != "":
			if r.Equals != "" || r.Pattern != "" {
				ps.add(at(path), `"equals" and "pattern" go with "field", not "group"`)
			}
			r.group = compile(path+".group", r.Group)
		case r.Equals != "" && r.Pattern != "":
			ps.add(at(path), `want "equals" or "pattern", not both`)
		case r.Pattern != "":
			r.value = compile(path+".pattern", r.Pattern)
		default:
			r.value = regexp.MustCompile(`(?i)^` + regexp.QuoteMeta(strings.TrimSpace(r.Equals)) + `$`)
		}
		if r.OrganizationRole == "" && r.ModelsSeat == "" && r.WeaveRole == "" {
			ps.add(at(path), `sets nothing: want "organizationRole", "modelsSeat" or "weaveRole"`)
		}
		seat(path+".modelsSeat", r.ModelsSeat)
		seat(path+".weaveRole", r.WeaveRole)
	}
	for i := range m.Teams {
		r := &m.Teams[i]
		path := fmt.Sprintf("teams[%d]", i)
		switch {
		case (r.Group == "") == (r.Name == ""):
			ps.add(at(path), `want "name" (a group's name) or "group" (a pattern of group names), one of them`)
			continue
		case r.Name != "":
			r.re = regexp.MustCompile(`(?i)^` + regexp.QuoteMeta(strings.TrimSpace(r.Name)) + `$`)
		default:
			r.re = compile(path+".group", r.Group)
		}
		membership(path+".membership", r.Membership)
		if r.re != nil && r.Team != "" {
			for _, ref := range regexp.MustCompile(`\$\{?(\d+)`).FindAllStringSubmatch(r.Team, -1) {
				var n int
				fmt.Sscan(ref[1], &n)
				if n > r.re.NumSubexp() {
					ps.add(at(path+".team"), "$%d: the pattern has %s", n, count(r.re.NumSubexp(), "capture", "captures"))
				}
			}
		}
	}
	m.IgnoreUsers.patterns = nil
	for i, p := range m.IgnoreUsers.Patterns {
		m.IgnoreUsers.patterns = append(m.IgnoreUsers.patterns, compile(fmt.Sprintf("ignoreUsers.patterns[%d]", i), p))
	}
	m.ignoreGroups = nil
	for i, p := range m.IgnoreGroups {
		m.ignoreGroups = append(m.ignoreGroups, compile(fmt.Sprintf("ignoreGroups[%d]", i), p))
	}
	return ps.err(nil)
}
