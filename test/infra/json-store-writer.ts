// A separate OS process that writes a userdata-like file through JsonFileStore, for the cross-process tests.
//   add <file> <prefix> <count>  adds users <prefix>0 .. <prefix><count-1>, one update each
//   churn <file>                 rewrites a large document forever (prints "ready" after the first write)
import { JsonFileStore } from '../../src/infra/files/json-file-store.js';

interface Doc {
  users: { username: string }[];
  counter?: number;
  payload?: string;
  payloadLength?: number;
}

const [mode, file, prefix, count] = process.argv.slice(2);
const store = new JsonFileStore<Doc>(file!, { initial: () => ({ users: [] }), mode: 0o600 });

if (mode === 'add') {
  for (let i = 0; i < Number(count); i++) {
    await store.update((doc) => {
      doc.users.push({ username: `${prefix}${i}` });
    });
  }
} else if (mode === 'churn') {
  for (let n = 1; ; n++) {
    await store.update((doc) => {
      const length = 300_000 + (n % 1000) * 97;
      doc.counter = n;
      doc.payload = String(n % 10).repeat(length);
      doc.payloadLength = length;
    });
    if (n === 1) process.stdout.write('ready\n');
  }
} else {
  throw new Error(`unknown mode ${mode}`);
}
