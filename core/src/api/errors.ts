/** Every error answer: a stable code and a sentence a person can act on. */
export interface ErrorResponse {
  error: { code: string; message: string };
}
