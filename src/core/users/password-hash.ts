import { randomInt } from 'node:crypto';
import { encrypt } from 'unixcrypt';

const SALT_ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
const SALT_LENGTH = 16;

function randomSalt(): string {
  let salt = '';
  for (let i = 0; i < SALT_LENGTH; i++) salt += SALT_ALPHABET[randomInt(SALT_ALPHABET.length)];
  return salt;
}

/** SHA-512 crypt (`$6$<salt>$<hash>`, 5000 rounds): what `mkpasswd -m sha-512` writes and NixOS reads. */
export function sha512Crypt(password: string, salt: string = randomSalt()): string {
  return encrypt(password, `$6$${salt}`);
}
