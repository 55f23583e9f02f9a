package redact

import (
	"context"
	"fmt"
	"log/slog"
)

// Handler wraps h so that no record it writes carries a secret: the message and every
// attribute (errors and other values by their text) pass through r first. watch logs
// through it; r may be nil for pattern redaction only.
func Handler(h slog.Handler, r *Redactor) slog.Handler { return &handler{h: h, r: r} }

type handler struct {
	h slog.Handler
	r *Redactor
}

func (h *handler) Enabled(ctx context.Context, l slog.Level) bool { return h.h.Enabled(ctx, l) }

func (h *handler) Handle(ctx context.Context, rec slog.Record) error {
	out := slog.NewRecord(rec.Time, rec.Level, h.r.String(rec.Message), rec.PC)
	rec.Attrs(func(a slog.Attr) bool {
		out.AddAttrs(h.attr(a))
		return true
	})
	return h.h.Handle(ctx, out)
}

func (h *handler) WithAttrs(as []slog.Attr) slog.Handler {
	clean := make([]slog.Attr, len(as))
	for i, a := range as {
		clean[i] = h.attr(a)
	}
	return &handler{h: h.h.WithAttrs(clean), r: h.r}
}

func (h *handler) WithGroup(name string) slog.Handler {
	return &handler{h: h.h.WithGroup(name), r: h.r}
}

func (h *handler) attr(a slog.Attr) slog.Attr {
	v := a.Value.Resolve()
	switch v.Kind() {
	case slog.KindString:
		return slog.String(a.Key, h.r.String(v.String()))
	case slog.KindGroup:
		g := v.Group()
		clean := make([]any, len(g))
		for i, ga := range g {
			clean[i] = h.attr(ga)
		}
		return slog.Group(a.Key, clean...)
	case slog.KindAny:
		s := fmt.Sprint(v.Any())
		if c := h.r.String(s); c != s {
			return slog.String(a.Key, c)
		}
		if err, ok := v.Any().(error); ok {
			return slog.String(a.Key, err.Error())
		}
	}
	return slog.Attr{Key: a.Key, Value: v}
}

// Error redacts an error's text; nil stays nil, and errors.Is/As still see the original
// (a timeout stays a timeout) without its text ever being printed.
func (r *Redactor) Error(err error) error {
	if err == nil {
		return nil
	}
	s := err.Error()
	if c := r.String(s); c != s {
		return &redactedError{msg: c, err: err}
	}
	return err
}

type redactedError struct {
	msg string
	err error
}

func (e *redactedError) Error() string { return e.msg }
func (e *redactedError) Unwrap() error { return e.err }
