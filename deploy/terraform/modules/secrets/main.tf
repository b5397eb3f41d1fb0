# One customer-managed KMS key for the environment (secrets, S3, RDS, EKS secrets, logs, ECR)
# and the Secrets Manager secret Zixly reads through the External Secrets Operator. Terraform
# creates the secret, never its value: put it with
#   aws secretsmanager put-secret-value --secret-id zixly/<environment>/app --secret-string file://app.json
# ({"database_url": ..., "webhook_secrets": ..., "admin_api_key": ..., "smtp_url": ..., and for
# Alertmanager's receivers "pagerduty_routing_key", "slack_webhook_url", "smtp_password"}),
# so no secret reaches the Terraform state.
data "aws_caller_identity" "current" {}
data "aws_region" "current" {}

# A key policy's "*" resource means this key. The first statement is AWS's default key policy
# (the account's IAM policies decide who uses the key); the second lets CloudWatch Logs encrypt.
data "aws_iam_policy_document" "key" {
  #checkov:skip=CKV_AWS_111:A key policy applies to its own key only; account-root access is AWS's default, delegating to IAM.
  #checkov:skip=CKV_AWS_356:A key policy's "*" resource is the key itself.
  #checkov:skip=CKV_AWS_109:A key policy applies to its own key only; account-root access is AWS's default, delegating to IAM.
  statement {
    sid       = "AccountAdministers"
    actions   = ["kms:*"]
    resources = ["*"]
    principals {
      type        = "AWS"
      identifiers = ["arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"]
    }
  }
  statement {
    sid       = "CloudWatchLogsEncrypt"
    actions   = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
    resources = ["*"]
    principals {
      type        = "Service"
      identifiers = ["logs.${data.aws_region.current.region}.amazonaws.com"]
    }
  }
}

resource "aws_kms_key" "this" {
  description             = "${var.name}: secrets, results, backups, database, logs"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "this" {
  name          = "alias/${var.name}"
  target_key_id = aws_kms_key.this.key_id
}

resource "aws_secretsmanager_secret" "app" {
  #checkov:skip=CKV2_AWS_57:Values are application keys (webhook signing secrets rotate in Zixly at run time, ADR 0012); the database password is RDS-managed and rotated by RDS.
  name                    = "zixly/${var.environment}/app"
  description             = "Zixly's database URL, webhook signing secrets, admin API key, SMTP URL and alert receivers' keys"
  kms_key_id              = aws_kms_key.this.arn
  recovery_window_in_days = var.recovery_window_days
  tags                    = var.tags
}
