// Journal lines a simulated `nixos-rebuild switch` writes, modelled on a real run.

export function rebuildScript(): string[] {
  return [
    'building the system configuration...',
    'these 14 derivations will be built:',
    "building '/nix/store/3m1ki0a9sv1y8k5rh2nkj7c0p4x6b2w1-etc-userdata.json.drv'...",
    "building '/nix/store/8q2vd6wnl1c7yz3g0m4h5j6k7l8p9r0s-unit-nginx.service.drv'...",
    "building '/nix/store/c4f5g6h7j8k9l0m1n2p3q4r5s6t7v8w9-system-units.drv'...",
    "building '/nix/store/x9w8v7t6s5r4q3p2n1m0l9k8j7h6g5f4-nixos-system-my-server.drv'...",
    'activating the configuration...',
    'setting up /etc...',
    'reloading user units for root...',
    'restarting sysinit-reactivation.target',
    'the following new units were started: nginx.service',
  ];
}

export function upgradeScript(): string[] {
  return [
    "warning: updating lock file '/etc/nixos/flake.lock':",
    "• Updated input 'selfprivacy-nixos-config':",
    ...rebuildScript(),
  ];
}
