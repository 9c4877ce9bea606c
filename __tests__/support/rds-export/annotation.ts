// The annotation of a Parquet column as AWS's type tables name it ("INT(16, true)", "DECIMAL(9,2)",
// "TIMESTAMP(MICROS)", "STRING"), read from its logical type or, where only the legacy converted
// type is written, from that: the format defines INT_16 as INT(16, true).
interface Annotated {
  readonly logical_type?: { type: string; bitWidth?: number; isSigned?: boolean; precision?: number; scale?: number; unit?: string };
  readonly converted_type?: string;
}

const CONVERTED_INTEGERS: Readonly<Record<string, string>> = {
  INT_8: 'INT(8, true)',
  INT_16: 'INT(16, true)',
  INT_32: 'INT(32, true)',
  INT_64: 'INT(64, true)',
  UINT_8: 'INT(8, false)',
  UINT_16: 'INT(16, false)',
  UINT_32: 'INT(32, false)',
  UINT_64: 'INT(64, false)',
};

/** The column's annotation in AWS's spelling, or undefined when it has none. */
export function annotationOf(element: Annotated): string | undefined {
  const logical = element.logical_type;
  if (logical === undefined) return element.converted_type === undefined ? undefined : CONVERTED_INTEGERS[element.converted_type];
  if (logical.type === 'INTEGER') return `INT(${logical.bitWidth}, ${logical.isSigned})`;
  if (logical.type === 'DECIMAL') return `DECIMAL(${logical.precision},${logical.scale})`;
  if (logical.type === 'TIMESTAMP') return `TIMESTAMP(${logical.unit})`;
  return logical.type;
}
