// Worker entry: registers tsx in this thread (Node 20 does not pass --import hooks to workers),
// then loads the TypeScript worker.
import { register } from 'tsx/esm/api';

register();
await import('./client-worker.ts');
