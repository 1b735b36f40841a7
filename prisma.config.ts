// Prisma CLI settings. The live database is in memory; the URL only satisfies the CLI.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'server/db/schema.prisma',
  datasource: { url: 'file::memory:' },
});
