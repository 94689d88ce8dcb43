// CORS_ORIGINS as a list, for serverless.yml: what the deployed HTTP API and serverless-offline
// allow, read the way shared/ops/settings.py reads it (comma-separated; empty or "*": any origin).
module.exports.origins = () => {
  const origins = (process.env.CORS_ORIGINS || "")
    .split(",")
    .map((origin) => origin.trim().replace(/\/+$/, ""))
    .filter(Boolean);
  return origins.length === 0 || origins.includes("*") ? ["*"] : origins;
};
