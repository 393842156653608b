/**
 * In AWS, ServiceTitan credentials (client id, client secret, app key) live in one Secrets Manager
 * secret, read once per container and cached — never in environment variables, the template or logs.
 * The tenant id and endpoints are not secret and come from the environment set by CDK.
 */
import { GetSecretValueCommand, type SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import * as z from "zod";
import { ConfigError, ReasonCode } from "../errors.ts";
import { issuePaths } from "../validation/issues.ts";

export const serviceTitanSecretSchema = z.object({
  clientId: z.string().min(1),
  clientSecret: z.string().min(1),
  appKey: z.string().min(1),
});
export type ServiceTitanSecret = z.output<typeof serviceTitanSecretSchema>;

export async function readServiceTitanSecret(
  secrets: SecretsManagerClient,
  secretName: string,
): Promise<ServiceTitanSecret> {
  const { SecretString } = await secrets.send(new GetSecretValueCommand({ SecretId: secretName }));
  let json: unknown;
  try {
    json = JSON.parse(SecretString ?? "");
  } catch (error) {
    throw new ConfigError(ReasonCode.ConfigInvalid, "ST_SECRET_NAME", `Secret ${secretName} is not JSON`, {
      cause: error,
    });
  }
  const parsed = serviceTitanSecretSchema.safeParse(json);
  if (!parsed.success) {
    const keys = issuePaths(parsed.error.issues).join(", ");
    throw new ConfigError(
      ReasonCode.ConfigInvalid,
      "ST_SECRET_NAME",
      `Secret ${secretName} must hold clientId, clientSecret and appKey; bad or missing: ${keys}`,
    );
  }
  return parsed.data;
}
