output "cluster_name" {
  description = "aws eks update-kubeconfig --name <this>"
  value       = module.eks.cluster_name
}

output "database_address" {
  description = "The host of ZIXLY_DATABASE_URL."
  value       = module.database.address
}

output "database_master_secret_arn" {
  description = "Where RDS keeps the master password."
  value       = module.database.master_user_secret_arn
}

output "results_bucket" {
  description = "ZIXLY_ARTIFACTS_URL=s3://<this>/results"
  value       = module.storage.results_bucket
}

output "backups_bucket" {
  description = "BACKUP_S3_URI=s3://<this>/postgres"
  value       = module.storage.backups_bucket
}

output "irsa_role_arns" {
  description = "The overlay's service account annotations."
  value       = module.eks.irsa_role_arns
}

output "kms_key_alias" {
  description = "BACKUP_KMS_KEY_ID"
  value       = module.secrets.kms_key_alias
}

output "app_secret_arn" {
  description = "Put the app's secret values here."
  value       = module.secrets.app_secret_arn
}

output "repository_urls" {
  description = "ECR repositories."
  value       = module.registry.repository_urls
}

output "ingress" {
  description = "The overlay's Ingress annotations (certificate-arn, wafv2-acl-arn) and the load balancer controller's role."
  value = {
    certificate_arn                   = module.ingress.certificate_arn
    web_acl_arn                       = module.ingress.web_acl_arn
    load_balancer_controller_role_arn = module.ingress.load_balancer_controller_role_arn
  }
}

output "karpenter" {
  description = "Karpenter's Helm values (its role and interruption queue) and the EC2NodeClass's node role."
  value = {
    controller_role_arn = module.karpenter.controller_role_arn
    interruption_queue  = module.karpenter.interruption_queue
    node_role_name      = module.eks.node_role_name
  }
}

output "kms_key_arn" {
  description = "The environment's KMS key (the DR module decrypts replicated objects with it)."
  value       = module.secrets.kms_key_arn
}

output "database_arn" {
  description = "The RDS instance (the DR module replicates its automated backups)."
  value       = module.database.arn
}
