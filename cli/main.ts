// Entry point of `npm run archive`.
import { main } from './archive';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
