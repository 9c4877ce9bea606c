import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  columnNameChanged,
  glueColumnName,
  glueDatabaseName,
  glueDatabasePrefix,
  glueTableName,
  isValidGlueColumnName,
  isValidGlueEntityName,
  MAX_GLUE_NAME_LENGTH,
  nameHash,
  sourceCatalogName,
  resolveCollisions,
} from '../../../handler/contract/catalog-names';

describe('glueDatabaseName', () => {
  it('joins the archive name and the DB identifier in lower case, other characters as one underscore', () => {
    expect(glueDatabaseName('rds-archive-prod', 'Orders-DB')).toBe('rds_archive_prod_orders_db');
    expect(glueDatabaseName('Archive', 'a--b..c')).toBe('archive_a_b_c');
  });

  it('starts with a letter even when the archive name does not', () => {
    const name = glueDatabaseName('2026', 'db');
    expect(name).toBe('db_2026_db');
    expect(isValidGlueEntityName(name)).toBe(true);
  });
});

describe('glueDatabasePrefix', () => {
  it('starts every database of the archive, so IAM can scope the catalog to <prefix>*', () => {
    expect(glueDatabasePrefix('rds-archive-prod')).toBe('rds_archive_prod_');
    fc.assert(
      fc.property(fc.stringMatching(/^[a-z][a-z0-9]*(-[a-z0-9]+){0,3}$/), fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,62}$/), (archive, database) => {
        expect(glueDatabaseName(archive, database).startsWith(glueDatabasePrefix(archive))).toBe(true);
      }),
    );
  });
});

describe('glueTableName', () => {
  it('turns PostgreSQL and MySQL targets into <db>_<schema>_<table> and <db>_<table>', () => {
    expect(glueTableName('orders.public.orders')).toBe('orders_public_orders');
    expect(glueTableName('shop.products')).toBe('shop_products');
  });

  it('keeps a table name that does not start with a letter valid for Athena', () => {
    expect(glueTableName('1db.public.t')).toBe('t_1db_public_t');
    expect(glueTableName('$.$')).toMatch(/^t_[0-9a-f]{8}$/);
  });

  it('cuts long names to 128 characters with a hash of the original, so names that share a long start stay apart', () => {
    const a = `db.public.${'x'.repeat(300)}_a`;
    const b = `db.public.${'x'.repeat(300)}_b`;
    expect(glueTableName(a)).toHaveLength(MAX_GLUE_NAME_LENGTH);
    expect(glueTableName(a).endsWith(`_${nameHash(a)}`)).toBe(true);
    expect(glueTableName(a)).not.toBe(glueTableName(b));
  });
});

describe('glueColumnName', () => {
  it('changes only what Glue does not accept, so Athena still finds the Parquet column by name', () => {
    expect(glueColumnName('customer_id')).toBe('customer_id');
    expect(glueColumnName('CreatedAt')).toBe('createdat');
    expect(glueColumnName('__v')).toBe('__v');
    expect(glueColumnName('2fa_enabled')).toBe('2fa_enabled');
    expect(glueColumnName('price$eur')).toBe('price_eur');
    expect(glueColumnName('größe')).toBe('gr_e');
  });

  it('says when a name changed beyond lower case', () => {
    expect(columnNameChanged('CreatedAt', glueColumnName('CreatedAt'))).toBe(false);
    expect(columnNameChanged('price$eur', glueColumnName('price$eur'))).toBe(true);
  });

  it('names a column whose name is empty', () => {
    expect(glueColumnName('')).toMatch(/^c_[0-9a-f]{8}$/);
  });
});

describe('resolveCollisions', () => {
  it('leaves names that normalize alone as they are', () => {
    const names = resolveCollisions(['id', 'Total']);
    expect(Object.fromEntries(names)).toEqual({ id: 'id', Total: 'total' });
  });

  it('lets the name already equal to the normal form keep it, and gives its twins a hash of their original', () => {
    const names = resolveCollisions(['amount', 'Amount', 'AMOUNT']);
    expect(names.get('amount')).toBe('amount');
    expect(names.get('Amount')).toBe(`amount_${nameHash('Amount')}`);
    expect(names.get('AMOUNT')).toBe(`amount_${nameHash('AMOUNT')}`);
  });

  it('lets the only lower-case target keep a table name its twins share', () => {
    const names = resolveCollisions(['orders.public.orders', 'orders.public.Orders'], glueTableName);
    expect(names.get('orders.public.orders')).toBe('orders_public_orders');
    expect(names.get('orders.public.Orders')).toBe(`orders_public_orders_${nameHash('orders.public.Orders')}`);
  });

  it('answers the same whatever the order of the names', () => {
    const forward = resolveCollisions(['a-b', 'a.b', 'a_b', 'x']);
    const backward = resolveCollisions(['x', 'a_b', 'a.b', 'a-b']);
    expect(new Map(backward)).toEqual(new Map(forward));
  });
});

describe('names over generated inputs', () => {
  // Names like the ones databases hold: letters of any case, digits, punctuation, non-ASCII, long ones.
  const rawName = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.stringMatching(/^[A-Za-z0-9_$.\- ]{0,300}$/),
    fc.constantFrom('id', 'ID', 'Id', 'i-d', 'i.d', 'i_d', '', '_', '__', '1', 'é', 'naïve'),
  );

  it('always makes valid names, the same for the same input', () => {
    fc.assert(
      fc.property(rawName, rawName, (a, b) => {
        for (const name of [glueDatabaseName(a, b), glueTableName(a)]) {
          expect(isValidGlueEntityName(name), name).toBe(true);
        }
        expect(isValidGlueColumnName(glueColumnName(a)), glueColumnName(a)).toBe(true);
        expect(glueTableName(a)).toBe(glueTableName(a));
        expect(glueColumnName(a)).toBe(glueColumnName(a));
      }),
    );
  });

  it('resolveCollisions gives distinct inputs distinct valid names, whatever their order', () => {
    fc.assert(
      fc.property(fc.array(rawName, { maxLength: 25 }), fc.boolean(), (names, tables) => {
        const normalize = tables ? glueTableName : glueColumnName;
        const valid = tables ? isValidGlueEntityName : isValidGlueColumnName;
        const resolved = resolveCollisions(names, normalize);
        const distinct = new Set(names);
        expect(resolved.size).toBe(distinct.size);
        expect(new Set(resolved.values()).size).toBe(distinct.size);
        for (const name of resolved.values()) expect(valid(name), name).toBe(true);
        expect(new Map(resolveCollisions([...names].reverse(), normalize))).toEqual(new Map(resolved));
      }),
    );
  });
});

describe('catalog names in a vault', () => {
  it('keep two source accounts with a database of the same identifier apart, within the archive prefix the policies scope to', () => {
    const [a, b] = ['222222222222', '333333333333'].map((account) => glueDatabaseName(sourceCatalogName('rds-archive', account), 'orders-db'));
    expect(a).toBe('rds_archive_222222222222_orders_db');
    expect(b).toBe('rds_archive_333333333333_orders_db');
    for (const name of [a!, b!]) {
      expect(name.startsWith(glueDatabasePrefix('rds-archive'))).toBe(true);
      expect(isValidGlueEntityName(name)).toBe(true);
    }
  });

  it("cannot take a single-account archive's database name: after the archive's prefix, an account id starts with a digit, a DB identifier with a letter", () => {
    const identifier = fc.stringMatching(/^[A-Za-z][A-Za-z0-9-]{0,62}$/);
    const account = fc.stringMatching(/^\d{12}$/);
    const prefix = glueDatabasePrefix('rds-archive');
    fc.assert(
      fc.property(identifier, identifier, account, (single, sourced, id) => {
        const own = glueDatabaseName('rds-archive', single);
        const vault = glueDatabaseName(sourceCatalogName('rds-archive', id), sourced);
        expect(own.slice(prefix.length)).toMatch(/^[a-z]/);
        expect(vault.slice(prefix.length)).toMatch(/^\d/);
      }),
    );
  });
});
