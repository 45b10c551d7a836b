// Package legacy is empty (see go.mod).
package legacy
