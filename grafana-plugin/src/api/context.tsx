import React, { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { type Params, type XRayApi, XRayApiError } from './client';

const ApiContext = createContext<XRayApi | null>(null);

export const ApiProvider = ({ api, children }: { api: XRayApi; children: React.ReactNode }) => (
  <ApiContext.Provider value={api}>{children}</ApiContext.Provider>
);

export function useApi(): XRayApi {
  const api = useContext(ApiContext);
  if (!api) {
    throw new Error('useApi() outside <ApiProvider>');
  }
  return api;
}

export interface QueryState<T> {
  loading: boolean;
  error?: XRayApiError;
  data?: T;
  reload: () => void;
  /** While a newer request loads or after it failed: the last answer this hook had, and what it asked for. */
  previous?: { path: string; params: Params; data: T };
}

/**
 * GETs `path` from the query API and fetches again whenever the path or parameters change. Only the
 * answer to the current request is returned: a slower earlier answer never shows for newer
 * parameters. `path` null means "nothing to ask yet".
 */
export function useApiQuery<T>(path: string | null, params?: Params): QueryState<T> {
  const api = useApi();
  const [generation, setGeneration] = useState(0);
  const [result, setResult] = useState<{ key: string; data?: T; error?: XRayApiError }>();
  const [answered, setAnswered] = useState<{ key: string; path: string; params: Params; data: T }>();
  const key = path === null ? null : JSON.stringify([path, params ?? {}, generation]);

  useEffect(() => {
    if (key === null || path === null) {
      return;
    }
    let current = true;
    api.get<T>(path, params).then(
      (data) => {
        if (current) {
          setResult({ key, data });
          setAnswered({ key, path, params: params ?? {}, data });
        }
      },
      (error: unknown) =>
        current &&
        setResult({ key, error: error instanceof XRayApiError ? error : new XRayApiError(String(error), 0, 'error') })
    );
    return () => {
      current = false;
    };
    // `key` stands for path, params and generation.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [api, key]);

  const reload = useCallback(() => setGeneration((g) => g + 1), []);
  const fresh = key !== null && result?.key === key;
  const previous =
    answered && answered.key !== key
      ? { path: answered.path, params: answered.params, data: answered.data }
      : undefined;
  return {
    loading: key !== null && !fresh,
    data: fresh ? result.data : undefined,
    error: fresh ? result.error : undefined,
    reload,
    previous,
  };
}
