package config

import (
	"fmt"
	"reflect"
)

// eachOf calls fn with a pointer to every value of type t inside v (through pointers,
// struct fields by their YAML keys, slices and map values), with the key path the walker
// builds for it, so whoever owns the value can position errors about it. Values inside a
// map are reached only through pointers (map values are not addressable).
func eachOf(v reflect.Value, t reflect.Type, path string, fn func(p reflect.Value, path string)) {
	switch v.Kind() {
	case reflect.Pointer:
		if v.IsNil() {
			return
		}
		if v.Type().Elem() == t {
			fn(v, path)
			return
		}
		eachOf(v.Elem(), t, path, fn)
	case reflect.Struct:
		if v.Type() == t {
			if v.CanAddr() {
				fn(v.Addr(), path)
			}
			return
		}
		st := v.Type()
		for i := 0; i < st.NumField(); i++ {
			if name, ok := yamlKey(st.Field(i)); ok {
				eachOf(v.Field(i), t, join(path, name), fn)
			}
		}
	case reflect.Slice:
		for i := 0; i < v.Len(); i++ {
			eachOf(v.Index(i), t, fmt.Sprintf("%s[%d]", path, i), fn)
		}
	case reflect.Map:
		iter := v.MapRange()
		for iter.Next() {
			eachOf(iter.Value(), t, fmt.Sprintf("%s[%q]", path, fmt.Sprint(iter.Key().Interface())), fn)
		}
	}
}
