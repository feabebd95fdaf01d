import { z } from 'zod';
import { API_VERSION } from '../../core/version.js';
import { legacyRoute } from '../legacy-route.js';

export const versionRoutes = [
  legacyRoute({
    method: 'get',
    path: '/api/version',
    summary: 'Get API version',
    tag: 'system',
    public: true,
    responses: { 200: { description: 'API version', body: z.object({ version: z.string() }) } },
    async handle() {
      return { status: 200, body: { version: API_VERSION } };
    },
  }),
];
