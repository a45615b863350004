package scimtest

import (
	"encoding/json"
	"net/http"
	"time"
)

// isChange reports whether a request changes the organization when it
// succeeds: a SCIM POST, PUT, PATCH or DELETE, or a GraphQL mutation.
func isChange(r *http.Request, body []byte) bool {
	if r.URL.Path != "/graphql" {
		switch r.Method {
		case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
			return true
		}
		return false
	}
	var in graphqlBody
	if json.Unmarshal(body, &in) != nil {
		return false
	}
	op, err := parseGraphQL(in.Query, in.OperationName, in.Variables)
	if err != nil {
		return false
	}
	for _, f := range op.fields {
		for _, m := range mutations {
			if f.name == m {
				return true
			}
		}
	}
	return false
}

// loseReply decides whether the reply of this request is lost after it is
// handled (Faults.LoseFirst, LoseRate), and how: 0 for a closed connection,
// else the status the client gets.
func (s *Server) loseReply(r *http.Request, body []byte) (bool, int) {
	s.mu.Lock()
	cfg := s.faults.cfg
	s.mu.Unlock()
	if (cfg.LoseFirst <= 0 && cfg.LoseRate <= 0) || !isChange(r, body) {
		return false, 0
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f := &s.faults
	f.changes++
	lose := f.changes <= f.cfg.LoseFirst || (f.cfg.LoseRate > 0 && f.rng.Float64() < f.cfg.LoseRate)
	if !lose {
		return false, 0
	}
	f.lost++
	status := f.cfg.LoseStatus
	if f.cfg.LoseMixed {
		status = 0
		if f.lost%2 == 0 {
			status = http.StatusBadGateway
		}
	}
	return true, status
}

// serveLosingReply handles the request, so that its change is applied, and
// then loses the reply: it closes the connection without one (status 0), or
// answers status as a gateway would. A closed connection is logged before it
// is closed, so that the log holds the request when the client sees it fail.
func (s *Server) serveLosingReply(w *statusRecorder, r *http.Request, body []byte, status int, start time.Time) {
	s.serve(&discardWriter{header: http.Header{}}, r, body)
	if status == 0 {
		w.recorded = true
		s.record(r, body, 0, time.Since(start))
		if conn, _, err := http.NewResponseController(w.ResponseWriter).Hijack(); err == nil {
			_ = conn.Close()
		}
		return
	}
	detail := "injected fault: the upstream reply was lost (" + http.StatusText(status) + ")"
	if r.URL.Path == "/graphql" {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(status)
		_ = json.NewEncoder(w).Encode(map[string]any{"errors": []map[string]string{{"message": detail}}})
		return
	}
	writeError(w, newError(status, "%s", detail))
}

// discardWriter is a ResponseWriter that throws the reply away.
type discardWriter struct{ header http.Header }

func (d *discardWriter) Header() http.Header         { return d.header }
func (d *discardWriter) Write(b []byte) (int, error) { return len(b), nil }
func (d *discardWriter) WriteHeader(int)             {}
