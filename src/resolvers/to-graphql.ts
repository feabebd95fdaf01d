import type { DeviceInfo, RecoveryKeyStatus } from '../core/auth/auth-types.js';
import type { Job } from '../core/jobs/job-types.js';
import { naiveLocalIso, utcIso } from '../core/time/iso-format.js';
import type { ApiDevice, ApiRecoveryKeyStatus } from '../schema/auth/api.type.js';
import type { ApiJob } from '../schema/jobs/job.type.js';

// Date forms per field follow the reference: jobs and devices naive local, recovery key aware UTC.

export function toApiJob(job: Job): ApiJob {
  return {
    ...job,
    createdAt: naiveLocalIso(job.createdAt),
    updatedAt: naiveLocalIso(job.updatedAt),
    finishedAt: job.finishedAt ? naiveLocalIso(job.finishedAt) : null,
  };
}

export function toApiDevice(device: DeviceInfo): ApiDevice {
  return { name: device.name, creationDate: naiveLocalIso(device.createdAt), isCaller: device.isCaller };
}

export function toRecoveryKeyStatus(status: RecoveryKeyStatus): ApiRecoveryKeyStatus {
  return {
    exists: status.exists,
    valid: status.valid,
    creationDate: status.createdAt ? utcIso(status.createdAt) : null,
    expirationDate: status.expiresAt ? utcIso(status.expiresAt) : null,
    usesLeft: status.usesLeft,
  };
}
