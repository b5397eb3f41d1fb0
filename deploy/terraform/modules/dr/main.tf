# Regional disaster recovery (ADR 0036): a copy of everything Zixly keeps, in a second region.
# - S3 replication copies every new object of the results and backups buckets, within 15
#   minutes (Replication Time Control), to versioned, encrypted replicas there, deletions too.
# - RDS replicates the instance's automated backups and transaction logs there, so the database
#   can be restored to any point of the last backup_retention_days in that region.
# - A KMS key of that region encrypts both. The network, cluster and the rest are rebuilt from
#   this Terraform in the secondary region when it is needed (docs/deploy.md, "Region loss").
data "aws_caller_identity" "current" {}
data "aws_region" "dr" {
  provider = aws.dr
}

data "aws_iam_policy_document" "dr_key" {
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
}

resource "aws_kms_key" "dr" {
  provider                = aws.dr
  description             = "${var.name} in ${data.aws_region.dr.region}: replicated results, dumps and database backups"
  enable_key_rotation     = true
  deletion_window_in_days = 30
  policy                  = data.aws_iam_policy_document.dr_key.json
  tags                    = var.tags
}

resource "aws_kms_alias" "dr" {
  provider      = aws.dr
  name          = "alias/${var.name}-dr"
  target_key_id = aws_kms_key.dr.key_id
}

module "logs_replica" {
  source               = "../storage/bucket"
  providers            = { aws = aws.dr }
  name                 = "${var.name}-access-logs-dr"
  kms_key_arn          = aws_kms_key.dr.arn
  receives_access_logs = true
  lifecycle_rules      = [{ id = "access-logs", expire_days = 365 }]
  tags                 = merge(var.tags, { Purpose = "access-logs" })
}

module "results_replica" {
  source            = "../storage/bucket"
  providers         = { aws = aws.dr }
  name              = "${var.name}-results-dr"
  kms_key_arn       = aws_kms_key.dr.arn
  access_log_bucket = module.logs_replica.id
  lifecycle_rules   = [{ id = "results", transition_days = 30, noncurrent_days = 30 }]
  tags              = merge(var.tags, { Purpose = "results-replica" })
}

module "backups_replica" {
  source            = "../storage/bucket"
  providers         = { aws = aws.dr }
  name              = "${var.name}-backups-dr"
  kms_key_arn       = aws_kms_key.dr.arn
  access_log_bucket = module.logs_replica.id
  lifecycle_rules   = [{ id = "dumps", expire_days = var.dump_retention_days, noncurrent_days = 7 }]
  tags              = merge(var.tags, { Purpose = "backups-replica" })
}

data "aws_iam_policy_document" "replication_assume" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "Service"
      identifiers = ["s3.amazonaws.com"]
    }
  }
}

resource "aws_iam_role" "replication" {
  name               = "${var.name}-s3-replication"
  assume_role_policy = data.aws_iam_policy_document.replication_assume.json
  tags               = var.tags
}

locals {
  sources  = { results = var.results_bucket, backups = var.backups_bucket }
  replicas = { results = module.results_replica.arn, backups = module.backups_replica.arn }
}

# Read the source buckets' versions (decrypting with the primary key), write them to the replicas
# (encrypting with the secondary key).
data "aws_iam_policy_document" "replication" {
  statement {
    sid       = "ReadSourceConfiguration"
    actions   = ["s3:GetReplicationConfiguration", "s3:ListBucket"]
    resources = [for bucket in values(local.sources) : "arn:aws:s3:::${bucket}"]
  }
  statement {
    sid       = "ReadSourceVersions"
    actions   = ["s3:GetObjectVersionForReplication", "s3:GetObjectVersionAcl", "s3:GetObjectVersionTagging"]
    resources = [for bucket in values(local.sources) : "arn:aws:s3:::${bucket}/*"]
  }
  statement {
    sid       = "WriteReplicas"
    actions   = ["s3:ReplicateObject", "s3:ReplicateDelete", "s3:ReplicateTags"]
    resources = [for arn in values(local.replicas) : "${arn}/*"]
  }
  statement {
    sid       = "DecryptSources"
    actions   = ["kms:Decrypt"]
    resources = [var.kms_key_arn]
  }
  statement {
    sid       = "EncryptReplicas"
    actions   = ["kms:Encrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.dr.arn]
  }
}

resource "aws_iam_role_policy" "replication" {
  name   = "s3-replication"
  role   = aws_iam_role.replication.id
  policy = data.aws_iam_policy_document.replication.json
}

resource "aws_s3_bucket_replication_configuration" "this" {
  for_each = local.sources
  bucket   = each.value
  role     = aws_iam_role.replication.arn
  rule {
    id       = "to-${data.aws_region.dr.region}"
    status   = "Enabled"
    priority = 0
    filter {}
    delete_marker_replication {
      status = "Enabled"
    }
    source_selection_criteria {
      sse_kms_encrypted_objects {
        status = "Enabled"
      }
    }
    destination {
      bucket = local.replicas[each.key]
      encryption_configuration {
        replica_kms_key_id = aws_kms_key.dr.arn
      }
      replication_time {
        status = "Enabled"
        time {
          minutes = 15
        }
      }
      metrics {
        status = "Enabled"
        event_threshold {
          minutes = 15
        }
      }
    }
  }
}

resource "aws_db_instance_automated_backups_replication" "this" {
  provider               = aws.dr
  source_db_instance_arn = var.database_arn
  kms_key_id             = aws_kms_key.dr.arn
  retention_period       = var.backup_retention_days
}
