package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// outcome is how a row ended.
type outcome int

const (
	notRun outcome = iota
	created
	reactivated
	present
	failed
)

// result is a row's outcome and what was done, or why it failed.
type result struct {
	outcome outcome
	detail  string
}

// apply carries out one step. A new user is created, then given its role,
// then added to its teams, so that a user never holds its teams' access
// without the role (a viewer, say, with a member's rights): when the role
// cannot be set, the new user is deleted again and the row fails having
// changed nothing. (The role was checked against the server first; this is
// for the server refusing it all the same.) A team that cannot be joined
// fails the row after the user exists with its role; a rerun adds it.
func apply(ctx context.Context, userSvc *users.Service, teamSvc *teams.Service, s *Step) result {
	if s.Err != nil {
		return result{failed, s.Err.Error()}
	}
	if err := ctx.Err(); err != nil {
		return result{notRun, "interrupted"}
	}
	var did []string
	u, out, setRole, setSeat, reactivate := s.User, present, s.SetRole, s.SetSeat, s.Reactivate
	if u == nil {
		nu, err := create(ctx, userSvc, s.Row)
		switch {
		case errors.Is(err, scim.ErrConflict):
			// Created since the lookup (or the user name is taken): look again.
			if nu, err = userSvc.FindByEmail(ctx, s.Row.Email); err != nil {
				return result{failed, fmt.Sprintf("the server reports a conflict, but no user has this email "+
					"(is the user name taken by another account?): %v", err)}
			}
			u = nu
			did = append(did, "created meanwhile by someone else")
			if s.Row.Role != "" && !hasRole(u, s.Row.Role) {
				setRole = s.Row.Role
			}
			if s.Row.Seat != "" && u.ModelsSeat != s.Row.Seat {
				setSeat = s.Row.Seat
			}
			reactivate = !u.Active
		case err != nil:
			return result{failed, err.Error()}
		default:
			u, out = nu, created
			did = append(did, "user "+u.UserName)
			if s.Row.Role != "" {
				did = append(did, "role "+s.Row.Role)
			}
		}
	}
	if reactivate {
		ru, err := userSvc.Reactivate(ctx, u.ID)
		if err != nil {
			return result{failed, fmt.Sprintf("%sreactivating: %v", prefix(did), err)}
		}
		u, out = ru, reactivated
		did = append(did, "was deactivated")
	}
	if setRole != "" {
		if _, err := userSvc.SetOrganizationRole(ctx, u.ID, setRole); err != nil {
			return result{failed, fmt.Sprintf("%ssetting role %s: %v", prefix(did), setRole, err)}
		}
		did = append(did, "role set to "+setRole)
	}
	if setSeat != "" {
		if _, err := userSvc.SetModelsSeat(ctx, u.ID, setSeat); err != nil {
			return result{failed, fmt.Sprintf("%ssetting seat %s: %v", prefix(did), setSeat, err)}
		}
		did = append(did, "seat set to "+string(setSeat))
	}
	for _, t := range s.Join {
		if out != created && isMember(u, t) {
			continue
		}
		if _, err := teamSvc.AddMembers(ctx, t.ID, []string{u.ID}); err != nil {
			return result{failed, fmt.Sprintf("%sadding to team %s: %v", prefix(did), t.DisplayName, err)}
		}
		did = append(did, "added to "+t.DisplayName)
	}
	if len(did) == 0 {
		did = append(did, "nothing to change")
	}
	return result{out, strings.Join(did, ", ")}
}

// create creates the row's user with its seats (viewer seats for the legacy
// role viewer, as W&B gives them) and then sets its organization role, unless
// it is member, the default. When the role cannot be set, it deletes the user
// again and returns an error that says whether that worked. Only the
// create's own error matches scim.ErrConflict.
func create(ctx context.Context, svc *users.Service, row Row) (*users.User, error) {
	p := users.CreateParams{Email: row.Email, UserName: row.UserName, ModelsSeat: row.Seat}
	if strings.EqualFold(row.Role, "viewer") {
		p.ModelsSeat, p.WeaveRole = users.SeatViewer, users.SeatViewer
	}
	u, err := svc.Create(ctx, p)
	if err != nil {
		return nil, fmt.Errorf("creating: %w", err)
	}
	if row.Role == "" || strings.EqualFold(row.Role, "member") {
		return u, nil
	}
	ru, err := svc.SetOrganizationRole(ctx, u.ID, row.Role)
	if err == nil {
		return ru, nil
	}
	if derr := svc.Delete(ctx, u.ID); derr != nil {
		return nil, fmt.Errorf("created user %s, but setting its role %s failed (%v), and deleting it again failed too (%v): "+
			"it exists without its role and teams; rerun provision to finish", u.UserName, row.Role, err, derr)
	}
	return nil, fmt.Errorf("setting role %s failed (%v), so the new user %s was deleted again: nothing was changed",
		row.Role, err, u.UserName)
}

// prefix returns what was done so far followed by "; ", or "".
func prefix(did []string) string {
	if len(did) == 0 {
		return ""
	}
	return strings.Join(did, ", ") + "; "
}
