// Open a warehouse file read-only with Evidence's DuckDB client and print one query's rows as
// JSON: `node query.mjs FILE "select …"`. Used by tests/test_warehouse.py.
import { DuckDBInstance } from '@duckdb/node-api';

const [file, sql] = process.argv.slice(2);
const instance = await DuckDBInstance.create(file, { access_mode: 'READ_ONLY' });
const connection = await instance.connect();
const reader = await connection.runAndReadAll(sql);
console.log(JSON.stringify(reader.getRowObjects()));
