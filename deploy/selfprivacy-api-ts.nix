# NixOS: runs this API as selfprivacy-api.service in place of the reference's, keeping the rest of the
# reference's module (the sp-nixos-rebuild/upgrade/rollback units the API starts, the selfprivacy-api user
# and its Kanidm token under /run/keys, Redis, dovecot's password check on 127.0.0.1:5050).
# Copy it with selfprivacy-api.service into the system flake's folder and add it to the system's modules.
{ config, lib, pkgs, ... }:
{
  # The unit text as it is in deploy/ (and as `systemd-analyze verify` checks it), not the reference's.
  systemd.units."selfprivacy-api.service".text = lib.mkForce (builtins.readFile ./selfprivacy-api.service);
  # The reference's task worker has nothing to do for this API.
  systemd.services.selfprivacy-api-worker.enable = false;

  # What the unit's PATH (/run/current-system/sw/bin) must hold beyond the base system.
  environment.systemPackages = [
    pkgs.nodejs_22
    pkgs.gitMinimal
    pkgs.restic
    pkgs.rclone
    pkgs.e2fsprogs
    pkgs.postgresql_16
    config.services.kanidm.package
  ];
}
