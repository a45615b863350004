package scim_test

import (
	"errors"
	"testing"

	"github.com/go-wandb/identity/scim"
)

func TestCheckOperations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		ops  []scim.Operation
		fail bool
	}{
		{nil, true},
		{[]scim.Operation{{Op: "add"}, {Op: "Replace"}, {Op: "REMOVE"}}, false},
		{[]scim.Operation{{Op: "add"}, {Op: ""}}, true},
		{[]scim.Operation{{Op: "move"}}, true},
	}
	for _, tt := range tests {
		err := scim.CheckOperations("users.Patch", tt.ops)
		if got := errors.Is(err, scim.ErrInvalidInput); got != tt.fail || (err != nil && !tt.fail) {
			t.Errorf("CheckOperations(%v) = %v", tt.ops, err)
		}
	}
}
