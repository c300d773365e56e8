// Function-name patterns as users write them in probes: `main.*`,
// `net/http.(*conn).*`, `*Handle*`. Only `*` is special (any run of
// characters, '.' and '/' included); everything else, brackets and
// parentheses too, is literal, because Go names are full of them.

/** True when `pattern` has a wildcard, i.e. may match several names. */
export function isGlob(pattern: string): boolean {
  return pattern.includes('*');
}

/** Builds a matcher once, to test many names against one pattern. */
export function globMatcher(pattern: string): (name: string) => boolean {
  if (!isGlob(pattern)) return (name) => name === pattern;
  const parts = pattern.split('*');
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
