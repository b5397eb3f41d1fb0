output "results_bucket" {
  description = "Where Zixly stores results (ZIXLY_ARTIFACTS_URL=s3://<this>/results)."
  value       = module.results.id
}

output "results_bucket_arn" {
  description = "The results bucket's ARN (the app role may read and write it)."
  value       = module.results.arn
}

output "backups_bucket" {
  description = "Where the backup job writes dumps (BACKUP_S3_URI=s3://<this>/postgres)."
  value       = module.backups.id
}

output "backups_bucket_arn" {
  description = "The backups bucket's ARN (the backup role may write it)."
  value       = module.backups.arn
}
