// A small evaluator of IAM identity policies, for checking deployed roles without a policy
// simulator (moto has none): is an action on a resource allowed by some Allow statement and
// not denied? Without a request context, conditions are not evaluated, so an Allow is read as
// broadly as it could apply: "denied" answers are safe, "allowed" answers say the statement
// covers the request. With a context, the String, Arn and Bool conditions (their negations, and
// ForAnyValue over multi-valued keys) are evaluated against it (a key the context lacks fails a
// positive condition and satisfies a negated one, as in IAM).
//
// decideAccess adds resource policies (bucket and key policies, with Principal and NotResource)
// and IAM's rule across accounts: a principal of another account needs both its own policies and
// the resource's policy to allow; an explicit Deny in either wins.

/** One statement of an identity policy. */
export interface IdentityStatement {
  readonly Effect: 'Allow' | 'Deny';
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Condition keys of a request and their values, e.g. { 'kms:ViaService': 's3.us-east-1.amazonaws.com' }; a multi-valued key takes a list. */
export type RequestContext = Readonly<Record<string, string | readonly string[]>>;

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
  ArnEquals: (pattern, value) => pattern === value,
  ArnLike: (pattern, value) => wildcardMatch(pattern, value),
  Bool: (pattern, value) => pattern.toLowerCase() === value.toLowerCase(),
};

const NEGATIONS: Record<string, string> = { StringNotEquals: 'StringEquals', StringNotLike: 'StringLike', ArnNotEquals: 'ArnEquals', ArnNotLike: 'ArnLike' };

/** Whether one operator's block holds for the context. */
function operatorHolds(operator: string, keys: Readonly<Record<string, unknown>>, context: RequestContext): boolean {
  const [qualifier, base] = operator.includes(':') ? (operator.split(':', 2) as [string, string]) : [undefined, operator];
  const positive = NEGATIONS[base] ?? base;
  const matches = OPERATORS[positive];
  // An operator this evaluator does not know must not be read as satisfied or as failed.
  if (matches === undefined || (qualifier !== undefined && qualifier !== 'ForAnyValue')) {
    throw new Error(`condition operator ${operator} is not supported by the test evaluator`);
  }
  const negated = positive !== base;
  return Object.entries(keys).every(([key, values]) => {
    const actual = context[key];
    const expected = list(values as string | readonly string[]).map(String);
    if (actual === undefined) return negated;
    // A single-valued key is one value; ForAnyValue holds when any of a multi-valued key's values matches.
    const matched = list(actual).some((value) => expected.some((pattern) => matches(pattern, value)));
    return negated ? !matched : matched;
  });
}

/** Every condition holds: for each operator and key, the context's value matches one of the listed values. */
function conditionsHold(condition: IdentityStatement['Condition'], context: RequestContext): boolean {
  return Object.entries(condition ?? {}).every(([operator, keys]) => operatorHolds(operator, keys, context));
}

function applies(statement: IdentityStatement, action: string, resource: string, context: RequestContext | undefined): boolean {
  const actionMatches =
    statement.NotAction !== undefined
      ? !list(statement.NotAction).some((a) => wildcardMatch(a, action, true))
      : list(statement.Action).some((a) => wildcardMatch(a, action, true));
  const resourceMatches =
    statement.NotResource !== undefined
      ? !list(statement.NotResource).some((r) => wildcardMatch(r, resource))
      : list(statement.Resource).some((r) => wildcardMatch(r, resource));
  if (!actionMatches || !resourceMatches) return false;
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

/** One statement of a resource policy (a bucket or key policy): an identity statement with a Principal. */
export interface ResourceStatement extends IdentityStatement {
  readonly Principal?: '*' | Readonly<Record<string, string | readonly string[]>>;
}

/** Who asks: an IAM principal of an account, or an AWS service. */
export type RequestPrincipal = { readonly arn: string; readonly accountId: string } | { readonly service: string };

/** Whether a resource statement's Principal names the requester (directly, by its account's root or id, or anyone). */
function principalMatches(principal: ResourceStatement['Principal'], requester: RequestPrincipal): boolean {
  if (principal === '*') return true;
  if (principal === undefined) return false;
  if ('service' in requester) return list(principal.Service).includes(requester.service);
  const names = list(principal.AWS);
  return names.some((name) => name === '*' || name === requester.arn || name === requester.accountId || name === `arn:aws:iam::${requester.accountId}:root`);
}

/** One request to a resource in `resourceAccount`. */
export interface AccessRequest {
  readonly principal: RequestPrincipal;
  readonly action: string;
  readonly resource: string;
  /** Further condition keys; aws:PrincipalArn and aws:PrincipalAccount come from the principal. */
  readonly context?: RequestContext;
}

/** What a request comes to: allowed, refused by an explicit Deny, or allowed by nothing. */
export type AccessDecision = 'allowed' | 'explicit-deny' | 'implicit-deny';

/**
 * IAM's decision for a request to a resource with a resource policy: an explicit Deny in the
 * principal's own policies or the resource's wins; a principal of the resource's account (or a
 * service) needs an Allow in either; a principal of another account needs both. (A key policy's
 * statement for its own account's root delegates to IAM, which this reads as S3 reads a bucket
 * policy's; the tests ask it about other accounts' principals, where both rules agree.)
 */
export function decideAccess(
  identity: readonly IdentityStatement[],
  resourcePolicy: readonly ResourceStatement[],
  resourceAccount: string,
  request: AccessRequest,
): AccessDecision {
  const { principal, action, resource } = request;
  const context: RequestContext =
    'service' in principal ? { ...request.context } : { 'aws:PrincipalArn': principal.arn, 'aws:PrincipalAccount': principal.accountId, ...request.context };
  const forRequester = resourcePolicy.filter((s) => principalMatches(s.Principal, principal));
  const resourceDenies = forRequester.some((s) => s.Effect === 'Deny' && applies(s, action, resource, context));
  const identityDenies = identity.some((s) => s.Effect === 'Deny' && applies(s, action, resource, context));
  if (resourceDenies || identityDenies) return 'explicit-deny';
  const resourceAllows = forRequester.some((s) => s.Effect === 'Allow' && applies(s, action, resource, context));
  const identityAllows = identity.some((s) => s.Effect === 'Allow' && applies(s, action, resource, context));
  const sameAccount = 'service' in principal || principal.accountId === resourceAccount;
  const allowed = sameAccount ? resourceAllows || identityAllows : resourceAllows && identityAllows;
  return allowed ? 'allowed' : 'implicit-deny';
}
