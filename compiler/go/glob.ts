// Function-name patterns as users write them in probes: `main.*`,
// `net/http.(*conn).*`, `*Handle*`. A `*` is a wildcard (any run of
// characters, '.' and '/' included) except right after `(`: `(*T)` is how Go
// writes a pointer receiver, so `net/http.(*Transport).RoundTrip` names one
// method and does not also match `(*http2Transport).RoundTrip`. A backslash
// makes the next character literal (`\*` is a star that is not a wildcard).
// Everything else, brackets and parentheses too, is literal.

/** The pattern cut at its wildcards, escapes resolved: `a*b` → ['a', 'b'], `(*T).f` → ['(*T).f']. */
export function globParts(pattern: string): string[] {
  const parts: string[] = [];
  let cur = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '\\' && i + 1 < pattern.length) cur += pattern[++i];
    else if (c === '*' && pattern[i - 1] !== '(') {
      parts.push(cur);
      cur = '';
    } else cur += c;
  }
  parts.push(cur);
  return parts;
}

/** True when `pattern` has a wildcard, i.e. may match several names. */
export function isGlob(pattern: string): boolean {
  return globParts(pattern).length > 1;
}

/** The one name a pattern without wildcards stands for (its escapes resolved). */
export function literalName(pattern: string): string {
  return globParts(pattern).join('*');
}

/** Builds a matcher once, to test many names against one pattern. */
export function globMatcher(pattern: string): (name: string) => boolean {
  const parts = globParts(pattern);
  if (parts.length === 1) return (name) => name === parts[0];
  const head = parts[0]!;
  const tail = parts[parts.length - 1]!;
  const middle = parts.slice(1, -1).filter((p) => p.length > 0);
  return (name) => {
    if (name.length < head.length + tail.length) return false;
    if (!name.startsWith(head) || !name.endsWith(tail)) return false;
    // Leftmost matching of the middle parts is enough for `*`-only globs.
    let pos = head.length;
    const limit = name.length - tail.length;
    for (const p of middle) {
      const at = name.indexOf(p, pos);
      if (at < 0 || at + p.length > limit) return false;
      pos = at + p.length;
    }
    return true;
  };
}

/**
 * The name as Go prints it in tracebacks: type arguments of generic
 * instantiations collapse to `[...]` (runtime.funcNameForPrint), so
 * `main.Map[go.shape.int_0,go.shape.string_1]` reads `main.Map[...]`.
 */
export function printName(name: string): string {
  if (!name.includes('[')) return name;
  let out = '';
  let depth = 0;
  for (const c of name) {
    if (c === '[') {
      if (depth === 0) out += '[...]';
      depth++;
    } else if (c === ']') {
      if (depth > 0) depth--;
      else out += c;
    } else if (depth === 0) {
      out += c;
    }
  }
  return out;
}
