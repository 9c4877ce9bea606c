import type { ArchiveConfig } from './config';
import type { AwsScope } from './policy';

/** What every part of a stack is made with: the configuration, the account and region, and the deployment's name. */
export interface StackContext {
  readonly config: ArchiveConfig;
  /** The stack's account, partition and region. */
  readonly aws: AwsScope;
  /** Name shared by the deployment's resources (resourceBaseName). */
  readonly baseName: string;
}
