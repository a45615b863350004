package orgimport

import (
	"cmp"
	"fmt"
	"regexp"
	"slices"
	"strings"

	"github.com/go-wandb/identity/scim/orgsync"
)

// teamOf is what a group becomes.
type teamOf struct {
	name       string // the team; "" when the group makes none
	role       string // the rule's team role, or ""
	membership orgsync.Membership
	ignored    bool // by ignoreGroups
	// problem says why the rules cannot be trusted for this group.
	problem string
}

// teamFor applies the mapping's group rules to a group's name: ignoreGroups
// first, then the rules of Teams in order, the first match winning, then
// otherGroups. A group that an ignoreGroups pattern or an earlier rule
// takes from a later rule naming it exactly (a pattern without
// metacharacters) is a problem: two rules claim it, and the one written
// for it would never apply.
func (m *Mapping) teamFor(group string) teamOf {
	for i, re := range m.ignoreGroups {
		if re != nil && re.MatchString(group) {
			return teamOf{ignored: true, problem: m.shadowed(group, -1, fmt.Sprintf("ignoreGroups[%d] (%s)", i, quote(m.IgnoreGroups[i])))}
		}
	}
	mode := cmp.Or(m.Membership, orgsync.Exact)
	for i, r := range m.Teams {
		if r.re == nil {
			continue
		}
		idx := r.re.FindStringSubmatchIndex(group)
		if idx == nil {
			continue
		}
		problem := m.shadowed(group, i, fmt.Sprintf("teams[%d] (%s)", i, quote(cmp.Or(r.Name, r.Group))))
		if r.NoTeam {
			return teamOf{problem: problem}
		}
		name := group
		if r.Team != "" {
			name = strings.TrimSpace(string(r.re.ExpandString(nil, r.Team, group, idx)))
		}
		if name == "" && problem == "" {
			problem = fmt.Sprintf("teams[%d] (%s) makes a team with an empty name of it", i, quote(cmp.Or(r.Name, r.Group)))
		}
		return teamOf{name: name, role: r.Role, membership: cmp.Or(r.Membership, mode), problem: problem}
	}
	other := m.OtherGroups
	if other == "" {
		other = "team"
		if len(m.Teams) > 0 {
			other = "ignore"
		}
	}
	if other == "team" {
		return teamOf{name: group, membership: mode}
	}
	return teamOf{}
}

// shadowed returns the problem of a group that winner takes although a
// later rule of Teams (after index after) names it exactly, or "".
func (m *Mapping) shadowed(group string, after int, winner string) string {
	for j := after + 1; j < len(m.Teams); j++ {
		r := m.Teams[j]
		if r.re != nil && (r.Name != "" || regexp.QuoteMeta(r.Group) == r.Group) && r.re.MatchString(group) {
			return fmt.Sprintf("group %s matches %s and teams[%d] (%s), which names it: the first wins, so teams[%d] never applies",
				quote(group), winner, j, quote(cmp.Or(r.Name, r.Group)), j)
		}
	}
	return ""
}

// resolve finds the user a member names: the index of its user row, or
// the userName of a user of the merge file, or, for an ignored user,
// ignored. It reports a member nobody names.
func (im *importer) resolve(mb member) (idx int, mergeName string, ignored bool) {
	if mb.user >= 0 {
		return mb.user, "", false
	}
	for _, k := range mb.keys {
		switch i, ok := im.byKey[strings.ToLower(k)]; {
		case ok && i < 0:
			im.ps.add(mb.at, "member %s names two users of the exports", quote(k))
			return -1, "", false
		case ok:
			return i, "", false
		}
	}
	for _, k := range mb.keys {
		if im.ignored[strings.ToLower(k)] || strings.Contains(k, "@") && im.ignoreUser(k) {
			return -1, "", true
		}
	}
	for _, k := range mb.keys {
		if u := im.mergeBy[strings.ToLower(k)]; u != nil {
			return -1, u.UserName, false
		}
	}
	im.ps.add(mb.at, "member %s: no user row names it", quote(mb.keys[0]))
	return -1, "", false
}

// direct returns g's own users (resolved once, problems reported once):
// user index → team role from the member.
func (im *importer) direct(g *group) map[int]string {
	if g.users != nil {
		return g.users
	}
	g.users = map[int]string{}
	for _, mb := range g.members {
		if i, _, _ := im.resolve(mb); i >= 0 {
			addRole(g.users, i, mb.role)
		}
	}
	return g.users
}

// effective returns g's users with those of the nested groups it lists
// that are among the inputs, transitively (cycles included), and how many
// of its nested members are such groups.
func (im *importer) effective(g *group) (users map[int]string, flattened int) {
	users = map[int]string{}
	for i, role := range im.direct(g) {
		users[i] = role
	}
	seen := map[*group]bool{g: true}
	queue := []*group{g}
	for len(queue) > 0 {
		h := queue[0]
		queue = queue[1:]
		for _, n := range h.nested {
			nested := im.nestedGroup(n)
			if h == g && nested != nil {
				flattened++
			}
			if nested == nil || seen[nested] {
				continue
			}
			seen[nested] = true
			queue = append(queue, nested)
			for i, role := range im.direct(nested) {
				addRole(users, i, role)
			}
		}
	}
	return users, flattened
}

// nestedGroup finds the group of the inputs a nested member names, by a
// name or an email's local part.
func (im *importer) nestedGroup(n member) *group {
	for _, k := range n.keys {
		if g := im.groups[strings.ToLower(k)]; g != nil {
			return g
		}
		if at := strings.LastIndex(k, "@"); at > 0 {
			if g := im.groups[strings.ToLower(k[:at])]; g != nil {
				return g
			}
		}
	}
	return nil
}

// addRole records user i with role, keeping the higher of two.
func addRole(users map[int]string, i int, role string) {
	if old, ok := users[i]; ok {
		role = higherRole(old, role)
	}
	users[i] = role
}

// higherRole returns the higher of two team roles: admin, then a custom
// role, then member (""), then viewer.
func higherRole(a, b string) string {
	rank := func(r string) int {
		switch strings.ToLower(r) {
		case "admin":
			return 3
		case "", "member":
			return 1
		case "viewer":
			return 0
		}
		return 2
	}
	if rank(b) > rank(a) {
		return b
	}
	return a
}

// build makes the file: teams from the groups, the users with their rules
// and defaults, the merge.
func (im *importer) build() *orgsync.File {
	type teamAcc struct {
		spec  orgsync.TeamSpec
		from  *group
		roles map[string]string // lower userName → role
		names map[string]string // lower userName → userName
	}
	teams := map[string]*teamAcc{}
	groupNames := make([]string, 0, len(im.groups))
	for k := range im.groups {
		groupNames = append(groupNames, k)
	}
	slices.Sort(groupNames)
	for _, key := range groupNames {
		g := im.groups[key]
		t := im.m.teamFor(g.name)
		if t.problem != "" {
			im.ps.add(g.at, "%s", t.problem)
		}
		if t.ignored {
			im.sum.IgnoredGroups++
			continue
		}
		// A group that makes no team still sets the rules of UserRules.
		users, flattened := im.effective(g)
		im.sum.FlattenedGroups += flattened
		for i := range users {
			im.users[i].groups = append(im.users[i].groups, g.name)
		}
		if t.name == "" {
			im.sum.NoTeamGroups++
			continue
		}
		acc := teams[strings.ToLower(t.name)]
		if acc == nil {
			acc = &teamAcc{spec: orgsync.TeamSpec{Name: t.name, Membership: t.membership}, from: g,
				roles: map[string]string{}, names: map[string]string{}}
			teams[strings.ToLower(t.name)] = acc
		} else if acc.spec.Membership != t.membership {
			im.ps.add(g.at, "group %s makes team %s %s, but group %s (%s) makes it %s", quote(g.name), quote(t.name), t.membership,
				quote(acc.from.name), acc.from.at, acc.spec.Membership)
		}
		add := func(name, role string) {
			k := strings.ToLower(name)
			if t.role != "" {
				role = t.role
			}
			if _, ok := acc.names[k]; ok {
				acc.roles[k] = higherRole(acc.roles[k], role)
				return
			}
			acc.names[k], acc.roles[k] = name, role
		}
		for i := range users {
			u := im.users[i]
			if u.spec.Active != nil && !*u.spec.Active {
				im.sum.InactiveMembers++
				continue
			}
			add(u.spec.UserName, users[i])
		}
		// Members that are users of the merge file only, and ignored ones.
		for _, mb := range g.members {
			if mb.user >= 0 {
				continue
			}
			i, mergeName, ignored := im.resolveQuiet(mb)
			switch {
			case ignored:
				im.sum.IgnoredMembers++
			case i < 0 && mergeName != "":
				add(mergeName, mb.role)
			}
		}
	}
	im.applyRules()

	f := &orgsync.File{}
	mentioned := map[string]bool{}
	for _, u := range im.users {
		mentioned[strings.ToLower(u.spec.UserName)] = true
		mentioned[strings.ToLower(u.spec.Email)] = true
	}
	mergeByName := im.mergeBy
	renamed := map[string]string{} // lower source userName → the merge file's userName
	for _, u := range im.users {
		spec := u.spec
		mu := mergeByName[strings.ToLower(spec.UserName)]
		if mu == nil {
			mu = mergeByName[strings.ToLower(spec.Email)]
		}
		if mu != nil {
			if !strings.EqualFold(mu.UserName, spec.UserName) {
				renamed[strings.ToLower(spec.UserName)] = mu.UserName
			}
			spec.UserName = mu.UserName
			spec.DisplayName = cmp.Or(spec.DisplayName, mu.DisplayName)
			spec.OrganizationRole = cmp.Or(spec.OrganizationRole, mu.OrganizationRole)
			spec.ModelsSeat = cmp.Or(spec.ModelsSeat, mu.ModelsSeat)
			spec.WeaveRole = cmp.Or(spec.WeaveRole, mu.WeaveRole)
			if spec.Active == nil {
				spec.Active = mu.Active
			}
		}
		d := im.m.Defaults
		spec.OrganizationRole = cmp.Or(spec.OrganizationRole, d.OrganizationRole)
		spec.ModelsSeat = cmp.Or(spec.ModelsSeat, d.ModelsSeat)
		spec.WeaveRole = cmp.Or(spec.WeaveRole, d.WeaveRole)
		f.Users = append(f.Users, spec)
		im.sum.Users++
		if spec.Active != nil && !*spec.Active {
			im.sum.Inactive++
		}
	}
	for _, acc := range teams {
		t := acc.spec
		t.Members = []orgsync.MemberSpec{}
		for k, name := range acc.names {
			if r, ok := renamed[k]; ok {
				name = r
			}
			role := acc.roles[k]
			if strings.EqualFold(role, "member") {
				role = ""
			}
			t.Members = append(t.Members, orgsync.MemberSpec{UserName: name, Role: role})
		}
		im.sum.Members += len(t.Members)
		f.Teams = append(f.Teams, t)
	}
	im.sum.Teams = len(f.Teams)
	if im.merge != nil {
		written := make(map[string]bool, len(f.Users))
		for _, u := range f.Users {
			written[strings.ToLower(u.UserName)] = true
		}
		for _, mu := range im.merge.Users {
			if !mentioned[strings.ToLower(mu.UserName)] && (mu.Email == "" || !mentioned[strings.ToLower(mu.Email)]) &&
				!written[strings.ToLower(mu.UserName)] {
				f.Users = append(f.Users, mu)
				im.sum.KeptUsers++
			}
		}
		for _, mt := range im.merge.Teams {
			if teams[strings.ToLower(mt.Name)] == nil {
				f.Teams = append(f.Teams, mt)
				im.sum.KeptTeams++
			}
		}
		f.Roles = append(f.Roles, im.merge.Roles...)
		im.sum.KeptRoles = len(im.merge.Roles)
	}
	sortFile(f)
	return f
}

// resolveQuiet is resolve without reporting (effective reported already).
func (im *importer) resolveQuiet(mb member) (int, string, bool) {
	n := len(im.ps.list)
	i, name, ignored := im.resolve(mb)
	im.ps.list = im.ps.list[:n]
	return i, name, ignored
}

// applyRules sets each user's organization role and seats by the first
// rule of UserRules that matches the user and sets the field.
func (im *importer) applyRules() {
	for _, u := range im.users {
		for i, r := range im.m.UserRules {
			matched := u.ruleMatched[i]
			if r.group != nil {
				matched = slices.ContainsFunc(u.groups, r.group.MatchString)
			}
			if !matched {
				continue
			}
			if u.spec.OrganizationRole == "" {
				u.spec.OrganizationRole = r.OrganizationRole
			}
			if u.spec.ModelsSeat == "" {
				u.spec.ModelsSeat = r.ModelsSeat
			}
			if u.spec.WeaveRole == "" {
				u.spec.WeaveRole = r.WeaveRole
			}
		}
	}
}

// sortFile orders f: users by userName, teams by name, members by
// userName (ignoring case, then exactly), roles by name.
func sortFile(f *orgsync.File) {
	names := func(a, b string) int {
		return cmp.Or(cmp.Compare(strings.ToLower(a), strings.ToLower(b)), cmp.Compare(a, b))
	}
	slices.SortFunc(f.Users, func(a, b orgsync.UserSpec) int { return names(a.UserName, b.UserName) })
	slices.SortFunc(f.Teams, func(a, b orgsync.TeamSpec) int { return names(a.Name, b.Name) })
	for _, t := range f.Teams {
		slices.SortFunc(t.Members, func(a, b orgsync.MemberSpec) int { return names(a.UserName, b.UserName) })
	}
	slices.SortFunc(f.Roles, func(a, b orgsync.RoleSpec) int { return cmp.Compare(a.Name, b.Name) })
}
