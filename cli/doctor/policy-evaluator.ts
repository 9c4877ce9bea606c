// A small evaluator of resource policies (key, bucket, topic and trust policies) for one
// request (pure): which statements apply to a principal, an action and a resource, and whether
// their conditions hold. It answers in three values: a condition on a key the request context
// does not know, or an operator this evaluator does not implement, is "unknown", never guessed,
// so doctor can say it could not check rather than claim a problem or an OK it does not know.

/** Who makes the request: an IAM principal (a role) or an AWS service. */
export type RequestPrincipal =
  | { readonly kind: 'aws'; readonly arn: string; readonly accountId: string }
  | { readonly kind: 'service'; readonly service: string };

/** One request to evaluate. */
export interface PolicyRequest {
  readonly principal: RequestPrincipal;
  readonly action: string;
  readonly resource: string;
  /** The condition keys the request is known to carry; keys not listed are unknown. */
  readonly context: Readonly<Record<string, string>>;
}

/** A statement as a policy document holds it (values as IAM stores them). */
export interface PolicyDocumentStatement {
  readonly Sid?: string;
  readonly Effect?: string;
  readonly Principal?: unknown;
  readonly NotPrincipal?: unknown;
  readonly Action?: string | readonly string[];
  readonly NotAction?: string | readonly string[];
  readonly Resource?: string | readonly string[];
  readonly NotResource?: string | readonly string[];
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
}

/** Three-valued truth: true, false, or not decidable from what is known. */
export type Truth = true | false | 'unknown';

/** How a statement names the principal: by its ARN, through its account (delegating to IAM), or anyone. */
export type PrincipalMatch = 'named' | 'account' | 'anyone' | 'service';

/** A statement that applies to the request (principal, action and resource match). */
export interface ApplyingStatement {
  readonly sid: string;
  readonly effect: 'Allow' | 'Deny';
  readonly via: PrincipalMatch;
  /** Whether its conditions hold for the request. */
  readonly conditions: Truth;
}

/** What a policy says about one request. */
export interface PolicyVerdict {
  /**
   * deny: a statement denies it; allow: a statement allows it and none may deny it; none: no
   * statement allows it; unknown: an applying statement's conditions could not be decided.
   */
  readonly decision: 'allow' | 'deny' | 'none' | 'unknown';
  readonly statements: readonly ApplyingStatement[];
}

function list(value: unknown): string[] {
  if (value === undefined || value === null) return [];
  return (Array.isArray(value) ? value : [value]).map(String);
}

/** IAM wildcard matching: * any run, ? one character. */
export function wildcardMatch(pattern: string, value: string, ignoreCase = false): boolean {
  const regex = pattern
    .replace(/[.+^${}()|[\]\\/]/g, '\\$&')
    .replace(/\*/g, '.*')
    .replace(/\?/g, '.');
  return new RegExp(`^${regex}$`, ignoreCase ? 'is' : 's').test(value);
}

/** How `principalField` (a statement's Principal) covers the request's principal, or undefined when it does not. */
function principalMatch(principalField: unknown, principal: RequestPrincipal): PrincipalMatch | undefined {
  if (principalField === '*') return 'anyone';
  if (typeof principalField !== 'object' || principalField === null) return undefined;
  const field = principalField as Record<string, unknown>;
  if (principal.kind === 'service') return list(field.Service).includes(principal.service) ? 'service' : undefined;
  const names = list(field.AWS);
  if (names.includes('*')) return 'anyone';
  if (names.includes(principal.arn)) return 'named';
  const root = principal.arn.replace(/:(role|user)\/.*$/, ':root').replace(/^(arn:[^:]+:iam::\d{12}):.*$/, '$1:root');
  if (names.includes(root) || names.includes(principal.accountId)) return 'account';
  return undefined;
}

type Comparison = (expected: string, actual: string) => boolean;

const COMPARISONS: Readonly<Record<string, Comparison>> = {
  StringEquals: (expected, actual) => expected === actual,
  StringEqualsIgnoreCase: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(),
  StringLike: (expected, actual) => wildcardMatch(expected, actual),
  ArnEquals: (expected, actual) => expected === actual,
  ArnLike: (expected, actual) => wildcardMatch(expected, actual),
  Bool: (expected, actual) => expected.toLowerCase() === actual.toLowerCase(),
};

const NEGATIONS: Readonly<Record<string, string>> = {
  StringNotEquals: 'StringEquals',
  StringNotEqualsIgnoreCase: 'StringEqualsIgnoreCase',
  StringNotLike: 'StringLike',
  ArnNotEquals: 'ArnEquals',
  ArnNotLike: 'ArnLike',
};

function contextValue(context: Readonly<Record<string, string>>, key: string): string | undefined {
  const wanted = key.toLowerCase();
  for (const [name, value] of Object.entries(context)) if (name.toLowerCase() === wanted) return value;
  return undefined;
}

/** Whether one operator's block holds: every key matches one of its values (for negations, none). */
function operatorHolds(operator: string, keys: Readonly<Record<string, unknown>>, context: Readonly<Record<string, string>>): Truth {
  const base = operator.replace(/IfExists$/, '');
  const negated = NEGATIONS[base];
  const compare = COMPARISONS[negated ?? base];
  if (compare === undefined || operator.includes(':')) return 'unknown';
  let result: Truth = true;
  for (const [key, values] of Object.entries(keys)) {
    const actual = contextValue(context, key);
    if (actual === undefined) {
      result = 'unknown';
      continue;
    }
    const matched = list(values).some((expected) => compare(expected, actual));
    if (negated !== undefined ? matched : !matched) return false;
  }
  return result;
}

/** Whether a statement's conditions hold: false when one block fails, unknown when one cannot be decided. */
export function conditionsHold(condition: PolicyDocumentStatement['Condition'], context: Readonly<Record<string, string>>): Truth {
  let result: Truth = true;
  for (const [operator, keys] of Object.entries(condition ?? {})) {
    const holds = operatorHolds(operator, keys, context);
    if (holds === false) return false;
    if (holds === 'unknown') result = 'unknown';
  }
  return result;
}

function matchesAny(patterns: string[], value: string, ignoreCase: boolean): boolean {
  return patterns.some((pattern) => wildcardMatch(pattern, value, ignoreCase));
}

/** The statement if it applies to the request's principal, action and resource (trust policies have no Resource). */
function applying(statement: PolicyDocumentStatement, request: PolicyRequest): ApplyingStatement | undefined {
  if (statement.NotPrincipal !== undefined) return undefined;
  const via = principalMatch(statement.Principal, request.principal);
  if (via === undefined) return undefined;
  const action =
    statement.NotAction !== undefined ? !matchesAny(list(statement.NotAction), request.action, true) : matchesAny(list(statement.Action), request.action, true);
  if (!action) return undefined;
  const resource =
    statement.NotResource !== undefined
      ? !matchesAny(list(statement.NotResource), request.resource, false)
      : statement.Resource === undefined || matchesAny(list(statement.Resource), request.resource, false);
  if (!resource) return undefined;
  return {
    sid: statement.Sid ?? '(no Sid)',
    effect: statement.Effect === 'Deny' ? 'Deny' : 'Allow',
    via,
    conditions: conditionsHold(statement.Condition, request.context),
  };
}

/** Evaluates a policy's statements for one request. */
export function evaluatePolicy(statements: readonly PolicyDocumentStatement[], request: PolicyRequest): PolicyVerdict {
  const applies = statements.map((s) => applying(s, request)).filter((s): s is ApplyingStatement => s !== undefined && s.conditions !== false);
  const denies = applies.filter((s) => s.effect === 'Deny');
  const allows = applies.filter((s) => s.effect === 'Allow');
  let decision: PolicyVerdict['decision'];
  if (denies.some((s) => s.conditions === true)) decision = 'deny';
  else if (denies.length > 0) decision = 'unknown';
  else if (allows.some((s) => s.conditions === true)) decision = 'allow';
  else decision = allows.length > 0 ? 'unknown' : 'none';
  return { decision, statements: applies };
}

/** The statements of a policy document's JSON (IAM URL-encodes trust policies; both forms are read). */
export function policyStatements(document: string): PolicyDocumentStatement[] {
  const text = document.trimStart().startsWith('{') ? document : decodeURIComponent(document);
  const parsed = JSON.parse(text) as { Statement?: PolicyDocumentStatement | PolicyDocumentStatement[] };
  return parsed.Statement === undefined ? [] : Array.isArray(parsed.Statement) ? parsed.Statement : [parsed.Statement];
}
