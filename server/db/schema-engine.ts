// Prisma's schema engine, run as WebAssembly, for the two things we need from it offline: the SQL
// that creates the schema, and a diff between a live database and the Prisma schema. A development
// and test tool; the server itself only executes the committed schema.sql.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { PrismaBetterSqlite3 } from '@prisma/adapter-better-sqlite3';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import type * as SchemaEngineWasm from '@prisma/schema-engine-wasm';

const require = createRequire(import.meta.url);
export const prismaSchemaPath = new URL('./schema.prisma', import.meta.url);
export const schemaSqlPath = new URL('./schema.sql', import.meta.url);

type Bindings = typeof SchemaEngineWasm;
type Engine = Awaited<ReturnType<Bindings['SchemaEngine']['new']>>;

let bindings: Promise<Bindings> | undefined;

/** Instantiates the wasm module by hand: its glue code expects bundler-style wasm imports. */
function loadBindings(): Promise<Bindings> {
  bindings ??= (async () => {
    const bg = (await import('@prisma/schema-engine-wasm/schema_engine_bg')) as unknown as Bindings & {
      __wbg_set_wasm(exports: WebAssembly.Exports): void;
    };
    const wasmPath = require.resolve('@prisma/schema-engine-wasm/schema_engine_bg').replace(/\.js$/, '.wasm');
    const { instance } = await WebAssembly.instantiate(await readFile(wasmPath), { './schema_engine_bg.js': bg as unknown as WebAssembly.ModuleImports });
    bg.__wbg_set_wasm(instance.exports);
    (instance.exports.__wbindgen_start as () => void)();
    return bg;
  })();
  return bindings;
}

/** Opens the engine on a database reached through the better-sqlite3 adapter (default: a new empty one). */
async function openEngine(url = ':memory:'): Promise<{ engine: Engine; schema: string }> {
  const { SchemaEngine } = await loadBindings();
  const schema = await readFile(prismaSchemaPath, 'utf8');
  const adapter = bindMigrationAwareSqlAdapterFactory(new PrismaBetterSqlite3({ url }));
  const engine = await SchemaEngine.new({ datamodels: [['schema.prisma', schema]] }, () => {}, adapter);
  return { engine, schema };
}

type DiffSource = Parameters<Engine['diff']>[0]['from'];

/** The SQL script that turns `from` (given the schema file) into the Prisma schema. */
async function diffToSchema(url: string, from: (schemaFiles: Array<{ path: string; content: string }>) => DiffSource): Promise<string> {
  const { engine, schema } = await openEngine(url);
  const files = [{ path: 'schema.prisma', content: schema }];
  try {
    const result = await engine.diff({
      from: from(files),
      to: { tag: 'schemaDatamodel', files },
      script: true,
      exitCode: null,
      filters: { externalTables: [], externalEnums: [] },
    });
    return result.stdout ?? '';
  } finally {
    engine.free();
  }
}

/** The SQL that creates the Prisma schema in an empty SQLite database (what `prisma migrate diff` prints). */
export function generateSchemaSql(): Promise<string> {
  return diffToSchema(':memory:', () => ({ tag: 'empty' }));
}

/** The SQL that would bring the SQLite database file at `url` to the Prisma schema: empty when they match. */
export function diffDatabaseAgainstSchema(url: string): Promise<string> {
  return diffToSchema(url, (files) => ({ tag: 'schemaDatasource', files, configDir: '.' }));
}
