/** What `xray` says about itself: the usage text and the exit codes. */

export const USAGE = `Usage: xray <command> [options]

Debugging questions (the query API, with a read key)
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

Projects and API keys (the key store)
  xray create project <id> [--name <name>]    a project, with an ingest key and a read key
  xray create key <project> --kind ingest|read [--name <name>]
                  [--spans-per-second <n>] [--bytes-per-second <n>]
  xray revoke key <key id | key>
  xray list [--project <id>]                  projects and their keys (never the keys themselves)

Options
  --url <url>         query API (default http://127.0.0.1:8080)                        [env XRAY_QUERY_URL]
  --key <read key>    the project's read key                                           [env XRAY_READ_KEY]
  --store <setting>   where keys live: redis (default), redis:<prefix> or file:<path>  [env XRAY_AUTH_STORE]
  --redis-url <url>   Redis of the redis store (default redis://127.0.0.1:6379)       [env REDIS_URL]
  --json              machine-readable output
  -h, --help          this help
`;

/** Exit codes: 0 done, 1 the command failed (API or store unreachable, unknown id…), 2 bad usage. */
export const ExitCodes = { OK: 0, FAILED: 1, USAGE: 2 } as const;
