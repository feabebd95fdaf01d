import { GraphQLError } from 'graphql';
import { CoreError } from '../core/errors.js';

/** Runs a query's core call; a CoreError becomes a GraphQL error with its text and code, anything else is rethrown. */
export async function coreQuery<T>(run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (err instanceof CoreError) throw new GraphQLError(err.message, { extensions: { code: err.code } });
    throw err;
  }
}
