/** `xray alerts list|show|create|delete|events`: alert rules through the query API. */
import type { AlertEventListResponse, AlertRule, AlertRuleListResponse, AlertRuleWithState } from '@xray/core/api';
import type { ApiClient } from './api-client.js';
import type { Output } from './keys.js';
import { type Cell, renderTable, type Style } from './table.js';

const what = (r: AlertRule) => {
  if (r.kind === 'item_eliminated') return `${r.items.length} watched item(s)`;
  const reason = r.kind === 'reason_share' ? (r.reasonCode ?? r.reason) : undefined;
  return `${r.pipeline}/${r.step}${reason ? ` [${reason}]` : ''}`;
};
const when = (r: AlertRule) => (r.kind === 'item_eliminated' ? 'any eliminated' : `${r.condition} ${r.threshold}`);
const windowText = (seconds: number) =>
  seconds % 3600 === 0 ? `${seconds / 3600}h` : seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
const value = (v: number | null | undefined) =>
  v === null || v === undefined ? '-' : Number.isInteger(v) ? String(v) : v.toFixed(3);

export async function alertsListCommand(api: ApiClient, style: Style): Promise<Output> {
  const { rules } = await api.get<AlertRuleListResponse>('/v1/alerts/rules');
  const withState = await Promise.all(
    rules.map((r) => api.get<AlertRuleWithState>(`/v1/alerts/rules/${encodeURIComponent(r.id)}`))
  );
  if (withState.length === 0)
    return {
      json: { rules: withState },
      text: 'No alert rules; create one with: xray alerts create --rule \'{"kind": …}\'',
    };
  const rows: Cell[][] = withState.map((r) => [
    r.id,
    r.name,
    r.kind,
    what(r),
    when(r),
    windowText(r.windowSeconds),
    r.state.status === 'firing' ? { text: 'FIRING', paint: style.red } : { text: r.state.status, paint: style.green },
    value(r.state.lastValue),
  ]);
  return {
    json: { rules: withState },
    text: renderTable(['RULE', 'NAME', 'KIND', 'WATCHES', 'FIRES WHEN', 'WINDOW', 'STATE', 'LAST VALUE'], rows, style),
  };
}

export async function alertsShowCommand(api: ApiClient, ruleId: string, style: Style): Promise<Output> {
  const r = await api.get<AlertRuleWithState>(`/v1/alerts/rules/${encodeURIComponent(ruleId)}`);
  const s = r.state;
  const lines = [
    `${style.bold(r.name)} (${r.id}, ${r.kind})`,
    `  watches     ${what(r)}`,
    `  fires when  ${when(r)} over ${windowText(r.windowSeconds)}`,
    `  notifies    ${r.webhook}`,
    `  state       ${s.status === 'firing' ? style.red('FIRING') : s.status}${s.since ? ` since ${s.since}` : ''}`,
    `  last value  ${value(s.lastValue)}${s.lastEvaluatedAt ? ` (evaluated ${s.lastEvaluatedAt})` : ''}`,
    ...(s.evaluationError ? [`  error       ${style.red(s.evaluationError)}`] : []),
  ];
  return { json: r, text: lines.join('\n') };
}

export async function alertsCreateCommand(api: ApiClient, ruleJson: string, style: Style): Promise<Output> {
  let body: unknown;
  try {
    body = JSON.parse(ruleJson);
  } catch (err) {
    throw new SyntaxError(`the rule is not JSON (${(err as Error).message})`);
  }
  const r = await api.post<AlertRule>('/v1/alerts/rules', body);
  return { json: r, text: `Created alert rule ${style.bold(r.id)} (${r.name}).` };
}

export async function alertsDeleteCommand(api: ApiClient, ruleId: string): Promise<Output> {
  const answer = await api.delete<unknown>(`/v1/alerts/rules/${encodeURIComponent(ruleId)}`);
  return { json: answer ?? { deleted: ruleId }, text: `Deleted alert rule ${ruleId}.` };
}

export async function alertsEventsCommand(api: ApiClient, limit: string | undefined, style: Style): Promise<Output> {
  const body = await api.get<AlertEventListResponse>('/v1/alerts/events', { limit });
  if (body.events.length === 0) return { json: body, text: 'No alert has fired yet.' };
  const rows: Cell[][] = body.events.map((e) => [
    e.at.replace('T', ' ').slice(0, 19),
    e.state === 'firing' ? { text: 'FIRING', paint: style.red } : { text: 'resolved', paint: style.green },
    e.ruleName,
    value(e.value),
    String(e.threshold),
  ]);
  return { json: body, text: renderTable(['AT (UTC)', 'STATE', 'RULE', 'VALUE', 'THRESHOLD'], rows, style) };
}
