export { EXIT, type Io, run, USAGE } from './cli.js';
