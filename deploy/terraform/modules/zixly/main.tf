# One Zixly environment on AWS: the KMS key and secret, the network, storage, database, EKS
# cluster with Karpenter's role and interruption queue, its public ingress (certificate, WAF, the load balancer controller's role) and the
# registry, wired together. environments/<name> call it with their sizes.
locals {
  name = "zixly-${var.environment}"
  tags = merge(var.tags, {
    Project     = "zixly"
    Environment = var.environment
    ManagedBy   = "terraform"
  })
}

module "secrets" {
  source      = "../secrets"
  name        = local.name
  environment = var.environment
  tags        = local.tags
}

module "network" {
  source             = "../network"
  name               = local.name
  cidr_block         = var.cidr_block
  availability_zones = var.availability_zones
  single_nat_gateway = var.single_nat_gateway
  kms_key_arn        = module.secrets.kms_key_arn
  tags               = local.tags
}

module "storage" {
  source                = "../storage"
  name                  = local.name
  kms_key_arn           = module.secrets.kms_key_arn
  backup_retention_days = 35
  tags                  = local.tags
}

module "database" {
  source                = "../database"
  name                  = local.name
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.database_subnet_ids
  allowed_cidr_blocks   = [module.network.vpc_cidr_block]
  kms_key_arn           = module.secrets.kms_key_arn
  instance_class        = var.database_instance_class
  multi_az              = var.database_multi_az
  backup_retention_days = var.database_backup_retention_days
  deletion_protection   = true
  tags                  = local.tags
}

module "eks" {
  source              = "../eks"
  name                = local.name
  environment         = var.environment
  vpc_id              = module.network.vpc_id
  private_subnet_ids  = module.network.private_subnet_ids
  kms_key_arn         = module.secrets.kms_key_arn
  node_min_size       = var.node_min_size
  node_max_size       = var.node_max_size
  results_bucket_arn  = module.storage.results_bucket_arn
  backups_bucket_arn  = module.storage.backups_bucket_arn
  app_secret_arn      = module.secrets.app_secret_arn
  tags                = local.tags
}

module "karpenter" {
  source                    = "../karpenter"
  cluster_name              = module.eks.cluster_name
  cluster_security_group_id = module.eks.cluster_security_group_id
  oidc_provider_arn         = module.eks.oidc_provider_arn
  node_role_arn             = module.eks.node_role_arn
  tags                      = local.tags
}

module "ingress" {
  source            = "../ingress"
  name              = local.name
  domain_name       = var.domain_name
  dns_zone_id       = var.dns_zone_id
  oidc_provider_arn = module.eks.oidc_provider_arn
  kms_key_arn       = module.secrets.kms_key_arn
  tags              = local.tags
}

module "registry" {
  source      = "../registry"
  kms_key_arn = module.secrets.kms_key_arn
  tags        = local.tags
}
