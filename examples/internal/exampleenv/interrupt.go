package exampleenv

import (
	"context"
	"time"
)

// Interruptible prepares a run that changes an organization for an
// interrupt, the way terraform stops: when ctx ends (SIGINT, SIGTERM; see
// Main) stop is closed at once, so that no new change starts (give it to
// orgsync.ApplyOptions.Stop), and notice is called (to say so); the changes
// in flight keep the returned context for up to grace, then it is cancelled
// too. Call finish when the run returns: it stops the watch and releases the
// context.
func Interruptible(ctx context.Context, grace time.Duration, notice func()) (actx context.Context, stop <-chan struct{}, finish func()) {
	stopped := make(chan struct{})
	actx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	finished, watched := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(watched)
		select {
		case <-ctx.Done():
			close(stopped)
			if notice != nil {
				notice()
			}
			t := time.NewTimer(grace)
			defer t.Stop()
			select {
			case <-t.C:
				cancel()
			case <-finished:
			}
		case <-finished:
		}
	}()
	return actx, stopped, func() {
		close(finished)
		<-watched
		cancel()
	}
}
