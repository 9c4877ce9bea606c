// What a RestoreError says, for tests that check the message a user would read.
import { RestoreError } from '../../../../handler/restore/restore-error';

/** The message of the RestoreError `fn` throws; any other outcome fails the test. */
export function restoreErrorMessage(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    if (error instanceof RestoreError) return error.message;
    throw error;
  }
  throw new Error('expected a RestoreError');
}
