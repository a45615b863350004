package orgsync

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

// ErrGuarded matches (errors.Is) every refusal of a Guard.
var ErrGuarded = errors.New("refused by the guard")

// GuardAction is a change a Guard rules on.
type GuardAction string

// The changes a Guard rules on. GuardPromote never is refused; it counts,
// in Guard.CheckAll, as an admin the organization gains.
const (
	GuardDeactivate GuardAction = "deactivate"
	GuardDelete     GuardAction = "delete"
	GuardDemote     GuardAction = "demote"
	GuardPromote    GuardAction = "promote"
)

// GuardReason is why a Guard refuses a change.
type GuardReason string

// The reasons of a GuardError.
const (
	// ReasonCaller: the user is the calling account; the program would lock
	// itself out.
	ReasonCaller GuardReason = "it is the calling account"
	// ReasonLastAdmin: the organization would have no admin left.
	ReasonLastAdmin GuardReason = "it is the last organization admin"
	// ReasonServiceAccount: the user is a service account that the
	// operator did not name.
	ReasonServiceAccount GuardReason = "it is a service account, touched only when named"
)

// GuardError is a change a Guard refuses, and why. It matches ErrGuarded.
type GuardError struct {
	UserName string
	Action   GuardAction
	Reason   GuardReason
}

// Error implements error: "refusing to deactivate ada: it is the calling
// account".
func (e *GuardError) Error() string {
	return fmt.Sprintf("refusing to %s %s: %s", e.Action, cut(e.UserName), e.Reason)
}

// Is makes a GuardError match ErrGuarded.
func (e *GuardError) Is(target error) bool { return target == ErrGuarded }

// GuardChange is one change put to Guard.CheckAll.
type GuardChange struct {
	// UserName names the user, as SCIM reports its userName (compared
	// ignoring case).
	UserName string
	Action   GuardAction
	// Named says the operator named this user (a file's entry, a
	// command-line argument) rather than selecting it (a prune). Only a
	// named service account may be deactivated or deleted.
	Named bool
	// Activates says a promotion also makes its user active (a create, a
	// reactivation): the promotion of a user who is inactive, and stays so,
	// gives the organization no admin.
	Activates bool
}

// Guard is the rule every program that changes an organization keeps, at
// plan time and again at apply time: the calling account and the last
// organization admin are never deactivated, deleted or demoted, and a
// service account is touched only when named. It rules on the organization
// as NewGuard read it (plus what Observe adds), so build a new one before
// each apply. It is safe for concurrent use.
type Guard struct {
	caller string // the calling account's lower-cased username

	mu       sync.Mutex
	admins   map[string]bool // lower-cased userNames of the active, human organization admins
	service  map[string]bool // lower-cased userNames of service accounts
	inactive map[string]bool // lower-cased userNames of deactivated users
	complete bool
}

// NewGuard reads what the guard needs through client: the calling account
// (users.Service.Viewer, GraphQL GetViewer) and the organization's users
// (GET /scim/Users, walked whole) to know its admins and service accounts.
// A walk the server ends early (scim.ErrIncomplete) is kept: the guard then
// knows fewer admins, so it refuses more, never less; Complete says so, and
// Observe adds users learnt otherwise.
func NewGuard(ctx context.Context, client *scim.Client) (*Guard, error) {
	svc := users.New(client)
	caller, err := svc.Viewer(ctx)
	if err != nil {
		return nil, fmt.Errorf("orgsync: finding the calling account, which is never deactivated, deleted or demoted: %w", err)
	}
	var list []*users.User
	complete := true
	for u, err := range svc.All(ctx, nil) {
		if err != nil {
			if !errors.Is(err, scim.ErrIncomplete) {
				return nil, fmt.Errorf("orgsync: reading the organization's admins: %w", err)
			}
			complete = false
			break
		}
		list = append(list, u)
	}
	g := newGuard(caller.Username, list)
	g.complete = complete
	return g, nil
}

// newGuard returns the guard of an organization whose caller and users are
// known.
func newGuard(caller string, list []*users.User) *Guard {
	g := &Guard{caller: strings.ToLower(caller), admins: map[string]bool{}, service: map[string]bool{},
		inactive: map[string]bool{}, complete: true}
	for _, u := range list {
		g.observe(u)
	}
	return g
}

// Caller returns the calling account's username, lower-cased.
func (g *Guard) Caller() string { return g.caller }

// Complete reports whether NewGuard read every user of the organization.
func (g *Guard) Complete() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.complete
}

// Admins returns the lower-cased userNames of the organization's active
// human admins, sorted.
func (g *Guard) Admins() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	out := make([]string, 0, len(g.admins))
	for a := range g.admins {
		out = append(out, a)
	}
	slices.Sort(out)
	return out
}

// Observe records u as read after NewGuard (a user looked up by name that
// an incomplete walk missed, or read again), so the guard rules on its
// current role, state and account type.
func (g *Guard) Observe(u *users.User) {
	if u == nil {
		return
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	g.observe(u)
}

func (g *Guard) observe(u *users.User) {
	name := strings.ToLower(u.UserName)
	delete(g.admins, name)
	delete(g.service, name)
	delete(g.inactive, name)
	switch {
	case u.IsServiceAccount():
		g.service[name] = true
	case !u.Active:
		g.inactive[name] = true
	case u.Active && strings.EqualFold(u.OrganizationRole, "admin"):
		g.admins[name] = true
	}
}

// CheckDeactivate returns a *GuardError when deactivating the user
// userName is refused (named: the operator named it), else nil.
func (g *Guard) CheckDeactivate(userName string, named bool) error {
	return g.CheckAll([]GuardChange{{UserName: userName, Action: GuardDeactivate, Named: named}})[0]
}

// CheckDelete returns a *GuardError when deleting the user userName is
// refused (named: the operator named it), else nil.
func (g *Guard) CheckDelete(userName string, named bool) error {
	return g.CheckAll([]GuardChange{{UserName: userName, Action: GuardDelete, Named: named}})[0]
}

// CheckDemote returns a *GuardError when taking the organization admin
// role from userName is refused, else nil.
func (g *Guard) CheckDemote(userName string) error {
	return g.CheckAll([]GuardChange{{UserName: userName, Action: GuardDemote, Named: true}})[0]
}

// CheckAll rules on a set of changes made together, returning one error
// per change (nil when allowed), in the order of changes. Every promotion
// counts first, as Apply makes it first: a set that promotes bob and
// demotes ada, the only admin, hands the admin role over and is allowed.
// Removals (deactivations, deletions, demotions) are then taken in order,
// and the one that would leave no admin is refused, as is any change to
// the caller and to a service account not named. A user's promotion and
// removal in one set count as a removal, and the promotion of a user who is
// inactive and stays so counts for nothing.
func (g *Guard) CheckAll(changes []GuardChange) []error {
	g.mu.Lock()
	defer g.mu.Unlock()
	admins := make(map[string]bool, len(g.admins))
	for a := range g.admins {
		admins[a] = true
	}

	removed := map[string]bool{}
	for _, c := range changes {
		if c.Action != GuardPromote {
			removed[strings.ToLower(c.UserName)] = true
		}
	}
	for _, c := range changes {
		name := strings.ToLower(c.UserName)
		if c.Action == GuardPromote && !removed[name] && !g.service[name] && (!g.inactive[name] || c.Activates) {
			admins[name] = true
		}
	}
	errs := make([]error, len(changes))
	for i, c := range changes {
		if c.Action == GuardPromote {
			continue
		}
		name := strings.ToLower(c.UserName)
		refuse := func(r GuardReason) { errs[i] = &GuardError{UserName: c.UserName, Action: c.Action, Reason: r} }
		switch {
		case name == g.caller:
			refuse(ReasonCaller)
		case g.service[name] && !c.Named && c.Action != GuardDemote:
			refuse(ReasonServiceAccount)
		case admins[name] && len(admins) == 1:
			refuse(ReasonLastAdmin)
		default:
			delete(admins, name)
		}
	}
	return errs
}
