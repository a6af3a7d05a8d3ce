#!/usr/bin/env node
// The `paperloop` command. TypeScript sources run through tsx; nothing is fetched at run time.
import { register } from 'tsx/esm/api';

register();
// The district server is its own layer (the station may not import it): `paperloop district …` goes there.
const { main } = await import(process.argv[2] === 'district' ? '../src/district/cli.ts' : '../src/station/cli.ts');
process.exitCode = await main(process.argv);
