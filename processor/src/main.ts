#!/usr/bin/env node
/**
 * The processor process: the only place that reads the environment. Stops cleanly on
 * SIGTERM/SIGINT: no new reads, the batch in flight is written and acknowledged, then the clients close.
 */
import { runService } from '@xray/core/service';
import { loadConfig } from './config.js';
import { startProcessor } from './service.js';

await runService('processor', (logger) => startProcessor(loadConfig(process.env), { logger }));
