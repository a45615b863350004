package orgsync

import (
	"context"
	"errors"
	"fmt"
	"maps"
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
	// OnResult, when set, is called after each change is settled, one call
	// at a time: for a progress line.
	OnResult func(Result)
	// Stop, when closed, makes Apply start no further change: those in
	// flight finish (cancel Apply's context to cut them short), the others
	// are reported NotStarted. A program closes it on SIGINT and cancels
	// the context a bounded time later.
	Stop <-chan struct{}
	// Journal, when set, records each change as it settles (one line per
	// change of Plan.Changes, synced before the change's worker starts
	// another), for an audit trail and for PlanUndo. A journal that cannot
	// be written stops the apply: no further change starts.
	Journal *Journal
}

// Apply makes the changes of p, which Plan made or which was saved as JSON
// and decoded, in dependency order: roles, then users (creates, updates,
// reactivations, promotions to organization admin), then demotions, team
// creates (with their members), membership changes (one PATCH
// /scim/Groups/{id} per team, teams.ChangeMembers), team roles (one PATCH
// /scim/Users/{id} per user), and deactivations last. Within each step at
// most Options.Concurrency requests are in flight.
//
// Before sending anything, Apply refuses, with a *TargetError, a plan made
// against another organization (Plan.Target: base URL, deployment, and the
// organization as the server reports it), and with a *BudgetError one
// whose removals exceed opts.MaxRemovals. It then reads the organization
// (the caller, GraphQL GetViewer, and one walk each of users, teams and
// roles) to check that each change's ID still names the resource the plan
// named, refusing the change otherwise (ErrNotSameResource), and rules on
// the deactivations and demotions again with a Guard: the calling account
// and the last organization admin are never deactivated or demoted, and
// promotions count first, so a plan that hands the admin role over is
// applied.
//
// Every update is conditional (If-Match) on the version the resource had
// when planned, or on the one Apply's own previous change returned; where
// Apply's own change moved a user's version without returning it (joining
// or leaving a team), the user is read again (GET /scim/Users/{id}) and
// checked against the plan first. A resource changed since the plan is
// refused (scim.ErrPreconditionFailed); changes that depend on a change
// that failed are not attempted, while independent ones go on.
//
// A change whose reply is lost (scim.ErrOutcomeUnknown, a gateway's 5xx, a
// dropped connection, the context ended in flight) is read back: Applied
// when the server holds it, Failed when it does not, Unknown when reading
// fails. A change the server refuses as unsupported on its deployment is
// split: the other fields are applied, the refused one reported not
// applicable. When every change is applied or not applicable Apply returns
// the Report; otherwise nil and an *ApplyError holding it.
func (s *Syncer) Apply(ctx context.Context, p *Plan, opts ApplyOptions) (*Report, error) {
	if err := s.checkPlan(p); err != nil {
		return nil, err
	}
	if err := s.checkTarget(p); err != nil {
		return nil, err
	}
	if err := opts.MaxRemovals.Check(p); err != nil {
		return nil, err
	}
	now, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	here := Target{BaseURL: s.client.BaseURL(), Deployment: s.client.Deployment()}
	if err := checkOrganization(p, here, now.organization); err != nil {
		return nil, err
	}
	a := &applier{s: s, p: p, opts: opts, now: now, guard: newGuard(now.caller, now.userList),
		userIDs: map[string]string{}, teamIDs: map[string]string{}, versions: map[string]string{}, requestIDs: map[int]string{}, pending: map[int]map[int]error{},
		stale: map[string]bool{}, failed: map[string]bool{}, refused: map[int]error{}}
	for _, u := range p.Users {
		if u.ID != "" {
			a.userIDs[strings.ToLower(u.UserName)] = u.ID
		}
		// A user the server's incomplete list left out is read, so the guard
		// rules on its role rather than on nothing.
		_, listed := now.users[u.ID]
		if !listed && !now.completeUsers && (u.Action == Deactivate || slices.ContainsFunc(u.Fields, demotion)) {
			found, err := s.users.Get(ctx, u.ID)
			switch {
			case err == nil:
				a.guard.Observe(found)
			case !gone(err):
				return nil, fmt.Errorf("orgsync: reading user %s, which the plan deactivates or demotes: %w", cut(u.UserName), err)
			}
		}
	}
	a.results = make([]Result, 0, len(p.Lines()))
	for _, l := range p.Lines() {
		a.results = append(a.results, Result{Change: l})
	}
	a.changes = p.changesByLine()
	for _, ph := range a.phases() {
		if ph.before != nil {
			ph.before()
		}
		a.run(ctx, ph.steps)
	}
	for i := range a.results {
		switch {
		case a.results[i].Status != "":
		case a.stopped(ctx) != "": // a new team's members, when the team was not started
			a.done(i, &notStartedError{a.stopped(ctx)})
		default: // or not attempted
			a.done(i, notAttempted("the team was not created"))
		}
	}
	r := &Report{Results: a.results}
	r.Stopped = r.Count(NotStarted) > 0
	if a.journalErr != nil || !r.Done() {
		return nil, &ApplyError{Report: r, Journal: a.journalErr}
	}
	return r, nil
}

// checkPlan rejects a plan Apply cannot apply: another format, or a change
// without the IDs it needs.
func (s *Syncer) checkPlan(p *Plan) error {
	switch {
	case p == nil:
		return errors.New("orgsync: nil plan")
	case p.Format != FormatVersion:
		return fmt.Errorf("orgsync: the plan has format %d; this version applies format %d (plan again)", p.Format, FormatVersion)
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
	s     *Syncer
	p     *Plan
	opts  ApplyOptions
	now   *current
	guard *Guard

	mu       sync.Mutex
	userIDs  map[string]string // by lower-cased userName
	teamIDs  map[string]string // of the teams Apply created, by lower-cased name
	versions map[string]string // by resource ID: the version Apply's last change returned
	stale    map[string]bool   // user IDs whose version Apply's own change moved unseen
	failed   map[string]bool   // roleKey, userKey, teamKey, memberKey of the changes that failed
	refused  map[int]error     // by result index: the guard's refusals at apply time
	results  []Result
	// changes are the plan's changes (Plan.Changes) of each result, for
	// the journal; journalErr is the journal's first write error.
	changes    [][]Change
	journalErr error
	requestIDs map[int]string // by result index: the request ID of its last reply
	// pending are, by the index of the step that settled them, the
	// outcomes of other results (a new team's members, settled by its
	// create), recorded after that step's own.
	pending map[int]map[int]error

	report sync.Mutex // serialises OnResult
}

// step is one change to make; index is its place in the results.
type step struct {
	index int
	run   func(ctx context.Context) error
}

// phase is steps independent of each other, and what to do before them.
type phase struct {
	before func()
	steps  []step
}

// removal is a user change that deactivates or demotes, at its result index.
type removal struct {
	index int
	c     UserChange
}

// phases returns the plan's changes as steps in dependency order.
func (a *applier) phases() []phase {
	var roleSteps, userSteps, demoteSteps, teamSteps, memberSteps, teamRoleSteps, deactivations []step
	var promotions, removals []removal
	i := 0
	next := func() int { i++; return i - 1 }
	for _, c := range a.p.Roles {
		idx := next()
		roleSteps = append(roleSteps, step{idx, func(ctx context.Context) error { return a.role(ctx, c) }})
	}
	for _, c := range a.p.Users {
		idx := next()
		switch {
		case c.Action == Deactivate:
			removals = append(removals, removal{idx, c})
			deactivations = append(deactivations, step{idx, func(ctx context.Context) error {
				if err := a.refusal(idx, c); err != nil {
					return err
				}
				return a.deactivate(ctx, c)
			}})
		case slices.ContainsFunc(c.Fields, demotion):
			removals = append(removals, removal{idx, c})
			demoteSteps = append(demoteSteps, step{idx, func(ctx context.Context) error {
				if err := a.refusal(idx, c); err != nil {
					return err
				}
				return a.user(ctx, idx, c)
			}})
		default:
			if slices.ContainsFunc(c.Fields, promotion) {
				promotions = append(promotions, removal{idx, c})
			}
			userSteps = append(userSteps, step{idx, func(ctx context.Context) error { return a.user(ctx, idx, c) }})
		}
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
		tidx := teamIndex[key]
		teamSteps = append(teamSteps, step{tidx, func(ctx context.Context) error { return a.createTeam(ctx, tidx, c.Name, m, midx) }})
	}
	for _, c := range a.p.TeamRoles {
		teamRoleSteps = append(teamRoleSteps, step{next(), func(ctx context.Context) error { return a.teamRoles(ctx, c) }})
	}
	rule := func() { a.rule(promotions, removals) }
	return []phase{{steps: roleSteps}, {steps: userSteps}, {before: rule, steps: demoteSteps},
		{steps: teamSteps}, {steps: memberSteps}, {steps: teamRoleSteps}, {steps: deactivations}}
}

// rule asks the guard, once the promotions were made, which deactivations
// and demotions it refuses: promotions that were applied count first.
func (a *applier) rule(promotions, removals []removal) {
	var changes []GuardChange
	a.mu.Lock()
	for _, p := range promotions {
		r := a.results[p.index]
		if r.Status == Applied && !slices.Contains(r.NotApplicable, "organizationRole") {
			changes = append(changes, GuardChange{UserName: p.c.UserName, Action: GuardPromote,
				Activates: p.c.Action == Create || p.c.Action == Reactivate})
		}
	}
	a.mu.Unlock()
	n := len(changes)
	for _, r := range removals {
		g := GuardChange{UserName: r.c.UserName, Action: GuardDemote, Named: r.c.Reason != reasonPruned}
		if r.c.Action == Deactivate {
			g.Action = GuardDeactivate
		}
		changes = append(changes, g)
	}
	errs := a.guard.CheckAll(changes)
	a.mu.Lock()
	defer a.mu.Unlock()
	for i, r := range removals {
		if err := errs[n+i]; err != nil {
			a.refused[r.index] = err
		}
	}
}

// refusal returns the guard's refusal of the change at index, if any,
// marking the user's changes failed.
func (a *applier) refusal(index int, c UserChange) error {
	a.mu.Lock()
	err := a.refused[index]
	a.mu.Unlock()
	if err != nil {
		a.fail(userKey(c.UserName))
	}
	return err
}

// stopped returns why no further change may start ("" when one may).
func (a *applier) stopped(ctx context.Context) string {
	if ctx.Err() != nil {
		return ctx.Err().Error()
	}
	a.mu.Lock()
	jerr := a.journalErr
	a.mu.Unlock()
	if jerr != nil {
		return "the journal could not be written"
	}
	select {
	case <-a.opts.Stop:
		return "stopped"
	default:
		return ""
	}
}

// run runs steps with bounded concurrency and records their results.
func (a *applier) run(ctx context.Context, steps []step) {
	sem := make(chan struct{}, a.s.opts.Concurrency)
	var wg sync.WaitGroup
	for _, st := range steps {
		acquired := false
		select {
		case sem <- struct{}{}:
			acquired = true
		case <-ctx.Done():
		case <-a.opts.Stop:
		}
		if why := a.stopped(ctx); why != "" {
			if acquired {
				<-sem
			}
			a.done(st.index, &notStartedError{why})
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			sctx, box := withRequestIDs(ctx)
			err := st.run(sctx)
			a.setRequestID(st.index, requestIDOf(box, err))
			a.done(st.index, err)
			a.settlePending(st.index)
		}()
	}
	wg.Wait()
}

// done records the outcome of the change at index and reports it.
func (a *applier) done(index int, err error) {
	var (
		na  *notAttemptedError
		ns  *notStartedError
		uk  *unknownError
		nap *notApplicableError
		pe  *partialError
	)
	a.mu.Lock()
	r := &a.results[index]
	switch {
	case err == nil:
		r.Status = Applied
	case errors.As(err, &pe):
		r.Status, r.Err = Partial, err
	case errors.As(err, &na):
		r.Status, r.Err = NotAttempted, err
	case errors.As(err, &ns):
		r.Status, r.Err = NotStarted, err
	case errors.As(err, &uk):
		r.Status, r.Err = Unknown, err
	case errors.As(err, &nap):
		r.Status, r.Err = NotApplicable, err
	default:
		r.Status, r.Err = Failed, err
	}
	res := *r
	a.mu.Unlock()
	a.record(index, res, err)
	if a.opts.OnResult != nil {
		a.report.Lock()
		a.opts.OnResult(res)
		a.report.Unlock()
	}
}

// settleAfter records the outcome of the result at index, settled by the
// step at owner, to be recorded once that step's own is.
func (a *applier) settleAfter(owner, index int, err error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.pending[owner] == nil {
		a.pending[owner] = map[int]error{}
	}
	a.pending[owner][index] = err
}

// settlePending records the outcomes the step at owner settled for others.
func (a *applier) settlePending(owner int) {
	a.mu.Lock()
	pending := a.pending[owner]
	delete(a.pending, owner)
	a.mu.Unlock()
	for _, i := range slices.Sorted(maps.Keys(pending)) {
		a.done(i, pending[i])
	}
}

// notApplicable records that the server refused field of the change at
// index as unsupported.
func (a *applier) notApplicable(index int, field string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.results[index].NotApplicable = append(a.results[index].NotApplicable, field)
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

// failedFor marks keys failed when err says the change was not applied
// (not when it was, or its outcome is unknown), and returns err.
func (a *applier) failedFor(err error, keys ...string) error {
	var uk *unknownError
	if err != nil && !errors.As(err, &uk) {
		a.fail(keys...)
	}
	return err
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

// moved records that Apply's own change moved (or may have moved) the
// versions of the users ids without returning them.
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

// created reports whether Apply created the user id.
func (a *applier) created(id string) bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	for _, c := range a.p.Users {
		if c.Action == Create && a.userIDs[strings.ToLower(c.UserName)] == id {
			return true
		}
	}
	return false
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
	for _, id := range add {
		if isMember(t, id) {
			return errChanged("team %s's members changed", name)
		}
	}
	for _, id := range remove {
		if !isMember(t, id) {
			return errChanged("team %s's members changed", name)
		}
	}
	return nil
}

func isMember(t *teams.Team, id string) bool {
	return slices.ContainsFunc(t.Members, func(m teams.MemberRef) bool { return m.Value == id })
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
	return &partialError{msg: "not added, since creating them failed: " + strings.Join(missing, ", "), notMade: missing}
}

// hasTeamRole reports whether u's role in team is role.
func hasTeamRole(u *users.User, team, role string) bool {
	return users.SameRole(teamRole(u, team), role)
}

// gone reports whether err says the resource does not exist.
func gone(err error) bool { return errors.Is(err, scim.ErrNotFound) }
