#!/usr/bin/env node
/**
 * TEST-ONLY: the processor with faults, for the reliability suite (see env/faults.ts). It is the
 * processor's own wiring (`startProcessor`) and configuration, plus a stage hook that crashes it or
 * acknowledges too early; nothing of it is in the processor package or its image.
 */
import { runService } from '@xray/core/service';
import { loadConfig, startProcessor } from '@xray/processor';
import { Redis } from 'ioredis';
import { describeFaults, faultHook, readFaultSettings } from '../env/faults.js';

await runService('processor', async (logger) => {
  const config = loadConfig(process.env);
  const faults = readFaultSettings(process.env);
  if (faults) logger.warn(describeFaults(faults));
  const redis = faults?.ackBeforeWrite ? new Redis(config.redisUrl, { maxRetriesPerRequest: null }) : undefined;
  const onStage = faultHook(faults, {
    kill(why) {
      // Written to the pipe synchronously: the line is not lost with the process.
      logger.warn(why);
      process.kill(process.pid, 'SIGKILL');
    },
    async ack(entryIds) {
      await redis!.xack(config.stream, config.group, ...entryIds);
    },
  });
  const running = await startProcessor(config, { logger, onStage });
  return {
    async stop() {
      await running.stop();
      redis?.disconnect();
    },
  };
});
