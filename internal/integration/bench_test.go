package integration_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/scim/scimtest"
	"github.com/go-wandb/identity/users"
)

// seedUsers returns n users for a simulator.
func seedUsers(n int) []scimtest.User {
	out := make([]scimtest.User, n)
	for i := range out {
		out[i] = scimtest.User{UserName: fmt.Sprintf("user%05d", i), Email: fmt.Sprintf("user%05d@example.com", i)}
	}
	return out
}

// BenchmarkUsersAll walks a W&B-sized organization (9999 users in one page,
// as W&B returns them) over loopback HTTP: request, transfer and decoding.
func BenchmarkUsersAll(b *testing.B) {
	for _, legacy := range []bool{false, true} {
		b.Run(fmt.Sprintf("legacyEmails=%v", legacy), func(b *testing.B) {
			srv := scimtest.Start(b, scimtest.Options{Users: seedUsers(9998), LegacyEmails: legacy})
			us := users.New(srv.Client(b))
			ctx := context.Background()
			b.ReportAllocs()
			b.ResetTimer()
			for range b.N {
				n := 0
				for _, err := range us.All(ctx, nil) {
					if err != nil {
						b.Fatal(err)
					}
					n++
				}
				if n != 9999 {
					b.Fatalf("walked %d users", n)
				}
			}
		})
	}
}

// BenchmarkParallelGet measures Get from many goroutines sharing one client,
// the shape of a sync job with bounded concurrency.
func BenchmarkParallelGet(b *testing.B) {
	srv := scimtest.Start(b, scimtest.Options{Users: seedUsers(100)})
	us := users.New(srv.Client(b, scim.WithRetry(scim.RetryPolicy{MaxAttempts: 1})))
	ctx := context.Background()
	u, err := us.FindByUserName(ctx, "user00042")
	if err != nil {
		b.Fatal(err)
	}
	b.SetParallelism(32) // 32×GOMAXPROCS goroutines
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := us.Get(ctx, u.ID); err != nil {
				b.Error(err)
				return
			}
		}
	})
}
