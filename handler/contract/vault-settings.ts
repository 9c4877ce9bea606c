// The vault verifier's settings contract (docs/handler-contract.md, "Vault mode"): the vault stack
// writes the verifier's environment with writeVaultSettings, the verifier (handler/vault-record.ts)
// reads it with readVaultSettings. The settings it shares with the exporter travel under the
// exporter's variables, with the exporter's codecs, so the two cannot disagree on a name.
import { ACCOUNT_ID } from './formats';
import { type CodecTable, type Env, patternList, readWithCodecs, SETTING_CODECS, writeWithCodecs } from './settings';

/**
 * The vault verifier's entry in the handler's zip (handler/vault-record.ts, bundled as
 * vault-record.js): the stack deploys the verifier with it, and the CLI tells the verifier from an
 * exporter by it.
 */
export const VAULT_VERIFIER_HANDLER = 'vault-record.handler';

/** The vault verifier's settings. */
export interface VaultSettings {
  /** The vault's archive bucket, which every source account exports into. Required. */
  readonly archiveBucket: string;
  /** The base prefix: source account `<id>` exports under `<archivePrefix>/<id>/` (sourceArchivePrefix). @default "exports" */
  readonly archivePrefix: string;
  /** The source accounts whose handovers are verified; a handover from any other account is rejected. Required. */
  readonly sourceAccountIds: readonly string[];
  /** The deployment's name: the Archive dimension of the metrics and the start of every Glue database name. @default "rds-snapshot-archive" */
  readonly archiveName: string;
  /** Whether verified exports are registered in the vault's Glue Data Catalog. @default true */
  readonly catalogEnabled: boolean;
  /** Where operators are told about rejected handovers and incomplete exports. @default undefined (nobody is told) */
  readonly notifyTopicArn?: string;
}

/** Every vault setting's variable, default, parse and write. */
export const VAULT_SETTING_CODECS: CodecTable<VaultSettings> = {
  archiveBucket: SETTING_CODECS.archiveBucket,
  archivePrefix: SETTING_CODECS.archivePrefix,
  sourceAccountIds: {
    ...patternList('SOURCE_ACCOUNT_IDS', ACCOUNT_ID),
    fallback: undefined,
    parse: (value) => {
      const parsed = patternList('SOURCE_ACCOUNT_IDS', ACCOUNT_ID).parse(value);
      if ('problem' in parsed) return parsed;
      return parsed.value.length === 0 ? { problem: 'must name at least one source account id (12 digits)' } : { value: [...new Set(parsed.value)] };
    },
  },
  archiveName: SETTING_CODECS.archiveName,
  catalogEnabled: SETTING_CODECS.catalogEnabled,
  notifyTopicArn: SETTING_CODECS.notifyTopicArn,
};

/** The contract's variable names, in the order of {@link VAULT_SETTING_CODECS}. */
export const VAULT_SETTING_VARIABLES: readonly string[] = Object.values(VAULT_SETTING_CODECS).map((codec: { variable: string }) => codec.variable);

/**
 * Reads and checks the vault verifier's settings from environment variables.
 *
 * @throws SettingsError listing every missing or malformed variable at once
 */
export function readVaultSettings(env: Env): VaultSettings {
  return readWithCodecs(VAULT_SETTING_CODECS, env);
}

/** The environment variables that carry the vault verifier's settings (values may be Terraform tokens). */
export function writeVaultSettings(settings: VaultSettings): Record<string, string> {
  return writeWithCodecs(VAULT_SETTING_CODECS, settings);
}
