'use strict';
// The `orders` table shared by both colors and both apps (sandbox/db/init.sql), through a small
// pool. The pool connects lazily, so the app starts while the database is briefly away.
const { Pool, Client } = require('pg');

const IDLE_CLOSE_MS = 60_000;

function createDatabase(settings) {
  const connection = {
    connectionString: settings.databaseUrl,
    application_name: settings.applicationName,
    connectionTimeoutMillis: 3000,
  };
  // A healthy build gives idle connections back after a minute; only a leaky one keeps them.
  const pool = new Pool({ ...connection, max: 5, idleTimeoutMillis: IDLE_CLOSE_MS });
  pool.on('error', (err) => console.log(`database connection lost: ${err.message}`));
  const leaked = [];

  const columns = 'id, item, quantity, created_by AS "createdBy", created_at AS "createdAt"';
  return {
    async recentOrders(limit) {
      const result = await pool.query(`SELECT ${columns} FROM orders ORDER BY id DESC LIMIT $1`, [limit]);
      return result.rows;
    },
    async createOrder(item, quantity) {
      const result = await pool.query(
        `INSERT INTO orders (item, quantity, created_by) VALUES ($1, $2, $3) RETURNING ${columns}`,
        [item, quantity, settings.applicationName],
      );
      return result.rows[0];
    },
    /** The "leaky" sample fault: a connection opened, used once, and kept forever. */
    async leakConnection() {
      const client = new Client(connection);
      client.on('error', () => {});
      await client.connect();
      await client.query('SELECT 1');
      leaked.push(client);
      return leaked.length;
    },
    /** Opens one connection at start-up, retrying, so problems show in the log early. */
    async connectWithRetry() {
      for (let attempt = 1; ; attempt++) {
        try {
          await pool.query('SELECT 1');
          console.log(`database connected as ${settings.applicationName}`);
          return;
        } catch (err) {
          console.log(`database not reachable yet (attempt ${attempt}): ${err.message}`);
          await new Promise((resolve) => setTimeout(resolve, Math.min(5000, 500 * attempt)));
        }
      }
    },
    close() {
      return pool.end();
    },
  };
}

module.exports = { createDatabase };
