// A restore problem the operator can fix: the message names it and says what to do.

/** Bad input or a refused restore; the CLI prints the message alone, without a stack trace. */
export class RestoreError extends Error {
  constructor(
    message: string,
    /** 2 for bad input (arguments, URL), 1 for everything else. */
    readonly exitCode: number = 1,
  ) {
    super(message);
    this.name = 'RestoreError';
  }
}

/** The refusal of --if-exists fail (the default). */
export function tableExistsError(table: string): RestoreError {
  return new RestoreError(
    `the table ${table} exists in the target, and --if-exists fail (the default) never touches an existing table: drop or rename it, restore into another schema (--target-schema), or pass --if-exists replace or append`,
  );
}
