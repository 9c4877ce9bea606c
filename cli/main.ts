// Entry point of `npm run archive`.
import './quiet-sdk-warnings';
import { main } from './archive';

void main(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
