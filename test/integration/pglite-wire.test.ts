import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pg from 'pg';
import { startEmbeddedPostgres, type EmbeddedPostgres } from '#db/embedded.ts';

/**
 * The embedded database serves many connections from one PGlite backend. Concurrent clients
 * must neither see each other's extended-protocol state nor each other's open transactions.
 */
describe('embedded PGlite wire server under concurrent clients', () => {
  let embedded: EmbeddedPostgres;
  const pools: pg.Pool[] = [];
  beforeAll(async () => {
    embedded = await startEmbeddedPostgres('memory://');
    for (let i = 0; i < 3; i += 1) pools.push(new pg.Pool({ connectionString: embedded.connectionString, max: 6 }));
    await pools[0]!.query('CREATE TABLE item (id serial PRIMARY KEY, k int UNIQUE, v text)');
  });
  afterAll(async () => {
    await Promise.all(pools.map((p) => p.end()));
    await embedded?.stop();
  });

  it('keeps parameterized queries, failing queries and transactions of 18 connections apart', async () => {
    let wrong = 0;
    await Promise.all(
      pools.flatMap((pool, p) =>
        Array.from({ length: 6 }, async (_, w) => {
          for (let i = 0; i < 30; i += 1) {
            const k = p * 10_000 + w * 100 + i;
            if (i % 3 === 0) {
              const client = await pool.connect();
              try {
                await client.query('BEGIN');
                await client.query('INSERT INTO item (k, v) VALUES ($1, $2)', [k, `v${k}`]);
                const seen = await client.query('SELECT v FROM item WHERE k = $1', [k]);
                if (seen.rows[0]?.v !== `v${k}`) wrong += 1;
                await client.query(i % 2 === 0 ? 'COMMIT' : 'ROLLBACK');
              } finally {
                client.release();
              }
            } else if (i % 3 === 1) {
              await expect(pool.query('SELECT 1 / $1::int', [0])).rejects.toThrow(/division by zero/);
            } else {
              const result = await pool.query('SELECT $1::int AS k, $2::text AS s', [k, `s${k}`]);
              if (result.rows[0].k !== k || result.rows[0].s !== `s${k}`) wrong += 1;
            }
          }
        }),
      ),
    );
    expect(wrong).toBe(0);
    // 10 transactions per worker, every other one committed: 5 × 18 workers.
    const count = await pools[0]!.query('SELECT count(*)::int AS n FROM item');
    expect(count.rows[0].n).toBe(90);
  });

  it('rolls back the open transaction of a client that disconnects', async () => {
    const client = new pg.Client({ connectionString: embedded.connectionString });
    await client.connect();
    await client.query('BEGIN');
    await client.query('INSERT INTO item (k, v) VALUES (999999, $1)', ['orphan']);
    await client.end();
    const found = await pools[1]!.query('SELECT count(*)::int AS n FROM item WHERE k = 999999');
    expect(found.rows[0].n).toBe(0);
  });

  it('delivers NOTIFY from one connection to the connections that LISTEN, and only to them', async () => {
    const listener = new pg.Client({ connectionString: embedded.connectionString });
    const bystander = new pg.Client({ connectionString: embedded.connectionString });
    const notifier = new pg.Client({ connectionString: embedded.connectionString });
    await Promise.all([listener.connect(), bystander.connect(), notifier.connect()]);
    try {
      const heard: string[] = [];
      const overheard: string[] = [];
      listener.on('notification', (n) => heard.push(`${n.channel}:${n.payload}`));
      bystander.on('notification', (n) => overheard.push(`${n.channel}:${n.payload}`));
      await listener.query('-- a comment first, as in BullMQ\'s scripts\nLISTEN jobs_ready');
      await bystander.query('LISTEN other_channel');
      await notifier.query("NOTIFY jobs_ready, 'one'");
      await notifier.query("SELECT pg_notify('jobs_ready', 'two')");
      await notifier.query('BEGIN');
      await notifier.query("SELECT pg_notify('jobs_ready', 'three')");
      await notifier.query('COMMIT');
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toEqual(['jobs_ready:one', 'jobs_ready:two', 'jobs_ready:three']);
      expect(overheard).toEqual([]);
      // Another connection's UNLISTEN must not silence the listener (they share one backend).
      await bystander.query('UNLISTEN jobs_ready');
      await notifier.query("NOTIFY jobs_ready, 'four'");
      await new Promise((resolve) => setTimeout(resolve, 200));
      expect(heard).toContain('jobs_ready:four');
    } finally {
      await Promise.all([listener.end(), bystander.end(), notifier.end()]);
    }
  });
});
