package main

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/teams"
	"github.com/go-wandb/identity/users"
)

// validEmail accepts text@text without spaces; the server has the last word.
func validEmail(e string) bool {
	at := strings.LastIndex(e, "@")
	return at > 0 && at < len(e)-1 && !strings.ContainsAny(e, " \t,;")
}

// parseArgs returns the addresses given as arguments, each once (ignoring
// case). It reports every malformed one, by its position.
func parseArgs(args []string) ([]string, error) {
	var errs []error
	for i, a := range args {
		if !validEmail(strings.TrimSpace(a)) {
			errs = append(errs, fmt.Errorf("argument %d: %q is not an email address", i+1, a))
		}
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return dedupe(args), nil
}

// parseFile returns the addresses in content, the file name: one a line,
// blank lines and lines starting with "#" skipped, each address once
// (ignoring case). It reports every malformed line as "name:line: ...".
func parseFile(name string, content []byte) ([]string, error) {
	var (
		out  []string
		errs []error
	)
	sc := bufio.NewScanner(bytes.NewReader(content))
	for line := 1; sc.Scan(); line++ {
		e := strings.TrimSpace(sc.Text())
		switch {
		case e == "" || strings.HasPrefix(e, "#"):
		case validEmail(e):
			out = append(out, e)
		default:
			errs = append(errs, fmt.Errorf("%s:%d: %q is not an email address", name, line, e))
		}
	}
	if err := sc.Err(); err != nil {
		errs = append(errs, fmt.Errorf("%s: %w", name, err))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return dedupe(out), nil
}

// dedupe returns the addresses of the lists in order, each once (ignoring
// case), trimmed.
func dedupe(lists ...[]string) []string {
	var out []string
	seen := map[string]bool{}
	for _, list := range lists {
		for _, e := range list {
			e = strings.TrimSpace(e)
			if !seen[strings.ToLower(e)] {
				seen[strings.ToLower(e)] = true
				out = append(out, e)
			}
		}
	}
	return out
}

// plan is what offboarding one user takes, in the order it is done: its API
// keys deleted (-revoke-keys), removal from its teams, then deactivation
// or, with -delete, deletion.
type plan struct {
	Revoke     []users.APIKey // API keys to delete
	Remove     []*teams.Team  // teams to remove the user from
	Deactivate bool           // the user is still active
	Delete     bool           // -delete: the user is deleted instead
}

// planFor returns the plan for u given every team of the organization: remove
// it from each team that lists it as a member or that the user's groups name,
// and deactivate it if it is active.
func planFor(u *users.User, all []*teams.Team) plan {
	p := plan{Deactivate: u.Active}
	for _, t := range all {
		if slices.ContainsFunc(t.Members, func(m teams.MemberRef) bool { return m.Value == u.ID }) ||
			slices.ContainsFunc(u.Groups, func(g users.GroupRef) bool { return g.Value == t.ID }) {
			p.Remove = append(p.Remove, t)
		}
	}
	return p
}

// forDeletion turns p into the plan of -delete: the user is deleted
// (whether active or not) instead of deactivated.
func (p plan) forDeletion() plan {
	p.Deactivate, p.Delete = false, true
	return p
}

func (p plan) empty() bool {
	return len(p.Revoke) == 0 && len(p.Remove) == 0 && !p.Deactivate && !p.Delete
}

// keys names the keys p deletes: "2 API keys (ids K1, K2)".
func (p plan) keys() string {
	ids := make([]string, len(p.Revoke))
	for i, k := range p.Revoke {
		ids[i] = k.ID
	}
	return fmt.Sprintf("%s (id %s)", exampleenv.Count(len(p.Revoke), "API key"), strings.Join(ids, ", "))
}

func (p plan) teamNames() string {
	names := make([]string, len(p.Remove))
	for i, t := range p.Remove {
		names[i] = t.DisplayName
	}
	return strings.Join(names, ", ")
}

// String says what the plan will do ("delete 1 API key (id K1); remove
// from a, b; deactivate").
func (p plan) String() string {
	var parts []string
	if len(p.Revoke) > 0 {
		parts = append(parts, "delete "+p.keys())
	}
	if len(p.Remove) > 0 {
		parts = append(parts, "remove from "+p.teamNames())
	}
	switch {
	case p.Delete:
		parts = append(parts, "DELETE the user")
	case p.Deactivate:
		parts = append(parts, "deactivate")
	}
	return strings.Join(parts, "; ")
}

// past says what the plan did.
func (p plan) past() string {
	var parts []string
	if len(p.Revoke) > 0 {
		parts = append(parts, "deleted "+p.keys())
	}
	if len(p.Remove) > 0 {
		parts = append(parts, "removed from "+p.teamNames())
	}
	switch {
	case p.Delete:
		parts = append(parts, "deleted the user")
	case p.Deactivate:
		parts = append(parts, "deactivated")
	default:
		parts = append(parts, "was already inactive")
	}
	return strings.Join(parts, "; ")
}
