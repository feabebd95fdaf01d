import type { ReferenceImportKind, ReferenceImportLedger } from '../../src/core/ports.js';

export class InMemoryReferenceImports implements ReferenceImportLedger {
  readonly keys = new Set<string>();
  async has(kind: ReferenceImportKind, key: string) {
    return this.keys.has(`${kind}:${key}`);
  }
  async record(kind: ReferenceImportKind, key: string) {
    this.keys.add(`${kind}:${key}`);
  }
}
