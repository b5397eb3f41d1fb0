output "cluster_name" {
  description = "aws eks update-kubeconfig --name <this>"
  value       = module.zixly.cluster_name
}

output "database_address" {
  description = "The host of ZIXLY_DATABASE_URL."
  value       = module.zixly.database_address
}

output "database_master_secret_arn" {
  description = "Where RDS keeps the master password."
  value       = module.zixly.database_master_secret_arn
}

output "results_bucket" {
  description = "ZIXLY_ARTIFACTS_URL=s3://<this>/results"
  value       = module.zixly.results_bucket
}

output "backups_bucket" {
  description = "BACKUP_S3_URI=s3://<this>/postgres"
  value       = module.zixly.backups_bucket
}

output "irsa_role_arns" {
  description = "The overlay's service account annotations."
  value       = module.zixly.irsa_role_arns
}

output "kms_key_alias" {
  description = "BACKUP_KMS_KEY_ID"
  value       = module.zixly.kms_key_alias
}

output "app_secret_arn" {
  description = "Put the app's secret values here."
  value       = module.zixly.app_secret_arn
}

output "repository_urls" {
  description = "ECR repositories."
  value       = module.zixly.repository_urls
}

output "ingress" {
  description = "The overlay's Ingress annotations (certificate-arn, wafv2-acl-arn) and the load balancer controller's role."
  value       = module.zixly.ingress
}

output "karpenter" {
  description = "Karpenter's Helm values (its role and interruption queue) and the EC2NodeClass's node role."
  value       = module.zixly.karpenter
}

output "dr" {
  description = "The DR region's replicas (DR_BACKUP_S3_URI for the drill, the results after a failover) and key."
  value = {
    backups_replica_bucket = module.dr.backups_replica_bucket
    results_replica_bucket = module.dr.results_replica_bucket
    kms_key_arn            = module.dr.kms_key_arn
    replicated_backups_arn = module.dr.replicated_backups_arn
  }
}
