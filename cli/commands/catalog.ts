// `catalog`: register verified exports (those with a manifest) in the Glue Data Catalog, for
// exports made before the catalog was on, or after a registration failed.
import { registerExport } from '../../handler/catalog';
import { readManifest } from '../../handler/aws';
import type { Settings } from '../../handler/contract';
import { exportFolder } from '../../handler/verification';
import type { Command } from '../args';
import { archiveExports } from './status';

export async function catalog(command: Extract<Command, { command: 'catalog' }>, settings: Settings): Promise<number> {
  if (!settings.catalogEnabled) {
    console.error(
      'error: this deployment has the catalog turned off (CATALOG_ENABLED=false; catalog.enabled in the configuration). Turn it on and deploy, or set CATALOG_ENABLED=true in the shell to register anyway.',
    );
    return 2;
  }
  const tasks = (await archiveExports(settings, command.since)).filter((t) => (t.Status ?? '').toUpperCase() === 'COMPLETE');
  let registered = 0;
  let unverified = 0;
  let failed = 0;
  let missing = 0;
  for (const task of tasks) {
    const id = task.ExportTaskIdentifier ?? '';
    const manifest = await readManifest(settings.archiveBucket, exportFolder(task.S3Prefix, id));
    if (manifest === undefined) {
      unverified++;
      console.log(`not verified  ${id}: run "npm run archive -- verify ${id}" first`);
      continue;
    }
    if (manifest.outcome === 'missing') {
      missing++;
      console.log(`nothing to register  ${id}: its files are missing (${manifest.missingReason ?? 'see its manifest'})`);
      continue;
    }
    const result = await registerExport(manifest, { archiveName: settings.archiveName, dryRun: command.dryRun, log: () => undefined });
    if (result.problem !== undefined) {
      failed++;
      console.log(`not registered  ${id}: ${result.problem}`);
      continue;
    }
    registered++;
    const actions = result.tables.map((t) => `${t.table ?? t.target} ${t.action}${t.reason ? ` (${t.reason})` : ''}`);
    console.log(
      `${command.dryRun ? 'would register' : 'registered'}  ${id} → ${result.database}: ${actions.length === 0 ? 'no archived tables' : actions.join(', ')}`,
    );
  }
  console.log(
    `${tasks.length} completed export(s) since ${command.since.toISOString()}: ${registered} ${command.dryRun ? 'checked (dry run, nothing written)' : 'registered'}, ${unverified} not verified yet, ${missing} missing (nothing to register), ${failed} not registrable`,
  );
  return failed > 0 ? 1 : 0;
}
