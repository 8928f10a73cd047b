import { Validations } from 'aws-cdk-lib';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';

const ROTATION_RULES = ['AwsSolutions-SMG4', 'HIPAA.Security-SecretsManagerRotationEnabled', 'NIST.800.53.R5-SecretsManagerRotationEnabled'];
const KMS_RULES = ['HIPAA.Security-SecretsManagerUsingKMSKey', 'NIST.800.53.R5-SecretsManagerUsingKMSKey', 'PCI.DSS.321-SecretsManagerUsingKMSKey'];

/**
 * Acknowledges the cdk-nag findings of a generated cache credential secret, with reasons: it has
 * no Secrets Manager rotation schedule (`rotationReason` says how the credential is rotated
 * instead), and without a customer managed key it is encrypted with `aws/secretsmanager`
 * (`kmsReason` says how to change that).
 */
export function acknowledgeCredentialSecret(
  secret: secretsmanager.Secret,
  rotationReason: string,
  customerKey: boolean,
  kmsReason: string,
): void {
  for (const id of ROTATION_RULES) {
    Validations.of(secret).acknowledge({ id, reason: rotationReason });
  }
  if (!customerKey) {
    for (const id of KMS_RULES) {
      Validations.of(secret).acknowledge({ id, reason: kmsReason });
    }
  }
}
