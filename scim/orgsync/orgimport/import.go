package orgimport

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/go-wandb/identity/scim/orgsync"
)

// Input is what Import reads.
type Input struct {
	// Preset gives the mapping's defaults; it is required.
	Preset Preset
	// Mapping, when set, is used instead of the preset's defaults
	// (DecodeMapping reads a mapping file over them).
	Mapping *Mapping
	// Users are user exports; Groups are group-member exports. Either
	// may be empty; a member must be a user of Users (or of Merge).
	Users, Groups []Source
	// Merge, when set, is an organization file (orgsync's format) to
	// merge with: its users, teams and roles that the sources do not
	// mention are kept as they are; a user the sources mention keeps the
	// fields they leave unset, and its userName.
	Merge *Source
	// Now is the time a termination date is compared with; zero means
	// time.Now().
	Now time.Time
}

// Result is what Import made.
type Result struct {
	// File is the organization file, sorted (users by userName, teams by
	// name, members by userName, roles by name) and valid for
	// orgsync.File.Validate.
	File *orgsync.File
	// Summary counts what was made and what was left out, and why.
	Summary Summary
	// Warnings are orgsync.File.Validate's warnings about the file.
	Warnings []orgsync.Problem
}

// Summary counts what Import made and what it left out.
type Summary struct {
	Users    int // users from the sources
	Inactive int // of them, "active": false
	Teams    int // teams from the sources
	Members  int // team members from the sources

	IgnoredUsers    int // users left out by ignoreUsers
	IgnoredGroups   int // groups left out by ignoreGroups
	NoTeamGroups    int // groups that make no team: a rule's noTeam, or no rule matches and otherGroups is "ignore"
	NonUserMembers  int // members that are not users: nested groups, devices…
	FlattenedGroups int // of them, nested groups whose members are among the inputs, flattened
	InactiveMembers int // memberships of inactive users, left out of teams
	IgnoredMembers  int // memberships of ignored users

	KeptUsers, KeptTeams, KeptRoles int // from the merge file, not mentioned by the sources
}

// String is the summary line.
func (s Summary) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s (%d inactive), %s, %s", count(s.Users, "user", "users"), s.Inactive,
		count(s.Teams, "team", "teams"), count(s.Members, "member", "members"))
	var left []string
	if s.IgnoredUsers > 0 {
		left = append(left, count(s.IgnoredUsers, "user", "users")+" by ignoreUsers")
	}
	if s.IgnoredGroups > 0 {
		left = append(left, count(s.IgnoredGroups, "group", "groups")+" by ignoreGroups")
	}
	if s.NoTeamGroups > 0 {
		left = append(left, count(s.NoTeamGroups, "group that makes", "groups that make")+" no team")
	}
	if n := s.NonUserMembers - s.FlattenedGroups; n > 0 {
		left = append(left, count(n, "non-user member", "non-user members"))
	}
	if s.InactiveMembers > 0 {
		left = append(left, count(s.InactiveMembers, "membership", "memberships")+" of inactive users")
	}
	if s.IgnoredMembers > 0 {
		left = append(left, count(s.IgnoredMembers, "membership", "memberships")+" of ignored users")
	}
	if len(left) > 0 {
		b.WriteString("; left out: " + strings.Join(left, ", "))
	}
	if s.FlattenedGroups > 0 {
		fmt.Fprintf(&b, "; %s flattened", count(s.FlattenedGroups, "nested group", "nested groups"))
	}
	if s.KeptUsers+s.KeptTeams+s.KeptRoles > 0 {
		fmt.Fprintf(&b, "; kept from the merge file: %s, %s, %s", count(s.KeptUsers, "user", "users"),
			count(s.KeptTeams, "team", "teams"), count(s.KeptRoles, "role", "roles"))
	}
	return b.String() + "."
}

// Import reads the exports of in and makes an organization file of them.
// It reads in and writes none of it, so one Input or Mapping may serve
// concurrent calls.
// Every problem of the inputs (a file that cannot be read, a row without
// an email, two rows with one email or userName, a status the mapping does
// not know, a member no user row names, an incomplete JSON member list,
// two groups that make one team exact and additive, a file that
// File.Validate refuses) is reported at once, each with its file and line
// or JSON path, in an *Error; Import then returns no file.
func Import(in Input) (*Result, error) {
	var m *Mapping
	if in.Mapping != nil {
		// A copy: compiling it must not write to the caller's, which
		// other goroutines may be using.
		c := *in.Mapping
		c.UserRules, c.Teams = slices.Clone(c.UserRules), slices.Clone(c.Teams)
		m = &c
	} else {
		var err error
		if m, err = in.Preset.Mapping(); err != nil {
			return nil, err
		}
	}
	if err := m.compile("the mapping"); err != nil {
		return nil, err
	}
	im := &importer{m: m, now: in.Now, byKey: map[string]int{}, ignored: map[string]bool{}, emails: map[string]int{}, names: map[string]int{}, groups: map[string]*group{},
		order: map[string]int{}}
	if im.now.IsZero() {
		im.now = time.Now()
	}
	for _, s := range in.Users {
		im.order[s.Name] = len(im.order) + 1
	}
	for _, s := range in.Groups {
		im.order[s.Name] = len(im.order) + 1
	}
	if in.Merge != nil {
		im.order[in.Merge.Name] = len(im.order) + 1
		im.readMerge(*in.Merge)
	}
	for _, s := range in.Users {
		im.readUsers(s)
	}
	for _, s := range in.Groups {
		im.readMembers(s)
	}
	f := im.build()
	if err := im.ps.err(im.order); err != nil {
		return nil, err
	}
	warnings, err := f.Validate()
	var verr *orgsync.ValidationError
	if errors.As(err, &verr) {
		for _, p := range verr.Problems {
			im.ps.add(Location{File: "the organization file", Path: p.Path}, "%s", p.Message)
		}
		return nil, im.ps.err(im.order)
	}
	return &Result{File: f, Summary: im.sum, Warnings: warnings}, nil
}

// importer holds what Import has read.
type importer struct {
	m   *Mapping
	now time.Time
	ps  problems
	sum Summary
	// order ranks the files for sorting problems: as given.
	order map[string]int

	users []*userRow
	// byKey finds a user by lower-cased email, userName or key; -1
	// when two users share the key.
	byKey map[string]int
	// emails and names find a user by lower-cased email and userName.
	emails, names map[string]int
	// ignored holds the lower-cased emails and keys of ignored users.
	ignored map[string]bool

	groups map[string]*group // by lower-cased name
	merge  *orgsync.File
	// mergeBy finds a user of the merge file by lower-cased userName,
	// or else by email.
	mergeBy map[string]*orgsync.UserSpec
}

// userRow is a user of the exports.
type userRow struct {
	at   Location
	spec orgsync.UserSpec
	// ruleMatched says, for each rule of UserRules with a field, whether
	// this user's field matched it.
	ruleMatched []bool
	groups      []string // the groups the user is in, effective members included
}

// member is a member of a group export, or a user in a group by a field
// of its user row.
type member struct {
	at   Location
	keys []string // the values that name it, in the order of GroupFields.Member
	user int      // the user's index when known (a user row's group field), else -1
	role string   // its team role by GroupFields.Roles, or ""
}

// group is a group of the exports.
type group struct {
	name    string
	at      Location // where it was first named
	members []member
	nested  []member // members that are groups
	// users are its own members' user indexes (with their team role
	// from the member), once resolved; nil before.
	users map[int]string
}

func (im *importer) group(name string, at Location) *group {
	key := strings.ToLower(name)
	g := im.groups[key]
	if g == nil {
		g = &group{name: name, at: at}
		im.groups[key] = g
	}
	return g
}

func (im *importer) readMerge(s Source) {
	f, err := orgsync.Decode(s.Data)
	var verr *orgsync.ValidationError
	switch {
	case errors.As(err, &verr):
		for _, p := range verr.Problems {
			im.ps.add(Location{File: s.Name, Path: p.Path}, "%s", p.Message)
		}
	case err != nil:
		im.ps.add(Location{File: s.Name}, "%s", strings.TrimPrefix(err.Error(), "orgsync: "))
	default:
		im.merge = f
		im.mergeBy = make(map[string]*orgsync.UserSpec, 2*len(f.Users))
		for i := range f.Users {
			mu := &f.Users[i]
			im.mergeBy[strings.ToLower(mu.UserName)] = mu
		}
		for i := range f.Users {
			if mu := &f.Users[i]; mu.Email != "" {
				if _, ok := im.mergeBy[strings.ToLower(mu.Email)]; !ok {
					im.mergeBy[strings.ToLower(mu.Email)] = mu
				}
			}
		}
	}
}

// readUsers reads a user export.
func (im *importer) readUsers(s Source) {
	uf := im.m.Users
	checked := false
	in := read(s, &im.ps, func(in *input, r *record) {
		if !checked {
			checked = true
			if !in.hasAny(uf.Email) {
				im.ps.add(in.header, "no email column: want %s (the mapping's users.email)%s", strings.Join(quoteAll(uf.Email), " or "), in.hint())
			}
		}
		if in.hasAny(uf.Email) {
			im.userRow(r)
		}
	})
	if in != nil && in.next != "" {
		im.ps.add(Location{File: s.Name}, "an incomplete list: its last page links to a next one (%s); save every page in the file", quote(in.next))
	}
}

func (im *importer) userRow(r *record) {
	uf := im.m.Users
	email := r.get(uf.Email)
	if email == "" {
		im.ps.add(r.at, "no email (%s is blank)", strings.Join(uf.Email, ", "))
		return
	}
	at := strings.LastIndex(email, "@")
	if at <= 0 || at == len(email)-1 || strings.ContainsAny(email, " \t") {
		im.ps.add(r.at, "%s is not an email address (want local@domain)", quote(email))
		return
	}
	keys := []string{strings.ToLower(email)}
	for _, k := range uf.Keys {
		if v := strings.TrimSpace(r.field(k)); v != "" {
			keys = append(keys, strings.ToLower(v))
		}
	}
	if im.ignoreUser(email) {
		im.sum.IgnoredUsers++
		for _, k := range keys {
			im.ignored[k] = true
		}
		return
	}
	u := &userRow{at: r.at, spec: orgsync.UserSpec{Email: email, UserName: r.get(uf.UserName)}}
	if u.spec.UserName == "" {
		u.spec.UserName = email[:at]
	}
	u.spec.DisplayName = r.get(uf.DisplayName)
	if u.spec.DisplayName == "" {
		u.spec.DisplayName = strings.TrimSpace(r.get(uf.FirstName) + " " + r.get(uf.LastName))
	}
	if status := r.get(uf.Status); status != "" {
		active, ok := im.m.Active[strings.ToLower(status)]
		if !ok {
			im.ps.add(r.at, "status %s is not in the mapping's \"active\" map (it has %s)", quote(status), strings.Join(knownStatuses(im.m.Active), ", "))
		}
		u.spec.Active = &active
	}
	if d := r.get(uf.TerminationDate); d != "" && d != "0000-00-00" {
		t, err := parseDate(d)
		switch {
		case err != nil:
			im.ps.add(r.at, "termination date %s: want YYYY-MM-DD", quote(d))
		case t.Before(im.now.UTC().Truncate(24 * time.Hour)):
			inactive := false
			u.spec.Active = &inactive
		}
	}
	for _, rule := range im.m.UserRules {
		if rule.value != nil {
			u.ruleMatched = append(u.ruleMatched, rule.value.MatchString(strings.TrimSpace(r.field(rule.Field))))
		} else {
			u.ruleMatched = append(u.ruleMatched, false)
		}
	}
	idx := len(im.users)
	if prev, dup := im.emails[keys[0]]; dup {
		im.ps.add(r.at, "email %s is also on %s", quote(email), im.users[prev].at)
		return
	}
	name := strings.ToLower(u.spec.UserName)
	if prev, dup := im.names[name]; dup {
		im.ps.add(r.at, "userName %s (of %s) is also the userName of %s on %s", quote(u.spec.UserName), quote(email),
			quote(im.users[prev].spec.Email), im.users[prev].at)
		return
	}
	im.users = append(im.users, u)
	im.emails[keys[0]], im.names[name] = idx, idx
	for _, k := range append(keys, name) {
		if prev, ok := im.byKey[k]; ok && prev != idx {
			im.byKey[k] = -1
		} else {
			im.byKey[k] = idx
		}
	}
	for _, g := range splitList(r.get(uf.Groups)) {
		gr := im.group(g, r.at)
		gr.members = append(gr.members, member{at: r.at, user: idx})
	}
}

// hint explains a header that has none of the columns wanted.
func (in *input) hint() string {
	if in.semicolons {
		return "; the file's fields are separated by \";\": save it as CSV with commas"
	}
	return ""
}

func knownStatuses(m map[string]bool) []string {
	var out []string
	for k := range m {
		out = append(out, quote(k))
	}
	slices.Sort(out)
	return out
}

func quoteAll(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = quote(n)
	}
	return out
}

// splitList splits "a; b" into "a", "b".
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ";") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

func parseDate(s string) (time.Time, error) {
	if t, err := time.Parse("2006-01-02", s); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, s)
}

// ignoreUser reports whether ignoreUsers names email.
func (im *importer) ignoreUser(email string) bool {
	iu := im.m.IgnoreUsers
	for _, e := range iu.Emails {
		if strings.EqualFold(strings.TrimSpace(e), email) {
			return true
		}
	}
	domain := email[strings.LastIndex(email, "@")+1:]
	for _, d := range iu.Domains {
		if strings.EqualFold(strings.TrimPrefix(strings.TrimSpace(d), "@"), domain) {
			return true
		}
	}
	for _, re := range iu.patterns {
		if re != nil && re.MatchString(email) {
			return true
		}
	}
	return false
}

// readMembers reads a group-member export.
func (im *importer) readMembers(s Source) {
	gf := im.m.Groups
	checked, usable := false, true
	fileGroup := s.groupName()
	var ms []member
	var groupsOf []string
	in := read(s, &im.ps, func(in *input, r *record) {
		if !checked {
			checked = true
			if !in.hasAny(gf.Member) {
				usable = false
				im.ps.add(in.header, "no member column: want %s (the mapping's groups.member)%s", strings.Join(quoteAll(gf.Member), " or "), in.hint())
			}
		}
		if !usable {
			return
		}
		var keys []string
		for _, k := range gf.Member {
			if v := strings.TrimSpace(r.field(k)); v != "" {
				keys = append(keys, v)
			}
		}
		name := r.get(gf.Group)
		if name == "" {
			name = fileGroup
		}
		mb := member{at: r.at, keys: keys, user: -1}
		if t := r.get(gf.Type); t != "" && !slices.ContainsFunc(gf.UserTypes, func(u string) bool { return strings.EqualFold(u, t) }) {
			if dn := r.get(Fields{"displayName", "Display name", "name"}); dn != "" {
				mb.keys = append(mb.keys, dn)
			}
			im.sum.NonUserMembers++
			g := im.group(name, r.at)
			g.nested = append(g.nested, mb)
			return
		}
		if len(keys) == 0 {
			im.ps.add(r.at, "no member (%s is blank)", strings.Join(gf.Member, ", "))
			return
		}
		if role := r.get(gf.Role); role != "" {
			mb.role = lookupFold(gf.Roles, role)
		}
		ms = append(ms, mb)
		groupsOf = append(groupsOf, name)
	})
	if in == nil {
		return
	}
	if in.next != "" {
		im.ps.add(Location{File: s.Name}, "an incomplete member list: its last page links to a next one (%s); "+
			"an exact team made from it would remove the members of the pages not saved, so save every page in the file", quote(in.next))
		return
	}
	if len(ms) == 0 && checked && usable {
		im.group(fileGroup, Location{File: s.Name}) // a group with no members is still a group
	}
	if !checked {
		im.group(fileGroup, Location{File: s.Name})
	}
	for i, mb := range ms {
		g := im.group(groupsOf[i], mb.at)
		g.members = append(g.members, mb)
	}
}

func lookupFold(m map[string]string, k string) string {
	return m[strings.ToLower(strings.TrimSpace(k))]
}
