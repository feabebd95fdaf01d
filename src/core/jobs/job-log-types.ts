/** One line of a job's own log; `seq` numbers the job's lines from 1 without holes. */
export interface JobLogLine {
  seq: number;
  timestamp: Date;
  message: string;
}

/** A line as it travels between processes. */
export interface SerializedJobLogLine {
  seq: number;
  timestamp: string;
  message: string;
}

/** Lines just written to a job's log, published for every process's followers. */
export interface JobLogAppended {
  uid: string;
  lines: SerializedJobLogLine[];
}

/** How a followed log ended: the job's final status (`REMOVED` when the job was deleted). */
export interface JobLogEnd {
  status: 'FINISHED' | 'ERROR' | 'REMOVED';
  /** The job's error, or its result / status text when it finished. */
  message: string | null;
}

/** What a job log's follower hears: lines as they are stored, then the job's end. */
export type JobLogNews = { kind: 'lines'; lines: readonly JobLogLine[] } | { kind: 'end'; end: JobLogEnd };

export const serializeLogLine = (line: JobLogLine): SerializedJobLogLine => ({ ...line, timestamp: line.timestamp.toISOString() });
export const deserializeLogLine = (line: SerializedJobLogLine): JobLogLine => ({ ...line, timestamp: new Date(line.timestamp) });
