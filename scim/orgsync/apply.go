package orgsync

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"

	"github.com/go-wandb/identity/roles"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// ApplyOptions configure one Syncer.Apply.
type ApplyOptions struct {
	// MaxRemovals bounds the users deactivated plus the members removed;
	// the zero value is 10% of what the plan's file manages, rounded up.
	MaxRemovals Budget
	// OnResult, when set, is called after each change is done (applied,
	// failed or not attempted), one call at a time: for a progress line.
	OnResult func(Result)
}

// Status is what became of one change of a plan.
type Status string

// The statuses of a Result.
const (
	Applied      Status = "applied"
	Failed       Status = "failed"
	NotAttempted Status = "not attempted"
)

// Result is what became of one change of a plan: Change is its plan line,
// Err why it failed or was not attempted.
type Result struct {
	Change string
	Status Status
	Err    error
}

// MarshalJSON encodes the result as {"change", "status", "error"}.
func (r Result) MarshalJSON() ([]byte, error) {
	out := struct {
		Change string `json:"change"`
		Status Status `json:"status"`
		Error  string `json:"error,omitempty"`
	}{Change: r.Change, Status: r.Status}
	if r.Err != nil {
		out.Error = r.Err.Error()
	}
	return json.Marshal(out)
}

// String returns the result as a report line: the change, then what
// became of it unless it was applied.
func (r Result) String() string {
	switch r.Status {
	case Applied:
		return r.Change
	case NotAttempted:
		return r.Change + ": not attempted: " + r.Err.Error()
	}
	return r.Change + ": FAILED: " + r.Err.Error()
}

// Report is what Apply did: one Result per change, in the plan's order.
type Report struct {
	Results []Result `json:"results"`
}

// Count returns how many results have status s.
func (r *Report) Count(s Status) int {
	n := 0
	for _, x := range r.Results {
		if x.Status == s {
			n++
		}
	}
	return n
}

// Summary returns the report's one-line summary, such as
// "Applied 12 of 14 changes: 1 failed, 1 not attempted."
func (r *Report) Summary() string {
	applied, failed, skipped := r.Count(Applied), r.Count(Failed), r.Count(NotAttempted)
	if failed+skipped == 0 {
		return fmt.Sprintf("Applied %d %s.", applied, plural(applied, "change", "changes"))
	}
	return fmt.Sprintf("Applied %d of %d changes: %d failed, %d not attempted.", applied, len(r.Results), failed, skipped)
}

// WriteText writes one line per result and the summary.
func (r *Report) WriteText(w io.Writer) error {
	var b strings.Builder
	for _, x := range r.Results {
		b.WriteString("  " + x.String() + "\n")
	}
	b.WriteString(r.Summary() + "\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// ApplyError reports an Apply in which some changes failed or were not
// attempted; Report says what became of each. errors.Is and errors.As see
// the errors of the failed changes (a change refused because its resource
// changed since the plan matches scim.ErrPreconditionFailed).
type ApplyError struct {
	Report *Report
}

// Error implements error.
func (e *ApplyError) Error() string {
	failed, skipped := e.Report.Count(Failed), e.Report.Count(NotAttempted)
	msg := fmt.Sprintf("orgsync: %d of %d changes failed, %d not attempted", failed, len(e.Report.Results), skipped)
	for _, r := range e.Report.Results {
		if r.Status != Applied {
			return msg + "; first: " + r.String()
		}
	}
	return msg
}

// Unwrap returns the errors of the changes that failed.
func (e *ApplyError) Unwrap() []error {
	var out []error
	for _, r := range e.Report.Results {
		if r.Status == Failed {
			out = append(out, r.Err)
		}
	}
	return out
}

// BudgetError reports a plan whose removals exceed the removal budget;
// Apply then sends nothing.
type BudgetError struct {
	// Removals lists what the plan would take away (Plan.Removals).
	Removals []string
	// Limit is the most the budget allows for the plan.
	Limit int
	// Budget is the budget, and Managed what the file manages.
	Budget  Budget
	Managed int
}

// Error implements error.
func (e *BudgetError) Error() string {
	return fmt.Sprintf("orgsync: the plan removes %d (users deactivated and team members removed), more than the removal budget "+
		"allows: %s of the %d users and members the file lists is %d; nothing was applied", len(e.Removals), e.Budget, e.Managed, e.Limit)
}

// notAttemptedError is the error of a change that was not attempted.
type notAttemptedError struct{ msg string }

func (e *notAttemptedError) Error() string { return e.msg }

func notAttempted(format string, args ...any) error {
	return &notAttemptedError{fmt.Sprintf(format, args...)}
}

// errChanged reports a resource found changed since the plan was made by
// reading it, rather than by a 412.
func errChanged(format string, args ...any) error {
	return fmt.Errorf("%s since the plan was made: %w", fmt.Sprintf(format, args...), scim.ErrPreconditionFailed)
}

// Apply makes the changes of p, which Plan made or which was saved as JSON
// and decoded, in dependency order: roles, then users (creates, updates,
// reactivations), then team creates (with their members), then membership
// changes (one PATCH /scim/Groups/{id} per team, teams.ChangeMembers), then
// team roles (one PATCH /scim/Users/{id} per user), then deactivations.
// Within each step at most Options.Concurrency requests are in flight.
//
// Every update is conditional (If-Match) on the version the resource had
// when planned, or on the one Apply's own previous change returned; where
// Apply's own change moved a user's version without returning it (joining
// or leaving a team), the user is read again (GET /scim/Users/{id}) and
// checked against the plan first. A resource changed since the plan is
// refused (scim.ErrPreconditionFailed) and changes that depend on it are
// not attempted, while independent ones go on.
//
// A server that sends no version with its lists gives a plan without
// versions; Apply then reads each resource before changing it, refuses it
// when it no longer holds what the plan saw, and makes the change conditional
// on the version it read.
//
// Before sending anything, Apply checks p and refuses, with a
// *BudgetError, a plan whose removals exceed opts.MaxRemovals. When the
// plan deactivates or demotes someone, it reads the caller and the users
// again and refuses those changes that would now deactivate or demote the
// calling account or the last organization admin. When every change is
// applied it returns the Report; otherwise nil and an *ApplyError holding
// it.
func (s *Syncer) Apply(ctx context.Context, p *Plan, opts ApplyOptions) (*Report, error) {
	if err := s.checkPlan(p); err != nil {
		return nil, err
	}
	if err := opts.MaxRemovals.Check(p); err != nil {
		return nil, err
	}
	a := &applier{s: s, p: p, opts: opts,
		userIDs: map[string]string{}, versions: map[string]string{},
		stale: map[string]bool{}, failed: map[string]bool{}}
	protected, err := s.protected(ctx, p)
	if err != nil {
		return nil, err
	}
	a.protected = protected
	for _, u := range p.Users {
		if u.ID != "" {
			a.userIDs[strings.ToLower(u.UserName)] = u.ID
		}
	}
	a.results = make([]Result, 0, len(p.Lines()))
	for _, l := range p.Lines() {
		a.results = append(a.results, Result{Change: l})
	}
	for _, phase := range a.phases() {
		a.run(ctx, phase)
	}
	for i := range a.results {
		if a.results[i].Status == "" { // a new team's members, when the team was not attempted
			a.results[i].Status, a.results[i].Err = NotAttempted, notAttempted("the team was not created")
		}
	}
	r := &Report{Results: a.results}
	if r.Count(Applied) < len(r.Results) {
		return nil, &ApplyError{Report: r}
	}
	return r, nil
}

// removesAdmin reports whether c deactivates its user or demotes it from
// organization admin.
func removesAdmin(c UserChange) bool {
	return c.Action == Deactivate || slices.ContainsFunc(c.Fields, func(f FieldChange) bool {
		return f.Field == "organizationRole" && strings.EqualFold(f.From, "admin") && !strings.EqualFold(f.To, "admin")
	})
}

// protected checks again, at apply time, the rule the plan applied: the
// calling account and the last organization admin are never deactivated or
// demoted, however the organization changed since the plan (another admin
// demoted elsewhere). It returns the users whose change must not be made,
// with the reason, reading the caller and every user only when the plan
// deactivates or demotes someone.
func (s *Syncer) protected(ctx context.Context, p *Plan) (map[string]string, error) {
	var targets []string
	for _, c := range p.Users {
		if removesAdmin(c) {
			targets = append(targets, strings.ToLower(c.UserName))
		}
	}
	if len(targets) == 0 {
		return nil, nil
	}
	caller, err := s.users.Viewer(ctx)
	if err != nil {
		return nil, fmt.Errorf("orgsync: finding the calling account, which is never deactivated or demoted: %w", err)
	}
	admins := map[string]bool{}
	for u, err := range s.users.All(ctx, nil) {
		if err != nil && !errors.Is(err, scim.ErrIncomplete) {
			return nil, fmt.Errorf("orgsync: counting the organization's admins: %w", err)
		}
		if u != nil && u.Active && !u.IsServiceAccount() && strings.EqualFold(u.OrganizationRole, "admin") {
			admins[strings.ToLower(u.UserName)] = true
		}
	}
	out := map[string]string{}
	remaining := len(admins)
	for _, t := range targets {
		switch {
		case strings.EqualFold(t, caller.Username):
			out[t] = "protected: it is the calling account"
		case admins[t]:
			remaining--
		}
	}
	if remaining <= 0 { // every admin left would go: keep them all
		for _, t := range targets {
			if admins[t] {
				out[t] = "protected: the organization would have no admin left"
			}
		}
	}
	return out, nil
}

// checkPlan rejects a plan Apply cannot apply: another format, another
// deployment, or a change without the IDs it needs.
func (s *Syncer) checkPlan(p *Plan) error {
	switch {
	case p == nil:
		return errors.New("orgsync: nil plan")
	case p.Format != FormatVersion:
		return fmt.Errorf("orgsync: the plan has format %d; this version applies format %d", p.Format, FormatVersion)
	case p.MultiTenant != s.opts.MultiTenant:
		return fmt.Errorf("orgsync: the plan was made with MultiTenant %v, the Syncer has %v", p.MultiTenant, s.opts.MultiTenant)
	}
	for _, c := range p.Roles {
		if c.Action != Create && (c.Action != Update || c.ID == "") {
			return fmt.Errorf("orgsync: the plan's change %q has no role ID or an unknown action", c.String())
		}
	}
	for _, c := range p.Users {
		if c.Action != Create && c.ID == "" {
			return fmt.Errorf("orgsync: the plan's change %q has no user ID", c.String())
		}
	}
	for _, m := range p.Memberships {
		if m.TeamID == "" && !containsTeam(p.Teams, m.Team) {
			return fmt.Errorf("orgsync: the plan's change %q has no team ID, and the plan does not create the team", m.String())
		}
	}
	return nil
}

func containsTeam(ts []TeamChange, name string) bool {
	for _, t := range ts {
		if strings.EqualFold(t.Name, name) {
			return true
		}
	}
	return false
}

// applier is the state of one Apply.
type applier struct {
	s    *Syncer
	p    *Plan
	opts ApplyOptions

	mu       sync.Mutex
	userIDs  map[string]string // by lower-cased userName
	versions map[string]string // by resource ID: the version Apply's last change returned
	stale    map[string]bool   // user IDs whose version Apply's own change moved unseen
	failed   map[string]bool   // roleKey, userKey, teamKey, memberKey of the changes that failed
	results  []Result

	protected map[string]string // lower-cased userName: why its deactivation or demotion is refused

	report sync.Mutex // serialises OnResult
}

// step is one change to make; index is its place in the results.
type step struct {
	index int
	run   func(ctx context.Context) error
}

// phases returns the plan's changes as steps in dependency order; the steps
// of one phase are independent of each other.
func (a *applier) phases() [][]step {
	var roleSteps, userSteps, teamSteps, memberSteps, teamRoleSteps, deactivations []step
	i := 0
	next := func() int { i++; return i - 1 }
	for _, c := range a.p.Roles {
		roleSteps = append(roleSteps, step{next(), func(ctx context.Context) error { return a.role(ctx, c) }})
	}
	for _, c := range a.p.Users {
		st := step{index: next()}
		if reason, ok := a.protected[strings.ToLower(c.UserName)]; ok {
			st.run = func(context.Context) error {
				a.fail(userKey(c.UserName))
				return notAttempted("%s", reason)
			}
			userSteps = append(userSteps, st)
			continue
		}
		if c.Action == Deactivate {
			st.run = func(ctx context.Context) error { return a.deactivate(ctx, c) }
			deactivations = append(deactivations, st)
			continue
		}
		st.run = func(ctx context.Context) error { return a.user(ctx, c) }
		userSteps = append(userSteps, st)
	}
	teamIndex := map[string]int{}
	for _, c := range a.p.Teams {
		teamIndex[strings.ToLower(c.Name)] = next()
	}
	// A new team's members are sent with its create; their result is the
	// membership change's.
	newMembers, memberIndex := map[string]MembershipChange{}, map[string]int{}
	for _, m := range a.p.Memberships {
		idx := next()
		if m.TeamID == "" {
			newMembers[strings.ToLower(m.Team)], memberIndex[strings.ToLower(m.Team)] = m, idx
			continue
		}
		memberSteps = append(memberSteps, step{idx, func(ctx context.Context) error { return a.membership(ctx, m) }})
	}
	for _, c := range a.p.Teams {
		key := strings.ToLower(c.Name)
		m, midx := newMembers[key], -1
		if idx, ok := memberIndex[key]; ok {
			midx = idx
		}
		teamSteps = append(teamSteps, step{teamIndex[key], func(ctx context.Context) error { return a.createTeam(ctx, c.Name, m, midx) }})
	}
	for _, c := range a.p.TeamRoles {
		teamRoleSteps = append(teamRoleSteps, step{next(), func(ctx context.Context) error { return a.teamRoles(ctx, c) }})
	}
	return [][]step{roleSteps, userSteps, teamSteps, memberSteps, teamRoleSteps, deactivations}
}

// run runs steps with bounded concurrency and records their results.
func (a *applier) run(ctx context.Context, steps []step) {
	sem := make(chan struct{}, a.s.opts.Concurrency)
	var wg sync.WaitGroup
	for _, st := range steps {
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
		}
		if ctx.Err() != nil {
			a.done(st.index, notAttempted("%v", ctx.Err()))
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			a.done(st.index, st.run(ctx))
		}()
	}
	wg.Wait()
}

// done records the outcome of the change at index and reports it.
func (a *applier) done(index int, err error) {
	var na *notAttemptedError
	a.mu.Lock()
	r := &a.results[index]
	switch {
	case err == nil:
		r.Status = Applied
	case errors.As(err, &na):
		r.Status, r.Err = NotAttempted, err
	default:
		r.Status, r.Err = Failed, err
	}
	res := *r
	a.mu.Unlock()
	if a.opts.OnResult != nil {
		a.report.Lock()
		a.opts.OnResult(res)
		a.report.Unlock()
	}
}

// Keys of the failed map.
func roleKey(name string) string { return "role:" + name }
func userKey(name string) string { return "user:" + strings.ToLower(name) }
func teamKey(name string) string { return "team:" + strings.ToLower(name) }
func memberKey(team, user string) string {
	return "member:" + strings.ToLower(team) + ":" + strings.ToLower(user)
}

func (a *applier) fail(keys ...string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, k := range keys {
		a.failed[k] = true
	}
}

func (a *applier) hasFailed(k string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.failed[k]
}

// blockedByRole returns a not-attempted error when role is a custom role
// whose change failed.
func (a *applier) blockedByRole(role string) error {
	if role != "" && a.hasFailed(roleKey(role)) {
		return notAttempted("the change to role %s failed", role)
	}
	return nil
}

// seen records the version a change returned for resource id.
func (a *applier) seen(id, version string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.versions[id] = version
	delete(a.stale, id)
}

// moved records that Apply's own change moved the versions of the users
// ids without returning them.
func (a *applier) moved(ids []string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, id := range ids {
		a.stale[id] = true
	}
}

// userVersion returns the version to send as If-Match for a change to user
// id planned at version planned: the version Apply's last change to it
// returned, else the planned one; or, when Apply's own change moved it
// unseen or the plan has none (a server that sends no version in lists),
// that of the user read again, which it also returns for the caller to
// check against the plan.
func (a *applier) userVersion(ctx context.Context, id, planned string) (string, *users.User, error) {
	a.mu.Lock()
	stale := a.stale[id]
	v, ok := a.versions[id]
	a.mu.Unlock()
	switch {
	case stale, !ok && planned == "":
		// Apply's own change moved the version, or the server sent none
		// with the list the plan was made from: read the user, so the
		// caller checks it against the plan and sends its version.
		u, err := a.s.users.Get(ctx, id)
		if err != nil {
			return "", nil, err
		}
		return u.Meta.Version, u, nil
	case ok:
		return v, nil, nil
	}
	return planned, nil, nil
}

func (a *applier) userID(name string) string {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.userIDs[strings.ToLower(name)]
}

func (a *applier) role(ctx context.Context, c RoleChange) (err error) {
	defer func() {
		if err != nil {
			a.fail(roleKey(c.Name))
		}
	}()
	params := roles.Params{Name: c.Name, Description: c.Description, InheritedFrom: c.InheritedFrom, Permissions: c.Permissions}
	if c.Action == Create {
		_, err = a.s.roles.Create(ctx, params)
		return err
	}
	version := c.Version
	if version == "" { // a server that sends no version in lists: read it, and check
		r, err := a.s.roles.Get(ctx, c.ID)
		if err != nil {
			return err
		}
		if err := roleUnchanged(r, c); err != nil {
			return err
		}
		version = r.Meta.Version
	}
	if len(c.Fields) > 0 {
		_, err = a.s.roles.Replace(ctx, c.ID, params, scim.IfMatch(version))
		return err
	}
	if len(c.Add) > 0 {
		r, err := a.s.roles.AddPermissions(ctx, c.ID, c.Add, scim.IfMatch(version))
		if err != nil {
			return err
		}
		version = r.Meta.Version
	}
	if len(c.Remove) > 0 {
		_, err = a.s.roles.RemovePermissions(ctx, c.ID, c.Remove, scim.IfMatch(version))
	}
	return err
}

// wanted returns the attributes a change's fields set.
func wanted(fs []FieldChange) users.Attributes {
	var w users.Attributes
	for _, f := range fs {
		switch f.Field {
		case "email":
			w.Email = f.To
		case "displayName":
			w.DisplayName = f.To
		case "organizationRole":
			w.OrganizationRole = f.To
		case "modelsSeat":
			w.ModelsSeat = users.Seat(f.To)
		case "weaveRole":
			w.WeaveRole = users.Seat(f.To)
		}
	}
	return w
}

// operations returns the PATCH operations that set what changes describe,
// without those the deployment cannot make.
func (a *applier) operations(changes []users.AttributeChange) []scim.Operation {
	var ops []scim.Operation
	for _, c := range changes {
		if !(a.s.opts.MultiTenant && notOnMultiTenant(c.Attr)) {
			ops = append(ops, c.Operation())
		}
	}
	return ops
}

// user creates, updates or reactivates a user.
func (a *applier) user(ctx context.Context, c UserChange) (err error) {
	defer func() {
		if err != nil && a.userID(c.UserName) == "" {
			a.fail(userKey(c.UserName))
		}
	}()
	want := wanted(c.Fields)
	if err := a.blockedByRole(want.OrganizationRole); err != nil {
		return err
	}
	if c.Action == Create {
		u, err := a.s.users.Create(ctx, users.CreateParams{UserName: c.UserName, Email: want.Email,
			ModelsSeat: want.ModelsSeat, WeaveRole: want.WeaveRole})
		if err != nil {
			return err
		}
		a.mu.Lock()
		a.userIDs[strings.ToLower(c.UserName)] = u.ID
		a.mu.Unlock()
		a.seen(u.ID, u.Meta.Version)
		created := *u
		created.OrganizationRole = cmp.Or(created.OrganizationRole, "member") // W&B's default, not always in the reply
		ops := a.operations(users.Compare(&created, want))
		if len(ops) == 0 {
			return nil
		}
		patched, err := a.s.users.Patch(ctx, u.ID, ops, scim.IfMatch(u.Meta.Version))
		if err != nil {
			a.moved([]string{u.ID})
			return fmt.Errorf("the user was created (ID %s), but setting its attributes failed: %w", u.ID, err)
		}
		a.seen(u.ID, patched.Meta.Version)
		return nil
	}
	var ops []scim.Operation
	if c.Action == Reactivate {
		ops = append(ops, scim.Replace("", map[string]bool{"active": true}))
	}
	for _, f := range c.Fields {
		ops = append(ops, users.AttributeChange{Attr: f.Field, From: f.From, To: f.To}.Operation())
	}
	version, fresh, err := a.userVersion(ctx, c.ID, c.Version)
	if err != nil {
		a.fail(userKey(c.UserName))
		return err
	}
	if fresh != nil {
		if err := unchanged(fresh, c); err != nil {
			a.fail(userKey(c.UserName))
			return err
		}
	}
	u, err := a.s.users.Patch(ctx, c.ID, ops, scim.IfMatch(version))
	if err != nil {
		a.fail(userKey(c.UserName))
		return err
	}
	a.seen(u.ID, u.Meta.Version)
	return nil
}

// unchanged checks a user read at apply time against the state change c was
// planned from: the fields it changes still hold their From values, and a
// user to reactivate is still inactive.
func unchanged(u *users.User, c UserChange) error {
	if c.Action == Reactivate && u.Active {
		return errChanged("user %s was reactivated", c.UserName)
	}
	from := make([]FieldChange, len(c.Fields))
	for i, f := range c.Fields {
		from[i] = FieldChange{Field: f.Field, To: f.From}
	}
	if diff := users.Compare(u, wanted(from)); len(diff) > 0 {
		return errChanged("user %s's %s changed", c.UserName, diff[0].Attr)
	}
	return nil
}

// roleUnchanged checks a role read at apply time against the state change c
// was planned from.
func roleUnchanged(r *roles.Role, c RoleChange) error {
	for _, f := range c.Fields {
		if (f.Field == "description" && r.Description != f.From) || (f.Field == "inheritedFrom" && r.InheritedFrom != f.From) {
			return errChanged("role %s's %s changed", c.Name, f.Field)
		}
	}
	custom := r.CustomPermissions()
	for _, p := range c.Add {
		if slices.Contains(custom, p) {
			return errChanged("role %s gained %s", c.Name, p)
		}
	}
	for _, p := range c.Remove {
		if !slices.Contains(custom, p) {
			return errChanged("role %s lost %s", c.Name, p)
		}
	}
	return nil
}

// membersUnchanged checks a team read at apply time against the membership
// change planned for it: those to add are not members, those to remove are.
func membersUnchanged(t *teams.Team, name string, add, remove []string) error {
	member := func(id string) bool {
		return slices.ContainsFunc(t.Members, func(m teams.MemberRef) bool { return m.Value == id })
	}
	for _, id := range add {
		if member(id) {
			return errChanged("team %s's members changed", name)
		}
	}
	for _, id := range remove {
		if !member(id) {
			return errChanged("team %s's members changed", name)
		}
	}
	return nil
}

// resolve returns the IDs of refs, and the names of those without one (a
// user whose create failed).
func (a *applier) resolve(refs []UserRef) (ids, missing []string) {
	for _, r := range refs {
		id := r.ID
		if id == "" {
			id = a.userID(r.UserName)
		}
		if id == "" {
			missing = append(missing, r.UserName)
			continue
		}
		ids = append(ids, id)
	}
	return ids, missing
}

// notAdded is the error of a membership change that left out users whose
// create failed.
func notAdded(missing []string) error {
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("not added, since creating them failed: %s", strings.Join(missing, ", "))
}

// createTeam creates the team name with the members m adds (m's result is
// at midx, -1 when the team starts empty).
func (a *applier) createTeam(ctx context.Context, name string, m MembershipChange, midx int) error {
	ids, missing := a.resolve(m.Add)
	for _, u := range missing {
		a.fail(memberKey(name, u))
	}
	if _, err := a.s.teams.Create(ctx, teams.CreateParams{DisplayName: name, Members: ids}); err != nil {
		a.fail(teamKey(name))
		if midx >= 0 {
			a.done(midx, notAttempted("creating the team failed"))
		}
		return err
	}
	a.moved(ids)
	if midx >= 0 {
		a.done(midx, notAdded(missing))
	}
	return nil
}

// membership adds and removes the members of an existing team in one
// request.
func (a *applier) membership(ctx context.Context, m MembershipChange) error {
	add, missing := a.resolve(m.Add)
	for _, u := range missing {
		a.fail(memberKey(m.Team, u))
	}
	remove, _ := a.resolve(m.Remove)
	if len(add)+len(remove) == 0 {
		return notAttempted("%v", notAdded(missing))
	}
	version := m.Version
	if version == "" { // a server that sends no version in lists: read it, and check
		t, err := a.s.teams.Get(ctx, m.TeamID)
		if err == nil {
			err = membersUnchanged(t, m.Team, add, remove)
		}
		if err != nil {
			for _, u := range m.Add {
				a.fail(memberKey(m.Team, u.UserName))
			}
			return err
		}
		version = t.Meta.Version
	}
	_, err := a.s.teams.ChangeMembers(ctx, m.TeamID, teams.MemberChange{Add: add, Remove: remove}, scim.IfMatch(version))
	if err != nil {
		for _, u := range m.Add {
			a.fail(memberKey(m.Team, u.UserName))
		}
		return err
	}
	a.moved(append(add, remove...))
	return notAdded(missing)
}

// teamRoles sets one user's team roles in one request.
func (a *applier) teamRoles(ctx context.Context, c TeamRoleChange) error {
	id := c.UserID
	if id == "" {
		id = a.userID(c.UserName)
	}
	if id == "" || a.hasFailed(userKey(c.UserName)) {
		return notAttempted("the change to user %s failed", c.UserName)
	}
	var set []users.TeamRole
	var dropped []string
	for _, r := range c.Roles {
		if a.hasFailed(teamKey(r.Team)) || a.hasFailed(memberKey(r.Team, c.UserName)) || a.hasFailed(roleKey(r.To)) {
			dropped = append(dropped, r.Team)
			continue
		}
		set = append(set, users.TeamRole{TeamName: r.Team, RoleName: r.To})
	}
	if len(set) == 0 {
		return notAttempted("the team, role or membership change it needs failed")
	}
	version, fresh, err := a.userVersion(ctx, id, c.Version)
	if err != nil {
		return err
	}
	if fresh != nil {
		for _, r := range c.Roles {
			if !hasTeamRole(fresh, r.Team, r.From) {
				return errChanged("user %s's role in team %s changed", c.UserName, r.Team)
			}
		}
	}
	u, err := a.s.users.SetTeamRoles(ctx, id, set, scim.IfMatch(version))
	if err != nil {
		return err
	}
	a.seen(id, u.Meta.Version)
	if len(dropped) > 0 {
		return fmt.Errorf("not set in %s: the team, role or membership change it needs failed", strings.Join(dropped, ", "))
	}
	return nil
}

// hasTeamRole reports whether u's role in team is role.
func hasTeamRole(u *users.User, team, role string) bool {
	return users.SameRole(teamRole(u, team), role)
}

// deactivate deactivates a user, conditional on its version.
func (a *applier) deactivate(ctx context.Context, c UserChange) error {
	if a.hasFailed(userKey(c.UserName)) {
		return notAttempted("an earlier change to user %s failed", c.UserName)
	}
	version, fresh, err := a.userVersion(ctx, c.ID, c.Version)
	if err != nil {
		return err
	}
	if fresh != nil && !fresh.Active {
		return errChanged("user %s was deactivated", c.UserName)
	}
	_, err = a.s.users.Deactivate(ctx, c.ID, scim.IfMatch(version))
	return err
}
