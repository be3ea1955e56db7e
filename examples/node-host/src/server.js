// Starts the example: `LIFELINE_URL=… WEBHOOK_SECRET=whsec_… PORT=3000 node src/server.js`.

import http from "node:http";

import { createApp } from "./app.js";
import { configFromEnv } from "./config.js";

let config;
try {
  config = configFromEnv();
} catch (error) {
  console.error(`node-host: ${error.message}`);
  process.exit(2);
}

const server = http.createServer();
server.listen(config.port, config.host, () => {
  const { port } = server.address();
  const appUrl = config.appUrl ?? `http://${config.host}:${port}`;
  server.on("request", createApp({ ...config, appUrl }));
  console.log(`node-host listening on ${appUrl} (Lifeline at ${config.lifelineUrl})`);
});

for (const signal of ["SIGTERM", "SIGINT"]) {
  process.on(signal, () => {
    server.close(() => process.exit(0));
    server.closeAllConnections();
  });
}
