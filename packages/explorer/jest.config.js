import { jestConfig } from '../../jest.config.base.js';

export default jestConfig(import.meta.dirname ?? new URL('.', import.meta.url).pathname);
