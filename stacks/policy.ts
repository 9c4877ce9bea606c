// IAM policy documents as plain data. Keeping them as objects (not HCL data sources) lets the
// tests read every statement directly, and cdktf resolves the tokens inside when it serializes.

/** One IAM policy statement. */
export interface PolicyStatement {
  readonly Sid: string;
  readonly Effect: 'Allow' | 'Deny';
  readonly Principal?: Readonly<Record<string, string | readonly string[]>> | '*';
  readonly Action: string | readonly string[];
  /** Absent in trust policies, which apply to the role itself. */
  readonly Resource?: string | readonly string[];
  /** Every resource but these (a Deny that confines a principal to its own prefix). */
  readonly NotResource?: string | readonly string[];
  /** Condition values are strings, as IAM stores them ("true", not true), so plans stay quiet. */
  readonly Condition?: Readonly<Record<string, Readonly<Record<string, string | readonly string[]>>>>;
}

/** Serializes statements into a policy document string for a Terraform `policy` argument. */
export function policyDocument(statements: readonly PolicyStatement[]): string {
  return JSON.stringify({ Version: '2012-10-17', Statement: statements });
}

/** Account, partition and region of the stack, as Terraform expressions. */
export interface AwsScope {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  /** The partition's DNS suffix ("amazonaws.com", "amazonaws.com.cn" in China), for service endpoint names such as kms:ViaService. */
  readonly dnsSuffix: string;
}

/** The endpoint name of a regional service, as kms:ViaService names it: `<service>.<region>.<dns suffix>`. */
export function serviceEndpoint(scope: AwsScope, service: string): string {
  return `${service}.${scope.region}.${scope.dnsSuffix}`;
}

/** Lets an AWS service, acting for this account only, publish to a topic. */
export function servicePublishes(sid: string, service: string, topicArn: string, accountId: string): PolicyStatement {
  return {
    Sid: sid,
    Effect: 'Allow',
    Principal: { Service: service },
    Action: 'sns:Publish',
    Resource: topicArn,
    Condition: { StringEquals: { 'aws:SourceAccount': accountId } },
  };
}
