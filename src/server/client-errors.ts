// Errors raised below the routes (body parsing, decompression, path decoding) that are the client's fault.

const BAD_REQUEST = 'The browser (or proxy) sent a request that this server could not understand.';

export interface ClientErrorAnswer {
  status: number;
  message: string;
}

interface LowerLayerError {
  type?: string;
  status?: number;
  statusCode?: number;
  expose?: boolean;
  encoding?: string;
}

// body-parser passes the decompression stream's own error on (status 400, no type): zlib's and brotli's codes vary
function isDecompressionError(err: LowerLayerError, contentEncoding: string | undefined): boolean {
  const encoded = contentEncoding !== undefined && contentEncoding.toLowerCase() !== 'identity';
  return encoded && err.type === undefined && (err.status ?? err.statusCode) === 400;
}

/**
 * What to answer for an error from express, its router or body-parser that the client caused:
 * bodies that do not parse or decompress, unsupported encodings, bad percent-encoding in the path,
 * bodies over the limit. Undefined for everything else (the caller's own errors and real failures).
 */
export function clientErrorAnswer(err: unknown, contentEncoding?: string): ClientErrorAnswer | undefined {
  if (err instanceof URIError) return { status: 400, message: 'The request path is not valid percent-encoding.' };
  if (typeof err !== 'object' || err === null) return undefined;
  const e = err as LowerLayerError;
  if (e.type === 'entity.parse.failed') return { status: 400, message: BAD_REQUEST };
  if (e.type === 'encoding.unsupported') {
    return { status: 415, message: `Unsupported Content-Encoding "${e.encoding ?? ''}" (use identity, gzip, deflate or br).` };
  }
  if (isDecompressionError(e, contentEncoding)) return { status: 400, message: 'The request body could not be decoded with its Content-Encoding.' };
  const status = e.status ?? e.statusCode;
  // http-errors marks the errors whose message is meant for the client (413, 415 charset ...)
  if (e.expose === true && typeof status === 'number' && status >= 400 && status < 500) {
    return { status, message: (err as Error).message };
  }
  return undefined;
}
