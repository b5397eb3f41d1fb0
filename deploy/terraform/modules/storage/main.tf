# Three buckets: results (Zixly's artifacts), backups (nightly pg_dump) and access logs (the
# other two log there), each made by ./bucket: versioned, KMS-encrypted and private.
module "logs" {
  source               = "./bucket"
  name                 = "${var.name}-access-logs"
  kms_key_arn          = var.kms_key_arn
  receives_access_logs = true
  lifecycle_rules      = [{ id = "access-logs", expire_days = 365 }]
  tags                 = merge(var.tags, { Purpose = "access-logs" })
}

module "results" {
  source            = "./bucket"
  name              = "${var.name}-results"
  kms_key_arn       = var.kms_key_arn
  access_log_bucket = module.logs.id
  lifecycle_rules   = [{ id = "results", transition_days = 30, noncurrent_days = var.results_noncurrent_days }]
  tags              = merge(var.tags, { Purpose = "results" })
}

module "backups" {
  source            = "./bucket"
  name              = "${var.name}-backups"
  kms_key_arn       = var.kms_key_arn
  access_log_bucket = module.logs.id
  lifecycle_rules = [
    { id = "dumps", expire_days = var.backup_retention_days, noncurrent_days = 7 },
    { id = "failed-dumps", prefix = "postgres/.incomplete/", expire_days = 1, noncurrent_days = 1 },
  ]
  tags = merge(var.tags, { Purpose = "backups" })
}
