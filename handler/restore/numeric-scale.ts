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

/** Accumulates the scale over a column's values, file by file. */
export class ScaleRecovery {
  private scale: number | undefined;
  private mixed = false;

  observe(text: string | null | undefined): void {
    if (this.mixed || text === null || text === undefined) return;
    const decimals = decimalsOf(text);
    if (decimals === undefined) return;
    if (this.scale === undefined) this.scale = decimals;
    else if (this.scale !== decimals) this.mixed = true;
  }

  result(): RecoveredScale {
    if (this.mixed) return { kind: 'mixed' };
    return this.scale === undefined ? { kind: 'none' } : { kind: 'scale', scale: this.scale };
  }
}
