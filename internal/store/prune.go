package store

// Prune deletes results older than the retention, check by check (each delete is a range
// of the clustered key, so it touches only the pages it frees), and returns how many went.
// The writer calls it hourly; Open calls it once.
func (s *Store) Prune() error {
	_, err := s.prune()
	return err
}

func (s *Store) prune() (int64, error) {
	if s.readOnly {
		return 0, ErrReadOnly
	}
	now := s.opt.Now()
	cutoff := now.Add(-s.opt.Retention).UnixMicro()
	ctx, cancel := s.ctx()
	defer cancel()
	res, err := s.db.ExecContext(ctx, `DELETE FROM results WHERE check_id IN (SELECT id FROM checks) AND ts < ?`, cutoff)
	if err != nil {
		return 0, explain(s.path, err)
	}
	n, _ := res.RowsAffected()
	// Events go with the results they were found in: the timeline keeps the history's
	// retention.
	if _, err := s.db.ExecContext(ctx, `DELETE FROM events WHERE ts < ?`, cutoff); err != nil {
		return n, explain(s.path, err)
	}
	// Figures too, check by check like results (a range of the clustered key each).
	if _, err := s.db.ExecContext(ctx, `DELETE FROM metrics WHERE check_id IN (SELECT id FROM checks) AND ts < ?`, cutoff); err != nil {
		return n, explain(s.path, err)
	}
	s.mu.Lock()
	s.pruned = now
	s.mu.Unlock()
	return n, nil
}
