#!/usr/bin/env node
// Plain JS on purpose: the package ships TypeScript sources, so this shim
// registers tsx's loader first and only then imports the TypeScript CLI.
import { register } from 'tsx/esm/api';

register();
const { main } = await import(new URL('../engine/cli/main.ts', import.meta.url).href);
process.exitCode = await main(process.argv);
