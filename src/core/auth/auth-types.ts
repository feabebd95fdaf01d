export interface DeviceToken {
  name: string;
  createdAt: Date;
}

export interface RecoveryKey {
  /** SHA-256 of the key's entropy: the key itself is only ever shown as a mnemonic, once. */
  keyHash: string;
  createdAt: Date;
  expiresAt: Date | null;
  usesLeft: number | null;
}

export interface NewDeviceKey {
  keyHash: string;
  createdAt: Date;
  expiresAt: Date;
}

export interface RecoveryKeyStatus {
  exists: boolean;
  valid: boolean;
  createdAt: Date | null;
  expiresAt: Date | null;
  usesLeft: number | null;
}

export interface DeviceInfo {
  name: string;
  createdAt: Date;
  isCaller: boolean;
}

/** Who is calling: the authenticated device and the raw token it presented. */
export interface Caller {
  device: DeviceToken;
  token: string;
}
