// Runs API Extractor once per public entry and writes etc/<entry>.api.md.
// `--local` updates the reports; without it (CI) any difference from the
// committed report, and any warning, fails the run.
import { Extractor, ExtractorConfig } from '@microsoft/api-extractor';
import { publicEntries } from './entries.mjs';

const local = process.argv.includes('--local');
let failed = false;
for (const entry of publicEntries()) {
  const configObjectFullPath = new URL('../api-extractor.json', import.meta.url).pathname;
  const base = ExtractorConfig.loadFile(configObjectFullPath);
  base.mainEntryPointFilePath = `<projectFolder>/dist/${entry.base}.d.ts`;
  base.apiReport = { ...base.apiReport, reportFileName: entry.reportName };
  const config = ExtractorConfig.prepare({
    configObject: base,
    configObjectFullPath,
    packageJsonFullPath: new URL('../package.json', import.meta.url).pathname,
  });
  const result = Extractor.invoke(config, { localBuild: local, showVerboseMessages: false });
  // Locally a new or changed report is itself a warning; in CI any warning fails.
  const ok = local
    ? result.errorCount === 0
    : result.succeeded && result.warningCount === 0 && !result.apiReportChanged;
  console.log(
    `${ok ? 'ok  ' : 'FAIL'} ${entry.name}: ${result.errorCount} error(s), ${result.warningCount} warning(s)${result.apiReportChanged ? ', report changed' : ''}`,
  );
  if (!ok) failed = true;
}
if (failed) {
  console.error(
    local
      ? 'api-report: fix the warnings above.'
      : 'api:check: the public API differs from etc/*.api.md (or has warnings). Run `npm run api:update`, review, commit the report and add a changeset.',
  );
  process.exit(1);
}
