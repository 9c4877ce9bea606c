// Recovers a PostgreSQL numeric column's scale from its values (pure). RDS states a numeric's
// precision but not its scale; PostgreSQL prints every value of numeric(p,s) with exactly s
// decimals ("12.50", "3.00"), so the data says s when all values agree.

/** What the values say: one scale, different ones (an unconstrained numeric), or nothing (no values). */
export type RecoveredScale = { readonly kind: 'scale'; readonly scale: number } | { readonly kind: 'mixed' } | { readonly kind: 'none' };

/** The number of decimals PostgreSQL printed; undefined for NaN and the infinities, which carry none. */
export function decimalsOf(text: string): number | undefined {
  if (!/^-?\d/.test(text)) return undefined;
  const dot = text.indexOf('.');
  return dot < 0 ? 0 : text.length - dot - 1;
}

/**
 * decimalsOf for a value's UTF-8 bytes, bytes[from, to) (as the loaders' text holds it), without
 * making a string of it: the text a number is printed in is ASCII, one byte a character.
 */
export function decimalsOfBytes(bytes: Uint8Array, from: number, to: number): number | undefined {
  const start = from < to && bytes[from] === 0x2d ? from + 1 : from;
  if (start >= to || bytes[start]! < 0x30 || bytes[start]! > 0x39) return undefined;
  let dot = -1;
  for (let i = from; i < to; i++) {
    const byte = bytes[i]!;
    // Not ASCII: not a number PostgreSQL or MySQL prints, but counted as the string would be.
    if (byte >= 0x80) return decimalsOf(Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('utf8'));
    if (byte === 0x2e && dot < 0) dot = i;
  }
  return dot < 0 ? 0 : to - dot - 1;
}

/** Accumulates the scale over a column's values, file by file. */
export class ScaleRecovery {
  private scale: number | undefined;
  private mixed = false;

  observe(text: string | null | undefined): void {
    if (text !== null && text !== undefined) this.observeDecimals(decimalsOf(text));
  }

  /** A value's UTF-8 bytes, bytes[from, to). */
  observeBytes(bytes: Uint8Array, from: number, to: number): void {
    this.observeDecimals(decimalsOfBytes(bytes, from, to));
  }

  private observeDecimals(decimals: number | undefined): void {
    if (this.mixed || decimals === undefined) return;
    if (this.scale === undefined) this.scale = decimals;
    else if (this.scale !== decimals) this.mixed = true;
  }

  result(): RecoveredScale {
    if (this.mixed) return { kind: 'mixed' };
    return this.scale === undefined ? { kind: 'none' } : { kind: 'scale', scale: this.scale };
  }
}
