// The --to URL of a restore (pure): which engine, where, as whom, and how to use TLS.
import { RestoreError } from './restore-error';

/** The two engines a restore can load into. */
export type Engine = 'postgres' | 'mysql';

/**
 * TLS as libpq's sslmode names it (MySQL's ssl-mode values map onto it):
 * disable: never; prefer: TLS when the server offers it, else plain (the default of both
 * clients, and RDS offers TLS); require: TLS, certificate not checked; verify-ca: TLS with a
 * certificate signed by the CA; verify-full: also the host name.
 */
export const TLS_MODES = ['disable', 'prefer', 'require', 'verify-ca', 'verify-full'] as const;
export type TlsMode = (typeof TLS_MODES)[number];

/** Where a restore loads, from --to. */
export interface RestoreTarget {
  readonly engine: Engine;
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly database: string;
  readonly tls: TlsMode;
  /** A CA bundle file for verify-ca / verify-full (sslrootcert, ssl-ca), e.g. RDS's global-bundle.pem. */
  readonly caFile?: string;
  /** The URL as shown in messages. */
  readonly display: string;
}

const SCHEMES: Readonly<Record<string, { engine: Engine; port: number }>> = {
  'postgres:': { engine: 'postgres', port: 5432 },
  'postgresql:': { engine: 'postgres', port: 5432 },
  'mysql:': { engine: 'mysql', port: 3306 },
  'mariadb:': { engine: 'mysql', port: 3306 },
};

const MYSQL_SSL_MODES: Readonly<Record<string, TlsMode>> = {
  DISABLED: 'disable',
  PREFERRED: 'prefer',
  REQUIRED: 'require',
  VERIFY_CA: 'verify-ca',
  VERIFY_IDENTITY: 'verify-full',
};

const EXAMPLE = 'e.g. --to postgres://admin@db.example.com:5432/restored or --to mysql://admin@db.example.com:3306/restored';

function bad(message: string): RestoreError {
  return new RestoreError(`--to: ${message} (${EXAMPLE})`, 2);
}

/** Where the password comes from, for the advice when a URL holds one. */
export function passwordAdvice(engine: Engine): string {
  return engine === 'postgres'
    ? 'set PGPASSWORD in the environment or put the password in ~/.pgpass (host:port:database:user:password, mode 0600)'
    : 'set MYSQL_PWD in the environment';
}

function tlsOf(engine: Engine, params: URLSearchParams, env: Readonly<Record<string, string | undefined>>): { tls: TlsMode; caFile?: string } {
  if (engine === 'postgres') {
    const mode = params.get('sslmode') ?? env.PGSSLMODE ?? 'prefer';
    // allow is libpq's "plain unless the server insists"; treated as prefer, which is safer.
    const tls = mode === 'allow' ? 'prefer' : mode;
    if (!(TLS_MODES as readonly string[]).includes(tls)) throw bad(`sslmode "${mode}" is not one of ${TLS_MODES.join(', ')}`);
    const caFile = params.get('sslrootcert') ?? env.PGSSLROOTCERT;
    return { tls: tls as TlsMode, ...(caFile ? { caFile } : {}) };
  }
  const mode = (params.get('ssl-mode') ?? 'PREFERRED').toUpperCase();
  const tls = MYSQL_SSL_MODES[mode];
  if (tls === undefined) throw bad(`ssl-mode "${mode}" is not one of ${Object.keys(MYSQL_SSL_MODES).join(', ')}`);
  const caFile = params.get('ssl-ca');
  return { tls, ...(caFile ? { caFile } : {}) };
}

const KNOWN_PARAMETERS: Readonly<Record<Engine, readonly string[]>> = {
  postgres: ['sslmode', 'sslrootcert'],
  mysql: ['ssl-mode', 'ssl-ca'],
};

/**
 * Reads --to. A password in the URL is refused: it would stay in the shell's history and in
 * the process list; the drivers' usual places are named instead.
 */
export function parseTargetUrl(text: string, env: Readonly<Record<string, string | undefined>> = process.env): RestoreTarget {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw bad(`"${text}" is not a URL`);
  }
  const scheme = SCHEMES[url.protocol];
  if (scheme === undefined) throw bad(`"${url.protocol}" is not a database URL scheme; use postgres:// or mysql://`);
  const { engine } = scheme;
  if (url.password !== '') {
    throw new RestoreError(
      `--to holds a password; a password on the command line stays in your shell history and is visible to other users in the process list. Remove it from the URL and ${passwordAdvice(engine)}.`,
      2,
    );
  }
  const user = decodeURIComponent(url.username);
  if (user === '') throw bad('the URL names no user');
  if (url.hostname === '') throw bad('the URL names no host');
  const database = decodeURIComponent(url.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) throw bad('the URL names no database (the path after the port)');
  const port = url.port === '' ? scheme.port : Number(url.port);
  for (const key of url.searchParams.keys()) {
    if (!KNOWN_PARAMETERS[engine].includes(key)) throw bad(`unknown parameter "${key}"; the URL takes ${KNOWN_PARAMETERS[engine].join(', ')}`);
  }
  const host = url.hostname.replace(/^\[|\]$/g, '');
  return {
    engine,
    host,
    port,
    user,
    database,
    ...tlsOf(engine, url.searchParams, env),
    display: `${engine === 'postgres' ? 'postgres' : 'mysql'}://${user}@${url.host}/${database}`,
  };
}

/**
 * The TLS settings to try, in order: prefer tries TLS (certificate unchecked, as libpq and the
 * MySQL client do) and falls back to plain only when the server says it has no TLS.
 */
export function tlsAttempts(mode: TlsMode): readonly ('plain' | 'encrypt' | 'verify-ca' | 'verify-full')[] {
  switch (mode) {
    case 'disable':
      return ['plain'];
    case 'prefer':
      return ['encrypt', 'plain'];
    case 'require':
      return ['encrypt'];
    case 'verify-ca':
      return ['verify-ca'];
    case 'verify-full':
      return ['verify-full'];
  }
}
