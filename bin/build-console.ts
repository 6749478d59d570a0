/**
 * `npm run build:console [DIR]`: bundles the console into console/dist (or DIR, as the CDK bundling
 * of the console function does) and prints its sizes.
 */
import { resolve } from 'node:path';
import { buildConsole } from './console/build-console.js';

const built = await buildConsole(process.argv[2] ? resolve(process.argv[2]) : undefined);
let gz = 0;
for (const f of built.files) {
  gz += f.gzipped;
  console.log(
    `${f.name.padEnd(12)} ${String(f.bytes).padStart(8)} bytes, ${String(f.gzipped).padStart(7)} gzipped`,
  );
}
console.log(`total ${gz} bytes gzipped, in ${built.dir}`);
