// A small evaluator of IAM identity policies, for checking deployed roles without a policy
// simulator (moto has none): is an action on a resource allowed by some Allow statement and
// not denied? Without a request context, conditions are not evaluated, so an Allow is read as
// broadly as it could apply: "denied" answers are safe, "allowed" answers say the statement
// covers the request. With a context, StringEquals, StringLike and Bool conditions are
// evaluated against it (a key the context lacks fails the condition, as in IAM).

/** One statement of an identity policy. */
export interface IdentityStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Condition keys of a request and their values, e.g. { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }. */
export type RequestContext = Readonly<Record<string, string>>;

function list(value: string | readonly string[] | undefined): readonly string[] {
  if (value === undefined) return [];
  return typeof value === 'string' ? [value] : value;
}

/** IAM wildcard matching: * is any run, ? one character; actions compare case-insensitively. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'i' : '').test(value);
}

const OPERATORS: Record<string, (pattern: string, value: string) => boolean> = {
  StringEquals: (pattern, value) => pattern === value,
  StringLike: (pattern, value) => wildcardMatch(pattern, value),
  Bool: (pattern, value) => pattern.toLowerCase() === value.toLowerCase(),
};

/** Every condition holds: for each operator and key, the context's value matches one of the listed values. */
function conditionsHold(condition: IdentityStatement['Condition'], context: RequestContext): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) => {
    const matches = OPERATORS[operator];
    // An operator this evaluator does not know must not be read as satisfied or as failed.
    if (matches === undefined) throw new Error(`condition operator ${operator} is not supported by the test evaluator`);
    return Object.entries(keys).every(([key, values]) => {
      const actual = context[key];
      return actual !== undefined && list(values as string | readonly string[]).some((v) => matches(String(v), actual));
    });
  });
}

function applies(statement: IdentityStatement, action: string, resource: string, context: RequestContext | undefined): boolean {
  const actionMatches =
    statement.NotAction !== undefined
      ? !list(statement.NotAction).some((a) => wildcardMatch(a, action, true))
      : list(statement.Action).some((a) => wildcardMatch(a, action, true));
  if (!actionMatches || !list(statement.Resource).some((r) => wildcardMatch(r, resource))) return false;
  return context === undefined || conditionsHold(statement.Condition, context);
}

/**
 * Whether the statements allow `action` on `resource` (an explicit Deny wins). With `context`,
 * statements apply only where their conditions hold for it; without, conditions are ignored.
 */
export function isAllowed(statements: readonly IdentityStatement[], action: string, resource: string, context?: RequestContext): boolean {
  if (statements.some((s) => s.Effect === 'Deny' && applies(s, action, resource, context))) return false;
  return statements.some((s) => s.Effect === 'Allow' && applies(s, action, resource, context));
}
