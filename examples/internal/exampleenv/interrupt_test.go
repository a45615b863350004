package exampleenv

import (
	"context"
	"sync/atomic"
	"testing"
	"time"
)

func TestInterruptible(t *testing.T) {
	t.Parallel()
	t.Run("finished without an interrupt", func(t *testing.T) {
		t.Parallel()
		var noticed atomic.Bool
		actx, stop, finish := Interruptible(context.Background(), time.Hour, func() { noticed.Store(true) })
		select {
		case <-stop:
			t.Fatal("stopped without an interrupt")
		default:
		}
		if actx.Err() != nil {
			t.Fatal(actx.Err())
		}
		finish()
		if noticed.Load() || actx.Err() == nil {
			t.Errorf("noticed %v, context %v after finish", noticed.Load(), actx.Err())
		}
	})
	t.Run("interrupted: stop at once, cancel after the grace", func(t *testing.T) {
		t.Parallel()
		ctx, interrupt := context.WithCancel(context.Background())
		noticed := make(chan struct{})
		actx, stop, finish := Interruptible(ctx, 50*time.Millisecond, func() { close(noticed) })
		defer finish()
		interrupt()
		<-stop
		<-noticed
		<-actx.Done() // after the grace
		if actx.Err() != context.Canceled {
			t.Errorf("context: %v", actx.Err())
		}
	})
	t.Run("interrupted, finished within the grace", func(t *testing.T) {
		t.Parallel()
		ctx, interrupt := context.WithCancel(context.Background())
		actx, stop, finish := Interruptible(ctx, time.Hour, nil)
		interrupt()
		<-stop
		if actx.Err() != nil {
			t.Fatalf("the changes in flight lost their context before the grace: %v", actx.Err())
		}
		finish()
		if actx.Err() == nil {
			t.Error("the context outlived finish")
		}
	})
}
