/** This API's runtime, reported where the reference reported its Python version (`python -V`). */
export const RUNTIME_VERSION = `Node.js ${process.version}`;
