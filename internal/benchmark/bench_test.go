package benchmark

import (
	"context"
	"fmt"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/go-wandb/identity/scim"
	"github.com/go-wandb/identity/users"
)

// Each benchmark has two sub-benchmarks, impl=sdk and impl=handwritten, on
// the same server and data; `benchstat -col /impl` sets them side by side.

func sdk(tb testing.TB, root string, opts ...scim.Option) *users.Service {
	tb.Helper()
	c, err := scim.NewClient(append([]scim.Option{scim.WithBaseURL(server(tb).base + root), scim.WithAPIKey(serverKey)}, opts...)...)
	if err != nil {
		tb.Fatal(err)
	}
	return users.New(c)
}

func handwritten(tb testing.TB, root string) *twin {
	tb.Helper()
	return newTwin(server(tb).base + root)
}

// timed runs op b.N times and reports, besides the wall time, the CPU time
// the client process spent per call: on a loaded machine the wall time
// swings with scheduling, the client's own cost much less.
func timed(b *testing.B, op func() error) {
	b.Helper()
	b.ReportAllocs()
	b.ResetTimer()
	start := cpuTime()
	for range b.N {
		if err := op(); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	if used := cpuTime() - start; used > 0 {
		b.ReportMetric(float64(used.Nanoseconds())/float64(b.N), "cpu-ns/op")
	}
}

// BenchmarkGet reads one user: GET /scim/Users/{id}.
func BenchmarkGet(b *testing.B) {
	ctx, id := context.Background(), userID(42)
	b.Run("impl=sdk", func(b *testing.B) {
		svc := sdk(b, "/scim")
		timed(b, func() error {
			u, err := svc.Get(ctx, id)
			return check(u, err, u != nil && u.UserName == "user00042")
		})
	})
	b.Run("impl=handwritten", func(b *testing.B) {
		tw := handwritten(b, "/scim")
		timed(b, func() error {
			u, err := tw.get(ctx, id)
			return check(u, err, u != nil && u.UserName == "user00042")
		})
	})
}

// BenchmarkPatch changes one user's Models seat: PATCH /scim/Users/{id}.
func BenchmarkPatch(b *testing.B) {
	ctx, id := context.Background(), userID(42)
	b.Run("impl=sdk", func(b *testing.B) {
		svc := sdk(b, "/scim")
		timed(b, func() error {
			u, err := svc.SetModelsSeat(ctx, id, users.SeatViewer)
			return check(u, err, u != nil && u.UserName == "user00042")
		})
	})
	b.Run("impl=handwritten", func(b *testing.B) {
		tw := handwritten(b, "/scim")
		body := map[string]any{
			"schemas":    []string{"urn:ietf:params:scim:api:messages:2.0:PatchOp"},
			"Operations": []map[string]any{{"op": "replace", "path": "modelsSeat", "value": "viewer"}},
		}
		timed(b, func() error {
			u, err := tw.patch(ctx, id, body)
			return check(u, err, u != nil && u.UserName == "user00042")
		})
	})
}

// BenchmarkList9999 reads W&B's largest page: 9,999 users in one reply
// (about 5.6 MB), GET /scim/Users.
func BenchmarkList9999(b *testing.B) {
	ctx := context.Background()
	b.Run("impl=sdk", func(b *testing.B) {
		svc := sdk(b, "/scim")
		timed(b, func() error {
			p, err := svc.List(ctx, nil)
			return check(p, err, p != nil && len(p.Resources) == wandbPage)
		})
	})
	b.Run("impl=handwritten", func(b *testing.B) {
		tw := handwritten(b, "/scim")
		timed(b, func() error {
			p, err := tw.list(ctx, 0, 0)
			return check(p, err, p != nil && len(p.Resources) == wandbPage)
		})
	})
}

// check turns a call's result into an error: err, or one when ok is false.
func check(v any, err error, ok bool) error {
	if err == nil && !ok {
		err = fmt.Errorf("unexpected result %+v", v)
	}
	return err
}

// heapObjects reads the bytes of live and not yet swept heap objects.
func heapObjects() uint64 {
	s := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}}
	metrics.Read(s)
	return s[0].Value.Uint64()
}

// peakHeap runs walk once with the garbage collector at GOGC=10, sampling
// the heap every 256 resources through visit, and returns the peak growth
// over the heap before the walk: about what the walk holds.
func peakHeap(walk func(visit func())) uint64 {
	old := debug.SetGCPercent(10)
	defer debug.SetGCPercent(old)
	runtime.GC()
	base, peak, n := heapObjects(), uint64(0), 0
	walk(func() {
		if n++; n%256 == 0 {
			peak = max(peak, heapObjects())
		}
	})
	if peak < base {
		return 0
	}
	return peak - base
}

// measureWalk measures walk, which visits n users: its peak heap once, then
// its time and allocations b.N times, reported per walk and per user.
func measureWalk(b *testing.B, n int, walk func(visit func())) {
	peak := peakHeap(walk)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		walk(func() {})
	}
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MiB")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/user")
}

// BenchmarkAll walks organizations of 1,000 to 100,000 users with real
// paging, 9,999 users a page (W&B's cap), and reports the peak heap the walk
// needs and the cost per user.
func BenchmarkAll(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{1000, 10_000, 100_000} {
		root := fmt.Sprintf("/o%d", n)
		b.Run(fmt.Sprintf("users=%d/impl=sdk", n), func(b *testing.B) {
			svc := sdk(b, root)
			opts := &scim.ListOptions{Count: wandbPage}
			walk := func(visit func()) {
				seen := 0
				for u, err := range svc.All(ctx, opts) {
					if err != nil {
						b.Fatal(err)
					}
					if u.ID == "" {
						b.Fatal("no id")
					}
					seen++
					visit()
				}
				if seen != n {
					b.Fatalf("walked %d users, want %d", seen, n)
				}
			}
			measureWalk(b, n, walk)
		})
		b.Run(fmt.Sprintf("users=%d/impl=handwritten", n), func(b *testing.B) {
			tw := handwritten(b, root)
			walk := func(visit func()) {
				seen := 0
				err := tw.all(ctx, wandbPage, func(u *twinUser) {
					if u.ID == "" {
						b.Fatal("no id")
					}
					seen++
					visit()
				})
				if err != nil || seen != n {
					b.Fatalf("walked %d users, want %d: %v", seen, n, err)
				}
			}
			measureWalk(b, n, walk)
		})
	}
}

// BenchmarkBulkCreate creates 2,000 users from 32 goroutines sharing one
// client against a server that takes 5 ms per create, and reports the
// connections the benchmark opened (at most one per goroutine when
// connections are reused) and the creates per second.
func BenchmarkBulkCreate(b *testing.B) {
	const creates, workers = 2000, 32
	ctx := context.Background()
	job := func(b *testing.B, create func(i int) error) {
		f := server(b)
		f.conns(b, true)
		b.ResetTimer()
		for range b.N {
			var next atomic.Int32
			var wg sync.WaitGroup
			for range workers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := int(next.Add(1)) - 1; i < creates; i = int(next.Add(1)) - 1 {
						if err := create(i); err != nil {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
		}
		b.StopTimer()
		// Every connection the benchmark opened, in all its runs: at most
		// one per worker when connections are reused.
		b.ReportMetric(float64(f.conns(b, false)), "conns-opened")
		b.ReportMetric(float64(creates*b.N)/b.Elapsed().Seconds(), "creates/s")
	}
	b.Run("impl=sdk", func(b *testing.B) {
		svc := sdk(b, "/scim")
		job(b, func(i int) error {
			_, err := svc.Create(ctx, users.CreateParams{Email: fmt.Sprintf("user%05d@example.com", i)})
			return err
		})
	})
	b.Run("impl=handwritten", func(b *testing.B) {
		tw := handwritten(b, "/scim")
		job(b, func(i int) error {
			_, err := tw.create(ctx, map[string]any{
				"schemas":  []string{"urn:ietf:params:scim:schemas:core:2.0:User"},
				"userName": fmt.Sprintf("user%05d", i),
				"emails":   []map[string]any{{"value": fmt.Sprintf("user%05d@example.com", i), "primary": true}},
			})
			return err
		})
	})
}
