import { createDeviceToken } from '../core/auth/device-tokens.js';
import { naiveLocalIso } from '../core/time/iso-format.js';
import { type CliCommand, UsageError, parseOptions } from './commands.js';

const createToken: CliCommand<{ name: string }> = {
  name: 'tokens create',
  synopsis: '--name NAME',
  summary: 'print a new device token (only the token)',
  parse(args) {
    const { name } = parseOptions(args, ['name']);
    if (!name) throw new UsageError('tokens create needs --name NAME');
    return { name };
  },
  async run(deps, { name }) {
    const { token } = await createDeviceToken(deps, name);
    return `${token}\n`;
  },
};

const listTokens: CliCommand<Record<string, never>> = {
  name: 'tokens list',
  synopsis: '',
  summary: 'list paired devices',
  parse(args) {
    parseOptions(args, []);
    return {};
  },
  async run(deps) {
    const devices = await deps.tokens.list();
    return devices.map((d) => `${d.name}\t${naiveLocalIso(d.createdAt)}\n`).join('');
  },
};

export const tokenCommands = [createToken, listTokens] as const;
