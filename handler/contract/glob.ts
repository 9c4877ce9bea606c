// Glob patterns over DB instance and cluster identifiers: the settings (include, exclude, policy
// rules) and the rules that apply them use one definition of what a pattern matches.

/** Whether `value` matches a glob pattern of `*` (any run) and `?` (one character), whole. */
export function matchesGlob(pattern: string, value: string): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, 'i').test(value);
}
