// `env`: each setting of the handler contract, its value and where it came from.
import { SETTING_CODECS } from '../../handler/contract';
import type { ResolvedSettings } from '../deployment';

/** The settings as lines (or JSON), each with its source: the function, the shell, or the default. */
export function formatEnvironment(resolved: ResolvedSettings, json: boolean): string {
  const rows = Object.values(SETTING_CODECS).map((codec) => ({
    variable: codec.variable,
    value: resolved.env[codec.variable] ?? (codec.fallback === undefined ? '' : codec.write(codec.fallback as never)),
    source: resolved.sources[codec.variable] ?? 'default',
  }));
  if (json) return JSON.stringify({ functionName: resolved.functionName ?? null, settings: rows }, null, 2);
  const width = Math.max(...rows.map((r) => r.variable.length));
  return rows.map((r) => `${r.variable.padEnd(width)}  ${r.value === '' ? '(unset)' : r.value}  [${r.source}]`).join('\n');
}
