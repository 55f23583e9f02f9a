package store

import (
	"database/sql"
	"sync"
)

// stmts keeps the queries the console asks every few seconds prepared: SQLite compiling
// the same SELECT for every check on every refresh was a third of what the console's
// figures cost.
type stmts struct {
	mu sync.Mutex
	m  map[string]*sql.Stmt
}

// stmt returns query prepared on s's database, preparing it on first use.
func (s *Store) stmt(query string) (*sql.Stmt, error) {
	s.prepared.mu.Lock()
	defer s.prepared.mu.Unlock()
	if st, ok := s.prepared.m[query]; ok {
		return st, nil
	}
	st, err := s.db.Prepare(query)
	if err != nil {
		return nil, err
	}
	if s.prepared.m == nil {
		s.prepared.m = map[string]*sql.Stmt{}
	}
	s.prepared.m[query] = st
	return st, nil
}

// closeStmts closes every prepared statement; Close calls it before closing the database.
func (s *Store) closeStmts() {
	s.prepared.mu.Lock()
	defer s.prepared.mu.Unlock()
	for _, st := range s.prepared.m {
		st.Close()
	}
	s.prepared.m = nil
}
