#!/usr/bin/env node
// The `paperloop` command. TypeScript sources run through tsx; nothing is fetched at run time.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/station/cli.ts');
process.exitCode = await main(process.argv);
