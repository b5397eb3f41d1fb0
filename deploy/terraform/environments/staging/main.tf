# The staging environment: network, KMS key and secret, storage, database, EKS and registry.
locals {
  environment = "staging"
  name        = "zixly-staging"
  tags = {
    Project     = "zixly"
    Environment = "staging"
    ManagedBy   = "terraform"
  }
}

module "secrets" {
  source      = "../../modules/secrets"
  name        = local.name
  environment = local.environment
  tags        = local.tags
}

module "network" {
  source             = "../../modules/network"
  name               = local.name
  cidr_block         = "10.10.0.0/16"
  availability_zones = var.availability_zones
  single_nat_gateway = true
  kms_key_arn        = module.secrets.kms_key_arn
  tags               = local.tags
}

module "storage" {
  source                = "../../modules/storage"
  name                  = local.name
  kms_key_arn           = module.secrets.kms_key_arn
  backup_retention_days = 35
  tags                  = local.tags
}

module "database" {
  source                = "../../modules/database"
  name                  = local.name
  vpc_id                = module.network.vpc_id
  subnet_ids            = module.network.database_subnet_ids
  allowed_cidr_blocks   = [module.network.vpc_cidr_block]
  kms_key_arn           = module.secrets.kms_key_arn
  instance_class        = "db.t4g.medium"
  multi_az              = false
  backup_retention_days = 7
  deletion_protection   = true
  tags                  = local.tags
}

module "eks" {
  source              = "../../modules/eks"
  name                = local.name
  environment         = local.environment
  vpc_id              = module.network.vpc_id
  private_subnet_ids  = module.network.private_subnet_ids
  kms_key_arn         = module.secrets.kms_key_arn
  node_min_size       = 2
  node_max_size       = 5
  results_bucket_arn  = module.storage.results_bucket_arn
  backups_bucket_arn  = module.storage.backups_bucket_arn
  app_secret_arn      = module.secrets.app_secret_arn
  tags                = local.tags
}

module "registry" {
  source      = "../../modules/registry"
  kms_key_arn = module.secrets.kms_key_arn
  tags        = local.tags
}
