package exampleenv

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
)

func TestConfirm(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		console     *Console // nil: none set
		autoApprove bool
		wantErr     string // "" for approved
		wantAsked   bool
	}{
		{name: "yes on a terminal", console: &Console{In: strings.NewReader("yes\n"), Interactive: true}, wantAsked: true},
		{name: "yes without a newline", console: &Console{In: strings.NewReader("yes"), Interactive: true}, wantAsked: true},
		{name: "y is not yes", console: &Console{In: strings.NewReader("y\n"), Interactive: true}, wantAsked: true,
			wantErr: `not confirmed: the answer was "y", not yes; nothing was changed`},
		{name: "end of input", console: &Console{In: strings.NewReader(""), Interactive: true}, wantAsked: true,
			wantErr: `the answer was "", not yes`},
		{name: "no terminal", console: &Console{In: strings.NewReader("yes\n"), Interactive: false},
			wantErr: "standard input is not a terminal to ask on; review the plan and run again with -auto-approve"},
		{name: "no console at all", wantErr: "not a terminal"},
		{name: "auto-approve without a terminal", autoApprove: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ctx := context.Background()
			if tt.console != nil {
				ctx = WithConsole(ctx, *tt.console)
			}
			var out bytes.Buffer
			err := Confirm(ctx, &out, "Apply 3 changes to W&B at https://acme.wandb.io?", tt.autoApprove)
			if tt.wantErr == "" && err != nil || tt.wantErr != "" && (err == nil || !strings.Contains(err.Error(), tt.wantErr) || !errors.Is(err, ErrNotConfirmed)) {
				t.Errorf("err = %v, want %q", err, tt.wantErr)
			}
			asked := strings.Contains(out.String(), "Apply 3 changes to W&B at https://acme.wandb.io?\n  Only 'yes' will be accepted to approve.\n\n  Enter a value: ")
			if asked != tt.wantAsked {
				t.Errorf("asked = %v, want %v; wrote %q", asked, tt.wantAsked, out.String())
			}
		})
	}
}

func TestConfirmEndsWithTheContext(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithCancel(WithConsole(context.Background(), Console{In: blockingReader{}, Interactive: true}))
	cancel()
	if err := Confirm(ctx, new(bytes.Buffer), "Apply?", false); !errors.Is(err, context.Canceled) {
		t.Errorf("err = %v, want context.Canceled", err)
	}
}

// blockingReader never returns, as a terminal nobody types on.
type blockingReader struct{}

func (blockingReader) Read([]byte) (int, error) { select {} }
