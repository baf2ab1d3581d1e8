import { join } from 'node:path';
import { generateDataset } from '/work/main/system/dataset/dataset.js';
import { Logger, MemorySink } from '/work/main/system/log/logger.js';
import { DEFAULT_SERVER_CONFIG } from '/work/main/system/server/config.js';
import { LotteryServer } from '/work/main/system/server/server.js';
import { startTestClient } from '/work/main/system/testing/test-client.js';
import { tempDir } from '/work/main/system/testing/test-server.js';
const tmp = tempDir('prof-');
const dataDir = join(tmp.path, 'data');
const manifest = await generateDataset({ dir: dataDir });
const files = manifest.agencies.map((a) => ({ agency: a.agency, path: join(dataDir, a.file) }));
for (let i = 0; i < Number(process.env.N ?? 3); i++) {
  const t = performance.now();
  const server = await LotteryServer.start({ ...DEFAULT_SERVER_CONFIG, ip: '127.0.0.1', port: 0, agencies: 5, betsFile: join(tmp.path, `o${i}`, 'bets.csv') }, new Logger('INFO', new MemorySink()));
  const cl = files.map((f) => startTestClient(server.address.port, f.agency, f.path, {batchMaxAmount: Number(process.env.B ?? 100), batchWindow: Number(process.env.W ?? 4)}));
  await Promise.all(cl.map(c => c.outcome));
  const ms = performance.now() - t;
  // @ts-ignore
  const st = server.store.stats;
  await server.shutdown('x');
  console.log(i, ms.toFixed(1), JSON.stringify(st));
}
tmp.remove();
