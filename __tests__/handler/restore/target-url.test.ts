import { describe, expect, it } from 'vitest';
import { RestoreError } from '../../../handler/restore/restore-error';
import { parseTargetUrl, tlsAttempts } from '../../../handler/restore/target-url';

function refusal(text: string, env: Record<string, string> = {}): RestoreError {
  try {
    parseTargetUrl(text, env);
  } catch (error) {
    if (error instanceof RestoreError) return error;
    throw error;
  }
  throw new Error(`expected ${text} to be refused`);
}

describe('the --to URL', () => {
  it('reads PostgreSQL and MySQL URLs with their default ports and TLS preferred', () => {
    expect(parseTargetUrl('postgres://admin@db.example.com/restored', {})).toEqual({
      engine: 'postgres',
      host: 'db.example.com',
      port: 5432,
      user: 'admin',
      database: 'restored',
      tls: 'prefer',
      display: 'postgres://admin@db.example.com/restored',
    });
    expect(parseTargetUrl('mariadb://root@127.0.0.1:3307/shop', {})).toMatchObject({
      engine: 'mysql',
      port: 3307,
      user: 'root',
      database: 'shop',
      tls: 'prefer',
    });
  });

  it('takes sslmode (or PGSSLMODE) and ssl-mode with a CA file', () => {
    expect(parseTargetUrl('postgresql://u@h/d?sslmode=verify-full&sslrootcert=/ca.pem', {})).toMatchObject({ tls: 'verify-full', caFile: '/ca.pem' });
    expect(parseTargetUrl('postgres://u@h/d', { PGSSLMODE: 'require' })).toMatchObject({ tls: 'require' });
    expect(parseTargetUrl('mysql://u@h/d?ssl-mode=VERIFY_IDENTITY&ssl-ca=/ca.pem', {})).toMatchObject({ tls: 'verify-full', caFile: '/ca.pem' });
    expect(parseTargetUrl('mysql://u@h/d?ssl-mode=disabled', {})).toMatchObject({ tls: 'disable' });
  });

  it('refuses a password in the URL and says where passwords go', () => {
    const pg = refusal('postgres://admin:secret@db/restored');
    expect(pg.exitCode).toBe(2);
    expect(pg.message).toContain('shell history');
    expect(pg.message).toContain('PGPASSWORD');
    expect(pg.message).toContain('~/.pgpass');
    expect(pg.message).not.toContain('secret');
    expect(refusal('mysql://root:secret@db/shop').message).toContain('MYSQL_PWD');
  });

  it('names what is wrong with a bad URL', () => {
    expect(refusal('not a url').message).toContain('"not a url" is not a URL');
    expect(refusal('oracle://u@h/d').message).toContain('"oracle:" is not a database URL scheme');
    expect(refusal('postgres://h/d').message).toContain('names no user');
    expect(refusal('postgres://u@h').message).toContain('names no database');
    expect(refusal('postgres://u@h/d?sslmode=sometimes').message).toContain('sslmode "sometimes" is not one of');
    expect(refusal('mysql://u@h/d?sslmode=require').message).toContain('unknown parameter "sslmode"; the URL takes ssl-mode, ssl-ca');
  });

  it('tries TLS first when preferred, and plain text only then', () => {
    expect(tlsAttempts('prefer')).toEqual(['encrypt', 'plain']);
    expect(tlsAttempts('require')).toEqual(['encrypt']);
    expect(tlsAttempts('disable')).toEqual(['plain']);
    expect(tlsAttempts('verify-full')).toEqual(['verify-full']);
  });
});
