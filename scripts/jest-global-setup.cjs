// One folder per Jest run for the stores @cairn/testing's storeFromTemplate builds once and copies
// for each test; the teardown removes it. Test files inherit the environment variable.
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');

module.exports = async function globalSetup() {
  if (process.env.CAIRN_TEST_TEMPLATES) return;
  process.env.CAIRN_TEST_TEMPLATES = fs.mkdtempSync(path.join(os.tmpdir(), 'cairn-templates-'));
  process.env.CAIRN_TEST_TEMPLATES_OWNED = '1';
};
