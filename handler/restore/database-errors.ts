// Turns the database errors an operator can fix (unreachable server, failed login, no such
// database, TLS refused, LOAD DATA LOCAL switched off) into one message that says what to do (pure).
import { passwordAdvice, type RestoreTarget } from './target-url';

interface ErrorLike {
  readonly code?: string | number;
  readonly errno?: number;
  readonly message?: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

/** The message for a connection or load error, or undefined when it is not one of these. */
export function explainDatabaseError(error: unknown, target: RestoreTarget): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as ErrorLike;
  const code = String(e.code ?? '');
  const message = e.message ?? '';
  const where = `${target.host}:${target.port}`;
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN')
    return `the host "${target.host}" of --to was not found (${code}): check the name (the RDS endpoint) and your DNS`;
  if (UNREACHABLE.has(code)) {
    return `could not reach ${where} (${code}): check that the server runs and that this machine may connect to it (security group, VPN, bastion tunnel)`;
  }
  // PostgreSQL: 28P01 wrong password, 28000 no pg_hba entry; MySQL: 1045 access denied.
  if (code === '28P01' || code === 'ER_ACCESS_DENIED_ERROR' || e.errno === 1045) {
    return `${target.display}: authentication failed for the user "${target.user}" (${message}): check the user, and ${passwordAdvice(target.engine)}`;
  }
  if (code === '28000') return `${target.display}: the server refused the user "${target.user}" (${message}): check pg_hba.conf or the user's rights`;
  if (code === '3D000' || code === 'ER_BAD_DB_ERROR' || e.errno === 1049) {
    return `the database "${target.database}" does not exist on ${where}: create it first (CREATE DATABASE ${target.database}) or name another in --to`;
  }
  if (code === 'HANDSHAKE_NO_SSL_SUPPORT' || /does not support SSL/i.test(message)) {
    return `${where} offers no TLS, and --to asks for it: use a server with TLS, or (only on a trusted network) ${target.engine === 'postgres' ? 'sslmode=prefer or disable' : 'ssl-mode=PREFERRED or DISABLED'}`;
  }
  if (/self[- ]signed|unable to verify|certificate/i.test(message)) {
    return `${where}: the server's TLS certificate could not be verified (${message}): pass the CA bundle (${target.engine === 'postgres' ? 'sslrootcert=' : 'ssl-ca='}/path/to/global-bundle.pem for RDS)`;
  }
  if (e.errno === 3948 || e.errno === 1148 || /local (data|infile)/i.test(message)) {
    return `${where} refuses LOAD DATA LOCAL INFILE (${message}): set the server's local_infile parameter to 1 (on RDS: in the DB parameter group)`;
  }
  return undefined;
}
