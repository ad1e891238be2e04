# One image for the three X-Ray services and the xray CLI; docker-compose.yml picks the command.
# (No Docker engine runs on the development machines: e2e/src/compose.test.ts checks this file's
# wiring statically, and the services it runs are tested as processes.)
FROM node:22-slim AS build
WORKDIR /app
COPY package.json package-lock.json tsconfig.json ./
COPY otel/package.json otel/
COPY core/package.json core/
COPY auth/package.json auth/
COPY sdk/package.json sdk/
COPY receiver/package.json receiver/
COPY processor/package.json processor/
COPY query/package.json query/
COPY cli/package.json cli/
COPY stack/package.json stack/
COPY e2e/package.json e2e/
COPY bench/package.json bench/
RUN npm ci --ignore-scripts
COPY . .
RUN npx tsc -b otel core auth receiver processor query cli \
 && npm prune --omit=dev --ignore-scripts \
 && rm -rf core/dist/testing

FROM node:22-slim
ENV NODE_ENV=production
WORKDIR /app
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/package.json ./
# Each package's manifest and build only (core also its migrations): no sources, no tests, and no
# test helpers (core/dist/testing is removed above; the processor's test faults live in reliability/).
COPY --from=build /app/otel/package.json otel/
COPY --from=build /app/otel/dist otel/dist
COPY --from=build /app/core/package.json core/
COPY --from=build /app/core/dist core/dist
COPY --from=build /app/core/migrations core/migrations
COPY --from=build /app/auth/package.json auth/
COPY --from=build /app/auth/dist auth/dist
COPY --from=build /app/receiver/package.json receiver/
COPY --from=build /app/receiver/dist receiver/dist
COPY --from=build /app/processor/package.json processor/
COPY --from=build /app/processor/dist processor/dist
COPY --from=build /app/query/package.json query/
COPY --from=build /app/query/dist query/dist
COPY --from=build /app/cli/package.json cli/
COPY --from=build /app/cli/dist cli/dist
COPY --from=build /app/cli/bin cli/bin
USER node
CMD ["node", "receiver/dist/main.js"]
