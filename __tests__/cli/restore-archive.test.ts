// Where restore reads, in a single account and in a vault account: the deployment the CLI finds
// (the exporter, or the vault verifier by --function or by the local configuration's name) and
// the source account chosen in the vault, with the errors an operator can act on.
import { type FunctionConfiguration, GetFunctionConfigurationCommand, type LambdaClient, ListFunctionsCommand } from '@aws-sdk/client-lambda';
import { describe, expect, it } from 'vitest';
import { restoreArchive } from '../../cli/archive-location';
import { FunctionNotFoundError, type ResolvedDeployment, resolveDeployment, resolveSettings } from '../../cli/deployment';
import { SettingsError } from '../../handler/contract/settings';
import { motoExporterEnvironment } from '../support/moto-lambda';
import { VAULT_VERIFIER_HANDLER } from '../../handler/contract';
import { writeVaultSettings } from '../../handler/contract/vault-settings';

const VERIFIER = 'rds-archive-prod-vault-verifier';
const EXPORTER = 'rds-archive-prod-exporter';
const SOURCE = '222222222222';
const OTHER_SOURCE = '444444444444';

function vaultDeployment(sourceAccountIds: readonly string[]): ResolvedDeployment {
  return {
    kind: 'vault',
    vault: {
      archiveBucket: 'rds-archive-prod-111111111111-eu-west-1',
      archivePrefix: 'exports',
      sourceAccountIds,
      archiveName: 'rds-archive-prod',
      catalogEnabled: true,
    },
    env: {},
    sources: {},
    functionName: VERIFIER,
  };
}

/** A Lambda client that knows `functions` by name, as the Lambda API answers. */
function lambdaWith(functions: readonly FunctionConfiguration[]): LambdaClient {
  const byName = new Map(functions.map((f) => [f.FunctionName, f]));
  return {
    send: async (command: unknown) => {
      if (command instanceof GetFunctionConfigurationCommand) {
        const found = byName.get(command.input.FunctionName);
        if (found === undefined) throw Object.assign(new Error(`Function not found: ${command.input.FunctionName}`), { name: 'ResourceNotFoundException' });
        return found;
      }
      if (command instanceof ListFunctionsCommand) return { Functions: [...functions] };
      throw new Error(`unexpected command ${(command as object).constructor.name}`);
    },
    config: { region: async () => 'eu-west-1' },
  } as unknown as LambdaClient;
}

const verifierFunction = (sourceAccountIds: readonly string[]): FunctionConfiguration => ({
  FunctionName: VERIFIER,
  Handler: VAULT_VERIFIER_HANDLER,
  Environment: {
    Variables: writeVaultSettings({
      archiveBucket: 'rds-archive-prod-111111111111-eu-west-1',
      archivePrefix: 'exports',
      sourceAccountIds,
      archiveName: 'rds-archive-prod',
      catalogEnabled: true,
    }),
  },
});
const exporterFunction: FunctionConfiguration = {
  FunctionName: EXPORTER,
  Handler: 'index.handler',
  Environment: { Variables: motoExporterEnvironment({ archiveBucket: 'rds-archive-prod-123456789012-eu-west-1', archivePrefix: 'exports' }) },
};
const LOCAL = { localFunctionName: () => EXPORTER, localVaultVerifierName: () => VERIFIER, shellEnv: {} };

describe('choosing the archive restore reads', () => {
  it('reads an exporter its bucket and prefix', () => {
    // Prepare
    const settings = { archiveBucket: 'archive-bucket', archivePrefix: 'exports' };

    // Act
    const chosen = restoreArchive({ kind: 'exporter', settings: settings as never, env: {}, sources: {}, functionName: EXPORTER }, undefined);

    // Assess
    expect(chosen).toEqual({ archive: { bucket: 'archive-bucket', prefix: 'exports', inVault: false } });
  });

  it("reads the vault under the chosen source's prefix, or under the only source's without --source-account", () => {
    // Act
    const chosen = restoreArchive(vaultDeployment([SOURCE, OTHER_SOURCE]), OTHER_SOURCE);
    const only = restoreArchive(vaultDeployment([SOURCE]), undefined);

    // Assess
    expect(chosen).toEqual({ archive: { bucket: 'rds-archive-prod-111111111111-eu-west-1', prefix: `exports/${OTHER_SOURCE}`, inVault: true } });
    expect(only).toEqual({ archive: { bucket: 'rds-archive-prod-111111111111-eu-west-1', prefix: `exports/${SOURCE}`, inVault: true } });
  });

  it('names the source accounts when --source-account is missing among several, or is not one of them', () => {
    // Act
    const missing = restoreArchive(vaultDeployment([SOURCE, OTHER_SOURCE]), undefined);
    const unknown = restoreArchive(vaultDeployment([SOURCE, OTHER_SOURCE]), '333333333333');

    // Assess
    expect(missing).toEqual({
      problem: `restore in the vault account needs --source-account ID: the vault verifier ${VERIFIER} archives the source accounts ${SOURCE}, ${OTHER_SOURCE}; name the one whose export to restore`,
    });
    expect(unknown).toEqual({
      problem: `--source-account 333333333333 is not a source account of the vault verifier ${VERIFIER}; its source accounts (SOURCE_ACCOUNT_IDS) are ${SOURCE}, ${OTHER_SOURCE}`,
    });
  });

  it('refuses --source-account against an exporter, saying it is for the vault account', () => {
    // Act
    const chosen = restoreArchive({ kind: 'exporter', settings: {} as never, env: {}, sources: {}, functionName: EXPORTER }, SOURCE);

    // Assess
    expect(chosen).toEqual({
      problem: `--source-account is for the vault account (where the function is the vault verifier); ${EXPORTER} is an exporter, whose archive holds its own account's exports: leave --source-account out`,
    });
  });
});

describe('finding the deployment in a vault account', () => {
  it('reads the vault verifier --function names, with its settings', async () => {
    // Prepare
    const client = lambdaWith([verifierFunction([SOURCE, OTHER_SOURCE])]);

    // Act
    const resolved = await resolveDeployment({ functionName: VERIFIER }, { ...LOCAL, client });

    // Assess
    expect(resolved).toMatchObject({
      kind: 'vault',
      functionName: VERIFIER,
      vault: { archiveBucket: 'rds-archive-prod-111111111111-eu-west-1', archivePrefix: 'exports', sourceAccountIds: [SOURCE, OTHER_SOURCE] },
      sources: { ARCHIVE_BUCKET: 'function', SOURCE_ACCOUNT_IDS: 'function' },
    });
  });

  it("falls back to the local configuration's vault verifier when its exporter does not exist", async () => {
    // Prepare
    const client = lambdaWith([verifierFunction([SOURCE])]);

    // Act
    const resolved = await resolveDeployment({}, { ...LOCAL, client });

    // Assess
    expect(resolved).toMatchObject({ kind: 'vault', functionName: VERIFIER, vault: { sourceAccountIds: [SOURCE] } });
  });

  it('reads an exporter as before, and says nothing of a vault where the configuration has none', async () => {
    // Prepare
    const withExporter = lambdaWith([exporterFunction, verifierFunction([SOURCE])]);
    const withNothing = lambdaWith([]);

    // Act
    const exporter = await resolveDeployment({}, { ...LOCAL, client: withExporter });
    const nothing = resolveDeployment({}, { ...LOCAL, localVaultVerifierName: () => undefined, client: withNothing });

    // Assess
    expect(exporter).toMatchObject({ kind: 'exporter', functionName: EXPORTER, settings: { archiveBucket: 'rds-archive-prod-123456789012-eu-west-1' } });
    await expect(nothing).rejects.toBeInstanceOf(FunctionNotFoundError);
    await expect(nothing).rejects.toThrow(
      `the exporter function "${EXPORTER}" was not found in eu-west-1. No exporter functions are visible in eu-west-1: deploy the stack (npx cdktf deploy), or pass --region for the region it is in; in a vault account, name the vault verifier with --function <base>-vault-verifier.`,
    );
  });

  it("takes a function with the verifier's settings but another entry for no vault verifier: its settings error stands", async () => {
    // Prepare: a function with the verifier's environment but another entry.
    const impostor = { ...verifierFunction([SOURCE]), Handler: 'index.handler' };

    // Act
    const resolved = resolveDeployment({ functionName: VERIFIER }, { ...LOCAL, client: lambdaWith([impostor]) });

    // Assess
    await expect(resolved).rejects.toBeInstanceOf(SettingsError);
    await expect(resolved).rejects.toThrow(/EXPORT_ROLE_ARN.*\(from the function rds-archive-prod-vault-verifier\)/);
  });

  it('leaves resolveSettings, which doctor reads the exporter with, exporter-only', async () => {
    // Prepare
    const client = lambdaWith([verifierFunction([SOURCE])]);

    // Act
    const resolved = resolveSettings({}, { ...LOCAL, client });

    // Assess
    await expect(resolved).rejects.toBeInstanceOf(FunctionNotFoundError);
  });
});
