/** The reference API version the served contract matches; the app treats lower versions as outdated. */
export const API_VERSION = '3.8.4';
