// The 500 texts of a failed Kanidm call, worded after the reference (the app shows them as they are).

const SUPPORT = 'If this keeps happening, please report it to the SelfPrivacy support chat.';
const MAYBE_UPDATE = 'There may have been a Kanidm update that broke compatibility.';

export const KANIDM_ERRORS = {
  notResponding: 'Kanidm is not responding to requests.',
  noJson: 'No JSON found in Kanidm response.',
  accessDenied: 'Kanidm access issue',
  // The reference's text begins with a Cyrillic "С"; kept byte-exact.
  noValidToken: 'Сouldn\'t get a valid Kanidm token.',
  emptyResponse: 'Kanidm returned an empty response.',
  unknownResponseType: 'Kanidm returned unknown type response.',
  noResetToken: 'Kanidm didn\'t return a password reset link.',
} as const;

export interface KanidmFailure {
  endpoint: string;
  method: string;
  /** What went wrong, for the user (one of KANIDM_ERRORS, or Kanidm's own answer). */
  error: string;
  description?: string;
}

/** The message of a failed Kanidm call: what happened, where, and what the server answered. */
export function kanidmErrorMessage(failure: KanidmFailure): string {
  return [
    'An error occurred during a request to Kanidm.',
    failure.description ?? MAYBE_UPDATE,
    'Commands to debug: "systemctl status kanidm.service", "journalctl -u kanidm.service -f".',
    SUPPORT,
    `Endpoint: ${failure.endpoint}`,
    `Method: ${failure.method}`,
    `Error: ${failure.error}`,
  ].join('\n');
}
