// A small evaluator of IAM identity policies, for checking deployed roles without a policy
// simulator (moto has none): is an action on a resource allowed by some Allow statement and
// not denied? Conditions are not evaluated, so an Allow is read as broadly as it could apply:
// "denied" answers are safe, "allowed" answers say the statement covers the request.

/** One statement of an identity policy. */
export interface IdentityStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
}

function list(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** IAM wildcard matching: * is any run, ? one character; actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const regex = pattern.replace(/[.+^${}()|[\]\\/]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'i' : '').test(value);
}

function applies(statement: IdentityStatement, action: string, resource: string): boolean {
  const actionMatches =
    statement.NotAction !== undefined
      ? !list(statement.NotAction).some((a) => wildcardMatch(a, action, true))
      : list(statement.Action).some((a) => wildcardMatch(a, action, true));
  return actionMatches && list(statement.Resource).some((r) => wildcardMatch(r, resource));
}

/** Whether the statements allow `action` on `resource` (an explicit Deny wins). */
export function isAllowed(statements: readonly IdentityStatement[], action: string, resource: string): boolean {
  if (statements.some((s) => s.Effect === 'Deny' && applies(s, action, resource))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s, action, resource));
}
