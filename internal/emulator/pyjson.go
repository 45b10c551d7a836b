package emulator

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// The real service is a Python (FastAPI/pydantic) application, so the
// emulator spells its JSON the way that stack does (CONTRACT.md, "Wire
// spelling"): numbers keep the kind Python parsed them as (an int stays an
// int, a float always has a fraction: 1.0, 1e+16), timestamps carry
// microseconds, strings are UTF-8 without HTML escaping, and separators are
// compact. Numbers are held as json.Number in their Python spelling from the
// moment a body is decoded, so encoding/json writes them back verbatim.

// decodeJSON decodes one JSON value the way Python's json.loads would: every
// number becomes a json.Number in Python's canonical spelling.
func decodeJSON(data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if dec.More() {
		return errors.New("trailing data after the JSON value")
	}
	return nil
}

// canonNumbers rewrites every json.Number inside a decoded value into
// Python's spelling, in place where it can; it returns the new value.
func canonNumbers(v any) (any, error) {
	switch t := v.(type) {
	case map[string]any:
		for k, x := range t {
			n, err := canonNumbers(x)
			if err != nil {
				return nil, err
			}
			t[k] = n
		}
	case []any:
		for i, x := range t {
			n, err := canonNumbers(x)
			if err != nil {
				return nil, err
			}
			t[i] = n
		}
	case json.Number:
		return pyNumber(t)
	}
	return v, nil
}

// pyNumber spells a JSON number literal as Python's json module would write
// what json.loads made of it: a literal without fraction or exponent is an
// int (spelled without leading zeros or a minus on zero), anything else a
// float in repr form.
func pyNumber(n json.Number) (json.Number, error) {
	s := string(n)
	if !strings.ContainsAny(s, ".eE") {
		neg := strings.HasPrefix(s, "-")
		digits := strings.TrimLeft(strings.TrimPrefix(s, "-"), "0")
		if digits == "" {
			return "0", nil
		}
		if neg {
			digits = "-" + digits
		}
		return json.Number(digits), nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
		return "", fmt.Errorf("number %s is out of range", s)
	}
	return json.Number(pyFloat(f)), nil
}

// pyFloat is Python's repr of a float: the shortest digits that round-trip,
// always with a fraction or an exponent, in exponent form below 1e-4 and from
// 1e16 on, with at least two exponent digits ("1e-05", "1e+16").
func pyFloat(f float64) string {
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // "-1.2345e+06"
	mant, expText, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expText)
	sign := ""
	if strings.HasPrefix(mant, "-") {
		sign, mant = "-", mant[1:]
	}
	digits := strings.Replace(mant, ".", "", 1)
	if exp < -4 || exp >= 16 {
		m := digits[:1]
		if len(digits) > 1 {
			m += "." + digits[1:]
		}
		es := "+"
		if exp < 0 {
			es, exp = "-", -exp
		}
		return fmt.Sprintf("%s%se%s%02d", sign, m, es, exp)
	}
	var intPart, frac string
	switch point := exp + 1; {
	case point <= 0:
		intPart, frac = "0", strings.Repeat("0", -point)+digits
	case point >= len(digits):
		intPart, frac = digits+strings.Repeat("0", point-len(digits)), "0"
	default:
		intPart, frac = digits[:point], digits[point:]
	}
	return sign + intPart + "." + frac
}

// asFloat spells a number as a float (a pydantic float field stores 1 as 1.0).
func asFloat(n json.Number) json.Number {
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil {
		return n
	}
	return json.Number(pyFloat(f))
}

// asInt spells an integral float as an int (pydantic's lax mode accepts 1.0
// for an int field and stores 1); anything else is left for the validator.
func asInt(n json.Number) json.Number {
	if !strings.ContainsAny(string(n), ".eE") {
		return n
	}
	f, err := strconv.ParseFloat(string(n), 64)
	if err != nil || f != math.Trunc(f) || math.Abs(f) > 1<<53 {
		return n
	}
	return json.Number(strconv.FormatInt(int64(f), 10))
}

// numberValue reads a decoded JSON number.
func numberValue(v any) (float64, bool) {
	switch n := v.(type) {
	case json.Number:
		f, err := strconv.ParseFloat(string(n), 64)
		return f, err == nil
	case float64:
		return n, true
	}
	return 0, false
}

// marshalPy encodes a response body the way FastAPI's JSONResponse does
// (json.dumps with ensure_ascii=False and separators (",", ":")): compact,
// UTF-8, no HTML escaping, and U+2028/U+2029 as they are.
func marshalPy(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return unescapeLineSeparators(bytes.TrimSuffix(buf.Bytes(), []byte("\n"))), nil
}

// unescapeLineSeparators undoes the one escape Go's encoder makes that
// Python's does not: \u2028 and \u2029 inside strings. Escapes are consumed
// as units, so an escaped backslash followed by "u2028" is left alone.
func unescapeLineSeparators(b []byte) []byte {
	if !bytes.Contains(b, []byte(`\u202`)) {
		return b
	}
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' || i+1 >= len(b) {
			out = append(out, b[i])
			continue
		}
		if b[i+1] == 'u' && i+5 < len(b) {
			switch string(b[i+2 : i+6]) {
			case "2028":
				out = append(out, "\u2028"...)
				i += 5
				continue
			case "2029":
				out = append(out, "\u2029"...)
				i += 5
				continue
			}
		}
		out = append(out, b[i], b[i+1])
		i++
	}
	return out
}

// ts renders a timestamp the way pydantic serialises an aware datetime: RFC
// 3339 in UTC with "Z", microseconds when there are any.
func ts(t time.Time) string {
	t = t.UTC()
	if t.Nanosecond()/1000 == 0 {
		return t.Format("2006-01-02T15:04:05Z")
	}
	return t.Format("2006-01-02T15:04:05.000000Z")
}

func tsPtr(t *time.Time) *string {
	if t == nil {
		return nil
	}
	return ptr(ts(*t))
}

// canonicalLanguage puts a BCP 47 language tag into its canonical case
// (RFC 5646 section 2.1.1), as the service's validator stores it: the language
// lowercase, a four-letter script in title case, a two-letter region
// uppercase ("en-us" -> "en-US", "zh-hant-tw" -> "zh-Hant-TW").
func canonicalLanguage(tag string) string {
	parts := strings.Split(tag, "-")
	private := false // everything after an "x" singleton is lowercase
	for i, p := range parts {
		switch {
		case i > 0 && !private && len(p) == 2:
			parts[i] = strings.ToUpper(p)
		case i > 0 && !private && len(p) == 4:
			parts[i] = strings.ToUpper(p[:1]) + strings.ToLower(p[1:])
		default:
			parts[i] = strings.ToLower(p)
		}
		private = private || parts[i] == "x"
	}
	return strings.Join(parts, "-")
}

// stockVoices is the voice each TTS provider uses when a config names none;
// the service's validator fills it in, though the schema declares no default.
var stockVoices = map[string]string{
	"elevenlabs": "21m00Tcm4TlvDq8ikWAM",
	"cartesia":   "a0e99841-438c-4a64-b679-ae501e7d6091",
	"playht":     "s3://voice-cloning-zero-shot/d9ff78ba-d016-47f6-b0ef-dd630f59414e/female-cs/manifest.json",
	"azure":      "en-US-JennyNeural",
	"openai":     "alloy",
}
