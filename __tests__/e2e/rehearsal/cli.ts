// The operator CLI against the deployed exporter, with nothing but moto's endpoint, region and
// credentials: status shows each export's outcome, verify --json lists them, catalog --dry-run
// finds them registered.
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { describe, expect, it } from 'vitest';
import { exportTasksOf, motoProcessEnv } from '../../support/moto-rds';
import type { ArchivedExports } from '../support/archived-exports';
import type { Deployment } from '../support/deployment';
import { step } from '../support/terraform-moto';

const ROOT = path.join(__dirname, '..', '..', '..');

/** `npm run archive` over the exports the verification subject archived. */
export function cliTests(deployment: Deployment, archive: ArchivedExports): void {
  describe('CLI', () => {
    /** Runs the CLI as an operator would, with nothing but moto's endpoint, region and credentials. */
    function cli(args: string[]): { status: number | null; stdout: string; stderr: string } {
      const result = spawnSync(process.execPath, ['scripts/run-ts.js', 'cli/main.ts', ...args, '--function', deployment.outputs['exporter-function-name']], {
        cwd: ROOT,
        encoding: 'utf8',
        env: motoProcessEnv(deployment.moto.endpoint, {}),
        timeout: 120_000,
      });
      return { status: result.status, stdout: result.stdout, stderr: result.stderr };
    }

    it('the CLI against the deployed exporter: status shows each outcome, verify --json lists them, catalog --dry-run finds them registered', async () => {
      // Prepare: the cluster export of the rehearsal's start has no files and no manifest yet.
      const ids = {
        verified: archive.get('verified').task.ExportTaskIdentifier!,
        incomplete: archive.get('incomplete').task.ExportTaskIdentifier!,
        missing: archive.get('missing').task.ExportTaskIdentifier!,
      };
      const ledger = (await exportTasksOf(deployment.rds())).find((t) => t.S3Prefix === 'exports/ledger-cluster')!.ExportTaskIdentifier!;
      const catalogBefore = await archive.catalogOf('orders-db');

      // Act
      step('CLI: status, verify --json, catalog --dry-run');
      const status = cli(['status']);
      const verify = cli(['verify', '--json']);
      const reported = await archive.notifications.drain();
      const catalog = cli(['catalog', '--dry-run']);

      // Assess
      expect(status.status, status.stderr).toBe(0);
      const [header, ...rows] = status.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/ {2,}/));
      expect(header).toEqual(['EXPORT', 'SNAPSHOT', 'DATABASE', 'STATUS', 'PROGRESS', 'VERIFIED', 'STARTED', 'S3 LOCATION']);
      const verifiedColumn = header!.indexOf('VERIFIED');
      expect(Object.fromEntries(rows.map((row) => [row[0], row[verifiedColumn]]))).toEqual({
        [ids.verified]: 'verified',
        [ids.incomplete]: 'incomplete',
        [ids.missing]: 'missing',
        [ledger]: '-',
        ...Object.fromEntries(archive.corpus.map((e) => [e.task.ExportTaskIdentifier, 'verified'])),
      });

      expect(verify.status, verify.stderr).toBe(1);
      // --json is for scripts: stdout must be the JSON document alone. (Soft, so the outcomes below
      // are still checked while it is not.)
      const jsonStart = verify.stdout.search(/^\[/m);
      expect.soft(verify.stdout.slice(0, Math.max(jsonStart, 0)), 'what verify --json printed before its JSON').toBe('');
      const lines = JSON.parse(verify.stdout.slice(jsonStart)) as Array<{
        exportTaskIdentifier: string;
        outcome: string;
        written: boolean;
        notArchived: Array<{ target: string }>;
      }>;
      expect(
        Object.fromEntries(
          lines.map((l) => [l.exportTaskIdentifier, { outcome: l.outcome, written: l.written, notArchived: l.notArchived.map((t) => t.target) }]),
        ),
      ).toEqual({
        [ids.verified]: { outcome: 'verified', written: false, notArchived: [] },
        [ids.incomplete]: { outcome: 'incomplete', written: false, notArchived: ['shop.order_lines'] },
        [ids.missing]: { outcome: 'missing', written: false, notArchived: [] },
        // Never verified before: the CLI verifies it now, records it and reports it.
        [ledger]: { outcome: 'missing', written: true, notArchived: [] },
        ...Object.fromEntries(archive.corpus.map((e) => [e.task.ExportTaskIdentifier, { outcome: 'verified', written: false, notArchived: [] }])),
      });
      expect(reported.map((n) => n.Subject)).toEqual(['RDS snapshot archive: ledger-cluster export files missing']);

      const catalogLine = (id: string) => catalog.stdout.split('\n').find((line) => line.includes(id));
      expect(catalogLine(ids.verified)).toBe(
        `would register  ${ids.verified} → rds_archive_e2e_orders_db: orders_public_orders partition-exists, orders_billing_invoices partition-exists`,
      );
      expect(catalogLine(ids.incomplete)).toMatch(
        new RegExp(
          `^would register  ${ids.incomplete} → rds_archive_e2e_shop_db: shop\\.order_lines skipped \\(not archived: RDS skipped it.*\\), shop_products partition-exists, shop_notes partition-exists$`,
        ),
      );
      // The missing exports have nothing to register. (moto gives no SnapshotTime, so their manifests have none.)
      for (const id of [ids.missing, ledger]) expect(catalogLine(id), catalog.stdout).not.toContain('partition-exists');
      expect(archive.corpus).toHaveLength(4);
      expect(catalog.stdout).toContain(`${4 + archive.corpus.length} completed export(s) since`);
      expect(catalog.stderr).not.toMatch(/error/i);
      expect(await archive.catalogOf('orders-db')).toEqual(catalogBefore);
      step(`catalog --dry-run exited ${catalog.status}:\n${catalog.stdout.trim()}`);
    });
  });
}
