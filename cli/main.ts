// Entry point of `npm run archive`.
import { settleStartupWarnings } from './quiet-sdk-warnings';
import { main } from './archive';

void settleStartupWarnings()
  .then(() => main(process.argv.slice(2)))
  .then((code) => {
    process.exitCode = code;
  });
