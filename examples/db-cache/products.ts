/**
 * Products in Aurora PostgreSQL, reached with the database endpoint and secret from the contract
 * (CACHE_DB_HOST, CACHE_DB_PORT, CACHE_DB_SECRET_ARN).
 */
import { Pool } from 'pg';
// In an application: from 'cdk-elasticache/runtime'.
import { SecretCache, connectionFromEnv } from '../../src/runtime';

export interface Product {
  readonly id: string;
  readonly name: string;
  readonly priceCents: number;
}

/** Where products are read and written. */
export interface ProductRepository {
  find(id: string): Promise<Product | undefined>;
  update(id: string, changes: { name?: string; priceCents?: number }): Promise<Product | undefined>;
}

/** A pg pool from the contract, created on first use (the secret holds username, password and dbname). */
export function postgresProducts(secrets = new SecretCache()): ProductRepository {
  let pool: Promise<Pool> | undefined;
  const connect = () => {
    pool ??= (async () => {
      const database = connectionFromEnv().database;
      if (!database?.secretArn) throw new Error('The contract has no database (CACHE_DB_HOST, CACHE_DB_PORT, CACHE_DB_SECRET_ARN)');
      const credentials = JSON.parse(await secrets.get(database.secretArn)) as { username: string; password: string; dbname?: string };
      return new Pool({
        host: database.host,
        port: database.port,
        user: credentials.username,
        password: credentials.password,
        database: credentials.dbname ?? 'shop',
        ssl: { rejectUnauthorized: true },
        max: 2,
      });
    })();
    return pool;
  };
  const row = (r: { id: string; name: string; price_cents: number } | undefined): Product | undefined =>
    r === undefined ? undefined : { id: r.id, name: r.name, priceCents: Number(r.price_cents) };
  return {
    async find(id) {
      const result = await (await connect()).query('SELECT id, name, price_cents FROM products WHERE id = $1', [id]);
      return row(result.rows[0]);
    },
    async update(id, changes) {
      const result = await (await connect()).query(
        'UPDATE products SET name = COALESCE($2, name), price_cents = COALESCE($3, price_cents) WHERE id = $1 RETURNING id, name, price_cents',
        [id, changes.name ?? null, changes.priceCents ?? null]);
      return row(result.rows[0]);
    },
  };
}
