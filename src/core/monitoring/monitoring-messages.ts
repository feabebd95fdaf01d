// Every user-facing text of the monitoring area, in one place (the reference's wording, §12).

export const MONITORING_MESSAGES = {
  notRunning: 'Prometheus is not running',
  unexpectedStatus: (body: string, query: string) =>
    `Prometheus returned unexpected HTTP status code. Error: ${body}. The query was ${query}`,
  unexpectedResultType: 'Unexpected resultType returned from Prometheus, request failed',
  requestFailed: (detail: string) => `Prometheus request failed! Error: ${detail}`,
} as const;
