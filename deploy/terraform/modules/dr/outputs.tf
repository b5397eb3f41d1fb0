output "backups_replica_bucket" {
  description = "The secondary region's copy of the backups: DR_BACKUP_S3_URI=s3://<this>/postgres for zixly-dr-drill.sh."
  value       = module.backups_replica.id
}

output "results_replica_bucket" {
  description = "The secondary region's copy of the results: ZIXLY_ARTIFACTS_URL=s3://<this>/results after a failover."
  value       = module.results_replica.id
}

output "kms_key_arn" {
  description = "The secondary region's KMS key (replicas, replicated RDS backups)."
  value       = aws_kms_key.dr.arn
}

output "replicated_backups_arn" {
  description = "The RDS automated backups in the secondary region: restore to a point in time from them."
  value       = aws_db_instance_automated_backups_replication.this.id
}
