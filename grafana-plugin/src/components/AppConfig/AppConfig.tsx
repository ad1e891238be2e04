import React, { type ChangeEvent, useState } from 'react';
import { lastValueFrom } from 'rxjs';
import { css } from '@emotion/css';
import type { AppPluginMeta, GrafanaTheme2, PluginConfigPageProps, PluginMeta } from '@grafana/data';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { Alert, Button, Field, FieldSet, Input, SecretInput, useStyles2 } from '@grafana/ui';
import type { AppSettings } from '../../constants';

export interface AppConfigProps extends PluginConfigPageProps<AppPluginMeta<AppSettings>> {}

/**
 * Where the query API is and the read key to use. The key goes to secureJsonData: Grafana stores it
 * encrypted and adds it to proxied requests; the browser never receives it back.
 */
const AppConfig = ({ plugin }: AppConfigProps) => {
  const s = useStyles2(getStyles);
  const { enabled, pinned, jsonData, secureJsonFields } = plugin.meta;
  const [apiUrl, setApiUrl] = useState(jsonData?.apiUrl ?? '');
  const [apiKey, setApiKey] = useState('');
  const [keySet, setKeySet] = useState(Boolean(secureJsonFields?.apiKey));
  const [error, setError] = useState<string>();

  const urlProblem =
    apiUrl && !/^https?:\/\/[^/\s]+/.test(apiUrl) ? 'A URL starting with http:// or https://' : undefined;
  const keyProblem =
    apiKey && !apiKey.startsWith('xrr_') ? 'A read key starts with xrr_ (xri_ keys are for ingest only)' : undefined;
  const disabled = !apiUrl || Boolean(urlProblem) || Boolean(keyProblem) || (!keySet && !apiKey);

  const onSubmit = async (event: { preventDefault(): void }) => {
    event.preventDefault();
    if (disabled) {
      return;
    }
    try {
      await updatePlugin(plugin.meta.id, {
        enabled,
        pinned,
        jsonData: { apiUrl: apiUrl.replace(/\/+$/, '') },
        // Left out when unchanged, so a saved key is kept.
        secureJsonData: keySet ? undefined : { apiKey },
      });
      // The app reads its settings when Grafana loads it.
      window.location.reload();
    } catch (e) {
      const reason = isFetchError<{ message?: string }>(e)
        ? (e.data?.message ?? `${e.status} ${e.statusText ?? ''}`.trim())
        : e instanceof Error
          ? e.message
          : String(e);
      setError(`Grafana did not save the settings: ${reason}`);
    }
  };

  return (
    <form onSubmit={onSubmit}>
      <FieldSet label="X-Ray query API">
        <Field
          label="Query API URL"
          description="As Grafana's server reaches it, e.g. http://query:8080"
          invalid={Boolean(urlProblem)}
          error={urlProblem}
        >
          <Input
            width={60}
            id="config-api-url"
            name="apiUrl"
            value={apiUrl}
            placeholder="http://localhost:8080"
            onChange={(e: ChangeEvent<HTMLInputElement>) => setApiUrl(e.target.value.trim())}
          />
        </Field>
        <Field
          label="Read API key"
          description="A project's read key (xrr_…), from `xray create project` or `xray create key --kind read`. Stored encrypted; the browser never sees it."
          invalid={Boolean(keyProblem)}
          error={keyProblem}
          className={s.marginTop}
        >
          <SecretInput
            width={60}
            id="config-api-key"
            name="apiKey"
            value={apiKey}
            isConfigured={keySet}
            placeholder="xrr_…"
            onChange={(e: ChangeEvent<HTMLInputElement>) => setApiKey(e.target.value.trim())}
            onReset={() => {
              setApiKey('');
              setKeySet(false);
            }}
          />
        </Field>
        {error && (
          <Alert severity="error" title="Not saved">
            {error}
          </Alert>
        )}
        <div className={s.marginTop}>
          <Button type="submit" disabled={disabled}>
            Save settings
          </Button>
        </div>
      </FieldSet>
    </form>
  );
};

export default AppConfig;

const getStyles = (theme: GrafanaTheme2) => ({
  marginTop: css({ marginTop: theme.spacing(3) }),
});

async function updatePlugin(pluginId: string, data: Partial<PluginMeta<AppSettings>>) {
  return lastValueFrom(
    getBackendSrv().fetch({ url: `/api/plugins/${pluginId}/settings`, method: 'POST', data, showErrorAlert: false })
  );
}
