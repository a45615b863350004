package scimtest

import (
	"encoding/json"
	"math/rand/v2"
	"net/http"
	"time"
)

// faultState is the live fault configuration and its counters.
type faultState struct {
	cfg     Faults
	seen    int // requests seen since the faults were set
	changes int // changes seen since the faults were set (LoseFirst)
	lost    int // replies lost so far (LoseMixed)
	rng     *rand.Rand
}

func newFaultState(f Faults) faultState {
	seed := uint64(f.Seed)
	return faultState{cfg: f, rng: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))}
}

// SetFaults replaces the fault configuration from now on and restarts its
// counters (FailFirst counts from here; the FailureRate generator restarts
// from Seed). Faults{} turns injection off.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = newFaultState(f)
}

// fail decides whether this request fails, and returns the fault settings.
func (s *Server) fail() (Faults, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	f.seen++
	if f.seen <= f.cfg.FailFirst {
		return f.cfg, true
	}
	return f.cfg, f.cfg.FailureRate > 0 && f.rng.Float64() < f.cfg.FailureRate
}

// injectFault applies latency and maybe fails the request, before anything
// else happens to it. It reports whether it wrote a reply.
func (s *Server) injectFault(w http.ResponseWriter, r *http.Request) bool {
	cfg, failed := s.fail()
	if cfg.Latency > 0 {
		t := time.NewTimer(cfg.Latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
		}
	}
	if !failed {
		return false
	}
	status := cfg.FailStatus
	if status == 0 {
		status = http.StatusServiceUnavailable
	}
	if cfg.RetryAfter != "" {
		w.Header().Set("Retry-After", cfg.RetryAfter)
	}
	detail := "injected fault: " + http.StatusText(status)
	if r.URL.Path == "/graphql" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"message": detail}}})
		return true
	}
	writeError(w, newError(status, "%s", detail))
	return true
}
