// The `internal` area: routes for other programs on this machine, mounted by the server outside the
// legacy REST registry (no device token, not in the OpenAPI document).
export { EMAIL_PASSWORD_CHECK_PATH, emailPasswordCheckRouter, isLoopbackAddress } from './email-password-check.router.js';
