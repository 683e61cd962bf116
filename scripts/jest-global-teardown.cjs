// Removes the run's template folder that jest-global-setup.cjs made (not one the caller gave).
const fs = require('node:fs');

module.exports = async function globalTeardown() {
  const dir = process.env.CAIRN_TEST_TEMPLATES;
  if (dir && process.env.CAIRN_TEST_TEMPLATES_OWNED === '1') {
    fs.rmSync(dir, { recursive: true, force: true });
    delete process.env.CAIRN_TEST_TEMPLATES;
    delete process.env.CAIRN_TEST_TEMPLATES_OWNED;
  }
};
