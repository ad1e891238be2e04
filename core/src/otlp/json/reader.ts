/**
 * What an OTLP/JSON read carries besides the lexer's position: whether it builds, the problem slot
 * of the one error protocol (../problems.ts), and scratch slots for AnyValue fields.
 */
import type { AttrValue } from '../../model/span.js';
import type { SpanProblemSlot } from '../problems.js';
import { MAX_ANY_VALUE_DEPTH } from '../verdict.js';
import { ANY_VALUE } from './fields.js';
import { JsonLexer } from './lexer.js';

export class OtlpJsonReader extends JsonLexer implements SpanProblemSlot {
  problem: string | undefined = undefined;
  /** AnyValue fields by depth (one per AnyValue field per depth), read before one is chosen. */
  readonly anyValues: AttrValue[] = new Array<AttrValue>((MAX_ANY_VALUE_DEPTH + 1) * ANY_VALUE.length).fill(null);
  readonly anyProblems: (string | undefined)[] = new Array<string | undefined>(
    (MAX_ANY_VALUE_DEPTH + 1) * ANY_VALUE.length
  ).fill(undefined);

  constructor(
    b: Uint8Array,
    /** Whether values are built (decoding) or only checked. */
    public build: boolean
  ) {
    super(b, build);
  }
}
