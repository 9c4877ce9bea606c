// `backfill`: start the missing exports of existing snapshots through the reconciliation's own
// planner and policy, so it starts exactly what a reconciliation would; --dry-run adds the cost.
import { estimateExportCost } from '../../handler/rules';
import { reconcile } from '../../handler/exporting';
import type { Settings } from '../../handler/contract';
import type { Command } from '../args';

export async function backfill(command: Extract<Command, { command: 'backfill' }>, settings: Settings): Promise<number> {
  const result = await reconcile(settings, {
    since: command.since,
    databasePattern: command.database,
    dryRun: command.dryRun,
    onStarted: (arn, id) => console.log(`started  ${id}  (${arn})`),
  });
  const { plan } = result;
  const count = (kind: string) => plan.decisions.filter((d) => d.kind === kind).length;
  const skippedByPolicy = result.cadence.filter((d) => !d.due && d.reason !== 'not selected');
  if (command.dryRun) {
    const size = new Map(result.snapshots.map((s) => [s.snapshotArn, s.sizeGb ?? 0]));
    for (const start of plan.toStart)
      console.log(`would start  ${start.exportTaskIdentifier}  (${start.snapshotArn}, attempt ${start.attempt}, ${size.get(start.snapshotArn) ?? 0} GB)`);
    const due = plan.decisions.filter((d) => d.kind === 'start' || d.kind === 'deferred').map((d) => size.get(d.snapshotArn) ?? 0);
    const gb = due.reduce((sum, value) => sum + value, 0);
    const price = settings.policy.exportPricePerGb;
    console.log(
      `estimated cost: ${due.length} export(s) of ${gb} GB of snapshots × $${price}/GB = $${estimateExportCost(due, price).toFixed(2)} (policy.exportPricePerGb; snapshot sizes as RDS reports AllocatedStorage)`,
    );
  }
  for (const d of plan.decisions) {
    if (d.kind === 'deferred') console.log(`deferred     ${d.snapshotArn}: no free export slot now; run backfill again later`);
    if (d.kind === 'gave-up') console.log(`gave up      ${d.snapshotArn}: ${d.attempts} attempts failed (last ${d.lastExportTaskIdentifier})`);
  }
  for (const d of skippedByPolicy) console.log(`skipped      ${d.snapshotArn}: ${d.reason}`);
  for (const f of result.failures) console.error(`failed       ${f.snapshotArn}: ${f.reason}`);
  console.log(
    `${command.dryRun ? 'dry run: would start' : 'started'} ${command.dryRun ? plan.toStart.length : result.started.length} of ${plan.decisions.length} snapshot(s) since ${command.since.toISOString()}` +
      `${command.dryRun ? '' : `, ${result.failures.length} failed to start`}; ` +
      `${count('exported')} already exported, ${count('running')} running, ${count('deferred')} deferred, ${count('gave-up')} given up, ${skippedByPolicy.length} skipped by the policy, ${count('ineligible') - skippedByPolicy.length} not selected; ${plan.running} export(s) running in the account, ${plan.freeSlots} slot(s) were free`,
  );
  return result.failures.length > 0 ? 1 : 0;
}
