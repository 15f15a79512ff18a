#!/usr/bin/env node
// Launcher for `npx sift`: registers the TypeScript loader relative to this package, then runs the CLI.
import { register } from 'tsx/esm/api';

register();
await import('./sift.ts');
