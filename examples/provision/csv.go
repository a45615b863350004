package main

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
)

// Row is one user of the CSV file.
type Row struct {
	Line     int      // line number in the file, for messages
	Email    string   // required
	UserName string   // optional; the server's default is the part of Email before "@"
	Teams    []string // team names, from the ";"-separated teams column
	Role     string   // organization role, optional (admin, member, viewer or a custom role)
}

// columns are the header names parseCSV knows; email is required.
var columns = []string{"email", "username", "teams", "role"}

// parseCSV reads rows from a CSV file whose header names its columns (email,
// username, teams, role; only email is required, any order). Lines starting
// with "#" are comments. It reports every bad line at once: a missing or
// malformed email, an email given twice (ignoring case), an unknown column.
func parseCSV(r io.Reader) ([]Row, error) {
	cr := csv.NewReader(r)
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // checked below, with a better message
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, errors.New("empty CSV: want a header line such as " + strings.Join(columns, ","))
	}
	if err != nil {
		return nil, err
	}
	col := map[string]int{}
	for i, h := range header {
		name := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(columns, name) {
			return nil, fmt.Errorf("header: unknown column %q (known: %s)", h, strings.Join(columns, ", "))
		}
		if _, dup := col[name]; dup {
			return nil, fmt.Errorf("header: column %q given twice", name)
		}
		col[name] = i
	}
	if _, ok := col["email"]; !ok {
		return nil, fmt.Errorf("header: no email column (got %q)", strings.Join(header, ","))
	}

	var (
		rows []Row
		errs []error
		seen = map[string]int{} // lower-case email → line
	)
	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			errs = append(errs, fmt.Errorf("line %d: %d fields, want %d like the header", line, len(rec), len(header)))
			continue
		}
		field := func(name string) string {
			if i, ok := col[name]; ok {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		row := Row{
			Line:     line,
			Email:    field("email"),
			UserName: field("username"),
			Teams:    splitTeams(field("teams")),
			Role:     field("role"),
		}
		if !validEmail(row.Email) {
			errs = append(errs, fmt.Errorf("line %d: invalid email %q", line, row.Email))
			continue
		}
		key := strings.ToLower(row.Email)
		if first, dup := seen[key]; dup {
			errs = append(errs, fmt.Errorf("line %d: %s is already on line %d", line, row.Email, first))
			continue
		}
		seen[key] = line
		rows = append(rows, row)
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return rows, nil
}

// splitTeams splits a ";"-separated list of team names, dropping blanks and
// repeats (ignoring case).
func splitTeams(s string) []string {
	var out []string
	seen := map[string]bool{}
	for _, t := range strings.Split(s, ";") {
		t = strings.TrimSpace(t)
		if t == "" || seen[strings.ToLower(t)] {
			continue
		}
		seen[strings.ToLower(t)] = true
		out = append(out, t)
	}
	return out
}

// validEmail accepts text@text without spaces; the server has the last word.
func validEmail(s string) bool {
	at := strings.LastIndex(s, "@")
	return at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t,;")
}
