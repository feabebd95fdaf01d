import { renameSync, writeFileSync } from 'node:fs';

// Preloaded (node --expose-gc --import) only into API processes that tests start: on SIGUSR2 it
// collects garbage and writes the process's memory usage to SP_TEST_MEMORY_FILE, so a test can
// compare memory before and after a load without any endpoint in the API itself.

const file = process.env.SP_TEST_MEMORY_FILE;
const collect = (globalThis as { gc?: () => void }).gc;
if (file && collect) {
  process.on('SIGUSR2', () => {
    collect();
    collect();
    writeFileSync(`${file}.tmp`, JSON.stringify(process.memoryUsage()));
    renameSync(`${file}.tmp`, file);
  });
}
