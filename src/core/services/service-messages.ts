// Every text the services area shows to callers (GraphQL and legacy REST read them from here).

export const SUPPORT_CHATS = 'Please report it to our support chats:\n#chat:selfprivacy.org on Matrix or @selprivacy_chat on Telegram.';

export const SERVICE_MESSAGES = {
  notFound: 'Service not found',
  doesNotExist: (id: string) => `Service does not exist: ${id}`,
  enabled: 'Service enabled.',
  disabled: 'Service disabled.',
  stopped: 'Service stopped.',
  started: 'Service started.',
  restarted: 'Service restarted.',
  configurationUpdated: 'Service configuration updated.',
  keyNotValid: (key: string, id: string) => `Key ${key} is not valid for ${id}`,
  valueNotValid: (value: string, key: string) => `Value ${value} is not valid for ${key}`,
  // "Pretty errors" (§2.2): `<ErrorName>: <message>`.
  mailCannotToggle: (verb: 'enabled' | 'disabled') => `NotImplementedError: The mail server cannot be ${verb}; it is always on.`,
  notInstalled: (id: string) =>
    `ServiceNotInstalledError: The system configuration does not include the module sp-module-${id}; it cannot be enabled.`,
  stopAlwaysActive: 'tried to stop an always active service',
  unitCommandFailed: (verb: string, unit: string, exitCode: number, reason: string) =>
    `Failed to ${verb} ${unit} (systemctl exit code ${exitCode})${reason === '' ? '' : `: ${reason}`}`,
} as const;

export const MOVE_MESSAGES = {
  noSuchVolume: (name: string) => `No such volume: ${name}. ${SUPPORT_CHATS}`,
  started: 'Started moving the service.',
  moved: 'Service moved.',
  failed: (statusText: string, error: string) =>
    `While moving service and performing the step '${statusText}', an error occurred: ${error}`,
  // Pre-check failures, shown as `MoveError: <text>`.
  notMovable: (display: string) => `${display} is not movable`,
  notUsingBinds: 'Server is not using binds.',
  alreadyThere: (display: string, kernelName: string) => `${display} is already on volume ${kernelName}`,
  notEnoughSpace: 'Not enough space on the new volume.',
  notMounted: 'Volume is not mounted.',
  noSuchDrive: (name: string) => `No such drive: ${name}`,
  nothingToMove: 'nothing to move',
  directoryNotFound: (path: string) => `directory ${path} is not found.`,
  notADirectory: (path: string) => `${path} is not a directory.`,
  notOwned: (path: string, owner: string) => `${path} is not owned by ${owner}.`,
  // Job texts.
  jobName: (display: string) => `Move ${display}`,
  jobDescription: (display: string, volume: string) => `Moving ${display} data to ${volume}`,
  checking: 'Performing pre-move checks...',
  movedNoFolders: (display: string) => `${display} moved successfully (no folders).`,
  notStarting: (display: string) => `NOT starting ${display}`,
  stopping: (display: string) => `Stopping ${display}...`,
  stoppedStartingMove: 'Stopped service, starting the move...',
  unmounting: 'Unmounting folders from old volume...',
  movingData: 'Moving data to new volume...',
  chowning: (display: string) => `Making sure ${display} owns its files...`,
  cannotWrite: (display: string, reason: string) => `Service ${display} will not be able to write files: ${reason}`,
  mounting: (display: string) => `Mounting ${display} data...`,
  finishing: (display: string) => `Finishing moving ${display}...`,
  rebuilding: 'Move complete, rebuilding...',
  movedSuccessfully: (display: string) => `${display} moved successfully.`,
  starting: (display: string) => `Starting ${display}...`,
  stopTimeout: (display: string) => `${display} did not stop within 5 minutes.`,
} as const;

/** Legacy REST enable/disable answers per service (1.2.x texts). */
export const LEGACY_TOGGLE_NAMES: Readonly<Record<string, string>> = {
  bitwarden: 'Bitwarden',
  gitea: 'Gitea',
  nextcloud: 'Nextcloud',
  ocserv: 'OpenConnect VPN server',
  pleroma: 'Pleroma',
};
