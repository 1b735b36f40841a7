// Regenerates server/db/schema.sql from schema.prisma (run `npm run db:sql` after editing the schema).
import { writeFile } from 'node:fs/promises';
import { generateSchemaSql, schemaSqlPath } from './schema-engine.ts';

await writeFile(schemaSqlPath, await generateSchemaSql());
console.log(`wrote ${schemaSqlPath.pathname}`);
