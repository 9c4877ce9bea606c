// The deploy rehearsal: the real Terraform applies the synthesized stack to moto, the plan
// converges, the deployed resources are what the stack says, the deployed wiring carries snapshot
// events to exports and export-completed events to verification and the catalog, the CLI reads
// it all back, and destroy succeeds.
//
// This is the rehearsal's one test file, so the stack is applied once and destroyed once: the
// deployment (support/deployment.ts) is set up and applied in one beforeAll, and the subjects of
// rehearsal/ run in the order below against it; the last one destroys it (afterAll destroys it
// only when a failure left it standing).
import { describe } from 'vitest';
import { motoMissing, requireTool, terraformMissing } from '../support/tools';
import { cliTests } from './rehearsal/cli';
import { deployTests, destroyTests } from './rehearsal/deploy';
import { deployedResourceTests } from './rehearsal/deployed-resources';
import { eventsToExportsTests } from './rehearsal/events-to-exports';
import { verificationAndCatalogTests } from './rehearsal/verification-and-catalog';
import { ArchivedExports } from './support/archived-exports';
import { deployOnce } from './support/deployment';

const runs = requireTool('deploy rehearsal', terraformMissing() ?? motoMissing());

describe.runIf(runs)('deploy rehearsal against moto', () => {
  const deployment = deployOnce();
  const archive = new ArchivedExports(deployment);

  deployTests(deployment);
  deployedResourceTests(deployment);
  eventsToExportsTests(deployment);
  verificationAndCatalogTests(deployment, archive);
  cliTests(deployment, archive);
  destroyTests(deployment);
});
