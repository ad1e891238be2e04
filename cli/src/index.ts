export { ExitCodes, type Io, run, USAGE } from './cli.js';
