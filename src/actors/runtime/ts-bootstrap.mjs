// Worker entry used when cambist runs from TypeScript sources (npm start, tests): Node 20 cannot
// start a worker on a .ts file even under tsx (tsx issue #354), so the worker starts on this plain
// module, registers tsx's loader inside the worker, then imports the real entry (argv[2]).
import { register } from 'tsx/esm/api';

register();
await import(process.argv[2]);
