/** Reference rule: any code point outside [a-zA-Z0-9] becomes `_`; an empty name is `Unknown device`. */
export function sanitizeDeviceName(raw: string): string {
  if (raw === '') return 'Unknown device';
  return raw.replace(/[^a-zA-Z0-9]/gu, '_');
}

/** Names are unique: while taken, one random decimal digit is appended. */
export function withRandomDigit(name: string): string {
  return name + String(Math.floor(Math.random() * 10));
}
