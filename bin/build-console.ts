/** `npm run build:console`: bundles the console into console/dist and prints its sizes. */
import { buildConsole } from './console/build-console.js';

const built = await buildConsole();
let gz = 0;
for (const f of built.files) {
  gz += f.gzipped;
  console.log(
    `${f.name.padEnd(12)} ${String(f.bytes).padStart(8)} bytes, ${String(f.gzipped).padStart(7)} gzipped`,
  );
}
console.log(`total ${gz} bytes gzipped, in ${built.dir}`);
