output "kms_key_arn" {
  description = "The environment's KMS key."
  value       = aws_kms_key.this.arn
}

output "kms_key_alias" {
  description = "The key's alias (the backup job encrypts with it)."
  value       = aws_kms_alias.this.name
}

output "app_secret_arn" {
  description = "The secret the External Secrets Operator reads."
  value       = aws_secretsmanager_secret.app.arn
}
