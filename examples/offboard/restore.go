package main

import (
	"context"
	"errors"
	"fmt"
	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
	"io"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/go-wandb/identity/examples/internal/exampleenv"
	"github.com/go-wandb/identity/scim/orgsync"
)

// restoreGrace is how long the changes in flight may finish after an
// interrupt of a restore.
const restoreGrace = 10 * time.Second

// restore brings back what the snapshot c.restore records, through orgsync:
// it builds an organization file holding the users (active, with their
// organization roles and seats) and their teams ("membership": "additive",
// with their team roles), plans it (orgsync.Syncer.Plan, which rules with
// the guard and marks what the deployment cannot do), prints the plan,
// asks for confirmation on a real W&B, and applies it (Syncer.Apply, with
// its removal budget, guard, target check and report). API keys are never
// restored: they are named as lost.
func restore(ctx context.Context, w io.Writer, c config) error {
	data, err := os.ReadFile(c.restore)
	if err != nil {
		return err
	}
	snap, err := readSnapshot(c.restore, data)
	if err != nil {
		return err
	}
	deployment := c.deployment
	if deployment == "" {
		// The kind of W&B the snapshot was taken on (and the simulator
		// imitates it); -deployment, when given, must agree.
		deployment = snap.Deployment
	}
	env, err := exampleenv.ConnectTo(w, c.live, deployment, simSeed(deployment))
	if err != nil {
		return err
	}
	defer env.Close()
	client := env.Client
	switch {
	case client.Deployment() != snap.Deployment:
		return fmt.Errorf("%s was taken on %s, and this W&B is %s (-deployment): nothing was changed", c.restore, snap.Deployment, client.Deployment())
	case !env.Simulated && !orgsync.SameBaseURL(snap.BaseURL, client.BaseURL()):
		return fmt.Errorf("%s was taken at the W&B at %s, not %s: nothing was changed", c.restore, snap.BaseURL, client.BaseURL())
	}
	if env.Simulated {
		fmt.Fprintf(w, "Restoring on a fresh simulator, where nobody was offboarded, not on %s, where the snapshot was taken "+
			"(to watch a restore bring users back, offboard and restore with -live against examples/simulator).\n", snap.BaseURL)
	}
	if c.dryRun {
		fmt.Fprintln(w, "Dry run: nothing is changed.")
	}
	fmt.Fprintf(w, "Snapshot %s, taken %s on %s: %s\n", c.restore, snap.TakenAt.Format(time.RFC3339), snap.Deployment, snap.Restorable)
	for _, u := range snap.Users {
		fmt.Fprintf(w, "%s (%s): -restore brings back %s\n", u.UserName, u.Email, u.Restore)
		if len(u.APIKeys) > 0 && !u.APIKeysDeleted {
			fmt.Fprintf(w, "  its %s (id %s) were not deleted by offboard; restore never makes or deletes keys\n",
				exampleenv.Count(len(u.APIKeys), "API key"), keyIDs(u.APIKeys))
		}
		for _, n := range u.NotRestorable {
			fmt.Fprintf(w, "  cannot be restored: %s\n", n)
		}
	}

	// A user inactive before offboarding and since deleted is not brought
	// back: W&B can only create a user active.
	gone := map[string]bool{}
	us := users.New(client)
	for _, u := range snap.Users {
		if u.Active {
			continue
		}
		switch _, err := us.FindByUserName(ctx, u.UserName); {
		case errors.Is(err, scim.ErrNotFound):
			gone[strings.ToLower(u.UserName)] = true
			fmt.Fprintf(w, "%s was inactive before offboarding and is no longer in the organization: not restored, "+
				"since W&B creates users active (create and deactivate it by hand if it must exist)\n", u.UserName)
		case err != nil:
			return fmt.Errorf("looking up %s: %w; nothing was changed", u.UserName, err)
		}
	}
	s := orgsync.New(client, orgsync.Options{})
	plan, err := s.Plan(ctx, snap.restoreFile(client.Deployment(), gone), orgsync.PlanOptions{InputDigest: orgsync.Digest(data)})
	if err != nil {
		return fmt.Errorf("planning the restore: %w; nothing was changed", err)
	}
	if err := plan.WriteText(w); err != nil {
		return err
	}
	switch {
	case plan.Empty():
		fmt.Fprintln(w, "Nothing to restore: the organization already holds what the snapshot records.")
		return nil
	case c.dryRun:
		fmt.Fprintln(w, "Changes are pending: run again without -dry-run to restore.")
		return exampleenv.ErrPending
	}
	if !env.Simulated {
		q := fmt.Sprintf("Restore as planned above (%s), in the W&B at %s?", exampleenv.Count(len(plan.Lines()), "change"), client.BaseURL())
		if err := exampleenv.Confirm(ctx, w, q, c.autoApprove); err != nil {
			return fmt.Errorf("%w; nothing was changed", err)
		}
	}
	opts := orgsync.ApplyOptions{}
	if c.journal != "" {
		j, err := orgsync.OpenJournal(c.journal)
		if err != nil {
			return fmt.Errorf("%w; nothing was changed", err)
		}
		defer j.Close()
		opts.Journal = j
		fmt.Fprintf(w, "Recording each change in the journal %s (orgsync -undo %s reverses them).\n", c.journal, c.journal)
	}
	return applyRestore(ctx, w, s, plan, opts)
}

// applyRestore applies plan with opts and prints its report. An interrupt
// (ctx's end) starts no new change; those in flight get restoreGrace to
// finish.
func applyRestore(ctx context.Context, w io.Writer, s *orgsync.Syncer, plan *orgsync.Plan, opts orgsync.ApplyOptions) error {
	var out sync.Mutex
	actx, stop, finish := exampleenv.Interruptible(ctx, restoreGrace, func() {
		out.Lock()
		defer out.Unlock()
		fmt.Fprintf(w, "Interrupted: no new change starts; waiting up to %s for those in flight.\n", restoreGrace)
	})
	opts.Stop = stop
	out.Lock()
	fmt.Fprintf(w, "Restoring (%s):\n", exampleenv.Count(len(plan.Lines()), "change"))
	out.Unlock()
	report, err := s.Apply(actx, plan, opts)
	finish()
	var ae *orgsync.ApplyError
	switch {
	case errors.As(err, &ae):
		report = ae.Report
	case err != nil:
		return fmt.Errorf("restoring: %w; nothing was changed", err)
	}
	if err := report.WriteText(w); err != nil {
		return err
	}
	if na := report.NotApplicable(); len(na) > 0 {
		fmt.Fprintf(w, "Not applicable on this deployment, not made (%s):\n  %s\n", s.Deployment(), strings.Join(na, "\n  "))
	}
	switch {
	case ae != nil && ae.Journal != nil:
		return fmt.Errorf("the restore stopped: %w", ae)
	case report.Stopped || ctx.Err() != nil && !report.Done():
		return fmt.Errorf("%w: %s Run -restore again to see what is left", exampleenv.ErrInterrupted, report.Summary())
	case ae != nil:
		return fmt.Errorf("the restore was not complete: %s", report.Summary())
	}
	return nil
}

// keyIDs lists the keys' IDs, comma-separated.
func keyIDs(keys []snapshotKey) string {
	ids := make([]string, len(keys))
	for i, k := range keys {
		ids[i] = k.ID
	}
	return strings.Join(ids, ", ")
}
