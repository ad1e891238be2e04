/** The project of the request's key: `GET /v1/project`. */
import { z } from 'zod';

export const ProjectRetention = z
  .object({
    days: z.number().describe("How many days a day's data is kept after that day ends (UTC), then removed."),
    source: z
      .enum(['project', 'default'])
      .describe("project: the project's own retention (xray set retention); default: the deployment's."),
  })
  .meta({ id: 'ProjectRetention', description: 'How long the project keeps its runs, decisions and payloads.' });
export type ProjectRetention = z.infer<typeof ProjectRetention>;

/** `GET /v1/project` */
export const ProjectResponse = z
  .object({ projectId: z.string(), retention: ProjectRetention })
  .meta({ id: 'ProjectResponse', description: "The key's project and how long it keeps data." });
export type ProjectResponse = z.infer<typeof ProjectResponse>;
