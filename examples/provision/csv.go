package main

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/go-wandb/identity/users"
)

// Row is one user of the CSV file.
type Row struct {
	Line     int        // line number in the file, for messages
	Email    string     // required
	UserName string     // optional; the server's default is the part of Email before "@"
	Teams    []string   // team names, from the ";"-separated teams column
	Role     string     // organization role, optional: admin, member, viewer or a custom role
	Seat     users.Seat // Models seat, optional: full, viewer or none
}

// badRow is a row provision skips: its line and what is wrong with it.
type badRow struct {
	Line int
	Why  string
}

// columns are the header names parseCSV knows; email is required.
var columns = []string{"email", "username", "teams", "role", "seat"}

// parseCSV reads the rows of data, the CSV file name, whose header names its
// columns (email, username, teams, role, seat; only email is required, any
// order). Lines starting with "#" are comments. A row with a missing or
// malformed email, the wrong number of fields, or a bad seat is returned
// among bad, and the other rows are returned. Rows that share an email or a
// user name (given, or derived from the email), ignoring case, are all bad,
// each naming the lines of the others: which one was meant cannot be told,
// so none is sent. A file that cannot be read as CSV at all (no or a bad
// header, a stray quote) is an error naming the file and the line.
func parseCSV(name string, data []byte) (rows []Row, bad []badRow, err error) {
	cr := csv.NewReader(bytes.NewReader(data))
	cr.Comment = '#'
	cr.FieldsPerRecord = -1 // checked below, with a better message
	cr.TrimLeadingSpace = true

	header, err := cr.Read()
	if err == io.EOF {
		return nil, nil, fmt.Errorf("%s: the file is empty, want a header line such as %s", name, strings.Join(columns, ","))
	}
	if err != nil {
		return nil, nil, csvError(name, err)
	}
	headerLine, _ := cr.FieldPos(0)
	col := map[string]int{}
	for i, h := range header {
		key := strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
		if !slices.Contains(columns, key) {
			return nil, nil, fmt.Errorf("%s:%d: unknown column %q in the header (known: %s)", name, headerLine, h, strings.Join(columns, ", "))
		}
		if _, dup := col[key]; dup {
			return nil, nil, fmt.Errorf("%s:%d: column %q is in the header twice", name, headerLine, key)
		}
		col[key] = i
	}
	if _, ok := col["email"]; !ok {
		return nil, nil, fmt.Errorf("%s:%d: the header has no email column (got %q)", name, headerLine, strings.Join(header, ","))
	}

	for {
		rec, err := cr.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, csvError(name, err)
		}
		line, _ := cr.FieldPos(0)
		if len(rec) != len(header) {
			bad = append(bad, badRow{line, fmt.Sprintf("%d fields, want %d like the header", len(rec), len(header))})
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
			Seat:     users.Seat(strings.ToLower(field("seat"))),
		}
		if why := checkFields(row); why != "" {
			bad = append(bad, badRow{line, why})
			continue
		}
		rows = append(rows, row)
	}
	rows, dups := duplicates(rows)
	bad = append(bad, dups...)
	slices.SortStableFunc(bad, func(a, b badRow) int { return a.Line - b.Line })
	return rows, bad, nil
}

// duplicates splits rows into those whose email and user name (userName,
// the given one or the one derived from the email) no other row has,
// ignoring case, and the others, as bad rows naming the lines they share
// the email or user name with.
func duplicates(rows []Row) (good []Row, bad []badRow) {
	byEmail, byName := map[string][]int{}, map[string][]int{}
	for _, r := range rows {
		byEmail[strings.ToLower(r.Email)] = append(byEmail[strings.ToLower(r.Email)], r.Line)
		byName[strings.ToLower(userName(r))] = append(byName[strings.ToLower(userName(r))], r.Line)
	}
	for _, r := range rows {
		var why []string
		if lines := byEmail[strings.ToLower(r.Email)]; len(lines) > 1 {
			why = append(why, fmt.Sprintf("email %s is on lines %s", r.Email, lineList(lines)))
		}
		if lines := byName[strings.ToLower(userName(r))]; len(lines) > 1 {
			how := "user name " + userName(r)
			if r.UserName == "" {
				how += " (from the email)"
			}
			why = append(why, fmt.Sprintf("%s is on lines %s", how, lineList(lines)))
		}
		if len(why) > 0 {
			bad = append(bad, badRow{r.Line, strings.Join(why, "; ") + ": give each user one row, with a username of its own; none of these rows is sent"})
		} else {
			good = append(good, r)
		}
	}
	return good, bad
}

// lineList writes line numbers as "4 and 11" or "4, 7 and 11".
func lineList(lines []int) string {
	s := make([]string, len(lines))
	for i, l := range lines {
		s[i] = fmt.Sprint(l)
	}
	if len(s) == 1 {
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " and " + s[len(s)-1]
}

// checkFields says what is wrong with the fields of row on their own, or "".
// Team names and custom roles are checked against the server (checkRow).
func checkFields(row Row) string {
	switch {
	case !validEmail(row.Email):
		return fmt.Sprintf("invalid email %q", row.Email)
	case row.UserName != "" && strings.ContainsAny(row.UserName, " \t@"):
		return fmt.Sprintf("invalid username %q: no spaces or @", row.UserName)
	}
	switch row.Seat {
	case "", users.SeatFull, users.SeatViewer, users.SeatNone:
	default:
		return fmt.Sprintf("invalid seat %q: want full, viewer or none", row.Seat)
	}
	if strings.EqualFold(row.Role, "viewer") && row.Seat != "" && row.Seat != users.SeatViewer {
		return fmt.Sprintf("role viewer comes with viewer seats, but seat is %q", row.Seat)
	}
	return ""
}

// csvError names the file and the place of an error of encoding/csv.
func csvError(name string, err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return fmt.Errorf("%s:%d:%d: %v", name, pe.Line, pe.Column, pe.Err)
	}
	return fmt.Errorf("%s: %w", name, err)
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
