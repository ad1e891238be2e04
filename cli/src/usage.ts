/** What `xray` says about itself: the usage text and the exit codes. */

export const USAGE = `Usage: xray <command> [options]

Debugging questions (the query API, with a read or admin key)
  xray runs [--pipeline <p>] [--min-ratio <0-1>] [--max-ratio <0-1>] [--status ok|error]
            [--sort time|ratio] [--from <time>] [--to <time>] [--limit <n>]
                                              runs that look wrong
  xray steps <run id>                         the run's step funnel; ▶ marks the step that eliminated most
  xray reasons <step id> [--outcome <o>]      why the step decided as it did: reasons with examples
  xray why <item id> [--run <run id>]         where the item died: in one run, or across runs
            [--pipeline <p>] [--from <time>] [--to <time>]
  xray diff <run A> <run B> [--limit <n>]     what changed between two runs of one pipeline
  xray payload <decision id> | --run <run id> | --step <step id>
            [--field input|output|metadata] [--out <file>]
                                              one payload value, whole (default input): printed, or saved
  xray alerts [list]                          alert rules and their state
  xray alerts show|delete <rule id>
  xray alerts create --rule '<JSON>' | --file <rule.json>
  xray alerts events [--limit <n>]            recent firing and resolved transitions

Deleting (the query API, with an admin key)
  xray delete run <run id>                    the run, its steps, decisions and payloads, for good

Projects and API keys (the key store)
  xray create project <id> [--name <name>]    a project, with an ingest key and a read key
  xray create key <project> --kind ingest|read|admin [--name <name>]
                  [--spans-per-second <n>] [--bytes-per-second <n>]
                                              admin keys read and delete through the query API
  xray revoke key <key id | key>
  xray list [--project <id>]                  projects, their retention and keys (never the keys themselves)
  xray set retention <project> <days>         how long the project's data is kept (1-3650 days)
  xray delete project <id> --confirm <id>     revokes its keys; the janitor then removes all its data

Options
  --url <url>         query API (default http://127.0.0.1:8080)                        [env XRAY_QUERY_URL]
  --key <key>         the project's read key; its admin key for delete run             [env XRAY_READ_KEY / XRAY_ADMIN_KEY]
  --store <setting>   where keys live: redis (default), redis:<prefix> or file:<path>  [env XRAY_AUTH_STORE]
  --redis-url <url>   Redis of the redis store (default redis://127.0.0.1:6379)       [env REDIS_URL]
  --json              machine-readable output
  -h, --help          this help

Environment
  XRAY_RETENTION_DAYS the retention of projects without their own (default 30 days; xray list shows it)
`;

/** Exit codes: 0 done, 1 the command failed (API or store unreachable, unknown id…), 2 bad usage. */
export const ExitCodes = { OK: 0, FAILED: 1, USAGE: 2 } as const;
