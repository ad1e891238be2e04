/** Every error answer: a stable code and a sentence a person can act on. */
import { z } from 'zod';

export const ErrorResponse = z
  .object({
    error: z.object({
      code: z
        .string()
        .describe(
          'Stable: invalid_parameter, not_found, gone, range_not_satisfiable, unauthorized, forbidden, auth_unavailable, storage_unavailable, internal_error'
        ),
      message: z.string().describe('What went wrong and what to do about it, as a sentence.'),
    }),
  })
  .meta({ id: 'ErrorResponse', description: 'Every error answer: a stable code and a sentence a person can act on.' });
export type ErrorResponse = z.infer<typeof ErrorResponse>;
