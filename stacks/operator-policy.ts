import { Construct } from 'constructs';
import { IamPolicy } from '@cdktf/provider-aws/lib/iam-policy';
import { policyDocument, type PolicyStatement } from './policy';

/** Settings of the operator policy. */
export interface OperatorPolicyProps {
  /** Name shared by the deployment's resources, for the description. */
  readonly baseName: string;
  /** The policy's name (naming.ts: iamName). */
  readonly policyName: string;
  /** What operating the archive takes (archive-access.ts: archiveAccessStatements), as the exporter has it. */
  readonly archiveAccess: readonly PolicyStatement[];
  /** The deployed exporter function, whose environment the CLI reads its settings from. */
  readonly exporterFunctionArn: string;
}

/**
 * A managed policy for the people and roles that run `npm run archive`: the same permissions
 * as the exporter (so the CLI can do what the exporter does, and no more), plus reading the
 * exporter's configuration. Attaching it is left to the account's owners.
 */
export class OperatorPolicy extends Construct {
  /** The policy's ARN, to attach to operators' roles or users. */
  readonly policyArn: string;

  constructor(scope: Construct, id: string, props: OperatorPolicyProps) {
    super(scope, id);
    const policy = new IamPolicy(this, 'policy', {
      name: props.policyName,
      description: `Lets an operator run the archive CLI (npm run archive) for ${props.baseName}: find snapshots, start, verify and catalog their exports, as the exporter does`,
      policy: policyDocument(operatorPolicy(props.archiveAccess, props.exporterFunctionArn)),
    });
    this.policyArn = policy.arn;
  }
}

/** The operator's statements: what operating the archive takes, and reading the deployed exporter's settings. */
export function operatorPolicy(archiveAccess: readonly PolicyStatement[], exporterFunctionArn: string): PolicyStatement[] {
  return [
    ...archiveAccess,
    {
      // The CLI takes its settings (bucket, roles, key, policy) from the deployed function's environment.
      Sid: 'ReadExporterConfiguration',
      Effect: 'Allow',
      Action: 'lambda:GetFunctionConfiguration',
      Resource: exporterFunctionArn,
    },
    {
      // When the exporter is not found by name, the CLI lists the functions to name the exporters it can see.
      // ListFunctions cannot be scoped to a resource.
      Sid: 'ListExporterFunctions',
      Effect: 'Allow',
      Action: 'lambda:ListFunctions',
      Resource: '*',
    },
  ];
}
