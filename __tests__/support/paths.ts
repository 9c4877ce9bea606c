// Where the project is, for tests that run its scripts or read its files, wherever the test file sits.
import * as path from 'node:path';

/** The repository's root folder. */
export const PROJECT_ROOT = path.join(__dirname, '..', '..');
