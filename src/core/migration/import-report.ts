// What an import did (or, in a dry run, would do), by area: names and reasons only, never a secret.

export interface ImportSection {
  /** Names of what was (or would be) imported. */
  imported: string[];
  /** Names of what this API already holds. */
  present: string[];
  skipped: { name: string; reason: string }[];
  /** Device names changed on the way in (normalised, or made unique). */
  renamed: { from: string; to: string }[];
}

export interface ImportReport {
  dryRun: boolean;
  deviceTokens: ImportSection;
  recoveryKey: ImportSection;
  newDeviceKey: ImportSection;
  emailPasswords: ImportSection;
  backup: ImportSection;
}

export function emptySection(): ImportSection {
  return { imported: [], present: [], skipped: [], renamed: [] };
}

const TITLES: Record<Exclude<keyof ImportReport, 'dryRun'>, string> = {
  deviceTokens: 'device tokens',
  recoveryKey: 'recovery key',
  newDeviceKey: 'new-device key',
  emailPasswords: 'e-mail passwords',
  backup: 'backup settings',
};

/** The report as the lines the CLI prints: counts per area, then the names. */
export function formatImportReport(report: ImportReport): string[] {
  const verb = report.dryRun ? 'would import' : 'imported';
  const lines: string[] = [];
  let changes = 0;
  for (const [key, title] of Object.entries(TITLES) as [keyof typeof TITLES, string][]) {
    const s = report[key];
    changes += s.imported.length;
    lines.push(`${title}: ${s.imported.length} ${verb}, ${s.present.length} already present, ${s.skipped.length} skipped`);
    if (s.imported.length > 0) lines.push(`  ${verb}: ${s.imported.join(', ')}`);
    for (const r of s.renamed) lines.push(`  renamed: ${r.from} -> ${r.to}`);
    if (s.present.length > 0) lines.push(`  already present: ${s.present.join(', ')}`);
    for (const k of s.skipped) lines.push(`  skipped ${k.name}: ${k.reason}`);
  }
  if (report.dryRun) lines.push('Dry run: nothing was written.');
  else if (changes === 0) lines.push('Nothing to import: everything was already here, nothing changed.');
  return lines;
}
