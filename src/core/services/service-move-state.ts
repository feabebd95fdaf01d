import type { JobCheckpoint } from '../jobs/job-types.js';

export type MoveStep = 'checking' | 'stopping' | 'unmounting' | 'moving' | 'chowning' | 'mounting' | 'recording' | 'rebuilding' | 'starting';

/** One data folder of a move: which volume holds it, and whether the service's path shows it. */
export interface MovedFolder {
  path: string;
  /** `moving`: the copy was under way, so the data may be split between both volumes. */
  on: 'from' | 'moving' | 'to';
  mounted: boolean;
}

/** Where a service move stands, kept in the job's checkpoint so an interruption can be told exactly. */
export interface MoveState {
  step: MoveStep;
  service: string;
  from: string;
  to: string;
  folders: MovedFolder[];
  /** Units this move stopped and has not started again. */
  stopped: string[];
  /** Whether the userdata already names the new volume. */
  locationRecorded: boolean;
}

const STEP_WORDS: Record<MoveStep, string> = {
  checking: 'checking',
  stopping: 'stopping the service',
  unmounting: 'unmounting its folders',
  moving: 'moving data',
  chowning: 'setting file owners',
  mounting: 'mounting its folders',
  recording: 'recording the new location',
  rebuilding: 'rebuilding the system',
  starting: 'starting the service again',
};

function describeFolder(folder: MovedFolder, state: MoveState): string {
  const mounted = folder.mounted ? '' : ' (not mounted)';
  if (folder.on === 'from') return `${folder.path} still on ${state.from}${mounted}`;
  if (folder.on === 'to') return `${folder.path} already on ${state.to}${mounted}`;
  return `${folder.path} partly moved (data on ${state.from} and ${state.to})${mounted}`;
}

/** The state in words: what the next start says about a move the API stopped in the middle of. */
export function describeMoveState(state: MoveState): string {
  const { service, from, to } = state;
  const head = `${service} from ${from} to ${to}`;
  if (state.step === 'checking') return `Interrupted before moving ${head}: nothing was changed.`;
  const units = state.stopped.length > 0 ? `${service} stopped (${state.stopped.join(', ')})` : `${service} was not running`;
  if (state.step === 'stopping') return `Interrupted while stopping ${service} to move it from ${from} to ${to}: data untouched on ${from}; ${units}.`;
  if (state.step === 'rebuilding' || state.step === 'starting') {
    return `Interrupted after moving ${head} (data and configuration on ${to}) while ${STEP_WORDS[state.step]}; ${units}.`;
  }
  const folders = state.folders.map((folder) => describeFolder(folder, state)).join(', ');
  const location = state.locationRecorded ? `configuration points to ${to}` : `configuration still points to ${from}`;
  return `Interrupted while moving ${head} (${STEP_WORDS[state.step]}): ${folders}; ${location}; ${units}.`;
}

export function moveCheckpoint(state: MoveState): JobCheckpoint {
  return { interrupted: describeMoveState(state), details: structuredClone(state) as unknown as Record<string, unknown> };
}
